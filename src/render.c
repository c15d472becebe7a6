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
PG_FUNCTION_INFO_V1(commhub_record_tags);
Datum
commhub_record_tags(PG_FUNCTION_ARGS)
{
	static const char *const intents[][2] = {
		{"inquiry", "询价"}, {"complaint", "投诉"}, {"technical", "技术支持"}, {"cooperation", "合作洽谈"},
		{"order", "订单确认"}, {"payment", "付款"}, {"delivery", "交货"}, {"after_sales", "售后"}, {"other", "其他"}};
	static const char *const sentiments[][2] = {{"positive", "积极"}, {"neutral", "中性"}, {"negative", "消极"}};
	static const char *const urgencies[][2] = {{"high", "高"}, {"medium", "中"}, {"low", "低"}};
	Datum		tags[8];
	int			n = 0;
	char		buf[160];

	if (!PG_ARGISNULL(0))
	{
		char	   *v = text_to_cstring(PG_GETARG_TEXT_PP(0));

		snprintf(buf, sizeof(buf), "[意图: %s]", label_of(v, intents, lengthof(intents)));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (!PG_ARGISNULL(1))
	{
		char	   *v = text_to_cstring(PG_GETARG_TEXT_PP(1));

		snprintf(buf, sizeof(buf), "[情绪: %s]", label_of(v, sentiments, lengthof(sentiments)));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (!PG_ARGISNULL(2))
	{
		char	   *v = text_to_cstring(PG_GETARG_TEXT_PP(2));

		if (strcmp(v, "high") == 0 || strcmp(v, "medium") == 0)
		{
			snprintf(buf, sizeof(buf), "[紧急: %s]", label_of(v, urgencies, lengthof(urgencies)));
			tags[n++] = CStringGetTextDatum(buf);
		}
	}
	if (!PG_ARGISNULL(3) && PG_GETARG_INT32(3) > 0)
	{
		snprintf(buf, sizeof(buf), "[附件: %d个]", PG_GETARG_INT32(3));
		tags[n++] = CStringGetTextDatum(buf);
	}
	if (!PG_ARGISNULL(4) && PG_GETARG_BOOL(4))
		tags[n++] = CStringGetTextDatum("[未接]");
	if (!PG_ARGISNULL(5))
		tags[n++] = CStringGetTextDatum("[已撤回]");
	if (!PG_ARGISNULL(6))
		tags[n++] = CStringGetTextDatum("[待识别]");
	if (!PG_ARGISNULL(7))
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(7);

		if (JB_ROOT_IS_ARRAY(jb) && !JB_ROOT_IS_SCALAR(jb) && JB_ROOT_COUNT(jb) > 0)
		{
			snprintf(buf, sizeof(buf), "[关联: %d条]", (int) JB_ROOT_COUNT(jb));
			tags[n++] = CStringGetTextDatum(buf);
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(tags, n, TEXTOID, -1, false, TYPALIGN_INT));
}
