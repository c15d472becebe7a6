/*
 * commhub.h -- shared declarations of the Postgres glue (the files in src/).  The
 * server-independent core lives in src/core/ and never includes this.
 */
#ifndef COMMHUB_H
#define COMMHUB_H

#include "postgres.h"
#include "fmgr.h"

/* True when loaded through shared_preload_libraries (workers registered). */
extern bool commhub_preloaded;

/* Raise 55000 with a hint naming shared_preload_libraries unless preloaded. */
extern void commhub_require_preload(const char *feature);

/* Module initialisers called from _PG_init. */
extern void commhub_guc_init(void);
extern void commhub_ingest_init(void);
extern void commhub_analyze_init(void);
extern void commhub_plan_guard_init(void);

/* GUCs */
extern char *commhub_tenant_guc;

/* commhub.current_tenant() (tenant.c): the active tenant, checked. */
extern const char *commhub_tenant(void);
extern char *commhub_current_tenant(void);	/* palloc'd copy */
/* render.c: is row security on customer_communications (rel, open) for
 * reading exactly the tenant policy? */
struct RelationData;
extern bool commhub_comm_tenant_policy_only(struct RelationData *rel);
/* render.c: customer_communications and idx_comm_timeline as created
 * (cached oids), and the opened index's key columns */
extern bool commhub_timeline_relation(Oid *relid, Oid *indexid);
extern bool commhub_timeline_index_ok(struct RelationData *irel);
/* statement trigger body: relcache invalidation of the trigger's table */
extern Datum commhub_relcache_trigger(FunctionCallInfo fcinfo, const char *name);

/* An error that is not one item's fault (cancel, shutdown, out of memory
 * or disk, system error): per-item error handling must let it end the
 * call.  (A deadlock or serialization failure stays per item: the retry of
 * that item alone is the recovery; if that fails too, ingest_batch fails
 * the call rather than file a good payload as a bad one.) */
static inline bool
commhub_error_not_item(int sqlerrcode)
{
	int			cls = ERRCODE_TO_CATEGORY(sqlerrcode);

	return cls == ERRCODE_TO_CATEGORY(ERRCODE_QUERY_CANCELED) ||	/* 57 */
		cls == ERRCODE_TO_CATEGORY(ERRCODE_OUT_OF_MEMORY) ||	/* 53 */
		cls == ERRCODE_TO_CATEGORY(ERRCODE_IO_ERROR);	/* 58 */
}

/* A conflict with a concurrent session -- deadlock, serialization failure,
 * lock timeout: worth retrying, never the payload's or the answer's fault. */
static inline bool
commhub_error_is_conflict(int sqlerrcode)
{
	return ERRCODE_TO_CATEGORY(sqlerrcode) == ERRCODE_TO_CATEGORY(ERRCODE_T_R_SERIALIZATION_FAILURE) ||	/* 40 */
		sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE;	/* 55P03 */
}

/* progress.c: long batch work reports where it is (commhub.ingest_progress). */
extern void commhub_progress_shmem_init(void);
extern void commhub_progress_start(const char *operation, const char *detail, const char *tenant, int64 total);
extern void commhub_progress_update(const char *phase, int64 done, int64 stored, int64 errors);
extern void commhub_progress_end(void);

/* mailsync.c: GUCs and the mail sync worker (E1). */
extern void commhub_mail_worker_init(void);
extern int	commhub_wecom_gap_minutes;

#endif
