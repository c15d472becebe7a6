# Shared set-up of the agent runtime e2e scripts (sourced after common.sh):
# wait_for, the fake model endpoint on a free loopback port ($PORT,
# $FAKE_PID, $FAKE_LOG; stopped on exit) and quick worker settings.
wait_for() {   # wait_for SQL-returning-true seconds
    local i
    for i in $(seq 1 $(( $2 * 4 ))); do
        [ "$(q "$1")" = t ] && return 0
        sleep 0.25
    done
    return 1
}

start_fake_llm() {
    FAKE_LOG=$(mktemp)
    python3 test/fake_llm/fake_llm.py 0 >"$FAKE_LOG" 2>&1 &
    FAKE_PID=$!
    trap 'kill $FAKE_PID 2>/dev/null' EXIT
    for _ in $(seq 1 40); do PORT=$(head -1 "$FAKE_LOG"); [ -n "$PORT" ] && break; sleep 0.25; done
    [ -n "$PORT" ] || { echo "not ok 1 - fake server did not start"; exit 1; }
}

# Short retry delays and polling, the extension in place, both workers up.
quick_workers() {
    q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
    # ALTER SYSTEM cannot run in the implicit transaction of a multi-statement -c: one -c each.
    psql_db commhub -q -c "ALTER SYSTEM SET commhub.retry_base_delay = '50ms'" -c "ALTER SYSTEM SET commhub.retry_max_delay = '200ms'" \
        -c "ALTER SYSTEM SET commhub.worker_poll_interval = '200ms'" >/dev/null
    q "SELECT pg_reload_conf()" >/dev/null
    wait_for "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" 30
}
