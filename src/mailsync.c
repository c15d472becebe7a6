/*
 * mailsync.c -- E1: configured mailboxes synced over IMAP (src/core/imap.c).
 *
 * For each folder of a mailbox: STATUS gives UIDVALIDITY and UIDNEXT; if
 * UIDVALIDITY differs from the remembered one the folder starts again from
 * UID 0 (messages already stored come back as duplicates by Message-ID, so
 * a reset costs time, never records); the UIDs above the last one stored are
 * listed with their sizes; each is fetched and ingested as raw mail through
 * commhub.ingest_email_raw(message, mailbox_id) in a subtransaction, so a
 * message the parser refuses is filed in ingest_errors and the sync goes on.
 * Messages over the mailbox's max_message_bytes (50 MB at most) are not
 * downloaded: they are counted and filed in ingest_errors.  The folder's
 * place (UIDVALIDITY + last UID) and counters are written with the
 * messages, in the same transaction.
 *
 * commhub.sync_mailbox(id) runs it now, in the caller's transaction.  The
 * "commhub mail sync" background worker (when preloaded) runs it for every
 * enabled mailbox whose sync_interval has passed, one transaction per
 * mailbox and at most commhub.mail_batch messages per folder per
 * transaction, so a first import of a large mailbox commits as it goes.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/array.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "commhub.h"
#include "imap.h"
#include "spi_cache.h"

PGDLLEXPORT void commhub_mail_worker_main(Datum arg);

static bool mail_worker_enabled = true;
static int	mail_batch = 200;
static int	mail_poll_s = 30;
static char *mail_database = NULL;

typedef struct FolderResult
{
	char		folder[256];
	int64		uidvalidity;
	int64		last_uid;
	int64		seen;
	int64		stored;
	int64		duplicates;
	int64		merged;
	int64		oversize;
	int64		failed;
	bool		reset;
	bool		more;			/* stopped at the batch limit */
	char		error[512];
} FolderResult;

/* ------------------------------------------------------------ helpers */

/* A cancel or shutdown stops a transfer at once (CHECK_FOR_INTERRUPTS
 * then raises it; nothing may ereport inside curl's callback). */
static bool
transfer_should_abort(void *arg)
{
	return QueryCancelPending || ProcDiePending;
}

#define LIST_WINDOW 2000

/* dst = src cut to fit dst (at a character boundary: stored as text). */
static void
set_error(char *dst, size_t dstlen, const char *src)
{
	int			len = pg_mbcliplen(src, strlen(src), (int) dstlen - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* s as a JSON string literal. */
static char *
json_str(const char *s)
{
	StringInfoData b;

	initStringInfo(&b);
	escape_json(&b, s);
	return b.data;
}

static void
file_error(const char *mailbox, const char *folder, uint32 uid, const char *sqlstate,
		   const char *message, const char *hint)
{
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', hint ? ' ' : 'n'};

	args[0] = CStringGetTextDatum(psprintf("{\"mailbox\": %s, \"folder\": %s, \"uid\": %u}",
										   json_str(mailbox), json_str(folder), uid));
	args[1] = CStringGetTextDatum(sqlstate);
	args[2] = CStringGetTextDatum("message");
	args[3] = CStringGetTextDatum(message);
	args[4] = hint ? CStringGetTextDatum(hint) : (Datum) 0;
	if (SPI_CACHED("INSERT INTO commhub.ingest_errors (channel, payload, sqlstate, field, message, hint) "
				   "VALUES ('email', $1, $2, $3, $4, $5)", 5, types, args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "commhub: could not record a mail sync error");
}

/*
 * Ingest one raw message in a subtransaction.  Returns the ingest status
 * ("inserted", "duplicate", ...) or NULL if it was refused (then filed).
 */
static const char *
ingest_one(const char *mailbox, const char *folder, uint32 uid, const char *data, size_t len)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	const char *volatile status = NULL;
	bytea	   *msg = (bytea *) palloc(VARHDRSZ + len);

	SET_VARSIZE(msg, VARHDRSZ + len);
	memcpy(VARDATA(msg), data, len);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		Oid			types[2] = {BYTEAOID, TEXTOID};
		Datum		args[2] = {PointerGetDatum(msg), CStringGetTextDatum(mailbox)};

		if (SPI_CACHED("SELECT commhub.ingest_email_raw($1, $2)->>'status'", 2, types, args, NULL, false, 1) != SPI_OK_SELECT
			|| SPI_processed != 1)
			elog(ERROR, "commhub: ingest_email_raw gave no result");
		status = MemoryContextStrdup(oldcxt, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_freetuptable(SPI_tuptable);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(oldcxt);
		ed = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		/* not this message's fault, or worth retrying (deadlock,
		 * serialization, lock timeout): the sync stops before it and the
		 * next one tries it again */
		if (commhub_error_not_item(ed->sqlerrcode) ||
			commhub_error_is_conflict(ed->sqlerrcode))
			ReThrowError(ed);
		file_error(mailbox, folder, uid, unpack_sql_state(ed->sqlerrcode), ed->message ? ed->message : "error", ed->hint);
		FreeErrorData(ed);
		status = NULL;
	}
	PG_END_TRY();
	pfree(msg);
	return status;
}

/* Sync one folder; fills r.  Returns false if the connection failed (stop the mailbox). */
static bool
sync_folder(imap_conn *c, const char *tenant, const char *mailbox, const char *folder,
			int64 max_bytes, int batch, FolderResult *r)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	uint32		uidvalidity = 0,
				uidnext = 0;
	int64		known_validity = -1;
	int64		last_uid = 0;
	imap_msg   *volatile msgs = NULL;
	size_t		n = 0;
	char		err[512];
	imap_status st;
	bool		ok = true;

	memset(r, 0, sizeof(*r));
	strlcpy(r->folder, folder, sizeof(r->folder));
	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(mailbox);
	args[2] = CStringGetTextDatum(folder);
	SPI_CACHED("INSERT INTO commhub.mailbox_folders (tenant_id, mailbox_id, folder) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			   3, types, args, NULL, false, 0);
	if (SPI_CACHED("SELECT coalesce(uidvalidity, -1), last_uid FROM commhub.mailbox_folders "
				   "WHERE tenant_id = $1 AND mailbox_id = $2 AND folder = $3 FOR UPDATE",
				   3, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "commhub: mailbox folder state missing");
	{
		bool		isnull;

		known_validity = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		last_uid = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	}

	st = imap_examine(c, folder, &uidvalidity, &uidnext, err, sizeof(err));
	if (st != IMAP_OK)
	{
		set_error(r->error, sizeof(r->error), err);
		ok = (st == IMAP_NO_FOLDER || st == IMAP_PROTOCOL || st == IMAP_BAD_CONFIG);
		goto save;
	}
	if (known_validity != (int64) uidvalidity)
	{
		if (known_validity >= 0)
			r->reset = true;	/* the server renumbered the folder: start again */
		last_uid = 0;
	}
	r->uidvalidity = uidvalidity;
	if (uidnext != 0 && (int64) uidnext <= last_uid + 1)
		goto save;				/* nothing new */

	/*
	 * List in UID windows up to UIDNEXT (a listing of everything above the
	 * place would be resent for every batch of a large first import), and
	 * stop at the batch limit.
	 */
	commhub_progress_start("mail_sync", psprintf("%s/%s", mailbox, folder), tenant,
						   uidnext ? (int64) uidnext - 1 - last_uid : 0);
	PG_TRY();
	{
		int64		from = last_uid;
		bool		stop = false;

		while (!stop && (uidnext == 0 || from + 1 < (int64) uidnext))
		{
			int64		upto = uidnext ? Min(from + LIST_WINDOW, (int64) uidnext - 1) : 0;

			imap_msg   *got = NULL;

			free(msgs);
			msgs = NULL;
			st = imap_list_after(c, folder, (uint32) from, (uint32) upto, &got, &n, err, sizeof(err));
			msgs = got;
			if (st != IMAP_OK)
			{
				set_error(r->error, sizeof(r->error), err);
				ok = (st != IMAP_CONNECT && st != IMAP_AUTH);
				break;
			}
			for (size_t i = 0; i < n && !stop; i++)
			{
				char	   *data = NULL;
				size_t		len = 0;
				const char *volatile status = NULL;

				CHECK_FOR_INTERRUPTS();
				if (batch > 0 && r->seen >= batch)
				{
					r->more = true;
					stop = true;
					break;
				}
				r->seen++;
				if ((int64) msgs[i].size > max_bytes)
				{
					r->oversize++;
					file_error(mailbox, folder, msgs[i].uid, "54000",
							   psprintf("message of %llu bytes is over the %lld-byte limit and was not downloaded",
										(unsigned long long) msgs[i].size, (long long) max_bytes),
							   "Messages over 50 MB are skipped; save the attachments elsewhere and forward a smaller copy.");
					last_uid = msgs[i].uid;
					continue;
				}
				st = imap_fetch(c, folder, uidvalidity, msgs[i].uid, (size_t) max_bytes, &data, &len, err, sizeof(err));
				if (st == IMAP_TOO_LARGE)
				{
					r->oversize++;
					file_error(mailbox, folder, msgs[i].uid, "54000",
							   psprintf("message is over the %lld-byte limit and was not stored", (long long) max_bytes), NULL);
					last_uid = msgs[i].uid;
					continue;
				}
				if (st == IMAP_CHANGED || st == IMAP_PROTOCOL)
				{
					uint32		v2 = 0,
								nx2 = 0;
					char		err2[256];

					/* renumbered meanwhile: stop, the next sync starts over;
					 * else this one message cannot be fetched (expunged,
					 * refused, malformed): file it and go on */
					if (imap_examine(c, folder, &v2, &nx2, err2, sizeof(err2)) != IMAP_OK || v2 != uidvalidity)
					{
						set_error(r->error, sizeof(r->error), psprintf("UID %u: %s", msgs[i].uid, err));
						r->seen--;
						stop = true;
						break;
					}
					r->failed++;
					file_error(mailbox, folder, msgs[i].uid, "58030",
							   psprintf("message could not be fetched: %s", err), NULL);
					last_uid = msgs[i].uid;
					continue;
				}
				if (st != IMAP_OK)
				{
					/* connection lost: stop; the place stays at the last message stored */
					set_error(r->error, sizeof(r->error), psprintf("UID %u: %s", msgs[i].uid, err));
					ok = false;
					r->seen--;
					stop = true;
					break;
				}
				/* the fetch set \Seen: leave the user's unread mail unread */
				if (!msgs[i].seen)
					(void) imap_unsee(c, folder, msgs[i].uid, err, sizeof(err));
				PG_TRY();
				{
					status = ingest_one(mailbox, folder, msgs[i].uid, data, len);
				}
				PG_FINALLY();
				{
					free(data);
				}
				PG_END_TRY();
				if (status == NULL)
					r->failed++;
				else if (strcmp(status, "duplicate") == 0)
					r->duplicates++;
				else if (strcmp(status, "merged") == 0)
					r->merged++;
				else
					r->stored++;
				last_uid = msgs[i].uid;
				commhub_progress_update("fetching", last_uid - from, r->stored + r->merged, r->failed + r->oversize);
			}
			if (uidnext == 0)
				break;			/* one open-ended listing was everything */
			from = upto;
			if (n > 0 && !stop)
				last_uid = Max(last_uid, (int64) msgs[n - 1].uid);
			else if (!stop)
				last_uid = Max(last_uid, upto);	/* an empty window: nothing there to wait for */
		}
	}
	PG_FINALLY();
	{
		free(msgs);
		msgs = NULL;
		commhub_progress_end();
	}
	PG_END_TRY();
save:
	r->last_uid = last_uid;
	{
		Oid			t2[13] = {TEXTOID, TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT4OID, TEXTOID, INT8OID};
		Datum		a2[13];
		char		nl[14] = "             ";

		a2[0] = args[0];
		a2[1] = args[1];
		a2[2] = args[2];
		a2[3] = Int64GetDatum(r->uidvalidity);
		if (r->uidvalidity == 0)
			nl[3] = 'n';
		a2[4] = Int64GetDatum(last_uid);
		a2[5] = Int64GetDatum(r->seen);
		a2[6] = Int64GetDatum(r->stored);
		a2[7] = Int64GetDatum(r->duplicates);
		a2[8] = Int64GetDatum(r->oversize);
		a2[9] = Int64GetDatum(r->failed);
		a2[10] = Int32GetDatum(r->reset ? 1 : 0);
		a2[11] = r->error[0] ? CStringGetTextDatum(r->error) : (Datum) 0;
		if (!r->error[0])
			nl[11] = 'n';
		a2[12] = Int64GetDatum(r->merged);
		SPI_CACHED("UPDATE commhub.mailbox_folders SET uidvalidity = coalesce($4, uidvalidity), last_uid = $5, "
				   "messages_seen = messages_seen + $6, stored = stored + $7, duplicates = duplicates + $8, "
				   "skipped_oversize = skipped_oversize + $9, failed = failed + $10, resets = resets + $11, "
				   "merged = merged + $13, last_sync_at = now(), last_error = $12 "
				   "WHERE tenant_id = $1 AND mailbox_id = $2 AND folder = $3",
				   13, t2, a2, nl, false, 0);
	}
	return ok;
}

/*
 * Sync a mailbox of tenant inside the current transaction (SPI connected).
 * batch 0: no limit.  Returns the summary; *more if a folder stopped at the
 * batch limit.  The mailbox's row is locked first, so two syncs of one
 * mailbox (the worker and sync_mailbox()) take turns; with skip_locked
 * (the worker) a mailbox another session is syncing is left alone: NULL
 * is returned, for that session may keep its transaction open for long.
 */
static Jsonb *
sync_mailbox(const char *tenant, const char *mailbox, int batch, bool skip_locked, bool *more)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(mailbox)};
	imap_config cfg;
	char	   *url,
			   *user,
			   *password,
			   *ca_file;
	int64		max_bytes;
	Datum	   *folders;
	int			nfolders;
	bool		isnull;
	char		err[512];
	imap_conn  *volatile conn = NULL;
	StringInfoData out;
	const char *volatile status = "ok";
	char		mbox_error[600] = "";

	*more = false;
	if ((skip_locked
		 ? SPI_CACHED("SELECT imap_url, username, password, folders, max_message_bytes, tls_verify, ca_file "
					  "FROM commhub.mailboxes WHERE tenant_id = $1 AND mailbox_id = $2 FOR NO KEY UPDATE SKIP LOCKED",
					  2, types, args, NULL, false, 1)
		 : SPI_CACHED("SELECT imap_url, username, password, folders, max_message_bytes, tls_verify, ca_file "
					  "FROM commhub.mailboxes WHERE tenant_id = $1 AND mailbox_id = $2 FOR NO KEY UPDATE",
					  2, types, args, NULL, false, 1)) != SPI_OK_SELECT)
		elog(ERROR, "commhub: could not read the mailbox");
	if (SPI_processed != 1 && skip_locked)
		return NULL;			/* being synced (or reconfigured) by another session, or gone */
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mailbox_id \"%s\" is not a configured mailbox of tenant \"%s\"", mailbox, tenant),
				 errhint("Configure it with commhub.add_mailbox(mailbox_id, imap_url, username, password).")));
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	td = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

		url = SPI_getvalue(tup, td, 1);
		user = SPI_getvalue(tup, td, 2);
		password = SPI_getvalue(tup, td, 3);
		deconstruct_array(DatumGetArrayTypePCopy(SPI_getbinval(tup, td, 4, &isnull)), TEXTOID, -1, false, TYPALIGN_INT,
						  &folders, NULL, &nfolders);
		max_bytes = DatumGetInt64(SPI_getbinval(tup, td, 5, &isnull));
		cfg.tls_verify = DatumGetBool(SPI_getbinval(tup, td, 6, &isnull));
		ca_file = SPI_getvalue(tup, td, 7);
		MemoryContextSwitchTo(old);
	}
	cfg.url = url;
	cfg.user = user;
	cfg.password = password;
	cfg.ca_file = ca_file;
	cfg.timeout_ms = 120000;	/* below 1 KB/s this long: the connection is dead */
	cfg.should_abort = transfer_should_abort;
	cfg.abort_arg = NULL;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"mailbox_id\": %s, \"folders\": [", json_str(mailbox));
	PG_TRY();
	{
		conn = imap_open(&cfg, err, sizeof(err));
		if (conn == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("imap_url of mailbox \"%s\": %s", mailbox, err),
					 errhint("Use imaps://host[:port] or imap://host[:port].")));
		for (int i = 0; i < nfolders; i++)
		{
			FolderResult r;
			bool		alive;
			char	   *folder = TextDatumGetCString(folders[i]);

			alive = sync_folder(conn, tenant, mailbox, folder, max_bytes, batch, &r);
			if (r.more)
				*more = true;
			if (r.error[0])
				status = alive ? "partial" : "failed";
			if (i > 0)
				appendStringInfoString(&out, ", ");
			appendStringInfo(&out, "{\"folder\": %s, \"uidvalidity\": " INT64_FORMAT ", \"last_uid\": " INT64_FORMAT
							 ", \"seen\": " INT64_FORMAT ", \"stored\": " INT64_FORMAT ", \"merged\": " INT64_FORMAT ", \"duplicates\": " INT64_FORMAT
							 ", \"skipped_oversize\": " INT64_FORMAT ", \"failed\": " INT64_FORMAT ", \"reset\": %s, \"more\": %s",
							 json_str(folder), r.uidvalidity, r.last_uid, r.seen, r.stored, r.merged, r.duplicates, r.oversize, r.failed,
							 r.reset ? "true" : "false", r.more ? "true" : "false");
			if (r.error[0])
			{
				appendStringInfo(&out, ", \"error\": %s", json_str(r.error));
				set_error(mbox_error, sizeof(mbox_error), psprintf("%s: %s", folder, r.error));
			}
			appendStringInfoChar(&out, '}');
			if (!alive)
				break;			/* connection or login failed: the other folders would too */
		}
	}
	PG_FINALLY();
	{
		imap_close(conn);
	}
	PG_END_TRY();
	appendStringInfo(&out, "], \"status\": \"%s\", \"more\": %s}", status, *more ? "true" : "false");
	{
		Oid			t3[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
		Datum		a3[4] = {args[0], args[1], CStringGetTextDatum(status), (Datum) 0};
		char		nl[4] = {' ', ' ', ' ', mbox_error[0] ? ' ' : 'n'};

		if (mbox_error[0])
			a3[3] = CStringGetTextDatum(mbox_error);
		SPI_CACHED("UPDATE commhub.mailboxes SET last_sync_at = now(), last_status = $3, last_error = $4 "
				   "WHERE tenant_id = $1 AND mailbox_id = $2", 4, t3, a3, nl, false, 0);
	}
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}

PG_FUNCTION_INFO_V1(commhub_sync_mailbox);
Datum
commhub_sync_mailbox(PG_FUNCTION_ARGS)
{
	const char *tenant;
	char	   *mailbox;
	bool		more;
	Jsonb	   *res;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mailbox_id must not be NULL"),
				 errhint("Pass the mailbox_id given to commhub.add_mailbox().")));
	mailbox = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (PG_NARGS() > 1 && (PG_ARGISNULL(1) || PG_GETARG_INT32(1) < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_messages must be at least 1"),
				 errhint("Sync in steps of, say, 1000 messages and call again while the result says \"more\": true.")));
	tenant = pstrdup(commhub_tenant());
	SPI_connect();
	res = sync_mailbox(tenant, mailbox, PG_NARGS() > 1 ? PG_GETARG_INT32(1) : 1000, false, &more);
	res = (Jsonb *) SPI_datumTransfer(JsonbPGetDatum(res), false, -1);
	SPI_finish();
	PG_RETURN_JSONB_P(res);
}

/* ------------------------------------------------------------- worker */

void
commhub_mail_worker_init(void)
{
	BackgroundWorker worker;

	DefineCustomBoolVariable("commhub.mail_sync", "Run the mailbox sync background worker.", NULL,
							 &mail_worker_enabled, true, PGC_POSTMASTER, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.mail_batch", "Messages per folder the mail sync worker stores per transaction.",
							NULL, &mail_batch, 200, 1, 100000, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("commhub.mail_poll_interval", "How often the mail sync worker looks for due mailboxes.",
							NULL, &mail_poll_s, 30, 1, 3600, PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	if (!process_shared_preload_libraries_in_progress || !mail_worker_enabled)
		return;
	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 10;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "commhub");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "commhub_mail_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "commhub mail sync");
	snprintf(worker.bgw_type, BGW_MAXLEN, "commhub mail sync");
	RegisterBackgroundWorker(&worker);
}

typedef struct DueMailbox
{
	char		tenant[64 * MAX_MULTIBYTE_CHAR_LEN + 1];		/* varchar(64) */
	char		mailbox[256 * MAX_MULTIBYTE_CHAR_LEN + 1];	/* varchar(256) */
} DueMailbox;

/* The enabled mailboxes whose interval has passed (oldest first), in its own transaction. */
static int
due_mailboxes(DueMailbox *out, int max, bool *ready)
{
	int			n = 0;
	MemoryContext cxt = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "commhub mail sync: looking for due mailboxes");
	/* the extension, at a version that has mailboxes (0.3.0 or later) */
	*ready = SPI_execute("SELECT 1 FROM pg_extension WHERE extname = 'commhub' "
						 "AND to_regclass('commhub.mailboxes') IS NOT NULL", true, 1) == SPI_OK_SELECT
		&& SPI_processed == 1;
	if (*ready &&
		SPI_execute(psprintf("SELECT tenant_id, mailbox_id FROM commhub.mailboxes "
							 "WHERE enabled AND (last_sync_at IS NULL OR last_sync_at + sync_interval <= now()) "
							 "ORDER BY last_sync_at NULLS FIRST LIMIT %d", max), true, 0) == SPI_OK_SELECT)
	{
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			strlcpy(out[n].tenant, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1), sizeof(out[n].tenant));
			strlcpy(out[n].mailbox, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2), sizeof(out[n].mailbox));
			n++;
		}
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	/* the commit leaves TopMemoryContext current: back to the loop's */
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
	return n;
}

/*
 * One mailbox, one transaction; on error the failure is recorded in a new
 * one.  Returns true if a folder stopped at the batch limit; *skipped if
 * another session holds the mailbox.
 */
static bool
worker_sync_one(const DueMailbox *m, bool *skipped)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool more = false;
	volatile bool skip = false;

	PG_TRY();
	{
		bool		mr = false;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		(void) set_config_option("commhub.tenant", m->tenant, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SET, true, 0, false);
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, psprintf("commhub mail sync: %s", m->mailbox));
		skip = sync_mailbox(m->tenant, m->mailbox, mail_batch, true, &mr) == NULL;
		more = mr;
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(LOG, (errmsg("commhub: mail sync of \"%s\" failed: %s", m->mailbox, ed->message ? ed->message : "error")));
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		{
			Oid			t[3] = {TEXTOID, TEXTOID, TEXTOID};
			Datum		a[3] = {CStringGetTextDatum(m->tenant), CStringGetTextDatum(m->mailbox), CStringGetTextDatum(ed->message ? ed->message : "error")};

			SPI_execute_with_args("UPDATE commhub.mailboxes SET last_sync_at = now(), last_status = 'failed', last_error = $3 "
								  "WHERE tenant_id = $1 AND mailbox_id = $2", 3, t, a, NULL, false, 0);
		}
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		FreeErrorData(ed);
		more = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
	*skipped = skip;
	return more;
}

void
commhub_mail_worker_main(Datum arg)
{
	MemoryContext loop_cxt;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	mail_database = GetConfigOptionByName("commhub.database", NULL, false);
	BackgroundWorkerInitializeConnection(mail_database, NULL, 0);
	/* a superuser session: names resolve in pg_catalog only (no operator
	 * or function planted in a schema on the default path can run here) */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
	loop_cxt = AllocSetContextCreate(TopMemoryContext, "commhub mail sync loop", ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		DueMailbox due[16];
		bool		ready = false;
		bool		busy = false;
		int			n;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		old = MemoryContextSwitchTo(loop_cxt);
		n = due_mailboxes(due, lengthof(due), &ready);
		for (int i = 0; i < n; i++)
		{
			bool		skipped = false;

			CHECK_FOR_INTERRUPTS();
			/* a folder stopped at the batch limit: go on at once */
			while (worker_sync_one(&due[i], &skipped))
				CHECK_FOR_INTERRUPTS();
			/* a mailbox another session holds stays due: only the others
			 * make this round busy (else the loop would spin on it) */
			if (!skipped)
				busy = true;
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(loop_cxt);
		if (busy)
			continue;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 (ready ? mail_poll_s : 10) * 1000L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
