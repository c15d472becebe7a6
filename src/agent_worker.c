/*
 * agent_worker.c -- background workers that run agent jobs (N4, R1, R2).
 *
 * Each pass of the loop:
 *   0. prune   on start and every commhub.job_prune_interval (1 h): finished
 *              jobs older than commhub.job_retention (7 days) are deleted in
 *              their own short transaction (commhub.prune_jobs).
 *   1. claim   up to the free in-flight slots of due jobs (queued and due, or
 *              running with an expired lease) in one short transaction, by
 *              commhub.claim_agent_jobs (FOR UPDATE SKIP LOCKED, claims of all
 *              workers serialized by an advisory lock).  It enforces each
 *              endpoint's limits across all workers, not per worker:
 *              max_inflight (live 'running' jobs of the endpoint) and
 *              requests_per_minute (GCRA spacing 60/rpm s; held-back jobs stay
 *              queued with next_attempt_at at the next slot, no attempt
 *              spent).  commhub.worker_max_inflight caps one worker's engine.
 *              Each claimed job gets attempts+1, this worker's pid and a lease
 *              of its endpoint timeout + 15 s.  The endpoint, prompt and
 *              record are read in the same transaction; then it COMMITS -- no
 *              transaction or snapshot is open while waiting on the network.
 *   2. call    every claimed job is submitted to one libcurl multi handle
 *              (src/core/llm_http.c); llm_engine_run returns within 100 ms and
 *              hands back each transfer as soon as it ends, so slots refill
 *              at once and no batch waits for its slowest request.
 *   3. write   each finished job in its own short transaction: validated
 *              answers are applied (commhub.apply_agent_result) and the job
 *              succeeds; transient failures are re-queued with exponential
 *              backoff and jitter (Retry-After honoured) until max_attempts,
 *              then 'dead' with the reason; client errors are 'failed' at once.
 *              The write only applies if the job is still this worker's claim
 *              (same pid and attempt): a job whose lease expired and was taken
 *              by another worker is never applied twice.
 *   4. sleep   WaitLatch until a committing producer sets our latch
 *              (agent_queue.c), the next queued job or lease falls due (a
 *              retry, a rate-limit slot), or at most the poll interval.
 * A killed worker loses nothing: its running jobs are claimed again once a
 * claim sees its process gone (after a crash restart, the first claim of the
 * restarted workers), at the latest when their lease expires, each such
 * claim an attempt, so a job that kills its worker every time ends dead
 * after max_attempts (claim_agent_jobs).  A 429, or a 503 with
 * Retry-After, pauses the endpoint or webhook until then (endpoint_throttled):
 * jobs held back or refused by the same storm keep their attempts.  A worker
 * told to stop (SIGTERM: pg_terminate_backend, a fast shutdown) puts its
 * unfinished jobs back in the queue at once, their attempt refunded
 * (stop_if_requested); pg_cancel_backend cuts its calls in flight, their
 * jobs back at once, attempt refunded, and it keeps running
 * (cancel_if_requested); a dead postmaster ends it at once, calls in flight
 * or not (exit_if_postmaster_died).  Errors are logged once per job outcome,
 * not per retry.
 */
#include "postgres.h"

#include "pg_jansson.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/pmsignal.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "commhub.h"
#include "agent.h"
#include "analyze.h"
#include "spi_cache.h"

#include "agent_shapes.h"
#include "llm_http.h"

#include <time.h>

static int	agent_workers = 1;
static char *agent_database = NULL;
static int	agent_max_inflight = 16;
static int	agent_poll_ms = 5000;
static int	agent_backoff_base_ms = 1000;
static int	agent_backoff_max_ms = 300000;
static int	agent_job_retention_s = 7 * 86400;
static int	agent_prune_interval_s = 3600;

/* One claimed job, alive from claim to write (worker memory, not SPI). */
typedef struct AgentJob
{
	int64		job_id;
	int			attempts;
	int			max_attempts;
	bool		retry_bad_answers;
	bool		webhook;
	char		agent[17];
	char		endpoint[65];
	char		tenant[65];
	int			prompt_version;
	/* filled by the completion callback */
	bool		done;
	llm_error_class err;
	int			http_status;
	long		retry_after_ms;
	long		latency_ms;
	long		prompt_tokens;
	long		completion_tokens;
	char		message[LLM_MESSAGE_BYTES];
	json_t	   *answer;			/* parsed JSON (chat) */
	char	   *text;			/* A15 raw Markdown when not JSON */
	struct AgentJob *next;
} AgentJob;

static AgentJob *finished = NULL;	/* completed, waiting to be written */
static int	my_slot = -1;

static void on_done(void *user, const llm_result *res);

/* -------------------------------------------------------------- GUCs */

void
commhub_agent_worker_init(void)
{
	BackgroundWorker worker;

	DefineCustomIntVariable("commhub.workers", "Number of agent background workers.", NULL,
							&agent_workers, 1, 0, AGENT_MAX_WORKERS, PGC_POSTMASTER, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("commhub.database", "Database the agent workers connect to.",
							   "The database where CREATE EXTENSION commhub was run.",
							   &agent_database, "postgres", PGC_POSTMASTER, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.worker_max_inflight", "HTTP requests one worker runs at once.", NULL,
							&agent_max_inflight, 16, 1, LLM_MAX_INFLIGHT, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.worker_poll_interval", "How often idle workers look for due retries and expired leases.",
							NULL, &agent_poll_ms, 5000, 100, 600000, PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.retry_base_delay", "First retry delay of a failed agent call (doubles per attempt).",
							NULL, &agent_backoff_base_ms, 1000, 10, 3600000, PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.retry_max_delay", "Longest retry delay of a failed agent call.",
							NULL, &agent_backoff_max_ms, 300000, 10, 86400000, PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);

	DefineCustomIntVariable("commhub.job_retention", "How long finished agent jobs are kept.",
							"The workers delete succeeded, failed and dead jobs older than this (commhub.prune_jobs).",
							&agent_job_retention_s, 7 * 86400, 1, INT_MAX, PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.job_prune_interval", "How often an agent worker prunes finished jobs.",
							NULL, &agent_prune_interval_s, 3600, 1, 7 * 86400, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);

	/* Workers exist only when loaded at server start. */
	if (!process_shared_preload_libraries_in_progress)
		return;
	for (int i = 0; i < agent_workers; i++)
	{
		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 5;
		snprintf(worker.bgw_library_name, BGW_MAXLEN, "commhub");
		snprintf(worker.bgw_function_name, BGW_MAXLEN, "commhub_agent_worker_main");
		snprintf(worker.bgw_name, BGW_MAXLEN, "commhub agent worker %d", i + 1);
		snprintf(worker.bgw_type, BGW_MAXLEN, "commhub agent worker");
		worker.bgw_main_arg = Int32GetDatum(i);
		RegisterBackgroundWorker(&worker);
	}
}

/* ------------------------------------------------------------ helpers */

static void
release_slot(int code, Datum arg)
{
	if (AgentShmem && my_slot >= 0)
	{
		SpinLockAcquire(&AgentShmem->lock);
		AgentShmem->latch[my_slot] = NULL;
		SpinLockRelease(&AgentShmem->lock);
	}
}

/* Return from the engine as soon as a transfer has finished (its result is
 * written and its slot refilled at once) or the latch/a signal needs us. */
static bool
engine_interrupt(void *arg)
{
	return finished != NULL || MyLatch->is_set || InterruptPending || ConfigReloadPending || ShutdownRequestPending
		|| !PostmasterIsAlive();
}

/*
 * The postmaster died: exit at once, as WL_EXIT_ON_PM_DEATH does while we
 * sleep -- also with calls in flight (the engine returns within 100 ms when
 * it sees it), which used to keep the worker alive until they ended.  The
 * running jobs are left as they are: the server is going through a
 * restart, whose workers claim them again at once (their worker is gone).
 */
static void
exit_if_postmaster_died(void)
{
	if (!PostmasterIsAlive())
		proc_exit(1);
}

/*
 * pg_cancel_backend(worker) cancels what the worker is doing, not the
 * worker: its calls in flight are cut and their jobs go back to the queue
 * at once, the attempt refunded (written by the main loop like any
 * finished job, error_class 'cancelled'), and the worker keeps running --
 * a cancelled job is claimed again at once, by any worker.  A statement of
 * the worker running at that moment is cancelled as for any backend (a
 * result being written is dropped and its job goes back the same way:
 * write_result_guarded).  It used to end
 * the worker with an ERROR, its in-flight jobs held until their lease
 * expired.  To stop a worker, pg_terminate_backend (stop_if_requested).
 */
static void
cancel_if_requested(llm_engine *eng)
{
	int			n = 0;

	if (!QueryCancelPending || InterruptHoldoffCount > 0 || QueryCancelHoldoffCount > 0)
		return;
	QueryCancelPending = false;
	if (llm_engine_inflight(eng) > 0)
		n = llm_engine_abort_all(eng, on_done);
	ereport(LOG, (errmsg("commhub: agent worker cancelled: %d call%s in flight cut, their jobs back in the queue",
						 n, n == 1 ? "" : "s")));
}

static void
on_done(void *user, const llm_result *res)
{
	AgentJob   *job = (AgentJob *) user;

	job->done = true;
	job->err = res->err;
	job->http_status = res->http_status;
	job->retry_after_ms = res->retry_after_ms;
	job->latency_ms = res->latency_ms;
	job->prompt_tokens = res->prompt_tokens;
	job->completion_tokens = res->completion_tokens;
	strlcpy(job->message, res->message, sizeof(job->message));
	if (res->parsed)
		job->answer = json_incref(res->parsed);
	/* A15 answers Markdown, not JSON: validated here (N3), while the
	 * content is at hand -- non-empty UTF-8 with a heading, within
	 * AGENT_MAX_REPORT (it used to be cut there, possibly mid-character,
	 * and stored whatever it was). */
	if (res->err == LLM_OK && !job->webhook && strcmp(job->agent, "A15") == 0 && res->parsed == NULL)
	{
		char		verr[200];
		/* a reasoning model's <think> block is not part of the report */
		size_t		skip = llm_skip_reasoning(res->content, res->content ? res->content_len : 0);
		const char *report = res->content ? res->content + skip : NULL;
		size_t		len = res->content ? res->content_len - skip : 0;

		if (!agent_validate_a15_markdown(report, len, verr, sizeof(verr)))
		{
			job->err = LLM_FAIL_SHAPE;
			snprintf(job->message, sizeof(job->message), "answer does not match the A15 shape: %s", verr);
		}
		else
			job->text = strndup(report, len);
	}
	job->next = finished;
	finished = job;
}

static void
free_job(AgentJob *job)
{
	json_decref(job->answer);
	free(job->text);
	free(job);
}

/* Does this database have the extension (and so the tables)? */
static bool
extension_ready(void)
{
	bool		ready;
	MemoryContext cxt = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	ready = SPI_execute("SELECT 1 FROM pg_extension WHERE extname = 'commhub'", true, 1) == SPI_OK_SELECT
		&& SPI_processed == 1;
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	/* the commit leaves TopMemoryContext current: back to the loop's */
	MemoryContextSwitchTo(cxt);
	return ready;
}

/* Fill and submit a request for one claimed job (inside the claim transaction). */
static bool
prepare_and_submit(llm_engine *eng, AgentJob *job, HeapTuple tup, TupleDesc td)
{
	llm_request req;
	bool		isnull;
	char	   *url = SPI_getvalue(tup, td, 8);
	char	   *api_key = SPI_getvalue(tup, td, 9);
	char	   *model = SPI_getvalue(tup, td, 10);
	char	   *system_prompt = SPI_getvalue(tup, td, 11);
	char	   *tmpl = SPI_getvalue(tup, td, 12);
	char	   *vars_text = SPI_getvalue(tup, td, 13);
	char	   *extra = SPI_getvalue(tup, td, 18);
	char	   *prompt = NULL;
	json_t	   *vars = NULL;
	int			rc;
	char		idem[40];

	llm_request_init(&req);
	if (url == NULL)
	{
		snprintf(job->message, sizeof(job->message), job->webhook ? "webhook \"%s\" is not configured or disabled"
				 : "endpoint \"%s\" is not configured", job->endpoint);
		job->err = LLM_FAIL_CLIENT;
		job->done = true;
		job->next = finished;
		finished = job;
		return false;
	}
	req.connect_timeout_ms = DatumGetInt32(SPI_getbinval(tup, td, 14, &isnull));
	req.total_timeout_ms = DatumGetInt32(SPI_getbinval(tup, td, 15, &isnull));
	req.max_response_bytes = (size_t) DatumGetInt32(SPI_getbinval(tup, td, 16, &isnull));
	req.temperature = DatumGetFloat4(SPI_getbinval(tup, td, 17, &isnull));
	if (job->webhook)
	{
		/* the same key on every attempt: delivery is at least once (a
		 * worker that dies between the POST and recording it sends again
		 * after the lease), so receivers can drop the repeat */
		snprintf(idem, sizeof(idem), "commhub-job-%lld", (long long) job->job_id);
		req.kind = LLM_KIND_WEBHOOK;
		req.url = url;
		req.body_json = vars_text;
		req.idempotency_key = idem;
	}
	else
	{
		json_error_t jerr;

		vars = vars_text ? json_loads(vars_text, 0, &jerr) : json_object();
		prompt = agent_build_prompt(tmpl ? tmpl : "{content}", vars, 0, NULL);
		req.kind = LLM_KIND_CHAT;
		req.url = url;
		req.api_key = api_key;
		req.model = model;
		req.system_prompt = system_prompt;
		req.user_prompt = prompt ? prompt : "";
		req.json_mode = strcmp(job->agent, "A15") != 0;
		req.expect_json = req.json_mode;
		req.extra_body_json = extra;
	}
	rc = llm_engine_submit(eng, &req, job);
	if (api_key)
		explicit_bzero(api_key, strlen(api_key));
	free(prompt);
	json_decref(vars);
	if (rc != LLM_SUBMIT_OK)
	{
		strlcpy(job->message, llm_engine_last_error(eng), sizeof(job->message));
		job->err = rc == LLM_SUBMIT_INVALID ? LLM_FAIL_CLIENT : LLM_FAIL_INTERNAL;
		job->done = true;
		job->next = finished;
		finished = job;
		return false;
	}
	return true;
}

/*
 * Claim up to n due jobs and submit them.  One transaction; the endpoint's
 * key is read here and handed to the engine, never stored elsewhere.
 */
static int
claim_and_submit(llm_engine *eng, int n, bool include_orphans, long *next_due_ms)
{
	Oid			types[2] = {INT4OID, BOOLOID};
	Datum		args[2];
	Oid			idtypes[1] = {INT8ARRAYOID};
	Datum		idargs[1];
	bool		isnull;
	bool		have_rows = false;
	int			claimed = 0;
	MemoryContext cxt = CurrentMemoryContext;

	/*
	 * The claim itself is commhub.claim_agent_jobs (35_agent_runtime.sql):
	 * per-endpoint max_inflight and requests_per_minute, serialized across
	 * workers.  Its updates are read by a second statement (a new snapshot).
	 * Nothing here may fail on one row's data: an error would end the worker
	 * and roll back the whole claim, every time -- so options is read
	 * without casts that can fail (set_endpoint checks values, but rows
	 * stored before it did, or written directly, may hold anything).
	 */
	static const char *sql =
		"SELECT c.job_id, c.attempts, c.agent, coalesce(c.endpoint, ''), c.tenant_id,"
		"       coalesce(e.max_attempts, 5), (c.agent = 'webhook'),"
		"       coalesce(e.base_url, w.url), e.api_key, e.model, p.system_prompt, p.template,"
		"       CASE WHEN c.agent = 'webhook' THEN c.payload::text"
		"            ELSE commhub.agent_prompt_vars(c.job_id)::text END,"
		"       coalesce(e.connect_timeout_ms, 10000), coalesce(e.timeout_ms, 30000),"
		"       coalesce(e.max_response_bytes, 1048576), coalesce(e.temperature, 0.2),"
		"       (e.options->'extra_body')::text, coalesce(p.version, 0),"
		"       CASE WHEN jsonb_typeof(e.options->'retry_bad_answers') = 'boolean' THEN (e.options->'retry_bad_answers')::boolean"
		"            ELSE coalesce(lower(e.options->>'retry_bad_answers') NOT IN ('false', 'f', 'no', 'n', 'off', '0'), true) END"
		"  FROM commhub.agent_jobs c"
		"  LEFT JOIN commhub.agent_endpoints e ON c.agent <> 'webhook' AND e.tenant_id = c.tenant_id AND e.name = c.endpoint"
		"  LEFT JOIN commhub.notify_webhooks w ON c.agent = 'webhook' AND w.tenant_id = c.tenant_id AND w.name = c.endpoint"
		"        AND w.enabled"
		"  LEFT JOIN LATERAL (SELECT * FROM commhub.agent_prompts p WHERE p.agent = c.agent AND p.active"
		"                        AND p.tenant_id IN (c.tenant_id, 'T001')"
		"                      ORDER BY (p.tenant_id = c.tenant_id) DESC, p.version DESC LIMIT 1) p ON true"
		" WHERE c.job_id = ANY ($1) AND c.status = 'running' AND c.worker_pid = pg_backend_pid()"
		" ORDER BY c.next_attempt_at, c.job_id";

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "commhub: claiming agent jobs");
	args[0] = Int32GetDatum(n);
	args[1] = BoolGetDatum(include_orphans);
	*next_due_ms = -1;
	if (n > 0)
	{
		if (SPI_CACHED("SELECT array_agg(id) FROM commhub.claim_agent_jobs($1, $2) AS id",
								  2, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "commhub: claiming jobs failed");
		idargs[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
		{
			if (SPI_CACHED(sql, 1, idtypes, idargs, NULL, false, 0) != SPI_OK_SELECT)
				elog(ERROR, "commhub: reading claimed jobs failed");
			have_rows = true;
		}
	}
	for (uint64 i = 0; have_rows && i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		AgentJob   *job = calloc(1, sizeof(AgentJob));

		if (job == NULL)
			break;
		job->job_id = DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull));
		job->attempts = DatumGetInt32(SPI_getbinval(tup, td, 2, &isnull));
		strlcpy(job->agent, SPI_getvalue(tup, td, 3), sizeof(job->agent));
		strlcpy(job->endpoint, SPI_getvalue(tup, td, 4), sizeof(job->endpoint));
		strlcpy(job->tenant, SPI_getvalue(tup, td, 5), sizeof(job->tenant));
		job->max_attempts = DatumGetInt32(SPI_getbinval(tup, td, 6, &isnull));
		job->webhook = DatumGetBool(SPI_getbinval(tup, td, 7, &isnull));
		job->prompt_version = DatumGetInt32(SPI_getbinval(tup, td, 19, &isnull));
		job->retry_bad_answers = DatumGetBool(SPI_getbinval(tup, td, 20, &isnull));
		claimed++;
		(void) prepare_and_submit(eng, job, tup, td);
	}
	/* Nothing claimed: the worker may sleep, but not past the next queued
	 * job (a retry, a rate slot) or lease falling due. */
	if (claimed == 0 &&
		SPI_CACHED("SELECT commhub.next_job_due_ms()", 0, types, NULL, NULL, false, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			*next_due_ms = (long) Max(0.0, DatumGetFloat8(d));
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
	return claimed;
}

/* Write one finished job in its own transaction. */
static void
write_result(AgentJob *job)
{
	Oid			types[13] = {INT8OID, INT4OID, TEXTOID, TEXTOID, INT4OID, INT4OID, INT4OID, JSONBOID,
	INT8OID, TEXTOID, INT4OID, BOOLOID, TIMESTAMPTZOID};
	Datum		args[13];
	char		nulls[13];
	char		verr[256] = "";
	const char *status;
	bool		ok = job->err == LLM_OK;
	bool		throttled;
	bool		refund = job->err == LLM_CANCELLED;
	long		delay = 0;
	long		pause_ms = 0;
	char	   *answer_text = NULL;
	MemoryContext cxt = CurrentMemoryContext;

	/* A model answer must have the agent's shape (N3); an A15 report was
	 * validated by on_done. */
	if (ok && !job->webhook)
	{
		if (strcmp(job->agent, "A15") == 0)
		{
			if (job->answer == NULL && job->text)
				job->answer = json_string(job->text);
			if (job->answer == NULL)
			{
				ok = false;
				job->err = LLM_FAIL_RESPONSE;
				strlcpy(job->message, "answer is not a Markdown report", sizeof(job->message));
			}
		}
		else if (job->answer)
		{
			if (!agent_validate(job->agent, job->answer, verr, sizeof(verr)))
			{
				ok = false;
				job->err = LLM_FAIL_SHAPE;
				snprintf(job->message, sizeof(job->message), "answer does not match the %s shape: %s", job->agent, verr);
			}
		}
		else
		{
			ok = false;
			job->err = LLM_FAIL_RESPONSE;
			strlcpy(job->message, "answer is not a JSON object", sizeof(job->message));
		}
	}
	if (ok)
		status = "succeeded";
	else if (job->err == LLM_CANCELLED)
		status = "queued";
	else if (llm_class_retryable(job->err, job->retry_bad_answers) && job->attempts < job->max_attempts)
	{
		status = "queued";
		delay = llm_backoff_ms(job->attempts, agent_backoff_base_ms, agent_backoff_max_ms,
							   job->retry_after_ms, (uint32) random());
	}
	else
		status = job->err == LLM_FAIL_CLIENT ? "failed" : "dead";

	/*
	 * A model endpoint or a webhook that refuses with 429, or 503 with
	 * Retry-After (a WeCom robot's errcode 45009 too: LLM_RETRY_RATE_LIMIT),
	 * is paused until then (commhub.endpoint_throttled): no job of it is
	 * claimed meanwhile.  The pause is the Retry-After, else this job's
	 * backoff.  Webhooks used to be retried on their own backoff, each
	 * refusal an attempt, whatever the Retry-After.
	 */
	throttled = !ok &&
		(job->err == LLM_RETRY_RATE_LIMIT || (job->http_status == 503 && job->retry_after_ms >= 0));
	if (throttled)
		pause_ms = job->retry_after_ms >= 0 ? job->retry_after_ms
			: llm_backoff_ms(job->attempts, agent_backoff_base_ms, agent_backoff_max_ms, -1, (uint32) random());

	if (job->answer)
		answer_text = json_dumps(job->answer, JSON_COMPACT | JSON_ENCODE_ANY);

	memset(nulls, ' ', sizeof(nulls));
	args[0] = Int64GetDatum(job->job_id);
	args[1] = Int32GetDatum(job->attempts);
	args[4] = Int32GetDatum((int32) job->latency_ms);
	args[5] = Int32GetDatum((int32) job->prompt_tokens);
	args[6] = Int32GetDatum((int32) job->completion_tokens);
	if (job->prompt_tokens < 0)
		nulls[5] = nulls[6] = 'n';
	args[7] = (Datum) 0;
	nulls[7] = 'n';
	args[9] = CStringGetTextDatum(llm_class_name(job->err));
	args[10] = Int32GetDatum(job->prompt_version);
	args[12] = (Datum) 0;
	nulls[12] = 'n';

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "commhub: writing agent result");
	if (answer_text)
	{
		args[7] = DirectFunctionCall1(jsonb_in, CStringGetDatum(answer_text));
		nulls[7] = ' ';
	}
	if (throttled)
	{
		Oid			t3[3] = {INT8OID, FLOAT8OID, TEXTOID};
		Datum		a3[3];
		bool		rnull;
		bool		pnull;
		Datum		r;
		Datum		until;

		a3[0] = args[0];
		a3[1] = Float8GetDatum((double) pause_ms);
		a3[2] = CStringGetTextDatum(psprintf("%s: %s", llm_class_name(job->err), job->message));
		if (SPI_CACHED("SELECT refund, paused_until FROM commhub.endpoint_throttled($1, $2, $3)",
					   3, t3, a3, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "commhub: pausing the endpoint failed");
		r = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &rnull);
		until = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &pnull);
		/* refused by the storm an earlier refusal already paused for: this
		 * attempt is not counted, the job waits for the pause's end */
		if (!rnull && DatumGetBool(r))
		{
			refund = true;
			status = "queued";
			delay = 0;
		}
		if (!pnull)
		{
			args[12] = until;	/* timestamptz: by value */
			nulls[12] = ' ';
		}
	}
	args[2] = CStringGetTextDatum(status);
	args[3] = CStringGetTextDatum(ok ? "" : psprintf("%s: %s%s", llm_class_name(job->err), job->message,
												   strcmp(status, "dead") == 0 ? psprintf(" (gave up after %d attempts)", job->attempts)
												   : refund && throttled ? " (the endpoint was already paused by an earlier refusal: attempt not counted)"
												   : ""));
	if (ok)
		nulls[3] = 'n';
	args[8] = Int64GetDatum(delay);
	args[11] = BoolGetDatum(refund);
	/* Only if the job is still ours: same worker, same attempt. */
	SPI_CACHED(
						  "UPDATE commhub.agent_jobs SET status = $3, last_error = $4, error_class = CASE WHEN $4 IS NULL THEN NULL ELSE $10 END, "
						  "latency_ms = $5, prompt_tokens = $6, completion_tokens = $7, result = coalesce($8, result), "
						  "prompt_version = nullif($11, 0), "
						  "attempts = CASE WHEN $12 THEN attempts - 1 ELSE attempts END, "
						  "next_attempt_at = greatest(now() + make_interval(secs => $9 / 1000.0), $13), lease_expires_at = NULL, "
						  "finished_at = CASE WHEN $3 IN ('succeeded', 'failed', 'dead') THEN now() END "
						  "WHERE job_id = $1 AND status = 'running' AND attempts = $2 AND worker_pid = pg_backend_pid() "
						  "RETURNING job_id",
						  13, types, args, nulls, false, 1);
	if (SPI_processed == 1 && ok && !job->webhook)
	{
		Oid			t2[2] = {INT8OID, JSONBOID};
		Datum		a2[2] = {args[0], args[7]};

		if (SPI_CACHED("SELECT commhub.apply_agent_result($1, $2)", 2, t2, a2, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "commhub: applying the agent result failed");
	}
	if (SPI_processed == 1 && (strcmp(status, "dead") == 0 || strcmp(status, "failed") == 0))
		ereport(LOG, (errmsg("commhub: %s job %lld %s: %s", job->agent, (long long) job->job_id, status, job->message)));
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
	free(answer_text);
	if (strcmp(status, "queued") == 0 && delay == 0 && !throttled)
		SetLatch(MyLatch);
}

/*
 * write_result, and if it fails (a deadlock with an ingest updating the same
 * record, a lock or statement timeout, an answer the record's constraints
 * refuse), the job -- not the worker -- pays: a conflict puts it back in the
 * queue for another attempt while it has attempts left (then it is dead),
 * anything else fails it with the reason.  A cancel (pg_cancel_backend of
 * the worker while it writes, say waiting for a row lock) is no failure of
 * the job: like a cancel of its call in flight, the job goes back to the
 * queue at once with its attempt refunded (it used to count, and end the
 * job dead on its last attempt).  A statement timeout, also a cancel, still
 * counts: a write that always times out must not be retried for ever.  An
 * ERROR escaping here would end the worker and strand every job it has in
 * flight until their leases expire.
 */
static void
write_result_guarded(AgentJob *job)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	PG_TRY();
	{
		write_result(job);
	}
	PG_CATCH();
	{
		ErrorData  *ed;
		bool		conflict;
		bool		retry;
		bool		cancelled;
		Oid			types[3] = {INT8OID, INT4OID, TEXTOID};
		Datum		args[3];

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		/* pg_cancel_backend: ProcessInterrupts' own message, untranslated */
		cancelled = ed->sqlerrcode == ERRCODE_QUERY_CANCELED && ed->message_id &&
			strcmp(ed->message_id, "canceling statement due to user request") == 0;
		conflict = commhub_error_is_conflict(ed->sqlerrcode) || ed->sqlerrcode == ERRCODE_QUERY_CANCELED;
		/* a conflict is retried like any transient failure: up to the
		 * endpoint's max_attempts (each retry calls the model again), then
		 * the job is dead */
		retry = conflict && job->attempts < job->max_attempts;
		ereport(LOG, (errmsg("commhub: writing the result of %s job %lld failed (%s): %s", job->agent,
							 (long long) job->job_id,
							 cancelled ? "cancelled, back in the queue" : retry ? "will retry" : conflict ? "job dead" : "job failed",
							 ed->message ? ed->message : "error")));
		args[0] = Int64GetDatum(job->job_id);
		args[1] = Int32GetDatum(job->attempts);
		args[2] = CStringGetTextDatum(cancelled
									  ? "cancelled: the worker was cancelled while writing the result (attempt not counted)"
									  : psprintf("apply: %s%s", ed->message ? ed->message : "error",
												 conflict && !retry ? psprintf(" (gave up after %d attempts)", job->attempts) : ""));
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		SPI_execute_with_args(cancelled
							  ? "UPDATE commhub.agent_jobs SET status = 'queued', attempts = attempts - 1, last_error = $3, "
							  "error_class = 'cancelled', next_attempt_at = now(), lease_expires_at = NULL "
							  "WHERE job_id = $1 AND status = 'running' AND attempts = $2 AND worker_pid = pg_backend_pid()"
							  : retry
							  ? "UPDATE commhub.agent_jobs SET status = 'queued', last_error = $3, error_class = 'apply', "
							  "next_attempt_at = now() + interval '1 second', lease_expires_at = NULL "
							  "WHERE job_id = $1 AND status = 'running' AND attempts = $2 AND worker_pid = pg_backend_pid()"
							  : conflict
							  ? "UPDATE commhub.agent_jobs SET status = 'dead', last_error = $3, error_class = 'apply', "
							  "finished_at = now(), lease_expires_at = NULL "
							  "WHERE job_id = $1 AND status = 'running' AND attempts = $2 AND worker_pid = pg_backend_pid()"
							  : "UPDATE commhub.agent_jobs SET status = 'failed', last_error = $3, error_class = 'apply', "
							  "finished_at = now(), lease_expires_at = NULL "
							  "WHERE job_id = $1 AND status = 'running' AND attempts = $2 AND worker_pid = pg_backend_pid()",
							  3, types, args, NULL, false, 0);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		FreeErrorData(ed);
		/* claimed again at once, as after a cancel of a call in flight */
		if (cancelled)
			SetLatch(MyLatch);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}

/*
 * SIGTERM (pg_terminate_backend, a fast shutdown, a restart) while calls are
 * in flight: end them and put their jobs -- and those finished but not yet
 * written -- back in the queue at once, the cut attempt refunded, then exit.
 * They used to stay 'running' until their lease expired (the endpoint's
 * timeout + 15 s, 135 s by default) and the cut call counted as an attempt.
 * One statement that waits for no lock (SKIP LOCKED: a row someone holds
 * keeps its lease), with interrupts held so that the exit does not cut it
 * short.  A job already delivered (a webhook done but not recorded) is sent
 * again, as after a crash: delivery is at least once.
 */
static void
stop_if_requested(llm_engine *eng)
{
	int			n = 0;
	Datum	   *ids;
	Datum	   *atts;
	Oid			types[2] = {INT8ARRAYOID, INT4ARRAYOID};
	Datum		args[2];
	AgentJob   *job;

	if (!ProcDiePending)
		return;
	if (llm_engine_inflight(eng) > 0)
		(void) llm_engine_abort_all(eng, on_done);
	for (job = finished; job; job = job->next)
		n++;
	if (n > 0)
	{
		HOLD_INTERRUPTS();
		ids = palloc(sizeof(Datum) * n);
		atts = palloc(sizeof(Datum) * n);
		n = 0;
		for (job = finished; job; job = job->next, n++)
		{
			ids[n] = Int64GetDatum(job->job_id);
			atts[n] = Int32GetDatum(job->attempts);
		}
		args[0] = PointerGetDatum(construct_array(ids, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[1] = PointerGetDatum(construct_array(atts, n, INT4OID, 4, true, TYPALIGN_INT));
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		SPI_execute_with_args("UPDATE commhub.agent_jobs j SET status = 'queued', attempts = j.attempts - 1,"
							  " last_error = 'cancelled: the worker stopped before the call was recorded',"
							  " error_class = 'cancelled', next_attempt_at = now(), lease_expires_at = NULL"
							  "  FROM (SELECT q.job_id FROM commhub.agent_jobs q"
							  "          JOIN unnest($1, $2) AS u(id, att) ON q.job_id = u.id AND q.attempts = u.att"
							  "         WHERE q.status = 'running' AND q.worker_pid = pg_backend_pid()"
							  "           FOR UPDATE OF q SKIP LOCKED) c"
							  " WHERE j.job_id = c.job_id",
							  2, types, args, NULL, false, 0);
		if (SPI_processed > 0)
			ereport(LOG, (errmsg("commhub: agent worker stopping: %lld unfinished jobs back in the queue",
								 (long long) SPI_processed)));
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		RESUME_INTERRUPTS();
	}
	while (finished)
	{
		job = finished;
		finished = job->next;
		free_job(job);
	}
	CHECK_FOR_INTERRUPTS();		/* exits */
}

/*
 * Delete finished jobs older than commhub.job_retention, in its own short
 * transaction.  An error (say a lock timeout) is logged, not fatal: the next
 * prune interval tries again.
 */
static void
prune_finished_jobs(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		bool		isnull;
		int64		n = 0;

		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "commhub: pruning finished agent jobs");
		if (SPI_execute("SELECT commhub.prune_jobs()", false, 1) == SPI_OK_SELECT && SPI_processed == 1)
			n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		if (n > 0)
			ereport(DEBUG1, (errmsg("commhub: pruned %lld finished agent jobs", (long long) n)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(LOG, (errmsg("commhub: pruning finished agent jobs failed: %s", edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* ----------------------------------------------------------- main loop */

void
commhub_agent_worker_main(Datum arg)
{
	llm_engine *eng;
	MemoryContext loopcxt;
	bool		logged_missing = false;
	bool		ready;
	int			claimed = 0;
	long		next_due_ms = -1;
	bool		orphans;
	TimestampTz now;
	TimestampTz last_prune = 0;
	TimestampTz last_orphans = 0;

	my_slot = DatumGetInt32(arg);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(agent_database, NULL, 0);
	/* a superuser session: names resolve in pg_catalog only (no operator
	 * or function planted in a schema on the default path can run here) */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
	pgstat_report_appname("commhub agent worker");

	if (AgentShmem && my_slot >= 0 && my_slot < AGENT_MAX_WORKERS)
	{
		SpinLockAcquire(&AgentShmem->lock);
		AgentShmem->latch[my_slot] = MyLatch;
		SpinLockRelease(&AgentShmem->lock);
		on_shmem_exit(release_slot, (Datum) 0);
	}
	if (!llm_global_init() || (eng = llm_engine_new(agent_max_inflight)) == NULL)
		ereport(FATAL, (errmsg("commhub: could not start the HTTP engine")));
	llm_engine_set_interrupt(eng, engine_interrupt, NULL);
	loopcxt = AllocSetContextCreate(TopMemoryContext, "commhub agent worker loop", ALLOCSET_DEFAULT_SIZES);
	srandom((unsigned) (MyProcPid ^ time(NULL)));

	for (;;)
	{
		MemoryContext old;

		exit_if_postmaster_died();
		stop_if_requested(eng);
		cancel_if_requested(eng);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			/* PGC_SIGHUP: a reload resizes the engine (it was read once) */
			llm_engine_set_max_inflight(eng, agent_max_inflight);
		}
		ResetLatch(MyLatch);
		MemoryContextReset(loopcxt);
		old = MemoryContextSwitchTo(loopcxt);

		/*
		 * The claim (and the check before it) run with interrupts held: a
		 * SIGTERM then waits for these few short statements, which take no
		 * lock a client holds, and is handled by stop_if_requested -- it
		 * would otherwise end the worker with calls in flight that only
		 * their lease brings back.
		 */
		HOLD_INTERRUPTS();
		ready = extension_ready();
		RESUME_INTERRUPTS();
		if (!ready)
		{
			if (!logged_missing)
				ereport(LOG, (errmsg("commhub: agent worker waits for CREATE EXTENSION commhub in database \"%s\"",
									 agent_database)));
			logged_missing = true;
			MemoryContextSwitchTo(old);
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10000, PG_WAIT_EXTENSION);
			continue;
		}
		logged_missing = false;

		now = GetCurrentTimestamp();
		/* Finished jobs past commhub.job_retention: on start, then hourly. */
		if (last_prune == 0 || TimestampDifferenceExceeds(last_prune, now, agent_prune_interval_s * 1000))
		{
			prune_finished_jobs();
			last_prune = now;
		}
		/* Jobs of a vanished endpoint are looked for once per poll interval. */
		orphans = last_orphans == 0 || TimestampDifferenceExceeds(last_orphans, now, agent_poll_ms);
		if (orphans)
			last_orphans = now;

		claimed = 0;
		next_due_ms = -1;
		if (llm_engine_free_slots(eng) > 0 && !ProcDiePending)
		{
			HOLD_INTERRUPTS();
			claimed = claim_and_submit(eng, llm_engine_free_slots(eng), orphans, &next_due_ms);
			RESUME_INTERRUPTS();
		}

		if (llm_engine_inflight(eng) > 0)
			(void) llm_engine_run(eng, 100, on_done);
		exit_if_postmaster_died();
		cancel_if_requested(eng);

		while (finished)
		{
			AgentJob   *job = finished;

			exit_if_postmaster_died();
			stop_if_requested(eng);
			finished = job->next;
			write_result_guarded(job);
			free_job(job);
			MemoryContextReset(loopcxt);
		}
		MemoryContextSwitchTo(old);

		/* Sleep only when there is nothing in flight and the last claim
		 * found nothing due: a drained batch goes straight to the next. */
		if (llm_engine_inflight(eng) == 0 && claimed == 0 && !MyLatch->is_set)
		{
			/* ... but not past the next retry or rate-limit slot. */
			long		wait_ms = agent_poll_ms;

			if (next_due_ms >= 0 && next_due_ms < wait_ms)
				wait_ms = Max(next_due_ms + 5, 10);
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait_ms, PG_WAIT_EXTENSION);
		}
	}
}
