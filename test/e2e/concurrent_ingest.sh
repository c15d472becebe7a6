#!/usr/bin/env bash
# R3/I5: the same messages ingested concurrently from 8 sessions, each in a
# different order, become exactly one record each; exactly one session sees
# "inserted" per message, the others "duplicate".  ROUNDS rounds (4), each
# with messages of its own, all in one chat: before chats were locked
# (lock_chats in src/thread.c), sessions folding the chat's threads in
# different orders deadlocked (40P01) about once in 30 rounds.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "SELECT commhub.add_customer('CONC-C', '并发测试客户'); SELECT commhub.add_identity('CONC-C', 'wecom', 'wmConc')" >/dev/null
q "CREATE TABLE IF NOT EXISTS public.conc_results (session int, msgid text, status text)" >/dev/null
q "TRUNCATE public.conc_results" >/dev/null
ROUNDS=${ROUNDS:-4}
pids=()
for s in $(seq 1 8); do rm -f "/tmp/conc_$s.sql"; done
for s in $(seq 1 8); do
  for r in $(seq 1 "$ROUNDS"); do
    # one message per transaction, as a webhook receiver calls it; each
    # session in its own order
    for i in $(seq 1 50); do echo "$(( (i * s * 7919) % 50 + 1 ))"; done | awk '!seen[$0]++' |
    while read -r i; do
        echo "INSERT INTO public.conc_results SELECT $s, 'conc-$i', commhub.ingest('wechat', jsonb_build_object('msgid', 'conc-$i', 'action', 'send',
               'from', 'wmConc', 'tolist', jsonb_build_array('wangming'), 'roomid', '', 'msgtime', 1718415000000 + $i * 1200000,
               'msgtype', 'text', 'text', jsonb_build_object('content', '并发消息 $i')))->>'status';"
    done > "/tmp/conc_$s.$r.sql"
    for i in $(seq 1 50); do
        grep -q "'conc-$i'," "/tmp/conc_$s.$r.sql" || echo "INSERT INTO public.conc_results SELECT $s, 'conc-$i', commhub.ingest('wechat', jsonb_build_object('msgid', 'conc-$i', 'action', 'send', 'from', 'wmConc', 'tolist', jsonb_build_array('wangming'), 'roomid', '', 'msgtime', 1718415000000 + $i * 1200000, 'msgtype', 'text', 'text', jsonb_build_object('content', '并发消息 $i')))->>'status';" >> "/tmp/conc_$s.$r.sql"
    done
    # round r: its own messages (conc-<r>-<i>), two days after the last
    # round's; 20 minutes apart, so a late one often joins two threads
    sed -e "s/'conc-\([0-9]*\)'/'conc-$r-\1'/g" -e "s/1718415000000 + /1718415000000 + $((r * 172800000)) + /" "/tmp/conc_$s.$r.sql" >> "/tmp/conc_$s.sql"
    rm -f "/tmp/conc_$s.$r.sql"
  done
done
for s in $(seq 1 8); do
    psql_db commhub -q -f "/tmp/conc_$s.sql" >/dev/null 2>"/tmp/conc_$s.err" &
    pids+=($!)
done
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || grep -h ERROR /tmp/conc_*.err | sort | uniq -c | head -5 | sed 's/^/# /'
tap_ok $rc "8 concurrent sessions finished without error"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'conc-%'")" = $((50 * ROUNDS)) ]; echo $?) \
   "$((50 * ROUNDS)) messages x 8 sessions = $((50 * ROUNDS)) records"
tap_ok $([ "$(q "SELECT count(*) FROM public.conc_results WHERE status = 'inserted'")" = $((50 * ROUNDS)) ]; echo $?) \
   "exactly one session inserted each message"
tap_ok $([ "$(q "SELECT count(*) FROM public.conc_results WHERE status = 'duplicate'")" = $((350 * ROUNDS)) ]; echo $?) \
   "the other $((350 * ROUNDS)) ingests reported duplicate"
q "DROP TABLE public.conc_results" >/dev/null

# A second session's message in a chat waits for the first session's open
# transaction into that chat, then threads after it: the same thread, and
# the first message as its parent.  (Unlocked, the second did not see the
# first's uncommitted message and started a thread of its own, which the
# first's late-arrival fix-up had already run past.)
q "SELECT commhub.add_identity('CONC-C', 'wecom', 'wmLock')" >/dev/null
lk() {  # lk ID MINUTE: a message of the chat wmLock -> wangming
    echo "SELECT commhub.ingest('wechat', jsonb_build_object('msgid', '$1', 'action', 'send', 'from', 'wmLock',
          'tolist', jsonb_build_array('wangming'), 'roomid', '', 'msgtime', 1718500000000 + $2 * 60000,
          'msgtype', 'text', 'text', jsonb_build_object('content', '锁测试 $1 交期确认')))->>'status';"
}
rm -f /tmp/conc_lk.mark
{ echo "BEGIN;"; lk lk-1 0; echo "\\! touch /tmp/conc_lk.mark"; echo "SELECT pg_sleep(2);"; echo "COMMIT;"; } |
    psql_db commhub -q -At >/dev/null 2>/tmp/conc_lk.err &
lkpid=$!
for _ in $(seq 1 200); do [ -e /tmp/conc_lk.mark ] && break; sleep 0.1; done
s2=$(lk lk-2 5 | psql_db commhub -q -At 2>&1)
wait $lkpid
r=$(q "SELECT (b.parent_record_id = a.record_id)::text || '|' || (b.thread_id = a.thread_id)::text
         FROM commhub.customer_communications a, commhub.customer_communications b
        WHERE a.source_record_id = 'lk-1' AND b.source_record_id = 'lk-2'")
tap_ok $([ -e /tmp/conc_lk.mark ] && [ "$s2" = inserted ] && [ "$r" = "true|true" ]; echo $?) \
   "a message ingested while another session's message of the chat is uncommitted threads after it (parent, thread: $r; $s2)"
rm -f /tmp/conc_lk.mark /tmp/conc_lk.err

# The chat locks live in the shared lock table: one transaction takes at
# most 1,000 (an import of 1,500 chats stores all and holds 1,000 locks)
r=$(psql_db commhub -q -At <<'SQL' 2>&1
BEGIN;
SELECT (commhub.ingest_batch('wechat', (SELECT jsonb_agg(jsonb_build_object('msgid', 'lkcap-' || i, 'action', 'send',
         'from', 'wmConc', 'tolist', jsonb_build_array('lkcap' || i), 'roomid', '', 'msgtype', 'text',
         'msgtime', 1719000000000 + i::bigint * 1000, 'text', jsonb_build_object('content', '多会话导入 ' || i)))
  FROM generate_series(1, 1500) i)))->>'inserted';
SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND objsubid = 17224;
ROLLBACK;
SQL
)
tap_ok $([ "$(echo $r)" = "1500 1000" ]; echo $?) "an import of 1,500 chats in one transaction stores all and holds at most 1,000 chat locks ($(echo $r))"
tap_done
