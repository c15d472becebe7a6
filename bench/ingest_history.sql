-- bench/ingest_history.sql: does ingest slow down as history grows?  Ingest
-- rate of 20,000 mixed payloads into an almost empty table vs the same kind of
-- payloads after :size history records -- dedupe and threading must stay
-- index lookups.  Target >= 0.8.
--
-- The history has the shape of issue 4's benchmark: 10,000 customers, one of
-- them (H-1) with 1% of all records (100,000 at 10M), pre-normalized and
-- bulk-loaded.  Where the measured payloads fall in it is chosen by
-- COMMHUB_BENCH_PLACEMENT:
--   append (default): the history is older than what arrives, as in daily
--     use -- it spans the two years before the payloads;
--   spread: a backfill into the middle of the history -- its records are 17 s
--     apart from 2024-01-01 on (5.4 years at 10M), around the payloads'
--     months, so every insert lands in a cold part of every index.
\set QUIET on
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
  FROM generate_series(1, 2) b, generate_series(1, 20000) i;

SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM (SELECT commhub.ingest_batch(channel, jsonb_agg(payload ORDER BY i)) FROM p WHERE batch = 1 GROUP BY channel) x \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS small_s \gset

-- :size history records: customer H-(i % 10000 + 1), every 100th H-1; the
-- channel alternates per round of customers; threads of ~5 records of one
-- customer.  The payloads of batch 2 start at 2024-06-01 08:00 + 200,001 min.
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel, communication_time,
       direction, subject, summary, content, intent_category, sentiment, urgency_level, source_system, source_record_id,
       thread_id, chat_key, call_number, fingerprint, fp_bands, identity_keys)
SELECT 'HIST-' || i, 'T001', 'H-' || h, CASE WHEN w THEN 'wechat' ELSE 'phone' END, '渠道',
       CASE WHEN :'placement' = 'spread' THEN timestamptz '2024-01-01 00:00+08' + i * interval '17 seconds'
            ELSE timestamptz '2024-06-01 08:00+08' + 200000 * interval '1 minute'
                 - (:size - i + 1) * (interval '730 days' / :size) END,
       'inbound', '主题', '摘要',
       '历史消息 ' || i || ' PCR-ABS询价', 'inquiry', 'neutral', 'low', 'hist', i::text, 'T-h' || h || '-' || (i / 50000),
       CASE WHEN w THEN 'pair:sales1|wm_hist_' || h END,
       CASE WHEN NOT w THEN (13900000000 + h)::text END,
       hashtextextended(i::text, 0), ARRAY[hashtext('a' || i), hashtext('b' || i), hashtext('c' || i), hashtext('d' || i)],
       CASE WHEN w THEN ARRAY['wecom:wm_hist_' || h] ELSE ARRAY['phone:' || (13900000000 + h)] END
  FROM (SELECT i, CASE WHEN i % 100 = 0 THEN 1 ELSE i % 10000 + 1 END AS h, (i / 10000) % 2 = 0 AS w
          FROM generate_series(1, :size) i) g;
VACUUM ANALYZE commhub.customer_communications;

SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM (SELECT commhub.ingest_batch(channel, jsonb_agg(payload ORDER BY i)) FROM p WHERE batch = 2 GROUP BY channel) x \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS big_s \gset
\set QUIET off
SELECT :'placement' AS placement, round(20000 / :small_s) AS "rows/s, ~20k history", round(20000 / :big_s) AS "rows/s, after history",
       (SELECT count(*) FROM commhub.customer_communications) AS "records now",
       round((:small_s / :big_s)::numeric, 2) AS "ratio (target >= 0.8)";
