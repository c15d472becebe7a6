#!/usr/bin/env bash
# R3/I5: concurrent ingest_batch calls that share records, each in an order
# of its own, over many rounds: no deadlock (SQLSTATE 40P01), no error, and
# exactly one record per natural key.
# SESSIONS sessions; each round every session sends
#   - a WeCom batch of this round's new messages, most of them shared,
#     shuffled its own way (contention on the insert),
#   - a visit batch re-sending the same visits with this round's
#     content, shuffled (contention on the merge: one session updates
#     each visit, the others find it a duplicate under the row lock);
# These used to fail with 40P01: the records that were there already were
# locked in the payloads' order, and so was the one-by-one retry of a chunk
# that failed.  (Batches of more than one chunk, 500 payloads, that hold the
# same messages in different chunks can still deadlock: see
# cmp_item_record_id in src/ingest.c.)
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
SESSIONS=${SESSIONS:-4}
ROUNDS=${ROUNDS:-25}
KEYS=${KEYS:-40}
TMP=$(mktemp -d)
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "SELECT commhub.add_customer('DL-C', '并发批次客户'); SELECT commhub.add_identity('DL-C', 'wecom', 'wmDl')" >/dev/null

wecom_msg="jsonb_build_object('msgid', 'dl-w-' || k, 'action', 'send', 'from', 'wmDl', 'tolist', jsonb_build_array('wangming'),
            'roomid', 'dl-room-' || (k % 7), 'msgtime', 1718415000000 + k * 1000, 'msgtype', 'text',
            'text', jsonb_build_object('content', '并发批次消息 ' || k))"
run_sessions() {  # run_sessions N: runs $TMP/s1.sql .. sN.sql at once; errors in $TMP/s*.err
    local pids=() s
    for s in $(seq 1 "$1"); do
        psql_db commhub -q -At -v ON_ERROR_STOP=0 -f "$TMP/s$s.sql" >"$TMP/s$s.out" 2>"$TMP/s$s.err" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
}
errors_report() {  # errors_report LABEL
    local deadlocks errors
    deadlocks=$(cat "$TMP"/s*.err | grep -c '40P01')
    errors=$(cat "$TMP"/s*.err | grep -c 'ERROR')
    tap_ok $([ "$deadlocks" = 0 ]; echo $?) "$1: no deadlock (40P01: $deadlocks)"
    [ "$errors" = 0 ] || grep -h 'ERROR' "$TMP"/s*.err | sed 's/^[^E]*ERROR/ERROR/' | sort | uniq -c | head -5 | sed 's/^/# /'
    tap_ok $([ "$errors" = 0 ]; echo $?) "$1: no error at all ($errors)"
}

for s in $(seq 1 "$SESSIONS"); do
    {
        echo "\\set VERBOSITY verbose"
        for r in $(seq 1 "$ROUNDS"); do
            # each session leaves out a few of the round's messages: overlapping, not equal sets
            echo "SELECT commhub.ingest_batch('wechat', (SELECT jsonb_agg($wecom_msg ORDER BY md5('$s/$r/' || k))
                    FROM generate_series($((r * 10000)), $((r * 10000 + KEYS - 1))) k
                    WHERE k % $SESSIONS <> $((s % SESSIONS)) OR k % 3 = 0))->>'total';"
            echo "SELECT commhub.ingest_batch('visit', (SELECT jsonb_agg(jsonb_build_object('visit_id', 'dl-v-' || k, 'customer_id', 'DL-C',
                    'visit_date', '2024-06-16 09:00', 'location', '宁波', 'content', '第${r}轮拜访记录 ' || k) ORDER BY md5('$s/$r/' || k))
                    FROM generate_series(1, $KEYS) k))->>'total';"
        done
    } > "$TMP/s$s.sql"
done
run_sessions "$SESSIONS"
errors_report "$SESSIONS sessions x $ROUNDS rounds of shuffled overlapping batches"
s=$(q "SELECT count(*) || '|' || count(DISTINCT source_record_id) FROM commhub.customer_communications WHERE source_record_id LIKE 'dl-w-%'")
tap_ok $([ "$s" = "$((ROUNDS * KEYS))|$((ROUNDS * KEYS))" ]; echo $?) "one record per WeCom message ($s, expected $((ROUNDS * KEYS)))"
s=$(q "SELECT count(*) || '|' || count(DISTINCT source_record_id) || '|' || count(*) FILTER (WHERE content LIKE '第${ROUNDS}轮%')
       FROM commhub.customer_communications WHERE source_record_id LIKE 'dl-v-%'")
tap_ok $([ "$s" = "$KEYS|$KEYS|$KEYS" ]; echo $?) "one record per visit, each with the last round's content ($s)"

tap_ok $([ "$(q "SELECT count(*) FROM commhub.ingest_errors WHERE payload::text LIKE '%dl-%'")" = 0 ]; echo $?) \
   "no item filed as an ingest error"
rm -rf "$TMP"
tap_done
