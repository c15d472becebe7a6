/* analyze.h -- glue between the backend and the embedded analyzer. */
#ifndef COMMHUB_ANALYZE_H
#define COMMHUB_ANALYZE_H
#include "postgres.h"
#include "pg_jansson.h"
#include "analyzer.h"

/* Tenant's compiled lexicon (inside SPI). */
extern const az_lexicon *commhub_lexicon(const char *tenant);
/* jansson value -> jsonb Datum (built directly, no text round trip). */
extern Datum commhub_json_to_jsonb(json_t *j);

#define UNIX_US_FROM_PG(ts) ((ts) + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)
#define PG_FROM_UNIX_US(us) ((us) - (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)
#endif
