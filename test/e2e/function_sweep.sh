#!/usr/bin/env bash
# I4 beyond ingest: every function of the commhub schema, called with all
# arguments NULL and then with each argument in turn NULL, empty, negative,
# huge or otherwise odd (test/e2e/function_sweep.py writes the calls), as
# the superuser and as an application's role, each call in a transaction
# that is rolled back.  No call
# may crash the backend or fail with an internal error (SQLSTATE class XX),
# and the session must stay usable.  It found reparse(NULL) crashing, and
# grant_tenant and save_insight accepting NULLs.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
TMP=$(mktemp -d)
psql_db postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS commhub_sweep" -c "CREATE DATABASE commhub_sweep" >/dev/null
psql_db commhub_sweep -q -c "CREATE EXTENSION commhub" >/dev/null
psql_db commhub_sweep -At -c "
  SELECT p.proname, coalesce(array_to_string(array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) t), ','), ''),
         format_type(p.prorettype, NULL)
    FROM pg_proc p WHERE p.pronamespace = 'commhub'::regnamespace AND p.prokind = 'f' ORDER BY 1, 2" > "$TMP/funcs"
nfuncs=$(wc -l < "$TMP/funcs")
ncalls=$(python3 test/e2e/function_sweep.py < "$TMP/funcs" 2>&1 > "$TMP/calls.sql")
sweep() {  # sweep LABEL [SQL run first]: runs every call, checks the output
    { [ -n "${2:-}" ] && echo "$2"; cat "$TMP/calls.sql"; } > "$TMP/run.sql"
    # ON_ERROR_STOP off: every call runs; VERBOSITY verbose puts the SQLSTATE in each error
    "$PGBIN/psql" -X -q -d commhub_sweep -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$TMP/run.sql" > "$TMP/out" 2>&1
    echo "# $1: $nfuncs functions, $ncalls calls, $(grep -c 'ERROR:' "$TMP/out") of them refused"
    crashes=$(grep -cE 'server closed the connection|terminated abnormally|connection to server was lost' "$TMP/out")
    tap_ok $([ "$crashes" = 0 ]; echo $?) "$1: no call crashes the backend ($crashes)"
    internal=$(grep -E 'ERROR:  XX' "$TMP/out" | sort | uniq -c)
    [ -n "$internal" ] && echo "$internal" | sed 's/^/# /' | head -20
    tap_ok $([ -z "$internal" ]; echo $?) "$1: no call fails with an internal error (SQLSTATE XX...)"
    nostate=$(grep 'ERROR:' "$TMP/out" | grep -vcE 'ERROR:  [0-9A-Z]{5}:')
    tap_ok $([ "$nostate" = 0 ]; echo $?) "$1: every refusal carries an SQLSTATE ($nostate without)"
}
tap_ok $([ "$nfuncs" -ge 100 ] && [ "$ncalls" -ge 1000 ]; echo $?) "the sweep covers the schema ($nfuncs functions, $ncalls calls)"
sweep superuser
# the same as an application's role: a writer and reader of tenant T001,
# under row security (and refused, 42501, what it may not run)
psql_db commhub_sweep -q -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commhub_sweep_app') THEN
                                  CREATE ROLE commhub_sweep_app; END IF; END\$\$" \
    -c "GRANT commhub_writer, commhub_reader TO commhub_sweep_app" -c "SELECT commhub.grant_tenant('T001', 'commhub_sweep_app')" >/dev/null
sweep "application role" "SET ROLE commhub_sweep_app;"
tap_ok $([ "$(grep -c 'ERROR:  42501' "$TMP/out")" -gt 0 ]; echo $?) "application role: refused what it may not run (42501)"
tap_ok $([ "$(psql_db commhub_sweep -At -c "SELECT count(*) FROM commhub.tenant_grants WHERE role_name <> 'commhub_sweep_app'")" = 0 ] &&
        [ "$(psql_db commhub_sweep -At -c 'SELECT count(*) FROM commhub.customer_communications')" = 0 ]; echo $?) \
   "nothing a call wrote stayed (rolled back)"
psql_db postgres -q -c "DROP DATABASE commhub_sweep" -c "DROP ROLE commhub_sweep_app" >/dev/null
rm -rf "$TMP"
tap_done
