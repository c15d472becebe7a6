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
 * the table and for each of its indexes.  Other relations, and commhub's
 * tables with believable statistics, are left alone; the hook costs one
 * comparison for them.  Like pg_dbms_stats, through get_relation_info_hook.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "nodes/pathnodes.h"
#include "optimizer/plancat.h"
#include "storage/bufpage.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "commhub.h"

static get_relation_info_hook_type prev_relation_info_hook = NULL;
static bool plan_guard = true;

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
in_commhub_schema(Oid relid)
{
	Oid			nsp = get_rel_namespace(relid);

	return OidIsValid(nsp) && nsp == get_namespace_oid("commhub", true);
}

static void
commhub_relation_info(PlannerInfo *root, Oid relid, bool inhparent, RelOptInfo *rel)
{
	Relation	r;
	ListCell   *lc;

	if (prev_relation_info_hook)
		prev_relation_info_hook(root, relid, inhparent, rel);

	/* believable, or too small to matter: nothing to do (the common case) */
	if (!plan_guard || inhparent || rel->pages < 2 || rel->tuples >= (double) rel->pages)
		return;
	if (!in_commhub_schema(relid))
		return;

	/* the planner holds a lock on the table and its indexes already */
	r = table_open(relid, NoLock);
	if (r->rd_rel->relkind != RELKIND_RELATION)
	{
		table_close(r, NoLock);
		return;
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
		if (info->pages < 2 || info->tuples >= (double) info->pages)
			continue;
		ir = index_open(info->indexoid, NoLock);
		t = never_analyzed_tuples(ir, NULL, info->pages);
		index_close(ir, NoLock);
		info->tuples = Min(rel->tuples, Max(info->tuples, t));
	}
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
}
