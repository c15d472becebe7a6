-- A3: newest first, filters, keyset pagination through the cursor.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-TL', '时间轴客户');
SELECT commhub.ingest_batch('visit', (SELECT jsonb_agg(jsonb_build_object('visit_id', 'TL-' || i, 'customer_id', 'C-TL',
         'visit_date', to_char(timestamp '2024-06-01 09:00' + i * interval '7 hours', 'YYYY-MM-DD HH24:MI'),
         'location', '宁波', 'content', CASE WHEN i % 3 = 0 THEN '客户投诉交货延迟,很不满意' ELSE '拜访客户询价PCR-ABS' END))
       FROM generate_series(1, 25) i)) AS loaded;
-- three pages of 10, 10, 5 cover all 25 newest first without overlap
CREATE TEMP TABLE pages AS SELECT 1 AS page, * FROM commhub.timeline('C-TL', page_size => 10);
INSERT INTO pages SELECT 2, * FROM commhub.timeline('C-TL', page_size => 10, after => (SELECT "cursor" FROM pages WHERE page = 1 ORDER BY communication_time LIMIT 1));
INSERT INTO pages SELECT 3, * FROM commhub.timeline('C-TL', page_size => 10, after => (SELECT "cursor" FROM pages WHERE page = 2 ORDER BY communication_time LIMIT 1));
SELECT page, count(*) FROM pages GROUP BY page ORDER BY page;
SELECT count(DISTINCT record_id) AS distinct_rows,
       bool_and(communication_time <= lag_t OR lag_t IS NULL) AS newest_first
  FROM (SELECT record_id, communication_time, lag(communication_time) OVER (ORDER BY page, communication_time DESC) AS lag_t FROM pages) x;
SELECT channel_label, icon, tags FROM pages WHERE page = 1 ORDER BY communication_time DESC LIMIT 2;
-- filters
SELECT count(*) AS complaints FROM commhub.timeline('C-TL', intents => ARRAY['complaint']);
SELECT count(*) AS in_range FROM commhub.timeline('C-TL', since => '2024-06-02 00:00+08', until => '2024-06-03 00:00+08');
SELECT count(*) AS phone_only FROM commhub.timeline('C-TL', channels => ARRAY['phone']);
-- bad arguments
SELECT * FROM commhub.timeline('C-TL', after => 'garbage');
SELECT * FROM commhub.timeline('C-TL', after => '9999999999999999999:1');
SELECT * FROM commhub.timeline('C-TL', after => '-9223372036854775800:1');
SELECT * FROM commhub.timeline('C-TL', page_size => 0);
-- every display column equals the SQL display functions' answer, over varied
-- rows (every channel, intent, mood and urgency, NULLs, missed, recalled, pending
-- media, related records, durations, rows from today and yesterday), under
-- each combination of filters (each combination has its own kept plan)
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, subject, summary, content, intent_category, sentiment, urgency_level,
       source_system, source_record_id, thread_id, attachment_count, duration, missed, recalled_at, media_pending, related_records)
SELECT 'TLV-' || i, 'T001', 'C-TLV',
       (ARRAY['phone','wechat','email','visit','mobile','meeting','video','form','webchat'])[i % 9 + 1], 'c',
       now() - ((i - 1) * interval '97 minutes'), CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       '主题 ' || i, CASE WHEN i % 7 <> 0 THEN '摘要 ' || i END, '内容 ' || i,
       (ARRAY['inquiry','order','complaint','payment','delivery','technical','cooperation','after_sales','other', NULL])[i % 10 + 1],
       (ARRAY['positive','neutral','negative', NULL])[i % 4 + 1], (ARRAY['high','medium','low', NULL])[i % 5 + 1],
       'tlv', i::text, 'T-' || (i / 9), i % 4, (ARRAY[NULL, 0, 45, 60, 89, 3599, 3600, 3660, 7322])[i % 9 + 1],
       i % 13 = 0, CASE WHEN i % 17 = 0 THEN now() END, CASE WHEN i % 19 = 0 THEN 'image' END,
       CASE WHEN i % 6 = 0 THEN '["r1","r2"]'::jsonb ELSE '[]'::jsonb END
  FROM generate_series(1, 600) i;
CREATE TEMP TABLE combos AS
SELECT k, CASE WHEN k & 1 > 0 THEN now() - interval '20 days' END AS since,
          CASE WHEN k & 2 > 0 THEN now() - interval '2 days' END AS until,
          CASE WHEN k & 4 > 0 THEN ARRAY['phone','email','fax'] END AS channels,
          CASE WHEN k & 8 > 0 THEN ARRAY['inquiry','mystery','complaint'] END AS intents,
          CASE WHEN k & 16 > 0 THEN ARRAY['negative','odd','neutral'] END AS sentiments,
          CASE WHEN k & 32 > 0 THEN ARRAY['high','low'] END AS urgencies,
          CASE WHEN k & 64 > 0 THEN 'T-' || (k % 50) END AS thread,
          CASE WHEN k & 128 > 0 THEN (SELECT ((extract(epoch FROM communication_time) * 1000000)::bigint)::text || ':' || id
                                        FROM commhub.customer_communications WHERE record_id = 'TLV-' || (k % 300 + 5)) END AS after
  FROM generate_series(0, 255) k;
CREATE TEMP TABLE got AS
SELECT c.k, t.* FROM combos c, LATERAL commhub.timeline('C-TLV', c.since, c.until, c.channels, c.intents, 1000, c.after,
                                                        c.sentiments, c.urgencies, c.thread) t;
CREATE TEMP TABLE want AS
SELECT c.k, r.record_id, r.communication_time, r.communication_type, r.channel, r.subject, r.summary, r.intent_category,
       r.sentiment, r.urgency_level, r.thread_id, ((extract(epoch FROM r.communication_time) * 1000000)::bigint)::text || ':' || r.id AS "cursor",
       commhub.channel_label(r.communication_type) AS channel_label, commhub.channel_icon(r.communication_type) AS icon,
       r.direction, r.duration, commhub.duration_text(r.duration) AS duration_text, r.attachment_count,
       commhub.record_tags(r.intent_category, r.sentiment, r.urgency_level, r.attachment_count, r.missed, r.recalled_at,
                           r.media_pending, r.related_records) AS tags,
       commhub.day_label(r.communication_time, now()) AS day_label, r.related_records
  FROM combos c JOIN commhub.customer_communications r
    ON r.customer_id = 'C-TLV' AND r.canonical_record_id IS NULL
   AND (c.since IS NULL OR r.communication_time >= c.since) AND (c.until IS NULL OR r.communication_time < c.until)
   AND (c.channels IS NULL OR r.communication_type = ANY (c.channels)) AND (c.intents IS NULL OR r.intent_category = ANY (c.intents))
   AND (c.sentiments IS NULL OR r.sentiment = ANY (c.sentiments)) AND (c.urgencies IS NULL OR r.urgency_level = ANY (c.urgencies))
   AND (c.thread IS NULL OR r.thread_id = c.thread)
   AND (c.after IS NULL OR (r.communication_time, r.id) < (SELECT communication_time, id FROM commhub.customer_communications x
                                                            WHERE x.record_id = 'TLV-' || (c.k % 300 + 5)));
SELECT (SELECT count(*) FROM got) AS rows_got, (SELECT count(*) FROM want) AS rows_want,
       (SELECT count(DISTINCT k) FROM got) AS combos_with_rows,
       (SELECT count(*) FROM (SELECT * FROM got EXCEPT ALL SELECT * FROM want) d) AS only_got,
       (SELECT count(*) FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM got) d) AS only_want,
       (SELECT count(DISTINCT day_label) BETWEEN 41 AND 42 FROM got) AS days_41_or_42,
       (SELECT bool_or(day_label LIKE '今天%') AND bool_or(day_label LIKE '昨天%') FROM got) AS today_and_yesterday;
-- order within each page: newest first, then id
SELECT bool_and(ok) AS ordered FROM (
  SELECT (communication_time, split_part("cursor", ':', 2)::int) < lag((communication_time, split_part("cursor", ':', 2)::int))
           OVER (PARTITION BY k ORDER BY (communication_time, split_part("cursor", ':', 2)::int) DESC) IS NOT FALSE AS ok FROM got) x;
-- relative time, past and future (a planned meeting, a sender's clock ahead)
SELECT d, commhub.relative_time(timestamptz '2024-06-15 12:00+08' + d, timestamptz '2024-06-15 12:00+08') AS relative
  FROM unnest(ARRAY[interval '-30 seconds', '-5 minutes', '-3 hours', '-1 day', '-5 days', '-20 days', '-90 days', '-400 days',
                    '30 seconds', '5 minutes', '3 hours', '2 days']) AS d;
