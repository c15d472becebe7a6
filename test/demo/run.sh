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
psql_db commhub -q -v demo_dir="$PWD/test/demo" -f test/demo/demo.sql
