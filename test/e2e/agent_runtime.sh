#!/usr/bin/env bash
# End to end: the agent runtime against a fake OpenAI-compatible server on
# loopback, on the running test cluster (test/run.sh exports PGHOST/PGPORT;
# the workers are preloaded and connect to database "commhub").
# Scenario: A10 routed to an endpoint; records carry [[mode:...]] markers
# that make the fake server answer well, fail, hang, rate-limit or break the
# shape.  Every job must end succeeded, failed or dead with its reason; an
# urgent record NOTIFYs and reaches the webhook; the API key is never
# readable by commhub_reader; kill -9 of a worker loses and repeats nothing.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
. test/lib/agent_e2e.sh

start_fake_llm
quick_workers
tap_ok $? "two agent workers run, visible in pg_stat_activity"

KEY="sk-e2e-$(date +%s)-secret"
q "SELECT commhub.add_customer('E2E-C1', '宁波奥克斯空调有限公司', 'vip')" >/dev/null
q "SELECT commhub.set_endpoint('fake', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY',
          '{\"timeout_ms\": 2000, \"max_attempts\": 3, \"max_inflight\": 16}')" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake')" >/dev/null
q "SELECT commhub.set_webhook('robot', 'http://127.0.0.1:$PORT/webhook/robot?key=robotkey123')" >/dev/null

visit() {  # visit ID CONTENT -> ingest a visit report
    q "SELECT commhub.ingest('visit', jsonb_build_object('visit_id', '$1', 'customer_id', 'E2E-C1',
        'visit_date', '2024-06-15 09:00', 'location', '宁波', 'sales_person', 'wangming', 'content', \$c\$$2\$c\$))->>'status'"
}

# 1. Happy path: 20 records, each gets a model job in the same transaction.
for i in $(seq 1 20); do visit "E2E-OK-$i" "客户询价PCR-ABS-1000,月需求${i}0吨" >/dev/null; done
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE record_id LIKE 'VISIT-%' AND agent = 'A10'")" -ge 20 ]; echo $?) \
   "each ingested record got an A10 job in the same transaction"
wait_for "SELECT count(*) = 20 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id LIKE 'E2E-OK-%' AND j.status = 'succeeded'" 60
tap_ok $? "20 jobs succeeded against the fake endpoint"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'E2E-OK-%' AND analyzed_by LIKE 'model:fake/fake-model@A10v1'")" = 20 ]; echo $?) \
   "model answers refined the records (analyzed_by model:fake/fake-model@A10v1)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE status = 'succeeded' AND latency_ms IS NOT NULL AND prompt_tokens > 0 AND prompt_version = 1")" -ge 20 ]; echo $?) \
   "jobs record latency, tokens and prompt version"

# 2. A rolled-back ingest leaves no job.
q "BEGIN; SELECT commhub.ingest('visit', '{\"visit_id\":\"E2E-RB\",\"customer_id\":\"E2E-C1\",\"visit_date\":\"2024-06-15 10:00\",\"content\":\"x\"}'); ROLLBACK" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = 'E2E-RB'")" = 0 ] &&
     [ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE record_id LIKE 'VISIT-%' AND record_id NOT IN (SELECT record_id FROM commhub.customer_communications)")" = 0 ]; echo $?) \
   "a rolled-back ingest leaves no job"

# 3. Failures by class.
visit E2E-500 "[[mode:500]] 服务器错误测试" >/dev/null
visit E2E-400 "[[mode:400]] 请求错误测试" >/dev/null
visit E2E-SHAPE "[[mode:wrongshape]] 形状错误测试" >/dev/null
visit E2E-BAD "[[mode:malformed]] 非JSON测试" >/dev/null
visit E2E-HANG "[[mode:hang]] 超时测试" >/dev/null
visit E2E-FLAKY "[[mode:flaky]][[fail_first:2]][[job:e2e-flaky]] 重试后成功" >/dev/null
visit E2E-429 "[[mode:429]] 限流测试" >/dev/null
job_status() { q "SELECT j.status || '|' || j.attempts || '|' || coalesce(j.error_class, '') FROM commhub.agent_jobs j
                  JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = '$1' AND j.agent = 'A10'"; }
wait_for "SELECT bool_and(j.status IN ('succeeded', 'failed', 'dead')) FROM commhub.agent_jobs j
          JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id IN ('E2E-500', 'E2E-400', 'E2E-SHAPE', 'E2E-BAD', 'E2E-HANG', 'E2E-FLAKY', 'E2E-429')" 90
tap_ok $? "every failing job reached a final state"
s=$(job_status E2E-500); tap_ok $([ "$s" = "dead|3|server_error" ]; echo $?) "5xx is retried up to max_attempts, then dead ($s)"
s=$(job_status E2E-400); tap_ok $([ "$s" = "failed|1|client_error" ]; echo $?) "other 4xx is not retried ($s)"
s=$(job_status E2E-SHAPE); tap_ok $([ "$s" = "dead|3|bad_shape" ]; echo $?) "an answer breaking the A10 shape is a failure ($s)"
s=$(job_status E2E-BAD); tap_ok $([ "${s%%|*}" = dead ]; echo $?) "a malformed body is a failure ($s)"
s=$(job_status E2E-HANG); tap_ok $([ "$s" = "dead|3|timeout" ]; echo $?) "a hanging endpoint times out and is retried ($s)"
s=$(job_status E2E-FLAKY); tap_ok $([ "$s" = "succeeded|3|" ]; echo $?) "a flaky endpoint succeeds on the third attempt ($s)"
s=$(job_status E2E-429); tap_ok $([ "$s" = "dead|3|rate_limit" ]; echo $?) "429 is retried honouring Retry-After ($s)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE status = 'dead' AND last_error LIKE '%gave up after 3 attempts%'")" -ge 3 ]; echo $?) \
   "dead jobs say why and after how many attempts"
tap_ok $([ "$(q "SELECT analyzed_by FROM commhub.customer_communications WHERE source_record_id = 'E2E-500'")" = "builtin:A10" ]; echo $?) \
   "the built-in analysis stays when the model fails"

# 4. Urgent: NOTIFY after commit and the WeCom robot webhook.
out=$(psql_db commhub -At -c "LISTEN commhub_urgent" \
        -c "SELECT commhub.ingest('visit', jsonb_build_object('visit_id', 'E2E-URG', 'customer_id', 'E2E-C1', 'visit_date', '2024-06-15 11:00', 'content', '客户投诉产品严重质量问题,生产线停线,要求今天立即处理,非常紧急!'))->>'status'" \
        -c "SELECT 1" 2>&1)
echo "$out" | grep -q 'Asynchronous notification "commhub_urgent" with payload ".*urgency_reason' ; tap_ok $? "NOTIFY commhub_urgent carries record_id, customer_id and urgency_reason"
# any connected role can LISTEN: the payload carries ids and the reason, no content
echo "$out" | grep 'Asynchronous notification "commhub_urgent"' | grep -q '"summary"'; [ $? -ne 0 ]; tap_ok $? "the NOTIFY payload carries no summary (LISTEN needs no privilege)"
wait_for "SELECT count(*) >= 1 FROM commhub.agent_jobs WHERE agent = 'webhook' AND status = 'succeeded'" 30
tap_ok $? "the urgent record's webhook job was delivered"
curl -s "http://127.0.0.1:$PORT/webhook/robot" | grep -q '紧急沟通提醒'; tap_ok $? "the WeCom robot received a markdown message"
# delivery is at least once; the job id as Idempotency-Key lets a receiver drop a repeat
key=$(curl -s "http://127.0.0.1:$PORT/webhook/robot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0])')
tap_ok $([ "$key" = "commhub-job-$(q "SELECT min(job_id) FROM commhub.agent_jobs WHERE agent = 'webhook' AND endpoint = 'robot'")" ]; echo $?) \
   "the webhook POST carries Idempotency-Key: commhub-job-<job_id> ($key)"

# 5. The API key is never readable by commhub_reader.
q "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'e2e_reader') THEN CREATE ROLE e2e_reader; END IF; END \$\$;
   GRANT commhub_reader TO e2e_reader; SELECT commhub.grant_tenant('T001', 'e2e_reader')" >/dev/null
out=$(psql_db commhub -At -c "SET ROLE e2e_reader" -c "SELECT api_key FROM commhub.agent_endpoints" 2>&1)
echo "$out" | grep -q 'permission denied'; tap_ok $? "commhub_reader cannot select the api_key column"
leaks=$(q "SET ROLE e2e_reader; SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
           WHERE s.nspname = 'commhub' AND c.relkind IN ('r', 'v', 'm') AND has_table_privilege(c.oid, 'SELECT')
             AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                             AND NOT has_column_privilege(c.oid, a.attnum, 'SELECT'))" | tail -1)
found=0
for t in ${leaks//,/ }; do
    hit=$(q "SET ROLE e2e_reader; SELECT count(*) FROM commhub.$t x WHERE x::text LIKE '%$KEY%'" | tail -1)
    [ "$hit" != 0 ] && { found=1; echo "# key found in $t"; }
done
tap_ok $found "the key appears in no table or view readable by commhub_reader"
grep -q "$KEY" "$CLUSTER_DIR/server.log" 2>/dev/null; [ $? -ne 0 ]; tap_ok $? "the key appears nowhere in the server log"

# 6. kill -9 of a worker mid-batch loses no job and applies none twice.
for i in $(seq 1 30); do visit "E2E-KILL-$i" "[[latency:1500]] 批量测试 $i" >/dev/null; done
sleep 1
pid=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'commhub agent worker' LIMIT 1")
kill -9 "$pid" 2>/dev/null; tap_ok $? "killed worker $pid with SIGKILL mid-batch"
sleep 3
wait_for "SELECT count(*) = 30 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id LIKE 'E2E-KILL-%' AND j.status = 'succeeded'" 120
tap_ok $? "after the crash restart every job of the batch succeeded"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id LIKE 'E2E-KILL-%'")" = 30 ]; echo $?) \
   "exactly one job per record (none lost, none duplicated)"

# 7. Server restart resumes queued work.
q "SELECT commhub.use_endpoint('A10', 'fake')" >/dev/null
# The test cluster runs synchronous_commit = off; these commits must be durable.
export PGOPTIONS="-c synchronous_commit=on"
for i in $(seq 1 5); do visit "E2E-RESTART-$i" "[[latency:500]] 重启测试 $i" >/dev/null; done
unset PGOPTIONS
_as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1
_as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null 2>&1
wait_for "SELECT count(*) = 5 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id LIKE 'E2E-RESTART-%' AND j.status = 'succeeded'" 60
tap_ok $? "after an immediate shutdown and restart the queued jobs complete"

q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
tap_ok $([ -n "$(q "SELECT 1 FROM commhub.queue_status WHERE agent = 'A10' AND status = 'succeeded' AND p50_latency_ms IS NOT NULL")" ]; echo $?) \
   "queue_status shows depth by agent/endpoint/status with latency"

# 8. Per-endpoint max_inflight holds across both workers.
wait_for "SELECT count(*) = 0 FROM commhub.agent_jobs WHERE status IN ('queued', 'running')" 60
curl -s -X POST -d '{"reset": true}' "http://127.0.0.1:$PORT/control" >/dev/null
q "SELECT commhub.set_endpoint('fake_cap2', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY', '{\"timeout_ms\": 5000, \"max_inflight\": 2}')" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake_cap2')" >/dev/null
for i in $(seq 1 20); do visit "E2E-CAP-$i" "[[latency:300]] 并发上限测试 $i" >/dev/null; done
sleep 1
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_cap2' AND status = 'running'")" -le 2 ]; echo $?) \
   "no more than max_inflight (2) jobs of an endpoint run at once"
wait_for "SELECT count(*) = 20 FROM commhub.agent_jobs WHERE endpoint = 'fake_cap2' AND status = 'succeeded'" 60
tap_ok $? "all 20 jobs behind max_inflight 2 succeeded"
mi=$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_inflight"])')
tap_ok $([ "$mi" -ge 1 ] && [ "$mi" -le 2 ]; echo $?) "the endpoint never saw more than 2 requests in flight (max $mi)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_cap2' AND attempts <> 1")" = 0 ]; echo $?) \
   "jobs waiting for an in-flight slot cost no attempt"

# 9. requests_per_minute spaces the requests (120/min: one per 0.5 s, burst 2).
q "SELECT commhub.set_endpoint('fake_rpm', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY', '{\"timeout_ms\": 5000, \"requests_per_minute\": 120}')" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake_rpm')" >/dev/null
for i in $(seq 1 10); do visit "E2E-RPM-$i" "限速测试 $i" >/dev/null; done
sleep 1
held=$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm' AND status = 'queued' AND attempts = 0 AND next_attempt_at > now()")
tap_ok $([ "$held" -ge 1 ]; echo $?) "jobs over the rate stay queued with next_attempt_at at the next slot ($held held)"
wait_for "SELECT count(*) = 10 FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm' AND status = 'succeeded'" 60
tap_ok $? "all 10 rate-limited jobs succeeded"
first=$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm'
           AND started_at < (SELECT min(started_at) FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm') + interval '1 second'")
span=$(q "SELECT round(extract(epoch FROM max(started_at) - min(started_at))::numeric, 1) FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm'")
tap_ok $([ "$first" -le 4 ] && [ "$first" -ge 1 ]; echo $?) "not all 10 requests were sent in the first second ($first were)"
tap_ok $(python3 -c "import sys; sys.exit(0 if 3.5 <= $span <= 12 else 1)"; echo $?) "10 requests at 120/min spread over about 4 s (${span}s)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_rpm' AND attempts <> 1")" = 0 ]; echo $?) \
   "waiting for the rate costs no attempt"
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null

# 10. The workers prune finished jobs past commhub.job_retention.
old=$(q "SELECT min(job_id) FROM commhub.agent_jobs WHERE endpoint = 'fake_cap2' AND status = 'succeeded'")
q "UPDATE commhub.agent_jobs SET finished_at = now() - interval '3 days' WHERE job_id = $old" >/dev/null
psql_db commhub -q -c "ALTER SYSTEM SET commhub.job_retention = '1d'" -c "ALTER SYSTEM SET commhub.job_prune_interval = '1s'" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
wait_for "SELECT NOT EXISTS (SELECT 1 FROM commhub.agent_jobs WHERE job_id = $old)" 20
tap_ok $? "a worker deleted the succeeded job finished 3 days ago (retention 1d)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_cap2' AND status = 'succeeded'")" = 19 ]; echo $?) \
   "recent finished jobs are kept"
psql_db commhub -q -c "ALTER SYSTEM RESET commhub.job_retention" -c "ALTER SYSTEM RESET commhub.job_prune_interval" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null

# 11. Model enrichment of the customer agents (A11, A14, A15 routed).  A fresh
# customer: the records' summaries go into the prompt, and E2E-C1's carry
# [[mode:...]] markers.  Recent complaints give A14 an alert to enrich.
q "SELECT commhub.add_customer('E2E-C2', '苏州恒力塑胶有限公司', 'vip'); SELECT commhub.add_identity('E2E-C2', 'domain', 'e2e-hengli.cn')" >/dev/null
for i in 1 2 3; do
    q "SELECT commhub.ingest('email', jsonb_build_object('messageId', '<e2e-enr-$i@e2e-hengli.cn>',
        'date', to_char(now() - interval '$i hours', 'YYYY-MM-DD\"T\"HH24:MI:SSOF'),
        'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'buyer@e2e-hengli.cn', 'name', '赵经理'))),
        'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'wang.ming@topcentral.cn', 'name', '王明'))),
        'subject', '质量投诉 $i', 'text', '我们投诉PCR-ABS-1000批次质量问题,要求退货并赔偿,非常不满意'))->>'status'" >/dev/null
done
q "SELECT commhub.use_endpoint('A14', 'fake'); SELECT commhub.use_endpoint('A11', 'fake'); SELECT commhub.use_endpoint('A15', 'fake')" >/dev/null
q "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'e2e_writer') THEN CREATE ROLE e2e_writer; END IF; END \$\$;
   GRANT commhub_writer TO e2e_writer; SELECT commhub.grant_tenant('T001', 'e2e_writer')" >/dev/null
a14=$(q "SELECT jsonb_array_length(commhub.run_agent('A14', 'E2E-C2') -> 'risk_alerts')")
tap_ok $([ "${a14:-0}" -ge 1 ]; echo $?) "run_agent('A14') found risk alerts for the test customer ($a14)"
ins=$(psql_db commhub -At -c "SET ROLE e2e_writer" -c "SELECT commhub.run_agent('A11', 'E2E-C2') ->> 'insight_id'" 2>&1 | tail -1)
tap_ok $([ "${ins#INS-}" != "$ins" ]; echo $?) "a writer runs A11 with A11 routed ($ins)"
q "SELECT commhub.run_agent('A15', 'E2E-C2')" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE agent IN ('A11', 'A14', 'A15') AND customer_id = 'E2E-C2'
              AND payload ? 'insight_id' AND jsonb_typeof(payload -> 'records') = 'array' AND payload ? 'builtin'
              AND octet_length(payload::text) < 17000")" = 3 ]; echo $?) \
   "each routed built-in run enqueued one job with insight_id, builtin and bounded records"
wait_for "SELECT count(*) = 3 FROM commhub.agent_jobs WHERE agent IN ('A11', 'A14', 'A15') AND customer_id = 'E2E-C2' AND status = 'succeeded'" 60
tap_ok $? "the A11, A14 and A15 model jobs succeeded"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.communication_insights i ON i.insight_id = j.payload ->> 'insight_id'
              WHERE j.agent = 'A14' AND j.customer_id = 'E2E-C2' AND jsonb_typeof(i.insight_data #> '{model,risk_alerts}') = 'array'
                AND i.generated_by LIKE 'model:fake/fake-model@A14v1'")" = 1 ]; echo $?) \
   "the A14 insight's insight_data has the model answer under \"model\""
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.communication_insights i ON i.insight_id = j.payload ->> 'insight_id'
              WHERE j.agent = 'A11' AND (i.insight_data #>> '{model,relationship_health,score}') IS NOT NULL")" = 1 ]; echo $?) \
   "the A11 insight got the model's relationship_health"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.communication_insights i ON i.insight_id = j.payload ->> 'insight_id'
              WHERE j.agent = 'A15' AND jsonb_typeof(i.insight_data -> 'model') = 'string' AND i.insight_data ->> 'model' LIKE '#%'")" = 1 ]; echo $?) \
   "the A15 insight got the model's Markdown report"
q "SELECT commhub.use_endpoint('A12', NULL); SELECT commhub.run_agent('A12', 'E2E-C2')" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE agent = 'A12'")" = 0 ]; echo $?) "an unrouted agent enqueues nothing"
q "SELECT commhub.use_endpoint('A11', NULL); SELECT commhub.use_endpoint('A14', NULL); SELECT commhub.use_endpoint('A15', NULL)" >/dev/null

# 10. The endpoint goes down: ingest does not wait for it (the job is a row
# written with the record), jobs retry while it is down and all succeed,
# once each, when the server comes back on the same port.
batch() {  # batch PREFIX N -> ingest_batch of N visits, prints elapsed ms
    local t0 t1
    t0=$(date +%s%N)
    q "SELECT commhub.ingest_batch('visit', (SELECT jsonb_agg(jsonb_build_object('visit_id', '$1-' || i, 'customer_id', 'E2E-C1',
        'visit_date', '2024-06-16 09:00', 'location', '宁波', 'content', '停机测试 ' || i || ' 客户询价PCR-ABS-1000'))
        FROM generate_series(1, $2) i))" >/dev/null
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
q "SELECT commhub.set_endpoint('fake_down', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY',
          '{\"timeout_ms\": 2000, \"connect_timeout_ms\": 500, \"max_attempts\": 40, \"max_inflight\": 16}')" >/dev/null
ms_plain=$(batch E2E-NOROUTE 200)
kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake_down')" >/dev/null
ms_down=$(batch E2E-DOWN 200)
echo "# ingest_batch of 200 visits: ${ms_down} ms with the A10 endpoint down, ${ms_plain} ms with no model routing"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'E2E-DOWN-%'")" = 200 ]; echo $?) \
   "with the endpoint down, ingest stores every record"
wait_for "SELECT count(*) > 0 FROM commhub.agent_jobs WHERE endpoint = 'fake_down' AND attempts >= 2 AND status IN ('queued', 'running')" 30
tap_ok $? "jobs for the unreachable endpoint are retried, not lost ($(q "SELECT string_agg(DISTINCT error_class, ',') FROM commhub.agent_jobs WHERE endpoint = 'fake_down'"))"
python3 test/fake_llm/fake_llm.py "$PORT" >"$FAKE_LOG" 2>&1 &
FAKE_PID=$!
wait_for "SELECT count(*) = 200 FROM commhub.agent_jobs WHERE endpoint = 'fake_down' AND status = 'succeeded'" 90
tap_ok $? "after the endpoint comes back all 200 jobs succeed"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
                WHERE c.source_record_id LIKE 'E2E-DOWN-%' AND j.agent = 'A10'")" = 200 ] &&
         [ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'E2E-DOWN-%'
                AND analyzed_by LIKE 'model:fake_down/%'")" = 200 ]; echo $?) \
   "one job per record, each record refined by the model once the endpoint is back"
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null

# 8. A long-lived worker does not grow: 3,000 webhook jobs leave each
#    worker's TopMemoryContext where it was (it once kept ~80 bytes a job
#    there: a commit leaves TopMemoryContext current, not the loop's).
top_used() {  # pid -> bytes used in TopMemoryContext itself, from a fresh dump
    local before; before=$(wc -l < "$CLUSTER_DIR/server.log")
    q "SELECT pg_log_backend_memory_contexts($1)" >/dev/null
    for _ in $(seq 1 40); do
        v=$(tail -n +"$((before + 1))" "$CLUSTER_DIR/server.log" | grep "\[$1\] LOG:  level: 0; TopMemoryContext:" | tail -1 | sed -E 's/.* ([0-9]+) used$/\1/')
        [ -n "$v" ] && { echo "$v"; return; }
        sleep 0.25
    done
}
wpids=$(q "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")
before=0; for p in $wpids; do before=$((before + $(top_used "$p"))); done
q "INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, payload)
   SELECT 'T001', 'webhook', 'robot', '{\"msgtype\": \"text\", \"text\": {\"content\": \"mem\"}}' FROM generate_series(1, 3000)" >/dev/null
wait_for "SELECT count(*) = 0 FROM commhub.agent_jobs WHERE agent = 'webhook' AND status IN ('queued', 'running')" 120
after=0; for p in $wpids; do after=$((after + $(top_used "$p"))); done
echo "# agent workers' TopMemoryContext: $before bytes used before 3,000 webhook jobs, $after after"
tap_ok $([ -n "$wpids" ] && [ "$before" -gt 0 ] && [ $((after - before)) -lt 32768 ]; echo $?) \
   "3,000 jobs grow the workers' TopMemoryContext by under 32 kB (by $((after - before)) bytes)"

# 9. An answer the database refuses fails its job, not the worker; a
#    conflict (a deadlock with an ingest on the same record) retries the job.
q "SELECT commhub.use_endpoint('A10', 'fake')" >/dev/null
q "CREATE SEQUENCE IF NOT EXISTS public.e2e_conflict_seq;
   CREATE OR REPLACE FUNCTION public.e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
     IF NEW.analyzed_by LIKE 'model:%' AND NEW.source_record_id = 'E2E-REFUSE' THEN
       RAISE EXCEPTION 'refused (test)' USING ERRCODE = 'check_violation'; END IF;
     IF NEW.analyzed_by LIKE 'model:%' AND NEW.source_record_id = 'E2E-CONFLICT' AND nextval('public.e2e_conflict_seq') = 1 THEN
       RAISE EXCEPTION 'deadlock (test)' USING ERRCODE = 'deadlock_detected'; END IF;
     RETURN NEW; END \$\$;
   CREATE TRIGGER e2e_refuse BEFORE UPDATE ON commhub.customer_communications FOR EACH ROW EXECUTE FUNCTION public.e2e_refuse()" >/dev/null
wpids=$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")
visit "E2E-REFUSE" "客户询价PCR-ABS-1000,月需求30吨" >/dev/null
visit "E2E-CONFLICT" "客户询价PCR-ABS-1000,月需求40吨" >/dev/null
for i in $(seq 1 5); do visit "E2E-AFTER-$i" "客户询价PP-T20,月需求${i}0吨" >/dev/null; done
wait_for "SELECT count(*) = 7 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE (c.source_record_id IN ('E2E-REFUSE', 'E2E-CONFLICT') OR c.source_record_id LIKE 'E2E-AFTER-%')
            AND j.agent = 'A10' AND j.status IN ('succeeded', 'failed', 'dead')" 60
tap_ok $([ "$(q "SELECT j.status || ' ' || j.error_class || ' ' || (j.last_error LIKE '%refused (test)%') FROM commhub.agent_jobs j
                 JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = 'E2E-REFUSE' AND j.agent = 'A10'")" = "failed apply true" ]; echo $?) \
   "an answer the database refuses fails its job with the reason (error_class apply)"
tap_ok $([ "$(q "SELECT j.status || ' ' || (j.attempts >= 2) FROM commhub.agent_jobs j
                 JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = 'E2E-CONFLICT' AND j.agent = 'A10'")" = "succeeded true" ]; echo $?) \
   "a deadlock while applying an answer re-queues the job, which then succeeds"
tap_ok $([ "$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")" = "$wpids" ] &&
         [ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
                 WHERE c.source_record_id LIKE 'E2E-AFTER-%' AND j.status = 'succeeded'")" = 5 ]; echo $?) \
   "the workers lived through both (same pids) and the jobs after them succeeded"
q "DROP TRIGGER e2e_refuse ON commhub.customer_communications; DROP FUNCTION public.e2e_refuse(); DROP SEQUENCE public.e2e_conflict_seq" >/dev/null

# 10. A webhook disabled after its jobs were queued sends nothing more: the
#     jobs fail unsent with the reason.
q "SELECT commhub.set_webhook('robot2', 'http://127.0.0.1:$PORT/webhook/robot2?key=k2', true)" >/dev/null
q "BEGIN; INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, payload, next_attempt_at)
   SELECT 'T001', 'webhook', 'robot2', '{\"msgtype\": \"text\", \"text\": {\"content\": \"disabled\"}}', now() + interval '2 seconds'
     FROM generate_series(1, 3);
   SELECT commhub.set_webhook('robot2', 'http://127.0.0.1:$PORT/webhook/robot2?key=k2', false); COMMIT" >/dev/null
wait_for "SELECT count(*) = 3 FROM commhub.agent_jobs WHERE endpoint = 'robot2' AND status IN ('failed', 'dead', 'succeeded')" 30
tap_ok $([ "$(q "SELECT string_agg(DISTINCT status || ': ' || last_error, ',') FROM commhub.agent_jobs WHERE endpoint = 'robot2'")" = \
           'failed: client_error: webhook "robot2" is not configured or disabled' ] &&
         ! curl -s "http://127.0.0.1:$PORT/webhook/robot2" | grep -q 'disabled'; echo $?) \
   "jobs of a webhook disabled after they were queued fail unsent ($(q "SELECT string_agg(DISTINCT status || ': ' || last_error, ',') FROM commhub.agent_jobs WHERE endpoint = 'robot2'"))"
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
# 12. An option value the workers cannot read (stored before set_endpoint
#     checked values, or written to the table directly) must not stop them:
#     the claim that reached such a job failed to cast it, the worker exited
#     and restarted every 5 s, and no job of any endpoint ran.
q "SELECT commhub.set_endpoint('fake_opt', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY', '{\"timeout_ms\": 2000, \"max_attempts\": 3}')" >/dev/null
q "UPDATE commhub.agent_endpoints SET options = options || '{\"retry_bad_answers\": \"sometimes\"}' WHERE name = 'fake_opt'" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake_opt')" >/dev/null
wpids=$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")
visit "E2E-BADOPT" "客户询价PCR-ABS-1000,月需求60吨" >/dev/null
wait_for "SELECT count(*) = 1 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id = 'E2E-BADOPT' AND j.agent = 'A10' AND j.status = 'succeeded'" 30
tap_ok $? "a job of an endpoint with an unreadable retry_bad_answers still runs ($(job_status E2E-BADOPT))"
tap_ok $([ "$(q "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'")" = "$wpids" ]; echo $?) \
   "and the workers did not exit over it (same pids)"
q "UPDATE commhub.agent_endpoints SET options = options - 'retry_bad_answers' WHERE name = 'fake_opt'" >/dev/null
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null

# 13. An A15 answer is validated too (N3): a reply that is no Markdown report
#     (no heading) is a bad shape, retried, then dead; the insight keeps no
#     "model".  It used to be stored as the customer's report.
curl -s -X POST -d '{"mode": "nonjson"}' "http://127.0.0.1:$PORT/control" >/dev/null
q "SELECT commhub.use_endpoint('A15', 'fake')" >/dev/null
q "SELECT commhub.run_agent('A15', 'E2E-C2')" >/dev/null
a15=$(q "SELECT max(job_id) FROM commhub.agent_jobs WHERE agent = 'A15'")
wait_for "SELECT status IN ('succeeded', 'failed', 'dead') FROM commhub.agent_jobs WHERE job_id = $a15" 30
curl -s -X POST -d '{"mode": "ok"}' "http://127.0.0.1:$PORT/control" >/dev/null
s=$(q "SELECT status || '|' || attempts || '|' || coalesce(error_class, '') FROM commhub.agent_jobs WHERE job_id = $a15")
tap_ok $([ "$s" = "dead|3|bad_shape" ] &&
         [ "$(q "SELECT last_error LIKE '%no Markdown heading%' FROM commhub.agent_jobs WHERE job_id = $a15")" = t ]; echo $?) \
   "an A15 answer without a Markdown heading breaks the A15 shape ($s)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.communication_insights i ON i.insight_id = j.payload ->> 'insight_id'
                 WHERE j.job_id = $a15 AND NOT i.insight_data ? 'model'")" = 1 ]; echo $?) \
   "the insight of the failed A15 job got no model report"
q "SELECT commhub.use_endpoint('A15', NULL)" >/dev/null

# 14. A write that conflicts every time (a deadlock with the same record on
#     each attempt) is bounded by max_attempts like any other failure: it
#     ends dead.  It used to be re-queued for ever, a model call each time.
q "SELECT commhub.use_endpoint('A10', 'fake')" >/dev/null
q "CREATE OR REPLACE FUNCTION public.e2e_conflict() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
     IF NEW.analyzed_by LIKE 'model:%' AND NEW.source_record_id = 'E2E-CONFLICT-ALWAYS' THEN
       RAISE EXCEPTION 'deadlock (test)' USING ERRCODE = 'deadlock_detected'; END IF;
     RETURN NEW; END \$\$;
   CREATE TRIGGER e2e_conflict BEFORE UPDATE ON commhub.customer_communications FOR EACH ROW EXECUTE FUNCTION public.e2e_conflict()" >/dev/null
visit "E2E-CONFLICT-ALWAYS" "客户询价PCR-ABS-1000,月需求70吨" >/dev/null
wait_for "SELECT bool_and(j.status IN ('succeeded', 'failed', 'dead')) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id = 'E2E-CONFLICT-ALWAYS' AND j.agent = 'A10'" 40
s=$(job_status E2E-CONFLICT-ALWAYS)
tap_ok $([ "$s" = "dead|3|apply" ]; echo $?) "a write that conflicts on every attempt ends dead after max_attempts ($s)"
tap_ok $([ "$(q "SELECT j.last_error LIKE '%deadlock (test)%gave up after 3 attempts%' FROM commhub.agent_jobs j
                 JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = 'E2E-CONFLICT-ALWAYS'")" = t ]; echo $?) \
   "its last_error says why and after how many attempts"
q "DROP TRIGGER e2e_conflict ON commhub.customer_communications; DROP FUNCTION public.e2e_conflict()" >/dev/null

# 15. commhub.worker_max_inflight is a reloadable setting (PGC_SIGHUP): a
#     reload applies it to the running workers.  It used to be read once at
#     start: the workers kept their first engine size.
wait_for "SELECT count(*) = 0 FROM commhub.agent_jobs WHERE status IN ('queued', 'running')" 60
psql_db commhub -q -c "ALTER SYSTEM SET commhub.worker_max_inflight = 1" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
sleep 1
curl -s -X POST -d '{"reset": true}' "http://127.0.0.1:$PORT/control" >/dev/null
for i in $(seq 1 12); do visit "E2E-WMI-$i" "[[latency:400]] 单个worker并发测试 $i" >/dev/null; done
wait_for "SELECT count(*) = 12 FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id LIKE 'E2E-WMI-%' AND j.status = 'succeeded'" 60
tap_ok $? "all 12 jobs succeeded with commhub.worker_max_inflight = 1"
mi=$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_inflight"])')
tap_ok $([ "$mi" -ge 1 ] && [ "$mi" -le 2 ]; echo $?) "two workers of one request each never had more than 2 in flight (max $mi)"
psql_db commhub -q -c "ALTER SYSTEM RESET commhub.worker_max_inflight" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null

# 16. pg_terminate_backend (as a fast shutdown or restart does) of workers
#     with calls in flight: the jobs go back to the queue at once with their
#     attempt refunded and succeed after the restart.  They used to stay
#     'running' until their lease expired (timeout + 15 s, here 315 s) and
#     the cut call counted as an attempt.
q "SELECT commhub.set_endpoint('fake_term', 'http://127.0.0.1:$PORT/v1', 'fake-model', '$KEY', '{\"timeout_ms\": 300000, \"max_inflight\": 16}')" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'fake_term')" >/dev/null
for i in $(seq 1 6); do visit "E2E-TERM-$i" "[[latency:4000]] 停止测试 $i" >/dev/null; done
wait_for "SELECT count(*) = 6 FROM commhub.agent_jobs WHERE endpoint = 'fake_term' AND status = 'running'" 20
tap_ok $? "6 calls in flight"
q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'commhub agent worker'" >/dev/null
wait_for "SELECT count(*) = 6 FROM commhub.agent_jobs WHERE endpoint = 'fake_term' AND status = 'succeeded'" 90
tap_ok $? "after the workers were terminated all 6 jobs succeeded (not held until their lease expired)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'fake_term' AND status = 'succeeded' AND attempts = 1")" = 6 ]; echo $?) \
   "the cut calls cost no attempt ($(q "SELECT string_agg(attempts::text, ',') FROM commhub.agent_jobs WHERE endpoint = 'fake_term'"))"
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
# 17. A reasoning model served without a reasoning parser answers
#     "<think>...</think>" first, its thinking restating the JSON example:
#     the A10 answer after it is found, and an A15 report is stored without
#     the thinking (it used to be stored with it, the <think> text first).
q "SELECT commhub.use_endpoint('A10', 'fake')" >/dev/null
visit "E2E-THINK" "[[mode:think]] 客户询价PCR-ABS-1000,月需求80吨" >/dev/null
wait_for "SELECT bool_and(j.status IN ('succeeded', 'failed', 'dead')) FROM commhub.agent_jobs j JOIN commhub.customer_communications c USING (record_id)
          WHERE c.source_record_id = 'E2E-THINK' AND j.agent = 'A10'" 30
s=$(job_status E2E-THINK); tap_ok $([ "$s" = "succeeded|1|" ]; echo $?) "an A10 answer after a <think> block with braces is found ($s)"
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
curl -s -X POST -d '{"mode": "think"}' "http://127.0.0.1:$PORT/control" >/dev/null
q "SELECT commhub.use_endpoint('A15', 'fake')" >/dev/null
q "SELECT commhub.run_agent('A15', 'E2E-C2')" >/dev/null
a15=$(q "SELECT max(job_id) FROM commhub.agent_jobs WHERE agent = 'A15'")
wait_for "SELECT status IN ('succeeded', 'failed', 'dead') FROM commhub.agent_jobs WHERE job_id = $a15" 30
curl -s -X POST -d '{"mode": "ok"}' "http://127.0.0.1:$PORT/control" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM commhub.agent_jobs j JOIN commhub.communication_insights i ON i.insight_id = j.payload ->> 'insight_id'
                 WHERE j.job_id = $a15 AND j.status = 'succeeded' AND i.insight_data ->> 'model' LIKE '# %'
                   AND i.insight_data ->> 'model' NOT LIKE '%think>%'")" = 1 ]; echo $?) \
   "an A15 report after a <think> block is stored without the thinking ($(q "SELECT status || ': ' || left(coalesce(result #>> '{}', ''), 12) FROM commhub.agent_jobs WHERE job_id = $a15"))"
q "SELECT commhub.use_endpoint('A15', NULL)" >/dev/null
tap_done
