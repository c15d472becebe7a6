/*
 * progress.c -- O2: long batch work reports its progress.
 *
 * ingest_batch (per chunk of payloads) and mailbox syncs (per message)
 * write where they are into a slot of shared memory, one slot per backend;
 * commhub.ingest_progress shows the slots in use: operation, channel or
 * mailbox, items done of total, stored, errors, rate, start and last
 * update.  A slot is cleared when the work returns and, should it fail,
 * when its transaction ends.  Needs commhub in shared_preload_libraries
 * (the workers need it anyway); without it the view raises 55000.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "commhub.h"

typedef struct ProgressSlot
{
	slock_t		mutex;
	int			pid;			/* 0: free */
	char		operation[24];
	char		detail[96];
	char		tenant[65];
	char		phase[48];
	int64		total;
	int64		done;
	int64		stored;
	int64		errors;
	TimestampTz started;
	TimestampTz updated;
} ProgressSlot;

static ProgressSlot *slots = NULL;
static int	nslots = 0;
static ProgressSlot *mine = NULL;
static SubTransactionId mine_subid = InvalidSubTransactionId;	/* where it started */
static bool xact_cb = false;

static shmem_request_hook_type prev_request = NULL;
static shmem_startup_hook_type prev_startup = NULL;

static void
progress_request(void)
{
	if (prev_request)
		prev_request();
	RequestAddinShmemSpace(mul_size(MaxBackends, sizeof(ProgressSlot)));
}

static void
progress_startup(void)
{
	bool		found;

	if (prev_startup)
		prev_startup();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	slots = ShmemInitStruct("commhub progress", mul_size(MaxBackends, sizeof(ProgressSlot)), &found);
	if (!found)
		for (int i = 0; i < MaxBackends; i++)
		{
			SpinLockInit(&slots[i].mutex);
			slots[i].pid = 0;
		}
	nslots = MaxBackends;
	LWLockRelease(AddinShmemInitLock);
}

void
commhub_progress_shmem_init(void)
{
	prev_request = shmem_request_hook;
	shmem_request_hook = progress_request;
	prev_startup = shmem_startup_hook;
	shmem_startup_hook = progress_startup;
}

static void
clear_mine(void)
{
	if (mine)
	{
		SpinLockAcquire(&mine->mutex);
		mine->pid = 0;
		SpinLockRelease(&mine->mutex);
		mine = NULL;
	}
}

static void
progress_xact(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
		clear_mine();
}

/* A batch that failed inside a savepoint (ROLLBACK TO, a PL/pgSQL
 * exception block) is over too, though the transaction goes on. */
static void
progress_subxact(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB && mine != NULL && mySubid == mine_subid)
		clear_mine();
}

static void
progress_exit(int code, Datum arg)
{
	clear_mine();
}

void
commhub_progress_start(const char *operation, const char *detail, const char *tenant, int64 total)
{
	ProgressSlot *s;

	if (slots == NULL || MyBackendId == InvalidBackendId || MyBackendId > nslots)
		return;
	if (!xact_cb)
	{
		RegisterXactCallback(progress_xact, NULL);
		RegisterSubXactCallback(progress_subxact, NULL);
		before_shmem_exit(progress_exit, (Datum) 0);
		xact_cb = true;
	}
	s = &slots[MyBackendId - 1];
	SpinLockAcquire(&s->mutex);
	s->pid = MyProcPid;
	strlcpy(s->operation, operation, sizeof(s->operation));
	strlcpy(s->detail, detail ? detail : "", sizeof(s->detail));
	strlcpy(s->tenant, tenant ? tenant : "", sizeof(s->tenant));
	strlcpy(s->phase, "starting", sizeof(s->phase));
	s->total = total;
	s->done = s->stored = s->errors = 0;
	s->started = s->updated = GetCurrentTimestamp();
	SpinLockRelease(&s->mutex);
	mine = s;
	mine_subid = GetCurrentSubTransactionId();
}

void
commhub_progress_update(const char *phase, int64 done, int64 stored, int64 errors)
{
	if (mine == NULL)
		return;
	SpinLockAcquire(&mine->mutex);
	if (phase)
		strlcpy(mine->phase, phase, sizeof(mine->phase));
	mine->done = done;
	mine->stored = stored;
	mine->errors = errors;
	mine->updated = GetCurrentTimestamp();
	SpinLockRelease(&mine->mutex);
}

void
commhub_progress_end(void)
{
	clear_mine();
}

/*
 * commhub.ingest_progress_rows() -> the slots in use.  Members of
 * commhub_admin and superusers see every tenant's work, others their
 * tenant's.
 */
PG_FUNCTION_INFO_V1(commhub_ingest_progress);
Datum
commhub_ingest_progress(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *tenant;
	bool		all;
	Oid			admin = get_role_oid("commhub_admin", true);

	if (slots == NULL)
		commhub_require_preload("commhub.ingest_progress");
	tenant = commhub_tenant();
	all = superuser() || (OidIsValid(admin) && is_member_of_role(GetUserId(), admin));
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < nslots; i++)
	{
		ProgressSlot c;
		Datum		v[12];
		bool		nulls[12];
		double		secs;
		long		s;
		int			us;

		SpinLockAcquire(&slots[i].mutex);
		c = slots[i];
		SpinLockRelease(&slots[i].mutex);
		if (c.pid == 0 || (!all && strcmp(c.tenant, tenant) != 0))
			continue;
		memset(nulls, 0, sizeof(nulls));
		v[0] = Int32GetDatum(c.pid);
		v[1] = CStringGetTextDatum(c.operation);
		v[2] = CStringGetTextDatum(c.detail);
		v[3] = CStringGetTextDatum(c.tenant);
		v[4] = CStringGetTextDatum(c.phase);
		v[5] = Int64GetDatum(c.total);
		v[6] = Int64GetDatum(c.done);
		v[7] = Int64GetDatum(c.stored);
		v[8] = Int64GetDatum(c.errors);
		if (c.total > 0)
			v[9] = NumericGetDatum(int64_div_fast_to_numeric((c.done * 1000) / c.total, 1));
		else
			nulls[9] = true;
		v[10] = TimestampTzGetDatum(c.started);
		TimestampDifference(c.started, c.updated, &s, &us);
		secs = s + us / 1e6;
		if (secs > 0.001)
			v[11] = NumericGetDatum(int64_div_fast_to_numeric((int64) (c.done / secs * 10), 1));
		else
			nulls[11] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}
