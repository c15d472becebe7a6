#!/usr/bin/env bash
# I4 beyond ingest: every function of the commhub schema, called with all
# arguments NULL and then with each argument in turn NULL, empty, negative,
# huge or otherwise odd (test/e2e/function_sweep.py writes the calls), as
# the superuser, each call in a transaction that is rolled back.  No call
# may crash the backend or fail with an internal error (SQLSTATE class XX),
# and the session must stay usable.  It found reparse(NULL) crashing, and
# grant_tenant and save_insight accepting NULLs.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
TMP=$(mktemp -d)
psql_db postgres -q -c "DROP DATABASE IF EXISTS commhub_sweep" -c "CREATE DATABASE commhub_sweep" >/dev/null
psql_db commhub_sweep -q -c "CREATE EXTENSION commhub" >/dev/null
psql_db commhub_sweep -At -c "
  SELECT p.proname, coalesce(array_to_string(array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) t), ','), ''),
         format_type(p.prorettype, NULL)
    FROM pg_proc p WHERE p.pronamespace = 'commhub'::regnamespace AND p.prokind = 'f' ORDER BY 1, 2" > "$TMP/funcs"
nfuncs=$(wc -l < "$TMP/funcs")
ncalls=$(python3 test/e2e/function_sweep.py < "$TMP/funcs" 2>&1 > "$TMP/calls.sql")
# ON_ERROR_STOP off: every call runs; VERBOSITY verbose puts the SQLSTATE in each error
"$PGBIN/psql" -X -q -d commhub_sweep -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$TMP/calls.sql" > "$TMP/out" 2>&1
echo "# $nfuncs functions, $ncalls calls, $(grep -c 'ERROR:' "$TMP/out") of them refused"
tap_ok $([ "$nfuncs" -ge 100 ] && [ "$ncalls" -ge 1000 ]; echo $?) "the sweep covers the schema ($nfuncs functions, $ncalls calls)"
crashes=$(grep -cE 'server closed the connection|terminated abnormally|connection to server was lost' "$TMP/out")
tap_ok $([ "$crashes" = 0 ]; echo $?) "no call crashes the backend ($crashes)"
internal=$(grep -E 'ERROR:  XX' "$TMP/out" | sort | uniq -c)
[ -n "$internal" ] && echo "$internal" | sed 's/^/# /' | head -20
tap_ok $([ -z "$internal" ]; echo $?) "no call fails with an internal error (SQLSTATE XX...)"
nostate=$(grep 'ERROR:' "$TMP/out" | grep -vcE 'ERROR:  [0-9A-Z]{5}:')
tap_ok $([ "$nostate" = 0 ]; echo $?) "every refusal carries an SQLSTATE ($nostate without)"
tap_ok $([ "$(psql_db commhub_sweep -At -c 'SELECT count(*) FROM commhub.tenant_grants')" = 0 ]; echo $?) \
   "nothing a call wrote stayed (rolled back)"
psql_db postgres -q -c "DROP DATABASE commhub_sweep" >/dev/null
rm -rf "$TMP"
tap_done
