/*
 * fpscan.c -- commhub.fingerprint_neighbours(): the candidates of the content
 * rule of near-duplicate detection (A1, thread.c's link_duplicates).
 *
 * The ids of a customer's records in [since, until] with id < below whose
 * simhash is within max_bits bits of fingerprint -- what an index-only scan of
 * idx_comm_timeline (tenant_id, customer_id, communication_time, id) INCLUDE
 * (fingerprint) with a filter on the fingerprint returns, but with the filter
 * applied to the index tuple BEFORE the visibility check.  An index-only scan
 * checks visibility first, and on pages not yet all-visible (every record of
 * the last days, the ones a new record is compared with) that is a heap fetch
 * per index entry of the window: ~40 per probe at a message an hour.  Here
 * only the entries that pass the fingerprint test are checked against the
 * heap, and of those the rows of the probe's own channel and source (which
 * the rule never links) are left out.
 *
 * Row security: where it applies to the caller, the table's policies for
 * reading must be exactly commhub's tenant policy and the tenant asked for
 * the session's tenant; the scan then sees what the policy lets a query see.
 * Otherwise -- policies of the DBA's own, the table or the index not as this
 * version created them, no SELECT on the whole table -- the same query runs
 * through SPI instead: the answer is the same, privileges and policies apply
 * as to any query.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "rewrite/rowsecurity.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/rls.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "commhub.h"
#include "spi_cache.h"

PG_FUNCTION_INFO_V1(commhub_fingerprint_neighbours);

/* idx_comm_timeline as the scan needs it: the timeline's index (render.c:
 * a valid btree on exactly (tenant_id, customer_id, communication_time, id)
 * ascending, no predicate, no expressions) with the types' default btree
 * opfamilies (what the scan keys compare with) and the fingerprint as its
 * first INCLUDE column. */
static bool
fp_index_ok(Relation rel, Relation irel)
{
	static const Oid types[4] = {VARCHAROID, VARCHAROID, TIMESTAMPTZOID, INT4OID};
	static Oid	families[4];	/* looked up once */
	Form_pg_index ix = irel->rd_index;
	AttrNumber	fpatt;
	Form_pg_attribute att;

	if (!OidIsValid(families[3]))
		for (int i = 0; i < 4; i++)
			families[i] = get_opclass_family(GetDefaultOpClass(types[i], BTREE_AM_OID));
	if (!commhub_timeline_index_ok(irel) || ix->indnatts < 5)
		return false;
	for (int i = 0; i < 4; i++)
		if (irel->rd_opfamily[i] != families[i])
			return false;
	fpatt = ix->indkey.values[4];
	if (fpatt <= 0 || fpatt > RelationGetDescr(rel)->natts)
		return false;
	att = TupleDescAttr(RelationGetDescr(rel), fpatt - 1);
	return !att->attisdropped && att->atttypid == INT8OID && strcmp(NameStr(att->attname), "fingerprint") == 0;
}

/* Is the text datum equal to t (bytes; the columns' collations are deterministic)? */
static bool
text_is(Datum d, text *t)
{
	text	   *v = DatumGetTextPP(d);

	return VARSIZE_ANY_EXHDR(v) == VARSIZE_ANY_EXHDR(t) &&
		memcmp(VARDATA_ANY(v), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) == 0;
}

/* The same answer through SPI: privileges and row security as for any query. */
static Datum
fp_neighbours_spi(FunctionCallInfo fcinfo)
{
	Oid			types[9] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT4OID, INT4OID, TEXTOID, TEXTOID};
	Datum		args[9];
	char		nulls[9];
	bool		isnull;
	Datum		out;

	for (int i = 0; i < 9; i++)
	{
		args[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_CACHED("SELECT coalesce(array_agg(id), '{}') FROM commhub.customer_communications "
				   "WHERE tenant_id = $1 AND customer_id = $2 AND communication_time BETWEEN $3 AND $4 "
				   "AND id < $6 AND bit_count((fingerprint # $5)::bit(64)) <= $7 "
				   "AND NOT coalesce(communication_type = $8 AND source_system = $9, false)",
				   9, types, args, nulls, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "fingerprint_neighbours: query failed");
	out = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	out = SPI_datumTransfer(out, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(out);
}

/*
 * commhub.fingerprint_neighbours(tenant, customer, since, until, fingerprint,
 * below, max_bits, not_type, not_source) -> int4[]: see the head of this
 * file; records whose communication_type is not_type and whose source_system
 * is not_source are left out (the content rule links only another channel or
 * source; NULL leaves out none).  For commhub's own queries (EXECUTE is not
 * granted to anyone).
 */
Datum
commhub_fingerprint_neighbours(PG_FUNCTION_ARGS)
{
	text	   *tenant,
			   *customer,
			   *not_type,
			   *not_source;
	TimestampTz since,
				until;
	uint64		fp;
	int32		below,
				max_bits;
	Oid			relid,
				indexid;
	Snapshot	snapshot;
	Relation	rel,
				irel;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[5];
	ItemPointer tid;
	AttrNumber	att_type,
				att_source;
	Datum	   *ids;
	int			n = 0,
				cap = 16;
	bool		usable;
	bool		rls;

	for (int i = 0; i < 7; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	tenant = PG_GETARG_TEXT_PP(0);
	customer = PG_GETARG_TEXT_PP(1);
	since = PG_GETARG_TIMESTAMPTZ(2);
	until = PG_GETARG_TIMESTAMPTZ(3);
	fp = (uint64) PG_GETARG_INT64(4);
	below = PG_GETARG_INT32(5);
	max_bits = PG_GETARG_INT32(6);
	not_type = PG_ARGISNULL(7) ? NULL : PG_GETARG_TEXT_PP(7);
	not_source = PG_ARGISNULL(8) ? NULL : PG_GETARG_TEXT_PP(8);
	if (max_bits < 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT4OID));
	snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	if (!commhub_timeline_relation(&relid, &indexid) || get_rel_relkind(indexid) != RELKIND_INDEX ||
		snapshot == NULL || !IsMVCCSnapshot(snapshot) ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return fp_neighbours_spi(fcinfo);
	rls = check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED;
	rel = table_open(relid, AccessShareLock);
	irel = index_open(indexid, AccessShareLock);
	att_type = attnameAttNum(rel, "communication_type", false);
	att_source = attnameAttNum(rel, "source_system", false);
	/* a plain table: the rows of inheritance children would be the query's too */
	usable = rel->rd_rel->relkind == RELKIND_RELATION && !rel->rd_rel->relhassubclass && fp_index_ok(rel, irel) &&
		att_type > 0 && att_source > 0 &&
		TupleDescAttr(RelationGetDescr(rel), att_type - 1)->atttypid == VARCHAROID &&
		TupleDescAttr(RelationGetDescr(rel), att_source - 1)->atttypid == VARCHAROID;
	/* under row security: the tenant policy alone, the session's tenant */
	if (usable && rls)
	{
		const char *me = commhub_tenant();

		usable = commhub_comm_tenant_policy_only(rel) && VARSIZE_ANY_EXHDR(tenant) == strlen(me) &&
			memcmp(VARDATA_ANY(tenant), me, strlen(me)) == 0;
	}
	for (int i = 0; usable && i < 2; i++)
		usable = irel->rd_indcollation[i] == TupleDescAttr(RelationGetDescr(rel), irel->rd_index->indkey.values[i] - 1)->attcollation;
	if (!usable)
	{
		index_close(irel, NoLock);
		table_close(rel, NoLock);
		return fp_neighbours_spi(fcinfo);
	}
	ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid, irel->rd_indcollation[0],
						   F_TEXTEQ, PointerGetDatum(tenant));
	ScanKeyEntryInitialize(&keys[1], 0, 2, BTEqualStrategyNumber, InvalidOid, irel->rd_indcollation[1],
						   F_TEXTEQ, PointerGetDatum(customer));
	ScanKeyEntryInitialize(&keys[2], 0, 3, BTGreaterEqualStrategyNumber, InvalidOid, InvalidOid,
						   F_TIMESTAMPTZ_GE, TimestampTzGetDatum(since));
	ScanKeyEntryInitialize(&keys[3], 0, 3, BTLessEqualStrategyNumber, InvalidOid, InvalidOid,
						   F_TIMESTAMPTZ_LE, TimestampTzGetDatum(until));
	ScanKeyEntryInitialize(&keys[4], 0, 4, BTLessStrategyNumber, InvalidOid, InvalidOid,
						   F_INT4LT, Int32GetDatum(below));
	ids = palloc(sizeof(Datum) * cap);
	slot = table_slot_create(rel, NULL);
	scan = index_beginscan(rel, irel, snapshot, 5, 0);
	scan->xs_want_itup = true;
	index_rescan(scan, keys, 5, NULL, 0);
	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		d;

		CHECK_FOR_INTERRUPTS();
		/* the fingerprint first, from the index tuple */
		d = index_getattr(scan->xs_itup, 5, scan->xs_itupdesc, &isnull);
		if (isnull || pg_popcount64((uint64) DatumGetInt64(d) ^ fp) > max_bits)
			continue;
		/* then the row: visible to the snapshot, another channel or source */
		if (!index_fetch_heap(scan, slot))
			continue;
		if (not_type && not_source)
		{
			bool		n1,
						n2;
			Datum		ty = slot_getattr(slot, att_type, &n1);
			Datum		so = slot_getattr(slot, att_source, &n2);

			if (!n1 && !n2 && text_is(ty, not_type) && text_is(so, not_source))
				continue;
		}
		d = index_getattr(scan->xs_itup, 4, scan->xs_itupdesc, &isnull);
		if (isnull)
			continue;
		if (n == cap)
		{
			cap *= 2;
			ids = repalloc(ids, sizeof(Datum) * cap);
		}
		ids[n++] = d;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(irel, NoLock);
	table_close(rel, NoLock);
	PG_RETURN_ARRAYTYPE_P(construct_array(ids, n, INT4OID, 4, true, TYPALIGN_INT));
}
