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
#include "funcapi.h"
#include "pgtime.h"
#include <ctype.h>

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

static const char *
label_of(const char *v, const char *const map[][2], int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(map[i][0], v) == 0)
			return map[i][1];
	return v;
}

/*
 * commhub.record_tags(intent, sentiment, urgency, attachments, missed,
 * recalled, media_pending, related) -> text[] of display tags such as
 * [意图: 询价] [情绪: 积极] [紧急: 高] [附件: 2个].  In C because it runs for
 * every row of every timeline page.
 */
/* The tags of one record; the arguments' NULLs as in record_tags(). */
static ArrayType *
build_tags(const char *intent, const char *sentiment, const char *urgency, bool has_att, int32 att,
		   bool missed, bool recalled, bool media_pending, Jsonb *related)
{
	static const char *const intents[][2] = {
		{"inquiry", "询价"}, {"complaint", "投诉"}, {"technical", "技术支持"}, {"cooperation", "合作洽谈"},
		{"order", "订单确认"}, {"payment", "付款"}, {"delivery", "交货"}, {"after_sales", "售后"}, {"other", "其他"}};
	static const char *const sentiments[][2] = {{"positive", "积极"}, {"neutral", "中性"}, {"negative", "消极"}};
	static const char *const urgencies[][2] = {{"high", "高"}, {"medium", "中"}, {"low", "低"}};
	Datum		tags[8];
	int			n = 0;
	char		buf[160];

	if (intent)
	{
		snprintf(buf, sizeof(buf), "[意图: %s]", label_of(intent, intents, lengthof(intents)));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (sentiment)
	{
		snprintf(buf, sizeof(buf), "[情绪: %s]", label_of(sentiment, sentiments, lengthof(sentiments)));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (urgency && (strcmp(urgency, "high") == 0 || strcmp(urgency, "medium") == 0))
	{
		snprintf(buf, sizeof(buf), "[紧急: %s]", label_of(urgency, urgencies, lengthof(urgencies)));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (has_att && att > 0)
	{
		snprintf(buf, sizeof(buf), "[附件: %d个]", att);
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (missed)
		tags[n++] = CStringGetTextDatum("[未接]");
	if (recalled)
		tags[n++] = CStringGetTextDatum("[已撤回]");
	if (media_pending)
		tags[n++] = CStringGetTextDatum("[待识别]");
	if (related && JB_ROOT_IS_ARRAY(related) && !JB_ROOT_IS_SCALAR(related) && JB_ROOT_COUNT(related) > 0)
	{
		snprintf(buf, sizeof(buf), "[关联: %d条]", (int) JB_ROOT_COUNT(related));
		tags[n++] = CStringGetTextDatum(buf);
	}
	return construct_array(tags, n, TEXTOID, -1, false, TYPALIGN_INT);
}

PG_FUNCTION_INFO_V1(commhub_record_tags);
Datum
commhub_record_tags(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(build_tags(PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0)),
									 PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)),
									 PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)),
									 !PG_ARGISNULL(3), PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3),
									 !PG_ARGISNULL(4) && PG_GETARG_BOOL(4),
									 !PG_ARGISNULL(5), !PG_ARGISNULL(6),
									 PG_ARGISNULL(7) ? NULL : PG_GETARG_JSONB_P(7)));
}

/* ------------------------------------------------------------ timeline */

static const char *
channel_label(const char *t, const char **icon)
{
	static const char *const map[][3] = {
		{"phone", "400电话", "📞"}, {"mobile", "移动电话", "📱"}, {"wechat", "企业微信", "💬"},
		{"email", "Email", "📧"}, {"meeting", "会议", "👥"}, {"visit", "商务拜访", "🤝"},
		{"video", "视频会议", "🎥"}, {"form", "表单", "📝"}, {"webchat", "官网咨询", "🌐"}};

	for (int i = 0; i < (int) lengthof(map); i++)
		if (strcmp(t, map[i][0]) == 0)
		{
			*icon = map[i][2];
			return map[i][1];
		}
	*icon = "•";
	return t;
}

/* commhub.duration_text() */
static char *
duration_text(int32 d)
{
	if (d <= 0)
		return NULL;
	if (d < 60)
		return psprintf("%d秒", d);
	if (d < 3600)
		return psprintf("%d分钟", (d + 30) / 60);
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

/*
 * commhub.timeline(customer_id, since, until, channels, intents, page_size,
 * after, sentiments, urgencies, thread) -- A3 in C: one kept plan (the
 * keyset index scan of idx_comm_timeline, as the caller: row security
 * applies) and the display columns formed here, not by SQL functions per
 * row.  Newest first; the cursor is "<epoch microseconds>:<id>".
 */
PG_FUNCTION_INFO_V1(commhub_timeline);
Datum
commhub_timeline(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	static pg_tz *shanghai = NULL;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[11] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID,
	TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, INT4OID};
	Datum		args[11];
	char		nulls[11];
	int32		page_size;
	struct pg_tm ntm;
	int			now_jd;

	if (PG_ARGISNULL(5) || PG_GETARG_INT32(5) < 1 || PG_GETARG_INT32(5) > 1000)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("page_size %s is outside 1..1000", PG_ARGISNULL(5) ? "<NULL>" : psprintf("%d", PG_GETARG_INT32(5))),
						errhint("Ask for at most 1000 rows per page and follow the cursor.")));
	page_size = PG_GETARG_INT32(5);
	memset(nulls, ' ', sizeof(nulls));
	for (int i = 0; i < 11; i++)
		args[i] = (Datum) 0;
	if (PG_ARGISNULL(0))
		nulls[0] = 'n';
	else
		args[0] = PG_GETARG_DATUM(0);
	if (PG_ARGISNULL(1))
		nulls[1] = 'n';
	else
		args[1] = PG_GETARG_DATUM(1);
	if (PG_ARGISNULL(2))
		nulls[2] = 'n';
	else
		args[2] = PG_GETARG_DATUM(2);
	nulls[3] = nulls[4] = 'n';
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
			int64		us = pg_strtoint64(pnstrdup(after, colon - after));
			int64		id = pg_strtoint64(colon + 1);

			if (id > PG_INT32_MAX)
				ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
								errmsg("after \"%s\": id %lld is out of range for a timeline cursor", after, (long long) id),
								errhint("Pass the cursor column of the last row of the previous page.")));
			args[3] = TimestampTzGetDatum(us - (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
			args[4] = Int32GetDatum((int32) id);
			nulls[3] = nulls[4] = ' ';
		}
	}
	for (int i = 0; i < 4; i++)
	{
		int			argno = (int[]) {3, 4, 7, 8}[i];

		if (PG_ARGISNULL(argno))
			nulls[5 + i] = 'n';
		else
			args[5 + i] = PG_GETARG_DATUM(argno);
	}
	if (PG_ARGISNULL(9))
		nulls[9] = 'n';
	else
		args[9] = PG_GETARG_DATUM(9);
	args[10] = Int32GetDatum(page_size);

	if (shanghai == NULL)
		shanghai = pg_tzset("Asia/Shanghai");
	local_date(GetCurrentTransactionStartTimestamp(), shanghai, &now_jd, &ntm);

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	if (plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(
									"SELECT c.record_id, c.communication_time, c.communication_type, c.channel, c.subject, c.summary, "
									"       c.intent_category, c.sentiment, c.urgency_level, c.thread_id, c.id, c.direction, c.duration, "
									"       c.attachment_count, c.missed, c.recalled_at IS NOT NULL, c.media_pending IS NOT NULL, c.related_records "
									"  FROM commhub.customer_communications c "
									" WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = $1 AND c.canonical_record_id IS NULL "
		/* OR-free bounds: always index conditions, even in the generic plan,
		 * so a page 50k rows deep seeks exactly like the first page. */
									"   AND c.communication_time >= coalesce($2, '-infinity') AND c.communication_time < coalesce($3, 'infinity') "
									"   AND (c.communication_time, c.id) < (coalesce($4, 'infinity'), coalesce($5, 2147483647)) "
									"   AND ($6 IS NULL OR c.communication_type = ANY ($6)) AND ($7 IS NULL OR c.intent_category = ANY ($7)) "
									"   AND ($8 IS NULL OR c.sentiment = ANY ($8)) AND ($9 IS NULL OR c.urgency_level = ANY ($9)) "
									"   AND ($10 IS NULL OR c.thread_id = $10) "
									" ORDER BY c.communication_time DESC, c.id DESC LIMIT $11",
									11, types);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "commhub: could not prepare the timeline query: %s", SPI_result_code_string(SPI_result));
		plan = p;
	}
	if (SPI_execute_plan(plan, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "commhub: timeline query failed");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		Datum		in[18];
		bool		isn[18];
		Datum		out[20];
		bool		on[20];
		TimestampTz t;
		const char *icon;
		const char *label;
		char	   *type;
		char	   *dur;

		heap_deform_tuple(tup, td, in, isn);
		memset(on, 0, sizeof(on));
		/* stored columns, as they are */
		for (int i = 0; i < 10; i++)
		{
			out[i] = in[i];
			on[i] = isn[i];
		}
		t = DatumGetTimestampTz(in[1]);
		out[10] = CStringGetTextDatum(psprintf(INT64_FORMAT ":%d",
											   (int64) (t + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY),
											   DatumGetInt32(in[10])));
		type = isn[2] ? NULL : TextDatumGetCString(in[2]);
		label = type ? channel_label(type, &icon) : NULL;
		on[11] = on[12] = type == NULL;
		if (type)
		{
			out[11] = CStringGetTextDatum(label);
			out[12] = CStringGetTextDatum(icon);
		}
		out[13] = in[11];
		on[13] = isn[11];
		out[14] = in[12];
		on[14] = isn[12];
		dur = isn[12] ? NULL : duration_text(DatumGetInt32(in[12]));
		on[15] = dur == NULL;
		if (dur)
			out[15] = CStringGetTextDatum(dur);
		out[16] = in[13];
		on[16] = isn[13];
		out[17] = PointerGetDatum(build_tags(isn[6] ? NULL : TextDatumGetCString(in[6]),
											 isn[7] ? NULL : TextDatumGetCString(in[7]),
											 isn[8] ? NULL : TextDatumGetCString(in[8]),
											 !isn[13], isn[13] ? 0 : DatumGetInt32(in[13]),
											 !isn[14] && DatumGetBool(in[14]),
											 DatumGetBool(in[15]), DatumGetBool(in[16]),
											 isn[17] ? NULL : DatumGetJsonbP(in[17])));
		out[18] = CStringGetTextDatum(day_label(t, now_jd, ntm.tm_year, shanghai));
		out[19] = in[17];
		on[19] = isn[17];
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, out, on);
	}
	SPI_finish();
	return (Datum) 0;
}
