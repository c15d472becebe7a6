/*
 * pg_jansson.h -- include this right after postgres.h in every glue file
 * that uses jansson.  PostgreSQL's fmgrprotos.h (via utils/builtins.h)
 * declares the SQL function json_object(), which collides with jansson's
 * json_object(); the backend's is renamed while its header is read.  (At
 * link time the module calls commhub_jansson_object(): see jansson_shim.c.)
 */
#ifndef COMMHUB_PG_JANSSON_H
#define COMMHUB_PG_JANSSON_H
#pragma push_macro("json_object")
#undef json_object
#define json_object pg_fmgr_json_object
#include "utils/builtins.h"
#undef json_object
#pragma pop_macro("json_object")
#include <jansson.h>
#endif
