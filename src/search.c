/*
 * search.c -- commhub.search_terms(text) for the GIN index behind
 * commhub.search(); see src/core/search_terms.h.
 *
 * The terms are those of the text's NFKC form, as search() compares the
 * phrase in NFKC: a record holding 25㎏ (or 3000㎡, ①, 16℃) has the words
 * 25kg (3000m2, 1, 16 c) like one holding the plain letters, so the text
 * copied from a record finds it and 25kg finds both.  Normalizing costs
 * about ten times the term scan, so it is skipped for a text whose every
 * character NFKC leaves in the same term class (ASCII, CJK ideographs,
 * common punctuation, full-width forms -- which search_terms folds itself
 * exactly as NFKC does): almost all Chinese business text.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "search_terms.h"

#define MAX_TERMS 4096

typedef struct TermSink
{
	Datum	   *terms;
	int			n;
} TermSink;

static void
collect(const char *term, size_t len, void *arg)
{
	TermSink   *sink = (TermSink *) arg;

	sink->terms[sink->n++] = PointerGetDatum(cstring_to_text_with_len(term, (int) len));
}

/*
 * Code points whose NFKC form gives search_terms() the same terms as the
 * code point itself: an ASCII letter or digit (or its full-width form) stays
 * that letter, an ideograph that ideograph, anything else stays a separator.
 * Checked against Python's unicodedata for every code point of the ranges.
 * Combining marks, compatibility ideographs, ㎏, ①, ², ℃, ﬁ and the like are
 * outside.
 */
static bool
nfkc_neutral(pg_wchar c)
{
	if (c < 0x80)
		return true;
	if (c < 0x100)				/* Latin-1 but ª ² ³ ¹ º ¼ ½ ¾ */
		return c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB9 && c != 0xBA && !(c >= 0xBC && c <= 0xBE);
	return (c >= 0x2000 && c <= 0x206F) ||	/* general punctuation */
		(c >= 0x2190 && c <= 0x245F) || /* arrows, math, technical */
		(c >= 0x2500 && c <= 0x2BFF) || /* box drawing, shapes, symbols */
		(c >= 0x3000 && c <= 0x3029) || /* CJK punctuation (not 〸〹〺) */
		(c >= 0x3030 && c <= 0x3037) ||
		(c >= 0x303B && c <= 0x3098) || /* kana, not the combining marks */
		(c >= 0x309B && c <= 0x3191) ||
		(c >= 0x3400 && c <= 0x4DBF) || /* CJK unified ideographs */
		(c >= 0x4E00 && c <= 0x9FFF) ||
		(c >= 0xFE30 && c <= 0xFFEF) || /* CJK compatibility, small, half/full-width forms */
		(c >= 0x20000 && c <= 0x2EBEF);
}

static bool
needs_nfkc(const char *s, int len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;

	while (p < end)
	{
		int			l;

		if (*p < 0x80)
		{
			p++;
			continue;
		}
		l = pg_utf_mblen(p);
		if (l > end - p || !pg_utf8_islegal(p, l) || !nfkc_neutral(utf8_to_unicode(p)))
			return true;
		p += l;
	}
	return false;
}

PG_FUNCTION_INFO_V1(commhub_search_terms);
Datum
commhub_search_terms(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	TermSink	sink;

	if (GetDatabaseEncoding() == PG_UTF8 && needs_nfkc(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
		t = DatumGetTextPP(DirectFunctionCall2(unicode_normalize_func, PointerGetDatum(t),
											   CStringGetTextDatum("NFKC")));
	sink.terms = palloc(sizeof(Datum) * MAX_TERMS);
	sink.n = 0;
	search_terms(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), MAX_TERMS, collect, &sink);
	PG_RETURN_ARRAYTYPE_P(construct_array(sink.terms, sink.n, TEXTOID, -1, false, TYPALIGN_INT));
}
