/*
 * render.c -- terminal-width helpers for the text panorama (A5).  A CJK
 * character or an emoji takes two terminal columns; box lines only line up
 * when padding counts columns, not characters.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/memutils.h"
#include "utils/guc.h"
#include "funcapi.h"
#include "common/int.h"
#include "pgtime.h"
#include "access/genam.h"
#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "rewrite/rowsecurity.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include <ctype.h>

#include "commhub.h"
#include "normalize.h"

PG_FUNCTION_INFO_V1(commhub_display_width);
Datum
commhub_display_width(PG_FUNCTION_ARGS)
{
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_INT32(norm_display_width(s));
}

/* Pad (or cut, adding an ellipsis) to exactly width columns. */
PG_FUNCTION_INFO_V1(commhub_fit_width);
Datum
commhub_fit_width(PG_FUNCTION_ARGS)
{
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		width = PG_GETARG_INT32(1);
	StringInfoData out;
	int			used = 0;
	const unsigned char *p = (const unsigned char *) s;

	if (width < 0 || width > 10000)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("width %d is outside 0..10000", width),
						errhint("Pass the number of terminal columns.")));
	initStringInfo(&out);
	if (norm_display_width(s) <= width)
	{
		appendStringInfoString(&out, s);
		used = norm_display_width(s);
	}
	else
	{
		while (*p)
		{
			int			len = (*p < 0x80) ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
			char		ch[5];
			int			w;

			memcpy(ch, p, len);
			ch[len] = '\0';
			w = norm_display_width(ch);
			if (used + w > width - 1)
				break;
			appendBinaryStringInfo(&out, ch, len);
			used += w;
			p += len;
		}
		appendStringInfoString(&out, "…");
		used += 1;
	}
	while (used < width)
	{
		appendStringInfoChar(&out, ' ');
		used++;
	}
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

/*
 * Display vocabulary as ready text Datums, made once per backend: the
 * timeline forms every row's label, icon and tags from these without a
 * string conversion per row.
 */
typedef struct
{
	const char *key;
	size_t		keylen;
	const char *label_s;		/* channels: label and icon as C strings */
	const char *icon_s;
	Datum		label;			/* text */
	Datum		icon;			/* text (channels) */
	Datum		tag;			/* text "[意图: 询价]" etc. (intents, moods, urgencies) */
}			vocab;

static vocab channels_v[9], intents_v[9], sentiments_v[3], urgencies_v[2];
static Datum icon_other, tag_missed, tag_recalled, tag_pending;
static bool vocab_ready = false;

static Datum
const_text(const char *s)
{
	size_t		len = strlen(s);
	text	   *t = (text *) MemoryContextAlloc(TopMemoryContext, VARHDRSZ + len);

	SET_VARSIZE(t, VARHDRSZ + len);
	memcpy(VARDATA(t), s, len);
	return PointerGetDatum(t);
}

static void
vocab_init(void)
{
	static const char *const ch[][3] = {
		{"phone", "400电话", "📞"}, {"mobile", "移动电话", "📱"}, {"wechat", "企业微信", "💬"},
		{"email", "Email", "📧"}, {"meeting", "会议", "👥"}, {"visit", "商务拜访", "🤝"},
		{"video", "视频会议", "🎥"}, {"form", "表单", "📝"}, {"webchat", "官网咨询", "🌐"}};
	static const char *const in[][2] = {
		{"inquiry", "询价"}, {"complaint", "投诉"}, {"technical", "技术支持"}, {"cooperation", "合作洽谈"},
		{"order", "订单确认"}, {"payment", "付款"}, {"delivery", "交货"}, {"after_sales", "售后"}, {"other", "其他"}};
	static const char *const se[][2] = {{"positive", "积极"}, {"neutral", "中性"}, {"negative", "消极"}};
	static const char *const ur[][2] = {{"high", "高"}, {"medium", "中"}};
	char		buf[64];

	if (vocab_ready)
		return;
	for (int i = 0; i < 9; i++)
	{
		channels_v[i].key = ch[i][0];
		channels_v[i].label_s = ch[i][1];
		channels_v[i].icon_s = ch[i][2];
		channels_v[i].label = const_text(ch[i][1]);
		channels_v[i].icon = const_text(ch[i][2]);
		intents_v[i].key = in[i][0];
		snprintf(buf, sizeof(buf), "[意图: %s]", in[i][1]);
		intents_v[i].tag = const_text(buf);
	}
	for (int i = 0; i < 3; i++)
	{
		sentiments_v[i].key = se[i][0];
		snprintf(buf, sizeof(buf), "[情绪: %s]", se[i][1]);
		sentiments_v[i].tag = const_text(buf);
	}
	for (int i = 0; i < 2; i++)
	{
		urgencies_v[i].key = ur[i][0];
		snprintf(buf, sizeof(buf), "[紧急: %s]", ur[i][1]);
		urgencies_v[i].tag = const_text(buf);
	}
	for (int i = 0; i < 9; i++)
		channels_v[i].keylen = strlen(channels_v[i].key), intents_v[i].keylen = strlen(intents_v[i].key);
	for (int i = 0; i < 3; i++)
		sentiments_v[i].keylen = strlen(sentiments_v[i].key);
	for (int i = 0; i < 2; i++)
		urgencies_v[i].keylen = strlen(urgencies_v[i].key);
	icon_other = const_text("•");
	tag_missed = const_text("[未接]");
	tag_recalled = const_text("[已撤回]");
	tag_pending = const_text("[待识别]");
	vocab_ready = true;
}

/* The entry of vocabulary v whose key is p[0..len), or NULL. */
static const vocab *
vocab_lookup(const vocab *v, int n, const char *p, size_t len)
{
	for (int i = 0; i < n; i++)
		if (v[i].keylen == len && v[i].key[0] == p[0] && memcmp(v[i].key, p, len) == 0)
			return &v[i];
	return NULL;
}

/* The entry of vocabulary v whose key is the text datum d, or NULL. */
static const vocab *
vocab_find(const vocab *v, int n, Datum d)
{
	text	   *t = DatumGetTextPP(d);

	return vocab_lookup(v, n, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* "<prefix><value>]" for a value outside the vocabulary (record_tags shows it raw). */
static Datum
raw_tag(const char *prefix, Datum d)
{
	text	   *t = DatumGetTextPP(d);
	size_t		pl = strlen(prefix),
				len = VARSIZE_ANY_EXHDR(t);
	text	   *r = (text *) palloc(VARHDRSZ + pl + len + 1);

	SET_VARSIZE(r, VARHDRSZ + pl + len + 1);
	memcpy(VARDATA(r), prefix, pl);
	memcpy(VARDATA(r) + pl, VARDATA_ANY(t), len);
	VARDATA(r)[pl + len] = ']';
	return PointerGetDatum(r);
}

/*
 * A one-dimensional text[] of n elements, built in one allocation (what
 * construct_array() makes, without its generic per-element work).  The
 * elements are plain in-memory texts (never toasted or expanded).
 */
static ArrayType *
text_array(const Datum *elems, int n)
{
	size_t		size = ARR_OVERHEAD_NONULLS(1);
	ArrayType  *a;
	char	   *p;

	for (int i = 0; i < n; i++)
		size += INTALIGN(VARSIZE_ANY(DatumGetPointer(elems[i])));
	a = (ArrayType *) palloc0(size);
	SET_VARSIZE(a, size);
	a->ndim = n > 0 ? 1 : 0;
	a->dataoffset = 0;
	a->elemtype = TEXTOID;
	if (n == 0)
	{
		SET_VARSIZE(a, ARR_OVERHEAD_NONULLS(0));
		return a;
	}
	ARR_DIMS(a)[0] = n;
	ARR_LBOUND(a)[0] = 1;
	p = ARR_DATA_PTR(a);
	for (int i = 0; i < n; i++)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(elems[i]);

		memcpy(p, v, VARSIZE_ANY(v));
		p += INTALIGN(VARSIZE_ANY(v));
	}
	return a;
}

/* "<prefix><n><suffix>" as a text, without printf (it runs for many rows). */
static Datum
count_tag(const char *prefix, int32 n, const char *suffix)
{
	size_t		pl = strlen(prefix),
				sl = strlen(suffix);
	text	   *r = (text *) palloc(VARHDRSZ + pl + 12 + sl);
	char	   *p = VARDATA(r);

	memcpy(p, prefix, pl);
	p += pl;
	p += pg_ltoa(n, p);
	memcpy(p, suffix, sl);
	p += sl;
	SET_VARSIZE(r, p - (char *) r);
	return PointerGetDatum(r);
}

/*
 * The display tags of one record -- [意图: 询价] [情绪: 积极] [紧急: 高]
 * [附件: 2个] [未接] [已撤回] [待识别] [关联: 2条] -- into tags[] (at most
 * 8); the timeline and commhub.record_tags() both use it.
 */
static int
record_tag_datums(Datum *tags, Datum intent, bool intent_null, Datum sentiment, bool sentiment_null,
				  Datum urgency, bool urgency_null, bool has_att, int32 att,
				  bool missed, bool recalled, bool media_pending, Jsonb *related)
{
	int			n = 0;
	const vocab *v;

	vocab_init();
	if (!intent_null)
	{
		v = vocab_find(intents_v, lengthof(intents_v), intent);
		tags[n++] = v ? v->tag : raw_tag("[意图: ", intent);
	}
	if (!sentiment_null)
	{
		v = vocab_find(sentiments_v, lengthof(sentiments_v), sentiment);
		tags[n++] = v ? v->tag : raw_tag("[情绪: ", sentiment);
	}
	if (!urgency_null && (v = vocab_find(urgencies_v, lengthof(urgencies_v), urgency)) != NULL)
		tags[n++] = v->tag;
	if (has_att && att > 0)
		tags[n++] = count_tag("[附件: ", att, "个]");
	if (missed)
		tags[n++] = tag_missed;
	if (recalled)
		tags[n++] = tag_recalled;
	if (media_pending)
		tags[n++] = tag_pending;
	if (related && JB_ROOT_IS_ARRAY(related) && !JB_ROOT_IS_SCALAR(related) && JB_ROOT_COUNT(related) > 0)
	{
		tags[n++] = count_tag("[关联: ", (int32) JB_ROOT_COUNT(related), "条]");
	}
	return n;
}

/*
 * commhub.record_tags(intent, sentiment, urgency, attachments, missed,
 * recalled, media_pending, related) -> text[] of display tags.
 */
PG_FUNCTION_INFO_V1(commhub_record_tags);
Datum
commhub_record_tags(PG_FUNCTION_ARGS)
{
	Datum		tags[8];
	int			n = record_tag_datums(tags, PG_GETARG_DATUM(0), PG_ARGISNULL(0), PG_GETARG_DATUM(1), PG_ARGISNULL(1),
									  PG_GETARG_DATUM(2), PG_ARGISNULL(2),
									  !PG_ARGISNULL(3), PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3),
									  !PG_ARGISNULL(4) && PG_GETARG_BOOL(4), !PG_ARGISNULL(5), !PG_ARGISNULL(6),
									  PG_ARGISNULL(7) ? NULL : PG_GETARG_JSONB_P(7));

	PG_RETURN_ARRAYTYPE_P(text_array(tags, n));
}

/* ------------------------------------------------------------ timeline */

/* commhub.channel_label(): the Chinese label of a channel (icon in *icon). */
static const char *
channel_label(const char *t, const char **icon)
{
	const vocab *v;

	vocab_init();
	v = vocab_lookup(channels_v, lengthof(channels_v), t, strlen(t));
	*icon = v ? v->icon_s : "•";
	return v ? v->label_s : t;
}

/* commhub.duration_text() */
static char *
duration_text(int32 d)
{
	if (d <= 0)
		return NULL;
	if (d < 60)
		return psprintf("%d秒", d);
	if (d < 3600 - 30)			/* rounded to the minute: 59:30 and up is 1小时 */
		return psprintf("%d分钟", (d + 30) / 60);
	if (d < 3600)
		return pstrdup("1小时");
	if (d % 3600 < 60)
		return psprintf("%d小时", d / 3600);
	return psprintf("%d小时%d分钟", d / 3600, (d % 3600) / 60);
}

/* Local (Asia/Shanghai) calendar date of t: julian day and year. */
static void
local_date(TimestampTz t, pg_tz *tz, int *jd, struct pg_tm *tm)
{
	int			off;
	fsec_t		fsec;

	if (timestamp2tm(t, &off, tm, &fsec, NULL, tz) != 0)
	{
		memset(tm, 0, sizeof(*tm));
		*jd = 0;
		return;
	}
	*jd = date2j(tm->tm_year, tm->tm_mon, tm->tm_mday);
}

/* commhub.day_label(t, now()) */
static char *
day_label(TimestampTz t, int now_jd, int now_year, pg_tz *tz)
{
	struct pg_tm tm;
	int			jd;
	StringInfoData b;

	local_date(t, tz, &jd, &tm);
	initStringInfo(&b);
	if (jd == now_jd)
		appendStringInfoString(&b, "今天 ");
	else if (jd == now_jd - 1)
		appendStringInfoString(&b, "昨天 ");
	if (tm.tm_year != now_year)
		appendStringInfo(&b, "%d年", tm.tm_year);
	appendStringInfo(&b, "%d月%d日", tm.tm_mon, tm.tm_mday);
	return b.data;
}

/*
 * The display vocabulary as SQL functions -- channel_label(), channel_icon(),
 * duration_text(), day_label() -- on the same code timeline() uses, so the
 * panorama, reports and BI views label exactly as the timeline does.
 */
PG_FUNCTION_INFO_V1(commhub_channel_label);
Datum
commhub_channel_label(PG_FUNCTION_ARGS)
{
	const char *icon;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(channel_label(text_to_cstring(PG_GETARG_TEXT_PP(0)), &icon)));
}

PG_FUNCTION_INFO_V1(commhub_channel_icon);
Datum
commhub_channel_icon(PG_FUNCTION_ARGS)
{
	const char *icon = "•";

	if (!PG_ARGISNULL(0))
		(void) channel_label(text_to_cstring(PG_GETARG_TEXT_PP(0)), &icon);
	PG_RETURN_TEXT_P(cstring_to_text(icon));
}

PG_FUNCTION_INFO_V1(commhub_duration_text);
Datum
commhub_duration_text(PG_FUNCTION_ARGS)
{
	char	   *d = duration_text(PG_GETARG_INT32(0));

	if (d == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(d));
}

PG_FUNCTION_INFO_V1(commhub_day_label);
Datum
commhub_day_label(PG_FUNCTION_ARGS)
{
	static pg_tz *shanghai = NULL;
	struct pg_tm ntm;
	int			now_jd;

	if (shanghai == NULL)
		shanghai = pg_tzset("Asia/Shanghai");
	local_date(PG_GETARG_TIMESTAMPTZ(1), shanghai, &now_jd, &ntm);
	PG_RETURN_TEXT_P(cstring_to_text(day_label(PG_GETARG_TIMESTAMPTZ(0), now_jd, ntm.tm_year, shanghai)));
}

/* Receives the timeline query's rows and puts display rows in the tuplestore. */
typedef struct
{
	DestReceiver pub;
	Tuplestorestate *ts;
	TupleDesc	desc;
	MemoryContext rowcxt;
	pg_tz	   *tz;
	uint64		rows;
	int			now_jd;
	int			now_year;
	TimestampTz day_start;		/* [day_start, day_end): the local day of day_text */
	TimestampTz day_end;
	union
	{
		text		t;
		int32		align;
		char		b[VARHDRSZ + 64];
	}			day_text;
}			TimelineDest;

/* Local midnight starting julian day jd, as an instant. */
static TimestampTz
local_midnight(int jd, pg_tz *tz)
{
	struct pg_tm tm;
	int			off;
	TimestampTz r;

	memset(&tm, 0, sizeof(tm));
	j2date(jd, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	off = DetermineTimeZoneOffset(&tm, tz);
	if (tm2timestamp(&tm, 0, &off, &r) != 0)
		return DT_NOBEGIN;
	return r;
}

/*
 * One display row into the result from the 18 values the timeline query
 * selects (in[0..17], in its column order).
 */
static void
timeline_emit(TimelineDest *d, const Datum *in, const bool *isn)
{
	MemoryContext old = MemoryContextSwitchTo(d->rowcxt);
	Datum		out[20];
	bool		on[20];
	Datum		tags[8];
	int			ntags;
	TimestampTz t;
	union
	{
		text		t;
		int32		align;
		char		b[VARHDRSZ + 40];
	}			cursor;
	char	   *p;
	const vocab *v;

	memset(on, 0, sizeof(on));
	/* stored columns, as they are */
	for (int i = 0; i < 10; i++)
	{
		out[i] = in[i];
		on[i] = isn[i];
	}
	t = DatumGetTimestampTz(in[1]);
	/* cursor "<epoch us>:<id>" */
	p = VARDATA(&cursor.t);
	p += pg_lltoa(t + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY, p);
	*p++ = ':';
	p += pg_ltoa(DatumGetInt32(in[10]), p);
	SET_VARSIZE(&cursor.t, p - cursor.b);
	out[10] = PointerGetDatum(&cursor.t);
	/* channel label and icon */
	on[11] = on[12] = isn[2];
	if (!isn[2])
	{
		v = vocab_find(channels_v, lengthof(channels_v), in[2]);
		out[11] = v ? v->label : in[2];
		out[12] = v ? v->icon : icon_other;
	}
	out[13] = in[11];
	on[13] = isn[11];
	out[14] = in[12];
	on[14] = isn[12];
	p = isn[12] ? NULL : duration_text(DatumGetInt32(in[12]));
	on[15] = p == NULL;
	if (p)
		out[15] = CStringGetTextDatum(p);
	out[16] = in[13];
	on[16] = isn[13];
	/* tags, as record_tags() */
	ntags = record_tag_datums(tags, in[6], isn[6], in[7], isn[7], in[8], isn[8],
							  !isn[13], isn[13] ? 0 : DatumGetInt32(in[13]),
							  !isn[14] && DatumGetBool(in[14]), DatumGetBool(in[15]), DatumGetBool(in[16]),
							  isn[17] ? NULL : DatumGetJsonbP(in[17]));
	out[17] = PointerGetDatum(text_array(tags, ntags));
	/* day label: rows come newest first, so most share the previous row's day */
	if (!(t >= d->day_start && t < d->day_end))
	{
		struct pg_tm tm;
		int			jd;
		char	   *label;

		local_date(t, d->tz, &jd, &tm);
		d->day_start = d->day_end = 0;
		if (jd > 0)
		{
			TimestampTz s0 = local_midnight(jd, d->tz),
						e0 = local_midnight(jd + 1, d->tz);

			if (s0 != DT_NOBEGIN && e0 != DT_NOBEGIN && s0 <= t && t < e0)
			{
				d->day_start = s0;
				d->day_end = e0;
			}
		}
		label = day_label(t, d->now_jd, d->now_year, d->tz);
		SET_VARSIZE(&d->day_text.t, VARHDRSZ + Min(strlen(label), 64));
		memcpy(VARDATA(&d->day_text.t), label, Min(strlen(label), 64));
	}
	out[18] = PointerGetDatum(&d->day_text.t);
	out[19] = in[17];
	on[19] = isn[17];
	tuplestore_putvalues(d->ts, d->desc, out, on);
	MemoryContextSwitchTo(old);
	if (++d->rows % 64 == 0)
		MemoryContextReset(d->rowcxt);
}

static bool
timeline_receive(TupleTableSlot *slot, DestReceiver *self)
{
	slot_getallattrs(slot);
	timeline_emit((TimelineDest *) self, slot->tts_values, slot->tts_isnull);
	return true;
}

static void
timeline_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
timeline_noop(DestReceiver *self)
{
}


/*
 * The direct path of timeline() (NULL: done; else why not, and the caller
 * takes the SQL path): the page read straight from
 * idx_comm_timeline with an index scan -- no SPI, no second plan to start
 * and end per call.  A page is a short walk of one index range; starting
 * and tearing down an executor for it cost as much as reading the rows.
 *
 * It reads exactly the rows the SQL path's query would, as the caller,
 * under the query's snapshot, and is taken only when that is certain:
 * the caller has SELECT on the table, and row security either does not
 * apply to the caller or consists of commhub's own tenant policy alone
 * (tenant_id = (SELECT commhub.current_tenant()), for PUBLIC, permissive)
 * -- which the scan's tenant key enforces anyway.  A DBA's extra policy,
 * column-only grants, or a changed table or index: the SQL path, where the
 * planner applies everything.  What the catalogue gives (column numbers,
 * the index, the policy verdict) is kept until the table or index is
 * invalidated.
 */
enum
{
	TC_RECORD_ID, TC_TIME, TC_TYPE, TC_CHANNEL, TC_SUBJECT, TC_SUMMARY, TC_INTENT, TC_SENTIMENT,
	TC_URGENCY, TC_THREAD, TC_ID, TC_DIRECTION, TC_DURATION, TC_ATTACHMENTS, TC_MISSED,
	TC_RECALLED, TC_MEDIA_PENDING, TC_RELATED, TC_TENANT, TC_CUSTOMER, TC_CANONICAL, TC_NCOLS
};

static struct
{
	bool		valid;			/* the fields below describe the current catalogue */
	bool		usable;			/* columns and index are as expected */
	int			policy_ok;		/* -1 not yet checked, 0 no, 1 yes */
	Oid			relid;
	Oid			indexid;
	Oid			tenant_fn;
	AttrNumber	att[TC_NCOLS];
	AttrNumber	maxatt;
}			tl_cache;
static bool tl_callback_registered = false;

static void
tl_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == tl_cache.relid || relid == tl_cache.indexid)
		tl_cache.valid = false;
}

static void
tl_cache_build(void)
{
	static const struct
	{
		const char *name;
		Oid			type;
	}			cols[TC_NCOLS] = {
		{"record_id", VARCHAROID}, {"communication_time", TIMESTAMPTZOID}, {"communication_type", VARCHAROID},
		{"channel", VARCHAROID}, {"subject", VARCHAROID}, {"summary", TEXTOID}, {"intent_category", VARCHAROID},
		{"sentiment", VARCHAROID}, {"urgency_level", VARCHAROID}, {"thread_id", VARCHAROID}, {"id", INT4OID},
		{"direction", VARCHAROID}, {"duration", INT4OID}, {"attachment_count", INT4OID}, {"missed", BOOLOID},
		{"recalled_at", InvalidOid}, {"media_pending", InvalidOid}, {"related_records", JSONBOID},
		{"tenant_id", VARCHAROID}, {"customer_id", VARCHAROID}, {"canonical_record_id", InvalidOid}};
	Oid			nsp;

	if (!tl_callback_registered)
	{
		CacheRegisterRelcacheCallback(tl_relcache_callback, (Datum) 0);
		tl_callback_registered = true;
	}
	memset(&tl_cache, 0, sizeof(tl_cache));
	tl_cache.policy_ok = -1;
	tl_cache.valid = true;
	nsp = get_namespace_oid("commhub", true);
	if (!OidIsValid(nsp))
		return;
	tl_cache.relid = get_relname_relid("customer_communications", nsp);
	tl_cache.indexid = get_relname_relid("idx_comm_timeline", nsp);
	if (!OidIsValid(tl_cache.relid) || !OidIsValid(tl_cache.indexid))
		return;
	for (int i = 0; i < TC_NCOLS; i++)
	{
		AttrNumber	a = get_attnum(tl_cache.relid, cols[i].name);

		if (a <= 0 || (OidIsValid(cols[i].type) && get_atttype(tl_cache.relid, a) != cols[i].type))
			return;
		tl_cache.att[i] = a;
		tl_cache.maxatt = Max(tl_cache.maxatt, a);
	}
	{
		List	   *fn = list_make2(makeString("commhub"), makeString("current_tenant"));

		tl_cache.tenant_fn = LookupFuncName(fn, 0, NULL, true);
		if (!OidIsValid(tl_cache.tenant_fn))
			return;
	}
	tl_cache.usable = true;
}

/* idx_comm_timeline as the scan needs it: a plain btree keyed on exactly
 * (tenant_id, customer_id, communication_time, id); columns it INCLUDEs (the
 * fingerprint, for dedupe) play no part in the scan. */
static bool
tl_index_ok(Relation irel)
{
	Form_pg_index ix = irel->rd_index;
	static const int want[4] = {TC_TENANT, TC_CUSTOMER, TC_TIME, TC_ID};

	if (irel->rd_rel->relam != BTREE_AM_OID || ix->indnkeyatts != 4 ||
		!ix->indisvalid || !ix->indisready || !heap_attisnull(irel->rd_indextuple, Anum_pg_index_indpred, NULL) ||
		!heap_attisnull(irel->rd_indextuple, Anum_pg_index_indexprs, NULL))
		return false;
	for (int i = 0; i < 4; i++)
		if (ix->indkey.values[i] != tl_cache.att[want[i]] || (irel->rd_indoption[i] & INDOPTION_DESC) != 0)
			return false;
	return true;
}

static Node *
strip_relabel(Node *n)
{
	while (n && IsA(n, RelabelType))
		n = (Node *) ((RelabelType *) n)->arg;
	return n;
}

/* Is qual commhub's tenant policy: tenant_id = (SELECT commhub.current_tenant())? */
static bool
tl_is_tenant_qual(Node *qual)
{
	OpExpr	   *op;
	Node	   *l,
			   *r;
	SubLink    *sl;
	Query	   *q;
	Node	   *e;

	qual = strip_relabel(qual);
	if (qual == NULL || !IsA(qual, OpExpr))
		return false;
	op = (OpExpr *) qual;
	if (list_length(op->args) != 2 || get_opcode(op->opno) != F_TEXTEQ)
		return false;
	l = strip_relabel(linitial(op->args));
	r = strip_relabel(lsecond(op->args));
	if (!IsA(l, Var) || ((Var *) l)->varattno != tl_cache.att[TC_TENANT] || ((Var *) l)->varlevelsup != 0 ||
		!IsA(r, SubLink))
		return false;
	sl = (SubLink *) r;
	if (sl->subLinkType != EXPR_SUBLINK || sl->testexpr != NULL || !IsA(sl->subselect, Query))
		return false;
	q = (Query *) sl->subselect;
	if (q->commandType != CMD_SELECT || q->rtable != NIL || q->jointree == NULL ||
		q->jointree->fromlist != NIL || q->jointree->quals != NULL || q->hasAggs || q->hasWindowFuncs ||
		q->hasTargetSRFs || q->hasSubLinks || q->groupClause != NIL || q->groupingSets != NIL ||
		q->havingQual != NULL || q->limitCount != NULL || q->limitOffset != NULL || q->setOperations != NULL ||
		q->cteList != NIL || q->sortClause != NIL || q->distinctClause != NIL ||
		list_length(q->targetList) != 1)
		return false;
	e = strip_relabel((Node *) ((TargetEntry *) linitial(q->targetList))->expr);
	return e != NULL && IsA(e, FuncExpr) && ((FuncExpr *) e)->funcid == tl_cache.tenant_fn &&
		((FuncExpr *) e)->args == NIL;
}

/* The table's row security for SELECT is the tenant policy alone. */
static bool
tl_policies_ok(Relation rel)
{
	ListCell   *lc;
	int			nselect = 0;

	if (rel->rd_rsdesc == NULL)
		return false;
	foreach(lc, rel->rd_rsdesc->policies)
	{
		RowSecurityPolicy *p = (RowSecurityPolicy *) lfirst(lc);

		if (p->polcmd != '*' && p->polcmd != ACL_SELECT_CHR)
			continue;			/* INSERT/UPDATE/DELETE only: not for reading */
		if (!p->permissive || p->roles == NULL || ARR_NDIM(p->roles) != 1 || ARR_HASNULL(p->roles) ||
			ArrayGetNItems(ARR_NDIM(p->roles), ARR_DIMS(p->roles)) != 1 ||
			((Oid *) ARR_DATA_PTR(p->roles))[0] != ACL_ID_PUBLIC ||
			!tl_is_tenant_qual((Node *) p->qual))
			return false;
		nselect++;
	}
	return nselect == 1;
}

/*
 * customer_communications and idx_comm_timeline as this version created them
 * (the timeline's cache, rebuilt on relcache invalidation): their oids, and
 * false when they are not.  Then commhub_timeline_index_ok(irel) checks the
 * opened index's key columns (fpscan.c).
 */
bool
commhub_timeline_relation(Oid *relid, Oid *indexid)
{
	if (!tl_cache.valid)
		tl_cache_build();
	*relid = tl_cache.relid;
	*indexid = tl_cache.indexid;
	return tl_cache.usable;
}

bool
commhub_timeline_index_ok(Relation irel)
{
	return tl_cache.valid && tl_cache.usable && irel->rd_rel->relkind == RELKIND_INDEX &&
		irel->rd_index->indrelid == tl_cache.relid && tl_index_ok(irel);
}

/*
 * Is row security on rel (customer_communications, open) for reading exactly
 * commhub's tenant policy, tenant_id = (SELECT commhub.current_tenant())?
 * Then a scan keyed on the current tenant sees what a query would
 * (fpscan.c).  Cached with the timeline's: policy DDL invalidates the
 * table's relcache entry, and with it this answer.
 */
bool
commhub_comm_tenant_policy_only(Relation rel)
{
	if (!tl_cache.valid)
		tl_cache_build();
	if (!tl_cache.usable || RelationGetRelid(rel) != tl_cache.relid)
		return false;
	if (tl_cache.policy_ok < 0)
		tl_cache.policy_ok = tl_policies_ok(rel) ? 1 : 0;
	return tl_cache.policy_ok == 1;
}

/* The elements of a text[] filter, as detoasted texts; NULL elements dropped. */
typedef struct
{
	bool		on;
	int			n;
	text	  **v;
}			TextSet;

static void
textset_init(TextSet *s, ParamExternData *prm)
{
	Datum	   *e;
	bool	   *nulls;
	int			n;

	s->on = !prm->isnull;
	s->n = 0;
	s->v = NULL;
	if (!s->on)
		return;
	deconstruct_array(DatumGetArrayTypeP(prm->value), TEXTOID, -1, false, TYPALIGN_INT, &e, &nulls, &n);
	s->v = palloc(sizeof(text *) * (n + 1));
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			s->v[s->n++] = DatumGetTextPP(e[i]);
}

/* x = ANY (set): deterministic collations compare text by its bytes. */
static bool
textset_has(const TextSet *s, Datum x, bool isnull)
{
	text	   *t;
	size_t		len;

	if (!s->on)
		return true;
	if (isnull)
		return false;
	t = DatumGetTextPP(x);
	len = VARSIZE_ANY_EXHDR(t);
	for (int i = 0; i < s->n; i++)
		if (VARSIZE_ANY_EXHDR(s->v[i]) == len && memcmp(VARDATA_ANY(s->v[i]), VARDATA_ANY(t), len) == 0)
			return true;
	return false;
}

static const char *
timeline_direct(TimelineDest *d, ParamListInfo params, int32 page_size)
{
	ParamExternData *prm = params->params;
	Relation	rel,
				irel;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[5];
	int			nkeys = 0;
	int			rls;
	int			emitted = 0;
	TextSet		sets[4];
	text	   *thread = NULL;
	bool		has_cursor = !prm[3].isnull;
	TimestampTz cur_t = has_cursor ? DatumGetTimestampTz(prm[3].value) : 0;
	int32		cur_id = has_cursor ? DatumGetInt32(prm[4].value) : 0;
	bool		skip_nobegin = prm[1].isnull;
	bool		skip_noend = prm[2].isnull && !has_cursor;
	const AttrNumber *att;

	if (!ActiveSnapshotSet())
		return "no active snapshot";
	if (!tl_cache.valid)
		tl_cache_build();
	if (!tl_cache.usable)
		return "customer_communications is not as this version created it";
	if (pg_class_aclcheck(tl_cache.relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return "no SELECT on the whole table";	/* the SQL path says what is missing */
	/* as the executor does: an error if row_security = off would hide rows */
	rls = check_enable_rls(tl_cache.relid, InvalidOid, false);
	rel = table_open(tl_cache.relid, AccessShareLock);
	if (rls == RLS_ENABLED)
	{
		if (tl_cache.policy_ok < 0)
			tl_cache.policy_ok = tl_policies_ok(rel) ? 1 : 0;
		if (!tl_cache.policy_ok)
		{
			table_close(rel, NoLock);
			return "row security has policies besides tenant_isolation";
		}
	}
	irel = index_open(tl_cache.indexid, AccessShareLock);
	/* a plain table: a partitioned one, or one with inheritance children
	 * (whose rows a query of it reads too), takes the query */
	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relhassubclass ||
		irel->rd_rel->relkind != RELKIND_INDEX ||
		!tl_index_ok(irel) || irel->rd_index->indrelid != tl_cache.relid)
	{
		index_close(irel, NoLock);
		table_close(rel, NoLock);
		tl_cache.usable = false;
		return "customer_communications or idx_comm_timeline is not as this version created it";
	}
	/* the same statement, the same snapshot: nothing to do without a customer */
	if (prm[0].isnull)
	{
		index_close(irel, NoLock);
		table_close(rel, NoLock);
		return NULL;
	}
	ScanKeyEntryInitialize(&keys[nkeys++], 0, 1, BTEqualStrategyNumber, InvalidOid, irel->rd_indcollation[0],
						   F_TEXTEQ, CStringGetTextDatum(commhub_tenant()));
	ScanKeyEntryInitialize(&keys[nkeys++], 0, 2, BTEqualStrategyNumber, InvalidOid, irel->rd_indcollation[1],
						   F_TEXTEQ, prm[0].value);
	if (!prm[1].isnull)
		ScanKeyEntryInitialize(&keys[nkeys++], 0, 3, BTGreaterEqualStrategyNumber, InvalidOid, InvalidOid,
							   F_TIMESTAMPTZ_GE, prm[1].value);
	if (!prm[2].isnull)
		ScanKeyEntryInitialize(&keys[nkeys++], 0, 3, BTLessStrategyNumber, InvalidOid, InvalidOid,
							   F_TIMESTAMPTZ_LT, prm[2].value);
	if (has_cursor)
		ScanKeyEntryInitialize(&keys[nkeys++], 0, 3, BTLessEqualStrategyNumber, InvalidOid, InvalidOid,
							   F_TIMESTAMPTZ_LE, prm[3].value);
	for (int i = 0; i < 4; i++)
		textset_init(&sets[i], &prm[5 + i]);
	if (!prm[9].isnull)
		thread = DatumGetTextPP(prm[9].value);

	att = tl_cache.att;
	slot = table_slot_create(rel, NULL);
	scan = index_beginscan(rel, irel, GetActiveSnapshot(), nkeys, 0);
	index_rescan(scan, keys, nkeys, NULL, 0);
	while (emitted < page_size && index_getnext_slot(scan, BackwardScanDirection, slot))
	{
		Datum	   *v;
		bool	   *n;
		Datum		in[18];
		bool		isn[18];
		TimestampTz t;

		CHECK_FOR_INTERRUPTS();
		slot_getsomeattrs(slot, tl_cache.maxatt);
		v = slot->tts_values;
		n = slot->tts_isnull;
#define COL(c) (att[c] - 1)
		if (!n[COL(TC_CANONICAL)] || n[COL(TC_TIME)] || n[COL(TC_ID)])
			continue;
		t = DatumGetTimestampTz(v[COL(TC_TIME)]);
		if ((skip_nobegin && TIMESTAMP_IS_NOBEGIN(t)) || (skip_noend && TIMESTAMP_IS_NOEND(t)))
			continue;
		if (has_cursor && t == cur_t && DatumGetInt32(v[COL(TC_ID)]) >= cur_id)
			continue;
		if (!textset_has(&sets[0], v[COL(TC_TYPE)], n[COL(TC_TYPE)]) ||
			!textset_has(&sets[1], v[COL(TC_INTENT)], n[COL(TC_INTENT)]) ||
			!textset_has(&sets[2], v[COL(TC_SENTIMENT)], n[COL(TC_SENTIMENT)]) ||
			!textset_has(&sets[3], v[COL(TC_URGENCY)], n[COL(TC_URGENCY)]))
			continue;
		if (thread)
		{
			text	   *th;

			if (n[COL(TC_THREAD)])
				continue;
			th = DatumGetTextPP(v[COL(TC_THREAD)]);
			if (VARSIZE_ANY_EXHDR(th) != VARSIZE_ANY_EXHDR(thread) ||
				memcmp(VARDATA_ANY(th), VARDATA_ANY(thread), VARSIZE_ANY_EXHDR(thread)) != 0)
				continue;
		}
		for (int i = 0; i < 18; i++)
		{
			in[i] = v[COL(i)];
			isn[i] = n[COL(i)];
		}
		in[TC_RECALLED] = BoolGetDatum(!n[COL(TC_RECALLED)]);
		in[TC_MEDIA_PENDING] = BoolGetDatum(!n[COL(TC_MEDIA_PENDING)]);
		isn[TC_RECALLED] = isn[TC_MEDIA_PENDING] = false;
#undef COL
		timeline_emit(d, in, isn);
		emitted++;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(irel, NoLock);
	table_close(rel, NoLock);
	return NULL;
}

/*
 * commhub.timeline(customer_id, since, until, channels, intents, page_size,
 * after, sentiments, urgencies, thread) -- A3 in C.  Newest first; the
 * cursor is "<epoch microseconds>:<id>".  The page is read by
 * timeline_direct() (an index scan of idx_comm_timeline, no executor) when
 * that is certain to give what the query gives; otherwise by one kept plan
 * per filter combination (the same keyset index scan, as the caller: every
 * row security policy applies) whose rows go straight from the executor
 * into the result (a DestReceiver: no copy into an SPI tuple table).  Both
 * form the display columns from ready text in timeline_emit().
 */
PG_FUNCTION_INFO_V1(commhub_timeline);
Datum
commhub_timeline(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plans[256];
	SPIPlanPtr	plan;
	int			variant;
	int			nest;
	static pg_tz *shanghai = NULL;
	static const Oid types[11] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID,
	TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, INT4OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ParamListInfo params;
	TimelineDest dest;
	SPIExecuteOptions opts;
	int32		page_size;
	struct pg_tm ntm;
	int			now_jd;

	if (PG_ARGISNULL(5) || PG_GETARG_INT32(5) < 1 || PG_GETARG_INT32(5) > 1000)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("page_size %s is outside 1..1000", PG_ARGISNULL(5) ? "<NULL>" : psprintf("%d", PG_GETARG_INT32(5))),
						errhint("Ask for at most 1000 rows per page and follow the cursor.")));
	page_size = PG_GETARG_INT32(5);
	params = makeParamList(11);
	params->numParams = 11;
	for (int i = 0; i < 11; i++)
	{
		params->params[i].value = (Datum) 0;
		params->params[i].isnull = true;
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = types[i];
	}
#define SET_PARAM(i, argno) \
	do { if (!PG_ARGISNULL(argno)) { params->params[i].value = PG_GETARG_DATUM(argno); params->params[i].isnull = false; } } while (0)
	SET_PARAM(0, 0);
	SET_PARAM(1, 1);
	SET_PARAM(2, 2);
	if (!PG_ARGISNULL(6))
	{
		char	   *after = text_to_cstring(PG_GETARG_TEXT_PP(6));
		const char *p = after;
		const char *colon = strchr(after, ':');
		int			ndig = 0;
		bool		ok = colon != NULL;

		if (ok && *p == '-')
			p++;
		for (; ok && p < colon; p++, ndig++)
			ok = isdigit((unsigned char) *p);
		ok = ok && ndig >= 1 && ndig <= 19;
		if (ok)
		{
			ndig = 0;
			for (p = colon + 1; ok && *p; p++, ndig++)
				ok = isdigit((unsigned char) *p);
			ok = ndig >= 1 && ndig <= 10;
		}
		if (!ok)
			ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							errmsg("after \"%s\" is not a timeline cursor", after),
							errhint("Pass the cursor column of the last row of the previous page.")));
		{
			int64		us;
			int64		id = pg_strtoint64(colon + 1);	/* at most 10 digits */
			TimestampTz ts;

			errno = 0;
			us = strtoll(after, NULL, 10);	/* stops at the colon */
			if (errno == ERANGE)
				ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
								errmsg("after \"%s\": the time is out of range for a timeline cursor", after),
								errhint("Pass the cursor column of the last row of the previous page.")));

			if (id > PG_INT32_MAX)
				ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
								errmsg("after \"%s\": id %lld is out of range for a timeline cursor", after, (long long) id),
								errhint("Pass the cursor column of the last row of the previous page.")));
			if (pg_sub_s64_overflow(us, (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY, &ts) ||
				!IS_VALID_TIMESTAMP(ts))
				ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
								errmsg("after \"%s\": time %lld is out of range for a timeline cursor", after, (long long) us),
								errhint("Pass the cursor column of the last row of the previous page.")));
			params->params[3].value = TimestampTzGetDatum(ts);
			params->params[4].value = Int32GetDatum((int32) id);
			params->params[3].isnull = params->params[4].isnull = false;
		}
	}
	SET_PARAM(5, 3);
	SET_PARAM(6, 4);
	SET_PARAM(7, 7);
	SET_PARAM(8, 8);
	SET_PARAM(9, 9);
#undef SET_PARAM
	params->params[10].value = Int32GetDatum(page_size);
	params->params[10].isnull = false;

	if (shanghai == NULL)
		shanghai = pg_tzset("Asia/Shanghai");
	vocab_init();
	local_date(GetCurrentTransactionStartTimestamp(), shanghai, &now_jd, &ntm);

	InitMaterializedSRF(fcinfo, rsinfo && IsA(rsinfo, ReturnSetInfo) && rsinfo->expectedDesc ? MAT_SRF_USE_EXPECTED_DESC : 0);
	memset(&dest, 0, sizeof(dest));
	dest.pub.receiveSlot = timeline_receive;
	dest.pub.rStartup = timeline_startup;
	dest.pub.rShutdown = timeline_noop;
	dest.pub.rDestroy = timeline_noop;
	dest.pub.mydest = DestTuplestore;
	dest.ts = rsinfo->setResult;
	dest.desc = rsinfo->setDesc;
	dest.tz = shanghai;
	dest.now_jd = now_jd;
	dest.now_year = ntm.tm_year;
	dest.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "commhub timeline row", ALLOCSET_SMALL_SIZES);
	dest.day_start = dest.day_end = 0;

	{
		const char *why = timeline_direct(&dest, params, page_size);

		if (why == NULL)
			return (Datum) 0;
		ereport(DEBUG2, (errmsg_internal("commhub.timeline: %s; the page is read by a query", why)));
	}

	/* one kept plan per combination of the filters given: each plan has
	 * only the conditions it needs (fewer index keys to check per row) */
	{
		static const char *const conds[9] = {
			NULL,
			" AND c.communication_time >= $2",
			" AND c.communication_time < $3",
			" AND (c.communication_time, c.id) < ($4, $5)",
			NULL,
			" AND c.communication_type = ANY ($6)",
			" AND c.intent_category = ANY ($7)",
			" AND c.sentiment = ANY ($8)",
			" AND c.urgency_level = ANY ($9)"};

		variant = 0;
		for (int i = 1; i < 10; i++)
			if (i != 4 && i != 9 && !params->params[i].isnull)
				variant |= 1 << (i < 4 ? i - 1 : i - 2);
		if (!params->params[9].isnull)
			variant |= 1 << 7;
		SPI_connect();

		/*
		 * The query is parsed (and re-parsed after an invalidation, or when
		 * the search_path differs from the one it was planned with) under
		 * pg_catalog only, as a SET clause on the function would do: an
		 * operator planted in a schema of the caller's search_path, such
		 * as =(varchar, text) -- an exact match beats pg_catalog's texteq
		 * wherever it sits in the path -- must not run in its place.
		 * Undone below, or by the error's transaction/subtransaction abort.
		 */
		nest = NewGUCNestLevel();
		(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		if (plans[variant] == NULL)
		{
			StringInfoData q;
			SPIPlanPtr	p;

			initStringInfo(&q);
			appendStringInfoString(&q,
								   "SELECT c.record_id, c.communication_time, c.communication_type, c.channel, c.subject, c.summary, "
								   "       c.intent_category, c.sentiment, c.urgency_level, c.thread_id, c.id, c.direction, c.duration, "
								   "       c.attachment_count, c.missed, c.recalled_at IS NOT NULL, c.media_pending IS NOT NULL, c.related_records "
								   "  FROM commhub.customer_communications c "
								   " WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = $1 AND c.canonical_record_id IS NULL");
			/* finite times only (a cursor is epoch microseconds); a bound
			 * given already excludes that end, and a second key on the
			 * same column would only cost a check per row */
			if (params->params[1].isnull)
				appendStringInfoString(&q, " AND c.communication_time > '-infinity'");
			if (params->params[2].isnull && params->params[3].isnull)
				appendStringInfoString(&q, " AND c.communication_time < 'infinity'");
			for (int i = 1; i < 9; i++)
				if (conds[i] && !params->params[i].isnull)
					appendStringInfoString(&q, conds[i]);
			if (!params->params[9].isnull)
				appendStringInfoString(&q, " AND c.thread_id = $10");
			appendStringInfoString(&q, " ORDER BY c.communication_time DESC, c.id DESC LIMIT $11");
			p = SPI_prepare_cursor(q.data, 11, (Oid *) types, CURSOR_OPT_GENERIC_PLAN);
			if (p == NULL || SPI_keepplan(p) != 0)
				elog(ERROR, "commhub: could not prepare the timeline query: %s", SPI_result_code_string(SPI_result));
			plans[variant] = p;
		}
		plan = plans[variant];
	}
	memset(&opts, 0, sizeof(opts));
	opts.params = params;
	opts.read_only = true;
	opts.dest = (DestReceiver *) &dest;

	/*
	 * A page after a cursor, or with a time range, must read
	 * idx_comm_timeline backwards: rows come out in (time, id) order, no
	 * sort.  With generic parameters the planner may prefer the seed's
	 * idx_comm_customer_time and sort each run of equal times by id (an
	 * incremental sort: a deep page cost 1.4x the first).  So these plans
	 * are made (and remade after an invalidation) without sorts -- set
	 * for the call, as a function's SET clause would.  The plain first
	 * page already gets the backward scan, and pays nothing.
	 */
	if (variant != 0)
	{
		(void) set_config_option("enable_sort", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("enable_incremental_sort", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	if (SPI_execute_plan_extended(plan, &opts) != SPI_OK_SELECT)
		elog(ERROR, "commhub: timeline query failed");
	AtEOXact_GUC(true, nest);
	SPI_finish();
	return (Datum) 0;
}
