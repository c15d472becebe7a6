/*
 * analyze.c -- Postgres glue of the embedded A10 analyzer (src/core/analyzer.c).
 *
 * The lexicon (built-in cue words + the tenant's products and competitors
 * from commhub.products / commhub.competitors) is compiled into an
 * Aho-Corasick automaton once per backend and tenant.  A statement trigger on
 * the catalogue tables sends a relcache invalidation for the table; every
 * backend's callback marks its cached lexicon stale, so a user's new alias is
 * used by the next ingest everywhere, and an unchanged catalogue costs
 * nothing per ingest.
 */
#include "postgres.h"
#include <math.h>

#include "pg_jansson.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "miscadmin.h"

#include "commhub.h"
#include "analyze.h"
#include "analyzer.h"

static az_lexicon *lex_cache = NULL;
static char lex_tenant[65];
static bool lex_stale = true;
static Oid	products_relid = InvalidOid;
static Oid	competitors_relid = InvalidOid;

static void
lexicon_inval_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == products_relid || relid == competitors_relid)
		lex_stale = true;
}

void
commhub_analyze_init(void)
{
	CacheRegisterRelcacheCallback(lexicon_inval_callback, (Datum) 0);
}

/* Add each alias of a text[] Datum via add(). */
static void
add_aliases(az_lexicon *lex, bool product, const char *canonical, const char *category,
			Datum arr, bool isnull)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (product)
		az_lexicon_add_product(lex, canonical, canonical, category);
	else
		az_lexicon_add_competitor(lex, canonical, canonical);
	if (isnull)
		return;
	deconstruct_array(DatumGetArrayTypeP(arr), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *alias;

		if (nulls[i])
			continue;
		alias = TextDatumGetCString(elems[i]);
		if (product)
			az_lexicon_add_product(lex, canonical, alias, category);
		else
			az_lexicon_add_competitor(lex, canonical, alias);
		pfree(alias);
	}
}

/*
 * The tenant's lexicon; builds it on first use or after a catalogue change.
 * Must be called inside SPI_connect()ed code.
 */
const az_lexicon *
commhub_lexicon(const char *tenant)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	az_lexicon *volatile lex;
	volatile uint64 rows = 0;
	int			guc_level;

	if (lex_cache && !lex_stale && strcmp(lex_tenant, tenant) == 0)
		return lex_cache;

	if (!OidIsValid(products_relid))
	{
		Oid			nsp = get_namespace_oid("commhub", false);

		products_relid = get_relname_relid("products", nsp);
		competitors_relid = get_relname_relid("competitors", nsp);
	}
	lex_stale = false;			/* an invalidation during the load re-marks it */
	/* the queries below resolve names through pg_catalog only, whatever the
	 * caller's search_path (the function itself runs without a SET clause:
	 * it is called once per row) */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	lex = az_lexicon_new();
	if (lex == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory building the analyzer lexicon")));
	args[0] = CStringGetTextDatum(tenant);
	/* A load that fails (a lock timeout, a cancel) must leave the cache
	 * marked stale -- else this backend keeps the old catalogue until the
	 * next change -- and must not leak the half-built lexicon. */
	PG_TRY();
	{
		/* products, then competitors: canonical, category, aliases */
		static const char *const sql[2] = {
			"SELECT canonical, category, aliases FROM commhub.products WHERE tenant_id = $1 ORDER BY canonical",
		"SELECT canonical, NULL::text, aliases FROM commhub.competitors WHERE tenant_id = $1 ORDER BY canonical"};

		for (int k = 0; k < 2; k++)
		{
			if (SPI_execute_with_args(sql[k], 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
				elog(ERROR, "commhub: loading the %s failed", k == 0 ? "products" : "competitors");
			rows += SPI_processed;
			for (uint64 i = 0; i < SPI_processed; i++)
			{
				HeapTuple	tup = SPI_tuptable->vals[i];
				TupleDesc	td = SPI_tuptable->tupdesc;
				bool		isnull;
				Datum		aliases = SPI_getbinval(tup, td, 3, &isnull);

				add_aliases(lex, k == 0, SPI_getvalue(tup, td, 1), SPI_getvalue(tup, td, 2), aliases, isnull);
			}
		}
		if (rows == 0)
		{
			/* A tenant without a catalogue gets the built-in default one. */
			az_lexicon_free(lex);
			lex = az_lexicon_default();
		}
		else if (az_lexicon_build(lex) != 0)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not compile the analyzer lexicon")));
	}
	PG_CATCH();
	{
		az_lexicon_free(lex);
		lex_stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	AtEOXact_GUC(true, guc_level);
	if (lex_cache)
		az_lexicon_free(lex_cache);
	lex_cache = lex;
	strlcpy(lex_tenant, tenant, sizeof(lex_tenant));
	return lex_cache;
}

/*
 * A double as numeric, equal to what float8_numeric() gives (it prints 15
 * significant digits: 0.95, not 0.9499999...), without printing and
 * parsing: when x is m / 10^k for some k <= 6 and |m| < 10^15, that decimal
 * is exactly what %.15g prints.  The analyzer's reals are scores with a few
 * decimals; anything else takes float8_numeric().
 */
static Numeric
real_to_numeric(double x)
{
	double		scale = 1;

	if (isfinite(x) && fabs(x) < 1e12)
		for (int k = 0; k <= 6; k++, scale *= 10)
		{
			double		m = rint(x * scale);

			if (fabs(m) < 1e15 && m / scale == x)
				return int64_div_fast_to_numeric((int64) m, k);
		}
	return DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(x)));
}

/*
 * A jansson scalar as a JsonbValue (a root that is no container; objects
 * and arrays are written by jb_write below).  A string points into the
 * jansson value, which must outlive the result.
 */
static void
json_scalar_to_jbv(json_t *j, JsonbValue *v)
{
	switch (json_typeof(j))
	{
		case JSON_STRING:
			v->type = jbvString;
			v->val.string.val = (char *) json_string_value(j);
			v->val.string.len = json_string_length(j);
			return;
		case JSON_INTEGER:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(json_integer_value(j));
			return;
		case JSON_REAL:
			v->type = jbvNumeric;
			v->val.numeric = real_to_numeric(json_real_value(j));
			return;
		case JSON_TRUE:
		case JSON_FALSE:
			v->type = jbvBool;
			v->val.boolean = json_is_true(j);
			return;
		default:
			v->type = jbvNull;
			return;
	}
}

/*
 * A jansson container written straight in jsonb's binary format, byte for
 * byte what JsonbValueToJsonb() makes of it as a JsonbValue tree
 * (convertJsonbValue of jsonb_util.c: a container is 4-byte aligned, its header word, its
 * JEntries -- an object's keys', then its values' --, then their data;
 * every JB_OFFSET_STRIDE-th JEntry holds an end offset, the others a
 * length; a numeric is 4-byte aligned, its padding counted in its length),
 * without the JsonbValue tree in between.  Returns the JEntry of j.
 */
static void
jb_pad(StringInfo b)
{
	int			pad = INTALIGN(b->len) - b->len;

	if (pad > 0)
	{
		enlargeStringInfo(b, pad);
		memset(b->data + b->len, 0, pad);
		b->len += pad;
		b->data[b->len] = '\0';
	}
}

static int
jb_reserve(StringInfo b, int len)
{
	int			at;

	enlargeStringInfo(b, len);
	at = b->len;
	b->len += len;
	b->data[b->len] = '\0';
	return at;
}

/* jsonb's limit on a container's data (convertJsonbObject/Array's errors) */
static inline void
jb_check_size(int total, bool obj)
{
	if (total > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 obj ? errmsg("total size of jsonb object elements exceeds the maximum of %d bytes",
							  JENTRY_OFFLENMASK) :
				 errmsg("total size of jsonb array elements exceeds the maximum of %d bytes",
						JENTRY_OFFLENMASK)));
}

/* The JEntry of a container's i-th entry (key or value) at *jo: lengths,
 * and every JB_OFFSET_STRIDE-th an end offset. */
static inline void
jb_entry(StringInfo b, int *jo, int *total, uint32 meta, size_t i, bool obj)
{
	*total += JBE_OFFLENFLD(meta);
	jb_check_size(*total, obj);
	if (i % JB_OFFSET_STRIDE == 0)
		meta = (meta & JENTRY_TYPEMASK) | (uint32) *total | JENTRY_HAS_OFF;
	memcpy(b->data + *jo, &meta, sizeof(JEntry));
	*jo += sizeof(JEntry);
}

/* The JEntry of a container written from base to the end of b. */
static inline uint32
jb_container_end(StringInfo b, int base, bool obj)
{
	int			total = b->len - base;

	jb_check_size(total, obj);
	return JENTRY_ISCONTAINER | (uint32) total;
}

static uint32
jb_write(StringInfo b, json_t *j)
{
	switch (json_typeof(j))
	{
		case JSON_OBJECT:
		case JSON_ARRAY:
			check_stack_depth();
			{
				bool		obj = json_is_object(j);
				size_t		n = obj ? json_object_size(j) : json_array_size(j),
							i,
							klen;
				int			base = b->len,
							jo,
							total = 0;
				uint32		head = (uint32) n | (obj ? JB_FOBJECT : JB_FARRAY);
				const char *k;
				json_t	   *e;
				struct
				{
					const char *k;
					int			len;
					json_t	   *v;
				}			stackkv[32],
						   *kv = obj && n > 32 ? palloc(n * sizeof(*kv)) : stackkv;

				if (obj)
				{
					i = 0;
#if JANSSON_VERSION_HEX >= 0x020e00
					json_object_keylen_foreach(j, k, klen, e)
#else
					json_object_foreach(j, k, e)
#endif
					{
						size_t		at = i++;
						int			len;

#if JANSSON_VERSION_HEX < 0x020e00
						klen = strlen(k);
#endif
						len = (int) klen;
						/* jsonb's key order: length, then bytes */
						while (at > 0 && (kv[at - 1].len > len ||
										  (kv[at - 1].len == len && memcmp(kv[at - 1].k, k, len) > 0)))
						{
							kv[at] = kv[at - 1];
							at--;
						}
						kv[at].k = k;
						kv[at].len = len;
						kv[at].v = e;
					}
				}
				jb_pad(b);
				appendBinaryStringInfo(b, (char *) &head, sizeof(uint32));
				jo = jb_reserve(b, (int) (sizeof(JEntry) * n * (obj ? 2 : 1)));
				for (i = 0; i < (obj ? 2 * n : n); i++)
				{
					uint32		meta;

					if (obj && i < n)
					{
						appendBinaryStringInfo(b, kv[i].k, kv[i].len);
						meta = JENTRY_ISSTRING | (uint32) kv[i].len;
					}
					else
						meta = jb_write(b, obj ? kv[i - n].v : json_array_get(j, i));
					jb_entry(b, &jo, &total, meta, i, obj);
				}
				if (kv != stackkv)
					pfree(kv);
				return jb_container_end(b, base, obj);
			}
		case JSON_STRING:
			appendBinaryStringInfo(b, json_string_value(j), (int) json_string_length(j));
			return JENTRY_ISSTRING | (uint32) json_string_length(j);
		case JSON_INTEGER:
		case JSON_REAL:
			{
				Numeric		num = json_is_integer(j) ? int64_to_numeric(json_integer_value(j)) :
					real_to_numeric(json_real_value(j));
				int			pad = INTALIGN(b->len) - b->len,
							len = (int) VARSIZE_ANY(num);

				jb_pad(b);
				appendBinaryStringInfo(b, (char *) num, len);
				pfree(num);
				return JENTRY_ISNUMERIC | (uint32) (pad + len);
			}
		case JSON_TRUE:
			return JENTRY_ISBOOL_TRUE;
		case JSON_FALSE:
			return JENTRY_ISBOOL_FALSE;
		default:
			return JENTRY_ISNULL;
	}
}

/*
 * The analyzer's own result tree (az_val, analyzer.h) written the same way:
 * byte for byte what jb_write makes of the jansson object az_analyze
 * builds from the same tree (az_val_to_json), without building it.  Once
 * per row, so the appends are inline (room made by the caller's estimate,
 * checked each time), and numbers come from a small cache of their
 * numeric bytes: an analysis has a handful (confidence, score,
 * quality_score, amounts) from a small set of values, and the same value
 * always makes the same bytes.
 */
static inline void
jb_room(StringInfo b, int n)
{
	if (b->len + n >= b->maxlen)
		enlargeStringInfo(b, n);
}

static inline void
jb_put(StringInfo b, const void *p, int n)
{
	jb_room(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void
jb_pad_fast(StringInfo b)
{
	int			pad = INTALIGN(b->len) - b->len;

	if (pad > 0)
	{
		jb_room(b, pad);
		memset(b->data + b->len, 0, pad);
		b->len += pad;
	}
}

#define JB_NUMCACHE 256
#define JB_NUMCACHE_MAX 32
typedef struct jb_numcache_ent
{
	uint64		bits;			/* the value's bits */
	uint8		type;			/* AZV_INTEGER or AZV_REAL; 0 = empty */
	uint8		len;
	char		data[JB_NUMCACHE_MAX];	/* the numeric, header included */
} jb_numcache_ent;
static jb_numcache_ent jb_numcache[JB_NUMCACHE];

/* a number's numeric bytes appended (4-byte aligned); returns their length */
static int
jb_put_number(StringInfo b, const az_val *v)
{
	uint64		bits;
	jb_numcache_ent *c;
	Numeric		num;
	int			len;

	if (v->type == AZV_INTEGER)
		bits = (uint64) v->u.i;
	else
		memcpy(&bits, &v->u.d, sizeof(bits));
	c = &jb_numcache[((bits ^ (uint64) v->type) * UINT64CONST(0x9E3779B97F4A7C15)) >> 56];
	if (c->type == v->type && c->bits == bits)
	{
		jb_put(b, c->data, c->len);
		return c->len;
	}
	num = v->type == AZV_INTEGER ? int64_to_numeric((int64) v->u.i) : real_to_numeric(v->u.d);
	len = (int) VARSIZE_ANY(num);
	jb_put(b, num, len);
	if (len <= JB_NUMCACHE_MAX)
	{
		c->type = (uint8) v->type;
		c->bits = bits;
		c->len = (uint8) len;
		memcpy(c->data, num, len);
	}
	pfree(num);
	return len;
}

/* memcmp() of two short keys, inline */
static inline int
jb_key_cmp(const char *a, const char *b, uint32 n)
{
	for (uint32 i = 0; i < n; i++)
		if (a[i] != b[i])
			return (unsigned char) a[i] < (unsigned char) b[i] ? -1 : 1;
	return 0;
}

static uint32
jb_write_az(StringInfo b, const az_val *v)
{
	switch (v->type)
	{
		case AZV_OBJECT:
		case AZV_ARRAY:
			check_stack_depth();
			{
				bool		obj = v->type == AZV_OBJECT;
				size_t		n = v->len,
							i;
				int			base = b->len,
							jo,
							total = 0;
				uint32		head = (uint32) n | (obj ? JB_FOBJECT : JB_FARRAY);
				const az_val *e;
				const az_val *stackkv[32],
						  **kv = n > 32 ? palloc(n * sizeof(*kv)) : stackkv;

				i = 0;
				for (e = v->u.c.first; e && i < n; e = e->next)
				{
					size_t		at = i++;

					/* jsonb's key order: length, then bytes */
					while (obj && at > 0 && (kv[at - 1]->klen > e->klen ||
											 (kv[at - 1]->klen == e->klen &&
											  jb_key_cmp(kv[at - 1]->key, e->key, e->klen) > 0)))
					{
						kv[at] = kv[at - 1];
						at--;
					}
					kv[at] = e;
				}
				jb_pad_fast(b);
				jb_put(b, &head, sizeof(uint32));
				jo = b->len;
				jb_room(b, (int) (sizeof(JEntry) * n * (obj ? 2 : 1)));
				b->len += (int) (sizeof(JEntry) * n * (obj ? 2 : 1));
				for (i = 0; i < (obj ? 2 * n : n); i++)
				{
					uint32		meta;

					if (obj && i < n)
					{
						jb_put(b, kv[i]->key, (int) kv[i]->klen);
						meta = JENTRY_ISSTRING | (uint32) kv[i]->klen;
					}
					else
						meta = jb_write_az(b, kv[obj ? i - n : i]);
					jb_entry(b, &jo, &total, meta, i, obj);
				}
				if (kv != stackkv)
					pfree(kv);
				return jb_container_end(b, base, obj);
			}
		case AZV_STRING:
			jb_put(b, v->u.s, (int) v->len);
			return JENTRY_ISSTRING | (uint32) v->len;
		case AZV_INTEGER:
		case AZV_REAL:
			{
				int			pad = INTALIGN(b->len) - b->len;

				jb_pad_fast(b);
				return JENTRY_ISNUMERIC | (uint32) (pad + jb_put_number(b, v));
			}
		default:
			return JENTRY_ISNULL;
	}
}

/* jansson value -> jsonb Datum, written directly in jsonb's format (no
 * text round trip; reals keep their shortest form: 0.95, not 0.94999...).
 * A scalar becomes jsonb's one-element raw-scalar array, as
 * JsonbValueToJsonb makes it. */
Datum
commhub_json_to_jsonb(json_t *j)
{
	StringInfoData b;

	if (json_is_object(j) || json_is_array(j))
	{
		/* one buffer that fits an analysis */
		b.maxlen = 4096;
		b.data = palloc(b.maxlen);
		b.len = VARHDRSZ;
		b.cursor = 0;
		(void) jb_write(&b, j);
		SET_VARSIZE(b.data, b.len);
		return PointerGetDatum(b.data);
	}
	else
	{
		JsonbValue	v;

		json_scalar_to_jbv(j, &v);
		return JsonbPGetDatum(JsonbValueToJsonb(&v));
	}
}

/*
 * The analysis comes as the analyzer's own result tree (az_analyze_result:
 * one bump arena per call, no jansson objects), written straight into
 * jsonb; the tree is freed however the call ends.
 */
PG_FUNCTION_INFO_V1(commhub_analyze_text);
Datum
commhub_analyze_text(PG_FUNCTION_ARGS)
{
	text	   *content;
	char	   *channel = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *subject = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	int64		at_us = 0;
	const az_lexicon *lex;
	const char *tenant;
	az_result  *volatile res;
	Datum		out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	content = PG_GETARG_TEXT_PP(0);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		at_us = PG_GETARG_TIMESTAMPTZ(3) + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
	else
		at_us = GetCurrentTransactionStartTimestamp() + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;

	/* The cached lexicon of the session's tenant; SPI only to (re)load it. */
	tenant = commhub_tenant();	/* checked: the catalogue is the tenant's */
	if (lex_cache && !lex_stale && strcmp(lex_tenant, tenant) == 0)
		lex = lex_cache;
	else
	{
		SPI_connect();
		lex = commhub_lexicon(tenant);
		SPI_finish();
	}
	res = az_analyze_result(lex, VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content), channel, subject, at_us);
	if (res == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory analyzing text")));
	PG_TRY();
	{
		StringInfoData b;

		/* one buffer that fits an analysis */
		b.maxlen = 4096;
		b.data = palloc(b.maxlen);
		b.len = VARHDRSZ;
		b.cursor = 0;
		(void) jb_write_az(&b, az_result_root(res));
		SET_VARSIZE(b.data, b.len);
		out = PointerGetDatum(b.data);
	}
	PG_FINALLY();
	{
		az_result_free(res);
	}
	PG_END_TRY();
	PG_RETURN_DATUM(out);
}

/* Statement trigger on products/competitors: tell every backend. */
PG_FUNCTION_INFO_V1(commhub_lexicon_changed);
Datum
commhub_lexicon_changed(PG_FUNCTION_ARGS)
{
	return commhub_relcache_trigger(fcinfo, "commhub_lexicon_changed");
}
