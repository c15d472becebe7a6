-- bench/ingest.sql: ingest_batch of :size realistic mixed-channel payloads
-- vs the baseline, a bare INSERT ... SELECT of the same rows already
-- normalized into customer_communications (all its indexes), same run.
\set QUIET on
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
\o /dev/null
SELECT commhub.add_customer('B-' || i, '客户' || i) FROM generate_series(1, 200) i;
SELECT commhub.add_identity('B-' || i, 'phone', (13800000000 + i)::text) FROM generate_series(1, 200) i;
SELECT commhub.add_identity('B-' || i, 'wecom', 'wm_bench_' || i) FROM generate_series(1, 200) i;
SELECT commhub.add_staff('sales' || i, 'wecom', 'sales' || i) FROM generate_series(1, 10) i;
\o

-- Realistic payloads: WeCom archive texts (60%), carrier 400 calls (25%), visits (15%).
CREATE TEMP TABLE bench_payloads AS
SELECT i, CASE WHEN i % 20 < 12 THEN 'wechat' WHEN i % 20 < 17 THEN 'phone' ELSE 'visit' END AS channel,
       CASE WHEN i % 20 < 12 THEN jsonb_build_object(
                'msgid', 'bench-wx-' || i, 'action', 'send', 'from', 'wm_bench_' || (i % 200 + 1),
                'tolist', jsonb_build_array('sales' || (i % 10 + 1)), 'roomid', '',
                'msgtime', 1718400000000 + i::bigint * 60000, 'msgtype', 'text',
                'text', jsonb_build_object('content', (ARRAY['王经理,PCR-ABS-1000现在什么价?月需求' || (i % 90 + 10) || '吨',
                    '上批货有黑点,不太满意,请尽快处理', '合同已盖章,请安排' || (i % 30 + 1) || '号发货',
                    '发票收到了,月底前付款', '金发的报价比你们低5%,能不能再优惠一点?',
                    'PP-T20的熔指和TDS麻烦发一下,下周三前要'])[i % 6 + 1]))
            WHEN i % 20 < 17 THEN jsonb_build_object(
                'call_sn', 'bench-call-' || i, 'tel', '4008208820', 'caller_id', (13800000000 + i % 200 + 1)::text,
                'callee_id', '80' || (i % 10), 'start_time', to_char(timestamp '2024-06-15 08:00' + i * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
                'call_duration', (i * 7) % 900, 'state', CASE WHEN i % 7 = 0 THEN 'noanswer' ELSE 'answered' END,
                'remark', '客户来电询问交期和价格')
            ELSE jsonb_build_object('visit_id', 'bench-visit-' || i, 'customer_id', 'B-' || (i % 200 + 1),
                'visit_date', to_char(timestamp '2024-06-15 08:00' + i * interval '1 minute', 'YYYY-MM-DD HH24:MI'),
                'location', '宁波', 'sales_person', 'sales' || (i % 10 + 1), 'duration_minutes', 90,
                'content', '拜访客户工厂,讨论PCR-ABS长期合作,年需求约600吨,关注价格和账期。') END AS payload
  FROM generate_series(1, :size) i;

\timing off
-- 1. ingest_batch of the payloads into empty tables (timed).
SELECT clock_timestamp() AS t0 \gset
SELECT jsonb_agg(r) AS results FROM (SELECT commhub.ingest_batch(channel, jsonb_agg(payload ORDER BY i)) AS r
  FROM bench_payloads GROUP BY channel) x \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS ingest_s \gset
SELECT count(*) AS stored FROM commhub.customer_communications \gset
SELECT count(*) AS tasks FROM commhub.communication_tasks \gset

-- 2. The baseline: a bare INSERT ... SELECT of exactly the rows ingest stored
-- (pre-normalized, every column), into the same empty table with all its
-- indexes (timed).
CREATE TEMP TABLE bench_rows AS SELECT * FROM commhub.customer_communications;
TRUNCATE commhub.customer_communications CASCADE;
CHECKPOINT;
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute
 WHERE attrelid = 'commhub.customer_communications'::regclass AND attnum > 1 AND NOT attisdropped \gset
SELECT clock_timestamp() AS t0 \gset
INSERT INTO commhub.customer_communications (:cols) SELECT :cols FROM bench_rows;
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS base_s \gset

SELECT :size AS rows,
       round(:size / :base_s) AS "baseline INSERT rows/s",
       round(:size / :ingest_s) AS "ingest_batch rows/s",
       round((:base_s / :ingest_s)::numeric, 3) AS "ratio (target >= 0.6)",
       :stored AS stored, :tasks AS "tasks created";
\echo ingest_batch results: :results
