/*
 * test_mime.c -- the raw-mail parser against real mail and synthetic edge
 * cases.
 *
 * Part 1 parses every file in the real-fixture directory (argv[1],
 * default test/fixtures/mime) and checks the invariants that
 * hold for any input: an object comes back, every string in it is valid
 * UTF-8 without NUL, attachments carry size and a 64-hex checksum, and the
 * Chinese fixtures have no U+FFFD in their subject.
 *
 * Part 2 asserts exact decoded values for fixtures chosen for what they
 * exercise (see fixtures/real/SOURCES.md).  Expected strings were decoded
 * independently from the raw bytes with Python (base64/quopri + codecs
 * gb18030, big5hkscs, koi8-r, cp1252 ...), not copied from this parser.
 *
 * Part 3 is synthetic: size limit, QP soft breaks, RFC 2047 split
 * multibyte characters, RFC 2231 continuations, charset sniffing, HTML
 * reduction, dates, nesting and part-count limits.
 *
 * Output is TAP-like; exit status 1 when any check fails.
 */
#include "mime.h"
#include "sha256.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	n_tests = 0;
static int	n_fail = 0;
/* A copy of ../shared/fixtures/real/mime kept in the repository (byte for
 * byte, licences in test/fixtures/SOURCES.md); tests run from the repo root. */
static const char *fixdir = "test/fixtures/mime";

static void
check(int ok, const char *fmt, const char *arg)
{
	n_tests++;
	if (!ok)
		n_fail++;
	printf("%sok %d - ", ok ? "" : "not ", n_tests);
	printf(fmt, arg ? arg : "");
	printf("\n");
}

static bool
valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	while (i < n)
	{
		uint32_t	c;
		int			k,
					j;

		if (u[i] == 0)
			return false;
		if (u[i] < 0x80)
		{
			i++;
			continue;
		}
		if (u[i] >= 0xC2 && u[i] <= 0xDF)
			k = 2;
		else if (u[i] >= 0xE0 && u[i] <= 0xEF)
			k = 3;
		else if (u[i] >= 0xF0 && u[i] <= 0xF4)
			k = 4;
		else
			return false;
		if (i + (size_t) k > n)
			return false;
		c = u[i] & (0x7F >> k);
		for (j = 1; j < k; j++)
		{
			if ((u[i + j] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (u[i + j] & 0x3F);
		}
		if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
			(c >= 0xD800 && c <= 0xDFFF))
			return false;
		i += k;
	}
	return true;
}

static bool
all_strings_valid(json_t *j, int depth)
{
	if (depth > 32)
		return false;
	if (json_is_string(j))
		return valid_utf8(json_string_value(j), json_string_length(j));
	if (json_is_object(j))
	{
		const char *k;
		json_t	   *v;

		json_object_foreach(j, k, v)
			if (!valid_utf8(k, strlen(k)) || !all_strings_valid(v, depth + 1))
			return false;
	}
	if (json_is_array(j))
	{
		size_t		i;
		json_t	   *v;

		json_array_foreach(j, i, v)
			if (!all_strings_valid(v, depth + 1))
			return false;
	}
	return true;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	long		n;
	char	   *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t) n + 1);
	if (b && fread(b, 1, (size_t) n, f) != (size_t) n)
	{
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t) n;
	return b;
}

static json_t *
parse_fixture(const char *name)
{
	char		path[1024];
	size_t		len;
	char	   *b;
	json_t	   *j;
	char		err[256];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	b = slurp(path, &len);
	if (!b)
		return NULL;
	j = mime_parse(b, len, err, sizeof(err));
	free(b);
	return j;
}

static json_t *
parse_str(const char *s)
{
	char		err[256];

	return mime_parse(s, strlen(s), err, sizeof(err));
}

/* Path lookup: "from.value.0.name", "attachments.2.filename". */
static json_t *
jget(json_t *j, const char *path)
{
	char		buf[256],
			   *tok,
			   *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save))
	{
		if (json_is_array(j))
			j = json_array_get(j, (size_t) atoi(tok));
		else
			j = json_object_get(j, tok);
	}
	return j;
}

static const char *
sget(json_t *j, const char *path)
{
	json_t	   *v = jget(j, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Exact string equality at path. */
static void
expect_str(json_t *j, const char *path, const char *want, const char *ctx)
{
	const char *got = j ? sget(j, path) : NULL;
	char		desc[512];
	int			ok = got && strcmp(got, want) == 0;

	snprintf(desc, sizeof(desc), "%s: %s = \"%s\"", ctx, path, want);
	if (!ok)
		printf("# got: %s\n", got ? got : "(missing)");
	check(ok, "%s", desc);
}

/* The first line of the string at path equals want. */
static void
expect_line1(json_t *j, const char *path, const char *want, const char *ctx)
{
	const char *got = j ? sget(j, path) : NULL;
	char		desc[512];
	size_t		l = got ? strcspn(got, "\n") : 0;
	int			ok = got && l == strlen(want) && strncmp(got, want, l) == 0;

	snprintf(desc, sizeof(desc), "%s: first line of %s = \"%s\"", ctx, path, want);
	if (!ok)
		printf("# got: %.*s\n", (int) l, got ? got : "(missing)");
	check(ok, "%s", desc);
}

static void
expect_absent(json_t *j, const char *path, const char *ctx)
{
	char		desc[256];

	snprintf(desc, sizeof(desc), "%s: %s absent", ctx, path);
	check(j && jget(j, path) == NULL, "%s", desc);
}

static void
expect_int(json_t *j, const char *path, long long want, const char *ctx)
{
	json_t	   *v = j ? jget(j, path) : NULL;
	char		desc[256];
	int			ok = json_is_integer(v) && json_integer_value(v) == want;

	snprintf(desc, sizeof(desc), "%s: %s = %lld", ctx, path, want);
	if (!ok)
		printf("# got: %lld\n", json_is_integer(v) ? (long long) json_integer_value(v) : -1LL);
	check(ok, "%s", desc);
}

static bool
has_warning(json_t *j, const char *w)
{
	json_t	   *a = jget(j, "mimeWarnings");
	size_t		i;

	for (i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), w) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- */

static void
all_fixtures(void)
{
	DIR		   *d = opendir(fixdir);
	struct dirent *e;
	int			count = 0;

	check(d != NULL, "fixture directory %s opens", fixdir);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
	{
		json_t	   *j;
		json_t	   *att;
		size_t		i;
		bool		ok_att = true;

		if (e->d_name[0] == '.')
			continue;
		count++;
		j = parse_fixture(e->d_name);
		check(json_is_object(j), "%s parses to an object", e->d_name);
		if (!j)
			continue;
		check(all_strings_valid(j, 0), "%s: every string is valid UTF-8 without NUL", e->d_name);
		check(json_is_string(jget(j, "text")) && json_is_array(jget(j, "attachments")) &&
			  json_is_array(jget(j, "mimeWarnings")),
			  "%s: text, attachments and mimeWarnings present", e->d_name);
		att = jget(j, "attachments");
		for (i = 0; i < json_array_size(att); i++)
		{
			json_t	   *a = json_array_get(att, i);
			const char *ck = sget(a, "checksum");

			if (!json_is_integer(jget(a, "size")) || !ck || strlen(ck) != 64 ||
				strspn(ck, "0123456789abcdef") != 64 || !sget(a, "contentType"))
				ok_att = false;
		}
		check(ok_att, "%s: attachments have size, sha256 checksum, contentType", e->d_name);
		if (strstr(e->d_name, "chinese") || strstr(e->d_name, "big5") ||
			strstr(e->d_name, "big-5") || strstr(e->d_name, "gb2312") ||
			strstr(e->d_name, "gbk") || strstr(e->d_name, "spamscope"))
		{
			const char *s = sget(j, "subject");

			check(!s || !strstr(s, "\xEF\xBF\xBD"), "%s: no U+FFFD in the subject", e->d_name);
		}
		json_decref(j);
	}
	closedir(d);
	{
		char		n[32];

		snprintf(n, sizeof(n), "%d", count);
		check(count >= 79, "all %s fixture files were parsed", n);
	}
}

static void
chinese_fixtures(void)
{
	json_t	   *j;
	const char *f;

	f = "kopano__big5.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "養樂多線上訂購", f);
	expect_str(j, "from.value.0.name", "養樂多", f);
	expect_str(j, "from.value.0.address", "c@y", f);
	expect_str(j, "to.value.0.name", "養樂多線上訂購", f);
	json_decref(j);

	f = "kopano__gb2312_18030.eml";
	j = parse_fixture(f);
	expect_str(j, "from.value.0.name", "梁祐晟", f);
	expect_str(j, "to.value.0.name", "林慶美", f);
	expect_str(j, "subject", "讀取: ??排??生?a", f);
	json_decref(j);

	f = "demisto__chinese_big5_encoding.eml";
	j = parse_fixture(f);
	expect_line1(j, "text", "圖形碼", f);
	expect_str(j, "subject", "Hello from China", f);
	json_decref(j);

	f = "demisto__chinese_gb2312_encoding.eml";
	j = parse_fixture(f);
	expect_line1(j, "text", "你好，我是程序员，很高兴认识你", f);
	json_decref(j);

	f = "demisto__chinese_email_test.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "示例邮件", f);
	expect_line1(j, "text", "这是一个示例邮件，用于演示指定的条件。", f);
	json_decref(j);

	f = "letters__test_chinese_multipart_mixed_gb18030_over_base64.txt";
	j = parse_fixture(f);
	expect_str(j, "subject", "📧 Test 施氏食狮史", f);
	expect_str(j, "from.value.0.name", "艾莉絲 发件人", f);
	expect_str(j, "from.value.1.address", "alice.fajianren@example.net", f);
	expect_line1(j, "text", "石室诗士施氏，嗜狮，誓食十狮。", f);
	expect_str(j, "messageId", "<Message-Id-1@example.com>", f);
	expect_str(j, "inReplyTo", "<Message-Id-0@example.com>", f);
	expect_str(j, "date", "2019-03-31T23:55:00Z", f);
	expect_str(j, "attachments.0.filename", "inline-jpg-image-without-disposition.jpg", f);
	expect_str(j, "attachments.2.filename", "attached-pdf-filename.pdf", f);
	expect_str(j, "attachments.3.filename", "attached-pdf-without-disposition.pdf", f);
	expect_str(j, "attachments.5.filename", "attached-text-plain-filename.txt", f);
	expect_str(j, "attachments.6.filename", "attached-text-html-filename.html", f);
	check(json_array_size(jget(j, "attachments")) == 7,
		  "%s: 7 attachments (text/enriched alternative is not one)", f);
	json_decref(j);

	f = "letters__test_chinese_multipart_mixed_gbk_over_quoted-printable.txt";
	j = parse_fixture(f);
	expect_str(j, "subject", "📧 Test 施氏食狮史", f);
	expect_line1(j, "text", "石室诗士施氏，嗜狮，誓食十狮。", f);
	expect_str(j, "attachments.1.filename", "inline-jpg-image-filename.jpg", f);
	json_decref(j);

	f = "letters__test_chinese_multipart_signed_gb18030_over_quoted-printable.txt";
	j = parse_fixture(f);
	expect_str(j, "subject", "📧 Signed Test 施氏食狮史", f);
	expect_line1(j, "text", "石室诗士施氏，嗜狮，誓食十狮。", f);
	expect_str(j, "attachments.0.filename", "smime.p7s", f);
	expect_str(j, "attachments.0.contentType", "application/pkcs7-signature", f);
	json_decref(j);

	f = "letters__test_chinese_plaintext_gb18030_over_quoted-printable.txt";
	j = parse_fixture(f);
	expect_str(j, "subject", "📧 Test 施氏食狮史", f);
	/* the body itself begins with an empty line */
	check(j && sget(j, "text") &&
		  strncmp(sget(j, "text"), "\n石室诗士施氏，嗜狮，誓食十狮。\n", strlen("\n石室诗士施氏，嗜狮，誓食十狮。\n")) == 0,
		  "%s: GB18030 QP body (after header lines with blanks in the name)", f);
	expect_str(j, "references.0", "<Message-Id-0@example.com>", f);
	json_decref(j);

	f = "enmime__chardet-success-big-5.raw";
	j = parse_fixture(f);
	expect_line1(j, "text", "顏是家訓  北齊  顏之推", f);
	json_decref(j);

	f = "spamscope__mail_test_12.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "代开各地增值税发票", f);
	expect_str(j, "from.value.0.name", "张先生", f);
	expect_line1(j, "text", "你好！我公司可代开各类增值税发票，17%专用发票，3%普通发票，点数优惠，所开发票均可查询验证后", f);
	expect_str(j, "to.value.0.address", "danglüe@email.com", f);
	expect_str(j, "date", "2018-05-13T04:32:22Z", f);
	json_decref(j);

	f = "phpmimemailparser__failure.eml";
	j = parse_fixture(f);
	expect_line1(j, "text", "次の受信者またはグループへの配信に失敗しました:", f);
	json_decref(j);

	f = "webklex__ks_c_5601-1987_headers.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "RE: 회원님께 Ersi님이 메시지를 보냈습니다.", f);
	expect_str(j, "from.value.0.name", "김 현진", f);
	json_decref(j);

	f = "kopano__zcp-11699-ub.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "☺ dummy ☻", f);
	json_decref(j);

	f = "mikel__raw_email_with_partially_quoted_subject.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "Re: Test: \"漢字\" mid \"漢字\" tail", f);
	json_decref(j);

	f = "kopano__encoded-word-split.eml";
	j = parse_fixture(f);
	{
		const char *s = j ? sget(j, "subject") : NULL;

		/* ☺ joined from three one-byte words; UTF-16 with BOM from two */
		check(s && strncmp(s, "☺ vų. ", strlen("☺ vų. ")) == 0,
			  "%s: split UTF-8 and UTF-16 encoded words joined before conversion", f);
	}
	json_decref(j);

	f = "thunderbird__bad-charset.eml";
	j = parse_fixture(f);
	expect_line1(j, "text", "Despite the bad charset we can find the search term Mätterhorn.", f);
	check(j && sget(j, "html") && strstr(sget(j, "html"), "Matterhörn"),
		  "%s: UTF-8 bytes under a bogus label stay UTF-8 in html", f);
	json_decref(j);
}

static void
attachment_fixtures(void)
{
	json_t	   *j;
	const char *f;

	f = "mikel__japanese_attachment_long_name.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename", "かきくけこかきくけこかきくけこかきくけこかきくけこ.txt", f);
	json_decref(j);

	f = "roundcube__filename.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename", "A011.txt", f);
	expect_str(j, "attachments.1.filename", "A012.txt", f);
	expect_str(j, "attachments.2.filename", "A014.txt", f);
	expect_str(j, "attachments.3.filename", "żółć.png", f);
	expect_str(j, "attachments.4.filename", "żółć.png", f);
	expect_str(j, "attachments.5.filename",
			   "very very very very long very very very very long ćććććć very very very long name.txt", f);
	/* "Zm9vDQpiYXINCmduYQ==" is "foo\r\nbar\r\ngna": 13 bytes */
	expect_int(j, "attachments.0.size", 13, f);
	{
		char		hex[65];

		sha256_hex("foo\r\nbar\r\ngna", 13, hex);
		expect_str(j, "attachments.0.checksum", hex, f);
	}
	json_decref(j);

	f = "webklex__attachment_long_filename.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename",
			   "Buchungsbestätigung- Rechnung-Geschäftsbedingungen-Nr.B123-45 - XXXXX xxxxxxxxxxxxxxxxx XxxX, Lüxxxxxxxxxx - VM Klaus XXXXXX - xxxxxxxx.pdf", f);
	expect_str(j, "attachments.1.filename",
			   "01_A€àä????@Z-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz.txt", f);
	expect_str(j, "attachments.2.filename",
			   "02_A€àäąбيد@Z-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz-0123456789-qwertyuiopasdfghjklzxcvbnmopqrstuvz.txt", f);
	json_decref(j);

	f = "mime4j__russian-headers.msg";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename", "Список.doc", f);
	json_decref(j);

	f = "webklex__issue-410.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename",
			   "☆第132号　「ガーデン&エクステリア」専門店のためのＱ&Ａサロン　【月刊エクステリア・ワーク】", f);
	json_decref(j);

	f = "roundcube__mail0.eml";
	j = parse_fixture(f);
	expect_line1(j, "text", "Plain text message body.", f);
	expect_str(j, "attachments.0.filename", "lines.txt", f);
	expect_str(j, "attachments.1.filename", "lines_lf.txt", f);
	json_decref(j);

	f = "thunderbird__10-plaintext+(HTML+embedded-image)+attachment.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.0.filename", "kigaaldcbanejcbi.png", f);
	check(j && json_is_true(jget(j, "attachments.0.related")),
		  "%s: cid image inside multipart/related is related:true", f);
	check(j && json_is_false(jget(j, "attachments.1.related")),
		  "%s: real attachment is related:false", f);
	check(j && sget(j, "attachments.0.contentId") != NULL, "%s: contentId kept", f);
	json_decref(j);

	f = "mailparser__delivery-status.eml";
	j = parse_fixture(f);
	expect_str(j, "attachments.1.contentType", "message/rfc822", f);
	check(j && !strstr(sget(j, "text"), "Example Subject") && sget(j, "text") != NULL,
		  "%s: text of the attached message is not the body", f);
	json_decref(j);
}

static void
structure_fixtures(void)
{
	json_t	   *j;
	const char *f;

	f = "flanker__missing-final-boundary.eml";
	j = parse_fixture(f);
	expect_str(j, "text", "Some body\n", f);
	check(j && has_warning(j, "missing final boundary"), "%s: warning names the missing final boundary", f);
	json_decref(j);

	f = "kopano__zcp-11581.eml";
	j = parse_fixture(f);
	expect_str(j, "text", "Your mail system appears RFC-compliant with regard to this test.", f);
	json_decref(j);

	f = "mime4j__boundary-name-clash.msg";
	j = parse_fixture(f);
	check(j && json_array_size(jget(j, "attachments")) == 1, "%s: boundary prefix does not split", f);
	expect_str(j, "attachments.0.contentType", "application/pdf", f);
	json_decref(j);

	f = "mime4j__misplaced-boundary.msg";
	j = parse_fixture(f);
	check(j && sget(j, "text") && strstr(sget(j, "text"), "--boundary"),
		  "%s: mid-line boundary text stays in the body", f);
	json_decref(j);

	f = "cpython__msg_47.txt";
	j = parse_fixture(f);
	expect_absent(j, "date", f);
	expect_str(j, "from.value.0.name", "123@abuse.net", f);
	expect_str(j, "from.value.0.address", "123@example.com", f);
	json_decref(j);

	f = "cpython__msg_35.txt";
	j = parse_fixture(f);
	expect_str(j, "subject", "here's something interesting", f);
	expect_line1(j, "text", "counter to RFC 5322, there's no separating newline here", f);
	json_decref(j);

	f = "thunderbird__badly-folded-headers.eml";
	j = parse_fixture(f);
	expect_str(j, "subject", "Badly folded headers, one line with space between To and From", f);
	expect_str(j, "to.value.0.name", "Recipient with spaces", f);
	expect_str(j, "from.value.0.address", "sender@example.com", f);
	expect_str(j, "date", "2018-04-14T12:01:30Z", f);
	json_decref(j);

	f = "notmuch__broken-cc.eml";
	j = parse_fixture(f);
	check(j && json_array_size(jget(j, "cc.value")) == 2, "%s: Cc and cc merged", f);
	json_decref(j);
}

static void
threading_fixtures(void)
{
	json_t	   *j;
	const char *f;

	f = "notmuch__ghost-root__fake-root.eml";
	j = parse_fixture(f);
	expect_str(j, "messageId", "<001-fake-message-root@example.org>", f);
	expect_str(j, "inReplyTo", "<nonexistent-message@example.org>", f);
	expect_str(j, "references.0", "<000-real-root@example.org>", f);
	expect_str(j, "references.1", "<001-child@example.org>", f);
	expect_str(j, "references.2", "<nonexistent-message@example.org>", f);
	check(j && json_array_size(jget(j, "references")) == 3, "%s: 3 references", f);
	json_decref(j);

	f = "notmuch__ghost-root__1532672447.R3166642290392477575.len_2,S.eml";
	j = parse_fixture(f);
	expect_str(j, "inReplyTo", "<87bmc6lp3h.fsf@len.workgroup>", f);
	expect_str(j, "references.0", "<RT-Ticket-33575@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de>", f);
	expect_str(j, "references.1", "<87bmc6lp3h.fsf@len.workgroup>", f);
	json_decref(j);

	f = "notmuch__parent-priority__child.eml";
	j = parse_fixture(f);
	expect_str(j, "inReplyTo", "<B00-root@example.org>", f);
	expect_str(j, "references.0", "<B00--root@example.org>", f);
	json_decref(j);

	f = "notmuch__ghost-root__real-root.eml";
	j = parse_fixture(f);
	expect_str(j, "messageId", "<000-real-root@example.org>", f);
	expect_absent(j, "inReplyTo", f);
	expect_absent(j, "references", f);
	json_decref(j);

	f = "mikel__multiple_references_with_one_invalid.eml";
	j = parse_fixture(f);
	expect_str(j, "references.0", "<foo@bar.net>", f);
	expect_str(j, "references.1", "<baz@bar.net>", f);
	/* the "continuation" of <invalid. starts in column 0: not a fold, the
	 * unterminated id is dropped rather than guessed */
	check(j && json_array_size(jget(j, "references")) == 2, "%s: 2 well-formed references", f);
	json_decref(j);
}

/* ---------------------------------------------------------------- */

static void
synthetic(void)
{
	json_t	   *j;
	char		err[256];

	/* size limit */
	{
		size_t		n = (size_t) MIME_MAX_MESSAGE_BYTES + 1;
		char	   *big = malloc(n);

		if (big)
		{
			memset(big, 'a', n);
			err[0] = '\0';
			j = mime_parse(big, n, err, sizeof(err));
			check(j == NULL, "50 MB + 1 byte message is refused%s", "");
			check(strstr(err, "52428800") != NULL && strstr(err, "52428801") != NULL,
				  "error names the size and the limit: %s", err);
			json_decref(j);
			/* exactly the limit is accepted */
			j = mime_parse(big, n - 1, err, sizeof(err));
			check(json_is_object(j), "message of exactly 50 MB is parsed%s", "");
			json_decref(j);
			free(big);
		}
	}

	j = parse_str("Subject: qp\nContent-Type: text/plain; charset=utf-8\n"
				  "Content-Transfer-Encoding: quoted-printable\n\n"
				  "soft=\nbreak and =E4=BD=A0=E5=A5=BD, bad =ZZ escape, trailing=  \r\nend=3D\n");
	expect_str(j, "text", "softbreak and 你好, bad =ZZ escape, trailingend=\n", "QP");
	json_decref(j);

	/* 你 = E4 BD A0 split over three B words and a Q word */
	j = parse_str("Subject: =?UTF-8?B?5L0=?= =?utf-8?B?oA==?=\n =?UTF-8?Q?=E5=A5?= =?UTF-8?Q?=BD!?= x\n\nb");
	expect_str(j, "subject", "你好! x", "RFC 2047 multibyte split across words");
	json_decref(j);

	/* GBK "报价单" = B1 A8 BC DB B5 A5 split mid-character across words */
	j = parse_str("Subject: =?gb2312?B?sag=?= =?GB2312?B?vNu1?= =?gb2312?B?pQ==?=\n\nb");
	expect_str(j, "subject", "报价单", "RFC 2047 GB2312 double-byte split across words");
	json_decref(j);

	j = parse_str("From: \"=?utf-8?B?5byg57uP55CG?=\" <zhang@example.cn>, =?GBK?B?wO7Frsq/?= <li@example.cn>\n\nb");
	expect_str(j, "from.value.0.name", "张经理", "RFC 2047 inside a quoted display name");
	expect_str(j, "from.value.1.name", "李女士", "RFC 2047 GBK display name");
	expect_str(j, "from.value.1.address", "li@example.cn", "second mailbox address");
	json_decref(j);

	j = parse_str("Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
				  "Content-Type: text/plain\n\nbody\n--b\n"
				  "Content-Type: application/pdf\n"
				  "Content-Disposition: attachment;\n filename*0*=UTF-8''%E6%8A%A5%E4%BB;\n"
				  " filename*1*=%B7%E5%8D%95;\n filename*2=\".pdf\"\n"
				  "Content-Transfer-Encoding: base64\n\nJVBERi0x\n--b--\n");
	expect_str(j, "attachments.0.filename", "报价单.pdf", "RFC 2231 continuation with percent-encoding");
	expect_int(j, "attachments.0.size", 6, "RFC 2231 attachment size is the decoded size");
	{
		char		hex[65];

		sha256_hex("%PDF-1", 6, hex);
		expect_str(j, "attachments.0.checksum", hex, "attachment checksum is sha256 of decoded bytes");
	}
	expect_str(j, "text", "body", "text before the attachment");
	json_decref(j);

	/* GB2312 filename as a raw 2047 word in a parameter (Foxmail, Outlook CN) */
	j = parse_str("Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
				  "Content-Type: application/vnd.ms-excel; name=\"=?gb2312?B?sai827WlLnhscw==?=\"\n\nx\n--b--\n");
	expect_str(j, "attachments.0.filename", "报价单.xls", "RFC 2047 word inside a quoted name=");
	json_decref(j);

	/* us-ascii label with GB18030 8-bit body: sniffed */
	j = parse_str("Content-Type: text/plain; charset=us-ascii\n\n\xc4\xfa\xba\xc3\xa3\xac\xc7\xeb\xb2\xe9\xca\xd5\xb1\xa8\xbc\xdb\xb5\xa5\xa1\xa3\n");
	expect_str(j, "text", "您好，请查收报价单。\n", "us-ascii label with GBK bytes is sniffed as GB18030");
	json_decref(j);

	/* the same sentence in Big5, no label at all */
	j = parse_str("Subject: t\n\n\xb1\x7a\xa6\x6e\xa1\x41\xbd\xd0\xac\x64\xa6\xac\xb3\xf8\xbb\xf9\xb3\xe6\xa1\x43\n");
	expect_str(j, "text", "您好，請查收報價單。\n", "unlabelled Big5 bytes are sniffed as Big5");
	json_decref(j);

	/* raw 8-bit GBK in Subject with the body charset as hint */
	j = parse_str("Subject: \xb1\xa8\xbc\xdb\xb5\xa5\nContent-Type: text/plain; charset=gbk\n\nx");
	expect_str(j, "subject", "报价单", "raw 8-bit GBK Subject decoded with body charset hint");
	json_decref(j);

	/* invalid bytes never reach the output */
	{
		static const char m[] = "Subject: =?utf-8?B?/w==?= a\x00z\nContent-Type: text/plain; charset=utf-8\n\nok \xff\xfe\x00 end";

		j = mime_parse(m, sizeof(m) - 1, err, sizeof(err));
	}
	expect_str(j, "text", "ok \xef\xbf\xbd\xef\xbf\xbd end", "invalid UTF-8 in a utf-8 body becomes U+FFFD, NUL dropped");
	expect_str(j, "subject", "\xef\xbf\xbd az", "invalid encoded word byte becomes U+FFFD, NUL in header dropped");
	json_decref(j);

	/* alternative: plain preferred; HTML reduced when there is no plain */
	j = parse_str("Content-Type: multipart/alternative; boundary=a\n\n--a\n"
				  "Content-Type: text/html; charset=utf-8\n\n"
				  "<html><head><style>p{}</style><title>T</title></head><body><p>Hello&nbsp;&amp; "
				  "&#20320;&#x597D;</p><p>line<br>two</p><script>x()</script></body></html>\n--a--\n");
	expect_str(j, "text", "Hello & 你好\n\nline\ntwo", "HTML-only alternative reduced to text");
	check(j && sget(j, "html") && strstr(sget(j, "html"), "<p>Hello"), "html kept%s", "");
	json_decref(j);

	j = parse_str("Content-Type: multipart/alternative; boundary=a\n\n--a\n"
				  "Content-Type: text/plain\n\nplain one\n--a\n"
				  "Content-Type: text/html\n\n<b>rich</b>\n--a--\n");
	expect_str(j, "text", "plain one", "alternative prefers text/plain");
	expect_str(j, "html", "<b>rich</b>", "alternative keeps the html");
	json_decref(j);

	j = parse_str("Date: Sat, 15 Jun 2024 09:30:00 +0800 (CST)\n\nx");
	expect_str(j, "date", "2024-06-15T01:30:00Z", "Date with +0800 converted to UTC");
	json_decref(j);
	j = parse_str("Date: 1 Jan 99 00:10 -0130\n\nx");
	expect_str(j, "date", "1999-01-01T01:40:00Z", "two-digit year, no seconds, negative zone");
	json_decref(j);
	j = parse_str("Date: Thu, 29 Feb 2023 10:00:00 +0000\n\nx");
	expect_absent(j, "date", "29 Feb in a common year is invalid");
	json_decref(j);

	/* nesting and part-count limits */
	{
		char	   *m = malloc(200000);
		size_t		o = 0;
		int			i;

		for (i = 0; i < 40; i++)
			o += (size_t) sprintf(m + o, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
		o += (size_t) sprintf(m + o, "Content-Type: text/plain\n\ndeep\n");
		j = mime_parse(m, o, err, sizeof(err));
		check(json_is_object(j) && has_warning(j, "MIME nesting deeper than MIME_MAX_DEPTH; inner part kept as attachment"),
			  "nesting beyond MIME_MAX_DEPTH is cut with a warning%s", "");
		json_decref(j);

		o = (size_t) sprintf(m, "Content-Type: multipart/mixed; boundary=b\n\n");
		for (i = 0; i < 1500; i++)
			o += (size_t) sprintf(m + o, "--b\nContent-Type: image/png\n\nx\n");
		o += (size_t) sprintf(m + o, "--b--\n");
		j = mime_parse(m, o, err, sizeof(err));
		check(json_is_object(j) && json_array_size(jget(j, "attachments")) == MIME_MAX_PARTS - 1 &&
			  has_warning(j, "too many MIME parts; the rest was ignored"),
			  "parts beyond MIME_MAX_PARTS are ignored with a warning%s", "");
		json_decref(j);
		free(m);
	}

	/* helpers */
	{
		char	   *s = mime_to_utf8("\xd6\xd0\xce\xc4", 4, "x-gbk");

		check(s && strcmp(s, "中文") == 0, "mime_to_utf8 x-gbk%s", "");
		free(s);
		s = mime_to_utf8("\xa4\xa4\xa4\xe5", 4, "big5");
		check(s && strcmp(s, "中文") == 0, "mime_to_utf8 big5%s", "");
		free(s);
		s = mime_to_utf8("\xff\xfe\x2d\x4e\x87\x65", 6, "utf-16");
		check(s && strcmp(s, "中文") == 0, "mime_to_utf8 utf-16 with little-endian BOM%s", "");
		free(s);
		s = mime_to_utf8("\xd0\xd2\xc9\xd7\xc5\xd4", 6, "koi8-r");
		check(s && strcmp(s, "привет") == 0, "mime_to_utf8 koi8-r%s", "");
		free(s);
		s = mime_to_utf8("caf\xe9 \x80", 6, "unknown-8bit");
		check(s && strcmp(s, "café €") == 0, "unknown-8bit Latin text falls back to windows-1252%s", "");
		free(s);
		s = mime_html_to_text("a &lt;b&gt; &#0; &#xD800; &bogus; c", 35);
		check(s && strcmp(s, "a <b> \xef\xbf\xbd \xef\xbf\xbd &bogus; c") == 0,
			  "html entities: named, invalid numeric to U+FFFD, unknown kept%s", "");
		free(s);
	}
}

/* ---------------------------------------------------------------- */

/*
 * A Foxmail-style GBK mail with the given Date value; the subject is
 * checked too so the Date handling cannot disturb the other headers.
 */
static void
date_case(const char *date, const char *want, const char *ctx)
{
	char		m[1024];
	json_t	   *j;

	snprintf(m, sizeof(m),
			 "From: =?gb2312?B?zfW+rcDt?= <wang@example.cn>\r\n"
			 "To: li@example.cn\r\n"
			 "Subject: =?gb2312?B?udjT2jbUwrfdsai827XEyLfIzw==?=\r\n"
			 "Date: %s\r\n"
			 "X-Mailer: Foxmail 7.2.25.375[cn]\r\n"
			 "Mime-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=\"gb2312\"\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n"
			 "\xc4\xfa\xba\xc3\xa3\xac\r\n", date);
	j = parse_str(m);
	expect_str(j, "date", want, ctx);
	expect_str(j, "subject", "关于6月份报价的确认", ctx);
	json_decref(j);
}

static void
dates(void)
{
	/* "+hh:mm": the ':' must not make it the time of day */
	date_case("Mon, 10 Jun 2024 09:05:07 +08:00", "2024-06-10T01:05:07Z", "zone +08:00");
	date_case("Mon, 10 Jun 2024 17:45:00 +08:00", "2024-06-10T09:45:00Z", "zone +08:00, afternoon");
	date_case("Mon, 10 Jun 2024 09:05:07 -03:30", "2024-06-10T12:35:07Z", "zone -03:30");
	date_case("Sat, 1 Jun 2024 07:00:00 +08:00", "2024-05-31T23:00:00Z", "zone +08:00 crosses the month");
	/* zones glued to GMT / UTC (Java mailers, Chinese webmail) */
	date_case("Mon, 10 Jun 2024 09:05:07 GMT+0800", "2024-06-10T01:05:07Z", "zone GMT+0800");
	date_case("Mon, 10 Jun 2024 09:05:07 GMT+08:00", "2024-06-10T01:05:07Z", "zone GMT+08:00");
	date_case("Mon, 10 Jun 2024 09:05:07 UTC+8", "2024-06-10T01:05:07Z", "zone UTC+8");
	date_case("Mon, 10 Jun 2024 09:05:07 UTC+08", "2024-06-10T01:05:07Z", "zone UTC+08");
	date_case("Mon, 10 Jun 2024 09:05:07 UTC+08:00", "2024-06-10T01:05:07Z", "zone UTC+08:00");
	date_case("Mon, 10 Jun 2024 09:05:07 gmt-5", "2024-06-10T14:05:07Z", "zone gmt-5");
	date_case("Mon Jun 10 09:05:07 GMT+08:00 2024", "2024-06-10T01:05:07Z", "Java Date.toString with GMT+08:00");
	/* the zone only in a Windows-style comment */
	date_case("Mon, 10 Jun 2024 09:05:07 (GMT+08:00) Beijing", "2024-06-10T01:05:07Z",
			  "zone only in a (GMT+08:00) comment");
	/* an RFC zone outside comments still wins */
	date_case("Mon, 10 Jun 2024 09:05:07 +0000 (GMT+08:00)", "2024-06-10T09:05:07Z",
			  "+0000 wins over a (GMT+08:00) comment");
	/* unchanged: RFC 5322 and obsolete named zones */
	date_case("Mon, 10 Jun 2024 09:05:07 +0800 (CST)", "2024-06-10T01:05:07Z", "+0800 (CST)");
	date_case("Mon, 10 Jun 2024 09:05:07 CST", "2024-06-10T15:05:07Z", "CST is still US Central");
	date_case("Mon, 10 Jun 2024 09:05:07 GMT", "2024-06-10T09:05:07Z", "plain GMT");
	date_case("Mon, 10 Jun 2024 09:05 +0800", "2024-06-10T01:05:00Z", "no seconds, +0800");
}

static void
html_quoted_attributes(void)
{
	json_t	   *j;
	char	   *s;

	s = mime_html_to_text("<p><img alt=\"价格>1万\" src=\"cid:x\">报价</p>", strlen("<p><img alt=\"价格>1万\" src=\"cid:x\">报价</p>"));
	check(s && strcmp(s, "报价") == 0, "'>' inside a double-quoted attribute does not end the tag%s", "");
	if (s && strcmp(s, "报价") != 0)
		printf("# got: %s\n", s);
	free(s);
	s = mime_html_to_text("<a title='a > b' href=x>链接</a> <span data-x = \"1>2\">完</span>",
						  strlen("<a title='a > b' href=x>链接</a> <span data-x = \"1>2\">完</span>"));
	check(s && strcmp(s, "链接 完") == 0, "single quotes and blanks around '=' honoured%s", "");
	if (s && strcmp(s, "链接 完") != 0)
		printf("# got: %s\n", s);
	free(s);
	/* an apostrophe in an unquoted value is text, not a quote */
	s = mime_html_to_text("<font face=Tom's>张三</font>", strlen("<font face=Tom's>张三</font>"));
	check(s && strcmp(s, "张三") == 0, "apostrophe inside an unquoted value%s", "");
	free(s);
	/* an unclosed quote falls back to the first '>' */
	s = mime_html_to_text("<p title=\"oops>正文</p>", strlen("<p title=\"oops>正文</p>"));
	check(s && strcmp(s, "正文") == 0, "unclosed attribute quote ends at the first '>'%s", "");
	free(s);

	/* GBK HTML-only mail (Outlook CN style) with the image alt text */
	j = parse_str("From: =?gb2312?B?zfW+rcDt?= <wang@example.cn>\n"
				  "Subject: =?gb2312?B?udjT2jbUwrfdsai827XEyLfIzw==?=\n"
				  "X-Mailer: Microsoft Outlook 16.0\n"
				  "Content-Type: multipart/related; boundary=\"----=_NextPart_000_0001\"\n\n"
				  "------=_NextPart_000_0001\n"
				  "Content-Type: text/html; charset=\"gb2312\"\n"
				  "Content-Transfer-Encoding: base64\n\n"
				  "PGh0bWw+PGJvZHk+PHA+xPq6w6O6PC9wPjxwPjxpbWcgYWx0PSK827jxPjHN8iIgc3JjPSJjaWQ6eCI+\n"
				  "sb7UwrGovNu8+7i9vP6hozwvcD48L2JvZHk+PC9odG1sPg==\n"
				  "------=_NextPart_000_0001\n"
				  "Content-Type: image/png; name=\"x.png\"\n"
				  "Content-ID: <x>\n"
				  "Content-Transfer-Encoding: base64\n\niVBORw0K\n"
				  "------=_NextPart_000_0001--\n");
	expect_str(j, "text", "您好：\n\n本月报价见附件。", "GBK HTML mail: alt=\"价格>1万\" stays inside the tag");
	json_decref(j);
}

static void
blank_plain_alternative(void)
{
	json_t	   *j;

	/* plain part is NBSP, CRLFs, a blank, a tab and U+3000 only */
	j = parse_str("From: =?utf-8?B?5byg57uP55CG?= <zhang@example.cn>\r\n"
				  "Subject: =?utf-8?B?5Lya6K6u57qq6KaB?=\r\n"
				  "Content-Type: multipart/alternative; boundary=\"----=_Part_1_2\"\r\n\r\n"
				  "------=_Part_1_2\r\n"
				  "Content-Type: text/plain; charset=utf-8\r\n"
				  "Content-Transfer-Encoding: base64\r\n\r\n"
				  "wqANCiANCgnjgIANCg==\r\n"
				  "------=_Part_1_2\r\n"
				  "Content-Type: text/html; charset=utf-8\r\n\r\n"
				  "<div>会议纪要：周五下午三点，三楼会议室。</div>\r\n"
				  "------=_Part_1_2--\r\n");
	expect_str(j, "subject", "会议纪要", "blank plain alternative");
	expect_str(j, "text", "会议纪要：周五下午三点，三楼会议室。", "whitespace-only text/plain falls back to the HTML");
	check(j && sget(j, "html") && strstr(sget(j, "html"), "<div>会议纪要"), "blank plain alternative: html kept%s", "");
	json_decref(j);

	/* QP spaces and a GBK HTML part, html first (order must not matter) */
	j = parse_str("Subject: =?gb2312?B?udjT2jbUwrfdsai827XEyLfIzw==?=\n"
				  "Content-Type: multipart/alternative; boundary=b\n\n--b\n"
				  "Content-Type: text/html; charset=gbk\n\n<p>\xc4\xfa\xba\xc3</p>\n--b\n"
				  "Content-Type: text/plain; charset=gbk\n"
				  "Content-Transfer-Encoding: quoted-printable\n\n=20=20=09\n=20\n--b--\n");
	expect_str(j, "text", "您好", "QP blanks as the later plain part still fall back to the HTML");
	json_decref(j);

	/* a blank later plain part does not displace a real one */
	j = parse_str("Content-Type: multipart/alternative; boundary=b\n\n--b\n"
				  "Content-Type: text/plain; charset=utf-8\n\n请查收\n--b\n"
				  "Content-Type: text/plain; charset=utf-8\n\n  \n--b\n"
				  "Content-Type: text/html; charset=utf-8\n\n<p>HTML</p>\n--b--\n");
	expect_str(j, "text", "请查收", "real plain part kept over a later blank one");
	json_decref(j);

	/* no HTML at all: the blank plain text stays as it was */
	j = parse_str("Content-Type: multipart/alternative; boundary=b\n\n--b\n"
				  "Content-Type: text/plain\n\n \n--b--\n");
	expect_str(j, "text", " ", "blank plain alternative without HTML unchanged");
	json_decref(j);
}

static void
format_flowed(void)
{
	json_t	   *j;

	/* Thunderbird, delsp=no: soft breaks joined, the space kept */
	j = parse_str("From: =?UTF-8?B?5byg57uP55CG?= <zhang@example.cn>\n"
				  "Subject: =?UTF-8?B?5Lya6K6u57qq6KaB?=\n"
				  "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Thunderbird/115.12.2\n"
				  "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
				  "Content-Transfer-Encoding: 8bit\n\n"
				  "Hi Li, the meeting is moved to \n"
				  "Friday 3 pm, room 301.\n"
				  "\n"
				  "On 2024/6/10 9:05, Li wrote:\n"
				  "> Can we meet on \n"
				  "> Thursday?\n"
				  ">> earlier \n"
				  ">> quote\n"
				  "Thanks \n"
				  "-- \n"
				  "Zhang \n"
				  "Sales\n");
	expect_str(j, "text",
			   "Hi Li, the meeting is moved to Friday 3 pm, room 301.\n"
			   "\n"
			   "On 2024/6/10 9:05, Li wrote:\n"
			   "> Can we meet on Thursday?\n"
			   ">> earlier quote\n"
			   "Thanks \n"
			   "-- \n"
			   "Zhang Sales\n",
			   "format=flowed: joined, quotes by depth, not across the signature separator");
	json_decref(j);

	/* Thunderbird CJK wrapping: delsp=yes, so the added space goes */
	{
		static const char m[] =
			"Subject: =?UTF-8?B?5Lya6K6u57qq6KaB?=\n"
			"Content-Type: text/plain; charset=UTF-8; format=\"Flowed\"; DelSp=\"yes\"\n"
			"Content-Transfer-Encoding: 8bit\n\n"
			"各位同事：\n"
			"会议改到周五下午三点， \n"
			"地点三楼会议室。\n"
			"> 原定周四 \n"
			"> 上午。\n"
			"-- \n"
			"张经理\n";

		j = parse_str(m);
		expect_str(j, "text", "各位同事：\n会议改到周五下午三点，地点三楼会议室。\n> 原定周四上午。\n-- \n张经理\n",
				   "format=flowed delsp=yes: CJK lines joined without the space");
		json_decref(j);
	}

	/* space-stuffing removed, GBK body, CRLF, QP */
	j = parse_str("Subject: =?GBK?B?udjT2jbUwrfdsai827XEyLfIzw==?=\r\n"
				  "Content-Type: text/plain; charset=GBK; format=flowed\r\n"
				  "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
				  " From =CD=F5=BE=AD=C0=ED: \r\n"
				  "=C4=FA=BA=C3\r\n"
				  "  indented\r\n"
				  " >not a quote\r\n");
	expect_str(j, "text", "From 王经理: 您好\n indented\n>not a quote\n",
			   "format=flowed: space-stuffing removed, GBK QP soft break joined");
	json_decref(j);

	/* without format=flowed trailing spaces and leading blanks stay */
	j = parse_str("Content-Type: text/plain; charset=UTF-8; format=fixed\n\n"
				  "价格 \n 明细\n");
	expect_str(j, "text", "价格 \n 明细\n", "format=fixed text/plain untouched");
	json_decref(j);

	/* format=flowed on text/html is not plain text: untouched */
	j = parse_str("Content-Type: text/html; charset=UTF-8; format=flowed\n\n"
				  "<p>a \nb</p>\n");
	expect_str(j, "html", "<p>a \nb</p>\n", "format=flowed ignored for text/html");
	json_decref(j);
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		fixdir = argv[1];
	all_fixtures();
	chinese_fixtures();
	attachment_fixtures();
	structure_fixtures();
	threading_fixtures();
	synthetic();
	dates();
	html_quoted_attributes();
	blank_plain_alternative();
	format_flowed();
	printf("1..%d\n", n_tests);
	if (n_fail)
		printf("# %d of %d checks failed\n", n_fail, n_tests);
	return n_fail ? 1 : 0;
}
