#!/usr/bin/env bash
# End to end: the agent runtime when things go wrong around the workers
# (review 18), on the running test cluster against the fake endpoint:
#   1. poison jobs   a job whose lease expires again and again (its worker
#                    dies while running it) ends dead after max_attempts;
#   2. 429 storms    a 429 / 503 with Retry-After pauses the endpoint; jobs
#                    held back or refused because of the pause keep their
#                    attempts; commhub.endpoint_status shows the pause;
#   2c. webhooks     a webhook that answers 429 is paused the same way;
#   3. cancel        pg_cancel_backend of a worker puts its in-flight jobs
#                    back at once (attempt refunded) and the worker lives on;
#   3b. crash        a worker killed with SIGKILL (crash restart): its job is
#                    claimed again by the restarted workers at once (its
#                    worker is gone), not when its lease expires;
#   3c. cancelled    pg_cancel_backend of a worker while it writes a result:
#       write        the job goes back to the queue, its attempt refunded;
#   4. postmaster    a worker with calls in flight exits when the postmaster
#      death         dies (the cluster is restarted afterwards).
# No timing assertions: states are polled with generous timeouts.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
. test/lib/agent_e2e.sh
control() { curl -s -X POST -d "$1" "http://127.0.0.1:$PORT/control" >/dev/null; }
fake_requests() { curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

start_fake_llm
quick_workers
tap_ok $? "two agent workers run"

q "SELECT commhub.add_customer('E2E-F1', '宁波奥克斯空调有限公司', 'vip')" >/dev/null
endpoint() {  # endpoint NAME OPTIONS-JSON
    q "SELECT commhub.set_endpoint('$1', 'http://127.0.0.1:$PORT/v1', 'fake-model', 'sk-faults', '$2')" >/dev/null
}
visit() {  # visit ID CONTENT -> record_id
    q "SELECT commhub.ingest('visit', jsonb_build_object('visit_id', '$1', 'customer_id', 'E2E-F1',
        'visit_date', '2024-06-15 09:00', 'location', '宁波', 'content', \$c\$$2\$c\$))->>'record_id'"
}
batch() {  # batch PREFIX N -> ingest_batch of N visits in one transaction
    q "SELECT commhub.ingest_batch('visit', (SELECT jsonb_agg(jsonb_build_object('visit_id', '$1-' || i, 'customer_id', 'E2E-F1',
        'visit_date', '2024-06-16 09:00', 'location', '宁波', 'content', '客户询价PCR-ABS-1000,月需求' || i || '0吨'))
        FROM generate_series(1, $2) i))" >/dev/null
}
ep_jobs() { echo "(SELECT * FROM commhub.agent_jobs WHERE endpoint = '$1' AND agent = 'A10') j"; }

# 1a. A job found running with an expired lease and no attempt left (its
#     worker died on each of them) is dead, not claimed again.  It used to
#     be re-claimed with attempts 4, 5, ... for ever: a crash loop.
endpoint f_poison '{"timeout_ms": 2000, "max_attempts": 3}'
rid=$(visit E2E-POISON-1 "客户询价PCR-ABS-1000,月需求10吨")
q "INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id, status, attempts,
                                   started_at, lease_expires_at, worker_pid)
   VALUES ('T001', 'A10', 'f_poison', '$rid', 'E2E-F1', 'running', 3, now() - interval '20 seconds',
           now() - interval '1 second', 1)" >/dev/null
wait_for "SELECT status <> 'running' OR attempts > 3 FROM $(ep_jobs f_poison)" 30
s=$(q "SELECT status || '|' || attempts || '|' || coalesce(error_class, '') FROM $(ep_jobs f_poison)")
tap_ok $([ "$s" = "dead|3|lease_expired" ]; echo $?) "a job whose lease expired with no attempt left is dead ($s)"
tap_ok $([ "$(q "SELECT last_error LIKE '%lease expired%the worker died while running it%gave up after 3 attempts%' FROM $(ep_jobs f_poison)")" = t ] &&
         [ "$(q "SELECT analyzed_by FROM commhub.customer_communications WHERE record_id = '$rid'")" = builtin:A10 ]; echo $?) \
   "its last_error says why ($(q "SELECT last_error FROM $(ep_jobs f_poison)")); no call was made"

# 1b. Repeated deaths: a call that never returns, whose lease is expired
#     (as when its worker is killed) each time it runs.  Each re-claim after
#     an expired lease is an attempt; after max_attempts (3) the job is dead.
endpoint f_poison2 '{"timeout_ms": 120000, "max_attempts": 3}'
q "SELECT commhub.use_endpoint('A10', 'f_poison2')" >/dev/null
visit E2E-POISON-2 "[[mode:hang]] 客户询价PCR-ABS-1000,月需求20吨" >/dev/null
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
ok=0
for k in 1 2 3; do
    wait_for "SELECT status = 'running' AND attempts = $k AND lease_expires_at > now() FROM $(ep_jobs f_poison2)" 30 || { ok=1; break; }
    q "UPDATE commhub.agent_jobs SET lease_expires_at = now() - interval '1 second'
        WHERE endpoint = 'f_poison2' AND status = 'running' AND attempts = $k" >/dev/null
done
tap_ok $ok "the hanging job was claimed 3 times, its lease expired each time ($(q "SELECT status || '|' || attempts FROM $(ep_jobs f_poison2)"))"
wait_for "SELECT status = 'dead' FROM $(ep_jobs f_poison2)" 30
s=$(q "SELECT status || '|' || attempts || '|' || lease_expiries || '|' || coalesce(error_class, '') FROM $(ep_jobs f_poison2)")
tap_ok $([ "$s" = "dead|3|3|lease_expired" ]; echo $?) "after its third expired lease the job is dead, not claimed a 4th time ($s)"
tap_ok $([ "$(q "SELECT last_error LIKE '%lease expired 3 times; the worker died while running it%' FROM $(ep_jobs f_poison2)")" = t ]; echo $?) \
   "last_error: $(q "SELECT last_error FROM $(ep_jobs f_poison2)")"

# 2a. A 429 with Retry-After pauses the endpoint: the other queued jobs are
#     held back, keep their attempts and go out when the pause is over.
#     They used to go out at once, each burning an attempt on a 429.  The
#     Retry-After is long so that the checks run while the pause lasts, even
#     on a loaded machine.
endpoint f_429 '{"timeout_ms": 5000, "max_attempts": 3, "max_inflight": 1}'
control '{"reset": true}'
control '{"mode": "429", "retry_after_s": 15}'
q "SELECT commhub.use_endpoint('A10', 'f_429')" >/dev/null
batch E2E-STORM 5
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
wait_for "SELECT count(*) = 1 FROM $(ep_jobs f_429) WHERE status = 'queued' AND error_class = 'rate_limit'" 30
paused=$(q "SELECT paused AND paused_until > now() AND pause_reason LIKE '%429%' FROM commhub.endpoint_status WHERE endpoint = 'f_429'")
tap_ok $([ "$paused" = t ]; echo $?) "after a 429 with Retry-After the endpoint is paused (endpoint_status: $(q "SELECT paused || ' ' || coalesce(pause_reason, '') FROM commhub.endpoint_status WHERE endpoint = 'f_429'"))"
s=$(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $(ep_jobs f_429)")
tap_ok $([ "$s" = "0,0,0,0,1" ] && [ "$(fake_requests)" = 1 ]; echo $?) \
   "while paused the other 4 jobs are held back with no attempt spent (attempts $s, requests $(fake_requests))"
control '{"mode": "ok"}'
wait_for "SELECT count(*) = 5 FROM $(ep_jobs f_429) WHERE status = 'succeeded'" 90
tap_ok $? "after the pause all 5 jobs succeeded"
s=$(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $(ep_jobs f_429)")
tap_ok $([ "$s" = "1,1,1,1,2" ] && [ "$(fake_requests)" = 6 ]; echo $?) "one attempt each, two for the one refused (attempts $s, requests $(fake_requests))"
tap_ok $([ "$(q "SELECT paused FROM commhub.endpoint_status WHERE endpoint = 'f_429'")" = f ]; echo $?) "endpoint_status shows the pause over"

# 2b. Calls already in flight when the first 429 pauses the endpoint are
#     refused too: only the first counts an attempt, the others are put back
#     with theirs refunded.
endpoint f_429b '{"timeout_ms": 5000, "max_attempts": 3, "max_inflight": 4}'
control '{"reset": true}'
control '{"mode": "503", "retry_after_s": 10, "latency_ms": 1500}'
q "SELECT commhub.use_endpoint('A10', 'f_429b')" >/dev/null
batch E2E-STORM-B 4
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
wait_for "SELECT count(*) = 4 FROM $(ep_jobs f_429b) WHERE status = 'queued' AND error_class = 'server_error'" 30
tap_ok $? "4 concurrent calls refused with 503 + Retry-After are back in the queue"
s=$(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $(ep_jobs f_429b)")
tap_ok $([ "$s" = "0,0,0,1" ] && [ "$(q "SELECT count(*) FROM $(ep_jobs f_429b) WHERE last_error LIKE '%attempt not counted%'")" = 3 ]; echo $?) \
   "only the first refusal counts an attempt, the others are refunded (attempts $s)"
control '{"mode": "ok", "latency_ms": 0}'
wait_for "SELECT count(*) = 4 FROM $(ep_jobs f_429b) WHERE status = 'succeeded'" 90
tap_ok $? "after the pause all 4 succeeded ($(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $(ep_jobs f_429b)"))"

# 2c. A webhook that answers 429 with Retry-After is paused like a model
#     endpoint: its jobs held back keep their attempts, endpoint_status
#     shows it (webhook true), and they go out when the pause is over.
#     A webhook used to be retried on the workers' own backoff, each 429 an
#     attempt, until it was dead.
webhook_hits() { curl -s "http://127.0.0.1:$PORT/webhook/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"])'; }
hook_job() {  # hook_job WEBHOOK TEXT: one webhook job, as an urgent record enqueues it
    q "INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, payload)
       VALUES ('T001', 'webhook', '$1', jsonb_build_object('msgtype', 'text', 'text', jsonb_build_object('content', '$2')))" >/dev/null
}
hook_jobs="(SELECT * FROM commhub.agent_jobs WHERE endpoint = 'limited_robot' AND agent = 'webhook') j"
control '{"reset": true}'
control '{"mode": "429", "retry_after_s": 20}'
q "SELECT commhub.set_webhook('limited_robot', 'http://127.0.0.1:$PORT/webhook/limited_robot?key=hookkey')" >/dev/null
hook_job limited_robot "限流测试 1"
wait_for "SELECT count(*) = 1 FROM $hook_jobs WHERE status = 'queued' AND error_class = 'rate_limit'" 30
s=$(q "SELECT paused AND paused_until > now() AND pause_reason LIKE '%429%' AND webhook AND base_url IS NULL
       FROM commhub.endpoint_status WHERE endpoint = 'limited_robot'")
tap_ok $([ "$s" = t ]; echo $?) "after a 429 with Retry-After the webhook is paused (endpoint_status: $(q "SELECT paused || ' ' || coalesce(pause_reason, '') FROM commhub.endpoint_status WHERE endpoint = 'limited_robot'"))"
for i in 2 3 4; do hook_job limited_robot "限流测试 $i"; done
# then one for a webhook that is not paused: once it is delivered, a claim
# has passed over the paused webhook's older jobs
q "SELECT commhub.set_webhook('robot_ok', 'http://127.0.0.1:$PORT/webhook/robot_ok?key=okkey')" >/dev/null
hook_job robot_ok "不限流"
wait_for "SELECT status = 'succeeded' FROM commhub.agent_jobs WHERE endpoint = 'robot_ok'" 30
rc=$?
s=$(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $hook_jobs")
tap_ok $([ $rc = 0 ] && [ "$s" = "0,0,0,1" ] && [ "$(webhook_hits limited_robot)" = 1 ]; echo $?) \
   "while paused the 3 jobs queued after are held back, no attempt spent; another webhook's job went out (attempts $s, POSTs $(webhook_hits limited_robot))"
control '{"mode": "ok"}'
wait_for "SELECT count(*) = 4 FROM $hook_jobs WHERE status = 'succeeded'" 90
tap_ok $? "after the pause all 4 webhook jobs were delivered"
s=$(q "SELECT string_agg(attempts::text, ',' ORDER BY attempts) FROM $hook_jobs")
tap_ok $([ "$s" = "1,1,1,2" ] && [ "$(webhook_hits limited_robot)" = 5 ] &&
         [ "$(q "SELECT paused FROM commhub.endpoint_status WHERE endpoint = 'limited_robot'")" = f ]; echo $?) \
   "one attempt each, two for the one refused (attempts $s, POSTs $(webhook_hits limited_robot)); the pause is over"
q "SELECT commhub.set_webhook('limited_robot', 'http://127.0.0.1:$PORT/webhook/limited_robot?key=hookkey', false);
   SELECT commhub.set_webhook('robot_ok', 'http://127.0.0.1:$PORT/webhook/robot_ok?key=okkey', false)" >/dev/null

# 3. pg_cancel_backend of the workers with calls in flight: the calls are
#    cancelled, the jobs go back to the queue at once with their attempt
#    refunded, and the workers keep running (same pids).  A cancel used to
#    end the worker, its jobs held until their lease expired (here 315 s).
endpoint f_cancel '{"timeout_ms": 300000, "max_inflight": 16}'
control '{"reset": true}'
q "SELECT commhub.use_endpoint('A10', 'f_cancel')" >/dev/null
for i in $(seq 1 6); do visit "E2E-CANCEL-$i" "[[latency:8000]] 取消测试 $i" >/dev/null; done
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
wait_for "SELECT count(*) = 6 FROM $(ep_jobs f_cancel) WHERE status = 'running'" 30
tap_ok $? "6 calls in flight"
wpids=$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")
q "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" >/dev/null
wait_for "SELECT count(*) = 6 FROM $(ep_jobs f_cancel) WHERE status = 'succeeded'" 90
tap_ok $? "after pg_cancel_backend all 6 jobs succeeded (not held until their lease expired)"
s=$(q "SELECT string_agg(attempts::text, ',') FROM $(ep_jobs f_cancel)")
tap_ok $([ "$s" = "1,1,1,1,1,1" ] && [ "$(fake_requests)" -ge 12 ]; echo $?) \
   "the cancelled calls cost no attempt and were made again (attempts $s, requests $(fake_requests))"
tap_ok $([ "$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")" = "$wpids" ]; echo $?) \
   "the workers kept running (same pids $wpids)"

# 3b. A worker killed with SIGKILL while its call is in flight: the
#     postmaster restarts every backend (a crash restart), and the restarted
#     workers claim the job again at once -- its worker is gone -- as an
#     attempt, not when its lease (here 600 s + 15 s) expires.  It used to
#     stay 'running' for the whole lease.
endpoint f_crash '{"timeout_ms": 600000, "max_attempts": 3}'
q "SELECT commhub.use_endpoint('A10', 'f_crash')" >/dev/null
visit E2E-CRASH "[[mode:hang]] 崩溃恢复测试" >/dev/null
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
wait_for "SELECT count(*) = 1 FROM $(ep_jobs f_crash) WHERE status = 'running' AND attempts = 1" 30
tap_ok $? "a call in flight that never returns (lease until $(q "SELECT lease_expires_at FROM $(ep_jobs f_crash)"))"
wpid=$(q "SELECT worker_pid FROM $(ep_jobs f_crash)")
# the claim on disk first (the test cluster runs synchronous_commit = off: a
# crash could lose it, and the job be claimed afresh)
q "CHECKPOINT" >/dev/null
kill -9 "$wpid"
wait_for "SELECT status = 'running' AND attempts = 2 AND worker_pid <> $wpid FROM $(ep_jobs f_crash)" 120
tap_ok $? "after worker $wpid was killed (crash restart) the job was claimed again by a new worker, its lease not expired ($(q "SELECT status || '|' || attempts || '|' || worker_pid FROM $(ep_jobs f_crash)"))"
s=$(q "SELECT lease_expiries || '|' || error_class || '|' || (last_error LIKE 'worker_died: the worker (pid $wpid) died while running it%') FROM $(ep_jobs f_crash)")
tap_ok $([ "$s" = "1|worker_died|true" ]; echo $?) "the claim after the crash counts as a worker death ($s: $(q "SELECT last_error FROM $(ep_jobs f_crash)"))"
wait_for "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" 60
tap_ok $? "both workers run again"
# the hanging call: the job is ended here, its call cut (a cancel keeps the workers)
q "UPDATE commhub.agent_jobs SET status = 'failed', finished_at = now(), lease_expires_at = NULL WHERE endpoint = 'f_crash'" >/dev/null
q "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" >/dev/null

# 3c. pg_cancel_backend of a worker while it writes a result (here waiting
#     for a row lock the record's A10 result needs): the job goes back to the
#     queue with its attempt refunded, like a cancelled call.  With
#     max_attempts 1 it used to be dead ("apply: canceling statement due to
#     user request (gave up after 1 attempts)").
endpoint f_wcancel '{"timeout_ms": 20000, "max_attempts": 1}'
control '{"reset": true}'
q "SELECT commhub.use_endpoint('A10', 'f_wcancel')" >/dev/null
rid=$(visit E2E-WCANCEL "[[latency:8000]] 客户询价PCR-ABS-1000,月需求30吨")
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
# hold the record's row (while the call takes its 8 s) until told: the A10
# result waits for it
PGAPPNAME=e2e_lock_holder psql_db commhub -q -c "BEGIN" -c "SELECT 1 FROM commhub.customer_communications WHERE record_id = '$rid' FOR UPDATE" \
    -c "SELECT pg_sleep(600)" -c "COMMIT" >/dev/null 2>&1 &
holder=$!
blocked="SELECT count(*) = 1 FROM pg_stat_activity a JOIN $(ep_jobs f_wcancel) ON a.pid = j.worker_pid
          WHERE j.status = 'running' AND a.wait_event_type = 'Lock'"
wait_for "$blocked" 30
tap_ok $? "the worker writing the result waits for the record's row lock"
wpid=$(q "SELECT worker_pid FROM $(ep_jobs f_wcancel) WHERE status = 'running'")
q "SELECT pg_cancel_backend($wpid)" >/dev/null
# claimed again at once, it waits for the lock again: then the lock is let go
wait_for "SELECT error_class = 'cancelled' AND status IN ('queued', 'running') FROM $(ep_jobs f_wcancel)" 30
rc=$?
s=$(q "SELECT status || '|' || attempts || '|' || coalesce(error_class, '') FROM $(ep_jobs f_wcancel)")
tap_ok $rc "after pg_cancel_backend the job is back in the queue ($s: $(q "SELECT last_error FROM $(ep_jobs f_wcancel)"))"
q "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'e2e_lock_holder'" >/dev/null
wait $holder 2>/dev/null
wait_for "SELECT status IN ('succeeded', 'failed', 'dead') FROM $(ep_jobs f_wcancel)" 60
s=$(q "SELECT status || '|' || attempts FROM $(ep_jobs f_wcancel)")
tap_ok $([ "$s" = "succeeded|1" ] && [ "$(q "SELECT analyzed_by LIKE 'model:f_wcancel/%' FROM commhub.customer_communications WHERE record_id = '$rid'")" = t ]; echo $?) \
   "the cancelled write cost no attempt: the job succeeded on its one attempt ($s; $(q "SELECT last_error FROM $(ep_jobs f_wcancel)"))"
tap_ok $([ "$(q "SELECT pid FROM pg_stat_activity WHERE pid = $wpid")" = "$wpid" ]; echo $?) "the cancelled worker $wpid kept running"

# 4. Postmaster death while a call is in flight: the worker exits (it used
#    to notice only when idle, here after the 300 s call).  Then the cluster
#    is started again for the scripts that follow.
endpoint f_pm '{"timeout_ms": 300000}'
q "SELECT commhub.use_endpoint('A10', 'f_pm')" >/dev/null
visit E2E-PMDEATH "[[mode:hang]] 主进程退出测试" >/dev/null
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
wait_for "SELECT count(*) = 1 FROM $(ep_jobs f_pm) WHERE status = 'running'" 30
tap_ok $? "a call in flight that never returns"
wpid=$(q "SELECT worker_pid FROM $(ep_jobs f_pm)")
pmpid=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
children=$(pgrep -P "$pmpid" | tr '\n' ' ')
kill -9 "$pmpid"
gone=1
for _ in $(seq 1 240); do kill -0 "$wpid" 2>/dev/null || { gone=0; break; }; sleep 0.25; done
tap_ok $gone "after the postmaster was killed the worker $wpid with a call in flight exited"
# Every process of the old cluster must be gone before it can start again.
for _ in $(seq 1 120); do
    left=""; for c in $children; do kill -0 "$c" 2>/dev/null && left="$left $c"; done
    [ -z "$left" ] && break
    sleep 0.25
done
[ -n "$left" ] && { echo "# still running after the postmaster died:$left (killed)"; for c in $left; do kill -9 "$c" 2>/dev/null; done; sleep 1; }
_as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null 2>&1
wait_for "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" 60
tap_ok $? "the cluster restarted with its two workers"

q "DELETE FROM commhub.agent_jobs WHERE endpoint LIKE 'f\_%' AND status IN ('queued', 'running')" >/dev/null
tap_done
