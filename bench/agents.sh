#!/usr/bin/env bash
# bench/agents.sh: N A10 jobs (default 1000, or SIZE/100 capped at 1000 for
# smoke sizes) against the fake OpenAI-compatible server at 100 ms latency;
# wall time from commit to the last job's success vs the ideal
# jobs x latency / (workers x worker_max_inflight), same run.
# Runs inside bench/run.sh (cluster with 2 workers x 16 in flight).
set -u
cd "$(dirname "$0")/.."
. test/lib/common.sh
JOBS=${JOBS:-$(( SIZE >= 100000 ? 1000 : (SIZE / 100 > 20 ? SIZE / 100 : 20) ))}
LAT=100
log=$(mktemp)
python3 test/fake_llm/fake_llm.py 0 >"$log" 2>&1 &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
for _ in $(seq 1 40); do port=$(head -1 "$log"); [ -n "$port" ] && break; sleep 0.25; done
curl -s -X POST "http://127.0.0.1:$port/control" -d "{\"latency_ms\": $LAT}" >/dev/null
q() { psql_db commhub -At -c "$1"; }
workers=$(q "SHOW commhub.workers"); inflight=$(q "SHOW commhub.worker_max_inflight")
q "SELECT commhub.add_customer('AB-C', '基准客户')" >/dev/null
q "SELECT commhub.set_endpoint('bench', 'http://127.0.0.1:$port/v1', 'fake', 'sk-bench', '{\"timeout_ms\": 10000, \"max_inflight\": 64}')" >/dev/null
q "SELECT commhub.use_endpoint('A10', 'bench')" >/dev/null
t0=$(date +%s.%N)
q "SELECT commhub.ingest_batch('visit', (SELECT jsonb_agg(jsonb_build_object('visit_id', 'AB-' || i, 'customer_id', 'AB-C',
      'visit_date', to_char(timestamp '2024-06-15 09:00' + i * interval '1 hour', 'YYYY-MM-DD HH24:MI'), 'location', '宁波',
      'content', '客户询价PCR-ABS-1000,月需求' || i || '吨')) FROM generate_series(1, $JOBS) i))" >/dev/null
while [ "$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'bench' AND status IN ('succeeded', 'failed', 'dead')")" -lt "$JOBS" ]; do sleep 0.05; done
t1=$(date +%s.%N)
ok=$(q "SELECT count(*) FROM commhub.agent_jobs WHERE endpoint = 'bench' AND status = 'succeeded'")
span=$(q "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM commhub.agent_jobs WHERE endpoint = 'bench'")
srvlat=$(q "SELECT round(avg(latency_ms)) FROM commhub.agent_jobs WHERE endpoint = 'bench'")
q "SELECT commhub.use_endpoint('A10', NULL)" >/dev/null
python3 - "$t0" "$t1" "$JOBS" "$LAT" "$workers" "$inflight" "$ok" "$span" "$srvlat" <<'PY'
import sys
t0, t1, jobs, lat, w, inf, ok, span, srv = (float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
    int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9]))
ideal = jobs * lat / 1000.0 / (w * inf)
ideal_srv = jobs * srv / 1000.0 / (w * inf)
print(f"agents: {jobs} A10 jobs, fake server latency {lat} ms (measured per request {srv:.0f} ms), {w} workers x {inf} in flight, {ok}/{jobs} succeeded")
print(f"  queue span (first claim -> last result) {span:.2f} s vs ideal {ideal:.2f} s: ratio {span / ideal:.2f} (target <= 1.25); "
      f"vs ideal at measured latency {ideal_srv:.2f} s: ratio {span / ideal_srv:.2f}")
print(f"  wall from ingest start (includes ingesting the {jobs} records) {t1 - t0:.2f} s")
PY
