/*
 * ingest.c -- commhub.ingest(), ingest_batch(), ingest_email_raw(), reparse().
 *
 * Phases of one call (a batch runs them per chunk of up to CHUNK items):
 *   1. normalize   each payload -> normalized record (src/core/channels.c;
 *                  raw mail first through src/core/mime.c).  Bad payloads
 *                  raise 22xxx (ingest) or land in commhub.ingest_errors
 *                  (ingest_batch).
 *   2. identify    one query resolves every channel address of the chunk
 *                  against staff and customer identities (C1, C2).
 *   3. analyze     the embedded A10 analyzer fills the AI columns (N1).
 *   4. insert      one INSERT ... SELECT FROM jsonb_populate_recordset
 *                  ... ON CONFLICT (tenant_id, source_system,
 *                  source_record_id) DO NOTHING for the chunk (I5, R3:
 *                  concurrent sessions inserting the same message wait on
 *                  the unique index; the loser sees the conflict).
 *   5. existing    items whose natural key was already there are compared
 *                  with the stored record under FOR UPDATE: same normalized
 *                  record -> duplicate; otherwise folded/replaced -> merged.
 *   6. link        threading and near-duplicate links (thread.c).
 *
 * Everything a call writes is in the caller's transaction; ingest_batch
 * runs each chunk in a subtransaction and, if the chunk fails as a whole,
 * retries its items one by one so that one bad row costs only itself.
 *
 * Memory: jansson values are malloc'd; every IngestItem owns its values and
 * items_free() runs in PG_FINALLY, so an error never leaks them.
 */
#include "postgres.h"

#include "pg_jansson.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "catalog/namespace.h"
#include "access/htup_details.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/formatting.h"

#include <math.h>
#include "portability/instr_time.h"

/* Phase timings of the current ingest_batch call (DEBUG1). */
static double ph_ms[11];
#define PH_START() instr_time ph_t0, ph_t1; INSTR_TIME_SET_CURRENT(ph_t0)
#define PH(k) do { INSTR_TIME_SET_CURRENT(ph_t1); INSTR_TIME_SUBTRACT(ph_t1, ph_t0); ph_ms[k] += INSTR_TIME_GET_MILLISEC(ph_t1); INSTR_TIME_SET_CURRENT(ph_t0); } while (0)

#include "commhub.h"
#include "analyze.h"
#include "ingest.h"
#include "json_arena.h"
#include "thread.h"
#include "spi_cache.h"
#include "agent.h"

#include "channels.h"
#include "mime.h"
#include "normalize.h"
#include "sha256.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Every key this file sets in a jansson object is an ASCII literal: the
 * setters skip jansson's UTF-8 check of the key. */
#define json_object_set_new json_object_set_new_nocheck
#define json_object_set json_object_set_nocheck

#define CHUNK 500
#define UNMATCHED_CUSTOMER "UNMATCHED"
#define RAW_MAIL_PREFIX "rfc822;base64,"

typedef struct IngestItem
{
	int			index;			/* position in the batch */
	const char *channel;
	char	   *raw;			/* content_original (palloc) */
	const char *mailbox;
	json_t	   *norm;			/* normalized record */
	json_t	   *row;			/* column values */
	json_t	   *atts;			/* attachment rows */
	json_t	   *tasks;			/* task rows */
	json_t	   *keys;			/* identity keys: [{key, kind, role}] */
	char		record_id[65];
	char		hash[65];
	const char *status;
	bool		failed;
	bool		recall;
	int			event_count;	/* events folded into the record (enrich) */
	bool		became_urgent;	/* merged into urgency high (NOTIFY, webhook) */
	int32		row_id;			/* customer_communications.id once written */
	char		thread_id[65];	/* decided before the insert (thread.c) */
	char		parent[65];
	chn_error	err;
} IngestItem;

/* A row the chunk's insert wrote (RETURNING record_id, id). */
typedef struct InsertedRow
{
	char		record_id[65];	/* hash key */
	int32		id;
	bool		taken;			/* an item of the chunk is the row's insert */
} InsertedRow;

typedef struct IdentHit
{
	char		key[300];
	char		staff_id[65];
	char		customer_id[65];
	int32		contact_id;
	bool		is_staff;
	bool		is_customer;
} IdentHit;

/* Columns written from a row object (insert and merge share the list). */
static const char *const row_columns[] = {
	"customer_id", "contact_id", "project_id", "opportunity_id",
	"communication_type", "direction", "channel", "communication_time", "duration",
	"initiated_by", "handled_by", "assigned_to", "participants", "subject", "summary",
	"content", "content_original", "recording_url", "attachment_count", "attachment_urls",
	"intent_category", "intent_detail", "intent_confidence", "products_mentioned",
	"price_discussed", "quantity_discussed", "timeline_mentioned", "competitors_mentioned",
	"sentiment", "sentiment_score", "customer_mood", "urgency_level", "urgency_reason",
	"follow_up_required", "follow_up_items", "follow_up_deadline",
	"ai_insights", "ai_suggestions", "ai_tags", "source_system", "source_record_id",
	"match_status", "identity_keys", "mailboxes", "message_id", "in_reply_to",
	"email_references", "subject_key", "chat_key", "call_number", "missed", "recalled_at",
	"media_pending", "fingerprint", "analysis", "analyzed_by", "content_extra",
	"event_count", "normalized_hash", "fp_bands", "thread_id", "parent_record_id", NULL
};

static char *insert_sql = NULL;
static CachedStmt insert_stmt;
static char *update_sql = NULL;

void
commhub_ingest_init(void)
{
}

/* ---------------------------------------------------------------- helpers */

static const char *
jstr(const json_t *o, const char *k)
{
	json_t	   *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
jset_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

/* Set a string truncated to maxchars code points (varchar limits). */
static void
jset_trunc(json_t *o, const char *k, const char *v, size_t maxchars)
{
	char	   *t;

	if (!v)
		return;
	/* n bytes are at most n characters: nothing to cut, and a valid string
	 * (json_string checks) is what norm_utf8_truncate would copy */
	if (strlen(v) <= maxchars)
	{
		json_t	   *s = json_string(v);

		if (s)
		{
			json_object_set_new(o, k, s);
			return;
		}
	}
	t = norm_utf8_truncate(v, maxchars);
	if (t == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	json_object_set_new(o, k, json_string(t));
	free(t);
}

static void
jcopy(json_t *dst, const char *dk, const json_t *src, const char *sk)
{
	json_t	   *v = json_object_get(src, sk);

	if (v && !json_is_null(v))
		json_object_set(dst, dk, v);
}

/* "a, b, c" (or "r.a, r.b, r.c") of a NULL-terminated column list */
static char *
sql_columns(const char *const *cols, const char *prefix)
{
	StringInfoData b;

	initStringInfo(&b);
	for (int i = 0; cols[i]; i++)
		appendStringInfo(&b, "%s%s%s", i ? ", " : "", prefix, cols[i]);
	return b.data;
}

/*
 * The jsonb result of a function that ran SPI: copied out of the SPI
 * context, then SPI_finish (which frees that context).
 */
static Datum
spi_finish_jsonb(Datum d)
{
	Jsonb	   *jb = DatumGetJsonbP(d);
	Jsonb	   *copy = (Jsonb *) SPI_palloc(VARSIZE(jb));

	memcpy(copy, jb, VARSIZE(jb));
	SPI_finish();
	return JsonbPGetDatum(copy);
}

static void
prepare_sql(void)
{
	MemoryContext old;

	if (insert_sql)
		return;
	old = MemoryContextSwitchTo(TopMemoryContext);
	insert_sql = psprintf(
						  "INSERT INTO commhub.customer_communications (record_id, tenant_id, %s) "
						  "SELECT r.record_id, $1, %s FROM unnest($2::commhub.customer_communications[]) r "
						  /* No conflict target: every unique index arbitrates.  record_id
						   * derives from the natural key, and a concurrent session's insert
						   * of the same message may meet us first on the record_id index. */
						  "ON CONFLICT DO NOTHING RETURNING record_id, id",
						  sql_columns(row_columns, ""), sql_columns(row_columns, "r."));
	/*
	 * A merge or a re-parse rebuilds the row from its payload, except for
	 * what no payload of the record carries: a WeCom recall (a message of
	 * its own) stays, and the mailboxes the message was found in are the
	 * union (a re-parse knows only the first, a copy from a gateway only
	 * its own).
	 */
	{
		StringInfoData rhs;

		initStringInfo(&rhs);
		for (int i = 0; row_columns[i]; i++)
		{
			const char *col = row_columns[i];

			if (i)
				appendStringInfoString(&rhs, ", ");
			if (strcmp(col, "recalled_at") == 0)
				appendStringInfoString(&rhs, "coalesce(r.recalled_at, c.recalled_at)");
			else if (strcmp(col, "mailboxes") == 0)
				appendStringInfoString(&rhs, "nullif(c.mailboxes || ARRAY(SELECT m FROM unnest(r.mailboxes) WITH ORDINALITY AS u(m, o) "
									   "WHERE m <> ALL (coalesce(c.mailboxes, '{}')) ORDER BY o), '{}')");
			else
				appendStringInfo(&rhs, "r.%s", col);
		}
		update_sql = psprintf(
							  "UPDATE commhub.customer_communications c SET (%s) = (SELECT %s FROM jsonb_populate_record(NULL::commhub.customer_communications, $2) r), "
							  "updated_at = now(), updated_by = current_user WHERE c.id = $1",
							  sql_columns(row_columns, ""), rhs.data);
	}
	MemoryContextSwitchTo(old);
}

/*
 * Rows (jansson objects keyed by column name) -> one array of
 * commhub.customer_communications composites, formed here in C: the insert
 * reads it through unnest() with no JSON text or jsonb in between.  Scalars
 * go through each column's input function with its typmod, exactly as
 * jsonb_populate_record would (varchar(n) lengths, numeric(p,s) rounding).
 */
typedef struct ColConv
{
	Oid			typid;
	Oid			elemtype;		/* for arrays */
	int32		typmod;
	FmgrInfo	in;
	Oid			ioparam;
	int16		elen;			/* element type of an array column */
	bool		ebyval;
	char		ealign;
} ColConv;

/*
 * A column's name in the by-name lookup of RelConv: open addressing over a
 * power-of-two table, FNV-1a of the name (a row's keys are looked up once
 * each, for every row of a chunk).
 */
typedef struct ColSlot
{
	const char *name;			/* NULL: empty */
	uint32		hash;
	int			attno;
} ColSlot;

/*
 * What converting rows into one relation's composites needs, kept for the
 * backend's life: rebuilt when the relation's row type or its tuple
 * descriptor changes (typcache's tupDesc_identifier; ALTER TABLE).
 */
typedef struct RelConv
{
	char		relname[NAMEDATALEN];
	Oid			rowtype;
	uint64		tupdesc_id;
	TupleDesc	td;
	ColConv    *conv;
	ColSlot    *slots;
	uint32		mask;
	int16		typlen;
	bool		typbyval;
	char		typalign;
} RelConv;

static RelConv rel_convs[4];

static uint32
col_hash(const char *s)
{
	uint32		h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 16777619u;
	return h;
}

static int
col_attno(const RelConv *rc, const char *name)
{
	uint32		h = col_hash(name);

	for (uint32 i = h & rc->mask;; i = (i + 1) & rc->mask)
	{
		const ColSlot *sl = &rc->slots[i];

		if (sl->name == NULL)
			return -1;
		if (sl->hash == h && strcmp(sl->name, name) == 0)
			return sl->attno;
	}
}

static RelConv *
rel_conv(const char *relname)
{
	Oid			relid = get_relname_relid(relname, get_namespace_oid("commhub", false));
	Oid			rowtype = get_rel_type_id(relid);
	TypeCacheEntry *tce = lookup_type_cache(rowtype, TYPECACHE_TUPDESC);
	RelConv    *rc = NULL;
	MemoryContext cxt;
	MemoryContext old;
	TupleDesc	td;
	uint32		nslots = 16;

	if (tce->tupDesc == NULL)
		elog(ERROR, "commhub: relation %s has no row type", relname);
	for (int i = 0; i < lengthof(rel_convs); i++)
		if (strcmp(rel_convs[i].relname, relname) == 0 || rel_convs[i].relname[0] == '\0')
		{
			rc = &rel_convs[i];
			break;
		}
	if (rc == NULL)
		elog(ERROR, "commhub: too many relations for rows_to_composite_array");
	if (rc->relname[0] && rc->rowtype == rowtype && rc->tupdesc_id == tce->tupDesc_identifier)
		return rc;

	/* (re)build in a context of its own, freed with the previous version */
	if (rc->relname[0] && rc->td)
		MemoryContextDelete(GetMemoryChunkContext(rc->conv));
	memset(rc, 0, sizeof(*rc));
	cxt = AllocSetContextCreate(TopMemoryContext, "commhub row conversion", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		td = CreateTupleDescCopy(tce->tupDesc);
		td->tdtypeid = rowtype;
		td->tdtypmod = -1;
		while (nslots < (uint32) td->natts * 2)
			nslots *= 2;
		rc->conv = palloc0(sizeof(ColConv) * (td->natts + 1));
		rc->slots = palloc0(sizeof(ColSlot) * nslots);
		rc->mask = nslots - 1;
		for (int a = 0; a < td->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(td, a);
			ColConv    *c = &rc->conv[a];
			Oid			infunc;
			uint32		h;
			uint32		i;

			if (att->attisdropped)
				continue;
			c->typid = att->atttypid;
			c->typmod = att->atttypmod;
			c->elemtype = get_element_type(att->atttypid);
			getTypeInputInfo(c->elemtype ? c->elemtype : att->atttypid, &infunc, &c->ioparam);
			fmgr_info_cxt(infunc, &c->in, cxt);
			if (c->elemtype)
				get_typlenbyvalalign(c->elemtype, &c->elen, &c->ebyval, &c->ealign);
			h = col_hash(NameStr(att->attname));
			for (i = h & rc->mask; rc->slots[i].name; i = (i + 1) & rc->mask)
				;
			rc->slots[i].name = NameStr(att->attname);
			rc->slots[i].hash = h;
			rc->slots[i].attno = a;
		}
		get_typlenbyvalalign(rowtype, &rc->typlen, &rc->typbyval, &rc->typalign);
		rc->td = td;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		memset(rc, 0, sizeof(*rc));
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	rc->rowtype = rowtype;
	rc->tupdesc_id = tce->tupDesc_identifier;
	strlcpy(rc->relname, relname, sizeof(rc->relname));
	return rc;
}

static int
parse_digits(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The timestamps ingest writes ("2024-06-15T02:00:00Z", fractions of up to
 * six digits, or an offset "+08:00") read without timestamptz_in: false
 * for anything else, which then goes through timestamptz_in.  Only fields in
 * their plain ranges are taken here (no 24:00, no leap second), so the value
 * is the one timestamptz_in gives.
 */
static bool
fast_timestamptz(const char *s, TimestampTz *out)
{
	size_t		len = strlen(s);
	int			y,
				mo,
				d,
				h,
				mi,
				sec,
				off = 0;
	int64		frac = 0;
	int			p = 19;
	int64		days;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (len < 20 || len > 32)
		return false;
	y = parse_digits(s, 4);
	if (y < 1 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	mo = parse_digits(s + 5, 2);
	d = parse_digits(s + 8, 2);
	h = parse_digits(s + 11, 2);
	mi = parse_digits(s + 14, 2);
	sec = parse_digits(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return false;
	if (d > mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return false;
	if (s[p] == '.')
	{
		int			nd = 0;

		for (p++; s[p] >= '0' && s[p] <= '9'; p++, nd++)
		{
			if (nd == 6)
				return false;
			frac = frac * 10 + (s[p] - '0');
		}
		if (nd == 0)
			return false;
		for (; nd < 6; nd++)
			frac *= 10;
	}
	if (s[p] == 'Z' && len == (size_t) p + 1)
		off = 0;
	else if ((s[p] == '+' || s[p] == '-') && len == (size_t) p + 6 && s[p + 3] == ':')
	{
		int			oh = parse_digits(s + p + 1, 2);
		int			om = parse_digits(s + p + 4, 2);

		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return false;
		off = (oh * 60 + om) * 60 * (s[p] == '-' ? -1 : 1);
	}
	else
		return false;
	days = date2j(y, mo, d) - POSTGRES_EPOCH_JDATE;
	*out = ((days * SECS_PER_DAY + h * SECS_PER_HOUR + mi * SECS_PER_MINUTE + sec) - off) * USECS_PER_SEC + frac;
	return true;
}

static Datum
json_scalar_datum(json_t *v, ColConv *c, const char *col)
{
	char		buf[64];
	const char *str;

	switch (json_typeof(v))
	{
		case JSON_STRING:
			str = json_string_value(v);
			if (c->typid == TIMESTAMPTZOID)
			{
				TimestampTz ts;

				if (fast_timestamptz(str, &ts))
					return TimestampTzGetDatum(ts);
			}
			break;
		case JSON_INTEGER:
			if (c->typid == INT4OID && json_integer_value(v) >= PG_INT32_MIN && json_integer_value(v) <= PG_INT32_MAX)
				return Int32GetDatum((int32) json_integer_value(v));
			if (c->typid == INT8OID)
				return Int64GetDatum(json_integer_value(v));
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			str = buf;
			break;
		case JSON_REAL:
			snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
			str = buf;
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			if (c->typid == BOOLOID)
				return BoolGetDatum(json_is_true(v));
			str = json_is_true(v) ? "true" : "false";
			break;
		default:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("column %s: a JSON %s cannot be stored in a %s column", col,
								   json_is_object(v) ? "object" : "array", format_type_be(c->typid))));
	}
	return InputFunctionCall(&c->in, (char *) str, c->ioparam, c->typmod);
}

static Datum
rows_to_composite_array(json_t *rows, const char *relname)
{
	RelConv    *rc = rel_conv(relname);
	TupleDesc	td = rc->td;
	int			natts = td->natts;
	ColConv    *conv = rc->conv;
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);
	size_t		nrows = json_array_size(rows);
	Datum	   *elems = palloc(sizeof(Datum) * (nrows + 1));

	for (size_t r = 0; r < nrows; r++)
	{
		json_t	   *row = json_array_get(rows, r);
		HeapTuple	tup;
		const char *col;
		json_t	   *v;

		/* a row carries only its non-NULL columns: walk its keys, not the
		 * table's columns */
		memset(nulls, true, sizeof(bool) * natts);
		json_object_foreach(row, col, v)
		{
			int			a = col_attno(rc, col);

			if (a < 0 || json_is_null(v))
				continue;
			nulls[a] = false;
			if (conv[a].typid == JSONBOID)
				values[a] = commhub_json_to_jsonb(v);
			else if (conv[a].elemtype)
			{
				size_t		ne = json_array_size(v);
				Datum	   *ed = palloc(sizeof(Datum) * (ne + 1));
				bool	   *en = palloc(sizeof(bool) * (ne + 1));
				int			dims[1];
				int			lbs[1] = {1};
				ColConv		ec = conv[a];

				if (!json_is_array(v))
					ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
									errmsg("column %s expects a JSON array", col)));
				ec.typid = conv[a].elemtype;
				ec.typmod = -1;
				for (size_t e = 0; e < ne; e++)
				{
					json_t	   *ev = json_array_get(v, e);

					en[e] = json_is_null(ev);
					ed[e] = en[e] ? (Datum) 0 : json_scalar_datum(ev, &ec, col);
				}
				dims[0] = (int) ne;
				values[a] = PointerGetDatum(construct_md_array(ed, en, 1, dims, lbs, conv[a].elemtype,
															   conv[a].elen, conv[a].ebyval, conv[a].ealign));
			}
			else if (json_is_string(v) &&
					 (conv[a].typid == TEXTOID ||
					  (conv[a].typid == VARCHAROID &&
					   (conv[a].typmod < (int32) VARHDRSZ ||
						strlen(json_string_value(v)) <= (size_t) (conv[a].typmod - VARHDRSZ)))))
				/* what textin/varchar_in make when no length check can fail
				 * (n bytes are at most n characters) */
				values[a] = PointerGetDatum(cstring_to_text(json_string_value(v)));
			else
				values[a] = json_scalar_datum(v, &conv[a], col);
		}
		/* heap_form_tuple makes a composite datum (length, type id and
		 * typmod set); none of the values is a toast pointer, so there is
		 * nothing for heap_copy_tuple_as_datum to flatten */
		tup = heap_form_tuple(td, values, nulls);
		elems[r] = PointerGetDatum(tup->t_data);
	}
	return PointerGetDatum(construct_array(elems, (int) nrows, rc->rowtype, rc->typlen, rc->typbyval, rc->typalign));
}

static void
raise_chn_error(const chn_error *e)
{
	const char *s = e->sqlstate[0] ? e->sqlstate : "22023";

	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
			 errmsg("%s", e->message[0] ? e->message : "invalid payload"),
			 e->field[0] ? errdetail("Field: %s.", e->field) : 0,
			 e->hint[0] ? errhint("%s", e->hint) : 0));
}

static void
set_err(chn_error *e, const char *state, const char *field, const char *msg, const char *hint)
{
	strlcpy(e->sqlstate, state, sizeof(e->sqlstate));
	strlcpy(e->field, field ? field : "", sizeof(e->field));
	strlcpy(e->message, msg, sizeof(e->message));
	strlcpy(e->hint, hint ? hint : "", sizeof(e->hint));
}

static const char *
record_prefix(const char *type)
{
	static const char *const map[][2] = {
		{"phone", "CALL"}, {"mobile", "MOBILE"}, {"wechat", "WX"}, {"email", "EMAIL"},
		{"meeting", "MEETING"}, {"visit", "VISIT"}, {"video", "VIDEO"}, {"form", "FORM"},
		{"webchat", "CHAT"}
	};

	for (size_t i = 0; i < lengthof(map); i++)
		if (strcmp(map[i][0], type) == 0)
			return map[i][1];
	return "REC";
}

/* record_id = <PREFIX>-<local yyyymmdd>-<12 hex of sha256(tenant|system|id)>:
 * deterministic, so the same message always gets the same record id. */
static void
make_record_id(IngestItem *it, const char *tenant)
{
	const char *type = jstr(it->norm, "communication_type");
	const char *sys = jstr(it->norm, "source_system");
	const char *sid = jstr(it->norm, "source_record_id");
	json_int_t	us = json_integer_value(json_object_get(it->norm, "communication_time"));
	char	   *key = psprintf("%s|%s|%s", tenant, sys, sid);
	char		hex[65];
	time_t		secs = (time_t) (us / 1000000) + NORM_DEFAULT_TZ_OFFSET_SEC;
	struct tm	tm;

	sha256_hex(key, strlen(key), hex);
	gmtime_r(&secs, &tm);
	snprintf(it->record_id, sizeof(it->record_id), "%s-%04d%02d%02d-%.12s",
			 record_prefix(type ? type : ""), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, hex);
	pfree(key);
}

/*
 * Message-ID collisions.  The same Message-ID in two mailboxes is one
 * message (I5), but some mailers reuse IDs for different mails.  A mail
 * whose Message-ID is already stored -- or taken earlier in the same chunk
 * -- by a mail from another sender, or from the same sender more than a
 * day apart under another subject, is a different mail (JWZ gives such a
 * duplicate an id of its own): its key becomes
 * <Message-ID>#<12 hex of sha256(sender|time|subject)>, so it is stored
 * beside the first instead of overwriting it, and its own re-deliveries
 * and reparse() find it again.  A corrected parse of the same mail (same
 * sender, the same day) still merges.
 */
static void normalized_hash(IngestItem *it);

typedef struct
{
	const char *sid;
	char	   *from;			/* the sender (compared ignoring ASCII case), or NULL */
	int64		us;
	char	   *skey;			/* normalized subject, or NULL */
} MailKey;

static bool
mail_keys_differ(const MailKey *a, const MailKey *b)
{
	int64		d = a->us - b->us;

	if (a->from && b->from && pg_strcasecmp(a->from, b->from) != 0)
		return true;
	return (d > INT64CONST(86400000000) || d < -INT64CONST(86400000000)) &&
		!(a->skey && b->skey ? strcmp(a->skey, b->skey) == 0 : a->skey == b->skey);
}

static void
split_message_id_collisions(IngestItem *items, int n, const char *tenant)
{
	MailKey    *mine = palloc0(sizeof(MailKey) * (n + 1));
	int		   *idx = palloc(sizeof(int) * (n + 1));
	Datum	   *sids = palloc(sizeof(Datum) * (n + 1));
	MailKey    *seen;
	int			nmail = 0,
				nseen = 0;
	Oid			types[2] = {TEXTOID, TEXTARRAYOID};
	Datum		args[2];

	for (int i = 0; i < n; i++)
	{
		IngestItem *it = &items[i];
		const char *sys,
				   *sid,
				   *subj;
		json_t	   *parts;
		MailKey    *k;

		if (it->failed || it->recall || !(sys = jstr(it->norm, "source_system")) || strcmp(sys, "email") != 0 ||
			!(sid = jstr(it->norm, "source_record_id")) || strncmp(sid, "sha256:", 7) == 0)
			continue;
		k = &mine[nmail];
		k->sid = sid;
		parts = json_object_get(it->norm, "participants");
		if (json_array_size(parts) > 0 && json_is_string(json_array_get(parts, 0)))
			k->from = pstrdup(json_string_value(json_array_get(parts, 0)));
		k->us = json_integer_value(json_object_get(it->norm, "communication_time"));
		if ((subj = jstr(it->norm, "subject")) != NULL)
		{
			char	   *sk = norm_subject(subj);

			if (sk && *sk)
				k->skey = pstrdup(sk);
			free(sk);
		}
		idx[nmail] = i;
		sids[nmail++] = CStringGetTextDatum(sid);
	}
	if (nmail == 0)
		return;
	args[0] = CStringGetTextDatum(tenant);
	args[1] = PointerGetDatum(construct_array(sids, nmail, TEXTOID, -1, false, TYPALIGN_INT));
	SPI_CACHED("SELECT source_record_id, participants ->> 0, "
			   "       (extract(epoch FROM communication_time) * 1000000)::bigint, subject_key "
			   "  FROM commhub.customer_communications "
			   " WHERE tenant_id = $1 AND source_system = 'email' AND source_record_id = ANY ($2)",
			   2, types, args, NULL, false, 0);
	seen = palloc0(sizeof(MailKey) * (SPI_processed + nmail + 1));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *us = SPI_getvalue(tup, td, 3);

		seen[nseen].sid = SPI_getvalue(tup, td, 1);
		seen[nseen].from = SPI_getvalue(tup, td, 2);
		seen[nseen].us = us ? atoll(us) : 0;
		seen[nseen++].skey = SPI_getvalue(tup, td, 4);
	}
	for (int m = 0; m < nmail; m++)
	{
		MailKey    *k = &mine[m];
		const MailKey *first = NULL;

		for (int s = 0; s < nseen && !first; s++)
			if (strcmp(seen[s].sid, k->sid) == 0)
				first = &seen[s];
		if (!first)
		{
			seen[nseen++] = *k;	/* the first mail with this id */
			continue;
		}
		if (mail_keys_differ(first, k))
		{
			IngestItem *it = &items[idx[m]];
			char	   *basis = psprintf("%s|%lld|%s", k->from ? asc_tolower(k->from, strlen(k->from)) : "", (long long) k->us,
										 k->skey ? k->skey : "");
			char		hex[65];

			sha256_hex(basis, strlen(basis), hex);
			json_object_set_new(it->norm, "source_record_id", json_sprintf("%s#%.12s", k->sid, hex));
			make_record_id(it, tenant);
			normalized_hash(it);	/* of what is stored: a re-delivery is a duplicate */
		}
	}
}

static int
sha256_dump_cb(const char *buffer, size_t size, void *data)
{
	sha256_update((sha256_ctx *) data, buffer, size);
	return 0;
}

/*
 * json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) written straight into a
 * SHA-256: the same bytes as jansson 2.14's dump.c (object keys sorted by
 * memcmp then length; strings with \\ \" \b \f \n \r \t and \u00XX
 * escapes, everything else -- UTF-8 included -- as is; integers %lld;
 * reals by jansson itself), without jansson's per-container loop check and
 * string buffer.
 */
typedef struct HashOut
{
	sha256_ctx	ctx;
	size_t		n;
	char		buf[2048];
} HashOut;

static inline void
hout_put(HashOut *h, const char *p, size_t len)
{
	if (h->n + len > sizeof(h->buf))
	{
		sha256_update(&h->ctx, h->buf, h->n);
		h->n = 0;
		if (len > sizeof(h->buf))
		{
			sha256_update(&h->ctx, p, len);
			return;
		}
	}
	memcpy(h->buf + h->n, p, len);
	h->n += len;
}

static void
hout_string(HashOut *h, const char *s, size_t len)
{
	size_t		from = 0;

	hout_put(h, "\"", 1);
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		char		esc[8];
		const char *e;
		size_t		elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		hout_put(h, s + from, i - from);
		from = i + 1;
		switch (c)
		{
			case '\\':
				e = "\\\\";
				break;
			case '"':
				e = "\\\"";
				break;
			case '\b':
				e = "\\b";
				break;
			case '\f':
				e = "\\f";
				break;
			case '\n':
				e = "\\n";
				break;
			case '\r':
				e = "\\r";
				break;
			case '\t':
				e = "\\t";
				break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04X", (unsigned int) c);
				e = esc;
				elen = 6;
				break;
		}
		hout_put(h, e, elen);
	}
	hout_put(h, s + from, len - from);
	hout_put(h, "\"", 1);
}

typedef struct HashKey
{
	const char *key;
	size_t		len;
	json_t	   *value;
} HashKey;

static int
cmp_hash_key(const void *a, const void *b)
{
	const HashKey *x = a;
	const HashKey *y = b;
	int			r = memcmp(x->key, y->key, Min(x->len, y->len));

	return r ? r : (int) x->len - (int) y->len;
}

static void
hout_json(HashOut *h, json_t *j)
{
	char		num[64];

	check_stack_depth();
	switch (json_typeof(j))
	{
		case JSON_NULL:
			hout_put(h, "null", 4);
			break;
		case JSON_TRUE:
			hout_put(h, "true", 4);
			break;
		case JSON_FALSE:
			hout_put(h, "false", 5);
			break;
		case JSON_INTEGER:
			hout_put(h, num, snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(j)));
			break;
		case JSON_REAL:
			/* jansson's own number formatting */
			sha256_update(&h->ctx, h->buf, h->n);
			h->n = 0;
			if (json_dump_callback(j, sha256_dump_cb, &h->ctx, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) != 0)
				ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
			break;
		case JSON_STRING:
			hout_string(h, json_string_value(j), json_string_length(j));
			break;
		case JSON_ARRAY:
			hout_put(h, "[", 1);
			for (size_t i = 0; i < json_array_size(j); i++)
			{
				if (i > 0)
					hout_put(h, ",", 1);
				hout_json(h, json_array_get(j, i));
			}
			hout_put(h, "]", 1);
			break;
		case JSON_OBJECT:
			{
				size_t		n = json_object_size(j);
				HashKey		local[32];
				HashKey    *keys = n <= lengthof(local) ? local : palloc(sizeof(HashKey) * n);
				size_t		k = 0;

				for (void *it = json_object_iter(j); it && k < n; it = json_object_iter_next(j, it), k++)
				{
					keys[k].key = json_object_iter_key(it);
					keys[k].len = json_object_iter_key_len(it);
					keys[k].value = json_object_iter_value(it);
				}
				qsort(keys, k, sizeof(HashKey), cmp_hash_key);
				hout_put(h, "{", 1);
				for (size_t i = 0; i < k; i++)
				{
					if (i > 0)
						hout_put(h, ",", 1);
					hout_string(h, keys[i].key, keys[i].len);
					hout_put(h, ":", 1);
					hout_json(h, keys[i].value);
				}
				hout_put(h, "}", 1);
				if (keys != local)
					pfree(keys);
			}
			break;
	}
}

/* SHA-256 of json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS) */
static void
normalized_hash(IngestItem *it)
{
	static const char hexd[] = "0123456789abcdef";
	HashOut    *h = palloc(sizeof(HashOut));
	uint8_t		dig[32];

	if (!json_is_object(it->norm) && !json_is_array(it->norm))
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	sha256_init(&h->ctx);
	h->n = 0;
	hout_json(h, it->norm);
	sha256_update(&h->ctx, h->buf, h->n);
	sha256_final(&h->ctx, dig);
	for (int i = 0; i < 32; i++)
	{
		it->hash[2 * i] = hexd[dig[i] >> 4];
		it->hash[2 * i + 1] = hexd[dig[i] & 15];
	}
	it->hash[64] = '\0';
	pfree(h);
}

static void
items_free(IngestItem *items, int n)
{
	/* in the arena (a batch chunk) the objects go with it: drop the references */
	bool		arena = json_arena_active();

	for (int i = 0; i < n; i++)
	{
		if (arena)
		{
			items[i].norm = items[i].row = items[i].atts = items[i].tasks = items[i].keys = NULL;
			continue;
		}
		json_decref(items[i].norm);
		json_decref(items[i].row);
		json_decref(items[i].atts);
		json_decref(items[i].tasks);
		json_decref(items[i].keys);
		items[i].norm = items[i].row = items[i].atts = items[i].tasks = items[i].keys = NULL;
	}
}

/* ------------------------------------------------------------ normalize */

/* Raw mail: MIME -> mailparser-shaped JSON -> email normalizer. */
static json_t *
normalize_raw_mail(const char *data, size_t len, chn_error *err)
{
	char		ebuf[256] = "";
	json_t	   *parsed;
	json_t	   *norm;
	bool		dated_now = false;

	if ((long long) len > MIME_MAX_MESSAGE_BYTES)
	{
		set_err(err, "22001", "message",
				psprintf("message is %zu bytes, over the 50 MB limit for one email", len),
				"Messages over 50 MB are skipped; store the large attachment elsewhere and send a link.");
		return NULL;
	}
	parsed = mime_parse(data, len, ebuf, sizeof(ebuf));
	if (parsed == NULL)
	{
		set_err(err, "22001", "message", ebuf[0] ? ebuf : "message could not be parsed",
				"Pass the complete RFC 5322 message as bytea.");
		return NULL;
	}
	/* A real message may carry neither Date nor Received: it is still a
	 * communication; it is dated when it was ingested, and says so. */
	if (json_object_get(parsed, "date") == NULL)
	{
		char		iso[40];
		json_t	   *w = json_object_get(parsed, "mimeWarnings");

		norm_format_time_utc(UNIX_US_FROM_PG(GetCurrentTransactionStartTimestamp()), iso, sizeof(iso));
		json_object_set_new(parsed, "date", json_string(iso));
		dated_now = true;
		if (json_is_array(w))
			json_array_append_new(w, json_string("no Date or Received header: dated at ingest"));
	}
	norm = chn_normalize("email", parsed, err);
	json_decref(parsed);
	if (norm && dated_now)
	{
		/* Its time is the ingest's, so it cannot be part of the message's
		 * key: without a Message-ID the key is the message's bytes (CR
		 * removed: IMAP servers send CRLF where the file had LF), and a
		 * message ingested again keeps its first time (handle_existing). */
		json_object_set_new(norm, "dated_at_ingest", json_true());
		if (json_object_get(norm, "message_id") == NULL)
		{
			sha256_ctx	ctx;
			uint8_t		dig[32];
			char		hex[65];
			size_t		from = 0;

			sha256_init(&ctx);
			for (size_t i = 0; i <= len; i++)
				if (i == len || data[i] == '\r')
				{
					sha256_update(&ctx, data + from, i - from);
					from = i + 1;
				}
			sha256_final(&ctx, dig);
			for (int i = 0; i < 32; i++)
				snprintf(hex + 2 * i, 3, "%02x", dig[i]);
			hex[57] = '\0';
			json_object_set_new(norm, "source_record_id", json_sprintf("sha256:%s", hex));
		}
	}
	return norm;
}

/* content_original of a raw mail (ingest_email_raw) */
static inline bool
is_raw_mail(const char *stored)
{
	return stored && strncmp(stored, RAW_MAIL_PREFIX, strlen(RAW_MAIL_PREFIX)) == 0;
}

/* Normalize whatever is stored in content_original (for merges and reparse):
 * a raw mail, a JSON payload, or an array of events folded in order. */
static json_t *
normalize_stored(const char *channel, const char *stored, chn_error *err, int *nevents)
{
	json_t	   *j;
	json_t	   *acc = NULL;
	json_error_t jerr;

	if (is_raw_mail(stored))
	{
		const char *b64 = stored + strlen(RAW_MAIL_PREFIX);
		bytea	   *raw = DatumGetByteaPP(DirectFunctionCall2(binary_decode,
															  CStringGetTextDatum(b64),
															  CStringGetTextDatum("base64")));

		*nevents = 1;
		return normalize_raw_mail(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), err);
	}
	j = json_loads(stored, JSON_DECODE_ANY, &jerr);
	if (j == NULL)
	{
		set_err(err, "22P02", "content_original", "stored payload is not valid JSON", NULL);
		return NULL;
	}
	*nevents = json_is_array(j) ? (int) Min(json_array_size(j), 10000) : 1;
	if (!json_is_array(j))
	{
		acc = chn_normalize(channel, j, err);
		json_decref(j);
		return acc;
	}
	for (size_t i = 0; i < json_array_size(j) && i < 10000; i++)
	{
		json_t	   *n = chn_normalize(channel, json_array_get(j, i), err);

		if (n == NULL)
		{
			json_decref(acc);
			json_decref(j);
			return NULL;
		}
		if (acc == NULL)
			acc = n;
		else
		{
			json_t	   *m = chn_merge(acc, n);

			json_decref(acc);
			json_decref(n);
			acc = m;
		}
	}
	json_decref(j);
	if (acc == NULL)
		set_err(err, "22023", "content_original", "stored event list is empty", NULL);
	return acc;
}

/* ------------------------------------------------------------- identify */

static void
add_key(json_t *keys, const char *kind, const char *value, const char *role, const char *akind)
{
	json_t	   *k = json_object();

	json_object_set_new(k, "key", json_sprintf("%s:%s", kind, value));
	json_object_set_new(k, "kind", json_string(kind));
	json_object_set_new(k, "role", json_string(role ? role : "to"));
	json_object_set_new(k, "addr", json_string(akind));
	json_array_append_new(keys, k);
}

/* Identity keys of an item: every address, plus the domain of each
 * non-free-mail email address. */
static void
build_keys(IngestItem *it)
{
	json_t	   *addrs = json_object_get(it->norm, "addresses");
	size_t		i;
	json_t	   *a;

	it->keys = json_array();
	json_array_foreach(addrs, i, a)
	{
		const char *kind = jstr(a, "kind");
		const char *value = jstr(a, "value");
		const char *role = jstr(a, "role");

		if (!kind || !value || !*value || strlen(value) > 256 || i >= 200)
			continue;
		add_key(it->keys, kind, value, role, kind);
		if ((strcmp(kind, "email") == 0 || strcmp(kind, "meeting") == 0) && strchr(value, '@'))
		{
			const char *dom = norm_email_domain(value);

			if (strcmp(kind, "meeting") == 0)
				add_key(it->keys, "email", value, role, kind);
			if (dom && *dom && !norm_is_freemail_domain(dom))
				add_key(it->keys, "domain", dom, role, kind);
		}
	}
}

static HTAB *
lookup_identities(IngestItem *items, int n, const char *tenant)
{
	HASHCTL		ctl;
	HTAB	   *h;
	HTAB	   *seen;
	Datum	   *elems;
	int			nkeys = 0;
	int			cap = 64;
	Oid			types[2] = {TEXTOID, TEXTARRAYOID};
	Datum		args[2];
	static const char *sql =
		"SELECT k.key, s.staff_id, coalesce(c.customer_id, cu.customer_id), c.contact_id "
		"FROM unnest($2::text[]) AS k(key) "
		"LEFT JOIN commhub.staff_identities s ON s.tenant_id = $1 "
		"  AND s.kind = split_part(k.key, ':', 1) AND s.value = substr(k.key, strpos(k.key, ':') + 1) "
		"LEFT JOIN commhub.customer_identities c ON c.tenant_id = $1 "
		"  AND c.kind = split_part(k.key, ':', 1) AND c.value = substr(k.key, strpos(k.key, ':') + 1) "
		/* "customer:<id>": an explicit customer_id of a payload, known or not */
		"LEFT JOIN commhub.customers cu ON cu.tenant_id = $1 AND k.key LIKE 'customer:%' "
		"  AND cu.customer_id = substr(k.key, 10) "
		"WHERE s.staff_id IS NOT NULL OR c.customer_id IS NOT NULL OR cu.customer_id IS NOT NULL";

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(((IdentHit *) 0)->key);
	ctl.entrysize = sizeof(IdentHit);
	ctl.hcxt = CurrentMemoryContext;
	h = hash_create("commhub identities", 256, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);

	/* each distinct key once (a chunk's messages share their senders);
	 * a key too long for IdentHit can have no hit and is not sent */
	{
		HASHCTL		sctl;

		memset(&sctl, 0, sizeof(sctl));
		sctl.keysize = sctl.entrysize = sizeof(((IdentHit *) 0)->key);
		sctl.hcxt = CurrentMemoryContext;
		seen = hash_create("commhub identity keys", 256, &sctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	elems = palloc(sizeof(Datum) * cap);
	for (int i = 0; i < n; i++)
	{
		size_t		nk;

		if (items[i].failed || items[i].keys == NULL)
			continue;
		/* its identity keys, then its explicit customer_id (to tell a
		 * known customer) as "customer:<id>" */
		nk = json_array_size(items[i].keys);
		for (size_t j = 0; j <= nk; j++)
		{
			const char *key = j < nk ? jstr(json_array_get(items[i].keys, j), "key")
				: jstr(items[i].norm, "customer_id") ? psprintf("customer:%s", jstr(items[i].norm, "customer_id"))
				: NULL;
			bool		found;

			if (key == NULL || strlen(key) >= sizeof(((IdentHit *) 0)->key))
				continue;
			(void) hash_search(seen, key, HASH_ENTER, &found);
			if (found)
				continue;
			if (nkeys == cap)
			{
				cap *= 2;
				elems = repalloc(elems, sizeof(Datum) * cap);
			}
			elems[nkeys++] = CStringGetTextDatum(key);
		}
	}
	hash_destroy(seen);
	if (nkeys == 0)
		return h;
	args[0] = CStringGetTextDatum(tenant);
	args[1] = PointerGetDatum(construct_array(elems, nkeys, TEXTOID, -1, false, TYPALIGN_INT));
	if (SPI_CACHED(sql, 2, types, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "commhub: identity lookup failed");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *key = SPI_getvalue(tup, td, 1);
		char	   *staff = SPI_getvalue(tup, td, 2);
		char	   *cust = SPI_getvalue(tup, td, 3);
		char	   *contact = SPI_getvalue(tup, td, 4);
		bool		found;
		IdentHit   *hit;

		if (strlen(key) >= sizeof(hit->key))
			continue;
		hit = hash_search(h, key, HASH_ENTER, &found);
		if (!found)
		{
			hit->is_staff = hit->is_customer = false;
			hit->contact_id = 0;
		}
		if (staff)
		{
			hit->is_staff = true;
			strlcpy(hit->staff_id, staff, sizeof(hit->staff_id));
		}
		if (cust)
		{
			hit->is_customer = true;
			strlcpy(hit->customer_id, cust, sizeof(hit->customer_id));
			hit->contact_id = contact ? atoi(contact) : 0;
		}
	}
	return h;
}

static int
kind_rank(const char *k)
{
	static const char *const order[] = {"email", "domain", "phone", "wecom", "meeting"};

	for (int i = 0; i < 5; i++)
		if (strcmp(order[i], k) == 0)
			return i;
	return 9;
}

static int
role_rank(const char *r)
{
	return strcmp(r, "from") == 0 ? 0 : strcmp(r, "to") == 0 ? 1 : 2;
}

typedef struct Resolution
{
	char		customer_id[65];
	int32		contact_id;
	const char *match_status;
	const char *direction;
	char		from_staff[65];
	char		to_staff[65];
} Resolution;

/*
 * C1: the customer is the best-ranked customer identity among addresses
 * that are not staff (email > domain > phone > WeCom > meeting; then from >
 * to > cc); an explicit customer_id in the payload wins.  C2: direction is
 * outbound when the sender is staff (internal when everyone is staff),
 * inbound when the sender is a customer identity; a sender that is neither
 * (an unregistered extension or WeCom member) takes the payload's hint
 * (CDR context, WeCom id kinds), else inbound.
 */
static void
resolve(IngestItem *it, HTAB *hits, Resolution *res)
{
	size_t		i;
	json_t	   *k;
	int			best = INT_MAX;
	bool		from_seen = false,
				from_is_staff = false,
				from_is_customer = false,
				any_external = false;
	const char *explicit_id = jstr(it->norm, "customer_id");
	const char *hint = jstr(it->norm, "direction_hint");

	memset(res, 0, sizeof(*res));
	/* First pass: which addresses (by kind+role+value) are staff. */
	json_array_foreach(it->keys, i, k)
	{
		IdentHit   *hit = hash_search(hits, jstr(k, "key"), HASH_FIND, NULL);

		if (hit && hit->is_staff)
		{
			const char *role = jstr(k, "role");

			if (strcmp(role, "from") == 0 && !res->from_staff[0])
				strlcpy(res->from_staff, hit->staff_id, sizeof(res->from_staff));
			else if (strcmp(role, "from") != 0 && !res->to_staff[0])
				strlcpy(res->to_staff, hit->staff_id, sizeof(res->to_staff));
		}
	}
	/* Second pass: addresses grouped; an address is staff when any of its
	 * keys (itself or its domain) is a staff identity. */
	for (i = 0; i < json_array_size(it->keys); i++)
	{
		json_t	   *ki = json_array_get(it->keys, i);
		const char *role = jstr(ki, "role");
		const char *kind = jstr(ki, "kind");
		IdentHit   *hit = hash_search(hits, jstr(ki, "key"), HASH_FIND, NULL);
		bool		staff = hit && hit->is_staff;

		/* A domain key follows its address key: staff status is shared. */
		if (strcmp(kind, "domain") == 0 && i > 0)
		{
			IdentHit   *prev = hash_search(hits, jstr(json_array_get(it->keys, i - 1), "key"), HASH_FIND, NULL);

			if (prev && prev->is_staff)
				staff = true;
		}
		else if (i + 1 < json_array_size(it->keys) &&
				 strcmp(jstr(json_array_get(it->keys, i + 1), "kind"), "domain") == 0)
		{
			IdentHit   *next = hash_search(hits, jstr(json_array_get(it->keys, i + 1), "key"), HASH_FIND, NULL);

			if (next && next->is_staff)
				staff = true;
		}
		if (strcmp(role, "from") == 0)
		{
			from_seen = true;
			if (staff)
				from_is_staff = true;
			else if (hit && hit->is_customer)
				from_is_customer = true;
		}
		if (!staff)
			any_external = true;
		if (!staff && hit && hit->is_customer)
		{
			int			rank = kind_rank(kind) * 10 + role_rank(role);

			if (rank < best)
			{
				best = rank;
				strlcpy(res->customer_id, hit->customer_id, sizeof(res->customer_id));
				res->contact_id = hit->contact_id;
			}
		}
	}

	if (explicit_id && *explicit_id)
	{
		char	   *ck = psprintf("customer:%s", explicit_id);
		IdentHit   *hit = strlen(ck) < sizeof(hit->key) ? hash_search(hits, ck, HASH_FIND, NULL) : NULL;

		/* a record of a customer that does not exist would sit in no
		 * customer's timeline and under no agent */
		if (hit == NULL || !hit->is_customer)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("customer_id \"%s\" of the %s payload is not a known customer", explicit_id, it->channel),
					 errhint("Create it first with commhub.add_customer(customer_id, name), or leave customer_id out "
							 "to match the customer by the payload's identities."),
					 err_generic_string(PG_DIAG_COLUMN_NAME, "customer_id")));
		strlcpy(res->customer_id, explicit_id, sizeof(res->customer_id));
		res->match_status = "explicit";
	}
	else if (res->customer_id[0])
		res->match_status = "matched";
	else
	{
		strlcpy(res->customer_id, UNMATCHED_CUSTOMER, sizeof(res->customer_id));
		res->match_status = "unmatched";
	}

	if (from_seen && from_is_staff)
		res->direction = any_external ? "outbound" : (json_array_size(it->keys) > 0 ? "internal" : "outbound");
	else if (from_seen && (from_is_customer || !hint || strcmp(hint, "outbound") != 0))
		res->direction = "inbound";
	else if (hint && (strcmp(hint, "inbound") == 0 || strcmp(hint, "outbound") == 0))
		res->direction = hint;
	else
		res->direction = "inbound";
}

/* -------------------------------------------------------------- analyze */

static void
task_add(json_t *tasks, const char *record_id, const char *customer, const char *title,
		 const char *owner, const char *due_iso, const char *priority)
{
	json_t	   *t = json_object();
	char		hex[65];
	char	   *id;

	sha256_hex(title, strlen(title), hex);
	id = psprintf("%s-T%.8s", record_id, hex);
	json_object_set_new(t, "task_id", json_string(id));
	json_object_set_new(t, "customer_id", json_string(customer));
	json_object_set_new(t, "record_id", json_string(record_id));
	jset_trunc(t, "title", title, 256);
	if (owner)
		jset_trunc(t, "owner", owner, 64);
	if (due_iso)
		json_object_set_new(t, "due_at", json_string(due_iso));
	json_object_set_new(t, "priority", json_string(priority));
	json_array_append_new(tasks, t);
	pfree(id);
}

/* Fill row/atts/tasks of an item from its normalized record. */
static void
build_row(IngestItem *it, const char *tenant, Resolution *res, const az_lexicon *lex)
{
	json_t	   *n = it->norm;
	json_t	   *r = json_object();
	json_t	   *a;
	json_t	   *ki;
	json_t	   *fu;
	json_t	   *urls;
	json_t	   *att;
	json_t	   *keyarr;
	json_int_t	us = json_integer_value(json_object_get(n, "communication_time"));
	char		tbuf[40];
	StringInfoData text;
	const char *content = jstr(n, "content");
	const char *subject = jstr(n, "subject");
	const char *type = jstr(n, "communication_type");
	const char *urgency;
	bool		missed = json_is_true(json_object_get(n, "missed"));
	bool		no_words = false;	/* a call without a note or transcript */
	size_t		i;
	char	   *fp;
	const char *owner;
	char		due[40] = "";
	int64		due_us = 0;

	it->row = r;
	json_object_set_new(r, "record_id", json_string(it->record_id));
	json_object_set_new(r, "customer_id", json_string(res->customer_id));
	if (res->contact_id > 0)
		json_object_set_new(r, "contact_id", json_integer(res->contact_id));
	else
		jcopy(r, "contact_id", n, "contact_id");
	jset_trunc(r, "project_id", jstr(n, "project_id"), 64);
	jset_trunc(r, "opportunity_id", jstr(n, "opportunity_id"), 64);
	jset_str(r, "communication_type", type);
	json_object_set_new(r, "direction", json_string(res->direction));
	jset_trunc(r, "channel", jstr(n, "channel"), 32);
	norm_format_time_utc(us, tbuf, sizeof(tbuf));
	json_object_set_new(r, "communication_time", json_string(tbuf));
	jcopy(r, "duration", n, "duration");
	/* Staff ids are more useful than raw addresses for "who handled it". */
	if (strcmp(res->direction, "outbound") == 0 && res->from_staff[0])
		jset_trunc(r, "initiated_by", res->from_staff, 64);
	else
		jset_trunc(r, "initiated_by", jstr(n, "initiated_by"), 64);
	if (jstr(n, "handled_by"))
		jset_trunc(r, "handled_by", jstr(n, "handled_by"), 64);
	else if (strcmp(res->direction, "inbound") == 0 && res->to_staff[0])
		jset_trunc(r, "handled_by", res->to_staff, 64);
	else if (res->from_staff[0])
		jset_trunc(r, "handled_by", res->from_staff, 64);
	jset_trunc(r, "assigned_to", jstr(n, "assigned_to"), 64);
	jcopy(r, "participants", n, "participants");
	jset_trunc(r, "subject", subject, 256);
	jset_str(r, "content", content);
	/* Multi-event records keep every event, so a re-parse can fold them again. */
	if (jstr(n, "merge_policy") && strcmp(jstr(n, "merge_policy"), "enrich") == 0 && it->raw[0] != '[')
		json_object_set_new(r, "content_original", json_sprintf("[%s]", it->raw));
	else
		json_object_set_new(r, "content_original", json_string(it->raw));
	{
		const char *url = jstr(n, "recording_url");

		if (url && strlen(url) <= 256)
			jset_str(r, "recording_url", url);
	}
	jset_str(r, "source_system", jstr(n, "source_system"));
	jset_str(r, "source_record_id", jstr(n, "source_record_id"));
	json_object_set_new(r, "match_status", json_string(res->match_status));
	jset_str(r, "message_id", jstr(n, "message_id"));
	jset_str(r, "in_reply_to", jstr(n, "in_reply_to"));
	jcopy(r, "email_references", n, "references");
	if (subject)
	{
		char	   *sk = norm_subject(subject);

		if (sk)
		{
			if (*sk)
				json_object_set_new(r, "subject_key", json_string(sk));
			free(sk);
		}
	}
	jset_str(r, "chat_key", jstr(n, "chat_key"));
	jset_str(r, "call_number", jstr(n, "call_number"));
	json_object_set_new(r, "missed", json_boolean(missed));
	jset_str(r, "media_pending", jstr(n, "media_pending"));
	json_object_set_new(r, "event_count", json_integer(it->event_count > 0 ? it->event_count : 1));
	json_object_set_new(r, "normalized_hash", json_string(it->hash));
	if (it->mailbox)
	{
		json_t	   *mb = json_array();

		json_array_append_new(mb, json_string(it->mailbox));
		json_object_set_new(r, "mailboxes", mb);
	}
	{
		json_t	   *extra = json_object_get(n, "extra");
		json_t	   *ce = json_is_object(extra) ? json_deep_copy(extra) : json_object();

		jcopy(ce, "merge_policy", n, "merge_policy");
		jcopy(ce, "source_version", n, "source_version");
		if (jstr(n, "recording_url") && strlen(jstr(n, "recording_url")) > 256)
			jcopy(ce, "recording_url", n, "recording_url");
		json_object_set_new(r, "content_extra", ce);
	}
	keyarr = json_array();
	json_array_foreach(it->keys, i, ki)
		json_array_append(keyarr, json_object_get(ki, "key"));
	json_object_set_new(r, "identity_keys", keyarr);

	/* Attachments: rows plus the seed's attachment_urls list. */
	it->atts = json_array();
	urls = json_array();
	json_array_foreach(json_object_get(n, "attachments"), i, att)
	{
		json_t	   *row = json_object();
		char	   *aid = psprintf("%s-A%02zu", it->record_id, i + 1);
		const char *url = jstr(att, "file_url");
		const char *hash = jstr(att, "file_hash");

		if (i >= 500)
			break;
		json_object_set_new(row, "attachment_id", json_string(aid));
		json_object_set_new(row, "record_id", json_string(it->record_id));
		jset_trunc(row, "file_name", jstr(att, "file_name"), 256);
		jset_trunc(row, "file_type", jstr(att, "file_type"), 64);
		jcopy(row, "file_size", att, "file_size");
		if (url && strlen(url) <= 256)
			jset_str(row, "file_url", url);
		if (hash && strlen(hash) <= 64)
			jset_str(row, "file_hash", hash);
		else if (hash)
		{
			char		h2[65];

			sha256_hex(hash, strlen(hash), h2);
			json_object_set_new(row, "file_hash", json_string(h2));
		}
		jset_trunc(row, "content_type", jstr(att, "content_type"), 128);
		jcopy(row, "is_inline", att, "related");
		json_array_append_new(it->atts, row);
		json_array_append_new(urls, url ? json_string(url)
							  : json_string(jstr(att, "file_name") ? jstr(att, "file_name") : ""));
		pfree(aid);
	}
	json_object_set_new(r, "attachment_count", json_integer(json_array_size(it->atts)));
	if (json_array_size(urls) > 0)
		json_object_set_new(r, "attachment_urls", urls);
	else
		json_decref(urls);

	/* Text the analyzer reads: content plus attachment names. */
	initStringInfo(&text);
	if (content)
		appendStringInfoString(&text, content);
	json_array_foreach(json_object_get(n, "attachments"), i, att)
	{
		if (jstr(att, "file_name"))
			appendStringInfo(&text, "\n附件: %s", jstr(att, "file_name"));
	}
	fp = norm_fingerprint_text(text.data);
	if (fp)
	{
		uint64_t	h = norm_simhash(fp);

		if (h != 0)
		{
			json_t	   *bands = json_array();

			/* Band terms are scoped by customer.  A near-duplicate (found
			 * through idx_comm_timeline, which carries the fingerprint)
			 * must also share a band: link_duplicates in thread.c. */
			json_object_set_new(r, "fingerprint", json_integer((json_int_t) h));
			for (int b = 0; b < 4; b++)
			{
				char		term[128];
				sha256_ctx	ctx;
				uint8_t		dig[32];

				snprintf(term, sizeof(term), "%s|%d|%04x", res->customer_id, b, (unsigned) ((h >> (16 * b)) & 0xFFFF));
				sha256_init(&ctx);
				sha256_update(&ctx, term, strlen(term));
				sha256_final(&ctx, dig);
				/* the first 8 hex digits of the digest, as an int4 */
				json_array_append_new(bands, json_integer((json_int_t) (int32) (((uint32) dig[0] << 24) | ((uint32) dig[1] << 16) |
																				 ((uint32) dig[2] << 8) | (uint32) dig[3])));
			}
			json_object_set_new(r, "fp_bands", bands);
		}
		free(fp);
	}

	if (jstr(n, "analysis_text"))
	{
		/* A call's content line is commhub's own ("来电 …,通话 5分35秒"):
		 * the analyzer reads only the note or transcript of a person (and
		 * the attachment names after the content in text), and a call
		 * without one is no order, complaint or inquiry. */
		const char *words = jstr(n, "analysis_text");
		const char *atts = text.data + (content ? strlen(content) : 0);
		char	   *at = psprintf("%s%s", words, atts);

		no_words = *at == '\0';
		a = az_analyze(lex, at, strlen(at), type, NULL, us);
		pfree(at);
	}
	else
		a = az_analyze(lex, text.data, text.len, type, subject, us);
	if (a == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory analyzing record")));
	json_object_set_new(r, "analysis", a);
	json_object_set_new(r, "analyzed_by", json_string("builtin:A10"));
	{
		json_t	   *intent = json_object_get(a, "intent");
		json_t	   *ki2 = json_object_get(a, "key_info");
		json_t	   *sent = json_object_get(a, "sentiment");
		json_t	   *urg = json_object_get(a, "urgency");
		json_t	   *pv = json_object_get(ki2, "price_value");
		json_t	   *qv = json_object_get(ki2, "quantity_value");
		json_t	   *tl;

		jset_str(r, "intent_category", jstr(intent, "category"));
		jset_trunc(r, "intent_detail", jstr(intent, "detail"), 128);
		if (json_is_number(json_object_get(intent, "confidence")))
			json_object_set_new(r, "intent_confidence",
								json_real(rint(json_number_value(json_object_get(intent, "confidence")) * 100) / 100));
		jcopy(r, "products_mentioned", ki2, "products");
		if (json_is_number(pv) && json_number_value(pv) >= 0 && json_number_value(pv) < 1e10)
			json_object_set_new(r, "price_discussed", json_real(rint(json_number_value(pv) * 100) / 100));
		if (json_is_number(qv) && json_number_value(qv) >= 0 && json_number_value(qv) <= INT_MAX)
			json_object_set_new(r, "quantity_discussed", json_integer((json_int_t) rint(json_number_value(qv))));
		if (jstr(ki2, "timeline") || json_array_size(json_object_get(ki2, "timeline_dates")) > 0)
		{
			tl = json_object();
			jcopy(tl, "text", ki2, "timeline");
			jcopy(tl, "dates", ki2, "timeline_dates");
			json_object_set_new(r, "timeline_mentioned", tl);
			if (json_array_size(json_object_get(ki2, "timeline_dates")) > 0)
			{
				const char *d = json_string_value(json_array_get(json_object_get(ki2, "timeline_dates"), 0));

				TimestampTz ts;

				/*
				 * The end of that working day (18:00 Shanghai); an evening
				 * message's "今天之内" by the day's end; a date before the
				 * communication (a past event it tells of) sets no due time.
				 */
				if (d && strlen(d) == 10)
				{
					snprintf(due, sizeof(due), "%sT18:00:00+08:00", d);
					if (fast_timestamptz(due, &ts) && ts < PG_FROM_UNIX_US(us))
					{
						snprintf(due, sizeof(due), "%sT23:59:59+08:00", d);
						if (!fast_timestamptz(due, &ts) || ts < PG_FROM_UNIX_US(us))
							due[0] = '\0';
					}
				}
			}
		}
		jcopy(r, "competitors_mentioned", ki2, "competitors");
		jset_str(r, "sentiment", jstr(sent, "overall"));
		if (json_is_number(json_object_get(sent, "score")))
			json_object_set_new(r, "sentiment_score",
								json_real(rint(json_number_value(json_object_get(sent, "score")) * 100) / 100));
		jset_trunc(r, "customer_mood", jstr(sent, "mood"), 32);
		urgency = jstr(urg, "level");
		jset_str(r, "urgency_level", urgency);
		jset_trunc(r, "urgency_reason", jstr(urg, "reason"), 128);
		jcopy(r, "ai_suggestions", a, "suggestions");
		jcopy(r, "ai_tags", a, "tags");
		{
			json_t	   *ins = json_object();

			jcopy(ins, "quality_score", a, "quality_score");
			jcopy(ins, "language", a, "language");
			json_object_set_new(r, "ai_insights", ins);
		}
		if (jstr(n, "summary"))
			jset_str(r, "summary", jstr(n, "summary"));
		else
			jcopy(r, "summary", a, "summary");

		/* Follow-ups: the payload's action items, the analyzer's, a missed call. */
		fu = json_array();
		json_array_foreach(json_object_get(n, "follow_up_items"), i, ki)
			if (json_is_string(ki) && i < 50)
			json_array_append(fu, ki);
		/* a missed call of the customer's is called back; our own
		 * unanswered attempt is no missed call */
		if (missed && strcmp(res->direction, "outbound") != 0)
		{
			const char *num = jstr(n, "call_number");

			json_array_append_new(fu, json_sprintf("回拨未接来电%s%s", num ? " " : "", num ? num : ""));
		}
		/* a call with no word of a person in it (no note, no transcript)
		 * asks nothing beyond its call-back */
		json_array_foreach(no_words ? NULL : json_object_get(a, "follow_up"), i, ki)
		{
			size_t		j;
			json_t	   *e;
			bool		dup = false;

			if (!json_is_string(ki) || i >= 50)
				continue;
			json_array_foreach(fu, j, e)
				if (json_equal(e, ki))
				dup = true;
			if (!dup)
				json_array_append(fu, ki);
		}
		if (json_array_size(fu) > 0)
		{
			json_object_set_new(r, "follow_up_required", json_true());
			json_object_set(r, "follow_up_items", fu);
		}
		else
			json_object_set_new(r, "follow_up_required", json_false());

		/* Due time: a resolved date from the text, else by urgency. */
		if (!due[0])
		{
			int64		hours = (urgency && strcmp(urgency, "high") == 0) || missed ? 24
				: (urgency && strcmp(urgency, "medium") == 0) ? 72 : 168;

			due_us = us + hours * 3600 * INT64CONST(1000000);
			norm_format_time_utc(due_us, due, sizeof(due));
		}
		if (json_array_size(fu) > 0)
			json_object_set_new(r, "follow_up_deadline", json_string(due));

		it->tasks = json_array();
		owner = json_string_value(json_object_get(r, "handled_by"));
		json_array_foreach(fu, i, ki)
		{
			/* an action item that names its owner or due time (meeting
			 * minutes, visit next steps) keeps them in its task */
			const char *t_owner = owner;
			const char *t_due = due;
			size_t		j;
			json_t	   *d;

			json_array_foreach(json_object_get(n, "follow_up_details"), j, d)
				if (json_equal(json_object_get(d, "item"), ki))
			{
				if (jstr(d, "owner") && *jstr(d, "owner"))
					t_owner = jstr(d, "owner");
				if (jstr(d, "due") && *jstr(d, "due"))
					t_due = jstr(d, "due");
				break;
			}
			task_add(it->tasks, it->record_id, res->customer_id, json_string_value(ki), t_owner, t_due,
					 missed || (urgency && strcmp(urgency, "high") == 0) ? "high"
					 : (urgency && strcmp(urgency, "medium") == 0) ? "medium" : "low");
		}
		json_decref(fu);
	}
	pfree(text.data);
}

/* ------------------------------------------------------------ write */

/* Insert attachment and task rows (JSON arrays) in one statement each. */
/*
 * INSERT ... SELECT ... FROM unnest($1::commhub.<rel>[]) with a kept plan;
 * re-prepared when the row type's OID changes (extension re-created).
 */
static void
insert_unnest(CachedStmt *st, const char *sql, json_t *rows, const char *relname, const char *tenant)
{
	Datum		args[2];
	Oid			arrtype;

	args[0] = rows_to_composite_array(rows, relname);
	args[1] = CStringGetTextDatum(tenant);
	arrtype = get_array_type(ARR_ELEMTYPE(DatumGetArrayTypeP(args[0])));
	if (st->plan && st->types[0] != arrtype)
	{
		SPI_freeplan(st->plan);
		st->plan = NULL;
	}
	st->sql = sql;
	st->nargs = 2;
	st->types[0] = arrtype;
	st->types[1] = TEXTOID;
	if (commhub_spi_run(st, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "commhub: %s insert failed", relname);
}

static void
insert_child_rows(json_t *atts, json_t *tasks, const char *tenant)
{
	static CachedStmt att_stmt,
				task_stmt;

	if (json_array_size(atts) > 0)
		insert_unnest(&att_stmt,
					  "INSERT INTO commhub.communication_attachments (attachment_id, record_id, tenant_id, file_name, file_type, file_size, file_url, file_hash, content_type, is_inline) "
					  "SELECT a.attachment_id, a.record_id, $2, a.file_name, a.file_type, a.file_size, a.file_url, a.file_hash, a.content_type, coalesce(a.is_inline, false) "
					  "FROM unnest($1::commhub.communication_attachments[]) a "
					  "ON CONFLICT (attachment_id) DO NOTHING",
					  atts, "communication_attachments", tenant);
	if (json_array_size(tasks) > 0)
		insert_unnest(&task_stmt,
					  "INSERT INTO commhub.communication_tasks (task_id, tenant_id, customer_id, record_id, title, owner, due_at, priority, source) "
					  "SELECT t.task_id, $2, t.customer_id, t.record_id, t.title, t.owner, t.due_at, t.priority, 'analyzer' "
					  "FROM unnest($1::commhub.communication_tasks[]) t "
					  "ON CONFLICT (task_id) DO NOTHING",
					  tasks, "communication_tasks", tenant);
}

static void
insert_children(IngestItem *it, bool replace_attachments, const char *tenant)
{
	Oid			t2[2] = {TEXTOID, JSONBOID};
	Datum		a2[2];
	bool		have_ocr = false;

	if (replace_attachments)
	{
		bool		isnull = true;

		/* The OCR text given for an attachment (set_media_text) is no part
		 * of any payload: it goes to the same file in the new rows. */
		a2[0] = CStringGetTextDatum(it->record_id);
		if (SPI_CACHED("WITH d AS (DELETE FROM commhub.communication_attachments WHERE record_id = $1 "
					   "           RETURNING file_hash, file_name, ocr_text) "
					   "SELECT jsonb_object_agg(coalesce(file_hash, '') || '|' || coalesce(file_name, ''), ocr_text) "
					   "FROM d WHERE ocr_text IS NOT NULL",
					   1, t2, a2, NULL, false, 1) == SPI_OK_SELECT && SPI_processed == 1)
		{
			Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
			{
				a2[1] = PointerGetDatum(PG_DETOAST_DATUM_COPY(d));
				have_ocr = true;
			}
		}
	}
	insert_child_rows(it->atts, it->tasks, tenant);
	if (have_ocr)
		SPI_CACHED("UPDATE commhub.communication_attachments a "
				   "SET ocr_text = $2->>(coalesce(a.file_hash, '') || '|' || coalesce(a.file_name, '')) "
				   "WHERE a.record_id = $1 AND a.ocr_text IS NULL AND $2 ? (coalesce(a.file_hash, '') || '|' || coalesce(a.file_name, ''))",
				   2, t2, a2, NULL, false, 0);
}

/* Apply a WeCom recall to the recalled message, or park it until it arrives. */
static void
apply_recall(IngestItem *it, const char *tenant)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID};
	Datum		args[4];
	json_int_t	us = json_integer_value(json_object_get(it->norm, "communication_time"));

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(jstr(it->norm, "source_system"));
	args[2] = CStringGetTextDatum(jstr(it->norm, "recall_of"));
	args[3] = TimestampTzGetDatum(PG_FROM_UNIX_US(us));
	/* The same recall again changes nothing: a duplicate (I5). */
	SPI_CACHED("UPDATE commhub.customer_communications SET recalled_at = $4, updated_at = now() "
						  "WHERE tenant_id = $1 AND source_system = $2 AND source_record_id = $3 "
						  "AND recalled_at IS DISTINCT FROM $4 RETURNING record_id",
						  4, types, args, NULL, false, 0);
	if (SPI_processed > 0)
	{
		strlcpy(it->record_id, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), sizeof(it->record_id));
		it->status = "merged";
	}
	else if (SPI_CACHED("SELECT record_id FROM commhub.customer_communications "
						"WHERE tenant_id = $1 AND source_system = $2 AND source_record_id = $3 AND recalled_at = $4",
						4, types, args, NULL, false, 1) == SPI_OK_SELECT && SPI_processed > 0)
	{
		strlcpy(it->record_id, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), sizeof(it->record_id));
		it->status = "duplicate";
	}
	else
	{
		SPI_CACHED("INSERT INTO commhub.pending_recalls (tenant_id, source_system, source_record_id, recalled_at) "
							  "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", 4, types, args, NULL, false, 0);
		it->record_id[0] = '\0';
		it->status = "duplicate";
	}
}

/* WeCom recalls that arrived before their message (one statement a chunk). */
static void
apply_pending_recalls(IngestItem *items, int n, const char *tenant)
{
	Oid			types[3] = {TEXTOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum		args[3];
	Datum	   *sys = palloc(sizeof(Datum) * (n + 1));
	Datum	   *rid = palloc(sizeof(Datum) * (n + 1));
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		if (items[i].failed || items[i].recall ||
			strcmp(jstr(items[i].norm, "communication_type"), "wechat") != 0)
			continue;
		sys[k] = CStringGetTextDatum(jstr(items[i].norm, "source_system"));
		rid[k++] = CStringGetTextDatum(jstr(items[i].norm, "source_record_id"));
	}
	if (k == 0)
		return;
	args[0] = CStringGetTextDatum(tenant);
	args[1] = PointerGetDatum(construct_array(sys, k, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(rid, k, TEXTOID, -1, false, TYPALIGN_INT));
	SPI_CACHED("DELETE FROM commhub.pending_recalls p USING unnest($2::text[], $3::text[]) AS u(sys, rid) "
			   "WHERE p.tenant_id = $1 AND p.source_system = u.sys AND p.source_record_id = u.rid "
			   "RETURNING p.source_system, p.source_record_id, p.recalled_at",
			   3, types, args, NULL, false, 0);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *s = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		char	   *id = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);
		char	   *at = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3);

		for (int i = 0; i < n; i++)
			if (!items[i].failed && !items[i].recall && items[i].row &&
				strcmp(jstr(items[i].norm, "source_system"), s) == 0 &&
				strcmp(jstr(items[i].norm, "source_record_id"), id) == 0)
				json_object_set_new(items[i].row, "recalled_at", json_string(at));
	}
}

/*
 * Lock order.  Concurrent batches that share messages must take their row
 * locks in one order, or two of them, each holding a row the other wants,
 * deadlock (40P01).  A chunk takes them in two passes, both in record_id
 * order (record_id derives from the natural key: see make_record_id), never
 * in the order of the payloads:
 *   - the insert: a session that meets a row another session inserted and
 *     has not committed waits for it on the unique index;
 *   - the records that were there already (handle_existing: SELECT ... FOR
 *     UPDATE, then the merge's UPDATE).
 * A session waits in the insert only for rows inserted or updated by one
 * still running, so two sessions cannot each wait for the other across the
 * passes either.  Ties (the same message twice in a chunk) keep the
 * payloads' order.  The insert's order also decides the order of the new
 * rows' ids (which of two near-duplicates of one chunk stays canonical); it
 * is what it was.
 *
 * There is no order across the chunks of a batch (CHUNK payloads each):
 * the locks of the chunks done are held while the next ones run, so two
 * batches of more than CHUNK payloads, each with messages in a later chunk
 * that the other has in an earlier one, can still deadlock.  One order over
 * the batch would need every payload normalized before the first chunk is
 * stored, and then either chunks made of other payloads than the batch's
 * order gives -- which changes what is stored: the order of the new rows'
 * ids, so which near-duplicate stays canonical, and which of two mails
 * reusing a Message-ID keeps it -- or a lock per message taken up front:
 * one lock-table entry each (a 60,000-item history sync exhausts the shared
 * lock table), or, hashed into fewer locks, unrelated batches waiting for
 * each other's whole transaction.  Running the batch again in a
 * subtransaction does not help: a session waiting for a row of a
 * subtransaction that committed waits for the top-level transaction.
 */
static int
cmp_item_record_id(const void *a, const void *b, void *arg)
{
	IngestItem *items = (IngestItem *) arg;
	int			x = *(const int *) a;
	int			y = *(const int *) b;
	int			c = strcmp(items[x].record_id, items[y].record_id);

	return c != 0 ? c : (x > y) - (x < y);
}

static void
set_thread_columns(IngestItem *it)
{
	if (it->thread_id[0])
		json_object_set_new(it->row, "thread_id", json_string(it->thread_id));
	if (it->parent[0])
		json_object_set_new(it->row, "parent_record_id", json_string(it->parent));
}

static Datum
keys_array(IngestItem *it)
{
	size_t		n = json_array_size(it->keys);
	Datum	   *elems = palloc(sizeof(Datum) * (n + 1));
	size_t		i;
	json_t	   *k;

	json_array_foreach(it->keys, i, k)
		elems[i] = CStringGetTextDatum(jstr(k, "key"));
	return PointerGetDatum(construct_array(elems, (int) n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Could the record stored from this row be a near-duplicate by any rule of
 * link_duplicates (thread.c)?  Its query needs, of the stored record: simhash
 * bands and content of at least 20 characters (content), attachments
 * (attachment), a call number (call), or a meeting type (meeting).  The row
 * is what was written (insert, or the merge's update), so this is exact
 * where it says no.
 */
static bool
row_may_duplicate(json_t *row)
{
	const char *content = jstr(row, "content");
	const char *type = jstr(row, "communication_type");
	json_t	   *bands = json_object_get(row, "fp_bands");
	json_t	   *natt = json_object_get(row, "attachment_count");

	if (bands && !json_is_null(bands) && content)
	{
		/* length(content) >= 20, counted as pg_mbstrlen_with_len does, up to 20 */
		int			limit = (int) strlen(content);
		int			chars = 0;

		if (pg_database_encoding_max_length() == 1)
			chars = limit;
		for (const char *c = content; chars < 20 && limit > 0 && *c;)
		{
			int			l = pg_mblen(c);

			limit -= l;
			c += l;
			chars++;
		}
		if (chars >= 20)
			return true;
	}
	if (natt == NULL || !json_is_integer(natt) || json_integer_value(natt) > 0)
		return true;
	if (jstr(row, "call_number"))
		return true;
	return type == NULL || strcmp(type, "video") == 0 || strcmp(type, "visit") == 0 ||
		strcmp(type, "meeting") == 0;
}

/* Threading input of an item whose row is built. */
static void
thread_in(IngestItem *it, ThreadIn *t)
{
	memset(t, 0, sizeof(*t));
	t->record_id = it->record_id;
	t->type = jstr(it->norm, "communication_type");
	t->customer_id = jstr(it->row, "customer_id");
	t->message_id = jstr(it->norm, "message_id");
	t->in_reply_to = jstr(it->norm, "in_reply_to");
	t->references = json_object_get(it->norm, "references");
	t->subject = jstr(it->norm, "subject");
	t->subject_key = jstr(it->row, "subject_key");
	t->chat_key = jstr(it->norm, "chat_key");
	t->call_number = jstr(it->norm, "call_number");
	t->opportunity_id = jstr(it->row, "opportunity_id");
	t->project_id = jstr(it->row, "project_id");
	/* only email threading reads them (the subject fallback) */
	t->identity_keys = t->type && strcmp(t->type, "email") == 0 ? keys_array(it) : (Datum) 0;
	t->time_us = json_integer_value(json_object_get(it->norm, "communication_time"));
	t->missed = json_is_true(json_object_get(it->norm, "missed"));
	t->outbound = jstr(it->row, "direction") && strcmp(jstr(it->row, "direction"), "outbound") == 0;
}

/*
 * An item whose natural key already exists: compare and fold under a row
 * lock.  force = reparse (always rewrite).
 */
static void
handle_existing(IngestItem *it, const char *tenant, const az_lexicon *lex, bool force)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	HeapTuple	tup;
	TupleDesc	td;
	int32		id;
	char	   *stored_raw;
	char	   *stored_hash;
	char	   *stored_ver;
	char	   *media_text;
	char	   *media_kind;
	char	   *old_urgency;
	char	   *stored_time;
	bool		isnull;
	const char *policy = jstr(it->norm, "merge_policy");
	char	   *new_raw = it->raw;
	Resolution res;

	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(jstr(it->norm, "source_system"));
	args[2] = CStringGetTextDatum(jstr(it->norm, "source_record_id"));
	if (SPI_CACHED(
							  "SELECT id, record_id, content_original, normalized_hash, content_extra->>'source_version', "
							  "content_extra->>'media_text', content_extra->>'media_kind', urgency_level, "
							  "(extract(epoch FROM communication_time) * 1000000)::bigint "
							  "FROM commhub.customer_communications WHERE tenant_id = $1 AND source_system = $2 "
							  "AND source_record_id = $3 FOR UPDATE",
							  3, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
	{
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("communication %s/%s conflicted with a concurrent change", jstr(it->norm, "source_system"),
						jstr(it->norm, "source_record_id")),
				 errhint("Retry the ingest.")));
	}
	tup = SPI_copytuple(SPI_tuptable->vals[0]);
	td = SPI_tuptable->tupdesc;
	id = DatumGetInt32(SPI_getbinval(tup, td, 1, &isnull));
	it->row_id = id;
	strlcpy(it->record_id, SPI_getvalue(tup, td, 2), sizeof(it->record_id));
	stored_raw = SPI_getvalue(tup, td, 3);
	stored_hash = SPI_getvalue(tup, td, 4);
	stored_ver = SPI_getvalue(tup, td, 5);
	media_text = SPI_getvalue(tup, td, 6);
	media_kind = SPI_getvalue(tup, td, 7);
	old_urgency = SPI_getvalue(tup, td, 8);
	stored_time = SPI_getvalue(tup, td, 9);

	if (!force && is_raw_mail(stored_raw) && it->raw && !is_raw_mail(it->raw) &&
		!jstr(it->norm, "customer_id") && !jstr(it->norm, "project_id") &&
		!jstr(it->norm, "opportunity_id") && !json_object_get(it->norm, "contact_id"))
	{
		/* A parsed (JSON) copy of a Message-ID stored from the raw mail: the
		 * raw message is the whole of it (every header, Cc, attachments with
		 * their hashes), a parser's JSON of it never more, so the copy
		 * changes nothing.  A copy that assigns the mail explicitly (a CRM's
		 * customer_id, project_id, ...) says what the raw mail cannot: it
		 * merges as before.  (The raw mail arriving after a JSON copy does
		 * replace it: that is the other way round.) */
		it->status = "duplicate";
		return;
	}
	if (!force && policy && strcmp(policy, "enrich") == 0 && stored_raw)
	{
		/* Fold the new event into the stored ones. */
		chn_error	err;
		int			nevents = 0;
		json_t	   *old = normalize_stored(it->channel, stored_raw, &err, &nevents);

		if (old)
		{
			json_t	   *m = chn_merge(old, it->norm);

			json_decref(old);
			json_decref(it->norm);
			it->norm = m;
			it->event_count = nevents + 1;
		}
		/* The stored events stay even when today's parser cannot read them
		 * (the record then shows the new event until a reparse folds them
		 * all): an event once stored is never dropped. */
		if (stored_raw[0] == '[')
			new_raw = psprintf("%.*s,%s]", (int) strlen(stored_raw) - 1, stored_raw, it->raw);
		else
			new_raw = psprintf("[%s,%s]", stored_raw, it->raw);
	}
	else if (!force && policy && strcmp(policy, "version") == 0 && stored_ver)
	{
		json_int_t	nv = json_integer_value(json_object_get(it->norm, "source_version"));

		if (nv <= atoll(stored_ver))
		{
			it->status = "duplicate";
			return;
		}
	}
	if (json_is_true(json_object_get(it->norm, "dated_at_ingest")) && stored_time)
	{
		/* dated when first ingested: that time stands */
		json_object_set_new(it->norm, "communication_time", json_integer(atoll(stored_time)));
	}
	normalized_hash(it);
	if (!force && stored_hash && strcmp(stored_hash, it->hash) == 0)
	{
		it->status = "duplicate";
		if (it->mailbox)
		{
			Oid			t2[2] = {INT4OID, TEXTOID};
			Datum		a2[2];

			a2[0] = Int32GetDatum(id);
			a2[1] = CStringGetTextDatum(it->mailbox);
			SPI_CACHED("UPDATE commhub.customer_communications SET mailboxes = array_append(coalesce(mailboxes, '{}'), $2) "
								  "WHERE id = $1 AND NOT coalesce($2 = ANY(mailboxes), false)",
								  2, t2, a2, NULL, false, 0);
		}
		return;
	}
	/* Changed: rebuild every derived column from the new normalized record. */
	it->raw = new_raw;
	/* OCR / transcription text delivered later (set_media_text) replaces the
	 * placeholder in every re-parse and re-sync (I3); the hash above was of
	 * the payload alone, so an unchanged re-sync stays a duplicate. */
	if (media_text)
	{
		const char *label = !media_kind ? "[识别]" : strcmp(media_kind, "image") == 0 ? "[图片]"
			: strcmp(media_kind, "voice") == 0 ? "[语音]" : strcmp(media_kind, "video") == 0 ? "[视频]"
			: strcmp(media_kind, "file") == 0 ? "[文件]" : "[识别]";

		json_object_set_new(it->norm, "content", json_sprintf("%s %s", label, media_text));
		json_object_del(it->norm, "media_pending");
	}
	json_decref(it->keys);
	build_keys(it);
	{
		HTAB	   *h2 = lookup_identities(it, 1, tenant);

		resolve(it, h2, &res);
		hash_destroy(h2);
	}
	json_decref(it->row);
	json_decref(it->atts);
	json_decref(it->tasks);
	build_row(it, tenant, &res, lex);
	set_thread_columns(it);
	if (media_text)
	{
		json_t	   *ce = json_object_get(it->row, "content_extra");

		json_object_set_new(ce, "media_text", json_string(media_text));
		if (media_kind)
			json_object_set_new(ce, "media_kind", json_string(media_kind));
	}
	{
		Oid			t3[2] = {INT4OID, JSONBOID};
		Datum		a3[2];

		a3[0] = Int32GetDatum(id);
		a3[1] = commhub_json_to_jsonb(it->row);
		if (SPI_CACHED(update_sql, 2, t3, a3, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "commhub: merge update failed");
	}
	insert_children(it, true, tenant);
	it->status = "merged";
	it->became_urgent = jstr(it->row, "urgency_level") && strcmp(jstr(it->row, "urgency_level"), "high") == 0 &&
		(!old_urgency || strcmp(old_urgency, "high") != 0);
}

/*
 * The call-back tasks of missed calls that this chunk both inserts and
 * answers, moved out of tasks into the array returned.  Right after the
 * children are inserted, close_missed_calls (thread.c) sets every pending
 * task titled 回拨... of the missed call of each written call-back to done
 * (completed_at, updated_at now()); these are inserted done instead, which
 * leaves the same rows without writing each twice.  Its UPDATE still runs
 * (for missed calls stored before, and any such task the insert met as
 * already there).
 */
static json_t *
split_answered_callbacks(json_t *tasks, IngestItem *items, ThreadIn *tin, int *tin_item, int ntin)
{
	static const char prefix[] = "回拨";
	json_t	   *done = json_array();
	json_t	   *open;
	HTAB	   *answered = NULL;
	HASHCTL		ctl;
	size_t		i;
	json_t	   *t;

	for (int k = 0; k < ntin; k++)
	{
		IngestItem *it = &items[tin_item[k]];

		if (!tin[k].callback || !tin[k].parent[0] || !it->status || strcmp(it->status, "duplicate") == 0)
			continue;
		if (answered == NULL)
		{
			memset(&ctl, 0, sizeof(ctl));
			ctl.keysize = ctl.entrysize = 65;
			ctl.hcxt = CurrentMemoryContext;
			answered = hash_create("commhub answered missed calls", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		}
		(void) hash_search(answered, tin[k].parent, HASH_ENTER, NULL);
	}
	if (answered == NULL || json_array_size(tasks) == 0)
	{
		if (answered)
			hash_destroy(answered);
		return done;
	}
	open = json_array();
	json_array_foreach(tasks, i, t)
	{
		const char *rid = jstr(t, "record_id");
		const char *title = jstr(t, "title");
		bool		found = false;

		if (rid && title && strlen(rid) < 65 && strncmp(title, prefix, strlen(prefix)) == 0)
			(void) hash_search(answered, rid, HASH_FIND, &found);
		json_array_append(found ? done : open, t);
	}
	hash_destroy(answered);
	json_array_clear(tasks);
	json_array_extend(tasks, open);
	json_decref(open);
	return done;
}

/*
 * Phases 2-6 for a set of normalized items (failed ones skipped).
 */
static void
store_items(IngestItem *items, int n, const char *tenant, bool force)
{
	const az_lexicon *lex = commhub_lexicon(tenant);
	HTAB	   *hits;
	json_t	   *rows = json_array();
	Datum		args[2];
	HTAB	   *inserted;
	HASHCTL		ctl;
	Datum	   *written = palloc(sizeof(Datum) * (n + 1));
	Datum	   *urgent = palloc(sizeof(Datum) * (n + 1));
	int			nwritten = 0;
	int			nurgent = 0;
	json_t	   *chunk_atts = json_array();
	json_t	   *chunk_tasks = json_array();
	ThreadIn   *tin;
	int		   *tin_item = palloc(sizeof(int) * (n + 1));
	int			ntin = 0;
	int			nlinked = 0;
	int			guc_level;
	PH_START();

	/*
	 * Every statement below is built for index access.  Plans are kept for
	 * the backend's life and are often first made while the table is small,
	 * when a sequential scan looks cheaper -- and would stay that way as the
	 * table grows to millions of rows.  Plan them with seqscan disabled.
	 */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	/* Short OLTP statements: JIT compilation would cost more than it saves. */
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	prepare_sql();
	for (int i = 0; i < n; i++)
	{
		if (items[i].failed)
			continue;
		if (jstr(items[i].norm, "recall_of"))
		{
			items[i].recall = true;
			apply_recall(&items[i], tenant);
			continue;
		}
		make_record_id(&items[i], tenant);
		normalized_hash(&items[i]);
		build_keys(&items[i]);
	}
	split_message_id_collisions(items, n, tenant);
	PH(0);
	hits = lookup_identities(items, n, tenant);
	PH(1);
	for (int i = 0; i < n; i++)
	{
		Resolution res;

		if (items[i].failed || items[i].recall)
			continue;
		resolve(&items[i], hits, &res);
		build_row(&items[i], tenant, &res, lex);
	}
	apply_pending_recalls(items, n, tenant);

	PH(2);
	/* Threads are decided before the insert (see thread.c). */
	tin = palloc(sizeof(ThreadIn) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		if (items[i].failed || items[i].recall)
			continue;
		thread_in(&items[i], &tin[ntin]);
		tin_item[ntin++] = i;
	}
	commhub_thread_assign(tin, ntin, tenant);
	PH(3);
	for (int k = 0; k < ntin; k++)
	{
		IngestItem *it = &items[tin_item[k]];

		strlcpy(it->thread_id, tin[k].thread_id, sizeof(it->thread_id));
		strlcpy(it->parent, tin[k].parent, sizeof(it->parent));
		set_thread_columns(it);
	}
	/* Insert in record_id order (see cmp_item_record_id: lock order). */
	{
		int		   *ord = palloc(sizeof(int) * (ntin + 1));

		for (int k = 0; k < ntin; k++)
			ord[k] = tin_item[k];
		qsort_arg(ord, ntin, sizeof(int), cmp_item_record_id, items);
		for (int k = 0; k < ntin; k++)
			json_array_append(rows, items[ord[k]].row);
	}

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = 65;
	ctl.entrysize = sizeof(InsertedRow);
	ctl.hcxt = CurrentMemoryContext;
	inserted = hash_create("commhub inserted", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	if (!force && json_array_size(rows) > 0)
	{
		args[0] = CStringGetTextDatum(tenant);
		args[1] = rows_to_composite_array(rows, "customer_communications");
		PH(4);
		{
			/* The row type's OID changes if the extension is re-created. */
			Oid			arrtype = get_array_type(ARR_ELEMTYPE(DatumGetArrayTypeP(args[1])));

			if (insert_stmt.plan && insert_stmt.types[1] != arrtype)
			{
				SPI_freeplan(insert_stmt.plan);
				insert_stmt.plan = NULL;
			}
			insert_stmt.sql = insert_sql;
			insert_stmt.nargs = 2;
			insert_stmt.types[0] = TEXTOID;
			insert_stmt.types[1] = arrtype;
		}
		if (commhub_spi_run(&insert_stmt, args, NULL, false, 0) != SPI_OK_INSERT_RETURNING)
			elog(ERROR, "commhub: insert failed");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			bool		isnull;
			InsertedRow *ir = hash_search(inserted, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1),
										  HASH_ENTER, NULL);

			ir->id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull));
			ir->taken = false;
		}
	}
	json_decref(rows);
	PH(5);

	{
		/* The records that were there already, locked and compared in
		 * record_id order (see cmp_item_record_id: lock order), not in the
		 * payloads' order. */
		int		   *ord = palloc(sizeof(int) * (n + 1));
		int			nexist = 0;

		for (int i = 0; i < n; i++)
		{
			IngestItem *it = &items[i];
			bool		found = false;
			InsertedRow *ir;

			if (it->failed || it->recall)
				continue;
			ir = hash_search(inserted, it->record_id, HASH_FIND, &found);
			/*
			 * Two items of a chunk with one natural key (the legs of one
			 * call, a message delivered twice, Zoom's later events): the
			 * insert wrote the first in the payloads' order (ties keep it:
			 * cmp_item_record_id) and skipped the others, which now meet
			 * that row as an existing record -- merged, or duplicates --
			 * exactly as when they come in calls of their own.
			 */
			if (found && !ir->taken)
			{
				ir->taken = true;
				it->row_id = ir->id;
				json_array_extend(chunk_atts, it->atts);
				json_array_extend(chunk_tasks, it->tasks);
				it->status = strcmp(jstr(it->row, "match_status"), "unmatched") == 0 ? "unmatched" : "inserted";
			}
			else
				ord[nexist++] = i;
		}
		qsort_arg(ord, nexist, sizeof(int), cmp_item_record_id, items);
		for (int k = 0; k < nexist; k++)
			handle_existing(&items[ord[k]], tenant, lex, force);
		pfree(ord);
	}
	/* Written and urgent records in the payloads' order, as before. */
	for (int i = 0; i < n; i++)
	{
		IngestItem	   *it = &items[i];

		if (it->failed || it->recall || !it->status || strcmp(it->status, "duplicate") == 0)
			continue;
		written[nwritten++] = CStringGetTextDatum(it->record_id);
		if ((strcmp(it->status, "merged") != 0 && jstr(it->row, "urgency_level") &&
			 strcmp(jstr(it->row, "urgency_level"), "high") == 0) ||
			it->became_urgent)
			urgent[nurgent++] = CStringGetTextDatum(it->record_id);
	}
	PH(6);
	{
		json_t	   *tasks_done = split_answered_callbacks(chunk_tasks, items, tin, tin_item, ntin);

		insert_child_rows(chunk_atts, chunk_tasks, tenant);
		if (json_array_size(tasks_done) > 0)
		{
			static CachedStmt done_stmt;

			insert_unnest(&done_stmt,
						  "INSERT INTO commhub.communication_tasks (task_id, tenant_id, customer_id, record_id, title, owner, due_at, priority, source, "
						  "                                         status, completed_at, updated_at) "
						  "SELECT t.task_id, $2, t.customer_id, t.record_id, t.title, t.owner, t.due_at, t.priority, 'analyzer', 'done', now(), now() "
						  "FROM unnest($1::commhub.communication_tasks[]) t "
						  "ON CONFLICT (task_id) DO NOTHING",
						  tasks_done, "communication_tasks", tenant);
		}
		json_decref(tasks_done);
	}
	json_decref(chunk_atts);
	json_decref(chunk_tasks);
	PH(7);
	/* Adopt early replies, close answered missed calls, link near-duplicates
	 * of what was written (tin entries of duplicates are skipped). */
	for (int k = 0; k < ntin; k++)
	{
		IngestItem *it = &items[tin_item[k]];

		if (it->status && strcmp(it->status, "duplicate") != 0)
		{
			tin[nlinked] = tin[k];
			tin[nlinked].row_id = it->row_id;
			tin[nlinked++].may_duplicate = row_may_duplicate(it->row);
		}
	}
	commhub_thread_after_insert(tin, nlinked, tenant);
	PH(8);
	/* Model jobs, NOTIFY commhub_urgent and webhook jobs, in this transaction. */
	commhub_enqueue_after_ingest(written, nwritten, urgent, nurgent);
	PH(9);
	hash_destroy(hits);
	hash_destroy(inserted);
	AtEOXact_GUC(true, guc_level);
}

/* Result object of one item: {record_id, customer_id, status, thread_id}. */
/*
 * A batch builds and frees megabytes per chunk of 500 (composite arrays,
 * jansson objects).  glibc's default is to hand such memory back to the
 * kernel and take it again, zeroed, for the next chunk: in a 60,000-item
 * call that page churn doubled the cost of building rows.  A backend that
 * ingests batches keeps up to 64 MB of freed heap instead (the ceiling
 * glibc's own adaptive thresholds reach anyway), once per backend.
 */
static void
tune_malloc_for_batches(void)
{
#ifdef __GLIBC__
	static bool done = false;

	if (!done)
	{
		(void) mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
		(void) mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
		(void) mallopt(M_TOP_PAD, 16 * 1024 * 1024);
		done = true;
	}
#endif
}

static Datum
item_result(IngestItem *it)
{
	Oid			types[1] = {TEXTOID};
	Datum		args[1];
	json_t	   *o = json_object();
	Datum		d;

	json_object_set_new(o, "record_id", it->record_id[0] ? json_string(it->record_id) : json_null());
	json_object_set_new(o, "customer_id", json_null());
	json_object_set_new(o, "thread_id", json_null());
	if (it->record_id[0])
	{
		args[0] = CStringGetTextDatum(it->record_id);
		if (SPI_CACHED("SELECT nullif(customer_id, '" UNMATCHED_CUSTOMER "'), thread_id, match_status "
								  "FROM commhub.customer_communications WHERE record_id = $1",
								  1, types, args, NULL, false, 1) == SPI_OK_SELECT && SPI_processed == 1)
		{
			char	   *c = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
			char	   *t = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

			if (c)
				json_object_set_new(o, "customer_id", json_string(c));
			if (t)
				json_object_set_new(o, "thread_id", json_string(t));
		}
	}
	json_object_set_new(o, "status", json_string(it->status ? it->status : "duplicate"));
	if (it->recall)
		json_object_set_new(o, "recall", json_true());
	d = commhub_json_to_jsonb(o);
	json_decref(o);
	return d;
}

/* ------------------------------------------------------------ entry points */

static void
check_channel(const char *channel)
{
	if (!chn_known_channel(channel))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown channel \"%s\"", channel),
				 errhint("channel is one of phone, mobile, wechat, email, meeting, visit, video, form, webchat.")));
}

/*
 * A jsonb number as json_loads reads jsonb's text of it (numeric_out: no
 * exponent): without a '.' an integer (strtoll), else a real (strtod).
 * NULL where json_loads would fail (out of range): the caller then takes
 * json_loads' own path for its error.
 */
static json_t *
jsonb_number_to_json(Numeric num)
{
	char	   *txt = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
	char	   *end;
	json_t	   *j = NULL;

	errno = 0;
	if (strchr(txt, '.') == NULL)
	{
		long long	v = strtoll(txt, &end, 10);

		if (errno != ERANGE && *end == '\0' && end != txt)
			j = json_integer((json_int_t) v);
		else if (errno == ERANGE && *end == '\0')
		{
			/* beyond 64 bits (an order number in an extra field): a real,
			 * as the same number written with a fraction is; the digits
			 * stay in content_original */
			double		d;

			errno = 0;
			d = strtod(txt, &end);
			if (errno != ERANGE && *end == '\0')
				j = json_real(d);
		}
	}
	else
	{
		double		d = strtod(txt, &end);

		if (!((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE) && *end == '\0')
			j = json_real(d);
	}
	pfree(txt);
	return j;
}

/*
 * jsonb -> jansson without the text round trip: the same values, in the same
 * key order (json_loads of JsonbToCString's text inserts keys in jsonb's
 * order).  NULL when anything is out of the ordinary -- a number json_loads
 * rejects, a string jansson does not take, nesting near json_loads' depth
 * limit -- and the caller parses the text as before.
 */
static json_t *
jsonb_to_json(JsonbContainer *root)
{
#define JB2J_MAX_DEPTH 1000
	JsonbIterator *it = JsonbIteratorInit(root);
	JsonbValue	v;
	JsonbIteratorToken tok;
	json_t	   *stack[JB2J_MAX_DEPTH + 1];
	char	   *keys[JB2J_MAX_DEPTH + 1];
	size_t		keylens[JB2J_MAX_DEPTH + 1];
	int			depth = 0;
	json_t	   *result = NULL;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		json_t	   *val = NULL;

		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
			case WJB_BEGIN_ARRAY:
				if (depth >= JB2J_MAX_DEPTH || (tok == WJB_BEGIN_ARRAY && v.val.array.rawScalar))
					goto fail;
				stack[depth] = tok == WJB_BEGIN_OBJECT ? json_object() : json_array();
				keys[depth] = NULL;
				if (stack[depth] == NULL)
					goto fail;
				depth++;
				continue;
			case WJB_KEY:
				keys[depth - 1] = v.val.string.val;
				keylens[depth - 1] = v.val.string.len;
				continue;
			case WJB_END_OBJECT:
			case WJB_END_ARRAY:
				val = stack[--depth];
				if (depth == 0)
				{
					result = val;
					continue;
				}
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				switch (v.type)
				{
					case jbvNull:
						val = json_null();
						break;
					case jbvBool:
						val = json_boolean(v.val.boolean);
						break;
					case jbvString:
						val = json_stringn(v.val.string.val, v.val.string.len);
						break;
					case jbvNumeric:
						val = jsonb_number_to_json(v.val.numeric);
						break;
					default:
						val = NULL;
						break;
				}
				if (val == NULL)
					goto fail;
				break;
			default:
				goto fail;
		}
		/* attach val to its container */
		if (json_is_object(stack[depth - 1]))
		{
			if (keys[depth - 1] == NULL)
			{
				json_decref(val);
				goto fail;
			}
			/* the _new setters take val's reference, also when they fail */
			if (json_object_setn_new(stack[depth - 1], keys[depth - 1], keylens[depth - 1], val) != 0)
				goto fail;
			keys[depth - 1] = NULL;
		}
		else if (json_array_append_new(stack[depth - 1], val) != 0)
			goto fail;
	}
	return result;

fail:
	/* each open container holds what was attached to it; none of them is
	 * attached to its parent yet (that happens at its end) */
	while (depth > 0)
		json_decref(stack[--depth]);
	json_decref(result);
	return NULL;
#undef JB2J_MAX_DEPTH
}

/* Parse a jsonb payload into jansson; NULL + err for a non-object. */
static json_t *
payload_to_json(Jsonb *jb, char **raw_out, chn_error *err, const char *field)
{
	char	   *s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	json_error_t jerr;
	json_t	   *j;

	*raw_out = s;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
	{
		set_err(err, "22023", field, psprintf("%s must be a JSON object", field),
				"Pass the channel's payload as a JSON object, e.g. {\"msgid\": ..., \"msgtime\": ...}.");
		return NULL;
	}
	j = jsonb_to_json(&jb->root);
	if (j != NULL)
		return j;
	j = json_loads(s, 0, &jerr);
	if (j == NULL)
		set_err(err, "22P02", field, psprintf("%s could not be read: %s", field, jerr.text),
				"Numbers must be within about 1e308; pass an identifier or a huge value as a JSON string.");
	return j;
}

/*
 * What a normalized record may not say although its channel's parser took
 * it: an explicit customer_id "UNMATCHED" (add_customer refuses it too) is
 * the mark of records no identity matched yet, not a customer.
 */
static bool
norm_acceptable(json_t *norm, chn_error *err)
{
	const char *cid = jstr(norm, "customer_id");

	if (cid && pg_strcasecmp(cid, UNMATCHED_CUSTOMER) == 0)
	{
		set_err(err, "22023", "customer_id", "customer_id \"UNMATCHED\" is reserved for unidentified communications",
				"Leave customer_id out to match the customer by the sender's identities; "
				"the record is stored as unmatched when none matches.");
		return false;
	}
	return true;
}

PG_FUNCTION_INFO_V1(commhub_ingest);
Datum
commhub_ingest(PG_FUNCTION_ARGS)
{
	char	   *channel;
	Jsonb	   *payload;
	IngestItem		it;
	volatile Datum result = (Datum) 0;
	json_t	   *pj;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("channel must not be null"),
						errhint("channel is one of phone, mobile, wechat, email, meeting, visit, video, form, webchat.")));
	if (PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("payload must not be null"),
						errhint("Pass the channel's payload as a JSON object.")));
	channel = text_to_cstring(PG_GETARG_TEXT_PP(0));
	payload = PG_GETARG_JSONB_P(1);
	check_channel(channel);

	memset(&it, 0, sizeof(it));
	it.channel = channel;

	SPI_connect();
	/* every jansson value of the call, on every path, goes with the arena */
	json_arena_enter();
	PG_TRY();
	{
		char	   *tenant;

		pj = payload_to_json(payload, &it.raw, &it.err, "payload");
		if (pj == NULL)
			raise_chn_error(&it.err);
		it.norm = chn_normalize(channel, pj, &it.err);
		if (it.norm == NULL)
			raise_chn_error(&it.err);
		if (!norm_acceptable(it.norm, &it.err))
			raise_chn_error(&it.err);
		tenant = commhub_current_tenant();
		store_items(&it, 1, tenant, false);
		result = item_result(&it);
	}
	PG_FINALLY();
	{
		items_free(&it, 1);
		json_arena_leave();
	}
	PG_END_TRY();
	PG_RETURN_DATUM(spi_finish_jsonb(result));
}

static void
record_ingest_error(const char *tenant, const char *channel, int index, const char *payload, const chn_error *e)
{
	Oid			types[7] = {TEXTOID, TEXTOID, INT4OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[7];
	char		nulls[8] = "       ";

	args[0] = CStringGetTextDatum(channel);
	args[1] = CStringGetTextDatum(e->sqlstate[0] ? e->sqlstate : "22023");
	args[2] = Int32GetDatum(index);
	args[3] = CStringGetTextDatum(payload ? payload : "");
	args[4] = CStringGetTextDatum(e->field);
	args[5] = CStringGetTextDatum(e->message[0] ? e->message : "invalid payload");
	args[6] = CStringGetTextDatum(e->hint);
	if (!e->field[0])
		nulls[4] = 'n';
	if (!e->hint[0])
		nulls[6] = 'n';
	(void) tenant;
	if (SPI_CACHED("INSERT INTO commhub.ingest_errors (channel, sqlstate, batch_index, payload, field, message, hint) "
							  "VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, types, args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "commhub: could not record ingest error");
}

/* Run store_items for a chunk inside a subtransaction; false if it failed
 * (the subtransaction is rolled back and *err describes the failure). */
static bool
store_in_subxact(IngestItem *items, int n, const char *tenant, chn_error *err)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		store_items(items, n, tenant, false);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		/* A cancel, a shutdown, out of memory or disk: not the payload's
		 * fault -- the whole call fails. */
		if (commhub_error_not_item(edata->sqlerrcode))
			ReThrowError(edata);
		strlcpy(err->sqlstate, unpack_sql_state(edata->sqlerrcode), sizeof(err->sqlstate));
		strlcpy(err->message, edata->message ? edata->message : "error", sizeof(err->message));
		strlcpy(err->hint, edata->hint ? edata->hint : "", sizeof(err->hint));
		strlcpy(err->field, edata->column_name ? edata->column_name : "", sizeof(err->field));
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

static void
reset_item_outputs(IngestItem *it)
{
	json_decref(it->row);
	json_decref(it->atts);
	json_decref(it->tasks);
	json_decref(it->keys);
	it->row = it->atts = it->tasks = it->keys = NULL;
	it->status = NULL;
	it->recall = false;
	it->became_urgent = false;
	it->row_id = 0;
}

PG_FUNCTION_INFO_V1(commhub_ingest_batch);
Datum
commhub_ingest_batch(PG_FUNCTION_ARGS)
{
	char	   *channel;
	Jsonb	   *payloads;
	int64		counts[5] = {0, 0, 0, 0, 0};	/* inserted merged duplicate unmatched errors */
	int			total;
	IngestItem	   *items;
	JsonbIterator *iter;
	JsonbValue	v;
	JsonbIteratorToken tok;
	volatile int idx = 0;
	json_t	   *res;
	Datum		out;
	char	   *tenant;
	MemoryContext chunkcxt;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s must not be null", PG_ARGISNULL(0) ? "channel" : "payloads"),
						errhint("ingest_batch(channel, payloads) takes a channel name and a JSON array of payloads.")));
	channel = text_to_cstring(PG_GETARG_TEXT_PP(0));
	payloads = PG_GETARG_JSONB_P(1);
	check_channel(channel);
	if (!JB_ROOT_IS_ARRAY(payloads) || JB_ROOT_IS_SCALAR(payloads))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("payloads must be a JSON array"),
						errhint("Pass the payloads as a JSON array: '[{...}, {...}]'::jsonb.")));
	total = JB_ROOT_COUNT(payloads);

	SPI_connect();
	tenant = commhub_current_tenant();
	chunkcxt = AllocSetContextCreate(CurrentMemoryContext, "commhub ingest chunk", ALLOCSET_DEFAULT_SIZES);
	items = palloc0(sizeof(IngestItem) * Min(total, CHUNK) + 1);

	iter = JsonbIteratorInit(&payloads->root);
	tok = JsonbIteratorNext(&iter, &v, true);	/* WJB_BEGIN_ARRAY */
	memset(ph_ms, 0, sizeof(ph_ms));
	tune_malloc_for_batches();
	commhub_progress_start("ingest_batch", channel, tenant, total);
	while (idx < total)
	{
		volatile int n = 0;
		MemoryContext old = MemoryContextSwitchTo(chunkcxt);

		/*
		 * A connection of its own per chunk: every SPI call leaves
		 * CurrentMemoryContext at the connection's procedure context, so
		 * whatever the chunk builds after its first statement lands there,
		 * not in chunkcxt.  On the call's own connection that memory lived
		 * until the end (about 16 kB an item: 1 GB in a 60,000-item batch,
		 * and the page faults made a big batch slower per item than a small
		 * one).  SPI_finish frees it with the chunk.
		 */
		SPI_connect();
		/* the chunk's jansson values live in the arena (json_arena.c) */
		json_arena_enter();
		PG_TRY();
		{
			instr_time	n0, n1;

			/* Phase 1 for a chunk. */
			INSTR_TIME_SET_CURRENT(n0);
			while (n < CHUNK && idx < total && (tok = JsonbIteratorNext(&iter, &v, true)) == WJB_ELEM)
			{
				IngestItem	   *it = &items[n];
				json_t	   *pj = NULL;

				memset(it, 0, sizeof(*it));
				it->index = idx++;
				it->channel = channel;
				if (v.type == jbvBinary)
				{
					Jsonb	   *elem = JsonbValueToJsonb(&v);

					pj = payload_to_json(elem, &it->raw, &it->err, psprintf("payloads[%d]", it->index));
				}
				else
				{
					it->raw = JsonbToCString(NULL, &JsonbValueToJsonb(&v)->root, 0);
					set_err(&it->err, "22023", psprintf("payloads[%d]", it->index),
							psprintf("payloads[%d] must be a JSON object", it->index),
							"Each element of payloads is one channel payload object.");
				}
				if (pj)
				{
					it->norm = chn_normalize(channel, pj, &it->err);
					json_decref(pj);
					if (it->norm && !norm_acceptable(it->norm, &it->err))
					{
						json_decref(it->norm);
						it->norm = NULL;
					}
				}
				if (it->norm == NULL)
				{
					it->failed = true;
					counts[4]++;
					record_ingest_error(tenant, channel, it->index, it->raw, &it->err);
				}
				n++;
			}
			INSTR_TIME_SET_CURRENT(n1);
			INSTR_TIME_SUBTRACT(n1, n0);
			ph_ms[10] += INSTR_TIME_GET_MILLISEC(n1);
			if (n > 0)
			{
				chn_error	err;

				if (!store_in_subxact(items, n, tenant, &err))
				{
					/* One by one, so one bad row costs only itself; in the
					 * chunk's lock order (cmp_item_record_id), not the
					 * payloads': each item's locks are held to the end. */
					int		   *ord = palloc(sizeof(int) * (n + 1));

					for (int i = 0; i < n; i++)
						ord[i] = i;
					qsort_arg(ord, n, sizeof(int), cmp_item_record_id, items);
					for (int k = 0; k < n; k++)
					{
						int			i = ord[k];

						if (items[i].failed)
							continue;
						reset_item_outputs(&items[i]);
						if (!store_in_subxact(&items[i], 1, tenant, &err))
						{
							/* A conflict with a concurrent session that its
							 * retry alone did not resolve is no bad payload:
							 * the call fails, to be retried (it is idempotent). */
							int			code = MAKE_SQLSTATE(err.sqlstate[0], err.sqlstate[1], err.sqlstate[2],
															 err.sqlstate[3], err.sqlstate[4]);

							if (commhub_error_is_conflict(code))
								ereport(ERROR,
										(errcode(code),
										 errmsg("payloads[%d]: %s", items[i].index, err.message),
										 errhint("A concurrent session changed the same communication; retry the batch "
												 "(items already stored come back as duplicates).")));
							items[i].failed = true;
							counts[4]++;
							record_ingest_error(tenant, channel, items[i].index, items[i].raw, &err);
						}
					}
				}
				for (int i = 0; i < n; i++)
				{
					const char *s = items[i].status;

					if (items[i].failed || !s)
						continue;
					if (strcmp(s, "inserted") == 0)
						counts[0]++;
					else if (strcmp(s, "merged") == 0)
						counts[1]++;
					else if (strcmp(s, "duplicate") == 0)
						counts[2]++;
					else if (strcmp(s, "unmatched") == 0)
						counts[3]++;
				}
			}
		}
		PG_FINALLY();
		{
			items_free(items, n);
			json_arena_leave();
		}
		PG_END_TRY();
		SPI_finish();
		MemoryContextSwitchTo(old);
		MemoryContextReset(chunkcxt);
		commhub_progress_update("storing", idx, counts[0] + counts[1] + counts[3], counts[4]);
		if (total > CHUNK)
			ereport(DEBUG1, (errmsg("commhub.ingest_batch: %d of %d payloads done", idx, total)));
		CHECK_FOR_INTERRUPTS();
		if (n == 0)
			break;
	}

	commhub_progress_end();
	ereport(DEBUG1, (errmsg_internal("commhub.ingest_batch phases (ms): normalize %.0f prep %.0f identify %.0f rows %.0f thread %.0f rows-to-composites %.0f insert %.0f existing %.0f children %.0f after %.0f enqueue %.0f",
							  ph_ms[10], ph_ms[0], ph_ms[1], ph_ms[2], ph_ms[3], ph_ms[4], ph_ms[5], ph_ms[6], ph_ms[7], ph_ms[8], ph_ms[9])));
	res = json_object();
	json_object_set_new(res, "inserted", json_integer(counts[0]));
	json_object_set_new(res, "merged", json_integer(counts[1]));
	json_object_set_new(res, "duplicate", json_integer(counts[2]));
	json_object_set_new(res, "unmatched", json_integer(counts[3]));
	json_object_set_new(res, "errors", json_integer(counts[4]));
	json_object_set_new(res, "total", json_integer(total));
	out = commhub_json_to_jsonb(res);
	json_decref(res);
	PG_RETURN_DATUM(spi_finish_jsonb(out));
}

PG_FUNCTION_INFO_V1(commhub_ingest_email_raw);
Datum
commhub_ingest_email_raw(PG_FUNCTION_ARGS)
{
	bytea	   *msg;
	IngestItem		it;
	volatile Datum result = (Datum) 0;
	size_t		len;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("message must not be null"),
						errhint("Pass the raw RFC 5322 message as bytea, e.g. pg_read_binary_file(...).")));
	msg = PG_GETARG_BYTEA_PP(0);
	len = VARSIZE_ANY_EXHDR(msg);
	memset(&it, 0, sizeof(it));
	it.channel = "email";
	it.mailbox = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (it.mailbox && strlen(it.mailbox) > 256)
		ereport(ERROR, (errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION), errmsg("mailbox is longer than 256 characters"),
						errhint("Pass the mailbox address or folder name.")));
	SPI_connect();
	json_arena_enter();
	PG_TRY();
	{
		it.norm = normalize_raw_mail(VARDATA_ANY(msg), len, &it.err);
		if (it.norm == NULL)
			raise_chn_error(&it.err);
		it.raw = psprintf("%s%s", RAW_MAIL_PREFIX,
						  text_to_cstring(DatumGetTextPP(DirectFunctionCall2(binary_encode, PointerGetDatum(msg),
																			 CStringGetTextDatum("base64")))));
		store_items(&it, 1, commhub_current_tenant(), false);
		result = item_result(&it);
	}
	PG_FINALLY();
	{
		items_free(&it, 1);
		json_arena_leave();
	}
	PG_END_TRY();
	PG_RETURN_DATUM(spi_finish_jsonb(result));
}

/* commhub.reparse(record_id): run the current parsers over content_original
 * again and rewrite the derived columns (after a parser fix). */
PG_FUNCTION_INFO_V1(commhub_reparse);
Datum
commhub_reparse(PG_FUNCTION_ARGS)
{
	char	   *record_id;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	IngestItem		it;
	volatile Datum result = (Datum) 0;
	char	   *stored;
	char	   *mailboxes;
	char	   *tenant = commhub_current_tenant();

	/* not STRICT in SQL: reparse((SELECT record_id ...)) of no row is an error */
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("record_id must not be null"),
						errhint("Pass a record_id from commhub.customer_communications visible to your tenant.")));
	record_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	SPI_connect();
	args[0] = CStringGetTextDatum(record_id);
	args[1] = CStringGetTextDatum(tenant);
	/* In the session's tenant, which the record is re-stored in: a role
	 * past row security (superuser) must not reach another tenant's. */
	if (SPI_CACHED("SELECT communication_type, content_original, mailboxes[1] FROM commhub.customer_communications "
				   "WHERE record_id = $1 AND tenant_id = $2",
				   2, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR, (errcode(ERRCODE_NO_DATA_FOUND),
						errmsg("record_id \"%s\" does not exist in tenant \"%s\"", record_id, tenant),
						errhint("Pass a record_id from commhub.customer_communications visible to your tenant, or check commhub.tenant.")));
	memset(&it, 0, sizeof(it));
	it.channel = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	stored = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	mailboxes = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	if (stored == NULL)
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						errmsg("record \"%s\" has no content_original to re-parse", record_id),
						errhint("Only ingested records keep their original payload.")));
	it.mailbox = mailboxes;
	it.raw = stored;
	json_arena_enter();
	PG_TRY();
	{
		it.norm = normalize_stored(it.channel, stored, &it.err, &it.event_count);
		if (it.norm == NULL)
			raise_chn_error(&it.err);
		store_items(&it, 1, tenant, true);
		/* a record the scheduled catch-up marked as failing is fine now */
		if (SPI_CACHED("UPDATE commhub.customer_communications SET sync_status = 'synced', sync_error = NULL "
					   "WHERE record_id = $1 AND tenant_id = $2 AND sync_status = 'analysis_failed'",
					   2, types, args, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "commhub: could not clear the analysis failure of record \"%s\"", record_id);
		result = item_result(&it);
	}
	PG_FINALLY();
	{
		items_free(&it, 1);
		json_arena_leave();
	}
	PG_END_TRY();
	PG_RETURN_DATUM(spi_finish_jsonb(result));
}

/*
 * reanalyze(record_id): the embedded analyzer again over what a record
 * stores -- subject, content, attachment names, channel, time -- for records
 * that keep no payload to re-parse (loaded into the table directly, or
 * older than content_original).  Only the A10 columns change: intent, key
 * info, sentiment, urgency, follow-ups, tags, analysis; the summary only when
 * the record has none.  Follow-ups become tasks as at ingest (task ids derive
 * from the record and the title, so a second run adds nothing).  Threads,
 * duplicates and the fingerprint are not touched.
 */
static const char *const a10_columns[] = {
	"intent_category", "intent_detail", "intent_confidence", "products_mentioned",
	"price_discussed", "quantity_discussed", "timeline_mentioned", "competitors_mentioned",
	"sentiment", "sentiment_score", "customer_mood", "urgency_level", "urgency_reason",
	"follow_up_required", "follow_up_items", "follow_up_deadline",
	"ai_insights", "ai_suggestions", "ai_tags", "analysis", "analyzed_by", NULL
};

PG_FUNCTION_INFO_V1(commhub_reanalyze);
Datum
commhub_reanalyze(PG_FUNCTION_ARGS)
{
	static char *update_a10 = NULL;
	char	   *record_id;
	Oid			types[3] = {TEXTOID, TEXTOID, JSONBOID};
	Datum		args[3];
	IngestItem	it;
	Resolution	res;
	HeapTuple	tup;
	TupleDesc	td;
	char	   *tenant = commhub_current_tenant();
	volatile Datum result = (Datum) 0;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("record_id must not be null"),
						errhint("Pass a record_id from commhub.customer_communications visible to your tenant.")));
	record_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (update_a10 == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		update_a10 = psprintf("UPDATE commhub.customer_communications c SET (%s) = (SELECT %s "
							  "FROM jsonb_populate_record(NULL::commhub.customer_communications, $3) r), "
							  "summary = coalesce(c.summary, $3 ->> 'summary'), "
							  "sync_status = CASE WHEN c.sync_status = 'analysis_failed' THEN 'synced' ELSE c.sync_status END, "
							  "sync_error = CASE WHEN c.sync_status = 'analysis_failed' THEN NULL ELSE c.sync_error END, "
							  "updated_at = now(), updated_by = current_user "
							  "WHERE c.record_id = $1 AND c.tenant_id = $2",
							  sql_columns(a10_columns, ""), sql_columns(a10_columns, "r."));
		MemoryContextSwitchTo(old);
	}
	SPI_connect();
	args[0] = CStringGetTextDatum(record_id);
	args[1] = CStringGetTextDatum(tenant);
	/* the row locked: a concurrent merge or reanalysis waits for this one */
	if (SPI_CACHED("SELECT c.communication_type, c.subject, c.content, "
				   "(extract(epoch FROM c.communication_time) * 1000000)::int8, coalesce(c.customer_id, ''), "
				   "c.direction, c.handled_by, c.missed, c.call_number, "
				   "(SELECT json_agg(json_build_object('file_name', a.file_name) ORDER BY a.attachment_id) "
				   "   FROM commhub.communication_attachments a WHERE a.record_id = c.record_id)::text "
				   "FROM commhub.customer_communications c WHERE c.record_id = $1 AND c.tenant_id = $2 FOR UPDATE OF c",
				   2, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR, (errcode(ERRCODE_NO_DATA_FOUND),
						errmsg("record_id \"%s\" does not exist in tenant \"%s\"", record_id, tenant),
						errhint("Pass a record_id from commhub.customer_communications visible to your tenant, or check commhub.tenant.")));
	tup = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	memset(&it, 0, sizeof(it));
	memset(&res, 0, sizeof(res));
	strlcpy(it.record_id, record_id, sizeof(it.record_id));
	it.raw = "";
	json_arena_enter();
	PG_TRY();
	{
		char	   *type = SPI_getvalue(tup, td, 1);
		char	   *subject = SPI_getvalue(tup, td, 2);
		char	   *content = SPI_getvalue(tup, td, 3);
		char	   *us = SPI_getvalue(tup, td, 4);
		char	   *dir = SPI_getvalue(tup, td, 6);
		char	   *owner = SPI_getvalue(tup, td, 7);
		char	   *missed = SPI_getvalue(tup, td, 8);
		char	   *num = SPI_getvalue(tup, td, 9);
		char	   *atts = SPI_getvalue(tup, td, 10);
		json_t	   *n = json_object();
		json_t	   *cols;
		const char *const *c;

		jset_str(n, "communication_type", type ? type : "other");
		jset_str(n, "subject", subject);
		jset_str(n, "content", content);
		json_object_set_new(n, "communication_time", json_integer(us ? strtoll(us, NULL, 10) : 0));
		jset_str(n, "handled_by", owner);
		json_object_set_new(n, "missed", json_boolean(missed && missed[0] == 't'));
		jset_str(n, "call_number", num);
		if (atts)
			json_object_set_new(n, "attachments", json_loads(atts, 0, NULL));
		it.norm = n;
		strlcpy(res.customer_id, SPI_getvalue(tup, td, 5), sizeof(res.customer_id));
		res.direction = dir ? dir : "inbound";
		res.match_status = "matched";
		build_row(&it, tenant, &res, commhub_lexicon(tenant));
		cols = json_object();
		for (c = a10_columns; *c; c++)
			jcopy(cols, *c, it.row, *c);
		jcopy(cols, "summary", it.row, "summary");
		args[2] = commhub_json_to_jsonb(cols);
		if (SPI_CACHED(update_a10, 3, types, args, NULL, false, 0) != SPI_OK_UPDATE || SPI_processed != 1)
			elog(ERROR, "commhub: could not store the analysis of record \"%s\"", record_id);
		insert_child_rows(NULL, it.tasks, tenant);
		result = commhub_json_to_jsonb(json_object_get(it.row, "analysis"));
	}
	PG_FINALLY();
	{
		/* the arena's objects go with it */
		items_free(&it, 1);
		json_arena_leave();
	}
	PG_END_TRY();
	PG_RETURN_DATUM(spi_finish_jsonb(result));
}
