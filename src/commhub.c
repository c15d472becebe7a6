/*
 * commhub.c -- module entry point.  _PG_init only calls each module's init
 * function.  Plain SQL functions (ingest, timeline, analysis) work in any
 * backend that loads the library; background workers exist only when the
 * library is in shared_preload_libraries, and the functions that need them
 * say so with SQLSTATE 55000 and a hint.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "commhub.h"
#include "agent.h"

PG_MODULE_MAGIC;

bool		commhub_preloaded = false;
char	   *commhub_tenant_guc = NULL;
int			commhub_wecom_gap_minutes = 30;

void		_PG_init(void);

void
commhub_require_preload(const char *feature)
{
	if (!commhub_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s needs commhub loaded at server start", feature),
				 errhint("Add commhub to shared_preload_libraries in postgresql.conf "
						 "(e.g. shared_preload_libraries = 'pg_cron,commhub') and restart the server.")));
}

void
commhub_guc_init(void)
{
	DefineCustomStringVariable("commhub.tenant",
							   "Tenant whose rows this session reads and writes.",
							   "Honoured only for roles granted the tenant (commhub.grant_tenant).",
							   &commhub_tenant_guc, "T001", PGC_USERSET, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.wecom_thread_gap",
							"Inactivity gap that splits a WeCom chat into threads.",
							NULL, &commhub_wecom_gap_minutes, 30, 1, 7 * 24 * 60,
							PGC_USERSET, GUC_UNIT_MIN, NULL, NULL, NULL);
}

void
_PG_init(void)
{
	if (IsBinaryUpgrade)
		return;
	commhub_preloaded = process_shared_preload_libraries_in_progress;
	commhub_guc_init();
	commhub_ingest_init();
	commhub_analyze_init();
	commhub_plan_guard_init();
	commhub_agent_worker_init();
	commhub_mail_worker_init();
	if (commhub_preloaded)
	{
		commhub_agent_shmem_init();
		commhub_progress_shmem_init();
	}
	MarkGUCPrefixReserved("commhub");
}
