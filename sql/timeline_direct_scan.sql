-- timeline() reads a page straight from idx_comm_timeline when that is
-- certain to give what its query gives: the caller may SELECT the table and
-- row security is commhub's tenant policy alone.  Otherwise (a DBA's extra
-- policy, column-only grants) it runs the query, and the planner applies
-- everything.  Both must return the same rows, in the same order.
SET commhub.tenant = 'T001';
SET client_min_messages = warning;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tl_direct_reader') THEN CREATE ROLE tl_direct_reader; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tl_direct_columns') THEN CREATE ROLE tl_direct_columns; END IF;
END $$;
GRANT commhub_reader TO tl_direct_reader;
SELECT commhub.grant_tenant('T001', 'tl_direct_reader');
SELECT commhub.grant_tenant('T001', 'tl_direct_columns');
GRANT USAGE ON SCHEMA commhub TO tl_direct_columns;
GRANT EXECUTE ON FUNCTION commhub.timeline(text, timestamptz, timestamptz, text[], text[], integer, text, text[], text[], text),
                          commhub.current_tenant() TO tl_direct_columns;
RESET client_min_messages;

-- 300 rows for customer C-TD: runs of equal times (the cursor's id breaks
-- ties), a folded near-duplicate, the same customer id in another tenant,
-- and rows at -infinity / infinity (no cursor can name them: left out)
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, subject, summary, intent_category, sentiment, urgency_level,
       source_system, source_record_id, thread_id, attachment_count, canonical_record_id)
SELECT 'TD-' || i, 'T001', 'C-TD', (ARRAY['phone','wechat','email','visit'])[i % 4 + 1], 'c',
       timestamptz '2024-06-15 09:00+08' - ((i / 3) * interval '1 hour'), 'inbound', '主题 ' || i, '摘要 ' || i,
       (ARRAY['inquiry','order','complaint', NULL])[i % 4 + 1], (ARRAY['positive','neutral','negative'])[i % 3 + 1],
       (ARRAY['high','medium','low', NULL])[i % 5 % 4 + 1], 'td', i::text, 'TH-' || (i % 7), i % 3,
       CASE WHEN i = 10 THEN 'TD-11' END
  FROM generate_series(1, 300) i;
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, communication_time, source_system, source_record_id)
VALUES ('TD-OTHER', 'T002', 'C-TD', 'phone', '2024-06-15 10:00+08', 'td', 'other'),
       ('TD-NINF', 'T001', 'C-TD', 'phone', '-infinity', 'td', 'ninf'),
       ('TD-PINF', 'T001', 'C-TD', 'phone', 'infinity', 'td', 'pinf');

-- every page of every filter combination, walked with the cursor in pages
-- of 7, as one text per combination
CREATE FUNCTION pg_temp.walk(k int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    since timestamptz := CASE WHEN k & 1 > 0 THEN timestamptz '2024-06-10 00:00+08' END;
    until timestamptz := CASE WHEN k & 2 > 0 THEN timestamptz '2024-06-14 00:00+08' END;
    channels text[] := CASE WHEN k & 4 > 0 THEN ARRAY['phone','email'] END;
    intents text[] := CASE WHEN k & 8 > 0 THEN ARRAY['inquiry','complaint'] END;
    sentiments text[] := CASE WHEN k & 16 > 0 THEN ARRAY['neutral', NULL] END;
    urgencies text[] := CASE WHEN k & 32 > 0 THEN ARRAY['high','low'] END;
    thread text := CASE WHEN k & 64 > 0 THEN 'TH-3' END;
    after text;
    acc text := '';
    r record;
    n int;
BEGIN
    LOOP
        n := 0;
        FOR r IN SELECT * FROM commhub.timeline('C-TD', since, until, channels, intents, 7, after, sentiments, urgencies, thread) LOOP
            acc := acc || r::text || E'\n';
            after := r."cursor";
            n := n + 1;
        END LOOP;
        EXIT WHEN n < 7;
    END LOOP;
    RETURN acc;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.walk(int) TO PUBLIC;
-- the superuser (no row security) and a tenant reader (commhub's policy)
CREATE TEMP TABLE walks AS SELECT k, pg_temp.walk(k) AS as_superuser FROM generate_series(0, 127) k;
GRANT SELECT, UPDATE ON walks TO PUBLIC;
ALTER TABLE walks ADD COLUMN as_reader text, ADD COLUMN as_query text, ADD COLUMN rows_want int;
SET ROLE tl_direct_reader;
UPDATE walks SET as_reader = pg_temp.walk(k);
-- (no message: the index is read directly)
SET client_min_messages = debug2;
SELECT count(*) AS one_page FROM commhub.timeline('C-TD');
RESET client_min_messages;
RESET ROLE;
-- an extra policy that hides nothing still sends every page to the query
CREATE POLICY tl_direct_extra ON commhub.customer_communications AS RESTRICTIVE FOR SELECT USING (true);
SET ROLE tl_direct_reader;
SET client_min_messages = debug2;
SELECT count(*) AS one_page FROM commhub.timeline('C-TD');
RESET client_min_messages;
UPDATE walks SET as_query = pg_temp.walk(k);
RESET ROLE;
DROP POLICY tl_direct_extra ON commhub.customer_communications;
UPDATE walks w SET rows_want = (
  SELECT count(*) FROM commhub.customer_communications r
   WHERE r.tenant_id = 'T001' AND r.customer_id = 'C-TD' AND r.canonical_record_id IS NULL AND isfinite(r.communication_time)
     AND (w.k & 1 = 0 OR r.communication_time >= '2024-06-10 00:00+08') AND (w.k & 2 = 0 OR r.communication_time < '2024-06-14 00:00+08')
     AND (w.k & 4 = 0 OR r.communication_type IN ('phone', 'email')) AND (w.k & 8 = 0 OR r.intent_category IN ('inquiry', 'complaint'))
     AND (w.k & 16 = 0 OR r.sentiment = 'neutral') AND (w.k & 32 = 0 OR r.urgency_level IN ('high', 'low'))
     AND (w.k & 64 = 0 OR r.thread_id = 'TH-3'));
SELECT count(*) AS combinations,
       count(*) FILTER (WHERE as_reader = as_superuser AND as_query = as_superuser) AS same_pages,
       count(*) FILTER (WHERE coalesce(array_length(string_to_array(rtrim(as_superuser, E'\n'), E'\n'), 1), 0) = rows_want) AS right_count,
       sum(rows_want) AS rows_total,
       bool_and(as_superuser NOT LIKE '%TD-OTHER%' AND as_superuser NOT LIKE '%TD-NINF%' AND as_superuser NOT LIKE '%TD-PINF%'
                AND as_superuser NOT LIKE '%(TD-10,%') AS others_left_out
  FROM walks;

-- a policy that does hide rows is obeyed
CREATE POLICY tl_direct_no_complaints ON commhub.customer_communications AS RESTRICTIVE FOR SELECT
    USING (intent_category IS DISTINCT FROM 'complaint');
SET ROLE tl_direct_reader;
SELECT count(*) AS complaints_seen_by_reader FROM commhub.timeline('C-TD', intents => ARRAY['complaint']);
RESET ROLE;
SELECT count(*) AS complaints_seen_by_superuser FROM commhub.timeline('C-TD', intents => ARRAY['complaint']);
DROP POLICY tl_direct_no_complaints ON commhub.customer_communications;

-- column grants: the query reports the first column missing
\set VERBOSITY terse
GRANT SELECT (record_id, communication_time) ON commhub.customer_communications TO tl_direct_columns;
SET ROLE tl_direct_columns;
SET client_min_messages = debug2;
SELECT count(*) FROM commhub.timeline('C-TD');
RESET client_min_messages;
RESET ROLE;
-- row_security = off for a role under row security: refused, as a query is
SET ROLE tl_direct_reader;
SET row_security = off;
SELECT count(*) FROM commhub.timeline('C-TD');
RESET row_security;
RESET ROLE;
\set VERBOSITY default

REVOKE ALL ON commhub.customer_communications FROM tl_direct_columns;
REVOKE ALL ON FUNCTION commhub.timeline(text, timestamptz, timestamptz, text[], text[], integer, text, text[], text[], text),
                       commhub.current_tenant() FROM tl_direct_columns;
REVOKE ALL ON SCHEMA commhub FROM tl_direct_columns;
DELETE FROM commhub.tenant_grants WHERE role_name IN ('tl_direct_reader', 'tl_direct_columns');
