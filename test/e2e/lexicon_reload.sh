#!/usr/bin/env bash
# The analyzer's product catalogue is cached per backend and reloaded after
# a change.  A reload that fails (here: a lock timeout while another session
# holds the catalogue locked) must leave the cache stale, so the next call
# loads the new catalogue -- it once kept the old one for good.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "DELETE FROM commhub.products WHERE canonical = '蓝鲸牌冷柜'" >/dev/null
fifo=$(mktemp -u); mkfifo "$fifo"
# session A: one connection for the whole story, fed step by step (it goes
# on after the expected error: no ON_ERROR_STOP)
"$PGBIN/psql" -X -d commhub -At < "$fifo" > /tmp/commhub-lex.$$ 2>&1 &
a=$!
exec 3>"$fifo"
echo "SELECT 'before', commhub.analyze_text('我们想买蓝鲸牌冷柜 十台')->'key_info'->'products';" >&3
sleep 1
# session B: add the product, then hold the table locked for 3 s
q "INSERT INTO commhub.products (tenant_id, canonical, category) VALUES ('T001', '蓝鲸牌冷柜', '冷柜')" >/dev/null
psql_db commhub -At -c "BEGIN" -c "LOCK TABLE commhub.products IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null 2>&1 &
b=$!
sleep 1
echo "SET lock_timeout = '200ms';" >&3
echo "SELECT 'locked', commhub.analyze_text('我们想买蓝鲸牌冷柜 十台')->'key_info'->'products';" >&3
wait $b
echo "SELECT 'after', commhub.analyze_text('我们想买蓝鲸牌冷柜 十台')->'key_info'->'products';" >&3
exec 3>&-
wait $a
out=$(cat /tmp/commhub-lex.$$); rm -f /tmp/commhub-lex.$$ "$fifo"
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q 'lock timeout'; tap_ok $? "the reload during the lock fails with a lock timeout"
echo "$out" | grep -q '^after|\["蓝鲸牌冷柜"\]'; tap_ok $? "the next call in the same session loads the new catalogue"
q "DELETE FROM commhub.products WHERE canonical = '蓝鲸牌冷柜'" >/dev/null
tap_done
