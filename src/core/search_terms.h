/*
 * search_terms.h -- index terms for Chinese full-text search (A3/issue 4).
 *
 * pg_trgm needs three characters, but Chinese words are mostly two (询价,
 * 报价, 投诉).  Terms are: every pair of adjacent CJK characters (bigrams)
 * and every ASCII/digit word of 2+ characters, lower-cased, full-width
 * forms folded to ASCII.  A query's terms must all be present in a
 * document's terms (GIN @>), then the exact phrase is checked.
 */
#ifndef COMMHUB_SEARCH_TERMS_H
#define COMMHUB_SEARCH_TERMS_H
#include <stddef.h>

/* Calls emit(term, len, arg) for each term of text (duplicates included,
 * bounded by max_terms); returns the number emitted. */
size_t		search_terms(const char *text, size_t len, size_t max_terms,
						 void (*emit) (const char *term, size_t len, void *arg), void *arg);

#endif
