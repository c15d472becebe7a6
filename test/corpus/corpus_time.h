/*
 * corpus_time.h -- the labeled corpora's "time" field as epoch microseconds
 * ("2024-06-15T09:30:00+08:00", "...Z", no zone = +08:00), shared by the
 * evaluator (eval.c) and the model trainer's dump (model_dump.c): the
 * ingest's own time parser (norm_parse_time).
 */
#ifndef COMMHUB_CORPUS_TIME_H
#define COMMHUB_CORPUS_TIME_H

#include <stdint.h>

#include "normalize.h"

/* 0 when absent or not a time. */
static int64_t
parse_time(const char *s)
{
	int64_t		us;

	return s && norm_parse_time(s, &us) ? us : 0;
}

#endif
