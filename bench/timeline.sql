-- bench/timeline.sql: timeline() first page and a page deep in one big
-- customer's history vs a bare index-scan query on the same data, same run.
-- :size records over 10,000 customers; customer 'BIG' holds min(:size/10, 100000).
-- Rows are generated pre-normalized (this measures reading, not ingest).
\set QUIET on
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
SELECT least(:size / 10, 100000) AS big \gset
INSERT INTO commhub.customers (tenant_id, customer_id, name)
SELECT 'T001', 'TL-' || i, '客户' || i FROM generate_series(1, 10000) i
UNION ALL SELECT 'T001', 'BIG', '大客户';
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, subject, summary, content, intent_category, sentiment, urgency_level,
       source_system, source_record_id, thread_id, attachment_count)
SELECT 'TLB-' || i, 'T001', CASE WHEN i <= :big THEN 'BIG' ELSE 'TL-' || (i % 10000 + 1) END,
       (ARRAY['phone','wechat','email','visit','mobile'])[i % 5 + 1], '渠道',
       timestamptz '2024-01-01 00:00+08' + (i * interval '37 seconds'), CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       '主题 ' || i, '摘要:客户询价PCR-ABS,月需求' || (i % 90) || '吨', '内容 ' || i,
       (ARRAY['inquiry','order','complaint','payment','delivery'])[i % 5 + 1], 'neutral', 'low',
       'bench', i::text, 'T-' || (i / 7), i % 3
  FROM generate_series(1, :size) i;
VACUUM ANALYZE commhub.customer_communications;
\echo timeline benchmark: :size records, customer BIG has :big
SELECT (SELECT "cursor" FROM commhub.timeline('BIG', page_size => 1000, after => NULL) OFFSET 999) AS c1 \gset
-- the cursor of the row :big/2 deep (walk with a bare keyset query once)
SELECT ((extract(epoch FROM communication_time) * 1000000)::bigint)::text || ':' || id AS deep
  FROM commhub.customer_communications WHERE tenant_id = 'T001' AND customer_id = 'BIG'
 ORDER BY communication_time DESC, id DESC OFFSET (:big / 2) LIMIT 1 \gset
SELECT to_timestamp(0) + (split_part(:'deep', ':', 1)::bigint * interval '1 microsecond') AS deep_t,
       split_part(:'deep', ':', 2)::int AS deep_id \gset

SELECT set_config('bench.deep', :'deep', false);
CREATE TEMP TABLE t (what text, ms numeric);
DO $$
DECLARE
    t0 timestamptz; n int; reps constant int := 200; i int; dt timestamptz; di int;
BEGIN
    SELECT to_timestamp(0) + (split_part(current_setting('bench.deep'), ':', 1)::bigint * interval '1 microsecond'),
           split_part(current_setting('bench.deep'), ':', 2)::int INTO dt, di;
    -- bare index scan: first page and deep page (keyset), the floor
    t0 := clock_timestamp();
    FOR i IN 1..reps LOOP
        PERFORM * FROM (SELECT c.record_id, c.communication_time, c.subject FROM commhub.customer_communications c
                          WHERE c.tenant_id = 'T001' AND c.customer_id = 'BIG'
                          ORDER BY c.communication_time DESC, c.id DESC LIMIT 50) x;
    END LOOP;
    INSERT INTO t VALUES ('bare first page', extract(epoch FROM clock_timestamp() - t0) * 1000 / reps);
    t0 := clock_timestamp();
    FOR i IN 1..reps LOOP
        PERFORM * FROM (SELECT c.record_id, c.communication_time, c.subject FROM commhub.customer_communications c
                          WHERE c.tenant_id = 'T001' AND c.customer_id = 'BIG' AND (c.communication_time, c.id) < (dt, di)
                          ORDER BY c.communication_time DESC, c.id DESC LIMIT 50) x;
    END LOOP;
    INSERT INTO t VALUES ('bare deep page', extract(epoch FROM clock_timestamp() - t0) * 1000 / reps);
    -- the same bare scan reading every stored column timeline() shows
    t0 := clock_timestamp();
    FOR i IN 1..reps LOOP
        PERFORM * FROM (SELECT c.record_id, c.communication_time, c.communication_type, c.channel, c.subject, c.summary,
                               c.intent_category, c.sentiment, c.urgency_level, c.thread_id, c.id, c.direction, c.duration,
                               c.attachment_count, c.missed, c.recalled_at, c.media_pending, c.related_records
                          FROM commhub.customer_communications c
                          WHERE c.tenant_id = 'T001' AND c.customer_id = 'BIG'
                          ORDER BY c.communication_time DESC, c.id DESC LIMIT 50) x;
    END LOOP;
    INSERT INTO t VALUES ('bare first page, all shown columns', extract(epoch FROM clock_timestamp() - t0) * 1000 / reps);
    t0 := clock_timestamp();
    FOR i IN 1..reps LOOP
        PERFORM * FROM commhub.timeline('BIG', page_size => 50);
    END LOOP;
    INSERT INTO t VALUES ('timeline first page', extract(epoch FROM clock_timestamp() - t0) * 1000 / reps);
    t0 := clock_timestamp();
    FOR i IN 1..reps LOOP
        PERFORM * FROM commhub.timeline('BIG', page_size => 50, after => current_setting('bench.deep'));
    END LOOP;
    INSERT INTO t VALUES ('timeline deep page', extract(epoch FROM clock_timestamp() - t0) * 1000 / reps);
END $$;
\set QUIET off
SELECT what, round(ms, 3) AS ms_per_page FROM t;
-- The target compares like with like: the bare scan reading every stored
-- column timeline() shows (the 3-column scan is the floor, for reference).
SELECT round((SELECT ms FROM t WHERE what = 'timeline first page') / (SELECT ms FROM t WHERE what = 'bare first page, all shown columns'), 2) AS "first page vs bare, all shown columns (target <= 1.5)",
       round((SELECT ms FROM t WHERE what = 'timeline first page') / (SELECT ms FROM t WHERE what = 'bare first page'), 2) AS "first page vs bare 3 columns",
       round((SELECT ms FROM t WHERE what = 'timeline deep page') / (SELECT ms FROM t WHERE what = 'bare deep page'), 2) AS "deep page vs bare",
       round((SELECT ms FROM t WHERE what = 'timeline deep page') / (SELECT ms FROM t WHERE what = 'timeline first page'), 2) AS "deep vs first (target ~1)";
-- the same first page through pgbench, as an application sees it
SELECT CASE WHEN :size >= 100000 THEN 5 ELSE 1 END AS tl_secs \gset
\setenv TL_SECS :tl_secs
\setenv TL_DB :DBNAME
\! bash bench/lib/timeline_client.sh
