/*
 * commhub.h -- shared declarations of the Postgres glue (the files in src/).  The
 * server-independent core lives in src/core/ and never includes this.
 */
#ifndef COMMHUB_H
#define COMMHUB_H

#include "postgres.h"

/* True when loaded through shared_preload_libraries (workers registered). */
extern bool commhub_preloaded;

/* Raise 55000 with a hint naming shared_preload_libraries unless preloaded. */
extern void commhub_require_preload(const char *feature);

/* Module initialisers called from _PG_init. */
extern void commhub_guc_init(void);
extern void commhub_ingest_init(void);
extern void commhub_analyze_init(void);

/* GUCs */
extern char *commhub_tenant_guc;

/* commhub.current_tenant() (tenant.c): the active tenant, checked. */
extern const char *commhub_tenant(void);
extern char *commhub_current_tenant(void);	/* palloc'd copy */

/* mailsync.c: GUCs and the mail sync worker (E1). */
extern void commhub_mail_worker_init(void);
extern int	commhub_wecom_gap_minutes;

#endif
