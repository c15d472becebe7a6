/*
 * tenant.c -- commhub.current_tenant() in C.
 *
 * The active tenant is the setting commhub.tenant (empty or unset: T001),
 * honoured only for superusers, members of commhub_admin, and members of a
 * role granted the tenant in commhub.tenant_grants -- the session's role
 * (after SET ROLE), also inside SECURITY DEFINER functions.  It runs in every row
 * security check and column default, so it must cost little: the grants of
 * the tenant are read once per transaction (an index scan of tenant_grants
 * under the caller's snapshot) and again whenever tenant_grants changes: a
 * statement trigger on it sends a relcache invalidation, which this backend
 * sees at the next command (and at a rollback to a savepoint) and other
 * backends at their next statement; role membership is PostgreSQL's own
 * cached check.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "commhub.h"

#define TENANT_MAX_CHARS 64

/* The role names granted one tenant, valid for one transaction. */
static struct
{
	bool		valid;
	LocalTransactionId lxid;
	char		tenant[TENANT_MAX_CHARS * 4 + 1];
	int			nroles;
	int			cap;
	NameData   *roles;			/* in TopMemoryContext */
}			grants_cache;

static Oid	grants_relid = InvalidOid;
static bool callback_registered = false;

static void
grants_inval(Datum arg, Oid relid)
{
	(void) arg;
	if (relid == InvalidOid || relid == grants_relid)
		grants_cache.valid = false;
}

/* Fill grants_cache with the roles granted tenant t. */
static void
load_grants(const char *t)
{
	Oid			nsp = get_namespace_oid("commhub", false);
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	Snapshot	snap;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(grants_inval, (Datum) 0);
		callback_registered = true;
	}
	grants_relid = get_relname_relid("tenant_grants", nsp);
	if (!OidIsValid(grants_relid))
		elog(ERROR, "commhub: table commhub.tenant_grants is missing");
	grants_cache.valid = false;
	grants_cache.nroles = 0;
	if (grants_cache.roles == NULL)
	{
		grants_cache.cap = 4;
		grants_cache.roles = MemoryContextAlloc(TopMemoryContext, grants_cache.cap * sizeof(NameData));
	}

	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
	rel = table_open(grants_relid, AccessShareLock);
	(void) RelationGetIndexList(rel);	/* sets rd_pkindex */
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(t));
	/* the index is ordered by the column's collation: search with it */
	key.sk_collation = TupleDescAttr(RelationGetDescr(rel), 0)->attcollation;
	scan = systable_beginscan(rel, rel->rd_pkindex, OidIsValid(rel->rd_pkindex), snap, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, 2, RelationGetDescr(rel), &isnull);

		if (isnull)
			continue;
		if (grants_cache.nroles == grants_cache.cap)
		{
			grants_cache.cap *= 2;
			grants_cache.roles = repalloc(grants_cache.roles, grants_cache.cap * sizeof(NameData));
		}
		grants_cache.roles[grants_cache.nroles++] = *DatumGetName(d);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	strlcpy(grants_cache.tenant, t, sizeof(grants_cache.tenant));
	grants_cache.lxid = MyProc->lxid;
	grants_cache.valid = true;
}

/* The active tenant, or an error (22001, 42501) as the SQL function raises. */
const char *
commhub_tenant(void)
{
	const char *t = commhub_tenant_guc;
	/* The session's role, not the owner of a SECURITY DEFINER function
	 * running now: a definer function (its owner a superuser) must not let
	 * its caller act in a tenant the caller is not granted. */
	Oid			me = GetOuterUserId();
	Oid			admin;

	if (t == NULL || t[0] == '\0')
		t = "T001";
	if (pg_mbstrlen(t) > TENANT_MAX_CHARS)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("commhub.tenant is longer than 64 characters"),
				 errhint("SET commhub.tenant to a tenant id such as T001.")));
	if (superuser_arg(me))
		return t;
	admin = get_role_oid("commhub_admin", true);
	if (OidIsValid(admin) && is_member_of_role(me, admin))
		return t;
	if (!grants_cache.valid || grants_cache.lxid != MyProc->lxid || strcmp(grants_cache.tenant, t) != 0)
		load_grants(t);
	for (int i = 0; i < grants_cache.nroles; i++)
	{
		Oid			r = get_role_oid(NameStr(grants_cache.roles[i]), true);

		if (OidIsValid(r) && is_member_of_role(me, r))
			return t;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("role \"%s\" is not granted tenant \"%s\"", GetUserNameFromId(me, false), t),
			 errhint("An admin runs SELECT commhub.grant_tenant(%s, %s), or SET commhub.tenant to a tenant granted to you.",
					 quote_literal_cstr(t), quote_literal_cstr(GetUserNameFromId(me, false)))));
	return NULL;				/* not reached */
}

char *
commhub_current_tenant(void)
{
	return pstrdup(commhub_tenant());
}

PG_FUNCTION_INFO_V1(commhub_current_tenant_sql);
Datum
commhub_current_tenant_sql(PG_FUNCTION_ARGS)
{
	(void) fcinfo;
	PG_RETURN_TEXT_P(cstring_to_text(commhub_tenant()));
}

/*
 * A statement trigger that drops every backend's caches built from the
 * table it is on (a relcache invalidation): tenant_grants here, the
 * analyzer's catalogue tables in analyze.c.
 */
Datum
commhub_relcache_trigger(FunctionCallInfo fcinfo, const char *name)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
						errmsg("%s() must be called as a trigger", name)));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

PG_FUNCTION_INFO_V1(commhub_tenant_grants_changed);
Datum
commhub_tenant_grants_changed(PG_FUNCTION_ARGS)
{
	return commhub_relcache_trigger(fcinfo, "commhub_tenant_grants_changed");
}
