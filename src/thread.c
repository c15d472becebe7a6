/*
 * thread.c -- threading (A2) and near-duplicate links (A1) of one record,
 * run by ingest right after the record is written.
 *
 * Threading, by channel:
 *   email   JWZ without a container tree: the thread id is derived from the
 *           thread's ROOT Message-ID (first of References, else In-Reply-To,
 *           else the message's own id), so a reply that arrives before its
 *           parent, a duplicate id or a reference cycle still lands in the
 *           same thread without any lookup.  The parent is the nearest
 *           ancestor that exists (In-Reply-To, then References right to
 *           left); children that arrived earlier are adopted.  Only messages
 *           with no reply headers at all fall back to the normalized subject
 *           plus participant overlap within 30 days.
 *   wechat  per chat (room or pair): same thread while the gap to the previous
 *           message is <= commhub.wecom_thread_gap (30 min); else a new one.
 *   calls   an answered call within 24 h after a missed call from the same
 *           number is its call-back: same thread, parent = the missed call,
 *           and the missed call's follow-up is done.
 *   others  by opportunity_id, else project_id, when given.
 *
 * Near-duplicates (same customer only), each an index lookup bounded by a
 * time window -- never a scan of the customer's history:
 *   content    simhash Hamming distance <= 6 within +-3 days, candidates
 *              from the GIN index on the 4 simhash bands;
 *   attachment the same file hash in another record within +-7 days;
 *   calls      the same external number within +-10 min and durations
 *              within 20% (a CDR and the salesperson's manual log);
 *   meetings   a video meeting and a visit/meeting within +-90 min.
 * The record ingested first stays canonical; the later one points at it
 * through canonical_record_id and both list each other in related_records.
 */
#include "postgres.h"

#include "pg_jansson.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "commhub.h"
#include "thread.h"
#include "sha256.h"
#include "normalize.h"

static char *
thread_id_for(const char *seed)
{
	char		hex[65];

	sha256_hex(seed, strlen(seed), hex);
	return psprintf("T-%.20s", hex);
}

static void
set_thread(const char *record_id, const char *thread_id, const char *parent)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', parent ? ' ' : 'n'};

	args[0] = CStringGetTextDatum(record_id);
	args[1] = CStringGetTextDatum(thread_id);
	args[2] = parent ? CStringGetTextDatum(parent) : (Datum) 0;
	SPI_execute_with_args("UPDATE commhub.customer_communications SET thread_id = $2, parent_record_id = $3 "
						  "WHERE record_id = $1 AND (thread_id IS DISTINCT FROM $2 OR parent_record_id IS DISTINCT FROM $3)",
						  3, types, args, nulls, false, 0);
}

static void
thread_email(const char *record_id, const char *tenant, HeapTuple tup, TupleDesc td)
{
	char	   *message_id = SPI_getvalue(tup, td, 2);
	char	   *in_reply_to = SPI_getvalue(tup, td, 3);
	char	   *root = SPI_getvalue(tup, td, 4);	/* references[1] */
	char	   *customer = SPI_getvalue(tup, td, 5);
	char	   *subject_key = SPI_getvalue(tup, td, 6);
	char	   *ts = SPI_getvalue(tup, td, 7);
	char	   *subject = SPI_getvalue(tup, td, 13);
	char	   *thread;
	char	   *parent = NULL;
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];

	if (root || in_reply_to)
	{
		thread = thread_id_for(psprintf("mail:%s", root ? root : in_reply_to));
		/* Nearest existing ancestor: In-Reply-To, then References right to left. */
		args[0] = CStringGetTextDatum(tenant);
		args[1] = CStringGetTextDatum(record_id);
		SPI_execute_with_args(
							  "SELECT p.record_id, p.thread_id FROM commhub.customer_communications c "
							  "CROSS JOIN LATERAL (SELECT r, o FROM unnest(c.email_references) WITH ORDINALITY AS u(r, o) "
							  "                    UNION ALL SELECT c.in_reply_to, 1000000) AS a(ref, ord) "
							  "JOIN commhub.customer_communications p ON p.tenant_id = $1 AND p.message_id = a.ref "
							  "WHERE c.record_id = $2 AND p.record_id <> c.record_id AND a.ref <> coalesce(c.message_id, '') "
							  "ORDER BY a.ord DESC LIMIT 1",
							  2, types, args, NULL, false, 1);
		if (SPI_processed == 1)
		{
			/* The parent's thread wins over the root-derived id: a reference
			 * cycle or a truncated References list stays one thread. */
			parent = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
			if (SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2))
				thread = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
		}
	}
	else if (message_id)
	{
		thread = thread_id_for(psprintf("mail:%s", message_id));
		/* No reply headers but a reply subject (Re:/回复:/答复:/转发: ...): same
		 * normalized subject, a shared participant, within 30 days, same
		 * customer -> that thread.  A new message without a marker starts
		 * its own conversation even if its subject is common ("报价"). */
		if (subject && norm_subject_is_reply(subject) && subject_key && *subject_key &&
			strcmp(customer, "UNMATCHED") != 0)
		{
			args[0] = CStringGetTextDatum(tenant);
			args[1] = CStringGetTextDatum(record_id);
			args[2] = CStringGetTextDatum(subject_key);
			args[3] = CStringGetTextDatum(ts);
			SPI_execute_with_args(
								  "SELECT p.record_id, p.thread_id FROM commhub.customer_communications p, commhub.customer_communications c "
								  "WHERE c.record_id = $2 AND p.tenant_id = $1 AND p.subject_key = $3 "
								  "AND p.communication_time BETWEEN $4::timestamptz - interval '30 days' AND $4::timestamptz "
								  "AND p.record_id <> c.record_id AND p.customer_id = c.customer_id "
								  "AND p.communication_type = 'email' AND p.identity_keys && c.identity_keys AND p.thread_id IS NOT NULL "
								  "ORDER BY p.communication_time DESC LIMIT 1",
								  4, types, args, NULL, false, 1);
			if (SPI_processed == 1)
			{
				parent = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
				thread = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
			}
		}
	}
	else
		thread = thread_id_for(psprintf("rec:%s", record_id));
	set_thread(record_id, thread, parent);

	/* Adopt replies that arrived before this message (their In-Reply-To or
	 * last reference is this message) and fold their threads into ours. */
	if (message_id)
	{
		Oid			t4[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};

		args[0] = CStringGetTextDatum(tenant);
		args[1] = CStringGetTextDatum(message_id);
		args[2] = CStringGetTextDatum(record_id);
		args[3] = CStringGetTextDatum(thread);
		SPI_execute_with_args(
							  "WITH kids AS ("
							  "  UPDATE commhub.customer_communications c SET parent_record_id = $3 "
							  "   WHERE c.tenant_id = $1 AND c.record_id <> $3 AND c.parent_record_id IS DISTINCT FROM $3 "
							  "     AND (c.in_reply_to = $2 OR c.email_references[cardinality(c.email_references)] = $2) "
							  "     AND c.record_id IS DISTINCT FROM (SELECT m.parent_record_id FROM commhub.customer_communications m WHERE m.record_id = $3) "
							  "  RETURNING c.thread_id) "
							  "UPDATE commhub.customer_communications x SET thread_id = $4 "
							  " WHERE x.tenant_id = $1 AND x.thread_id IN (SELECT thread_id FROM kids WHERE thread_id <> $4)",
							  4, t4, args, NULL, false, 0);
	}
}

static void
thread_chat(const char *record_id, const char *tenant, const char *chat_key, const char *ts)
{
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INT4OID};
	Datum		args[5];
	char	   *thread = NULL;
	char	   *parent = NULL;

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(chat_key);
	args[2] = CStringGetTextDatum(record_id);
	args[3] = DirectFunctionCall3(timestamptz_in, CStringGetDatum(ts), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	args[4] = Int32GetDatum(commhub_wecom_gap_minutes);
	SPI_execute_with_args(
						  "SELECT record_id, thread_id FROM commhub.customer_communications "
						  "WHERE tenant_id = $1 AND chat_key = $2 AND record_id <> $3 AND thread_id IS NOT NULL "
						  "AND communication_time <= $4 AND communication_time >= $4 - make_interval(mins => $5) "
						  "ORDER BY communication_time DESC LIMIT 1",
						  5, types, args, NULL, false, 1);
	if (SPI_processed == 1)
	{
		parent = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		thread = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	}
	else
		thread = thread_id_for(psprintf("chat:%s:%s", chat_key, record_id));
	set_thread(record_id, thread, parent);
}

static void
thread_call(const char *record_id, const char *tenant, const char *number, const char *ts, bool missed)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID};
	Datum		args[4];
	char	   *thread = NULL;
	char	   *parent = NULL;

	if (!missed)
	{
		args[0] = CStringGetTextDatum(tenant);
		args[1] = CStringGetTextDatum(number);
		args[2] = CStringGetTextDatum(record_id);
		args[3] = DirectFunctionCall3(timestamptz_in, CStringGetDatum(ts), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		SPI_execute_with_args(
							  "SELECT record_id, thread_id FROM commhub.customer_communications "
							  "WHERE tenant_id = $1 AND call_number = $2 AND record_id <> $3 AND missed "
							  "AND communication_time < $4 AND communication_time >= $4 - interval '24 hours' "
							  "AND thread_id IS NOT NULL ORDER BY communication_time DESC LIMIT 1",
							  4, types, args, NULL, false, 1);
		if (SPI_processed == 1)
		{
			parent = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
			thread = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
			/* The call-back answers the missed call's follow-up. */
			args[0] = CStringGetTextDatum(parent);
			SPI_execute_with_args("UPDATE commhub.customer_communications SET follow_up_status = 'done' WHERE record_id = $1",
								  1, types, args, NULL, false, 0);
			SPI_execute_with_args("UPDATE commhub.communication_tasks SET status = 'done', completed_at = now(), updated_at = now() "
								  "WHERE record_id = $1 AND status IN ('pending', 'in_progress') AND title LIKE '回拨%'",
								  1, types, args, NULL, false, 0);
		}
	}
	if (!thread)
		thread = thread_id_for(psprintf("call:%s", record_id));
	set_thread(record_id, thread, parent);
}

/* A1: link a near-duplicate to the earlier canonical record. */
static void
link_duplicates(const char *record_id, const char *tenant)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	char	   *canon;
	char	   *why;

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(record_id);
	SPI_execute_with_args(
						  "WITH c AS (SELECT * FROM commhub.customer_communications WHERE record_id = $2 AND customer_id <> 'UNMATCHED' "
						  "           AND canonical_record_id IS NULL) "
						  "SELECT k.record_id, k.why FROM c, LATERAL ("
						  "  (SELECT p.record_id, 'content' AS why, p.id FROM commhub.customer_communications p "
						  "    WHERE c.fp_bands IS NOT NULL AND p.tenant_id = $1 AND p.fp_bands && c.fp_bands "
						  "      AND p.customer_id = c.customer_id AND p.record_id <> c.record_id AND p.id < c.id "
						  "      AND p.canonical_record_id IS NULL "
						  "      AND p.communication_time BETWEEN c.communication_time - interval '3 days' AND c.communication_time + interval '3 days' "
						  "      AND bit_count((p.fingerprint # c.fingerprint)::bit(64)) <= 6 "
						  "      AND length(p.content) >= 20 AND length(c.content) >= 20 "
						  "      AND (p.communication_type <> c.communication_type OR p.source_system <> c.source_system) "
						  "    ORDER BY p.id LIMIT 1) "
						  "  UNION ALL "
						  "  (SELECT p.record_id, 'attachment', p.id FROM commhub.communication_attachments ca "
						  "    JOIN commhub.communication_attachments pa ON pa.tenant_id = $1 AND pa.file_hash = ca.file_hash AND pa.record_id <> ca.record_id "
						  "    JOIN commhub.customer_communications p ON p.record_id = pa.record_id "
						  "    WHERE ca.record_id = c.record_id AND ca.file_hash IS NOT NULL AND p.customer_id = c.customer_id AND p.id < c.id "
						  "      AND p.canonical_record_id IS NULL AND p.communication_type <> c.communication_type "
						  "      AND p.communication_time BETWEEN c.communication_time - interval '7 days' AND c.communication_time + interval '7 days' "
						  "    ORDER BY p.id LIMIT 1) "
						  "  UNION ALL "
						  "  (SELECT p.record_id, 'call', p.id FROM commhub.customer_communications p "
						  "    WHERE c.call_number IS NOT NULL AND p.tenant_id = $1 AND p.call_number = c.call_number "
						  "      AND p.customer_id = c.customer_id "
						  "      AND p.record_id <> c.record_id AND p.id < c.id AND p.canonical_record_id IS NULL "
						  "      AND p.source_system <> c.source_system AND p.missed = c.missed "
						  "      AND p.communication_time BETWEEN c.communication_time - interval '10 minutes' AND c.communication_time + interval '10 minutes' "
						  "      AND abs(coalesce(p.duration, 0) - coalesce(c.duration, 0)) <= greatest(30, 0.2 * greatest(p.duration, c.duration)) "
						  "    ORDER BY p.id LIMIT 1) "
						  "  UNION ALL "
						  "  (SELECT p.record_id, 'meeting', p.id FROM commhub.customer_communications p "
						  "    WHERE c.communication_type IN ('video', 'visit', 'meeting') AND p.tenant_id = $1 "
						  "      AND p.customer_id = c.customer_id AND p.record_id <> c.record_id AND p.id < c.id "
						  "      AND p.canonical_record_id IS NULL AND p.communication_type IN ('video', 'visit', 'meeting') "
						  "      AND (p.communication_type = 'video') <> (c.communication_type = 'video') "
						  "      AND p.communication_time BETWEEN c.communication_time - interval '90 minutes' AND c.communication_time + interval '90 minutes' "
						  "    ORDER BY p.id LIMIT 1) "
						  ") k ORDER BY k.id LIMIT 1",
						  2, types, args, NULL, false, 1);
	if (SPI_processed != 1)
		return;
	canon = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	why = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	{
		Oid			t3[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		a3[3];

		a3[0] = CStringGetTextDatum(record_id);
		a3[1] = CStringGetTextDatum(canon);
		a3[2] = CStringGetTextDatum(why);
		SPI_execute_with_args(
							  "UPDATE commhub.customer_communications c SET canonical_record_id = $2, "
							  "related_records = coalesce(c.related_records, '[]') || jsonb_build_array(jsonb_build_object("
							  "  'record_id', $2, 'relation', 'duplicate_of', 'match', $3)) "
							  "WHERE record_id = $1",
							  3, t3, a3, NULL, false, 0);
		SPI_execute_with_args(
							  "UPDATE commhub.customer_communications p SET related_records = coalesce(p.related_records, '[]') || "
							  "  jsonb_build_array(jsonb_build_object('record_id', $1, 'relation', 'duplicate', 'match', $3, "
							  "    'channel', (SELECT channel FROM commhub.customer_communications WHERE record_id = $1))) "
							  "WHERE record_id = $2 AND NOT coalesce(p.related_records @> jsonb_build_array(jsonb_build_object('record_id', $1)), false)",
							  3, t3, a3, NULL, false, 0);
	}
}

void
commhub_link_record(const char *record_id, const char *tenant)
{
	Oid			types[1] = {TEXTOID};
	Datum		args[1];
	HeapTuple	tup;
	TupleDesc	td;
	char	   *type;
	char	   *chat_key;
	char	   *call_number;
	char	   *ts;
	char	   *opp;
	bool		isnull;
	bool		missed;

	args[0] = CStringGetTextDatum(record_id);
	if (SPI_execute_with_args(
							  "SELECT communication_type, message_id, in_reply_to, email_references[1], customer_id, subject_key, "
							  "communication_time::text, chat_key, call_number, missed, coalesce(opportunity_id, project_id), "
							  "opportunity_id IS NOT NULL, subject "
							  "FROM commhub.customer_communications WHERE record_id = $1",
							  1, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		return;
	tup = SPI_copytuple(SPI_tuptable->vals[0]);
	td = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	type = SPI_getvalue(tup, td, 1);
	ts = SPI_getvalue(tup, td, 7);
	chat_key = SPI_getvalue(tup, td, 8);
	call_number = SPI_getvalue(tup, td, 9);
	missed = DatumGetBool(SPI_getbinval(tup, td, 10, &isnull));
	opp = SPI_getvalue(tup, td, 11);

	if (strcmp(type, "email") == 0)
		thread_email(record_id, tenant, tup, td);
	else if (chat_key)
		thread_chat(record_id, tenant, chat_key, ts);
	else if (call_number && (strcmp(type, "phone") == 0 || strcmp(type, "mobile") == 0))
		thread_call(record_id, tenant, call_number, ts, missed);
	else if (opp)
	{
		bool		is_opp = DatumGetBool(SPI_getbinval(tup, td, 12, &isnull));

		set_thread(record_id, thread_id_for(psprintf("%s:%s", is_opp ? "opp" : "proj", opp)), NULL);
	}
	else
		set_thread(record_id, thread_id_for(psprintf("rec:%s", record_id)), NULL);

	link_duplicates(record_id, tenant);
}
