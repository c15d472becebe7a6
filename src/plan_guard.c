/*
 * plan_guard.c -- planner size estimates for commhub's tables when
 * pg_class says a table with pages holds no rows.
 *
 * PostgreSQL takes reltuples = 0 with relpages > 0 as "this table is
 * empty": the density is 0, so however many pages the table has now it is
 * planned as one row.  Every index then costs the same one page, and the
 * planner may take any index whose columns appear in the query: a probe by
 * id read the whole of idx_comm_timeline (id is its fourth column), and a
 * probe by tenant and record_id walked the tenant's whole natural-key
 * index.  Ingest runs such probes per record, so a 100k ingest took 445 s
 * instead of 11 s.
 *
 * The state is easy to reach: ANALYZE (by hand, or autovacuum's while a
 * large import is still uncommitted) after a rolled-back import or a
 * DELETE of every row, before VACUUM truncates the table.  It lasts until
 * the next VACUUM or ANALYZE, and in an import it is also the state the
 * import's own cached plans are made in.
 *
 * So for relations in the commhub schema whose statistics claim fewer
 * rows than pages (less than one row per 8 kB page), estimate the size the
 * way PostgreSQL does for a table that was never analysed: the current
 * number of pages times the rows of the average width a page holds, for
 * the table and for each of its indexes.
 *
 * The second trap is statistics taken from a single row: ANALYZE of a new
 * installation's table holding one test message, then the first large
 * import.  From a sample of one row every column looks unique, so
 * "tenant_id = $1" is taken to match one row, and every index that starts
 * with tenant_id looks as good as the one that fits: the import's cached
 * plan for the chat lookup read the tenant's whole natural-key index per
 * record (20,000 messages: 287 s).  (Two rows of one tenant already show
 * it as a common value.)  So commhub's tables whose statistics come from
 * fewer than GUARD_MIN_SAMPLE rows are planned as if never analysed: their
 * column statistics are not used (get_relation_stats_hook); the table and
 * its partial indexes are sized by their width, and the table counts at
 * least 10 pages.  The same import then took 2.1 s, as on a table never
 * analysed.
 *
 * Other relations, and commhub's tables with believable statistics, are
 * left alone; the hooks cost a relcache or syscache lookup and a comparison
 * for them.  Like pg_dbms_stats, through get_relation_info_hook and
 * get_relation_stats_hook.
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "nodes/pathnodes.h"
#include "optimizer/plancat.h"
#include "storage/bufpage.h"
#include "utils/guc.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"

#include "commhub.h"

static get_relation_info_hook_type prev_relation_info_hook = NULL;
static get_relation_stats_hook_type prev_relation_stats_hook = NULL;
static bool plan_guard = true;

/* statistics of fewer rows than this are not used (never-analysed plans) */
#define GUARD_MIN_SAMPLE 2
/* ... and such a table counts at least this many pages, as PostgreSQL
 * counts a table that was never vacuumed */
#define GUARD_MIN_PAGES 10

/* rows of the relation's average width that fit on pages pages */
static double
never_analyzed_tuples(Relation r, int32 *attr_widths, BlockNumber pages)
{
	int32		width = get_rel_data_width(r, attr_widths);

	width += MAXALIGN(SizeofHeapTupleHeader);
	width += sizeof(ItemIdData);
	return rint((double) pages * ((BLCKSZ - SizeOfPageHeaderData) / width));
}

static bool
is_commhub_schema(Oid nsp)
{
	return OidIsValid(nsp) && nsp == get_namespace_oid("commhub", true);
}

static void
commhub_relation_info(PlannerInfo *root, Oid relid, bool inhparent, RelOptInfo *rel)
{
	Relation	r;
	ListCell   *lc;
	bool		small;

	if (prev_relation_info_hook)
		prev_relation_info_hook(root, relid, inhparent, rel);

	if (!plan_guard || inhparent)
		return;

	/* the planner holds a lock on the table and its indexes already */
	r = table_open(relid, NoLock);
	small = r->rd_rel->reltuples >= 0 && r->rd_rel->reltuples < GUARD_MIN_SAMPLE;
	/* believable, or too small to matter, or not ours: nothing to do (the
	 * common case; the schema is looked up last) */
	if (r->rd_rel->relkind != RELKIND_RELATION ||
		(!small && (rel->pages < 2 || rel->tuples >= (double) rel->pages)) ||
		!is_commhub_schema(r->rd_rel->relnamespace))
	{
		table_close(r, NoLock);
		return;
	}
	if (small)
	{
		/* statistics of a single row: sized as never analysed, at least 10
		 * pages as never vacuumed */
		rel->pages = Max(rel->pages, GUARD_MIN_PAGES);
		rel->tuples = never_analyzed_tuples(r, rel->attr_widths - rel->min_attr, rel->pages);
	}
	rel->tuples = Max(rel->tuples, never_analyzed_tuples(r, rel->attr_widths - rel->min_attr, rel->pages));
	table_close(r, NoLock);

	foreach(lc, rel->indexlist)
	{
		IndexOptInfo *info = (IndexOptInfo *) lfirst(lc);
		Relation	ir;
		double		t;

		if (info->indpred == NIL)
		{
			info->tuples = rel->tuples;
			continue;
		}
		/* a partial index: its pages (less the metapage) at its width */
		if (!small && (info->pages < 2 || info->tuples >= (double) info->pages))
			continue;
		ir = index_open(info->indexoid, NoLock);
		t = never_analyzed_tuples(ir, NULL, info->pages);
		index_close(ir, NoLock);
		info->tuples = Min(rel->tuples, Max(info->tuples, t));
	}
}

/*
 * Column statistics of a commhub table analysed with fewer than
 * GUARD_MIN_SAMPLE rows: none (the planner's defaults, as for a table never
 * analysed).
 */
static bool
commhub_relation_stats(PlannerInfo *root, RangeTblEntry *rte, AttrNumber attnum,
					   VariableStatData *vardata)
{
	if (plan_guard && rte->rtekind == RTE_RELATION && rte->relkind == RELKIND_RELATION)
	{
		/* one syscache lookup gives the sample size and the schema */
		HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(rte->relid));

		if (HeapTupleIsValid(tp))
		{
			float4		reltuples = ((Form_pg_class) GETSTRUCT(tp))->reltuples;
			Oid			nsp = ((Form_pg_class) GETSTRUCT(tp))->relnamespace;

			ReleaseSysCache(tp);
			if (reltuples >= 0 && reltuples < GUARD_MIN_SAMPLE && is_commhub_schema(nsp))
			{
				vardata->statsTuple = NULL;
				vardata->freefunc = NULL;
				return true;
			}
		}
	}
	if (prev_relation_stats_hook)
		return prev_relation_stats_hook(root, rte, attnum, vardata);
	return false;
}

void
commhub_plan_guard_init(void)
{
	DefineCustomBoolVariable("commhub.plan_guard",
							 "Plan commhub's tables by their size when statistics claim fewer rows than pages.",
							 "Statistics taken after a rolled-back import or a DELETE of every row say 0 rows; "
							 "the planner then treats every index as equally cheap.",
							 &plan_guard, true, PGC_USERSET, 0, NULL, NULL, NULL);
	prev_relation_info_hook = get_relation_info_hook;
	get_relation_info_hook = commhub_relation_info;
	prev_relation_stats_hook = get_relation_stats_hook;
	get_relation_stats_hook = commhub_relation_stats;
}
