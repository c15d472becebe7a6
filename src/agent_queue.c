/*
 * agent_queue.c -- the producer side of the agent job queue.
 *
 * Shared memory holds one latch pointer per agent worker.  A transaction
 * that enqueued jobs registers a transaction callback; only at COMMIT does
 * it set the workers' latches (as pg_net does), so a worker never wakes for
 * a job that was rolled back and never misses one that committed.  Workers
 * also poll slowly for due retries and expired leases.
 *
 * Locking: AgentShmem->lock (a spinlock) guards the latch array; it is held
 * only to copy or store a pointer.
 */
#include "postgres.h"

#include "pg_jansson.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/array.h"

#include "commhub.h"
#include "agent.h"

AgentShmemStruct *AgentShmem = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static bool wake_at_commit = false;
static bool xact_callback_registered = false;

static void
agent_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(AgentShmemStruct));
}

static void
agent_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	AgentShmem = ShmemInitStruct("commhub agent workers", sizeof(AgentShmemStruct), &found);
	if (!found)
	{
		SpinLockInit(&AgentShmem->lock);
		for (int i = 0; i < AGENT_MAX_WORKERS; i++)
			AgentShmem->latch[i] = NULL;
		AgentShmem->wakeups = 0;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
commhub_agent_shmem_init(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = agent_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = agent_shmem_startup;
}

void
commhub_wake_workers(void)
{
	Latch	   *latches[AGENT_MAX_WORKERS];

	if (AgentShmem == NULL)
		return;
	SpinLockAcquire(&AgentShmem->lock);
	for (int i = 0; i < AGENT_MAX_WORKERS; i++)
		latches[i] = AgentShmem->latch[i];
	AgentShmem->wakeups++;
	SpinLockRelease(&AgentShmem->lock);
	for (int i = 0; i < AGENT_MAX_WORKERS; i++)
		if (latches[i])
			SetLatch(latches[i]);
}

static void
agent_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			if (wake_at_commit)
				commhub_wake_workers();
			wake_at_commit = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			wake_at_commit = false;
			break;
		default:
			break;
	}
}

void
commhub_wake_at_commit(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(agent_xact_callback, NULL);
		xact_callback_registered = true;
	}
	wake_at_commit = true;
}

/*
 * After a chunk of records is written: enqueue the model jobs (A10 routed to
 * an endpoint), NOTIFY commhub_urgent for urgent records and enqueue their
 * webhook jobs -- all in the caller's transaction, through one SECURITY
 * DEFINER function (writers may not read webhook URLs).  Inside SPI.
 */
void
commhub_enqueue_after_ingest(Datum *record_ids, int n, Datum *urgent_ids, int nurgent)
{
	Oid			types[2] = {TEXTARRAYOID, TEXTARRAYOID};
	Datum		args[2];
	int64		jobs;
	bool		isnull;

	if (n == 0 && nurgent == 0)
		return;
	args[0] = PointerGetDatum(construct_array(record_ids, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(urgent_ids, nurgent, TEXTOID, -1, false, TYPALIGN_INT));
	if (SPI_execute_with_args("SELECT commhub.enqueue_after_ingest($1, $2)", 2, types, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "commhub: enqueue_after_ingest failed");
	jobs = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (!isnull && jobs > 0)
		commhub_wake_at_commit();
}

/* SQL: commhub.wake_workers_at_commit() for SQL code that enqueues jobs. */
PG_FUNCTION_INFO_V1(commhub_wake_workers_at_commit);
Datum
commhub_wake_workers_at_commit(PG_FUNCTION_ARGS)
{
	commhub_wake_at_commit();
	PG_RETURN_VOID();
}
