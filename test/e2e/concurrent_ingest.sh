#!/usr/bin/env bash
# R3/I5: the same messages ingested concurrently from 8 sessions, each in a
# different order, become exactly one record each; exactly one session sees
# "inserted" per message, the others "duplicate".
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "SELECT commhub.add_customer('CONC-C', '并发测试客户'); SELECT commhub.add_identity('CONC-C', 'wecom', 'wmConc')" >/dev/null
q "CREATE TABLE IF NOT EXISTS public.conc_results (session int, msgid text, status text)" >/dev/null
q "TRUNCATE public.conc_results" >/dev/null
pids=()
for s in $(seq 1 8); do
    # one message per transaction, as a webhook receiver calls it; each
    # session in its own order
    for i in $(seq 1 50); do echo "$(( (i * s * 7919) % 50 + 1 ))"; done | awk '!seen[$0]++' |
    while read -r i; do
        echo "INSERT INTO public.conc_results SELECT $s, 'conc-$i', commhub.ingest('wechat', jsonb_build_object('msgid', 'conc-$i', 'action', 'send',
               'from', 'wmConc', 'tolist', jsonb_build_array('wangming'), 'roomid', '', 'msgtime', 1718415000000 + $i * 1000,
               'msgtype', 'text', 'text', jsonb_build_object('content', '并发消息 $i')))->>'status';"
    done > "/tmp/conc_$s.sql"
    for i in $(seq 1 50); do
        grep -q "'conc-$i'," "/tmp/conc_$s.sql" || echo "INSERT INTO public.conc_results SELECT $s, 'conc-$i', commhub.ingest('wechat', jsonb_build_object('msgid', 'conc-$i', 'action', 'send', 'from', 'wmConc', 'tolist', jsonb_build_array('wangming'), 'roomid', '', 'msgtime', 1718415000000 + $i * 1000, 'msgtype', 'text', 'text', jsonb_build_object('content', '并发消息 $i')))->>'status';" >> "/tmp/conc_$s.sql"
    done
done
for s in $(seq 1 8); do
    psql_db commhub -q -f "/tmp/conc_$s.sql" >/dev/null 2>"/tmp/conc_$s.err" &
    pids+=($!)
done
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
tap_ok $rc "8 concurrent sessions finished without error"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'conc-%'")" = 50 ]; echo $?) \
   "50 messages x 8 sessions = 50 records"
tap_ok $([ "$(q "SELECT count(*) FROM public.conc_results WHERE status = 'inserted'")" = 50 ]; echo $?) \
   "exactly one session inserted each message"
tap_ok $([ "$(q "SELECT count(*) FROM public.conc_results WHERE status = 'duplicate'")" = 350 ]; echo $?) \
   "the other 350 ingests reported duplicate"
q "DROP TABLE public.conc_results" >/dev/null
tap_done
