/*
 * render.c -- terminal-width helpers for the text panorama (A5).  A CJK
 * character or an emoji takes two terminal columns; box lines only line up
 * when padding counts columns, not characters.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
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
