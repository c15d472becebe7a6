#!/usr/bin/env bash
# Every commhub test, on a fresh Debian 12 machine (the README's test command):
#   installs missing Debian packages, builds, installs, starts a throwaway
#   cluster with pg_cron and commhub preloaded, then runs
#     1. C unit tests of the server-independent core (again under ASan/UBSan,
#        and under valgrind)
#     2. pg_regress (sql/ + expected/)
#     3. pgTAP (test/pgtap/*.sql) with pg_prove
#     4. end-to-end scripts (test/e2e/*.sh: workers, pg_cron, IMAP, fake LLM)
#   and prints a last line "N passed, N failed".  Exit status 0 only if all pass.
set -u
cd "$(dirname "$0")/.."
. test/lib/common.sh

PASS=0; FAIL=0
FAILED_WHAT=""
count() { PASS=$((PASS + $1)); FAIL=$((FAIL + $2)); }
failed() { FAILED_WHAT="$FAILED_WHAT$1"$'\n'; }   # remembered for the summary
finish() {
    echo
    # the failures again, last, so that the tail of a long log names them
    [ -n "$FAILED_WHAT" ] && { echo "failed checks:"; printf '%s' "$FAILED_WHAT" | head -60 | sed 's/^/  /'; }
    echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]; exit $?
}

ensure_packages || { echo "0 passed, 1 failed"; exit 1; }
build_and_install || { echo "0 passed, 1 failed"; exit 1; }

# 1. unit tests (plain, then sanitizers)
log "unit tests"
make -s unit-build >/dev/null 2>&1 || make unit-build
for variant in plain asan valgrind; do
    case $variant in
        plain) out=$(make -s unit 2>&1) ;;
        asan) out=$(make -s unit-asan 2>&1) ;;
        valgrind) out=$(make -s unit-valgrind 2>&1) ;;
    esac
    echo "$out" | grep -v '^ok ' | grep -E 'passed|not ok|rror' | sed "s/^/[$variant] /"
    while read -r l; do failed "[$variant] $l"; done < <(grep -E 'not ok' <<<"$out")
    line=$(echo "$out" | grep '^unit: ' | tail -1)
    if [ -n "$line" ]; then
        count "$(echo "$line" | awk '{print $2}')" "$(echo "$line" | awk '{print $4}')"
    else
        count 0 1; failed "[$variant] unit tests did not report"
    fi
done

start_cluster || { count 0 1; finish; }

# 2. pg_regress
log "pg_regress"
out=$(make -s installcheck 2>&1); rc=$?
echo "$out" | grep -E '\.\.\. |tests (passed|failed)'
p=$(grep -cE '\.\.\. ok' <<<"$out"); f=$(grep -cE '\.\.\. FAILED|\.\.\. failed' <<<"$out")
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
[ $rc -ne 0 ] && [ -f regression.diffs ] && head -200 regression.diffs
while read -r l; do [ -n "$l" ] && failed "[pg_regress] $l"; done < <(grep -E '\.\.\. (FAILED|failed)' <<<"$out")
[ $rc -ne 0 ] && [ -f regression.diffs ] && while read -r l; do failed "[pg_regress diff] $l"; done < <(grep -E '^[-+][^-+]' regression.diffs | head -20)
count "$p" "$f"

# 3. pgTAP
log "pgTAP"
psql_db postgres -q -c "CREATE DATABASE commhub_tap" >/dev/null
psql_db commhub_tap -q -c "CREATE EXTENSION pgtap; CREATE EXTENSION commhub;" >/dev/null
out=$(pg_prove -v -d commhub_tap test/pgtap/*.sql 2>&1); rc=$?
echo "$out" | grep -E '^not ok|^test/|Result|Failed' 
p=$(grep -cE '^ok ' <<<"$out"); f=$(grep -cE '^not ok ' <<<"$out")
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && { f=1; failed "[pgTAP] pg_prove exit $rc"; }
while read -r l; do [ -n "$l" ] && failed "[pgTAP] $l"; done < <(grep -E '^(not ok|#.*(have|want|Failed test))' <<<"$out" | head -30)
count "$p" "$f"

# 4. end-to-end scripts: each prints TAP lines and uses the running cluster
for s in test/e2e/*.sh; do
    [ -e "$s" ] || continue
    log "e2e $s"
    out=$(bash "$s" 2>&1); rc=$?
    echo "$out" | grep -E '^(not ok|ok|#)' | sed "s|^|[$(basename "$s" .sh)] |"
    p=$(grep -cE '^ok ' <<<"$out"); f=$(grep -cE '^not ok ' <<<"$out")
    [ $rc -ne 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$out" | tail -20; failed "[$(basename "$s" .sh)] exit $rc"; }
    while read -r l; do [ -n "$l" ] && failed "[$(basename "$s" .sh)] $l"; done < <(grep -E '^not ok' <<<"$out")
    count "$p" "$f"
done

# 5. benchmark smoke: tiny sizes, in their own database, only to keep the
#    benchmarks runnable (figures come from bench/run.sh, by hand)
log "bench smoke"
psql_db postgres -q -c "CREATE DATABASE commhub_bench" >/dev/null &&
    psql_db commhub_bench -q -c "CREATE EXTENSION commhub" >/dev/null
for b in ingest timeline analyzer ingest_history; do
    if psql_db commhub_bench -q -v size=2000 -f "bench/$b.sql" >"$CLUSTER_DIR/bench_$b.out" 2>&1; then
        echo "ok - bench $b runs (smoke size)"; count 1 0
    else
        echo "not ok - bench $b (smoke size)"; tail -5 "$CLUSTER_DIR/bench_$b.out"; count 0 1; failed "[bench] $b"
    fi
done

finish
