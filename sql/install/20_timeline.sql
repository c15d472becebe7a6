-- commhub install script, part 20: timeline (A3), overview (A4), panorama (A5).

CREATE FUNCTION commhub.display_width(text) RETURNS integer
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_display_width';
CREATE FUNCTION commhub.fit_width(text, integer) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_fit_width';

-- Display vocabulary (the seed's labels and icons).
CREATE FUNCTION commhub.channel_label(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_label';
CREATE FUNCTION commhub.channel_icon(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_icon';
CREATE FUNCTION commhub.intent_label(intent text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'inquiry' THEN '询价' WHEN 'complaint' THEN '投诉' WHEN 'technical' THEN '技术支持'
                   WHEN 'cooperation' THEN '合作洽谈' WHEN 'order' THEN '订单确认' WHEN 'payment' THEN '付款'
                   WHEN 'delivery' THEN '交货' WHEN 'after_sales' THEN '售后' WHEN 'other' THEN '其他' END $$;
CREATE FUNCTION commhub.sentiment_label(sentiment text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'positive' THEN '积极' WHEN 'neutral' THEN '中性' WHEN 'negative' THEN '消极' END $$;
CREATE FUNCTION commhub.urgency_label(level text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'high' THEN '高' WHEN 'medium' THEN '中' WHEN 'low' THEN '低' END $$;
-- 15分钟, 2小时, 1小时30分钟, 45秒
CREATE FUNCTION commhub.duration_text(seconds integer) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_duration_text';
-- 刚刚, 5分钟前, 2小时前, 昨天, 3天前, 2周前, 4个月前
CREATE FUNCTION commhub.relative_time(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN $1 IS NULL THEN NULL
                -- later than now (a planned meeting, a sender's clock ahead)
                WHEN $1 - $2 >= interval '1 day'
                     THEN ($1 AT TIME ZONE 'Asia/Shanghai')::date - ($2 AT TIME ZONE 'Asia/Shanghai')::date || '天后'
                WHEN $1 - $2 >= interval '1 hour' THEN extract(epoch FROM $1 - $2)::int / 3600 || '小时后'
                WHEN $1 - $2 >= interval '1 minute' THEN extract(epoch FROM $1 - $2)::int / 60 || '分钟后'
                WHEN $2 - $1 < interval '1 minute' THEN '刚刚'
                WHEN $2 - $1 < interval '1 hour' THEN extract(epoch FROM $2 - $1)::int / 60 || '分钟前'
                WHEN $2 - $1 < interval '1 day' THEN extract(epoch FROM $2 - $1)::int / 3600 || '小时前'
                WHEN ($2 AT TIME ZONE 'Asia/Shanghai')::date - ($1 AT TIME ZONE 'Asia/Shanghai')::date = 1 THEN '昨天'
                WHEN $2 - $1 < interval '14 days' THEN ($2 AT TIME ZONE 'Asia/Shanghai')::date - ($1 AT TIME ZONE 'Asia/Shanghai')::date || '天前'
                WHEN $2 - $1 < interval '60 days' THEN extract(day FROM $2 - $1)::int / 7 || '周前'
                WHEN $2 - $1 < interval '365 days' THEN extract(day FROM $2 - $1)::int / 30 || '个月前'
                ELSE extract(day FROM $2 - $1)::int / 365 || '年前' END $$;
-- 今天 / 昨天 prefix, then 6月14日 (2023年6月14日 in another year), in
-- Asia/Shanghai.  channel_label/icon, duration_text and day_label are the C
-- code timeline() uses (src/render.c).
CREATE FUNCTION commhub.day_label(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
    LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_day_label';

-- Display tags of a record (C: it runs for every row of every page).
CREATE FUNCTION commhub.record_tags(intent text, sentiment text, urgency text, attachments integer,
                                    missed boolean, recalled timestamptz, media_pending text, related jsonb)
RETURNS text[] LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_record_tags';

-- A3: newest first, keyset pagination.  The cursor is "<epoch microseconds>:<id>";
-- deep pages seek through idx_comm_timeline exactly like the first page.
-- In C (src/render.c): the page is read straight from idx_comm_timeline
-- when row security is commhub's tenant policy alone (or does not apply to
-- the caller); with any other policy or column-only grants, by a kept plan
-- run as the caller, so every policy applies.  Display columns are formed
-- without a SQL function call per row.
CREATE FUNCTION commhub.timeline(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
                                 channels text[] DEFAULT NULL, intents text[] DEFAULT NULL,
                                 page_size integer DEFAULT 50, after text DEFAULT NULL,
                                 sentiments text[] DEFAULT NULL, urgencies text[] DEFAULT NULL,
                                 thread text DEFAULT NULL)
RETURNS TABLE (record_id varchar, communication_time timestamptz, communication_type varchar, channel varchar,
               subject varchar, summary text, intent_category varchar, sentiment varchar, urgency_level varchar,
               thread_id varchar, "cursor" text, channel_label text, icon text, direction varchar,
               duration integer, duration_text text, attachment_count integer, tags text[],
               day_label text, related_records jsonb)
LANGUAGE c STABLE ROWS 50 AS 'MODULE_PATHNAME', 'commhub_timeline';
