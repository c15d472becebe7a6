#!/usr/bin/env bash
# The planner guard's second trap (src/plan_guard.c): statistics taken from
# a single row (ANALYZE of a new installation holding one test message)
# make every column look unique, so "tenant_id = $1" looks like one row and
# the natural-key index looks as good as the chat index for ingest's chat
# lookup -- which then read the tenant's whole natural-key index per record
# (20,000 messages: 287 s instead of a few seconds).  In its own database.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
DB=commhub_pg1
psql_db postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
psql_db $DB -q -c "CREATE EXTENSION commhub" >/dev/null
psql_db $DB -q -At >/dev/null <<'SQL'
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-' || i, '客户' || i) FROM generate_series(1, 200) i;
SELECT commhub.add_identity('C-' || i, 'wecom', 'wm_pg1_' || i) FROM generate_series(1, 200) i;
SELECT commhub.ingest('wechat', '{"msgid": "pg1-0", "action": "send", "from": "wm_pg1_1", "tolist": ["sales1"], "roomid": "",
                                  "msgtime": 1718409600000, "msgtype": "text", "text": {"content": "测试消息"}}');
VACUUM ANALYZE commhub.customer_communications;
-- no autovacuum between the two plans below: the first import's 3,000
-- rolled-back rows would let it vacuum and re-analyse the table, which
-- changes what the second plan sees
ALTER TABLE commhub.customer_communications SET (autovacuum_enabled = off);
SQL
plan() {  # plan on|off: the generic plan of ingest's chat lookup, in the middle of a 3,000-message import
    psql_db $DB -q -At <<SQL 2>&1
SET commhub.tenant = 'T001';
SET commhub.plan_guard = $1;
BEGIN;
SELECT count(*) FROM (SELECT commhub.ingest_batch('wechat', jsonb_agg(jsonb_build_object('msgid', 'pg1-' || i, 'action', 'send',
         'from', 'wm_pg1_' || (i % 200 + 1), 'tolist', jsonb_build_array('sales1'), 'roomid', '', 'msgtype', 'text',
         'msgtime', 1718409600000 + i::bigint * 60000, 'text', jsonb_build_object('content', '第' || i || '条消息'))))
  FROM generate_series(1, 3000) i) x \\g /dev/null
SET plan_cache_mode = force_generic_plan;
PREPARE q(text, text[], timestamptz[], text[], int) AS
SELECT u.ord, x.record_id FROM unnest(\$2, \$3, \$4) WITH ORDINALITY AS u(ck, t, rid, ord)
CROSS JOIN LATERAL (SELECT record_id FROM commhub.customer_communications
  WHERE tenant_id = \$1 AND chat_key = u.ck AND thread_id IS NOT NULL AND record_id <> u.rid
    AND communication_time <= u.t AND communication_time >= u.t - make_interval(mins => \$5)
  ORDER BY communication_time DESC LIMIT 1) x;
EXPLAIN (COSTS OFF) EXECUTE q('T001', ARRAY['k'], ARRAY[now()], ARRAY['r'], 30);
ROLLBACK;
SQL
}
on=$(plan on); off=$(plan off)
echo "$on" | grep -E 'Scan using' | sed 's/^ */# guard on:  /'
echo "$off" | grep -E 'Scan using' | sed 's/^ */# guard off: /'
tap_ok $(grep -q 'Index Cond: .*chat_key' <<<"$on"; echo $?) \
   "statistics of one row: the chat lookup is planned on the chat (an index condition on chat_key)"
tap_ok $(grep -q 'Index Cond: .*chat_key' <<<"$off"; [ $? -ne 0 ]; echo $?) \
   "without the guard the same plan has no index condition on chat_key (the trap is real)"
psql_db postgres -q -c "DROP DATABASE $DB" >/dev/null
tap_done
