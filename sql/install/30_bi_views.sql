-- commhub install script, part 30: materialized insight views for BI tools (A6).
--
-- Each mv_* holds every tenant and plain columns only (no nested JSON), has a
-- unique index so REFRESH ... CONCURRENTLY works, and is read through a
-- bi_* view that keeps only the caller's tenant (materialized views have no
-- row-level security of their own).  commhub.refresh_views() refreshes all
-- of them concurrently; install_schedules() runs it every 15 minutes.
-- Columns are documented in doc/bi_views.md.

CREATE MATERIALIZED VIEW commhub.mv_daily_activity AS
SELECT c.tenant_id, c.customer_id,
       (c.communication_time AT TIME ZONE 'Asia/Shanghai')::date AS day,
       c.communication_type, coalesce(c.direction, 'unknown') AS direction,
       count(*)::int AS records,
       coalesce(sum(c.duration), 0)::bigint AS total_duration_s,
       count(*) FILTER (WHERE c.missed)::int AS missed_calls,
       count(*) FILTER (WHERE c.urgency_level = 'high')::int AS high_urgency
  FROM commhub.customer_communications c
 WHERE c.canonical_record_id IS NULL
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_daily_activity_key ON commhub.mv_daily_activity (tenant_id, customer_id, day, communication_type, direction);

-- Inbound record -> the first outbound record to the same customer within 7 days;
-- first_in_run marks the first inbound record of an unanswered run.
CREATE MATERIALIZED VIEW commhub.mv_response_times AS
SELECT i.tenant_id, i.customer_id, i.record_id AS inbound_record_id, i.communication_type AS inbound_type,
       i.communication_time AS inbound_at, o.record_id AS reply_record_id, o.communication_type AS reply_type,
       coalesce(o.initiated_by, o.handled_by, 'unknown') AS replied_by, o.communication_time AS replied_at,
       round(extract(epoch FROM (o.communication_time - i.communication_time)) / 60.0, 1) AS response_minutes,
       -- the first inbound record since the previous outbound one (or 7 days):
       -- the time the customer waited is the average over these rows
       coalesce((SELECT p.direction <> 'inbound' OR p.communication_time < i.communication_time - interval '7 days'
                   FROM commhub.customer_communications p
                  WHERE p.tenant_id = i.tenant_id AND p.customer_id = i.customer_id AND p.canonical_record_id IS NULL
                    AND p.direction IN ('inbound', 'outbound')
                    AND (p.communication_time, p.id) < (i.communication_time, i.id)
                  ORDER BY p.communication_time DESC, p.id DESC LIMIT 1), true) AS first_in_run
  FROM commhub.customer_communications i
  LEFT JOIN LATERAL (
        SELECT x.record_id, x.communication_type, x.initiated_by, x.handled_by, x.communication_time
          FROM commhub.customer_communications x
         WHERE x.tenant_id = i.tenant_id AND x.customer_id = i.customer_id AND x.direction = 'outbound'
           AND x.canonical_record_id IS NULL
           AND x.communication_time > i.communication_time
           AND x.communication_time <= i.communication_time + interval '7 days'
         ORDER BY x.communication_time LIMIT 1) o ON true
 WHERE i.direction = 'inbound' AND i.canonical_record_id IS NULL AND i.customer_id <> 'UNMATCHED';
CREATE UNIQUE INDEX mv_response_times_key ON commhub.mv_response_times (inbound_record_id);

CREATE MATERIALIZED VIEW commhub.mv_followup_backlog AS
SELECT t.tenant_id, t.customer_id, coalesce(t.owner, 'unassigned') AS owner, t.status, t.priority,
       count(*)::int AS tasks,
       count(*) FILTER (WHERE t.due_at < now())::int AS overdue,
       min(t.due_at) AS oldest_due_at
  FROM commhub.communication_tasks t
 WHERE t.status IN ('pending', 'in_progress')
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_followup_backlog_key ON commhub.mv_followup_backlog (tenant_id, customer_id, owner, status, priority);

CREATE MATERIALIZED VIEW commhub.mv_customer_health AS
SELECT cu.tenant_id, cu.customer_id, cu.name AS customer_name, cu.priority, coalesce(cu.owner, 'unassigned') AS owner,
       s.last_contact_at, s.records_30d, s.records_90d, s.negative_30d, s.complaints_30d,
       round(s.sentiment_avg_90d, 2) AS sentiment_avg_90d,
       -- the same score as customer_overview() (commhub.health)
       (SELECT h.score FROM commhub.health_for(cu.tenant_id, cu.customer_id, now()) h) AS health_score,
       (SELECT count(*) FROM commhub.communication_tasks t
         WHERE t.tenant_id = cu.tenant_id AND t.customer_id = cu.customer_id AND t.status IN ('pending', 'in_progress'))::int AS open_followups,
       (SELECT count(*) FROM commhub.communication_insights i
         WHERE i.tenant_id = cu.tenant_id AND i.customer_id = cu.customer_id AND i.insight_type = 'risk'
           AND i.status IN ('new', 'read'))::int AS open_risks,
       (SELECT count(*) FROM commhub.communication_insights i
         WHERE i.tenant_id = cu.tenant_id AND i.customer_id = cu.customer_id AND i.insight_type = 'opportunity'
           AND i.status IN ('new', 'read'))::int AS open_opportunities
  FROM commhub.customers cu
  LEFT JOIN LATERAL (
        SELECT max(c.communication_time) AS last_contact_at,
               count(*) FILTER (WHERE c.communication_time > now() - interval '30 days')::int AS records_30d,
               count(*) FILTER (WHERE c.communication_time > now() - interval '90 days')::int AS records_90d,
               count(*) FILTER (WHERE c.communication_time <= now() - interval '30 days'
                                  AND c.communication_time > now() - interval '90 days')::int AS records_prev_60d,
               count(*) FILTER (WHERE c.sentiment = 'negative' AND c.communication_time > now() - interval '30 days')::int AS negative_30d,
               count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.communication_time > now() - interval '30 days')::int AS complaints_30d,
               avg(c.sentiment_score) FILTER (WHERE c.communication_time > now() - interval '90 days') AS sentiment_avg_90d
          FROM commhub.customer_communications c
         WHERE c.tenant_id = cu.tenant_id AND c.customer_id = cu.customer_id AND c.canonical_record_id IS NULL) s ON true;
CREATE UNIQUE INDEX mv_customer_health_key ON commhub.mv_customer_health (tenant_id, customer_id);

CREATE MATERIALIZED VIEW commhub.mv_intent_sentiment_weekly AS
SELECT c.tenant_id, date_trunc('week', c.communication_time AT TIME ZONE 'Asia/Shanghai')::date AS week,
       c.customer_id, coalesce(c.intent_category, 'unknown') AS intent_category,
       coalesce(c.sentiment, 'unknown') AS sentiment, count(*)::int AS records,
       round(avg(c.sentiment_score), 2) AS sentiment_score_avg
  FROM commhub.customer_communications c
 WHERE c.canonical_record_id IS NULL
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_intent_sentiment_weekly_key ON commhub.mv_intent_sentiment_weekly (tenant_id, week, customer_id, intent_category, sentiment);

-- Tenant-filtered views that BI tools query.
CREATE VIEW commhub.bi_daily_activity WITH (security_barrier) AS
    SELECT * FROM commhub.mv_daily_activity WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_response_times WITH (security_barrier) AS
    SELECT * FROM commhub.mv_response_times WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_followup_backlog WITH (security_barrier) AS
    SELECT * FROM commhub.mv_followup_backlog WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_customer_health WITH (security_barrier) AS
    SELECT * FROM commhub.mv_customer_health WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_intent_sentiment_weekly WITH (security_barrier) AS
    SELECT * FROM commhub.mv_intent_sentiment_weekly WHERE tenant_id = (SELECT commhub.current_tenant());

-- Refresh every view concurrently (readers are never blocked); returns what
-- was refreshed and how long it took.  SECURITY DEFINER: refreshing needs the
-- owner, and the function does nothing else.
CREATE FUNCTION commhub.refresh_views()
RETURNS TABLE (view_name text, rows bigint, milliseconds numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v text;
    t0 timestamptz;
BEGIN
    FOREACH v IN ARRAY ARRAY['mv_daily_activity', 'mv_response_times', 'mv_followup_backlog',
                             'mv_customer_health', 'mv_intent_sentiment_weekly'] LOOP
        t0 := clock_timestamp();
        EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY commhub.%I', v);
        view_name := v;
        EXECUTE format('SELECT count(*) FROM commhub.%I', v) INTO rows;
        milliseconds := round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
        RETURN NEXT;
    END LOOP;
END
$$;
