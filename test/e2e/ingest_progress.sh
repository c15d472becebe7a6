#!/usr/bin/env bash
# O2: a long ingest_batch shows where it is in commhub.ingest_progress while
# it runs (items done of total rising, rate, ETA), seen from another
# session; the row is gone when the batch returns, and also when a batch
# fails; a reader of another tenant does not see it.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "DROP TABLE IF EXISTS progress_payloads; CREATE TABLE progress_payloads AS
   SELECT jsonb_agg(jsonb_build_object('msgid', 'prog-' || i, 'action', 'send', 'from', 'wm_prog_' || (i % 50),
          'tolist', jsonb_build_array('sales1'), 'roomid', '', 'msgtime', 1718400000000 + i::bigint * 60000,
          'msgtype', 'text', 'text', jsonb_build_object('content', '王经理,PCR-ABS-1000月需求' || (i % 90) || '吨,什么价?'))) AS p
     FROM generate_series(1, 12000) i" >/dev/null
psql_db commhub -At -c "SELECT commhub.ingest_batch('wechat', p) FROM progress_payloads" > /tmp/commhub-progress.$$ 2>&1 &
bg=$!
seen=""; samples=0
for _ in $(seq 1 400); do
    row=$(q "SELECT items_done || '/' || items_total || ' ' || coalesce(items_per_second::text, '-') || ' ' || (eta IS NOT NULL)
               FROM commhub.ingest_progress WHERE operation = 'ingest_batch' AND detail = 'wechat'")
    if echo "$row" | grep -Eq '^[0-9]+/[0-9]+ '; then seen="$seen ${row%% *}"; samples=$((samples + 1)); fi
    kill -0 $bg 2>/dev/null || break
    sleep 0.05
done
wait $bg
echo "# samples:$(echo "$seen" | tr ' ' '\n' | grep / | head -8 | tr '\n' ' ')"
tap_ok $([ "$samples" -ge 2 ]; echo $?) "the running batch shows in commhub.ingest_progress ($samples samples)"
first=$(echo "$seen" | tr ' ' '\n' | grep / | head -1 | cut -d/ -f1)
last=$(echo "$seen" | tr ' ' '\n' | grep / | tail -1 | cut -d/ -f1)
tap_ok $([ -n "$first" ] && [ "$last" -gt "$first" ] && echo "$seen" | grep -q '/12000'; echo $?) "items done rise ($first -> $last of 12000)"
tap_ok $(grep -q '"errors": 0' /tmp/commhub-progress.$$ && grep -q '"total": 12000' /tmp/commhub-progress.$$; echo $?) "the batch took its 12000 payloads without errors"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.ingest_progress")" = 0 ]; echo $?) "no row left once it returned"
# a batch cancelled half-way: its transaction aborts, its row goes
psql_db commhub -At -c "SELECT commhub.ingest_batch('wechat', (SELECT jsonb_agg(jsonb_set(e, '{msgid}', to_jsonb('prog3-' || (e->>'msgid')))) FROM progress_payloads, jsonb_array_elements(p) e))" >/dev/null 2>&1 &
bg=$!
cancelled=1
for _ in $(seq 1 200); do
    pid=$(q "SELECT pid FROM commhub.ingest_progress WHERE items_done > 0 LIMIT 1")
    if echo "$pid" | grep -Eq '^[0-9]+$'; then q "SELECT pg_cancel_backend($pid)" >/dev/null; cancelled=0; break; fi
    sleep 0.05
done
wait $bg
tap_ok $([ $cancelled = 0 ] && [ "$(q "SELECT count(*) FROM commhub.ingest_progress")" = 0 ] && \
         [ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE source_record_id LIKE 'prog3-%'")" = 0 ]; echo $?) \
   "a batch cancelled half-way leaves no progress row (and no records)"
# a batch that fails inside a savepoint (here a PL/pgSQL exception block)
# is over, though its transaction goes on: its row goes at once
q "CREATE OR REPLACE FUNCTION public.prog_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$
   BEGIN IF NEW.source_record_id LIKE 'progfail-%' THEN RAISE EXCEPTION 'disk full (test)' USING ERRCODE = 'disk_full'; END IF;
   RETURN NEW; END \$\$;
   CREATE TRIGGER prog_fail BEFORE INSERT ON commhub.customer_communications FOR EACH ROW EXECUTE FUNCTION public.prog_fail()" >/dev/null
left=$(q "DO \$\$ DECLARE n int; BEGIN
            BEGIN
              PERFORM commhub.ingest_batch('wechat', (SELECT jsonb_agg(jsonb_set(e, '{msgid}', to_jsonb('progfail-' || (e->>'msgid')))) FROM progress_payloads, jsonb_array_elements(p) e));
            EXCEPTION WHEN disk_full THEN NULL;
            END;
            SELECT count(*) INTO n FROM commhub.ingest_progress WHERE pid = pg_backend_pid();
            RAISE NOTICE 'left=%', n;
          END \$\$" 2>&1 | sed -n 's/.*left=\([0-9]*\).*/\1/p')
q "DROP TRIGGER prog_fail ON commhub.customer_communications; DROP FUNCTION public.prog_fail()" >/dev/null
tap_ok $([ "$left" = 0 ]; echo $?) "a batch failed inside a savepoint leaves no progress row while its transaction goes on (left: ${left:-?})"
q "DROP ROLE IF EXISTS prog_reader; CREATE ROLE prog_reader; GRANT commhub_reader TO prog_reader" >/dev/null
q "SELECT commhub.grant_tenant('T077', 'prog_reader')" >/dev/null
psql_db commhub -At -c "SELECT commhub.ingest_batch('wechat', (SELECT jsonb_agg(jsonb_set(e, '{msgid}', to_jsonb('prog2-' || (e->>'msgid')))) FROM progress_payloads, jsonb_array_elements(p) e))" >/dev/null 2>&1 &
bg=$!
other=0; own=0
for _ in $(seq 1 200); do
    n=$(q "SET ROLE prog_reader; SET commhub.tenant = 'T077'; SELECT count(*) FROM commhub.ingest_progress" | tail -1)
    a=$(q "SELECT count(*) FROM commhub.ingest_progress")
    [ "$n" != 0 ] && other=1
    echo "$a" | grep -Eq '^[1-9]' && own=$((own + 1))
    kill -0 $bg 2>/dev/null || break
    sleep 0.05
done
wait $bg
tap_ok $([ $other = 0 ] && [ $own -ge 1 ]; echo $?) "a reader of another tenant does not see T001's batch (the superuser saw it $own times)"
rm -f /tmp/commhub-progress.$$
q "DROP TABLE progress_payloads" >/dev/null
tap_done
