-- Statistics that say 0 rows for a table with pages (ANALYZE after a
-- rolled-back import or a DELETE of every row, before VACUUM) make the
-- planner treat every index as one page: a probe by id or by record_id
-- then takes any index that has the column, and reads the whole of it per
-- probe.  commhub plans its own tables by their pages in that state
-- (commhub.plan_guard, on by default); other tables are left alone.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-PG1', '统计客户');
SELECT commhub.add_identity('C-PG1', 'wecom', 'wmPlanGuard1');
-- the pages the earlier tests' rows fill
VACUUM commhub.customer_communications;
SELECT relpages AS pages_before FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass \gset
-- an import of 3000 messages that is rolled back, then ANALYZE
BEGIN;
SELECT (commhub.ingest_batch('wechat', (
  SELECT jsonb_agg(jsonb_build_object('msgid', 'pg-wx-' || i, 'action', 'send', 'from', 'wmPlanGuard1',
           'tolist', jsonb_build_array('lisi'), 'roomid', '', 'msgtype', 'text',
           'msgtime', 1718409600000 + i::bigint * 60000,
           'text', jsonb_build_object('content', '第' || i || '条:PCR-ABS-1000报价多少?月需求' || (i % 90 + 10) || '吨')))
    FROM generate_series(1, 3000) i)))->>'inserted' AS inserted;
ROLLBACK;
ANALYZE commhub.customer_communications;
SELECT reltuples < relpages AS fewer_rows_than_pages, relpages > 100 AS many_pages
  FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass;
CREATE FUNCTION pg_temp.est(q text) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN (j->0->'Plan'->>'Plan Rows')::float8;
END $f$;
-- the table is planned by its pages, as if never analysed: at least a row
-- per page (more when the rows are narrow)
SELECT pg_temp.est('SELECT * FROM commhub.customer_communications') >= relpages AS sized_by_pages
  FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass;
SELECT count(*) AS rolled_back_rows FROM commhub.customer_communications WHERE source_record_id LIKE 'pg-wx-%';
-- a probe by id takes the primary key, by record_id its unique index
EXPLAIN (COSTS OFF) SELECT * FROM commhub.customer_communications x WHERE x.id = 42;
EXPLAIN (COSTS OFF) SELECT * FROM commhub.customer_communications x WHERE x.tenant_id = 'T001' AND x.record_id = 'r-1';
-- a chat probe: idx_comm_chat
EXPLAIN (COSTS OFF) SELECT record_id FROM commhub.customer_communications x
 WHERE x.tenant_id = 'T001' AND x.chat_key = 'k' AND x.communication_time < now() ORDER BY communication_time DESC LIMIT 1;
-- without the guard the planner believes the statistics (here 0 rows when
-- this test runs alone: then a probe by id took idx_comm_timeline, whose
-- fourth column is id, and a 100k import took 445 s instead of 11 s)
SET commhub.plan_guard = off;
SELECT pg_temp.est('SELECT * FROM commhub.customer_communications') < relpages AS by_statistics
  FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass;
RESET commhub.plan_guard;
-- tables outside commhub are not touched
CREATE TEMP TABLE pg_other (a int PRIMARY KEY, b text);
INSERT INTO pg_other SELECT i, repeat('x', 200) FROM generate_series(1, 3000) i;
DELETE FROM pg_other;
ANALYZE pg_other;
SELECT pg_temp.est('SELECT * FROM pg_other') AS other_rows;
-- VACUUM truncates the empty pages: the statistics are believable again
VACUUM commhub.customer_communications;
SELECT relpages < :pages_before + 20 AS truncated FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass;
