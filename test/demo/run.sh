#!/usr/bin/env bash
# The demo (README: "Run the demo"): installs what is missing, builds, starts a
# throwaway cluster with pg_cron + commhub preloaded, loads a realistic week
# of 宁波奥克斯空调有限公司's communications over every channel with the
# embedded analyzer (no LLM), and prints the panorama, the overview and the
# AI report.  The cluster is removed at the end (KEEP_CLUSTER=1 keeps it).
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
ensure_packages || exit 1
build_and_install || exit 1
start_cluster || exit 1
psql_db commhub -q -c "CREATE EXTENSION commhub" || exit 1
# COMMHUB_LLM_URL=https://api.deepseek.com/v1 COMMHUB_LLM_MODEL=deepseek-chat COMMHUB_LLM_KEY=sk-...
# routes A10 through that OpenAI-compatible endpoint (the built-in result is
# shown at once; the workers refine it when the model answers).
if [ -n "${COMMHUB_LLM_URL:-}" ]; then
    psql_db commhub -q -v url="$COMMHUB_LLM_URL" -v model="${COMMHUB_LLM_MODEL:-deepseek-chat}" -v key="${COMMHUB_LLM_KEY:-}" <<'SQL' || exit 1
SELECT commhub.set_endpoint('demo_llm', :'url', :'model', nullif(:'key', ''));
SELECT commhub.use_endpoint('A10', 'demo_llm');
SQL
fi
psql_db commhub -q -v demo_dir="$PWD/test/demo" -f test/demo/demo.sql
if [ -n "${COMMHUB_LLM_URL:-}" ]; then
    sleep "${COMMHUB_LLM_WAIT:-20}"
    psql_db commhub -c "SELECT agent, status, count(*), round(avg(latency_ms)) AS avg_ms, max(last_error) AS last_error
                          FROM commhub.agent_jobs GROUP BY 1, 2 ORDER BY 1, 2"
    psql_db commhub -c "SELECT to_char(communication_time AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS t, analyzed_by,
                               intent_category, sentiment, urgency_level FROM commhub.customer_communications ORDER BY 1"
fi
