/* ingest.h -- ingestion entry points (SQL-callable, see ingest.c). */
#ifndef COMMHUB_INGEST_H
#define COMMHUB_INGEST_H
#include "postgres.h"
#include "fmgr.h"
extern Datum commhub_ingest(PG_FUNCTION_ARGS);
extern Datum commhub_ingest_batch(PG_FUNCTION_ARGS);
extern Datum commhub_ingest_email_raw(PG_FUNCTION_ARGS);
extern Datum commhub_reparse(PG_FUNCTION_ARGS);
#endif
