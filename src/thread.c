/*
 * thread.c -- threading (A2) and near-duplicate links (A1) for a chunk of
 * records being ingested.
 *
 * Threads are decided BEFORE the chunk is inserted (thread_id and
 * parent_record_id go into the INSERT): updating an indexed column right
 * after inserting would write every index twice.  Records of the chunk are
 * visited in time order; lookups go through kept plans and index scans, and
 * per-chunk maps see records of the same chunk that are not inserted yet.
 * The lookups are not read-only: each takes a fresh snapshot, so it sees what
 * earlier ingest() calls of the same statement wrote (SELECT commhub.ingest(..)
 * FROM staging); the statement's own snapshot does not.
 *
 *   email   JWZ without a container tree: the thread id derives from the
 *           thread's ROOT Message-ID (first of References, else In-Reply-To,
 *           else the message's own id), so a reply that arrives before its
 *           parent, a truncated References list or a reference cycle lands
 *           in the same thread without a lookup.  The parent is the nearest
 *           existing ancestor (In-Reply-To, then References right to left),
 *           whose thread wins.  After the insert, replies that arrived
 *           earlier are adopted and their threads folded in (never making
 *           our own parent our child: no parent cycles).  Only messages with
 *           a reply subject (Re:/回复:/答复:/转发: ...) and no reply headers fall
 *           back to the normalized subject + a shared participant (an email
 *           address; not a domain, which all of a customer's mail shares)
 *           within 30 days: two conversations that both say "报价" stay apart.
 *   wechat  per chat (room or pair): same thread while the gap to the
 *           previous message is <= commhub.wecom_thread_gap (30 min); a
 *           late message that bridges two threads joins them after insert.
 *           A chunk first takes a lock per chat it holds (lock_chats), so
 *           concurrent ingests into one chat thread it one after the other.
 *   calls   an answered call within 24 h after a missed call from the same
 *           number is its call-back: same thread, parent = the missed call,
 *           whose follow-up is then done.
 *   others  by opportunity_id, else project_id; else a thread of its own.
 *
 * Near-duplicates (same customer), one set-based query per chunk, each probe
 * an index lookup bounded by a time window -- never a scan of the customer's
 * history: content simhash Hamming distance <= 6 within +-3 days (candidates
 * from idx_comm_timeline, which carries the simhash: fpscan.c), sharing one
 * of the 4 simhash bands; the same attachment hash
 * within +-7 days; the same external number and direction within +-10 min with durations
 * within 20% (a CDR and the salesperson's log); a video meeting and a visit
 * or meeting within +-90 min.  The record ingested first stays canonical;
 * the later one points at it and both list each other in related_records.
 */
#include "postgres.h"

#include "pg_jansson.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "commhub.h"
#include "analyze.h"
#include "thread.h"
#include "spi_cache.h"

#include "normalize.h"
#include "sha256.h"

typedef struct ChunkEntry
{
	char		key[300];
	char		record_id[65];
	char		thread_id[65];
	int64		time_us;
	bool		missed;
	char		customer_id[65];
	Datum		keys;			/* subjects: the email's identity keys (text[]) */
	struct ChunkEntry *older;	/* subjects: earlier emails of the same key */
} ChunkEntry;

/* Do two identity-key arrays share an email address ("email:...")?  Domains
 * do not count: every email of a customer shares its domain and ours. */
static bool
share_address(Datum a, Datum b)
{
	Datum	   *ea,
			   *eb;
	int			na,
				nb;

	if (a == (Datum) 0 || b == (Datum) 0)
		return false;
	deconstruct_array(DatumGetArrayTypeP(a), TEXTOID, -1, false, TYPALIGN_INT, &ea, NULL, &na);
	deconstruct_array(DatumGetArrayTypeP(b), TEXTOID, -1, false, TYPALIGN_INT, &eb, NULL, &nb);
	for (int i = 0; i < na; i++)
	{
		text	   *x = DatumGetTextPP(ea[i]);

		if (VARSIZE_ANY_EXHDR(x) < 6 || memcmp(VARDATA_ANY(x), "email:", 6) != 0)
			continue;
		for (int j = 0; j < nb; j++)
		{
			text	   *y = DatumGetTextPP(eb[j]);

			if (VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) &&
				memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0)
				return true;
		}
	}
	return false;
}

static void
thread_id_for(const char *seed, char out[65])
{
	char		hex[65];

	sha256_hex(seed, strlen(seed), hex);
	snprintf(out, 65, "T-%.20s", hex);
}

static HTAB *
chunk_map(const char *name)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(((ChunkEntry *) 0)->key);
	ctl.entrysize = sizeof(ChunkEntry);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

static ChunkEntry *
chunk_put(HTAB *h, const char *key)
{
	bool		found;

	if (strlen(key) >= sizeof(((ChunkEntry *) 0)->key))
		return NULL;
	return hash_search(h, key, HASH_ENTER, &found);
}

static ChunkEntry *
chunk_get(HTAB *h, const char *key)
{
	if (strlen(key) >= sizeof(((ChunkEntry *) 0)->key))
		return NULL;
	return hash_search(h, key, HASH_FIND, NULL);
}

static int
cmp_time(const void *a, const void *b)
{
	const ThreadIn *x = *(ThreadIn *const *) a;
	const ThreadIn *y = *(ThreadIn *const *) b;

	return x->time_us < y->time_us ? -1 : x->time_us > y->time_us ? 1 : 0;
}

/* ---------------------------------------------------------------- email */

/* an email with a thread root (the first entry of its References) */
static bool
has_root(const ThreadIn *t)
{
	return strcmp(t->type, "email") == 0 && json_array_size(t->references) > 0 &&
		json_string_value(json_array_get(t->references, 0)) != NULL;
}

/* The chunk map's key of t's thread root (its first reference), per
 * customer: a root shared by two customers' mails (a bulk mailing, a ticket
 * system's numbering) does not join their conversations. */
static const char *
root_key(const ThreadIn *t)
{
	return psprintf("\x01%s|%s", t->customer_id, json_string_value(json_array_get(t->references, 0)));
}

/* Is idx_comm_reference_root there (0.11.0's SQL)?  Without it the lookups
 * by a thread's root reference would read the whole table; they are left
 * out until ALTER EXTENSION commhub UPDATE. */
static bool
reference_root_indexed(void)
{
	Oid			nsp = get_namespace_oid("commhub", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("idx_comm_reference_root", nsp));
}

static void
assign_email(ThreadIn *t, const char *tenant, HTAB *mails, HTAB *subjects)
{
	size_t		nrefs = json_array_size(t->references);
	const char *root = nrefs > 0 ? json_string_value(json_array_get(t->references, 0)) : t->in_reply_to;

	if (root || t->in_reply_to)
	{
		/* Candidates nearest first: In-Reply-To, then References right to left. */
		int			ncand = 0;
		const char *cand[66];
		Datum		elems[66];

		thread_id_for(psprintf("mail:%s", root ? root : t->in_reply_to), t->thread_id);
		if (t->in_reply_to && (!t->message_id || strcmp(t->in_reply_to, t->message_id) != 0))
			cand[ncand++] = t->in_reply_to;
		for (size_t i = nrefs; i > 0 && ncand < 65; i--)
		{
			const char *r = json_string_value(json_array_get(t->references, i - 1));

			if (r && (!t->message_id || strcmp(r, t->message_id) != 0))
				cand[ncand++] = r;
		}
		for (int i = 0; i < ncand; i++)
		{
			ChunkEntry *e = chunk_get(mails, cand[i]);

			if (e)
			{
				strlcpy(t->parent, e->record_id, sizeof(t->parent));
				strlcpy(t->thread_id, e->thread_id, sizeof(t->thread_id));
				return;
			}
		}
		if (ncand > 0)
		{
			Oid			types[2] = {TEXTOID, TEXTARRAYOID};
			Datum		args[2];
			int			best = INT_MAX;

			for (int i = 0; i < ncand; i++)
				elems[i] = CStringGetTextDatum(cand[i]);
			args[0] = CStringGetTextDatum(tenant);
			args[1] = PointerGetDatum(construct_array(elems, ncand, TEXTOID, -1, false, TYPALIGN_INT));
			SPI_CACHED("SELECT c.message_id, c.record_id, c.thread_id FROM unnest($2::text[]) AS u(mid) "
					   "CROSS JOIN LATERAL (SELECT * FROM commhub.customer_communications x "
					   "                     WHERE x.tenant_id = $1 AND x.message_id = u.mid OFFSET 0) c",
					   2, types, args, NULL, false, 0);
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				char	   *mid = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);

				for (int i = 0; i < ncand && i < best; i++)
					if (strcmp(cand[i], mid) == 0)
					{
						char	   *th = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3);

						best = i;
						strlcpy(t->parent, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2), sizeof(t->parent));
						if (th)
							strlcpy(t->thread_id, th, sizeof(t->thread_id));
					}
			}
		}
		/*
		 * No parent stored: a message that shares our first reference (the
		 * thread's root, even one never stored -- a ticket system's opening
		 * mail) is of our conversation (JWZ's ghost root).
		 */
		if (!t->parent[0] && nrefs > 0 && root)
		{
			ChunkEntry *e = chunk_get(mails, root_key(t));

			if (e)
				strlcpy(t->thread_id, e->thread_id, sizeof(t->thread_id));
			else if (reference_root_indexed())
			{
				Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
				Datum		args[3];

				args[0] = CStringGetTextDatum(tenant);
				args[1] = CStringGetTextDatum(root);
				args[2] = CStringGetTextDatum(t->customer_id);
				/* the root's messages first (idx_comm_reference_root), then
				 * the oldest: ordered inside, the planner would walk the
				 * time index instead (a partial index's expression has no
				 * statistics) */
				SPI_CACHED("SELECT thread_id FROM (SELECT thread_id, communication_time, id "
						   "  FROM commhub.customer_communications "
						   " WHERE tenant_id = $1 AND cardinality(email_references) > 0 AND email_references[1] = $2 "
						   "   AND customer_id = $3 AND thread_id IS NOT NULL OFFSET 0) s "
						   "ORDER BY communication_time, id LIMIT 1",
						   3, types, args, NULL, false, 1);
				if (SPI_processed == 1)
					strlcpy(t->thread_id, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
							sizeof(t->thread_id));
			}
		}
		return;
	}
	if (t->message_id)
		thread_id_for(psprintf("mail:%s", t->message_id), t->thread_id);
	else
		thread_id_for(psprintf("rec:%s", t->record_id), t->thread_id);

	/* Header-less reply: the subject fallback. */
	if (t->subject && norm_subject_is_reply(t->subject) && t->subject_key && *t->subject_key &&
		strcmp(t->customer_id, "UNMATCHED") != 0)
	{
		char	   *skey = psprintf("%s|%s", t->customer_id, t->subject_key);
		ChunkEntry *e = chunk_get(subjects, skey);
		Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTARRAYOID};
		Datum		args[5];

		/* the chunk's emails of this subject, newest first */
		for (; e && t->time_us - e->time_us <= INT64CONST(30) * 86400 * 1000000; e = e->older)
			if (share_address(t->identity_keys, e->keys))
			{
				strlcpy(t->parent, e->record_id, sizeof(t->parent));
				strlcpy(t->thread_id, e->thread_id, sizeof(t->thread_id));
				return;
			}
		args[0] = CStringGetTextDatum(tenant);
		args[1] = CStringGetTextDatum(t->customer_id);
		args[2] = CStringGetTextDatum(t->subject_key);
		args[3] = TimestampTzGetDatum(PG_FROM_UNIX_US(t->time_us));
		args[4] = t->identity_keys;
		SPI_CACHED("SELECT p.record_id, p.thread_id FROM commhub.customer_communications p "
				   "WHERE p.tenant_id = $1 AND p.subject_key = $3 AND p.customer_id = $2 "
				   "AND p.communication_time BETWEEN $4 - interval '30 days' AND $4 "
				   "AND p.communication_type = 'email' AND p.thread_id IS NOT NULL "
				   "AND p.identity_keys && ARRAY(SELECT k FROM unnest($5::text[]) AS k WHERE k LIKE 'email:%') "
				   "ORDER BY p.communication_time DESC LIMIT 1",
				   5, types, args, NULL, false, 1);
		if (SPI_processed == 1)
		{
			strlcpy(t->parent, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), sizeof(t->parent));
			strlcpy(t->thread_id, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), sizeof(t->thread_id));
		}
	}
}

/* --------------------------------------------------------------- wechat */

/* The stored message a chat message follows, when no earlier message of
 * the chunk is within the gap: looked up for the whole chunk at once
 * (prefetch_chats) before the chunk's messages are visited. */
typedef struct ChatPrev
{
	bool		looked;			/* a stored message was looked for */
	bool		found;
	char		record_id[65];
	char		thread_id[65];
} ChatPrev;

static void
assign_chat(ThreadIn *t, const ChatPrev *prev, HTAB *chats)
{
	int64		gap = (int64) commhub_wecom_gap_minutes * 60 * 1000000;
	ChunkEntry *e = chunk_get(chats, t->chat_key);

	if (e && t->time_us >= e->time_us && t->time_us - e->time_us <= gap)
	{
		strlcpy(t->parent, e->record_id, sizeof(t->parent));
		strlcpy(t->thread_id, e->thread_id, sizeof(t->thread_id));
	}
	else
	{
		/* no earlier message of the chunk within the gap: a stored one may be */
		Assert(prev->looked);
		if (prev->found)
		{
			strlcpy(t->parent, prev->record_id, sizeof(t->parent));
			strlcpy(t->thread_id, prev->thread_id, sizeof(t->thread_id));
		}
	}
	if (!t->thread_id[0])
		thread_id_for(psprintf("chat:%s:%s", t->chat_key, t->record_id), t->thread_id);
	e = chunk_put(chats, t->chat_key);
	if (e)
	{
		strlcpy(e->record_id, t->record_id, sizeof(e->record_id));
		strlcpy(e->thread_id, t->thread_id, sizeof(e->thread_id));
		e->time_us = t->time_us;
	}
}

/*
 * Which chat messages of the chunk (in time order) will look for a stored
 * predecessor -- those with no earlier message of the chunk in the same chat
 * within the gap, which depends on the chunk's times alone -- and that
 * lookup for all of them in one statement: per message, the latest stored
 * message of its chat within the gap before it (as assign_chat looked it
 * up one by one; nothing is written between those lookups).
 */
/* a record threaded per chat (a WeCom chat; mail has its own threading) */
static inline bool
in_chat(const ThreadIn *t)
{
	return t->chat_key != NULL && strcmp(t->type, "email") != 0;
}

static void
prefetch_chats(ThreadIn **order, int n, const char *tenant, ChatPrev *prev)
{
	int64		gap = (int64) commhub_wecom_gap_minutes * 60 * 1000000;
	HTAB	   *last = chunk_map("commhub chunk chat times");
	Datum	   *keys = palloc(sizeof(Datum) * (n + 1));
	Datum	   *times = palloc(sizeof(Datum) * (n + 1));
	Datum	   *rids = palloc(sizeof(Datum) * (n + 1));
	int		   *pos = palloc(sizeof(int) * (n + 1));
	int			nq = 0;

	for (int i = 0; i < n; i++)
	{
		ThreadIn   *t = order[i];
		ChunkEntry *e;

		prev[i].looked = prev[i].found = false;
		if (!in_chat(t))
			continue;
		e = chunk_get(last, t->chat_key);
		if (!(e && t->time_us >= e->time_us && t->time_us - e->time_us <= gap))
		{
			prev[i].looked = true;
			keys[nq] = CStringGetTextDatum(t->chat_key);
			times[nq] = TimestampTzGetDatum(PG_FROM_UNIX_US(t->time_us));
			rids[nq] = CStringGetTextDatum(t->record_id);
			pos[nq++] = i;
		}
		e = chunk_put(last, t->chat_key);
		if (e)
			e->time_us = t->time_us;
	}
	hash_destroy(last);
	if (nq > 0)
	{
		Oid			types[5] = {TEXTOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, INT4OID};
		Datum		args[5];

		args[0] = CStringGetTextDatum(tenant);
		args[1] = PointerGetDatum(construct_array(keys, nq, TEXTOID, -1, false, TYPALIGN_INT));
		args[2] = PointerGetDatum(construct_array(times, nq, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[3] = PointerGetDatum(construct_array(rids, nq, TEXTOID, -1, false, TYPALIGN_INT));
		args[4] = Int32GetDatum(commhub_wecom_gap_minutes);
		SPI_CACHED("SELECT u.ord, x.record_id, x.thread_id "
				   "FROM unnest($2::text[], $3::timestamptz[], $4::text[]) WITH ORDINALITY AS u(ck, t, rid, ord) "
				   "CROSS JOIN LATERAL (SELECT record_id, thread_id FROM commhub.customer_communications "
				   "  WHERE tenant_id = $1 AND chat_key = u.ck AND thread_id IS NOT NULL AND record_id <> u.rid "
				   "  AND communication_time <= u.t AND communication_time >= u.t - make_interval(mins => $5) "
				   "  ORDER BY communication_time DESC LIMIT 1) x",
				   5, types, args, NULL, false, 0);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			bool		isnull;
			int64		ord = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
			ChatPrev   *p;

			if (isnull || ord < 1 || ord > nq)
				elog(ERROR, "commhub: unexpected chat lookup row");
			p = &prev[pos[ord - 1]];
			p->found = true;
			strlcpy(p->record_id, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2), sizeof(p->record_id));
			strlcpy(p->thread_id, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3), sizeof(p->thread_id));
		}
	}
	pfree(keys);
	pfree(times);
	pfree(rids);
	pfree(pos);
}

/* ---------------------------------------------------------------- calls */

/* The one row of a call lookup (record_id, thread_id, missed) is a missed call with a thread. */
static bool
missed_and_threaded(SPITupleTable *tt)
{
	bool		isnull;
	Datum		m = SPI_getbinval(tt->vals[0], tt->tupdesc, 3, &isnull);

	if (isnull || !DatumGetBool(m))
		return false;
	(void) SPI_getbinval(tt->vals[0], tt->tupdesc, 2, &isnull);
	return !isnull;
}

static void
assign_call(ThreadIn *t, const char *tenant, HTAB *calls)
{
	/* our unanswered attempt to call back: of the missed call's thread, but
	 * it calls nothing back, and the call-back after it still does */
	bool		attempt = t->missed && t->outbound;

	if (!t->missed || attempt)
	{
		ChunkEntry *e = chunk_get(calls, t->call_number);

		if (e && e->missed && t->time_us > e->time_us && t->time_us - e->time_us <= INT64CONST(86400) * 1000000)
		{
			strlcpy(t->parent, e->record_id, sizeof(t->parent));
			strlcpy(t->thread_id, e->thread_id, sizeof(t->thread_id));
			t->callback = !attempt;
		}
		else if (!e)
		{
			Oid			types[4] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTOID};
			Datum		args[4];

			args[0] = CStringGetTextDatum(tenant);
			args[1] = CStringGetTextDatum(t->call_number);
			args[2] = TimestampTzGetDatum(PG_FROM_UNIX_US(t->time_us));
			args[3] = CStringGetTextDatum(t->record_id);
			/* the latest call on the number, as the chunk map holds it: a
			 * call-back only if that one was missed (a missed call has one
			 * call-back, not every call of the next 24 h) */
			SPI_CACHED("SELECT record_id, thread_id, missed FROM commhub.customer_communications "
					   "WHERE tenant_id = $1 AND call_number = $2 AND record_id <> $4 "
					   "AND communication_time < $3 AND communication_time >= $3 - interval '24 hours' "
					   "AND NOT (missed AND direction = 'outbound') "
					   "ORDER BY communication_time DESC LIMIT 1",
					   4, types, args, NULL, false, 1);
			if (SPI_processed == 1 && missed_and_threaded(SPI_tuptable))
			{
				strlcpy(t->parent, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), sizeof(t->parent));
				strlcpy(t->thread_id, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), sizeof(t->thread_id));
				t->callback = !attempt;
			}
		}
	}
	if (!t->thread_id[0])
		thread_id_for(psprintf("call:%s", t->record_id), t->thread_id);
	if (!attempt)
	{
		ChunkEntry *e = chunk_put(calls, t->call_number);

		if (e)
		{
			strlcpy(e->record_id, t->record_id, sizeof(e->record_id));
			strlcpy(e->thread_id, t->thread_id, sizeof(e->thread_id));
			e->time_us = t->time_us;
			e->missed = t->missed;
		}
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a,
				y = *(const uint64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * One transaction-level lock per chat of the chunk, taken before its
 * threads are decided and held to commit.  Without it, sessions ingesting
 * messages of one chat in different orders (webhook retries, two archive
 * pullers) each folded the chat's threads after their insert
 * (join_late_chat), updating the same rows in different orders: 40P01
 * (test/e2e/concurrent_ingest.sh, about once in 30 runs).  With it they
 * thread the chat one after the other, and each sees what the one before
 * committed.  The locks are advisory locks in commhub's own space (the
 * fourth field of the tag, COMMHUB_CHAT_LOCK, is never 1 or 2 as for
 * pg_advisory_lock; pg_locks shows it as objsubid), keyed by a 64-bit hash
 * of tenant and chat, taken in hash order: two chunks never wait for each
 * other's chats in a cycle.  (Chunks of one batch keep theirs while the
 * next chunk runs: see cmp_item_record_id in ingest.c on batches of more
 * than one chunk.)
 */
#define COMMHUB_CHAT_LOCK 0x4348
/*
 * At most this many chat locks per transaction: they live in the shared
 * lock table (max_locks_per_transaction x connections, about 7,000 entries
 * by default), and one import of 10,000 chats would otherwise fail with
 * "out of shared memory".  Chats beyond it are threaded unlocked, as before
 * the locks (a rare 40P01 under concurrent writes to the same chat).
 */
#define COMMHUB_MAX_CHAT_LOCKS 1000
static LocalTransactionId chat_locks_lxid = InvalidLocalTransactionId;
static int	chat_locks_held = 0;

static void
lock_chats(ThreadIn *in, int n, const char *tenant)
{
	uint64	   *h = palloc(sizeof(uint64) * (n + 1));
	uint64		seed = hash_bytes_extended((const unsigned char *) tenant, strlen(tenant), 0);
	int			k = 0;

	if (chat_locks_lxid != MyProc->lxid)
	{
		chat_locks_lxid = MyProc->lxid;
		chat_locks_held = 0;
	}

	for (int i = 0; i < n; i++)
		if (in_chat(&in[i]))
			h[k++] = hash_bytes_extended((const unsigned char *) in[i].chat_key, strlen(in[i].chat_key), seed);
		else if (has_root(&in[i]))
		{
			/* two sessions storing mails of one thread root: the second
			 * waits, then finds the first's (assign_email, and the fold
			 * after the insert) */
			const char *rk = root_key(&in[i]);

			h[k++] = hash_bytes_extended((const unsigned char *) rk, strlen(rk), seed);
		}
	qsort(h, k, sizeof(uint64), cmp_u64);
	for (int i = 0; i < k; i++)
	{
		LOCKTAG		tag;

		if (i > 0 && h[i] == h[i - 1])
			continue;
		SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (h[i] >> 32), (uint32) h[i], COMMHUB_CHAT_LOCK);
		if (chat_locks_held >= COMMHUB_MAX_CHAT_LOCKS)
			break;
		if (LockAcquire(&tag, ExclusiveLock, false, false) == LOCKACQUIRE_OK)
			chat_locks_held++;
	}
	pfree(h);
}

void
commhub_thread_assign(ThreadIn *in, int n, const char *tenant)
{
	ThreadIn  **order = palloc(sizeof(ThreadIn *) * (n + 1));
	HTAB	   *mails = chunk_map("commhub chunk mails");
	HTAB	   *subjects = chunk_map("commhub chunk subjects");
	HTAB	   *chats = chunk_map("commhub chunk chats");
	HTAB	   *calls = chunk_map("commhub chunk calls");
	ChatPrev   *chat_prev = palloc(sizeof(ChatPrev) * (n + 1));

	lock_chats(in, n, tenant);
	for (int i = 0; i < n; i++)
		order[i] = &in[i];
	qsort(order, n, sizeof(ThreadIn *), cmp_time);
	prefetch_chats(order, n, tenant, chat_prev);
	for (int i = 0; i < n; i++)
	{
		ThreadIn   *t = order[i];

		t->thread_id[0] = t->parent[0] = '\0';
		t->callback = false;
		if (strcmp(t->type, "email") == 0)
		{
			assign_email(t, tenant, mails, subjects);
			if (t->message_id)
			{
				ChunkEntry *e = chunk_put(mails, t->message_id);

				if (e)
				{
					strlcpy(e->record_id, t->record_id, sizeof(e->record_id));
					strlcpy(e->thread_id, t->thread_id, sizeof(e->thread_id));
				}
			}
			/* the chunk's first thread of each root reference */
			if (has_root(t))
			{
				const char *rk = root_key(t);

				if (!chunk_get(mails, rk))
				{
					ChunkEntry *e = chunk_put(mails, rk);

					if (e)
					{
						e->record_id[0] = '\0';
						strlcpy(e->thread_id, t->thread_id, sizeof(e->thread_id));
					}
				}
			}
			if (t->subject_key && *t->subject_key && strcmp(t->customer_id, "UNMATCHED") != 0)
			{
				char	   *skey = psprintf("%s|%s", t->customer_id, t->subject_key);
				ChunkEntry *prev = chunk_get(subjects, skey);
				ChunkEntry *older = NULL;
				ChunkEntry *e;

				if (prev)
				{
					older = palloc(sizeof(ChunkEntry));
					memcpy(older, prev, sizeof(ChunkEntry));
				}
				e = chunk_put(subjects, skey);
				if (e)
				{
					e->keys = t->identity_keys;
					e->older = older;
					strlcpy(e->record_id, t->record_id, sizeof(e->record_id));
					strlcpy(e->thread_id, t->thread_id, sizeof(e->thread_id));
					e->time_us = t->time_us;
				}
			}
		}
		else if (t->chat_key)
			assign_chat(t, &chat_prev[i], chats);
		else if (t->call_number && (strcmp(t->type, "phone") == 0 || strcmp(t->type, "mobile") == 0))
			assign_call(t, tenant, calls);
		else if (t->opportunity_id)
			thread_id_for(psprintf("opp:%s", t->opportunity_id), t->thread_id);
		else if (t->project_id)
			thread_id_for(psprintf("proj:%s", t->project_id), t->thread_id);
		else
			thread_id_for(psprintf("rec:%s", t->record_id), t->thread_id);
	}
	hash_destroy(mails);
	hash_destroy(subjects);
	hash_destroy(chats);
	hash_destroy(calls);
	pfree(chat_prev);
	pfree(order);
}

/* ---------------------------------------------------------- after insert */

/*
 * "Record <a> names message <m> as its nearest parent": its In-Reply-To,
 * or, without one, the last entry of its References (what assign_email
 * tries first).  Both arms are partial indexes: idx_comm_in_reply_to and
 * idx_comm_last_reference.
 */
#define REPLY_TO_SQL(a, m) \
	"(" a ".in_reply_to = " m " OR (" a ".in_reply_to IS NULL AND cardinality(" a ".email_references) > 0 " \
	"AND " a ".email_references[cardinality(" a ".email_references)] = " m "))"

static uint64
adopt_replies(ThreadIn *t, const char *tenant)
{
/*
 * Every ancestor of record $3: a reply to us that is also our parent, or
 * its parent, ... (a -> c, b -> a, c -> b: mail loops, clients that set
 * In-Reply-To wrongly) is not adopted, so parents never form a cycle.
 * UNION ends the walk on a cycle stored before.
 */
#define ANCESTORS_OF_3 \
	"WITH RECURSIVE anc(rid) AS (" \
	"  SELECT m.parent_record_id FROM commhub.customer_communications m WHERE m.record_id = $3 " \
	"  UNION SELECT p.parent_record_id FROM commhub.customer_communications p JOIN anc ON p.record_id = anc.rid" \
	") SELECT rid FROM anc WHERE rid IS NOT NULL"

	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];
	uint64		folded;

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(t->message_id);
	args[2] = CStringGetTextDatum(t->record_id);
	args[3] = CStringGetTextDatum(t->thread_id);
	/*
	 * Two statements: the threads of the replies fold first (the replies
	 * themselves included), then the replies get their parent.  As one
	 * statement (UPDATE ... FROM a data-modifying CTE) the fold skipped the
	 * rows the CTE had just updated -- the replies stayed in their thread.
	 */
	SPI_CACHED("UPDATE commhub.customer_communications x SET thread_id = $4 "
			   " WHERE x.tenant_id = $1 AND x.thread_id <> $4 AND x.thread_id IN ("
			   "   SELECT c.thread_id FROM commhub.customer_communications c "
			   "    WHERE c.tenant_id = $1 AND " REPLY_TO_SQL("c", "$2") " AND c.record_id <> $3 "
			   "      AND c.record_id NOT IN (" ANCESTORS_OF_3 "))",
			   4, types, args, NULL, false, 0);
	folded = SPI_processed;
	SPI_CACHED("UPDATE commhub.customer_communications c SET parent_record_id = $3 "
			   " WHERE c.tenant_id = $1 AND " REPLY_TO_SQL("c", "$2") " AND c.record_id <> $3 "
			   "   AND c.parent_record_id IS DISTINCT FROM $3 "
			   "   AND c.record_id NOT IN (" ANCESTORS_OF_3 ")",
			   3, types, args, NULL, false, 0);
#undef ANCESTORS_OF_3
	return folded;
}

/*
 * A WeCom message that came late may bridge two threads of its chat: the
 * next stored message within the gap after it started a thread of its own
 * (the gap from the one before was too long) or has an older parent.  That
 * message becomes its child and its thread folds into ours.  One lookup for
 * the chunk; the rows it returns (late arrivals only) are fixed one by one,
 * reading the threads as they are by then.
 */
static void
join_late_chat(ThreadIn *in, int n, const char *tenant)
{
	Oid			types[5] = {TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, INT4OID};
	Datum		args[5];
	Datum	   *rids = palloc(sizeof(Datum) * (n + 1));
	Datum	   *keys = palloc(sizeof(Datum) * (n + 1));
	Datum	   *times = palloc(sizeof(Datum) * (n + 1));
	int			nchat = 0;
	SPITupleTable *tt;
	uint64		nrows;

	for (int i = 0; i < n; i++)
		if (in_chat(&in[i]))
		{
			rids[nchat] = CStringGetTextDatum(in[i].record_id);
			keys[nchat] = CStringGetTextDatum(in[i].chat_key);
			times[nchat++] = TimestampTzGetDatum(PG_FROM_UNIX_US(in[i].time_us));
		}
	if (nchat == 0)
		return;
	args[0] = CStringGetTextDatum(tenant);
	args[1] = PointerGetDatum(construct_array(rids, nchat, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(keys, nchat, TEXTOID, -1, false, TYPALIGN_INT));
	args[3] = PointerGetDatum(construct_array(times, nchat, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[4] = Int32GetDatum(commhub_wecom_gap_minutes);
	SPI_CACHED("SELECT u.rid, nx.record_id FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS u(rid, ck, t) "
			   "JOIN commhub.customer_communications me ON me.record_id = u.rid "
			   "CROSS JOIN LATERAL (SELECT x.record_id, x.thread_id, x.parent_record_id FROM commhub.customer_communications x "
			   "                     WHERE x.tenant_id = $1 AND x.chat_key = u.ck AND x.record_id <> u.rid "
			   "                       AND x.communication_time > u.t AND x.communication_time <= u.t + make_interval(mins => $5) "
			   "                     ORDER BY x.communication_time LIMIT 1) nx "
			   "WHERE nx.thread_id IS DISTINCT FROM me.thread_id OR nx.parent_record_id IS DISTINCT FROM u.rid "
			   "ORDER BY u.t",
			   5, types, args, NULL, false, 0);
	tt = SPI_tuptable;
	nrows = SPI_processed;
	for (uint64 r = 0; r < nrows; r++)
	{
		Oid			t3[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		a3[3];

		a3[0] = CStringGetTextDatum(tenant);
		a3[1] = CStringGetTextDatum(SPI_getvalue(tt->vals[r], tt->tupdesc, 1));
		a3[2] = CStringGetTextDatum(SPI_getvalue(tt->vals[r], tt->tupdesc, 2));
		SPI_CACHED("UPDATE commhub.customer_communications x SET thread_id = me.thread_id "
				   "  FROM commhub.customer_communications me, commhub.customer_communications nx "
				   " WHERE me.record_id = $2 AND nx.record_id = $3 "
				   "   AND x.tenant_id = $1 AND x.thread_id = nx.thread_id AND nx.thread_id <> me.thread_id",
				   3, t3, a3, NULL, false, 0);
		SPI_CACHED("UPDATE commhub.customer_communications SET parent_record_id = $2 "
				   " WHERE record_id = $3 AND tenant_id = $1 AND parent_record_id IS DISTINCT FROM $2",
				   3, t3, a3, NULL, false, 0);
	}
}

/* Missed calls answered by a call-back in this chunk: follow-up done.  (The
 * call-back tasks of a missed call inserted in the same chunk were inserted
 * done already: split_answered_callbacks in ingest.c.) */
static void
close_missed_calls(ThreadIn *in, int n)
{
	Oid			types[1] = {TEXTOID};
	Datum		args[1];
	Datum	   *ids = palloc(sizeof(Datum) * (n + 1));
	int			nids = 0;

	for (int i = 0; i < n; i++)
		if (in[i].callback && in[i].parent[0])
			ids[nids++] = CStringGetTextDatum(in[i].parent);
	if (nids == 0)
		return;
	types[0] = TEXTARRAYOID;
	args[0] = PointerGetDatum(construct_array(ids, nids, TEXTOID, -1, false, TYPALIGN_INT));
	/* Driven from unnest(): one index probe per missed call. */
	SPI_CACHED("UPDATE commhub.customer_communications c SET follow_up_status = 'done' "
			   "FROM (SELECT DISTINCT rid FROM unnest($1::text[]) AS u(rid)) u WHERE c.record_id = u.rid",
			   1, types, args, NULL, false, 0);
	SPI_CACHED("UPDATE commhub.communication_tasks t SET status = 'done', completed_at = now(), updated_at = now() "
			   "FROM (SELECT DISTINCT rid FROM unnest($1::text[]) AS u(rid)) u "
			   /* IS TRUE: not a proof of idx_task_open's predicate, which
			    * a plan without statistics would read whole per record */
			   "WHERE t.record_id = u.rid AND (t.status IN ('pending', 'in_progress')) IS TRUE AND t.title LIKE '回拨%'",
			   1, types, args, NULL, false, 0);
}

/* One set-based query finds the canonical record of every new near-duplicate. */
/* A set of record ids (each under 65 bytes) in the current context. */
static HTAB *
record_id_set(const char *name, long n)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = 65;
	ctl.entrysize = 65;
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, Max(n, 4), &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/* Is commhub.fingerprint_neighbours there (0.8.0's SQL)?  The library may
 * be newer than the extension's SQL until ALTER EXTENSION commhub UPDATE. */
static bool
fingerprint_neighbours_exists(void)
{
	Oid			argtypes[9] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT4OID, INT4OID,
							   TEXTOID, TEXTOID};

	return OidIsValid(LookupFuncName(list_make2(makeString("commhub"), makeString("fingerprint_neighbours")),
									 9, argtypes, true));
}

/* link_duplicates' query: the probe records (head), the content rule (two
 * forms, see below), the attachment, call and meeting rules (tail). */
#define DEDUP_HEAD \
				   "SELECT c.record_id, k.record_id, k.why, c.id FROM unnest($2::int4[]) AS u(id) " \
				   "CROSS JOIN LATERAL (SELECT * FROM commhub.customer_communications x WHERE x.id = u.id OFFSET 0) c " \
				   "CROSS JOIN LATERAL (" \
				   "  SELECT * FROM ("
#define DEDUP_CONTENT \
				   /* the customer's records of the +-3 days whose fingerprint is \
				    * within 6 bits: fingerprint_neighbours (fpscan.c) reads them \
				    * from idx_comm_timeline, which carries the fingerprint, \
				    * testing it before visibility and leaving out the probe's \
				    * own channel and source; only those few candidates are \
				    * read again for the remaining conditions */ \
				   "  (SELECT p.record_id, 'content' AS why, p.id FROM commhub.customer_communications p " \
				   "    WHERE c.fp_bands IS NOT NULL AND length(c.content) >= 20 " \
				   "      AND p.id = ANY (commhub.fingerprint_neighbours($1, c.customer_id, c.communication_time - interval '3 days', " \
				   "                                                     c.communication_time + interval '3 days', c.fingerprint, c.id, 6, " \
				   "                                                     c.communication_type, c.source_system)) " \
				   "      AND p.canonical_record_id IS NULL AND p.fp_bands && c.fp_bands AND length(p.content) >= 20 " \
				   "      AND (p.communication_type <> c.communication_type OR p.source_system <> c.source_system) " \
				   "    ORDER BY p.id + 0 LIMIT 1) "
#define DEDUP_CONTENT_0_7 \
				   /* 0.7.0's schema (the library is newer than the extension's \
				    * SQL until ALTER EXTENSION ... UPDATE): an index-only range \
				    * scan, whose visibility test comes before the filter */ \
				   "  (SELECT p.record_id, 'content' AS why, p.id " \
				   "     FROM (SELECT q.id FROM commhub.customer_communications q " \
				   "            WHERE c.fp_bands IS NOT NULL AND length(c.content) >= 20 AND q.tenant_id = $1 AND q.customer_id = c.customer_id " \
				   "              AND q.communication_time BETWEEN c.communication_time - interval '3 days' AND c.communication_time + interval '3 days' " \
				   "              AND q.id < c.id AND bit_count((q.fingerprint # c.fingerprint)::bit(64)) <= 6 " \
				   "            ORDER BY q.communication_time, q.id OFFSET 0) q " \
				   "     JOIN commhub.customer_communications p ON p.id = q.id " \
				   "    WHERE p.canonical_record_id IS NULL AND p.fp_bands && c.fp_bands AND length(p.content) >= 20 " \
				   "      AND (p.communication_type <> c.communication_type OR p.source_system <> c.source_system) " \
				   "    ORDER BY p.id + 0 LIMIT 1) "
#define DEDUP_TAIL \
				   "  UNION ALL " \
				   "  (SELECT p.record_id, 'attachment', p.id FROM commhub.communication_attachments ca " \
				   "    CROSS JOIN LATERAL (SELECT pa.record_id FROM commhub.communication_attachments pa " \
				   "                         WHERE pa.tenant_id = $1 AND pa.file_hash = ca.file_hash AND pa.record_id <> ca.record_id LIMIT 20) pa " \
				   "    JOIN commhub.customer_communications p ON p.record_id = pa.record_id " \
				   "    WHERE c.attachment_count > 0 AND ca.record_id = c.record_id AND ca.file_hash IS NOT NULL " \
				   "      AND p.customer_id = c.customer_id AND p.id < c.id AND p.canonical_record_id IS NULL " \
				   "      AND p.communication_type <> c.communication_type " \
				   "      AND p.communication_time BETWEEN c.communication_time - interval '7 days' AND c.communication_time + interval '7 days' " \
				   "    ORDER BY p.id + 0 LIMIT 1) " \
				   "  UNION ALL " \
				   /* the candidates in the call index's order, the lowest id \
				    * of them: on a table without statistics yet every index \
				    * of the tenant costs the same, and one that reads the \
				    * whole tenant per record (natural key) was picked; a \
				    * sort it would need breaks the tie */ \
				   "  (SELECT p.record_id, 'call', p.id FROM (SELECT p.record_id, p.id FROM commhub.customer_communications p " \
				   "    WHERE c.call_number IS NOT NULL AND p.tenant_id = $1 AND p.call_number = c.call_number " \
				   "      AND p.customer_id = c.customer_id AND p.id < c.id AND p.canonical_record_id IS NULL " \
				   "      AND p.source_system <> c.source_system AND p.missed = c.missed " \
				   "      AND (p.direction IS NULL OR c.direction IS NULL OR p.direction = c.direction) " \
				   "      AND p.communication_time BETWEEN c.communication_time - interval '10 minutes' AND c.communication_time + interval '10 minutes' " \
				   "      AND abs(coalesce(p.duration, 0) - coalesce(c.duration, 0)) <= greatest(30, 0.2 * greatest(p.duration, c.duration)) " \
				   "    ORDER BY p.communication_time OFFSET 0) p ORDER BY p.id + 0 LIMIT 1) " \
				   "  UNION ALL " \
				   "  (SELECT p.record_id, 'meeting', p.id FROM (SELECT p.record_id, p.id FROM commhub.customer_communications p " \
				   "    WHERE c.communication_type IN ('video', 'visit', 'meeting') AND p.tenant_id = $1 " \
				   "      AND p.customer_id = c.customer_id AND p.id < c.id AND p.canonical_record_id IS NULL " \
				   /* not an index condition: idx_comm_type would read every \
				    * meeting of the tenant; the customer's 3 hours are few */ \
				   "      AND (p.communication_type IN ('video', 'visit', 'meeting')) IS TRUE " \
				   "      AND (p.communication_type = 'video') <> (c.communication_type = 'video') " \
				   "      AND p.communication_time BETWEEN c.communication_time - interval '90 minutes' AND c.communication_time + interval '90 minutes' " \
				   /* the same meeting: the two overlap in time (each at least \
				    * 15 minutes long); a 09:00 video call and a 10:30 visit \
				    * are two meetings */ \
				   "      AND p.communication_time < c.communication_time + make_interval(secs => greatest(coalesce(c.duration, 0), 900)) " \
				   "      AND c.communication_time < p.communication_time + make_interval(secs => greatest(coalesce(p.duration, 0), 900)) " \
				   "    ORDER BY p.communication_time OFFSET 0) p ORDER BY p.id + 0 LIMIT 1) " \
				   "  ) u ORDER BY u.id LIMIT 1) k " \
				   "WHERE c.tenant_id = $1 AND c.canonical_record_id IS NULL"

/*
 * Link the records ids[0..nids) (canonical ones; others are skipped by the
 * query) to the older record each duplicates, if any.  ids is overwritten.
 */
static void
link_ids(Datum *ids, int nids, const char *tenant)
{
	Oid			types[2] = {TEXTOID, INT4ARRAYOID};
	Datum		args[2];
	SPITupleTable *tt;
	uint64		nmatch;
	bool		have_fn;

	args[0] = CStringGetTextDatum(tenant);
	have_fn = nids > 0 && fingerprint_neighbours_exists();
	/*
	 * The query sees the chunk as it was before any of its links: a record
	 * could be linked to one that the same pass links to another (a chain,
	 * c -> b -> a), which ingesting them one by one never does -- by then b
	 * is no longer canonical.  So a link whose target is itself linked in
	 * this pass waits, and the waiting records are looked up again once the
	 * others are written.  The lowest-id record linked in a pass always
	 * links to a record not linked in it, so each pass settles some.
	 */
	while (nids > 0)
	{
		int			nwait = 0;
		HTAB	   *linked;

		args[1] = PointerGetDatum(construct_array(ids, nids, INT4OID, 4, true, TYPALIGN_INT));
		/* Driven from unnest(): whatever plan the cache keeps, each record of
		 * the chunk is found by an index probe, never by filtering a scan. */
		if (have_fn)
			SPI_CACHED(DEDUP_HEAD DEDUP_CONTENT DEDUP_TAIL, 2, types, args, NULL, false, 0);
		else
			SPI_CACHED(DEDUP_HEAD DEDUP_CONTENT_0_7 DEDUP_TAIL, 2, types, args, NULL, false, 0);
		tt = SPI_tuptable;
		nmatch = SPI_processed;
		linked = record_id_set("commhub linked", (long) nmatch);
		for (uint64 r = 0; r < nmatch; r++)
			(void) hash_search(linked, SPI_getvalue(tt->vals[r], tt->tupdesc, 1), HASH_ENTER, NULL);
		for (uint64 r = 0; r < nmatch; r++)
		{
			Oid			t3[3] = {TEXTOID, TEXTOID, TEXTOID};
			Datum		a3[3];
			char	   *target = SPI_getvalue(tt->vals[r], tt->tupdesc, 2);
			bool		found = false;

			(void) hash_search(linked, target, HASH_FIND, &found);
			if (found)
			{
				/* its target is linked in this pass: look it up again after */
				bool		isnull;

				ids[nwait++] = SPI_getbinval(tt->vals[r], tt->tupdesc, 4, &isnull);
				continue;
			}
			a3[0] = CStringGetTextDatum(SPI_getvalue(tt->vals[r], tt->tupdesc, 1));
			a3[1] = CStringGetTextDatum(target);
			a3[2] = CStringGetTextDatum(SPI_getvalue(tt->vals[r], tt->tupdesc, 3));
			SPI_CACHED("UPDATE commhub.customer_communications c SET canonical_record_id = $2, "
					   "related_records = coalesce(c.related_records, '[]') || jsonb_build_array(jsonb_build_object("
					   "  'record_id', $2, 'relation', 'duplicate_of', 'match', $3)) "
					   "WHERE record_id = $1",
					   3, t3, a3, NULL, false, 0);
			SPI_CACHED("UPDATE commhub.customer_communications p SET related_records = coalesce(p.related_records, '[]') || "
					   "  jsonb_build_array(jsonb_build_object('record_id', $1, 'relation', 'duplicate', 'match', $3, "
					   "    'channel', (SELECT channel FROM commhub.customer_communications WHERE record_id = $1))) "
					   "WHERE record_id = $2 AND NOT coalesce(p.related_records @> jsonb_build_array(jsonb_build_object('record_id', $1)), false)",
					   3, t3, a3, NULL, false, 0);
		}
		hash_destroy(linked);
		nids = nwait;
	}
}

static void
link_duplicates(ThreadIn *in, int n, const char *tenant)
{
	Datum	   *ids = palloc(sizeof(Datum) * (n + 1));
	int			nids = 0;
	HTAB	   *probe;

	/*
	 * Records that cannot match any rule are left out.  Two items of a chunk
	 * may share a record (the same message twice): the stored row is one of
	 * theirs, so a record is probed -- once per item, as before -- when any
	 * of its items may match.
	 */
	probe = record_id_set("commhub dedupe probes", n);
	for (int i = 0; i < n; i++)
		if (in[i].may_duplicate && strlen(in[i].record_id) < 65)
			(void) hash_search(probe, in[i].record_id, HASH_ENTER, NULL);
	for (int i = 0; i < n; i++)
	{
		bool		found = strlen(in[i].record_id) >= 65;

		if (!found)
			(void) hash_search(probe, in[i].record_id, HASH_FIND, &found);
		if (found && strcmp(in[i].customer_id, "UNMATCHED") != 0)
			ids[nids++] = Int32GetDatum(in[i].row_id);
	}
	hash_destroy(probe);
	link_ids(ids, nids, tenant);
}

/*
 * add_identity attached the stored records attached[] (int4[]) to customer:
 * they are probed as if they had just been ingested, and so is every
 * canonical record of that customer ingested after one of them within a
 * week of it with no duplicates of its own -- it was stored while the
 * older attached record was still unmatched, and is its duplicate now.
 * The lowest id stays canonical, as when they arrive in order.
 */
void
commhub_link_attached(Datum attached, const char *customer_id, const char *tenant)
{
	Oid			types[3] = {TEXTOID, TEXTOID, INT4ARRAYOID};
	Datum		args[3];
	Datum	   *ids;
	int			nids;

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(customer_id);
	args[2] = attached;
	if (SPI_execute_with_args(
			"SELECT id FROM unnest($3::int4[]) AS u(id) "
			"UNION "
			"SELECT p.id FROM commhub.customer_communications a "
			"  JOIN commhub.customer_communications p ON p.tenant_id = a.tenant_id AND p.customer_id = a.customer_id "
			"   AND p.communication_time BETWEEN a.communication_time - interval '7 days' AND a.communication_time + interval '7 days' "
			" WHERE a.id = ANY ($3) AND a.tenant_id = $1 AND a.customer_id = $2 AND p.id > a.id "
			"   AND p.canonical_record_id IS NULL "
			"   AND NOT coalesce(p.related_records @> '[{\"relation\": \"duplicate\"}]', false) "
			"ORDER BY 1",
			3, types, args, NULL, false, 0) != SPI_OK_SELECT || SPI_processed == 0)
		return;
	nids = (int) SPI_processed;
	ids = palloc(sizeof(Datum) * nids);
	for (int i = 0; i < nids; i++)
	{
		bool		isnull;

		ids[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
	}
	link_ids(ids, nids, tenant);
}

/*
 * The stored messages that share t's root reference but were threaded
 * elsewhere (they came before the message that linked the root to its
 * thread) fold into t's thread, with the rest of their threads.
 */
static uint64
fold_reference_root(ThreadIn *t, const char *tenant)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(json_string_value(json_array_get(t->references, 0)));
	args[2] = CStringGetTextDatum(t->thread_id);
	args[3] = CStringGetTextDatum(t->customer_id);
	SPI_CACHED("UPDATE commhub.customer_communications x SET thread_id = $3 "
			   " WHERE x.tenant_id = $1 AND x.thread_id <> $3 AND x.thread_id IN ("
			   "   SELECT c.thread_id FROM commhub.customer_communications c "
			   "    WHERE c.tenant_id = $1 AND cardinality(c.email_references) > 0 AND c.email_references[1] = $2 "
			   "      AND c.customer_id = $4 AND c.thread_id <> $3)",
			   4, types, args, NULL, false, 0);
	return SPI_processed;
}

/* t's thread as stored now (a fold or an adoption of this chunk may have
 * moved it since it was assigned) */
static void
reread_thread(ThreadIn *t)
{
	Oid			types[1] = {TEXTOID};
	Datum		args[1];

	args[0] = CStringGetTextDatum(t->record_id);
	SPI_CACHED("SELECT thread_id FROM commhub.customer_communications WHERE record_id = $1",
			   1, types, args, NULL, false, 1);
	if (SPI_processed == 1)
	{
		char	   *th = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (th)
			strlcpy(t->thread_id, th, sizeof(t->thread_id));
	}
}

void
commhub_thread_after_insert(ThreadIn *in, int n, const char *tenant)
{
	bool		roots = false;
	bool		moved = false;

	for (int i = 0; i < n && !roots; i++)
		roots = has_root(&in[i]);
	roots = roots && reference_root_indexed();
	for (int i = 0; i < n; i++)
		if (strcmp(in[i].type, "email") == 0)
		{
			if (moved)
				reread_thread(&in[i]);
			if (in[i].message_id)
				moved |= adopt_replies(&in[i], tenant) > 0;
			if (roots && has_root(&in[i]))
				moved |= fold_reference_root(&in[i], tenant) > 0;
		}
	join_late_chat(in, n, tenant);
	close_missed_calls(in, n);
	link_duplicates(in, n, tenant);
}
