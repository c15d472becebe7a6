/*
 * test_channels.c -- unit tests of chn_normalize() / chn_merge() (channels.h).
 *
 * Contract: every payload shape the channels accept has a realistic payload in
 * test/unit/payloads/<channel>_<shape>.json (the SQL tests reuse them); each
 * is normalized and the listed fields are compared EXACTLY (json_equal; a
 * null expectation means "absent").  Times are checked in microseconds for a
 * known instant: 2024-06-15 09:30:00 Asia/Shanghai = 2024-06-15T01:30:00Z =
 * 1718415000000000 us.  Also: the real FreeSWITCH CDR fixture
 * (test/fixtures/payloads), every error class with SQLSTATE and field,
 * chn_merge for Asterisk legs, a Zoom event sequence, Teams versions, Tencent
 * parts.  Output is TAP ("ok N - ..."); exit status 1 on any failure.
 * Run from the repository root (CHN_PAYLOADS overrides the payload dir).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "sha256.h"

#define T0 1718415000000000LL	/* 2024-06-15 09:30:00 +08:00 */

static int	ntest,
			nfail;
static const char *pdir = "test/unit/payloads";

static void ok(int cond, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static void
ok(int cond, const char *fmt,...)
{
	va_list		ap;

	ntest++;
	printf("%sok %d - ", cond ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		nfail++;
	fflush(stdout);
}

static void
diag_json(const char *what, const json_t *v)
{
	char	   *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	printf("#   %s: %s\n", what, s ? s : "(absent)");
	free(s);
}

static json_t *
load(const char *name)
{
	char		path[512];
	json_error_t je;
	json_t	   *j;

	snprintf(path, sizeof path, "%s/%s.json", pdir, name);
	j = json_load_file(path, JSON_DECODE_ANY, &je);
	if (j == NULL)
		printf("# cannot load %s: %s (line %d)\n", path, je.text, je.line);
	return j;
}

static json_t *
norm_file(const char *channel, const char *name)
{
	json_t	   *p = load(name);
	json_t	   *n;
	chn_error	e;

	if (p == NULL)
		return NULL;
	n = chn_normalize(channel, p, &e);
	if (n == NULL)
		printf("# %s: error %s field=%s: %s\n", name, e.sqlstate, e.field, e.message);
	json_decref(p);
	return n;
}

/* compare each key of the expected object exactly (null: must be absent) */
static void
expect(const char *name, const json_t *n, const char *spec)
{
	json_error_t je;
	json_t	   *want = json_loads(spec, 0, &je);
	const char *k;
	json_t	   *v;

	if (want == NULL)
	{
		ok(0, "%s: bad expectation JSON (%s)", name, je.text);
		return;
	}
	json_object_foreach(want, k, v)
	{
		json_t	   *got = n ? json_object_get(n, k) : NULL;
		int			good = json_is_null(v) ? (n != NULL && got == NULL) : (got != NULL && json_equal(got, v));

		ok(good, "%s: %s", name, k);
		if (!good)
		{
			diag_json("expected", json_is_null(v) ? NULL : v);
			diag_json("got", got);
		}
	}
	json_decref(want);
}

static void
check_file(const char *channel, const char *name, const char *spec)
{
	json_t	   *n = norm_file(channel, name);

	ok(n != NULL, "%s normalizes", name);
	if (n)
		expect(name, n, spec);
	json_decref(n);
}

/* an inline payload (JSON text) normalizes and matches spec */
static void
check_json(const char *channel, const char *json, const char *desc, const char *spec)
{
	json_error_t je;
	json_t	   *p = json_loads(json, JSON_DECODE_ANY, &je);
	json_t	   *n = NULL;
	chn_error	e;

	if (p == NULL)
	{
		ok(0, "%s: bad test JSON (%s)", desc, je.text);
		return;
	}
	n = chn_normalize(channel, p, &e);
	ok(n != NULL, "%s normalizes", desc);
	if (n == NULL)
		printf("#   error %s field=%s: %s\n", e.sqlstate, e.field, e.message);
	else
		expect(desc, n, spec);
	json_decref(n);
	json_decref(p);
}

static void
check_err_payload(const char *channel, json_t *p, const char *state, const char *field, const char *desc)
{
	chn_error	e;
	json_t	   *n = chn_normalize(channel, p, &e);

	ok(n == NULL && strcmp(e.sqlstate, state) == 0 && strcmp(e.field, field) == 0 && e.message[0] != '\0',
	   "error %s: %s %s field \"%s\"", desc, state, channel, field);
	if (n != NULL)
		diag_json("unexpected record", n);
	else if (strcmp(e.sqlstate, state) != 0 || strcmp(e.field, field) != 0)
		printf("#   got %s field=\"%s\": %s\n", e.sqlstate, e.field, e.message);
	/* every error the sender caused says what would be accepted */
	ok(n == NULL && e.hint[0] != '\0', "error %s: has a hint", desc);
	if (n == NULL && e.hint[0] == '\0')
		printf("#   no hint for %s field=\"%s\": %s\n", e.sqlstate, e.field, e.message);
	json_decref(n);
}

static void
check_err(const char *channel, const char *json, const char *state, const char *field, const char *desc)
{
	json_error_t je;
	json_t	   *p = json_loads(json, JSON_DECODE_ANY, &je);

	if (p == NULL)
	{
		ok(0, "error %s: bad test JSON (%s)", desc, je.text);
		return;
	}
	check_err_payload(channel, p, state, field, desc);
	json_decref(p);
}

/* an error whose hint says what the field should be (contains want) */
static void
check_err_hint(const char *channel, const char *json, const char *state, const char *field,
			   const char *want, const char *desc)
{
	json_t	   *p = json_loads(json, JSON_DECODE_ANY, NULL);
	json_t	   *n;
	chn_error	e;

	if (p == NULL)
	{
		ok(0, "error %s: bad test JSON", desc);
		return;
	}
	check_err_payload(channel, p, state, field, desc);
	n = chn_normalize(channel, p, &e);
	ok(n == NULL && strstr(e.hint, want) != NULL && strstr(e.message, field) != NULL,
	   "error %s: message names %s, hint says \"%s\"", desc, field, want);
	if (n == NULL && strstr(e.hint, want) == NULL)
		printf("#   hint: %s\n", e.hint);
	json_decref(n);
	json_decref(p);
}

/* the payload file with one key replaced (value as JSON text; NULL deletes) */
static void
check_err_edit(const char *channel, const char *name, const char *key, const char *value,
			   const char *state, const char *field, const char *desc)
{
	json_t	   *p = load(name);
	json_t	   *obj = p;
	char		k[128];
	const char *dot;

	snprintf(k, sizeof k, "%s", key);
	while (obj && (dot = strchr(k, '.')) != NULL)
	{
		char		head[128];

		snprintf(head, sizeof head, "%.*s", (int) (dot - k), k);
		obj = json_object_get(obj, head);
		memmove(k, dot + 1, strlen(dot + 1) + 1);
	}
	if (obj == NULL)
	{
		ok(0, "error %s: cannot edit %s", desc, key);
		json_decref(p);
		return;
	}
	if (value)
		json_object_set_new(obj, k, json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(obj, k);
	check_err_payload(channel, p, state, field, desc);
	json_decref(p);
}

static const char *
hash57(const char *material, char *buf)
{
	char		hex[65];

	sha256_hex(material, strlen(material), hex);
	snprintf(buf, 72, "sha256:%.57s", hex);
	return buf;
}

/* ================================================================ wechat */
static void
test_wechat(void)
{
	check_file("wechat", "wechat_archive_text",
			   "{\"communication_type\":\"wechat\",\"channel\":\"企业微信\",\"source_system\":\"wechat_work\","
			   "\"source_record_id\":\"CAQQluDa4QUY0On2rYSAgAMgzPrShAE=\",\"communication_time\":1718415000000000,"
			   "\"merge_policy\":\"replace\",\"direction_hint\":\"inbound\",\"initiated_by\":\"wmAUXzhangJL8765\","
			   "\"handled_by\":\"wangming\",\"chat_key\":\"pair:wangming|wmAUXzhangJL8765\","
			   "\"addresses\":[{\"kind\":\"wecom\",\"value\":\"wmAUXzhangJL8765\",\"role\":\"from\"},"
			   "{\"kind\":\"wecom\",\"value\":\"wangming\",\"role\":\"to\"}],"
			   "\"participants\":[\"wmAUXzhangJL8765\",\"wangming\"],"
			   "\"content\":\"王经理您好,KFR-35GW 挂机我们这个季度要 2000 台,麻烦发一份最新报价单,月底前要定下来。\","
			   "\"subject\":\"王经理您好,KFR-35GW 挂机我们这个季度要 2000 台,麻烦发一份最新报价单,月底前要定下来\","
			   "\"media_pending\":null,\"attachments\":null,\"missed\":null,\"recall_of\":null}");
	check_file("wechat", "wechat_archive_image",
			   "{\"source_record_id\":\"CAQQ2fbb4QUY0On2rYSAgAMgip/yzgs=\",\"communication_time\":1718415060000000,"
			   "\"content\":\"[图片] 待识别\",\"media_pending\":\"image\",\"subject\":\"[image]\","
			   "\"attachments\":[{\"file_name\":\"50DE8E2E5C7C5D5E0A4FB26D4F5E6A12.jpg\",\"file_type\":\"jpg\","
			   "\"file_size\":70961,\"file_hash\":\"md5:50de8e2e5c7c5d5e0a4fb26d4f5e6a12\",\"content_type\":\"image/jpeg\"}]}");
	check_file("wechat", "wechat_archive_voice",
			   "{\"content\":\"[语音 12秒] 待转写\",\"media_pending\":\"voice\",\"duration\":12,\"subject\":\"[voice]\","
			   "\"communication_time\":1718415120000000,\"attachments\":null}");
	check_file("wechat", "wechat_archive_video",
			   "{\"content\":\"[视频 30秒] 待识别\",\"media_pending\":\"video\",\"duration\":30,"
			   "\"direction_hint\":\"outbound\",\"initiated_by\":\"wangming\",\"handled_by\":null,"
			   "\"attachments\":[{\"file_name\":\"d06fc80c01d6fbffcca3b229ba41eac6.mp4\",\"file_type\":\"mp4\","
			   "\"file_size\":15169724,\"file_hash\":\"md5:d06fc80c01d6fbffcca3b229ba41eac6\",\"content_type\":\"video/mp4\"}]}");
	check_file("wechat", "wechat_archive_file",
			   "{\"content\":\"[文件] 奥克斯KFR-35GW报价单2024Q3.pdf\",\"media_pending\":\"file\","
			   "\"subject\":\"[file] 奥克斯KFR-35GW报价单2024Q3.pdf\",\"direction_hint\":\"outbound\","
			   "\"attachments\":[{\"file_name\":\"奥克斯KFR-35GW报价单2024Q3.pdf\",\"file_type\":\"pdf\",\"file_size\":1842321,"
			   "\"file_hash\":\"md5:18e93fc2ea884df23b3d2d3b8667b9f0\",\"content_type\":\"application/pdf\"}]}");
	/* a file or video over 2 GiB (a site video) is kept: the int4 file_size
	 * is left out, the true size goes to size_bytes, extra.file_size and the
	 * text */
	check_json("wechat", "{\"msgid\":\"big2\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\"],"
			   "\"roomid\":\"\",\"msgtime\":1718415180000,\"msgtype\":\"file\",\"file\":{\"md5sum\":\"18e93fc2ea884df23b3b2d3d2d3d2d3e\","
			   "\"filename\":\"设备安装录像.mp4\",\"fileext\":\"mp4\",\"filesize\":3221225472,\"sdkfileid\":\"CtYBMzA2OTAyMDEwMjA0NjIz\"}}",
			   "WeCom archive file of 3 GiB",
			   "{\"content\":\"[文件] 设备安装录像.mp4 (3.0 GB)\",\"media_pending\":\"file\",\"subject\":\"[file] 设备安装录像.mp4\","
			   "\"attachments\":[{\"file_name\":\"设备安装录像.mp4\",\"file_type\":\"mp4\",\"size_bytes\":3221225472,"
			   "\"file_hash\":\"md5:18e93fc2ea884df23b3b2d3d2d3d2d3e\",\"content_type\":\"video/mp4\"}],"
			   "\"extra\":{\"file_size\":3221225472,\"msgtype\":\"file\",\"sdkfileid\":\"CtYBMzA2OTAyMDEwMjA0NjIz\"}}");
	check_json("wechat", "{\"msgid\":\"big4\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\"],"
			   "\"msgtime\":1718415180000,\"msgtype\":\"video\",\"video\":{\"md5sum\":\"18e93fc2ea884df23b3b2d3d2d3d2d4f\","
			   "\"filesize\":\"3221225472\",\"play_length\":600}}",
			   "WeCom archive video of 3 GiB (size as a string)",
			   "{\"content\":\"[视频 600秒] 待识别 (3.0 GB)\",\"duration\":600,\"media_pending\":\"video\","
			   "\"attachments\":[{\"file_name\":\"18e93fc2ea884df23b3b2d3d2d3d2d4f.mp4\",\"file_type\":\"mp4\",\"size_bytes\":3221225472,"
			   "\"file_hash\":\"md5:18e93fc2ea884df23b3b2d3d2d3d2d4f\",\"content_type\":\"video/mp4\"}],"
			   "\"extra\":{\"file_size\":3221225472,\"msgtype\":\"video\"}}");
	/* 2147483647 bytes still fits the column: unchanged */
	check_json("wechat", "{\"msgid\":\"big5\",\"action\":\"send\",\"from\":\"wangming\",\"tolist\":[\"wmAUXzhangJL8765\"],"
			   "\"msgtime\":1718415180000,\"msgtype\":\"file\",\"file\":{\"filename\":\"总装线布置图.dwg\",\"filesize\":2147483647}}",
			   "WeCom archive file of 2^31-1 bytes",
			   "{\"content\":\"[文件] 总装线布置图.dwg\",\"extra\":{\"msgtype\":\"file\"},"
			   "\"attachments\":[{\"file_name\":\"总装线布置图.dwg\",\"file_type\":\"dwg\",\"file_size\":2147483647,\"content_type\":\"image/vnd.dwg\"}]}");
	check_json("wechat", "{\"msg_id\":\"wx-cb-20240615-0042\",\"msg_type\":\"file\",\"from_user\":\"wmAUXzhangJL8765\","
			   "\"to_user\":\"wangming\",\"create_time\":1718415000,\"file_name\":\"试产线全程录像.mov\",\"file_size\":5368709120,"
			   "\"file_url\":\"https://wework.example.cn/media/file/line.mov\"}",
			   "WeCom callback file of 5 GiB",
			   "{\"content\":\"[文件] 试产线全程录像.mov (5.0 GB)\",\"extra\":{\"file_size\":5368709120,\"msgtype\":\"file\"},"
			   "\"attachments\":[{\"file_name\":\"试产线全程录像.mov\",\"file_type\":\"mov\",\"size_bytes\":5368709120,"
			   "\"file_url\":\"https://wework.example.cn/media/file/line.mov\",\"content_type\":\"video/quicktime\"}]}");
	check_file("wechat", "wechat_archive_link",
			   "{\"content\":\"[链接] 拓中空调压缩机 2024 新品目录\\nR32 冷媒变频压缩机全系列参数\\nhttps://www.topcentral.cn/products/2024-catalog\","
			   "\"subject\":\"[link]\",\"media_pending\":null}");
	check_file("wechat", "wechat_archive_location",
			   "{\"content\":\"[位置] 奥克斯大厦 浙江省宁波市鄞州区日丽中路 757 号 (29.868388, 121.549792)\",\"subject\":\"[location]\"}");
	/* the same location with its coordinates as strings (numbers may arrive as strings) */
	check_json("wechat", "{\"msgid\":\"loc-str-1\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\"],"
			   "\"roomid\":\"\",\"msgtime\":\"1718415360000\",\"msgtype\":\"location\",\"location\":{\"longitude\":\"121.549792\","
			   "\"latitude\":\"29.868388\",\"address\":\"浙江省宁波市鄞州区日丽中路 757 号\",\"title\":\"奥克斯大厦\",\"zoom\":\"15\"}}",
			   "WeCom location with string coordinates",
			   "{\"content\":\"[位置] 奥克斯大厦 浙江省宁波市鄞州区日丽中路 757 号 (29.868388, 121.549792)\"}");
	check_file("wechat", "wechat_archive_weapp",
			   "{\"content\":\"[小程序] 拓中在线选型 按冷量选压缩机 (拓中商城)\",\"subject\":\"[weapp]\"}");
	check_file("wechat", "wechat_archive_card", "{\"content\":\"[名片] 拓中机电 lijing\",\"subject\":\"[card]\"}");
	check_file("wechat", "wechat_archive_news",
			   "{\"content\":\"[图文]\\n拓中获评 2024 年度优秀供应商 - 感谢合作伙伴的信任 https://www.topcentral.cn/news/1\\n"
			   "R32 压缩机量产发布 - 能效提升 8% https://www.topcentral.cn/news/2\",\"subject\":\"[news]\"}");
	/* the archive API's own shape: news and markdown keep their payload in a
	 * top-level "info", not under the msgtype */
	check_json("wechat", "{\"msgid\":\"118732825779547782215\",\"action\":\"send\",\"from\":\"wangming\","
			   "\"tolist\":[\"wmAUXzhangJL8765\"],\"roomid\":\"\",\"msgtime\":1718420003000,\"msgtype\":\"news\","
			   "\"info\":{\"item\":[{\"title\":\"奥克斯2024招标公告\",\"description\":\"压缩机采购\",\"url\":\"https://x.cn/1\","
			   "\"picurl\":\"https://x.cn/p.png\"},{\"title\":\"拓中 R32 压缩机选型手册\",\"description\":\"KFR-35GW 配套\","
			   "\"url\":\"https://www.topcentral.cn/news/3\",\"picurl\":\"https://www.topcentral.cn/p/3.png\"}]}}",
			   "WeCom archive news with top-level info",
			   "{\"content\":\"[图文]\\n奥克斯2024招标公告 - 压缩机采购 https://x.cn/1\\n"
			   "拓中 R32 压缩机选型手册 - KFR-35GW 配套 https://www.topcentral.cn/news/3\",\"subject\":\"[news]\","
			   "\"source_record_id\":\"118732825779547782215\",\"direction_hint\":\"outbound\",\"media_pending\":null}");
	check_json("wechat", "{\"msgid\":\"md-20240615-1\",\"action\":\"send\",\"from\":\"wangming\",\"tolist\":[\"wmAUXzhangJL8765\"],"
			   "\"roomid\":\"\",\"msgtime\":1718420008000,\"msgtype\":\"markdown\",\"info\":{\"content\":\"**报价**：KFR-35GW 1180元/台\"}}",
			   "WeCom archive markdown with top-level info",
			   "{\"content\":\"**报价**：KFR-35GW 1180元/台\",\"subject\":\"**报价**：KFR-35GW 1180元/台\","
			   "\"communication_time\":1718420008000000}");
	/* the nested shapes stay as they were */
	check_json("wechat", "{\"msgid\":\"md-20240615-2\",\"action\":\"send\",\"from\":\"wangming\",\"tolist\":[\"lijing\"],"
			   "\"roomid\":\"\",\"msgtime\":1718420009000,\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"首批 **500 台** 6 月 30 日前交付\"}}",
			   "WeCom archive markdown nested",
			   "{\"content\":\"首批 **500 台** 6 月 30 日前交付\"}");
	check_json("wechat", "{\"msgid\":\"news-nested-1\",\"action\":\"send\",\"from\":\"wangming\",\"tolist\":[\"lijing\"],"
			   "\"roomid\":\"\",\"msgtime\":1718420010000,\"msgtype\":\"news\",\"news\":{\"info\":{\"item\":[{\"title\":\"奥克斯2024招标公告\","
			   "\"description\":\"压缩机采购\",\"url\":\"https://x.cn/1\"}]}},\"info\":{\"item\":[{\"title\":\"不应出现\"}]}}",
			   "WeCom archive news nested wins over a top-level info",
			   "{\"content\":\"[图文]\\n奥克斯2024招标公告 - 压缩机采购 https://x.cn/1\"}");
	/* the same items with content as objects (SDK wrappers decode them) */
	check_json("wechat", "{\"msgid\":\"mixed-obj-1\",\"action\":\"send\",\"from\":\"wmA\",\"tolist\":[\"wangming\"],"
			   "\"msgtime\":1718415600000,\"msgtype\":\"mixed\",\"mixed\":{\"item\":["
			   "{\"type\":\"text\",\"content\":{\"content\":\"压缩机要换成 R32 的\"}},"
			   "{\"type\":\"image\",\"content\":{\"md5sum\":\"368b6c18c82e6441bfd89b343e9d2429\",\"filesize\":13177}}]}}",
			   "WeCom mixed items with object content",
			   "{\"content\":\"压缩机要换成 R32 的\\n[图片] 待识别\",\"media_pending\":\"image\"}");
	check_file("wechat", "wechat_archive_mixed",
			   "{\"content\":\"这是我们新机型的安装位置,压缩机要换成 R32 的\\n[图片] 待识别\",\"media_pending\":\"image\","
			   "\"subject\":\"这是我们新机型的安装位置,压缩机要换成 R32 的\","
			   "\"attachments\":[{\"file_name\":\"368b6c18c82e6441bfd89b343e9d2429.jpg\",\"file_type\":\"jpg\",\"file_size\":13177,"
			   "\"file_hash\":\"md5:368b6c18c82e6441bfd89b343e9d2429\",\"content_type\":\"image/jpeg\"}]}");
	check_file("wechat", "wechat_archive_chatrecord",
			   "{\"content\":\"[聊天记录] 张经理和王明的聊天记录\\n2000 台 KFR-35GW 要报价\\n好的,今天发您\","
			   "\"subject\":\"[chatrecord]\",\"chat_key\":\"pair:lijing|wangming\",\"direction_hint\":null}");
	check_file("wechat", "wechat_archive_revoke",
			   "{\"recall_of\":\"CAQQluDa4QUY0On2rYSAgAMgzPrShAE=\",\"source_record_id\":\"15775510700152506326_1603875620\","
			   "\"content\":\"[撤回消息]\",\"communication_time\":1718415700000000}");
	check_file("wechat", "wechat_archive_room",
			   "{\"chat_key\":\"room:wrNbAUXproj2024Q3\",\"direction_hint\":\"outbound\",\"customer_id\":\"CUST-AUX-001\","
			   "\"project_id\":\"PRJ-2024Q3-R32\",\"opportunity_id\":\"OPP-2024-0615\",\"contact_id\":1001,"
			   "\"participants\":[\"wangming\",\"wmAUXzhangJL8765\",\"lijing\",\"wmAUXliugong5521\"],"
			   "\"addresses\":[{\"kind\":\"wecom\",\"value\":\"wangming\",\"role\":\"from\"},"
			   "{\"kind\":\"wecom\",\"value\":\"wmAUXzhangJL8765\",\"role\":\"to\"},{\"kind\":\"wecom\",\"value\":\"lijing\",\"role\":\"to\"},"
			   "{\"kind\":\"wecom\",\"value\":\"wmAUXliugong5521\",\"role\":\"to\"}]}");
	check_file("wechat", "wechat_callback_text",
			   "{\"source_record_id\":\"wx-cb-20240615-0001\",\"communication_time\":1718415000000000,"
			   "\"content\":\"价格能不能再优惠 3 个点?量我们可以保证。\",\"subject\":\"价格能不能再优惠 3 个点?量我们可以保证。\","
			   "\"chat_key\":\"pair:wangming|wmAUXzhangJL8765\",\"direction_hint\":\"inbound\",\"handled_by\":\"wangming\","
			   "\"initiated_by\":\"wmAUXzhangJL8765\",\"source_system\":\"wechat_work\",\"channel\":\"企业微信\"}");
	check_file("wechat", "wechat_callback_image",
			   "{\"communication_time\":1718415000000000,\"content\":\"[图片] 待识别\",\"media_pending\":\"image\",\"subject\":\"[image]\","
			   "\"attachments\":[{\"file_name\":\"0.jpeg\",\"file_type\":\"jpg\","
			   "\"file_url\":\"https://wework.qpic.cn/wwpic/817263_aux_nameplate_1718415000/0.jpeg\",\"content_type\":\"image/jpeg\"}]}");
	check_file("wechat", "wechat_callback_voice",
			   "{\"content\":\"[语音] 待转写\",\"media_pending\":\"voice\","
			   "\"recording_url\":\"https://wework.example.cn/media/voice/aux_20240615_093000.amr\"}");
	check_file("wechat", "wechat_callback_file",
			   "{\"content\":\"[文件] 采购需求.xlsx\",\"media_pending\":\"file\",\"subject\":\"[file] 采购需求.xlsx\","
			   "\"attachments\":[{\"file_name\":\"采购需求.xlsx\",\"file_type\":\"xlsx\","
			   "\"file_url\":\"https://wework.example.cn/media/file/%E9%87%87%E8%B4%AD%E9%9C%80%E6%B1%82.xlsx?sign=a1b2\","
			   "\"content_type\":\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"}]}");
	check_file("wechat", "wechat_xml_text",
			   "{\"source_record_id\":\"7192837465012345678\",\"communication_time\":1718415000000000,"
			   "\"content\":\"张经理,样机明天发顺丰,单号稍后发您。\",\"initiated_by\":\"wangming\",\"handled_by\":null,"
			   "\"addresses\":[{\"kind\":\"wecom\",\"value\":\"wangming\",\"role\":\"from\"}],"
			   "\"extra\":{\"corp_id\":\"ww1d2e3f4a5b6c7d8e\",\"agent_id\":\"1000002\",\"msgtype\":\"text\"}}");
}

/* ================================================================= phone */
static void
test_phone(void)
{
	check_file("phone", "phone_asterisk",
			   "{\"communication_type\":\"phone\",\"channel\":\"400电话\",\"source_system\":\"asterisk\","
			   "\"source_record_id\":\"1718415000.2591\",\"merge_policy\":\"enrich\",\"communication_time\":1718415000000000,"
			   "\"duration\":900,\"missed\":false,\"direction_hint\":\"inbound\",\"call_number\":\"13800138000\","
			   "\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"},"
			   "{\"kind\":\"phone\",\"value\":\"4008208820\",\"role\":\"to\"}],"
			   "\"content\":\"来电 13800138000 → 4008208820,通话 15分钟,已录音\\n客户询问 KFR-35GW 2000 台报价\","
			   "\"subject\":\"400来电 13800138000\","
			   "\"recording_url\":\"/var/spool/asterisk/monitor/2024/06/15/in-4008208820-13800138000-20240615-093000-1718415000.2591.wav\"}");
	check_file("phone", "phone_asterisk_busy",
			   "{\"source_record_id\":\"1718424060.4102\",\"missed\":true,\"duration\":0,\"call_number\":\"057487654321\","
			   "\"content\":\"未接来电 057487654321 → 4008208820\",\"subject\":\"未接来电 057487654321\",\"recording_url\":null}");
	check_file("phone", "phone_asterisk_outbound",
			   "{\"direction_hint\":\"outbound\",\"call_number\":\"13800138000\",\"duration\":180,\"missed\":false,"
			   "\"content\":\"去电 8002 → 13800138000,通话 3分钟\",\"subject\":\"400去电 13800138000\","
			   "\"communication_time\":1718415000000000}");
	check_file("phone", "phone_asterisk_leg1",
			   "{\"source_record_id\":\"1718416800.3001\",\"missed\":true,\"communication_time\":1718416800000000}");
	check_file("phone", "phone_asterisk_leg2",
			   "{\"source_record_id\":\"1718416800.3001\",\"missed\":false,\"duration\":300,\"communication_time\":1718416821000000}");
	check_file("phone", "phone_freeswitch",
			   "{\"source_system\":\"freeswitch\",\"source_record_id\":\"a4d3c1b2-5e6f-4a7b-8c9d-0e1f2a3b4c5d\","
			   "\"communication_time\":1718415000000000,\"duration\":900,\"missed\":false,\"direction_hint\":\"inbound\","
			   "\"call_number\":\"13800138000\",\"content\":\"来电 13800138000 → 4008208820,通话 15分钟,已录音\","
			   "\"recording_url\":\"/recordings/2024/06/15/a4d3c1b2-5e6f-4a7b-8c9d-0e1f2a3b4c5d.wav\"}");
	check_file("phone", "phone_freeswitch_missed",
			   "{\"missed\":true,\"duration\":0,\"call_number\":\"057487654321\",\"subject\":\"未接来电 057487654321\","
			   "\"content\":\"未接来电 057487654321 → 4008208820\"}");
	check_file("phone", "phone_carrier400",
			   "{\"source_system\":\"carrier_400\",\"source_record_id\":\"CT400-20240615-093000-000187\",\"merge_policy\":\"replace\","
			   "\"communication_time\":1718415000000000,\"duration\":900,\"missed\":false,\"direction_hint\":\"inbound\","
			   "\"call_number\":\"13800138000\",\"handled_by\":\"王明\","
			   "\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"},"
			   "{\"kind\":\"phone\",\"value\":\"4008208820\",\"role\":\"to\"},{\"kind\":\"phone\",\"value\":\"13905741234\",\"role\":\"to\"}],"
			   "\"recording_url\":\"https://rec.ct400.example.cn/tape/2024/0615/CT400-20240615-093000-000187.mp3\","
			   "\"content\":\"来电 13800138000 → 4008208820,通话 15分钟,已录音\",\"subject\":\"400来电 13800138000\"}");
	check_file("phone", "phone_carrier400_missed",
			   "{\"missed\":true,\"communication_time\":1718447520000000,\"call_number\":\"057487654321\","
			   "\"subject\":\"未接来电 057487654321\",\"content\":\"未接来电 057487654321 → 4008208820\"}");
	/* yyyyMMddHHmmss sent as a JSON number, as it is accepted as a string */
	check_json("phone", "{\"call_sn\":\"CT-NUM-1\",\"tel\":\"4008208820\",\"caller_id\":\"13800138000\","
			   "\"start_time\":20240615093000,\"answer_time\":20240615093010,\"end_time\":20240615094510}",
			   "carrier push with numeric yyyyMMddHHmmss times",
			   "{\"communication_time\":1718415000000000,\"duration\":900,\"missed\":false}");
	/* a FreeSWITCH CDR template with the *_stamp variables only (no epochs, no billsec) */
	check_json("phone", "{\"variables\":{\"uuid\":\"fs-stamps-1\",\"caller_id_number\":\"13800138000\","
			   "\"destination_number\":\"4008208820\",\"start_stamp\":\"2024-06-15 09:30:00\","
			   "\"answer_stamp\":\"2024-06-15 09:30:10\",\"end_stamp\":\"2024-06-15 09:45:10\","
			   "\"hangup_cause\":\"NORMAL_CLEARING\"}}",
			   "FreeSWITCH CDR with stamps only, answered",
			   "{\"communication_time\":1718415000000000,\"duration\":900,\"missed\":false,"
			   "\"content\":\"来电 13800138000 → 4008208820,通话 15分钟\"}");
	check_json("phone", "{\"variables\":{\"uuid\":\"fs-stamps-2\",\"caller_id_number\":\"13800138000\","
			   "\"destination_number\":\"4008208820\",\"start_stamp\":\"2024-06-15 09:30:00\","
			   "\"answer_stamp\":\"\",\"end_stamp\":\"2024-06-15 09:30:25\",\"hangup_cause\":\"ORIGINATOR_CANCEL\"}}",
			   "FreeSWITCH CDR with stamps only, unanswered",
			   "{\"communication_time\":1718415000000000,\"missed\":true}");

	/* the real FreeSWITCH mod_json_cdr fixture (an internal 1001 -> 1002 call) */
	{
		json_error_t je;
		json_t	   *p = json_load_file("test/fixtures/payloads/cgrates__freeswitch_mod_json_cdr.json", 0, &je);
		chn_error	e;
		json_t	   *n = p ? chn_normalize("phone", p, &e) : NULL;

		ok(n != NULL, "real FreeSWITCH CDR fixture normalizes");
		if (n)
			expect("freeswitch fixture", n,
				   "{\"communication_type\":\"phone\",\"channel\":\"400电话\",\"source_system\":\"freeswitch\","
				   "\"source_record_id\":\"3da8bf84-c133-4959-9e24-e72875cb33a1\",\"merge_policy\":\"enrich\","
				   "\"communication_time\":1515666344534355,\"duration\":68,\"missed\":false,\"call_number\":\"1001\","
				   "\"direction_hint\":null,"
				   "\"addresses\":[{\"kind\":\"phone\",\"value\":\"1001\",\"role\":\"from\"},{\"kind\":\"phone\",\"value\":\"1002\",\"role\":\"to\"}],"
				   "\"content\":\"电话 1001 → 1002,通话 1分8秒\",\"subject\":\"400电话 1001 → 1002\","
				   "\"extra\":{\"uuid\":\"3da8bf84-c133-4959-9e24-e72875cb33a1\",\"hangup_cause\":\"NORMAL_CLEARING\","
				   "\"switchname\":\"FSDev1\",\"sip_call_id\":\"818e26f805701988c1a330175d7d2629@0:0:0:0:0:0:0:0\",\"total_duration\":71}}");
		json_decref(n);
		json_decref(p);
	}
}

/* ================================================================ mobile */
static void
test_mobile(void)
{
	char		h[80];

	check_file("mobile", "mobile_log",
			   "{\"communication_type\":\"mobile\",\"channel\":\"移动电话\",\"source_system\":\"mobile_log\","
			   "\"source_record_id\":\"MC-wangming-20240615-0001\",\"communication_time\":1718415000000000,\"duration\":320,"
			   "\"direction_hint\":\"outbound\",\"missed\":false,\"call_number\":\"13800138000\",\"handled_by\":\"王明\","
			   "\"initiated_by\":\"王明\",\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"to\"}],"
			   "\"content\":\"确认 2000 台 KFR-35GW 下周一签合同,张经理要求 6 月 30 日前首批交货 500 台\","
			   "\"subject\":\"手机去电 张经理 13800138000\",\"participants\":[\"王明\",\"张经理 <13800138000>\"]}");
	{
		char		spec[512];

		snprintf(spec, sizeof spec,
				 "{\"source_record_id\":\"%s\",\"communication_time\":1718415000000000,\"missed\":true,"
				 "\"direction_hint\":\"inbound\",\"handled_by\":\"王明\",\"initiated_by\":null,\"content\":\"未接来电 13800138000\","
				 "\"subject\":\"未接来电 13800138000\",\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"}]}",
				 hash57("王明|13800138000|1718415000000000", h));
		check_file("mobile", "mobile_android", spec);
	}
	/* the longest duration the int4 column holds is still a duration */
	check_json("mobile", "{\"id\":\"MC-wangming-20240615-0011\",\"number\":\"13800138000\",\"type\":\"out\","
			   "\"start\":\"2024-06-15 09:30\",\"duration\":2147483647,\"salesperson\":\"王明\"}",
			   "mobile duration 2^31-1 s", "{\"duration\":2147483647,\"missed\":false}");
	check_file("mobile", "mobile_chinese",
			   "{\"source_record_id\":\"88123\",\"communication_time\":1718415000000000,\"duration\":95,\"missed\":false,"
			   "\"direction_hint\":\"inbound\",\"call_number\":\"057487654321\",\"content\":\"来电 057487654321,通话 1分35秒\","
			   "\"subject\":\"手机来电 057487654321\",\"customer_id\":\"CUST-AUX-001\"}");
	{
		static const char *const times[] = {
			"\"2024-06-15 09:30\"", "\"2024-06-15T01:30:00Z\"", "\"2024-06-15T09:30:00+08:00\"", "1718415000",
			"\"1718415000\"", "1718415000000", "\"1718415000000\"", "\"2024/06/15 09:30:00\"", "1718415000.0",
			"\"Sat, 15 Jun 2024 09:30:00 +0800\""
		};

		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		{
			char		js[256];
			json_t	   *p,
					   *n;
			chn_error	e;

			snprintf(js, sizeof js, "{\"id\":\"t%zu\",\"number\":\"13800138000\",\"type\":\"in\",\"start\":%s}", i, times[i]);
			p = json_loads(js, 0, NULL);
			n = chn_normalize("mobile", p, &e);
			ok(n && json_integer_value(json_object_get(n, "communication_time")) == T0,
			   "time format %s is 2024-06-15T01:30:00Z", times[i]);
			json_decref(n);
			json_decref(p);
		}
	}
}

/* ================================================================= email */
static void
test_email(void)
{
	char		h[80],
				spec[1024];

	check_file("email", "email_seed",
			   "{\"communication_type\":\"email\",\"channel\":\"Email\",\"source_system\":\"email\","
			   "\"source_record_id\":\"20240615093000.A1B2C3@aux-group.com\",\"message_id\":\"20240615093000.A1B2C3@aux-group.com\","
			   "\"communication_time\":1718415000000000,\"initiated_by\":\"zhang@aux-group.com\","
			   "\"subject\":\"关于KFR-35GW压缩机2000台的询价\",\"in_reply_to\":null,\"references\":null,"
			   "\"addresses\":[{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"from\"},"
			   "{\"kind\":\"email\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"to\"}],"
			   "\"participants\":[\"张经理 <zhang@aux-group.com>\",\"wang.ming@topcentral.cn\"],"
			   "\"attachments\":[{\"file_name\":\"采购需求清单.xlsx\",\"file_type\":\"xlsx\",\"file_size\":24576,"
			   "\"file_url\":\"https://mail.example.cn/att/20240615/caigou.xlsx\","
			   "\"content_type\":\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"}]}");
	check_file("email", "email_mailparser",
			   "{\"source_record_id\":\"CAH7f+Q9xP=reply-0615@topcentral.cn\",\"message_id\":\"CAH7f+Q9xP=reply-0615@topcentral.cn\","
			   "\"in_reply_to\":\"20240615093000.A1B2C3@aux-group.com\","
			   "\"references\":[\"20240614.prev@aux-group.com\",\"20240615093000.A1B2C3@aux-group.com\"],"
			   "\"communication_time\":1718417400000000,\"initiated_by\":\"wang.ming@topcentral.cn\","
			   "\"subject\":\"回复: 关于KFR-35GW压缩机2000台的询价\","
			   "\"content\":\"张经理您好,\\n\\n附件是 KFR-35GW 配套压缩机报价单,2000 台单价 1180 元,交期 25 天。\\n\\n王明\","
			   "\"addresses\":[{\"kind\":\"email\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"from\"},"
			   "{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"email\",\"value\":\"sales@topcentral.cn\",\"role\":\"cc\"}],"
			   "\"attachments\":[{\"file_name\":\"报价单.pdf\",\"file_type\":\"pdf\",\"file_size\":183245,"
			   "\"file_hash\":\"md5:9e107d9d372bb6826bd81d3542a419d6\",\"content_type\":\"application/pdf\",\"related\":false},"
			   "{\"file_name\":\"logo.png\",\"file_type\":\"png\",\"file_size\":5120,"
			   "\"file_hash\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"content_type\":\"image/png\",\"related\":true}]}");
	check_file("email", "email_mailparser_html",
			   "{\"content\":\"王经理:\\n\\n样机测试 通过,可以安排批量。\",\"communication_time\":1718415000000000,"
			   "\"source_record_id\":\"html-only-0615@aux-group.com\"}");
	snprintf(spec, sizeof spec,
			 "{\"source_record_id\":\"%s\",\"message_id\":null,\"communication_time\":1718415000000000,"
			 "\"addresses\":[{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"from\"},"
			 "{\"kind\":\"email\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"to\"},"
			 "{\"kind\":\"email\",\"value\":\"li.jing@topcentral.cn\",\"role\":\"to\"}]}",
			 hash57("zhang@aux-group.com|2024-06-15T01:30:00Z|交期确认", h));
	check_file("email", "email_no_message_id", spec);

	/* a Message-ID over 64 bytes is hashed for the key, kept whole in message_id */
	{
		const char *mid = "CAKx9Jq2w+very-long-message-id-generated-by-a-mail-client-0123456789@mail.aux-group.com";
		char		js[4096],
					subj[2048] = "";
		json_t	   *p,
				   *n;
		chn_error	e;

		for (int i = 0; i < 150; i++)
			strcat(subj, "主题");	/* 300 code points */
		snprintf(js, sizeof js, "{\"messageId\":\"<%s>\",\"from\":\"zhang@aux-group.com\",\"subject\":\"%s\",\"date\":\"2024-06-15 09:30\"}",
				 mid, subj);
		p = json_loads(js, 0, NULL);
		n = chn_normalize("email", p, &e);
		snprintf(spec, sizeof spec, "{\"source_record_id\":\"%s\",\"message_id\":\"%s\"}", hash57(mid, h), mid);
		expect("long Message-ID", n, spec);
		ok(n && strlen(json_string_value(json_object_get(n, "source_record_id"))) == 64, "hashed source_record_id is 64 bytes");
		{
			const char *subj = n ? json_string_value(json_object_get(n, "subject")) : NULL;
			size_t		cps = 0;

			for (const char *q = subj; q && *q; q++)
				cps += ((unsigned char) *q & 0xC0) != 0x80;
			ok(cps == 256, "subject truncated to 256 code points (got %zu)", cps);
		}
		json_decref(n);
		json_decref(p);
	}
}

/* ================================================================= video */
static void
test_video(void)
{
	check_file("video", "video_tencent",
			   "{\"communication_type\":\"video\",\"channel\":\"腾讯会议\",\"source_system\":\"tencent_meeting\","
			   "\"source_record_id\":\"7381234567890123456\",\"merge_policy\":\"enrich\",\"communication_time\":1718415000000000,"
			   "\"duration\":2700,\"subject\":\"奥克斯 2024Q3 压缩机技术交流\",\"initiated_by\":\"王明\","
			   "\"participants\":[\"王明\",\"张经理 <zhang@aux-group.com>\"],"
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wangming\",\"role\":\"from\"},"
			   "{\"kind\":\"meeting\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"meeting\",\"value\":\"aux_zhang\",\"role\":\"to\"}],"
			   "\"recording_url\":\"https://meeting.tencent.com/crm/Nk2Dp3W0e1\","
			   "\"content\":\"王明: 张经理好,今天主要介绍 R32 压缩机。\\n张经理: 我们关心能效和交期,2000 台月底前能到吗?\","
			   "\"extra\":{\"meeting_code\":\"806123456\",\"record_file_ids\":[\"1400123456789012345\"]}}");
	check_file("video", "video_tencent_transcript",
			   "{\"source_record_id\":\"7381234567890123456\",\"communication_time\":1718415000000000,"
			   "\"content\":\"王明: 可以,25 天交货。\"}");
	check_file("video", "video_tencent_webhook",
			   "{\"source_record_id\":\"7381234567890123456\",\"communication_time\":1718415000000000,\"duration\":2700,"
			   "\"initiated_by\":\"王明\",\"recording_url\":\"https://meeting.tencent.com/download/Nk2Dp3W0e1.mp4\","
			   "\"content\":\"腾讯会议「奥克斯 2024Q3 压缩机技术交流」,时长 45分钟,参会 1人\","
			   "\"extra\":{\"meeting_code\":\"806123456\",\"record_file_ids\":[\"1400123456789012345\"]}}");
	check_file("video", "video_tencent_list",
			   "{\"source_record_id\":\"7381234567890123456\",\"communication_time\":1718415000000000,\"duration\":2700,"
			   "\"initiated_by\":\"wangming\",\"participants\":[\"wangming\",\"张经理\"],"
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wangming\",\"role\":\"from\"},"
			   "{\"kind\":\"meeting\",\"value\":\"aux_zhang\",\"role\":\"to\"}]}");
	check_file("video", "video_zoom_ended",
			   "{\"channel\":\"Zoom\",\"source_system\":\"zoom\",\"source_record_id\":\"4444AAAiAAAAAiAiAiiAii==\","
			   "\"merge_policy\":\"enrich\",\"communication_time\":1718415000000000,\"duration\":2700,"
			   "\"subject\":\"奥克斯 KFR-35GW 报价评审\",\"initiated_by\":\"wang.ming@topcentral.cn\","
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"from\"}],"
			   "\"content\":\"Zoom会议「奥克斯 KFR-35GW 报价评审」\\n会议结束,时长 45分钟\"}");
	check_file("video", "video_zoom_recording",
			   "{\"communication_time\":1718415005000000,\"duration\":2700,"
			   "\"recording_url\":\"https://zoom.us/rec/play/Qg75t7xZBtEbAkjdlgbfdngBBBB\","
			   "\"content\":\"Zoom会议「奥克斯 KFR-35GW 报价评审」\\n录制完成: MP4, M4A\"}");
	check_file("video", "video_zoom_transcript",
			   "{\"duration\":null,\"content\":\"Zoom会议「奥克斯 KFR-35GW 报价评审」\\n转写完成\"}");
	check_file("video", "video_teams_v1",
			   "{\"channel\":\"Teams\",\"source_system\":\"teams\",\"source_record_id\":\"e523d2ed-2966-4b6b-925b-754a88034cc5\","
			   "\"merge_policy\":\"version\",\"source_version\":1,\"communication_time\":1718415000000000,\"duration\":1800,"
			   "\"initiated_by\":\"王明\",\"participants\":[\"王明\",\"张经理\"],"
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"from\"},"
			   "{\"kind\":\"meeting\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"}],"
			   "\"content\":\"Teams 会议(groupCall),时长 30分钟\\n参与者: 王明, 张经理\\n方式: audio, video\","
			   "\"subject\":\"Teams 会议 - 王明\"}");
	check_file("video", "video_teams_v2",
			   "{\"source_version\":2,\"duration\":2100,\"participants\":[\"王明\",\"张经理\",\"奥克斯会议室\"],"
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"from\"},"
			   "{\"kind\":\"meeting\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"phone\",\"value\":\"057487654321\",\"role\":\"to\"}]}");
	check_file("video", "video_seed_dingtalk",
			   "{\"channel\":\"钉钉\",\"source_system\":\"dingtalk\",\"source_record_id\":\"dt-conf-20240615-7788\","
			   "\"merge_policy\":\"replace\",\"communication_time\":1718415000000000,\"duration\":2700,"
			   "\"subject\":\"R32 压缩机样机测试复盘\",\"initiated_by\":\"wang.ming@topcentral.cn\","
			   "\"recording_url\":\"https://dingtalk.example.cn/record/dt-conf-20240615-7788.mp4\","
			   "\"content\":\"张经理: 样机噪音比预期高 2 分贝。\\n王明: 我们下周换减震垫再测。\","
			   "\"summary\":\"样机噪音偏高,拓中下周整改复测。\","
			   "\"follow_up_items\":[\"下周三前寄出整改样机\",\"提供噪音测试报告(负责人: 王明, 截止: 2024-06-21)\"],"
			   "\"addresses\":[{\"kind\":\"meeting\",\"value\":\"wang.ming@topcentral.cn\",\"role\":\"from\"},"
			   "{\"kind\":\"meeting\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"meeting\",\"value\":\"liu.gong@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"phone\",\"value\":\"13957400001\",\"role\":\"to\"}]}");
	{
		static const char *const plats[][3] = {
			{"tencent_meeting", "腾讯会议", "tencent_meeting"}, {"zoom", "Zoom", "zoom"}, {"teams", "Teams", "teams"}
		};

		for (size_t i = 0; i < 3; i++)
		{
			char		js[256],
						spec[256];
			json_t	   *p,
					   *n;
			chn_error	e;

			snprintf(js, sizeof js, "{\"meeting_id\":\"m-%zu\",\"platform\":\"%s\",\"start_time\":\"2024-06-15 09:30\",\"topic\":\"周会\"}",
					 i, plats[i][0]);
			p = json_loads(js, 0, NULL);
			n = chn_normalize("video", p, &e);
			snprintf(spec, sizeof spec, "{\"channel\":\"%s\",\"source_system\":\"%s\",\"content\":\"%s「周会」\"}",
					 plats[i][1], plats[i][2], plats[i][1]);
			expect(plats[i][0], n, spec);
			json_decref(n);
			json_decref(p);
		}
	}
}

/* ================================================= visit, meeting, form, webchat */
static void
test_others(void)
{
	check_file("visit", "visit_report",
			   "{\"communication_type\":\"visit\",\"channel\":\"商务拜访\",\"source_system\":\"crm_visit\","
			   "\"source_record_id\":\"VR-20240615-001\",\"communication_time\":1718415000000000,\"duration\":5400,"
			   "\"direction_hint\":\"outbound\",\"initiated_by\":\"王明\",\"handled_by\":\"王明\",\"customer_id\":\"CUST-AUX-001\","
			   "\"subject\":\"商务拜访 - 宁波奥克斯总部\",\"participants\":[\"张经理\",\"刘工\"],"
			   "\"content\":\"拜访张经理,参观总装线。客户确认 Q3 需求 2000 台 KFR-35GW 配套压缩机,关注能效和交期,竞品为美芝。\","
			   "\"attachments\":[{\"file_name\":\"assembly-line.JPEG\",\"file_type\":\"jpg\","
			   "\"file_url\":\"https://crm.topcentral.cn/visit/VR-20240615-001/assembly-line.JPEG\",\"content_type\":\"image/jpeg\"},"
			   "{\"file_name\":\"meeting.png\",\"file_type\":\"png\","
			   "\"file_url\":\"https://crm.topcentral.cn/visit/VR-20240615-001/meeting.png?x=1\",\"content_type\":\"image/png\"}],"
			   "\"extra\":{\"location\":\"宁波奥克斯总部\"}}");
	check_file("meeting", "meeting_minutes",
			   "{\"communication_type\":\"meeting\",\"channel\":\"会议\",\"source_system\":\"crm_meeting\","
			   "\"source_record_id\":\"MTG-20240615-02\",\"communication_time\":1718415000000000,\"duration\":7200,"
			   "\"subject\":\"Q3 供货商务谈判\",\"customer_id\":\"CUST-AUX-001\","
			   "\"participants\":[\"王明\",\"张经理 <zhang@aux-group.com>\",\"李静 <li.jing@topcentral.cn>\"],"
			   "\"addresses\":[{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"to\"},"
			   "{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"to\"},"
			   "{\"kind\":\"email\",\"value\":\"li.jing@topcentral.cn\",\"role\":\"to\"}],"
			   "\"content\":\"1. 单价 1180 元/台,2000 台;\\n2. 首批 500 台 6 月 30 日前交付;\\n3. 付款方式月结 60 天。\","
			   "\"follow_up_items\":[\"起草供货合同(负责人: 王明, 截止: 2024-06-18)\",\"安排首批排产\"]}");
	/* action items with an owner or a due date: follow_up_details carries
	 * them for the task row (due as UTC; a bare date is 18:00 Shanghai) */
	check_json("meeting", "{\"meeting_id\":\"MTG-20240615-03\",\"customer_id\":\"C-AUX\",\"title\":\"Q3 供货商务谈判\","
			   "\"start_time\":\"2024-06-15 09:30\",\"duration_minutes\":120,\"location\":\"3 楼会议室\","
			   "\"attendees\":[\"王明\",{\"name\":\"李静\",\"email\":\"li.jing@topcentral.cn\"}],"
			   "\"minutes\":\"1. 单价 1180 元/台,2000 台;\\n2. 首批 500 台 6 月 30 日前交付。\","
			   "\"action_items\":[{\"item\":\"起草供货合同\",\"owner\":\"李静\",\"due\":\"2024-06-18\"},"
			   "{\"task\":\"寄送样品\",\"assignee\":\"lijing\",\"deadline\":\"2024-06-20 12:00\"},"
			   "{\"title\":\"确认首批排产\",\"due_date\":\"2024年6月25日\"},"
			   "{\"content\":\"回访技术部\",\"owner\":\"王明\",\"due\":\"下周五\"},"
			   "{\"text\":\"发送会议纪要\",\"due\":1718690400000},"
			   "{\"item\":\"确认付款方式\",\"due\":\"2024-06-18T15:00:00+08:00\"},"
			   "\"更新报价单\",{\"item\":\"整理竞品资料\"}]}",
			   "meeting action items with owners and due dates",
			   "{\"follow_up_items\":[\"起草供货合同(负责人: 李静, 截止: 2024-06-18)\",\"寄送样品(负责人: lijing, 截止: 2024-06-20 12:00)\","
			   "\"确认首批排产(截止: 2024年6月25日)\",\"回访技术部(负责人: 王明, 截止: 下周五)\",\"发送会议纪要\","
			   "\"确认付款方式(截止: 2024-06-18T15:00:00+08:00)\",\"更新报价单\",\"整理竞品资料\"],"
			   "\"follow_up_details\":["
			   "{\"item\":\"起草供货合同(负责人: 李静, 截止: 2024-06-18)\",\"title\":\"起草供货合同\",\"owner\":\"李静\",\"due\":\"2024-06-18T10:00:00Z\"},"
			   "{\"item\":\"寄送样品(负责人: lijing, 截止: 2024-06-20 12:00)\",\"title\":\"寄送样品\",\"owner\":\"lijing\",\"due\":\"2024-06-20T04:00:00Z\"},"
			   "{\"item\":\"确认首批排产(截止: 2024年6月25日)\",\"title\":\"确认首批排产\",\"due\":\"2024-06-25T10:00:00Z\"},"
			   "{\"item\":\"回访技术部(负责人: 王明, 截止: 下周五)\",\"title\":\"回访技术部\",\"owner\":\"王明\"},"
			   "{\"item\":\"发送会议纪要\",\"title\":\"发送会议纪要\",\"due\":\"2024-06-18T06:00:00Z\"},"
			   "{\"item\":\"确认付款方式(截止: 2024-06-18T15:00:00+08:00)\",\"title\":\"确认付款方式\",\"due\":\"2024-06-18T07:00:00Z\"}]}");
	check_file("meeting", "meeting_minutes",
			   "{\"follow_up_details\":[{\"item\":\"起草供货合同(负责人: 王明, 截止: 2024-06-18)\",\"title\":\"起草供货合同\","
			   "\"owner\":\"王明\",\"due\":\"2024-06-18T10:00:00Z\"}]}");
	check_json("visit", "{\"visit_id\":\"VR-20240615-002\",\"customer_id\":\"CUST-AUX-001\",\"visit_date\":\"2024-06-15 14:00\","
			   "\"sales_person\":\"王明\",\"content\":\"张经理确认样机测试通过。\","
			   "\"next_steps\":[{\"task\":\"寄送 KFR-35GW 样品 20 台\",\"owner\":\"李静\",\"deadline\":\"20240620\"}],"
			   "\"follow_up_items\":[\"发送测试报告\"]}",
			   "visit next steps with a compact due date",
			   "{\"follow_up_items\":[\"发送测试报告\",\"寄送 KFR-35GW 样品 20 台(负责人: 李静, 截止: 20240620)\"],"
			   "\"follow_up_details\":[{\"item\":\"寄送 KFR-35GW 样品 20 台(负责人: 李静, 截止: 20240620)\","
			   "\"title\":\"寄送 KFR-35GW 样品 20 台\",\"owner\":\"李静\",\"due\":\"2024-06-20T10:00:00Z\"}]}");
	/* a time in 1970 is a system's "unset": a carrier's answer_time of
	 * epoch 0 in Beijing time leaves the call unanswered; a visit dated so
	 * has no time */
	check_json("phone", "{\"call_sn\":\"CS-1970\",\"tel\":\"4008001234\",\"caller_id\":\"13805741234\",\"callee_id\":\"13900001111\","
			   "\"start_time\":\"2024-06-15 09:30:00\",\"answer_time\":\"1970-01-01 08:00:00\",\"end_time\":\"2024-06-15 09:30:25\"}",
			   "carrier answer_time 1970 is unanswered", "{\"missed\":true}");
	check_err("visit", "{\"visit_id\":\"VR-1970\",\"visit_date\":\"1970-01-01 08:00:00\",\"content\":\"x\"}",
			  "22007", "visit_date", "visit dated 1970");
	check_err("mobile", "{\"number\":\"13800138000\",\"type\":\"in\",\"start\":0,\"duration\":5}",
			  "22007", "start", "mobile start 0");
	/* one occurrence of a recurring Tencent Meeting is a record of its own */
	check_json("video", "{\"event\":\"meeting.end\",\"trace_id\":\"t-2\",\"payload\":[{\"operate_time\":1717988400000,"
			   "\"operator\":{\"userid\":\"wangming_tm\",\"user_name\":\"546L5piO\"},\"meeting_end_type\":0,\"meeting_info\":{"
			   "\"meeting_id\":\"13339451618278424869\",\"meeting_code\":\"445999969\",\"subject\":\"奥克斯项目周例会\","
			   "\"creator\":{\"userid\":\"wangming_tm\",\"user_name\":\"546L5piO\"},\"meeting_type\":1,\"sub_meeting_id\":\"1717984800\","
			   "\"start_time\":1717344000,\"end_time\":1719849600,\"sub_meeting_start_time\":1717984800,\"sub_meeting_end_time\":1717988400},"
			   "\"participants\":[{\"userid\":\"zhang_aux\",\"user_name\":\"5byg57uP55CG\"}]}]}",
			   "Tencent recurring meeting occurrence",
			   "{\"source_record_id\":\"13339451618278424869/1717984800\",\"communication_time\":1717984800000000,\"duration\":3600}");
	/* Tencent Meeting names: base64 of UTF-8, or plain from webhooks */
	check_json("video", "{\"event\":\"meeting.end\",\"trace_id\":\"t-9\",\"payload\":[{\"operate_time\":1718422200000,"
			   "\"operator\":{\"userid\":\"lily_tc\",\"user_name\":\"Lily\"},\"meeting_info\":{\"meeting_id\":\"13270281391478790999\","
			   "\"meeting_code\":\"849000111\",\"subject\":\"Export order review\",\"creator\":{\"userid\":\"lily_tc\",\"user_name\":\"Lily\"},"
			   "\"meeting_type\":0,\"start_time\":1718416800,\"end_time\":1718422200},\"participants\":[{\"userid\":\"nick_x\",\"user_name\":\"Nick\"},"
			   "{\"userid\":\"zs\",\"user_name\":\"5byg5LiJ\"},{\"userid\":\"mk\",\"user_name\":\"TWlrZQ==\"}]}]}",
			   "Tencent plain and base64 user names",
			   "{\"participants\":[\"Lily\",\"Nick\",\"张三\",\"Mike\"]}");
	/* a visit's day and its check-in / check-out clock times apart */
	check_json("visit", "{\"visit_id\":\"VR-CLOCK-1\",\"visit_date\":\"2024-06-15\",\"start_time\":\"14:30\","
			   "\"end_time\":\"16:00\",\"sales_person\":\"王明\",\"content\":\"拜访\"}",
			   "visit date with clock times", "{\"communication_time\":1718433000000000,\"duration\":5400}");
	check_json("visit", "{\"visit_id\":\"VR-CLOCK-2\",\"visit_date\":\"2024/06/15\",\"checkin_time\":\"2024-06-15 09:05:30\","
			   "\"duration_minutes\":30,\"content\":\"拜访\"}",
			   "visit check-in as a full time", "{\"communication_time\":1718413530000000,\"duration\":1800}");
	check_json("visit", "{\"visit_id\":\"VR-CLOCK-3\",\"visit_date\":\"2024-06-15 10:00\",\"start_time\":\"14:30\","
			   "\"content\":\"拜访\"}",
			   "visit_date with its own time stands", "{\"communication_time\":1718416800000000}");
	check_err("visit", "{\"visit_id\":\"VR-CLOCK-4\",\"visit_date\":\"2024-06-15\",\"start_time\":\"下午\",\"content\":\"x\"}",
			  "22007", "start_time", "visit start_time unreadable");
	/* call-log durations as phones show them */
	check_json("mobile", "{\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":\"1:05\"}",
			   "mobile duration m:ss", "{\"duration\":65,\"missed\":false}");
	check_json("mobile", "{\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":\"1分05秒\"}",
			   "mobile duration 1分05秒", "{\"duration\":65}");
	check_json("phone", "{\"call_sn\":\"CS-DUR-1\",\"tel\":\"4008208820\",\"caller_id\":\"13800138000\",\"callee_id\":\"8001\","
			   "\"start_time\":\"2024-06-15 09:30:00\",\"call_duration\":\"00:05:12\",\"state\":\"answered\"}",
			   "carrier call_duration h:mm:ss", "{\"duration\":312}");
	check_err("mobile", "{\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":\"1:5\"}",
			  "22P02", "duration", "mobile duration 1:5");
	/* plain action items add no details */
	check_json("meeting", "{\"meeting_id\":\"MTG-20240615-04\",\"title\":\"周例会\",\"start_time\":\"2024-06-15 09:30\","
			   "\"action_items\":[\"更新报价单\",{\"item\":\"整理竞品资料\"},{\"item\":\"联系刘工\",\"due\":\"尽快\"}]}",
			   "meeting plain action items",
			   "{\"follow_up_items\":[\"更新报价单\",\"整理竞品资料\",\"联系刘工(截止: 尽快)\"],\"follow_up_details\":null}");
	check_file("form", "form_fields",
			   "{\"communication_type\":\"form\",\"channel\":\"表单\",\"source_system\":\"web_form\","
			   "\"source_record_id\":\"FS-20240615-0042\",\"communication_time\":1718415000000000,\"direction_hint\":\"inbound\","
			   "\"initiated_by\":\"张经理\",\"subject\":\"表单 - 官网询价表单 - 宁波奥克斯空调有限公司\","
			   "\"addresses\":[{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"from\"},"
			   "{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"}],"
			   "\"content\":\"请尽快报价,月底前确定供应商。\\n姓名: 张经理\\n公司: 宁波奥克斯空调有限公司\\n手机: 138-0013-8000\\n"
			   "邮箱: Zhang@AUX-Group.com\\n意向产品: R32 变频压缩机\\n采购数量: 2000\"}");
	check_file("form", "form_flat",
			   "{\"source_record_id\":\"9931\",\"communication_time\":1718415000000000,"
			   "\"addresses\":[{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"from\"},"
			   "{\"kind\":\"phone\",\"value\":\"057487654321\",\"role\":\"from\"}],"
			   "\"content\":\"申请 2 台 KFR-35GW 配套压缩机样品\\nname: 张经理\\ncompany: 宁波奥克斯空调有限公司\\n"
			   "email: zhang@aux-group.com\\nphone: 0574-8765 4321\\nproduct: KFR-35GW\","
			   "\"subject\":\"表单 - 样品申请 - 宁波奥克斯空调有限公司\"}");
	check_file("webchat", "webchat_session",
			   "{\"communication_type\":\"webchat\",\"channel\":\"官网咨询\",\"source_system\":\"webchat\","
			   "\"source_record_id\":\"WC-20240615-8842\",\"communication_time\":1718415000000000,\"duration\":750,"
			   "\"direction_hint\":\"inbound\",\"initiated_by\":\"张经理\",\"handled_by\":\"王明\","
			   "\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"},"
			   "{\"kind\":\"email\",\"value\":\"zhang@aux-group.com\",\"role\":\"from\"}],"
			   "\"content\":\"[09:31] 访客: 你好,R32 压缩机有现货吗?\\n[09:32] 客服: 您好,有现货,您需要多少台?\\n"
			   "[09:33] 访客: 2000 台,月底前要。\\n[09:40] 客服: 好的,我让销售王明联系您。\","
			   "\"subject\":\"你好,R32 压缩机有现货吗?\"}");
	check_file("webchat", "webchat_no_start",
			   "{\"source_record_id\":\"WC-20240615-8843\",\"communication_time\":1718415000000000,\"duration\":100,"
			   "\"content\":\"[09:30] 访客: 在吗\\n[09:31] 客服: 在的\",\"addresses\":null}");
}

/* ================================================================ errors */
static void
test_errors(void)
{
	chn_error	e;
	json_t	   *arr = json_array();
	json_t	   *obj = json_object();

	ok(chn_normalize("wechat", arr, &e) == NULL && strcmp(e.sqlstate, "22023") == 0 && e.field[0] == '\0',
	   "error non-object payload: 22023");
	ok(chn_normalize("wechat", NULL, &e) == NULL && strcmp(e.sqlstate, "22023") == 0, "error NULL payload: 22023");
	ok(chn_normalize("fax", obj, &e) == NULL && strcmp(e.sqlstate, "22023") == 0 && strcmp(e.field, "channel") == 0 &&
	   strstr(e.hint, "webchat") != NULL, "error unknown channel: 22023 field channel, hint lists channels");
	ok(chn_normalize(NULL, obj, &e) == NULL && strcmp(e.field, "channel") == 0, "error NULL channel");
	ok(chn_known_channel("webchat") && chn_known_channel("phone") && !chn_known_channel("fax") && !chn_known_channel(NULL),
	   "chn_known_channel");
	json_decref(arr);
	json_decref(obj);

	/* unrecognized shapes: hint lists the recognized shapes' key fields */
	{
		static const char *const chans[][2] = {
			{"phone", "uniqueid"}, {"wechat", "msgid"}, {"video", "meeting_id"}
		};

		for (size_t i = 0; i < 3; i++)
		{
			json_t	   *p = json_loads("{\"foo\":1}", 0, NULL);
			json_t	   *n = chn_normalize(chans[i][0], p, &e);

			ok(n == NULL && strcmp(e.sqlstate, "22023") == 0 && strstr(e.hint, chans[i][1]) != NULL,
			   "error unrecognized %s shape: 22023, hint names %s", chans[i][0], chans[i][1]);
			json_decref(p);
		}
	}

	/* missing ids (22023) */
	check_err_edit("wechat", "wechat_archive_text", "msgid", NULL, "22023", "msgid", "archive without msgid");
	check_err_edit("wechat", "wechat_archive_text", "from", NULL, "22023", "from", "archive without from");
	check_err_edit("wechat", "wechat_archive_revoke", "revoke", "{}", "22023", "revoke.pre_msgid", "revoke without pre_msgid");
	check_err_edit("wechat", "wechat_callback_text", "msg_id", NULL, "22023", "msg_id", "callback without msg_id");
	check_err_edit("phone", "phone_asterisk_busy", "uniqueid", NULL, "22023", "uniqueid", "Asterisk CDR without ids");
	check_err_edit("phone", "phone_freeswitch_missed", "variables.uuid", NULL, "22023", "variables.uuid", "FreeSWITCH without uuid");
	check_err_edit("phone", "phone_carrier400", "call_sn", NULL, "22023", "call_sn", "carrier push without call_sn");
	check_err_edit("mobile", "mobile_log", "number", NULL, "22023", "number", "mobile without number");
	check_err_edit("visit", "visit_report", "visit_id", NULL, "22023", "visit_id", "visit without visit_id");
	check_err_edit("meeting", "meeting_minutes", "meeting_id", NULL, "22023", "meeting_id", "meeting without id");
	check_err_edit("webchat", "webchat_session", "session_id", NULL, "22023", "session_id", "webchat without session_id");
	check_err_edit("video", "video_zoom_ended", "payload.object.uuid", NULL, "22023", "payload.object.uuid", "Zoom without uuid");
	check_err_edit("video", "video_teams_v1", "id", NULL, "22023", "id", "Teams without id");
	check_err_edit("video", "video_tencent", "meeting_id", NULL, "22023", "meeting_id", "Tencent without meeting_id");
	check_err("video", "{\"meeting_id\":\"x1\",\"topic\":\"周会\",\"start_time\":\"2024-06-15 09:30\"}", "22023", "platform",
			  "seed video without platform");
	check_err("video", "{\"meeting_id\":\"x1\",\"platform\":\"feishu\",\"start_time\":\"2024-06-15 09:30\"}", "22023", "platform",
			  "unknown platform");
	check_err("form", "{\"form_name\":\"询价\",\"submitted_at\":\"2024-06-15 09:30\",\"name\":\"张经理\"}", "22023", "submission_id",
			  "form without any id");

	/* enums and non-communications (22023) */
	check_err_edit("wechat", "wechat_archive_switch", "action", "\"switch\"", "22023", "action", "archive switch event");
	{
		json_t	   *p = load("wechat_archive_switch");
		json_t	   *n = chn_normalize("wechat", p, &e);

		ok(n == NULL && strstr(e.hint, "not communications") != NULL, "switch hint says switch events are not communications");
		json_decref(p);
	}
	check_err_edit("wechat", "wechat_archive_text", "action", "\"delete\"", "22023", "action", "archive unknown action");
	check_err_edit("wechat", "wechat_xml_event", "MsgType", "\"event\"", "22023", "MsgType", "XML event callback");
	check_err_edit("phone", "phone_asterisk", "disposition", "\"MAYBE\"", "22023", "disposition", "bad disposition");
	check_err_edit("mobile", "mobile_log", "type", "\"sideways\"", "22023", "type", "bad mobile call type");
	check_err_edit("phone", "phone_carrier400", "call_type", "\"9\"", "22023", "call_type", "bad carrier direction");
	check_err_edit("mobile", "mobile_log", "duration", "-5", "22023", "duration", "negative duration");
	check_err("video", "{\"value\":[{\"id\":\"a\",\"startDateTime\":\"2024-06-15T01:30:00Z\"},{\"id\":\"b\",\"startDateTime\":\"2024-06-15T01:30:00Z\"}]}",
			  "22023", "value", "Graph list with two callRecords");

	/* missing or unparsable time (22007), field by JSON path */
	check_err_edit("wechat", "wechat_archive_text", "msgtime", NULL, "22007", "msgtime", "archive without msgtime");
	check_err_edit("wechat", "wechat_archive_text", "msgtime", "\"yesterday\"", "22007", "msgtime", "unparsable msgtime");
	check_err_edit("wechat", "wechat_callback_text", "create_time", "\"2024-13-45\"", "22007", "create_time", "bad create_time");
	check_err("phone", "{\"uniqueid\":\"1718415000.1\",\"src\":\"13800138000\",\"dst\":\"4008208820\",\"start\":\"昨天上午\","
			  "\"billsec\":10,\"disposition\":\"ANSWERED\"}", "22007", "start", "Asterisk CDR with a bad start (no calldate)");
	check_err_edit("phone", "phone_asterisk_busy", "calldate", NULL, "22007", "calldate", "Asterisk CDR without time");
	check_err_edit("phone", "phone_freeswitch_missed", "variables.start_epoch", NULL, "22007", "variables.start_epoch",
				   "FreeSWITCH without start");
	check_err_edit("phone", "phone_freeswitch_missed", "variables.answer_epoch", "\"soon\"", "22007", "variables.answer_epoch",
				   "FreeSWITCH unparsable answer_epoch");
	check_err_edit("phone", "phone_freeswitch", "variables.answer_uepoch", "\"soon\"", "22007", "variables.answer_uepoch",
				   "FreeSWITCH unparsable answer_uepoch");
	check_err_edit("phone", "phone_carrier400", "start_time", NULL, "22007", "start_time", "carrier push without start_time");
	check_err_edit("mobile", "mobile_android", "date", NULL, "22007", "start", "mobile without time");
	check_err_edit("email", "email_seed", "date", NULL, "22007", "date", "email without date");
	check_err_edit("email", "email_seed", "date", "\"next Tuesday\"", "22007", "date", "email unparsable date");
	check_err_edit("video", "video_zoom_ended", "payload.object.start_time", NULL, "22007", "payload.object.start_time",
				   "Zoom without start_time");
	check_err("video", "{\"value\":[{\"id\":\"a\",\"modalities\":[\"audio\"]}]}", "22007", "value[0].startDateTime",
			  "wrapped Teams record without startDateTime");
	check_err_edit("video", "video_tencent", "start_time", "\"someday\"", "22007", "start_time", "Tencent bad start_time");
	check_err("video", "{\"meeting_info_list\":[{\"meeting_id\":\"1\",\"meeting_code\":\"2\",\"start_time\":\"x\"}]}",
			  "22007", "meeting_info_list[0].start_time", "Tencent list bad start_time");
	check_err("video", "{\"event\":\"meeting.end\",\"payload\":[{\"meeting_info\":{\"meeting_id\":\"1\"}}]}",
			  "22007", "payload[0].meeting_info.start_time", "Tencent webhook without start_time");
	check_err_edit("visit", "visit_report", "customer_id", "\"CUST-AUX-001-0123456789-0123456789-0123456789-0123456789-0123456789\"",
				   "22023", "customer_id", "customer_id over 64 bytes");
	check_err_edit("visit", "visit_report", "visit_date", NULL, "22007", "visit_date", "visit without date");
	check_err_edit("meeting", "meeting_minutes", "start_time", NULL, "22007", "start_time", "meeting without time");
	check_err_edit("form", "form_fields", "submitted_at", NULL, "22007", "submitted_at", "form without time");
	check_err_edit("webchat", "webchat_no_start", "messages", "[]", "22007", "started_at", "webchat without any time");
	check_err("webchat", "{\"session_id\":\"s\",\"messages\":[{\"from\":\"visitor\",\"text\":\"hi\",\"time\":\"2024-06-15 09:30\"},"
			  "{\"from\":\"agent\",\"text\":\"hello\",\"time\":\"25:99\"}]}", "22007", "messages[1].time", "webchat bad message time");
	{
		json_t	   *p = load("email_seed");
		json_t	   *n;

		json_object_del(p, "date");
		n = chn_normalize("email", p, &e);
		ok(n == NULL && strstr(e.hint, "ISO 8601") != NULL && strstr(e.hint, "epoch") != NULL,
		   "time hint lists the accepted formats");
		json_decref(p);
	}

	/* wrong JSON types (22P02) */
	check_err_edit("wechat", "wechat_archive_text", "tolist", "\"wangming\"", "22P02", "tolist", "tolist not an array");
	check_err_edit("wechat", "wechat_archive_text", "tolist", "[\"wangming\", 7]", "22P02", "tolist[1]", "tolist element not a string");
	check_err_edit("wechat", "wechat_archive_text", "msgid", "{\"id\":1}", "22P02", "msgid", "msgid is an object");
	check_err_edit("wechat", "wechat_archive_text", "text", "\"hi\"", "22P02", "text", "msgtype object is a string");
	check_err_edit("wechat", "wechat_archive_image", "image.filesize", "\"big\"", "22P02", "image.filesize", "image filesize not a number");
	check_err_edit("phone", "phone_asterisk", "billsec", "\"abc\"", "22P02", "billsec", "billsec not a number");
	check_err_edit("phone", "phone_freeswitch", "variables", "\"uuid=1\"", "22P02", "variables", "variables not an object");
	check_err_edit("phone", "phone_freeswitch", "variables.billsec", "[68]", "22P02", "variables.billsec", "billsec array");
	check_err_edit("mobile", "mobile_log", "duration", "true", "22P02", "duration", "duration boolean");
	check_err_edit("email", "email_seed", "attachments", "{\"name\":\"a.pdf\"}", "22P02", "attachments", "attachments object");
	check_err_edit("email", "email_seed", "attachments", "[\"a.pdf\"]", "22P02", "attachments[0]", "attachment not an object");
	check_err_edit("email", "email_seed", "to", "42", "22P02", "to", "to is a number");
	check_err_edit("email", "email_seed", "references", "[1]", "22P02", "references[0]", "reference not a string");
	check_err_edit("email", "email_seed", "date", "true", "22P02", "date", "date is a boolean");
	check_err_edit("visit", "visit_report", "contact_id", "\"张经理\"", "22P02", "contact_id", "contact_id not a number");
	check_err_edit("visit", "visit_report", "photos", "\"a.jpg\"", "22P02", "photos", "photos not an array");
	check_err_edit("webchat", "webchat_session", "messages", "{}", "22P02", "messages", "messages not an array");
	check_err_edit("webchat", "webchat_session", "visitor", "\"张经理\"", "22P02", "visitor", "visitor not an object");
	check_err_edit("video", "video_zoom_ended", "payload.object", "[]", "22P02", "payload.object", "Zoom object is an array");
	check_err_edit("video", "video_teams_v1", "version", "\"v2\"", "22P02", "version", "Teams version not a number");
	check_err_edit("form", "form_fields", "fields", "\"姓名=张经理\"", "22P02", "fields", "form fields a string");

	/* wrong types and out-of-range numbers: the hint says what the field
	 * should be */
	check_err_hint("wechat", "{\"msgid\":\"e4\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":\"wangming\","
				   "\"msgtime\":1718415000000,\"msgtype\":\"text\",\"text\":{\"content\":\"王经理您好\"}}",
				   "22P02", "tolist", "tolist must be a JSON array of user ids", "tolist a string");
	check_err_hint("wechat", "{\"msgid\":\"e5\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\", 7],"
				   "\"msgtime\":1718415000000,\"msgtype\":\"text\",\"text\":{\"content\":\"王经理您好\"}}",
				   "22P02", "tolist[1]", "[\"wangming\"]", "tolist element a number");
	check_err_hint("wechat", "{\"msgid\":\"e6\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\"],"
				   "\"msgtime\":1718415000000,\"msgtype\":\"text\",\"text\":\"王经理您好\"}",
				   "22P02", "text", "\"text\": {\"content\"", "text object a string");
	check_err_hint("wechat", "{\"msgid\":\"e7\",\"action\":\"send\",\"from\":\"wangming\",\"tolist\":[\"wmAUXzhangJL8765\"],"
				   "\"msgtime\":1718420003000,\"msgtype\":\"news\",\"info\":\"奥克斯2024招标公告\"}",
				   "22P02", "info", "\"item\"", "news info a string");
	check_err_hint("mobile", "{\"id\":\"m1\",\"number\":[\"13800138000\"],\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":60}",
				   "22P02", "number", "number must be a JSON string", "mobile number an array");
	check_err_hint("mobile", "{\"id\":\"m2\",\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":1e16}",
				   "22P02", "duration", "duration must be a whole number", "mobile duration 1e16");
	check_err_hint("mobile", "{\"id\":\"m2b\",\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\","
				   "\"duration\":90000000000000000}", "22P02", "duration", "duration must be a whole number", "mobile duration integer 9e16");
	check_err_hint("mobile", "{\"id\":\"m4\",\"number\":\"13800138000\",\"type\":\"in\",\"start\":\"2024-06-15 09:30\",\"duration\":{\"s\":60}}",
				   "22P02", "duration", "duration must be a plain number", "mobile duration an object");
	check_err_hint("webchat", "{\"session_id\":\"WC-1\",\"started_at\":\"2024-06-15 09:30\",\"messages\":{\"from\":\"visitor\"}}",
				   "22P02", "messages", "messages must be a JSON array", "webchat messages an object");
	check_err_hint("email", "{\"message_id\":\"<a@aux-group.com>\",\"from\":\"zhang@aux-group.com\",\"to\":\"wangming@topcentral.cn\","
				   "\"subject\":\"报价\",\"date\":[2024]}", "22P02", "date", "ISO 8601", "email date an array");

	/* a duration over int4 (68 years) is a unit or time mistake: rejected
	 * here with the field it came from, not a bare server range error */
	check_err_hint("mobile", "{\"id\":\"MC-wangming-20240615-0009\",\"number\":\"13800138000\",\"type\":\"out\","
				   "\"start\":\"2024-06-15 09:30\",\"duration\":3000000000,\"salesperson\":\"王明\"}",
				   "22003", "duration", "at most 2147483647 seconds", "mobile duration 3e9 s");
	check_err_hint("mobile", "{\"id\":\"MC-wangming-20240615-0010\",\"number\":\"13800138000\",\"type\":\"out\","
				   "\"start\":\"2024-06-15 09:30\",\"duration\":\"2147483648\",\"salesperson\":\"王明\"}",
				   "22003", "duration", "68 years", "mobile duration 2^31 s as a string");
	check_err_hint("wechat", "{\"msgid\":\"voice-long\",\"action\":\"send\",\"from\":\"wmAUXzhangJL8765\",\"tolist\":[\"wangming\"],"
				   "\"msgtime\":1718415120000,\"msgtype\":\"voice\",\"voice\":{\"md5sum\":\"9db09c7fa627c9e53fa8a2a0e4d2b3ea\","
				   "\"voice_size\":6810,\"play_length\":3000000000}}", "22003", "voice.play_length", "68 years", "WeCom voice play_length 3e9");
	check_err_hint("phone", "{\"uniqueid\":\"1718415000.2601\",\"linkedid\":\"1718415000.2601\",\"calldate\":\"2024-06-15 09:30:00\","
				   "\"src\":\"13800138000\",\"dst\":\"4008208820\",\"disposition\":\"ANSWERED\",\"duration\":3000000010,"
				   "\"billsec\":3000000000}", "22003", "billsec", "68 years", "Asterisk billsec 3e9");
	check_err_hint("meeting", "{\"meeting_id\":\"MTG-20240615-09\",\"title\":\"Q3 供货商务谈判\",\"start_time\":\"2024-06-15 09:30\","
				   "\"end_time\":\"2099-06-15 11:30\"}", "22003", "end_time", "start and end times", "meeting ending in 2099");
	check_err_hint("visit", "{\"visit_id\":\"VR-20240615-009\",\"visit_date\":\"2024-06-15 09:30\",\"sales_person\":\"王明\","
				   "\"duration_minutes\":40000000}", "22003", "duration_minutes", "68 years", "visit of 4e7 minutes");
	check_err_hint("video", "{\"meeting_info_list\":[{\"meeting_id\":\"7240611112345\",\"meeting_code\":\"123456789\","
				   "\"subject\":\"奥克斯 2024Q3 压缩机技术交流\",\"start_time\":\"1718415000\",\"end_time\":\"7258089600\"}]}",
				   "22003", "meeting_info_list[0].end_time", "68 years", "Tencent meeting ending in 2200");

	/* oversize attachment (22001) */
	{
		json_t	   *p = load("email_oversize");
		json_t	   *n = chn_normalize("email", p, &e);

		ok(n == NULL && strcmp(e.sqlstate, "22001") == 0 && strcmp(e.field, "attachments[1].size") == 0 &&
		   strstr(e.message, "attachments[1].size") != NULL, "error oversize attachment: 22001 attachments[1].size");
		json_decref(p);
	}
	check_err_edit("email", "email_mailparser", "attachments", "[{\"filename\":\"a.zip\",\"size\":\"52428801\"}]",
				   "22001", "attachments[0].size", "attachment size as string over the limit");
}

/* ================================================================= merge */
static json_t *
fold(const char *channel, const char *const *names, size_t n)
{
	json_t	   *acc = NULL;

	for (size_t i = 0; i < n; i++)
	{
		json_t	   *x = norm_file(channel, names[i]);
		json_t	   *m;

		if (x == NULL)
		{
			json_decref(acc);
			return NULL;
		}
		if (acc == NULL)
		{
			acc = x;
			continue;
		}
		m = chn_merge(acc, x);
		json_decref(acc);
		json_decref(x);
		acc = m;
	}
	return acc;
}

static void
test_merge(void)
{
	static const char *const legs[] = {"phone_asterisk_leg1", "phone_asterisk_leg2"};
	static const char *const legs_rev[] = {"phone_asterisk_leg2", "phone_asterisk_leg1"};
	static const char *const missed2[] = {"phone_asterisk_leg1", "phone_asterisk_leg1"};
	static const char *const zoom[] = {"video_zoom_ended", "video_zoom_recording", "video_zoom_transcript"};
	static const char *const zoom_rev[] = {"video_zoom_transcript", "video_zoom_recording", "video_zoom_ended"};
	static const char *const teams[] = {"video_teams_v1", "video_teams_v2"};
	static const char *const teams_rev[] = {"video_teams_v2", "video_teams_v1"};
	static const char *const tm[] = {"video_tencent", "video_tencent_transcript"};
	static const char *const wx[] = {"wechat_archive_text", "wechat_callback_text"};
	const char *legs_spec =
		"{\"source_record_id\":\"1718416800.3001\",\"communication_time\":1718416800000000,\"duration\":300,"
		"\"missed\":false,\"subject\":\"400来电 13800138000\",\"call_number\":\"13800138000\","
		"\"recording_url\":\"in-8002-13800138000-20240615-100021-1718416821.3003.wav\","
		"\"addresses\":[{\"kind\":\"phone\",\"value\":\"13800138000\",\"role\":\"from\"},"
		"{\"kind\":\"phone\",\"value\":\"8001\",\"role\":\"to\"},{\"kind\":\"phone\",\"value\":\"8002\",\"role\":\"to\"}]}";
	json_t	   *m;

	m = fold("phone", legs, 2);
	expect("merge Asterisk legs", m, legs_spec);
	expect("merge Asterisk legs", m,
		   "{\"content\":\"未接来电 13800138000 → 8001\\n来电 13800138000 → 8002,通话 5分钟,已录音\\n转接 8002 王明接听\"}");
	json_decref(m);
	m = fold("phone", legs_rev, 2);
	expect("merge Asterisk legs (reverse order)", m,
		   "{\"communication_time\":1718416800000000,\"duration\":300,\"missed\":false,\"subject\":\"400来电 13800138000\"}");
	json_decref(m);
	m = fold("phone", missed2, 2);
	expect("merge two missed legs", m, "{\"missed\":true,\"content\":\"未接来电 13800138000 → 8001\",\"duration\":0}");
	json_decref(m);

	m = fold("video", zoom, 3);
	expect("merge Zoom events", m,
		   "{\"source_record_id\":\"4444AAAiAAAAAiAiAiiAii==\",\"communication_time\":1718415000000000,\"duration\":2700,"
		   "\"subject\":\"奥克斯 KFR-35GW 报价评审\",\"recording_url\":\"https://zoom.us/rec/play/Qg75t7xZBtEbAkjdlgbfdngBBBB\","
		   "\"content\":\"Zoom会议「奥克斯 KFR-35GW 报价评审」\\n会议结束,时长 45分钟\\n录制完成: MP4, M4A\\n转写完成\"}");
	ok(m && json_array_size(json_object_get(json_object_get(m, "extra"), "recording_files")) == 3 &&
	   strcmp(json_string_value(json_object_get(json_object_get(m, "extra"), "event")), "recording.transcript_completed") == 0 &&
	   strcmp(json_string_value(json_object_get(json_object_get(m, "extra"), "share_url")), "https://zoom.us/rec/share/abcdEFGH") == 0,
	   "merge Zoom events: extra unions recording files, keeps latest event and share_url");
	json_decref(m);
	m = fold("video", zoom_rev, 3);
	expect("merge Zoom events (out of order)", m,
		   "{\"communication_time\":1718415000000000,\"duration\":2700,"
		   "\"recording_url\":\"https://zoom.us/rec/play/Qg75t7xZBtEbAkjdlgbfdngBBBB\"}");
	ok(m && strcmp(json_string_value(json_object_get(json_object_get(m, "extra"), "event")), "recording.transcript_completed") == 0,
	   "merge Zoom events (out of order): extra.event is the latest in the meeting's life, not the last to arrive");
	json_decref(m);

	{
		/* Zoom re-delivers a webhook it got no 200 for: folding an event
		 * already folded must change nothing (else the re-delivery is
		 * 'merged' and appended to the stored events, not 'duplicate') */
		static const char *const zoom2[] = {"video_zoom_ended", "video_zoom_recording"};
		json_t	   *acc = fold("video", zoom2, 2);
		json_t	   *again = norm_file("video", "video_zoom_ended");
		json_t	   *r = acc && again ? chn_merge(acc, again) : NULL;

		ok(r && json_equal(r, acc), "merge Zoom: a re-delivered earlier event (meeting.ended after recording.completed) changes nothing");
		if (r && !json_equal(r, acc))
		{
			diag_json("before", json_object_get(acc, "extra"));
			diag_json("after", json_object_get(r, "extra"));
		}
		json_decref(r);
		json_decref(again);
		json_decref(acc);
	}

	m = fold("video", teams, 2);
	expect("merge Teams v1 then v2", m, "{\"source_version\":2,\"duration\":2100,\"merge_policy\":\"version\"}");
	json_decref(m);
	m = fold("video", teams_rev, 2);
	expect("merge Teams v2 then v1 keeps v2", m,
		   "{\"source_version\":2,\"duration\":2100,\"participants\":[\"王明\",\"张经理\",\"奥克斯会议室\"]}");
	json_decref(m);

	m = fold("video", tm, 2);
	expect("merge Tencent parts", m,
		   "{\"content\":\"王明: 张经理好,今天主要介绍 R32 压缩机。\\n张经理: 我们关心能效和交期,2000 台月底前能到吗?\\n王明: 可以,25 天交货。\","
		   "\"recording_url\":\"https://meeting.tencent.com/crm/Nk2Dp3W0e1\",\"duration\":2700,"
		   "\"subject\":\"奥克斯 2024Q3 压缩机技术交流\"}");
	json_decref(m);

	{
		/* Tencent parts each carrying action items: details unioned by item */
		json_t	   *a = json_loads("{\"meeting_id\":\"7240611112345\",\"meeting_code\":\"123456789\",\"subject\":\"奥克斯 2024Q3 压缩机技术交流\","
								   "\"start_time\":\"1718415000\",\"end_time\":\"1718417700\",\"action_items\":["
								   "{\"item\":\"寄送样品\",\"owner\":\"李静\",\"due\":\"2024-06-20\"}]}", 0, NULL);
		json_t	   *b = json_loads("{\"meeting_id\":\"7240611112345\",\"meeting_code\":\"123456789\",\"start_time\":\"1718415000\","
								   "\"action_items\":[{\"item\":\"寄送样品\",\"owner\":\"李静\",\"due\":\"2024-06-20\"},"
								   "{\"item\":\"起草技术协议\",\"owner\":\"王明\",\"due\":\"2024-06-21 17:00\"}]}", 0, NULL);
		chn_error	e;
		json_t	   *na = chn_normalize("video", a, &e);
		json_t	   *nb = chn_normalize("video", b, &e);
		json_t	   *r = na && nb ? chn_merge(na, nb) : NULL;

		expect("merge Tencent parts with action items", r,
			   "{\"follow_up_details\":[{\"item\":\"寄送样品(负责人: 李静, 截止: 2024-06-20)\",\"title\":\"寄送样品\",\"owner\":\"李静\","
			   "\"due\":\"2024-06-20T10:00:00Z\"},{\"item\":\"起草技术协议(负责人: 王明, 截止: 2024-06-21 17:00)\",\"title\":\"起草技术协议\","
			   "\"owner\":\"王明\",\"due\":\"2024-06-21T09:00:00Z\"}]}");
		json_decref(r);
		json_decref(na);
		json_decref(nb);
		json_decref(a);
		json_decref(b);
	}

	m = fold("wechat", wx, 2);
	expect("merge replace: b wins", m, "{\"source_record_id\":\"wx-cb-20240615-0001\",\"content\":\"价格能不能再优惠 3 个点?量我们可以保证。\"}");
	json_decref(m);

	{
		json_t	   *a = norm_file("phone", "phone_asterisk");
		json_t	   *x = chn_merge(a, NULL);
		json_t	   *y = chn_merge(NULL, a);
		json_t	   *z = chn_merge(a, a);

		ok(x && json_equal(x, a) && y && json_equal(y, a), "merge with NULL returns a copy");
		ok(z && json_equal(z, a), "enrich merge of a record with itself is idempotent");
		json_decref(x);
		json_decref(y);
		json_decref(z);
		json_decref(a);
	}
}

int
main(void)
{
	if (getenv("CHN_PAYLOADS"))
		pdir = getenv("CHN_PAYLOADS");
	test_wechat();
	test_phone();
	test_mobile();
	test_email();
	test_video();
	test_others();
	test_errors();
	test_merge();
	printf("1..%d\n", ntest);
	if (nfail)
		printf("# %d of %d failed\n", nfail, ntest);
	return nfail ? 1 : 0;
}
