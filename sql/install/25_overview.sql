-- commhub install script, part 25: health score, customer overview (A4) and
-- the text panorama (A5).

-- Relationship health 0-100 from the customer's own data (also used by A11
-- and the BI views):
--   recency   30  last contact <=3d 30, <=7d 25, <=14d 18, <=30d 10, else 3
--   activity  20  last 30 days vs the average 30 days of the 60 before
--   sentiment 30  mean sentiment score of the last 90 days (0..1)
--   response  20  mean inbound -> first outbound reply, from the first inbound
--                 record of an unanswered run: <=2h 20 ... >72h 0
--   minus 5 per complaint in 30 days (max 15), 3 per overdue task (max 10)
-- health_for() takes the tenant: the BI view computes every tenant's scores
-- with it (as its owner); row security still limits any other caller to
-- the tenants it is granted.  health() is the caller's tenant's.
CREATE FUNCTION commhub.health_for(tenant text, customer_id text, at timestamptz DEFAULT now())
RETURNS TABLE (score integer, trend text, last_contact timestamptz, records_30d integer,
               records_prev_60d integer, sentiment_avg numeric, sentiment_prev numeric,
               response_minutes numeric, complaints_30d integer, overdue_tasks integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
WITH c AS (
    SELECT * FROM commhub.customer_communications x
     WHERE x.tenant_id = health_for.tenant AND x.customer_id = health_for.customer_id
       AND x.canonical_record_id IS NULL AND x.communication_time <= at
       AND x.communication_time > at - interval '180 days'),
-- the last contact however long ago (idx_comm_timeline, read backward):
-- a customer dormant for a year still has one
lc AS (
    SELECT max(x.communication_time) AS at_ FROM commhub.customer_communications x
     WHERE x.tenant_id = health_for.tenant AND x.customer_id = health_for.customer_id
       AND x.canonical_record_id IS NULL AND x.communication_time <= at),
s AS (
    SELECT (SELECT at_ FROM lc) AS last_contact,
           count(*) FILTER (WHERE communication_time > at - interval '30 days')::int AS n30,
           count(*) FILTER (WHERE communication_time <= at - interval '30 days'
                              AND communication_time > at - interval '90 days')::int AS nprev,
           avg(sentiment_score) FILTER (WHERE communication_time > at - interval '30 days') AS s30,
           avg(sentiment_score) FILTER (WHERE communication_time <= at - interval '30 days'
                                          AND communication_time > at - interval '90 days') AS sprev,
           avg(sentiment_score) FILTER (WHERE communication_time > at - interval '90 days') AS s90,
           count(*) FILTER (WHERE intent_category = 'complaint' AND communication_time > at - interval '30 days')::int AS complaints
      FROM c),
-- only the first inbound record of an unanswered run: a question at 08:00
-- and "还在吗?" at 17:00 before the 18:00 reply are one wait of 10 h
r AS (
    SELECT avg(extract(epoch FROM (o.t - i.communication_time)) / 60.0) AS minutes
      FROM (SELECT x.*, lag(x.direction) OVER w AS prev_dir, lag(x.communication_time) OVER w AS prev_t
              FROM c x WHERE x.direction IN ('inbound', 'outbound')
            WINDOW w AS (ORDER BY x.communication_time, x.id)) i
      CROSS JOIN LATERAL (SELECT min(o.communication_time) AS t FROM c o
                           WHERE o.direction = 'outbound' AND o.communication_time > i.communication_time
                             AND o.communication_time <= i.communication_time + interval '7 days') o
     WHERE i.direction = 'inbound' AND o.t IS NOT NULL AND i.communication_time > at - interval '90 days'
       AND (i.prev_dir IS DISTINCT FROM 'inbound' OR i.prev_t < i.communication_time - interval '7 days')),
t AS (
    SELECT count(*)::int AS overdue FROM commhub.communication_tasks k
     WHERE k.tenant_id = health_for.tenant AND k.customer_id = health_for.customer_id
       AND k.status IN ('pending', 'in_progress') AND k.due_at < at)
SELECT greatest(0, least(100, round(
          CASE WHEN s.last_contact IS NULL THEN 0
               WHEN at - s.last_contact <= interval '3 days' THEN 30
               WHEN at - s.last_contact <= interval '7 days' THEN 25
               WHEN at - s.last_contact <= interval '14 days' THEN 18
               WHEN at - s.last_contact <= interval '30 days' THEN 10 ELSE 3 END
        + CASE WHEN s.nprev = 0 THEN CASE WHEN s.n30 > 0 THEN 15 ELSE 0 END
               ELSE 20 * least(1.0, s.n30 / (s.nprev / 2.0)) END
        + 30 * coalesce(s.s90, 0.5)
        + CASE WHEN r.minutes IS NULL THEN 10 WHEN r.minutes <= 120 THEN 20 WHEN r.minutes <= 480 THEN 15
               WHEN r.minutes <= 1440 THEN 10 WHEN r.minutes <= 4320 THEN 5 ELSE 0 END
        - least(15, 5 * s.complaints) - least(10, 3 * t.overdue))))::int,
       CASE WHEN s.n30 > s.nprev / 2.0 * 1.2 AND coalesce(s.s30, 0.5) >= coalesce(s.sprev, 0.5) - 0.05 THEN 'upward'
            WHEN s.n30 < s.nprev / 2.0 * 0.8 OR coalesce(s.s30, 0.5) < coalesce(s.sprev, 0.5) - 0.1 THEN 'downward'
            ELSE 'stable' END,
       s.last_contact, s.n30, s.nprev, round(s.s30, 2), round(s.sprev, 2), round(r.minutes, 1), s.complaints, t.overdue
  FROM s, r, t
$$;

CREATE FUNCTION commhub.health(customer_id text, at timestamptz DEFAULT now())
RETURNS TABLE (score integer, trend text, last_contact timestamptz, records_30d integer,
               records_prev_60d integer, sentiment_avg numeric, sentiment_prev numeric,
               response_minutes numeric, complaints_30d integer, overdue_tasks integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM commhub.health_for(commhub.current_tenant(), health.customer_id, health.at) $$;

CREATE FUNCTION commhub.trend_arrow(trend text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE $1 WHEN 'upward' THEN '↑' WHEN 'downward' THEN '↓' ELSE '→' END $$;

-- A4
CREATE FUNCTION commhub.customer_overview(customer_id text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cust record;
    h record;
    result jsonb;
BEGIN
    SELECT * INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002', HINT = 'Create it with commhub.add_customer(customer_id, name).';
    END IF;
    SELECT * INTO h FROM commhub.health(customer_id);
    SELECT jsonb_build_object(
        'customer_id', cust.customer_id,
        'name', cust.name,
        'priority', cust.priority,
        'owner', cust.owner,
        'health', jsonb_build_object('score', h.score, 'trend', h.trend, 'arrow', commhub.trend_arrow(h.trend),
                                     'sentiment_avg_30d', h.sentiment_avg, 'complaints_30d', h.complaints_30d),
        'last_contact', jsonb_build_object('at', h.last_contact, 'relative', commhub.relative_time(h.last_contact),
            'channel', (SELECT commhub.channel_label(c.communication_type) FROM commhub.customer_communications c
                         WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id
                           AND c.canonical_record_id IS NULL
                         ORDER BY c.communication_time DESC, c.id DESC LIMIT 1)),
        'counts', (SELECT coalesce(jsonb_object_agg(t, jsonb_build_object('7d', n7, '30d', n30, '90d', n90)), '{}')
                     FROM (SELECT c.communication_type AS t,
                                  count(*) FILTER (WHERE c.communication_time > now() - interval '7 days') AS n7,
                                  count(*) FILTER (WHERE c.communication_time > now() - interval '30 days') AS n30,
                                  count(*) AS n90
                             FROM commhub.customer_communications c
                            WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id
                              AND c.canonical_record_id IS NULL AND c.communication_time > now() - interval '90 days'
                            GROUP BY 1) x),
        'avg_response_minutes', h.response_minutes,
        'open_follow_ups', (SELECT coalesce(jsonb_agg(jsonb_build_object('task_id', k.task_id, 'title', k.title,
                                        'due_at', k.due_at, 'priority', k.priority, 'owner', k.owner,
                                        'overdue', k.due_at < now()) ORDER BY k.due_at), '[]')
                              FROM commhub.communication_tasks k
                             WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = customer_overview.customer_id
                               AND k.status IN ('pending', 'in_progress')),
        'latest_insights', (SELECT coalesce(jsonb_agg(jsonb_build_object('insight_id', i.insight_id, 'type', i.insight_type,
                                        'title', i.insight_title, 'importance', i.importance_score, 'created_at', i.created_at)
                                        ORDER BY i.created_at DESC), '[]')
                              FROM (SELECT * FROM commhub.communication_insights i
                                     WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = customer_overview.customer_id
                                       AND i.status <> 'dismissed'
                                     ORDER BY i.created_at DESC LIMIT 5) i))
      INTO result;
    RETURN result;
END
$$;

-- A5: the seed's 客户沟通全景图 for a terminal; box lines count terminal
-- columns (CJK and emoji are two wide) so the right border lines up.
CREATE FUNCTION commhub.timeline_text(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w constant int := 72;            -- inner width in columns
    cust record;
    h record;
    r record;
    lines text[] := '{}';
    cur_day text := NULL;
    i record;
    todo text;
    n int := 0;
BEGIN
    SELECT * INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = timeline_text.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002', HINT = 'Create it with commhub.add_customer(customer_id, name).';
    END IF;
    SELECT * INTO h FROM commhub.health(customer_id);
    lines := lines || ('┌' || repeat('─', w + 2) || '┐')
                   || ('│ ' || commhub.fit_width('客户沟通全景图 - ' || cust.name, w) || ' │')
                   || ('├' || repeat('─', w + 2) || '┤')
                   || ('│ ' || commhub.fit_width(format('📊 关系健康度: %s/100 │ 📈 趋势: %s │ ⏰ 最后联系: %s',
                                   h.score, commhub.trend_arrow(h.trend), coalesce(commhub.relative_time(h.last_contact), '无')), w) || ' │')
                   || ('├' || repeat('─', w + 2) || '┤');
    FOR r IN SELECT * FROM commhub.timeline(customer_id, since, until, page_size => 200) LOOP
        n := n + 1;
        IF cur_day IS DISTINCT FROM r.day_label THEN
            IF cur_day IS NOT NULL THEN
                lines := lines || ('│ ' || commhub.fit_width('', w) || ' │');
            END IF;
            cur_day := r.day_label;
            lines := lines || ('│ ' || commhub.fit_width('📅 ' || r.day_label, w) || ' │');
        END IF;
        lines := lines || ('│ ' || commhub.fit_width(format('├─ %s %s %s%s%s',
                     to_char(r.communication_time AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'), r.icon, r.channel_label,
                     CASE WHEN r.duration_text IS NOT NULL THEN ' (' || r.duration_text || ')' ELSE '' END,
                     CASE WHEN r.direction = 'outbound' THEN ' ↗' WHEN r.direction = 'inbound' THEN ' ↙' ELSE '' END), w) || ' │')
               || ('│ ' || commhub.fit_width('│   ' || coalesce(r.summary, r.subject, ''), w) || ' │');
        IF array_length(r.tags, 1) > 0 THEN
            lines := lines || ('│ ' || commhub.fit_width('│   ' || array_to_string(r.tags, ' '), w) || ' │');
        END IF;
    END LOOP;
    IF n = 0 THEN
        lines := lines || ('│ ' || commhub.fit_width('(该时间范围内没有沟通记录)', w) || ' │');
    END IF;
    -- AI insights: the latest of each kind, and the open to-dos.
    lines := lines || ('├' || repeat('─', w + 2) || '┤')
                   || ('│ ' || commhub.fit_width('🤖 AI洞察', w) || ' │');
    FOR i IN SELECT DISTINCT ON (x.insight_type) x.insight_type, x.insight_title
               FROM commhub.communication_insights x
              WHERE x.tenant_id = commhub.current_tenant() AND x.customer_id = timeline_text.customer_id
                AND x.status <> 'dismissed' AND x.insight_type IN ('opportunity', 'risk', 'suggestion', 'relationship')
              ORDER BY x.insight_type, x.created_at DESC LOOP
        lines := lines || ('│ ' || commhub.fit_width(format('├─ %s %s',
                    CASE i.insight_type WHEN 'opportunity' THEN '💡 商机提醒:' WHEN 'risk' THEN '⚠️ 风险预警:'
                                        WHEN 'suggestion' THEN '🎯 营销建议:' ELSE '📊 客户洞察:' END, i.insight_title), w) || ' │');
    END LOOP;
    SELECT string_agg(title, ' + ' ORDER BY due_at) INTO todo
      FROM (SELECT k.title, k.due_at FROM commhub.communication_tasks k
             WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = timeline_text.customer_id
               AND k.status IN ('pending', 'in_progress') ORDER BY k.due_at LIMIT 3) k;
    lines := lines || ('│ ' || commhub.fit_width('└─ 📋 待办: ' || coalesce(todo, '无'), w) || ' │')
                   || ('└' || repeat('─', w + 2) || '┘');
    RETURN array_to_string(lines, E'\n');
END
$$;
