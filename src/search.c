/*
 * search.c -- commhub.search_terms(text) for the GIN index behind
 * commhub.search(); see src/core/search_terms.h.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

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

PG_FUNCTION_INFO_V1(commhub_search_terms);
Datum
commhub_search_terms(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	TermSink	sink;

	sink.terms = palloc(sizeof(Datum) * MAX_TERMS);
	sink.n = 0;
	search_terms(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), MAX_TERMS, collect, &sink);
	PG_RETURN_ARRAYTYPE_P(construct_array(sink.terms, sink.n, TEXTOID, -1, false, TYPALIGN_INT));
}
