#!/usr/bin/env bash
# A big ingest_batch works in bounded memory: the backend's peak memory
# after a 12,000-payload batch is about what it was after a 1,000-payload
# one.  (Stop 11 found every chunk's working memory kept until the call
# ended, ~16 kB a payload: 1 GB of backend memory for 60,000 WeCom
# messages.)  Memory, not time: deterministic on a noisy machine.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "DROP TABLE IF EXISTS mem_payloads; CREATE TABLE mem_payloads AS
   SELECT n, jsonb_agg(jsonb_build_object('msgid', 'mem-$$-' || n || '-' || i, 'action', 'send', 'from', 'wm_mem_' || (i % 50),
          'tolist', jsonb_build_array('sales1'), 'roomid', '', 'msgtime', 1718400000000 + i::bigint * 60000,
          'msgtype', 'text', 'text', jsonb_build_object('content', '王经理,PCR-ABS-1000月需求' || (i % 90) || '吨,什么价?合同已盖章,请安排发货'))) AS p
     FROM (VALUES (1000), (12000)) v(n), generate_series(1, n) i GROUP BY n" >/dev/null
out=/tmp/commhub-mem.$$
# One session: peak virtual size (VmPeak: the shared memory is mapped whole from the start, so it grows only with private allocations) after each batch, read from /proc.
psql_db commhub -At > "$out" 2>&1 <<SQL
SELECT pg_backend_pid() \g $out.pid
SELECT (r->>'inserted')::int + (r->>'unmatched')::int FROM (SELECT commhub.ingest_batch('wechat', p) AS r FROM mem_payloads WHERE n = 1000) x;
\! sed -n 's/^VmPeak:[[:space:]]*\([0-9]*\) kB/small \1/p' /proc/\$(cat $out.pid)/status
SELECT (r->>'inserted')::int + (r->>'unmatched')::int FROM (SELECT commhub.ingest_batch('wechat', p) AS r FROM mem_payloads WHERE n = 12000) x;
\! sed -n 's/^VmPeak:[[:space:]]*\([0-9]*\) kB/big \1/p' /proc/\$(cat $out.pid)/status
SQL
small=$(sed -n 's/^small //p' "$out"); big=$(sed -n 's/^big //p' "$out")
echo "# peak backend memory: $small kB after 1,000 payloads, $big kB after 12,000"
tap_ok $(grep -qx 1000 "$out" && grep -qx 12000 "$out"; echo $?) "both batches stored every payload"
tap_ok $([ -n "$small" ] && [ -n "$big" ] && [ $((big - small)) -lt 65536 ]; echo $?) \
   "12x the payloads raise the backend's peak memory by under 64 MB (by $(( (${big:-0} - ${small:-0}) / 1024 )) MB)"
rm -f "$out" "$out.pid"

# Batches that fail half-way (an error no retry can help: disk full, raised
# here by a trigger) must not leave their chunk's values behind: 30 failed
# batches of 1,000 once grew a backend by 7 MB each.
q "CREATE OR REPLACE FUNCTION public.mem_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$
   BEGIN IF NEW.source_record_id LIKE 'memfail-%' THEN RAISE EXCEPTION 'disk full (test)' USING ERRCODE = 'disk_full'; END IF;
   RETURN NEW; END \$\$;
   CREATE TRIGGER mem_fail BEFORE INSERT ON commhub.customer_communications FOR EACH ROW EXECUTE FUNCTION public.mem_fail()" >/dev/null
{
    echo "SELECT pg_backend_pid() \\g $out.pid"
    echo "CREATE TEMP TABLE f AS SELECT (SELECT jsonb_agg(jsonb_set(e, '{msgid}', to_jsonb('memfail-' || (e->>'msgid')))) FROM jsonb_array_elements(p) e) AS p FROM mem_payloads WHERE n = 1000;"
    echo "SELECT commhub.ingest_batch('wechat', p) FROM f;"
    echo "\\! sed -n 's/^VmPeak:[[:space:]]*\\([0-9]*\\) kB/small \\1/p' /proc/\$(cat $out.pid)/status"
    for _ in $(seq 1 30); do echo "SELECT commhub.ingest_batch('wechat', p) FROM f;"; done
    echo "\\! sed -n 's/^VmPeak:[[:space:]]*\\([0-9]*\\) kB/big \\1/p' /proc/\$(cat $out.pid)/status"
} | "$PGBIN/psql" -X -d commhub -At > "$out" 2>&1
q "DROP TRIGGER mem_fail ON commhub.customer_communications; DROP FUNCTION public.mem_fail()" >/dev/null
small=$(sed -n 's/^small //p' "$out"); big=$(sed -n 's/^big //p' "$out"); fails=$(grep -c 'disk full (test)' "$out")
echo "# peak backend memory: $small kB after one failed batch, $big kB after 30 more"
tap_ok $([ "$fails" = 31 ]; echo $?) "every batch failed with the error ($fails of 31)"
tap_ok $([ -n "$small" ] && [ -n "$big" ] && [ $((big - small)) -lt 32768 ]; echo $?) \
   "30 failed batches raise the backend's peak memory by under 32 MB (by $(( (${big:-0} - ${small:-0}) / 1024 )) MB)"
rm -f "$out" "$out.pid"
q "DROP TABLE mem_payloads" >/dev/null
tap_done
