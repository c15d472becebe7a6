-- bench/ingest_history.sql: does ingest slow down as history grows?  Ingest
-- rate of 20,000 mixed payloads into an almost empty table vs the same kind of
-- payloads after :size history records (10,000 customers, pre-normalized,
-- bulk-loaded) -- dedupe and threading must stay index lookups.  Target >= 0.8.
\set QUIET on
\pset pager off
SET client_min_messages = warning;
\o /dev/null
SELECT commhub.add_customer('H-' || i, '客户' || i) FROM generate_series(1, 1000) i;
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

-- :size history records for 10,000 customers, spread over the same months.
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel, communication_time,
       direction, subject, summary, content, intent_category, sentiment, urgency_level, source_system, source_record_id,
       thread_id, chat_key, call_number, fingerprint, fp_bands, identity_keys)
SELECT 'HIST-' || i, 'T001', 'H-' || (i % 1000 + 1), CASE WHEN i % 2 = 0 THEN 'wechat' ELSE 'phone' END, '渠道',
       timestamptz '2024-01-01 00:00+08' + i * interval '17 seconds', 'inbound', '主题', '摘要',
       '历史消息 ' || i || ' PCR-ABS询价', 'inquiry', 'neutral', 'low', 'hist', i::text, 'T-h' || (i / 5),
       CASE WHEN i % 2 = 0 THEN 'pair:sales1|wm_hist_' || (i % 1000 + 1) END,
       CASE WHEN i % 2 = 1 THEN (13900000000 + i % 1000 + 1)::text END,
       hashtextextended(i::text, 0), ARRAY[hashtext('a' || i), hashtext('b' || i), hashtext('c' || i), hashtext('d' || i)],
       ARRAY['wecom:wm_hist_' || (i % 1000 + 1)]
  FROM generate_series(1, :size) i;
VACUUM ANALYZE commhub.customer_communications;

SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FROM (SELECT commhub.ingest_batch(channel, jsonb_agg(payload ORDER BY i)) FROM p WHERE batch = 2 GROUP BY channel) x \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS big_s \gset
\set QUIET off
SELECT round(20000 / :small_s) AS "rows/s, ~20k history", round(20000 / :big_s) AS "rows/s, after history",
       (SELECT count(*) FROM commhub.customer_communications) AS "records now",
       round((:small_s / :big_s)::numeric, 2) AS "ratio (target >= 0.8)";
