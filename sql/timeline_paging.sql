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
SELECT * FROM commhub.timeline('C-TL', page_size => 0);
