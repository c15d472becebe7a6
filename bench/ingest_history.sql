-- bench/ingest_history.sql: does ingest slow down as history grows?  Issue 4:
-- "ingest rate at 10M vs at 100k records, target >= 0.8".  Three batches of
-- 20,000 mixed payloads (WeCom text and 400 calls) are ingested:
--   0. into an empty table (for reference);
--   1. after :size/100 history records (100,000 at --size 10000000);
--   2. after the table holds :size records.
-- The ratio the target applies to is rate 2 / rate 1; rate 2 / rate 0 is
-- printed as well.  Dedupe and threading must stay index lookups.
--
-- The history has the shape of issue 4's benchmark: 10,000 customers, one of
-- them (H-1) with 1% of all records (100,000 at 10M), pre-normalized and
-- bulk-loaded.  Where the measured payloads fall in it is chosen by
-- COMMHUB_BENCH_PLACEMENT:
--   append (default): each history is older than the batch that follows it,
--     as in daily use -- it spans the two years before the batch;
--   spread: a backfill into the middle of the history -- the records are
--     spaced from 2024-01-01 on as 17 s apart at :size (5.4 years at 10M),
--     around the payloads' months, so every insert lands in a cold part of
--     every index.
\set QUIET on
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
\getenv placement COMMHUB_BENCH_PLACEMENT
\if :{?placement}
\else
\set placement append
\endif
\o /dev/null
SELECT commhub.add_customer('H-' || i, '客户' || i) FROM generate_series(1, 10000) i;
SELECT commhub.add_identity('H-' || i, 'wecom', 'wm_hist_' || i) FROM generate_series(1, 1000) i;
SELECT commhub.add_identity('H-' || i, 'phone', (13900000000 + i)::text) FROM generate_series(1, 1000) i;
\o
CREATE TEMP TABLE p (batch int, i int, channel text, payload jsonb);
INSERT INTO p
SELECT b, i, CASE WHEN i % 3 = 0 THEN 'phone' ELSE 'wechat' END,
       CASE WHEN i % 3 = 0 THEN jsonb_build_object('call_sn', 'h' || b || '-' || i, 'tel', '4008208820',
                 'caller_id', (13900000000 + i % 1000 + 1)::text, 'callee_id', '8001',
                 'start_time', to_char(timestamp '2024-06-01 08:00' + (b * 100000 + i) * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
                 'call_duration', (i * 7) % 900, 'state', CASE WHEN i % 7 = 0 THEN 'noanswer' ELSE 'answered' END,
                 'remark', '客户来电询问PCR-ABS交期和价格')
            ELSE jsonb_build_object('msgid', 'h' || b || '-' || i, 'action', 'send', 'from', 'wm_hist_' || (i % 1000 + 1),
                 'tolist', jsonb_build_array('sales1'), 'roomid', '',
                 'msgtime', (extract(epoch FROM timestamptz '2024-06-01 08:00+08') * 1000)::bigint + (b * 100000 + i)::bigint * 60000,
                 'msgtype', 'text', 'text', jsonb_build_object('content', '王经理,PCR-ABS-1000月需求' || (i % 90 + 10) || '吨,什么价?'))
       END
  FROM generate_series(0, 2) b, generate_series(1, 20000) i;

-- History rows: customer H-(i % 10000 + 1), every 100th H-1; the channel
-- alternates per round of customers; threads of ~5 records of one customer.
-- n rows; append: spanning the 730 days before t_end; spread: from 2024-01-01,
-- spaced as :size rows 17 s apart.
CREATE FUNCTION pg_temp.load_history(tag text, n bigint, t_end timestamptz, spread boolean, total bigint)
RETURNS void LANGUAGE sql AS $f$
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel, communication_time,
       direction, subject, summary, content, intent_category, sentiment, urgency_level, source_system, source_record_id,
       thread_id, chat_key, call_number, fingerprint, fp_bands, identity_keys)
SELECT 'HIST-' || tag || i, 'T001', 'H-' || h, CASE WHEN w THEN 'wechat' ELSE 'phone' END, '渠道',
       CASE WHEN spread THEN timestamptz '2024-01-01 00:00+08' + i * (interval '17 seconds' * total / n)
            ELSE t_end - (n - i + 1) * (interval '730 days' / n) END,
       'inbound', '主题', '摘要',
       '历史消息 ' || tag || i || ' PCR-ABS询价', 'inquiry', 'neutral', 'low', 'hist', tag || i, 'T-h' || h || '-' || tag || (i / 50000),
       CASE WHEN w THEN 'pair:sales1|wm_hist_' || h END,
       CASE WHEN NOT w THEN (13900000000 + h)::text END,
       hashtextextended(tag || i, 0), ARRAY[hashtext('a' || tag || i), hashtext('b' || tag || i), hashtext('c' || tag || i), hashtext('d' || tag || i)],
       CASE WHEN w THEN ARRAY['wecom:wm_hist_' || h] ELSE ARRAY['phone:' || (13900000000 + h)] END
  FROM (SELECT i, CASE WHEN i % 100 = 0 THEN 1 ELSE i % 10000 + 1 END AS h, (i / 10000) % 2 = 0 AS w
          FROM generate_series(1, n) i) g
$f$;
CREATE FUNCTION pg_temp.ingest_timed(b int) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM commhub.ingest_batch(channel, jsonb_agg(payload ORDER BY i)) FROM p WHERE batch = b GROUP BY channel;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $f$;
SELECT greatest(:size / 100, 1) AS small, greatest(:size - :size / 100 - 40000, 0) AS rest,
       :'placement' = 'spread' AS spread \gset

-- 0. empty table; payloads of batch b start at 2024-06-01 08:00 + b * 100,000 min
SELECT pg_temp.ingest_timed(0) AS empty_s \gset
-- 1. after :small history records ending at batch 1
SELECT pg_temp.load_history('a', :small, timestamptz '2024-06-01 08:00+08' + 100000 * interval '1 minute', :'spread', :size) \gset
VACUUM ANALYZE commhub.customer_communications;
SELECT count(*) AS n1 FROM commhub.customer_communications \gset
SELECT pg_temp.ingest_timed(1) AS small_s \gset
-- 2. after :size records, the rest of the history ending at batch 2
SELECT pg_temp.load_history('b', :rest, timestamptz '2024-06-01 08:00+08' + 200000 * interval '1 minute', :'spread', :size) \gset
VACUUM ANALYZE commhub.customer_communications;
SELECT count(*) AS n2 FROM commhub.customer_communications \gset
SELECT pg_temp.ingest_timed(2) AS big_s \gset
\set c1 'rows/s, at ' :n1
\set c2 'rows/s, at ' :n2
\set QUIET off
SELECT :'placement' AS placement, round(20000 / :empty_s) AS "rows/s, empty table",
       round(20000 / :small_s) AS :"c1", round(20000 / :big_s) AS :"c2",
       round((:small_s / :big_s)::numeric, 2) AS "ratio (target >= 0.8)",
       round((:empty_s / :big_s)::numeric, 2) AS "ratio vs empty";
