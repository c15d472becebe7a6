#!/usr/bin/env bash
# bench/run.sh [benchmark ...] [--size N]
# Runs named benchmarks on a throwaway cluster; each prints its figures and
# a ratio against a baseline measured in the same run.  Default: all, size
# 100000.  CI runs only `bench/run.sh --size 2000` as a smoke test.
set -u
cd "$(dirname "$0")/.."
. test/lib/common.sh
SIZE=100000
NAMES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        *) NAMES+=("$1"); shift ;;
    esac
done
[ ${#NAMES[@]} -eq 0 ] && NAMES=($(ls bench/*.sql bench/*.sh | xargs -n1 basename | grep -v '^run.sh$' | sed 's/\.sql$//; s/\.sh$//' | sort -u))
ensure_packages || exit 1
build_and_install || exit 1
start_cluster "shared_buffers = '1GB'" "max_wal_size = '4GB'" "checkpoint_timeout = '30min'" || exit 1
psql_db commhub -q -c "CREATE EXTENSION commhub" || exit 1
rc=0
for n in "${NAMES[@]}"; do
    log "benchmark $n (size $SIZE)"
    if [ -f "bench/$n.sh" ]; then
        SIZE=$SIZE bash "bench/$n.sh" || rc=1
    else
        psql_db commhub -q -v size="$SIZE" -f "bench/$n.sql" || rc=1
    fi
done
exit $rc
