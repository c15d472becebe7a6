-- commhub 0.4.0 -> 0.5.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.5.0'" to load this file. \quit

-- Schedules: the view refresh is one pg_cron job for every tenant
-- (commhub_refresh_views; refresh_views() refreshes all tenants' rows).
-- 0.4.0 registered one per tenant, each refreshing everything, serialized
-- on the views' locks.  Each tenant's next install_schedules() removes its
-- old commhub_refresh_views_<tenant> job; uninstall_schedules() removes
-- the shared job with the last tenant's jobs.
-- A10 catch-up (daily job, run_analysis): only records that keep their
-- payload are re-parsed, and a record whose re-parse fails for a reason of
-- its own is marked (sync_status 'analysis_failed', sync_error) and not
-- tried again, so failing records no longer crowd out the rest every day.
-- A successful reparse() clears the mark (C); mark_analysis_failed() is new.
-- Response times: a customer's follow-up before our reply ("还在吗?") is the
-- same wait, not a second shorter one: health_for(), A11's response hours
-- and mv_response_times (new column first_in_run) count the first inbound
-- record of an unanswered run.  The view is rebuilt from the data.
-- In C (no SQL change): webhook POSTs carry Idempotency-Key:
-- commhub-job-<job_id>; threading, dedupe, direction, channel and
-- duration-text fixes; the analyzer's rules.

CREATE FUNCTION commhub.mark_analysis_failed(record_id text, state text, message text) RETURNS void
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE commhub.customer_communications x
       SET sync_status = 'analysis_failed',
           sync_error = left(format('A10 catch-up %s: %s (%s)', now()::timestamptz(0), $3, $2), 1000)
     WHERE x.tenant_id = commhub.current_tenant() AND x.record_id = $1
       AND left($2, 2) NOT IN ('08', '40', '42', '53', '54', '57', '58') AND $2 <> '55P03'
$$;

CREATE OR REPLACE FUNCTION commhub.health_for(tenant text, customer_id text, at timestamptz DEFAULT now())
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
s AS (
    SELECT max(communication_time) AS last_contact,
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

CREATE OR REPLACE FUNCTION commhub.agent_response_hours(customer_id text, since timestamptz, until timestamptz)
    RETURNS numeric
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT round(avg(extract(epoch FROM (o.t - i.communication_time)) / 3600.0), 1)
      FROM commhub.agent_records($1, $2, $3) i
      CROSS JOIN LATERAL (
            SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
             WHERE o.tenant_id = i.tenant_id AND o.customer_id = i.customer_id
               AND o.canonical_record_id IS NULL AND o.direction = 'outbound'
               AND o.communication_time > i.communication_time
               AND o.communication_time <= least(i.communication_time + interval '7 days', $3)) o
     WHERE i.direction = 'inbound' AND o.t IS NOT NULL
       -- only the first inbound record of an unanswered run (as health_for)
       AND coalesce((SELECT p.direction <> 'inbound' OR p.communication_time < i.communication_time - interval '7 days'
                       FROM commhub.customer_communications p
                      WHERE p.tenant_id = i.tenant_id AND p.customer_id = i.customer_id AND p.canonical_record_id IS NULL
                        AND p.direction IN ('inbound', 'outbound')
                        AND (p.communication_time, p.id) < (i.communication_time, i.id)
                      ORDER BY p.communication_time DESC, p.id DESC LIMIT 1), true)
$$;

CREATE OR REPLACE FUNCTION commhub.run_analysis(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    r record;
    reparsed integer := 0;
    failed integer := 0;
    parts jsonb;
    acts jsonb;
    immediate jsonb;
    short_term jsonb;
    long_term jsonb := '[]';
    x jsonb;
    result jsonb;
    channels jsonb;
    total integer;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    -- A10 catch-up: records the analyzer has not seen (bounded per call)
    IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
        FOR r IN SELECT c.record_id FROM commhub.customer_communications c
                  WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.analysis IS NULL
                    AND c.content_original IS NOT NULL
                    AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                    AND c.communication_time >= t0 AND c.communication_time < t1
                  ORDER BY c.communication_time LIMIT 500 LOOP
            BEGIN
                EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                reparsed := reparsed + 1;
            EXCEPTION WHEN OTHERS THEN
                failed := failed + 1;
                RAISE WARNING 'A10 catch-up of record % failed: %', r.record_id, SQLERRM;
                PERFORM commhub.mark_analysis_failed(r.record_id, SQLSTATE, SQLERRM);
            END;
        END LOOP;
    END IF;

    parts := commhub.agent_run_customer(cid, t0, t1);
    acts := commhub.agent_action_list(cid, t1, parts -> 'a12', parts -> 'a13', parts -> 'a14', 20);
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO immediate
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' IN ('紧急', '高');
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO short_term
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' NOT IN ('紧急', '高');
    -- long term: campaigns, cross/up-sell, latent needs, business reviews
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a13' -> 'campaign_ideas') e LIMIT 3 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '开展「' || (x ->> 'name') || '」: ' || (x ->> 'offer'),
                                                     'due', '本季度', 'source', 'A13');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'cross_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推广' || (x ->> 'product') || ' (' || (x ->> 'approach') || ')',
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'up_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推荐' || (x ->> 'current') || '升级为' || (x ->> 'upgrade'),
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT to_jsonb(e) FROM jsonb_array_elements_text(parts -> 'a11' -> 'needs_map' -> 'latent') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '探索潜在需求: ' || (x #>> '{}'),
                                                     'due', '长期', 'source', 'A11');
    END LOOP;
    IF (parts -> 'a13' -> 'care_strategy' ->> 'quarterly_business_review')::boolean THEN
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '每季度业务回顾(QBR)', 'due', '每季度', 'source', 'A13');
    END IF;

    SELECT coalesce(sum(x.n), 0)::int, coalesce(jsonb_object_agg(x.t, x.n), '{}') INTO total, channels
      FROM (SELECT c.communication_type AS t, count(*)::int AS n FROM commhub.agent_records(cid, t0, t1) c GROUP BY 1) x;

    result := jsonb_build_object(
        'analysis_summary', jsonb_build_object(
            'total_records', total, 'channels', channels,
            'analysis_date', to_char(t1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
            'customer_id', cid, 'customer_name', cust.name, 'since', t0, 'until', t1,
            'a10_reanalyzed', reparsed, 'a10_failed', failed),
        'customer_insights', parts -> 'a11',
        'opportunities', parts -> 'a12',
        'marketing_suggestions', parts -> 'a13',
        'risk_alerts', parts -> 'a14',
        'reports', jsonb_build_object('customer_report', parts ->> 'report'),
        'action_plan', jsonb_build_object('immediate', immediate, 'short_term', short_term, 'long_term', long_term));
    result := result || jsonb_build_object('insight_id', commhub.agent_save('A16', cid, t0, t1, result),
                                           'insight_ids', parts -> 'insight_ids');
    RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION commhub.run_scheduled(kind text) RETURNS integer
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    k text := lower(trim(kind));
    today0 timestamptz := date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
    p0 timestamptz;
    p1 timestamptz;
    n integer := 0;
    r record;
    md text;
    rep_kind text;
    period text;
BEGIN
    IF k IS NULL OR k NOT IN ('daily', 'weekly', 'monthly', 'risk_5min', 'refresh_views') THEN
        RAISE EXCEPTION 'scheduled kind "%" is not one of daily, weekly, monthly, risk_5min, refresh_views', kind
            USING ERRCODE = '22023', HINT = 'commhub.install_schedules() registers one pg_cron job per kind.';
    END IF;

    IF k = 'refresh_views' THEN
        IF to_regprocedure('commhub.refresh_views()') IS NOT NULL THEN
            EXECUTE 'SELECT commhub.refresh_views()';
            n := 1;
        END IF;
        RETURN n;
    END IF;

    IF k = 'risk_5min' THEN
        FOR r IN
            SELECT k2.customer_id FROM commhub.customers k2
             WHERE k2.tenant_id = commhub.current_tenant() AND k2.priority IN ('vip', 'high')
               AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                            WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                              AND c.communication_time > now() - interval '120 days')
             ORDER BY k2.customer_id
        LOOP
            BEGIN
                PERFORM commhub.agent_save_alerts(r.customer_id, now() - interval '30 days', now(),
                                                  commhub.a14_risk_alerts(r.customer_id, NULL, now()));
                n := n + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'commhub risk_5min: customer %: % (%)', r.customer_id, SQLERRM, SQLSTATE;
            END;
        END LOOP;
        RETURN n;
    END IF;

    IF k = 'daily' THEN
        -- A10 catch-up: records the analyzer has not seen (newest first, bounded)
        IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
            -- only records that keep their payload can be re-parsed; one
            -- that fails is marked (sync_status 'analysis_failed', the
            -- reason in sync_error) and not tried again, so failures never
            -- crowd out the rest; reparse(record_id) retries it by hand
            FOR r IN SELECT c.record_id FROM commhub.customer_communications c
                      WHERE c.tenant_id = commhub.current_tenant() AND c.analysis IS NULL
                        AND c.content_original IS NOT NULL
                        AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                      ORDER BY c.communication_time DESC LIMIT 1000 LOOP
                BEGIN
                    EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                    n := n + 1;
                EXCEPTION WHEN OTHERS THEN
                    RAISE WARNING 'commhub daily: A10 catch-up of record %: % (%)', r.record_id, SQLERRM, SQLSTATE;
                    PERFORM commhub.mark_analysis_failed(r.record_id, SQLSTATE, SQLERRM);
                END;
            END LOOP;
        END IF;
        p0 := today0 - interval '1 day';
        p1 := today0;
        period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');
    ELSE
        -- A11-A15 (weekly) or A11-A16 (monthly) for each active customer
        FOR r IN
            SELECT k2.customer_id FROM commhub.customers k2
             WHERE k2.tenant_id = commhub.current_tenant()
               AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                            WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                              AND c.canonical_record_id IS NULL
                              AND c.communication_time > now() - interval '90 days')
             ORDER BY k2.customer_id
        LOOP
            BEGIN
                IF k = 'weekly' THEN
                    PERFORM commhub.agent_run_customer(r.customer_id, now() - interval '90 days', now());
                ELSE
                    PERFORM commhub.run_analysis(r.customer_id, now() - interval '90 days', now());
                END IF;
                n := n + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'commhub %: customer %: % (%)', k, r.customer_id, SQLERRM, SQLSTATE;
            END;
        END LOOP;
        IF k = 'weekly' THEN     -- the last full week, Monday to Monday
            p1 := date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
            p0 := p1 - interval '7 days';
            period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'IYYY-"W"IW');
        ELSE                     -- the last calendar month
            p1 := date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
            p0 := (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 month') AT TIME ZONE 'Asia/Shanghai';
            period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM');
        END IF;
    END IF;

    -- the period's report for the tenant and for each salesperson who owns customers
    rep_kind := k;
    FOR r IN SELECT NULL::text AS target
             UNION ALL
             SELECT DISTINCT k2.owner FROM commhub.customers k2
              WHERE k2.tenant_id = commhub.current_tenant() AND k2.owner IS NOT NULL
    LOOP
        BEGIN
            md := commhub.report(rep_kind, r.target, p0, p1);
            PERFORM commhub.save_insight(coalesce('staff:' || r.target, '*'), 'summary',
                                         CASE rep_kind WHEN 'daily' THEN '沟通日报' WHEN 'weekly' THEN '沟通周报' ELSE '沟通月报' END
                                         || ' ' || period || CASE WHEN r.target IS NULL THEN ' - 全部客户' ELSE ' - 销售 ' || r.target END,
                                         md, jsonb_build_object('report', md, 'kind', rep_kind, 'target', r.target, 'period', period),
                                         '[]', NULL, p0, p1, 0.8, 4, 'builtin:A15',
                                         'A15:' || rep_kind || ':' || coalesce(r.target, '*') || ':' || period);
            n := n + 1;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'commhub %: report for %: % (%)', k, coalesce(r.target, 'tenant'), SQLERRM, SQLSTATE;
        END;
    END LOOP;
    RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION commhub.schedule_plan()
    RETURNS TABLE (jobname text, schedule text, local_time text, command text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    t text := commhub.current_tenant();
    sfx text := CASE WHEN commhub.current_tenant() = 'T001' THEN '' ELSE '_' || lower(commhub.current_tenant()) END;
    tz text := coalesce(nullif(current_setting('cron.timezone', true), ''), 'GMT');
    local_cron boolean := tz IN ('Asia/Shanghai', 'PRC', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi');
    h text := CASE WHEN local_cron THEN '9' ELSE '1' END;
BEGIN
    RETURN QUERY
    -- refresh_views() refreshes every tenant's rows: one job, shared
    SELECT CASE WHEN x.kind = 'refresh_views' THEN 'commhub_refresh_views' ELSE 'commhub_' || x.kind || sfx END,
           x.sched, x.local_time,
           CASE WHEN t = 'T001' OR x.kind = 'refresh_views' THEN '' ELSE format('SET commhub.tenant = %L; ', t) END
           || format('SELECT commhub.run_scheduled(%L)', x.kind)
      FROM (VALUES ('daily', '0 ' || h || ' * * *', '每天 09:00 Asia/Shanghai', 1),
                   ('weekly', '0 ' || h || ' * * 1', '每周一 09:00 Asia/Shanghai', 2),
                   ('monthly', '0 ' || h || ' 1 * *', '每月1日 09:00 Asia/Shanghai', 3),
                   ('risk_5min', '*/5 * * * *', '每5分钟', 4),
                   ('refresh_views', '*/15 * * * *', '每15分钟', 5)) AS x(kind, sched, local_time, ord)
     WHERE x.kind <> 'refresh_views' OR to_regprocedure('commhub.refresh_views()') IS NOT NULL
     ORDER BY x.ord;
END
$$;

CREATE OR REPLACE FUNCTION commhub.install_schedules() RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    j record;
    stale record;
BEGIN
    PERFORM commhub.require_pg_cron();
    -- cron.schedule(name, ...) replaces a job of the same name and user, so
    -- installing twice leaves one job each
    FOR j IN SELECT * FROM commhub.schedule_plan() LOOP
        EXECUTE 'SELECT cron.schedule($1, $2, $3)' USING j.jobname, j.schedule, j.command;
        RETURN NEXT format('%s: %s (%s) -> %s', j.jobname, j.schedule, j.local_time, j.command);
    END LOOP;
    -- this tenant's own view-refresh job from 0.4.0 (the shared one
    -- replaces it), and the shared one if its function has gone
    FOR stale IN EXECUTE 'SELECT jobid, jobname FROM cron.job WHERE jobname = ANY ($1)'
                 USING ARRAY['commhub_refresh_views_' || lower(commhub.current_tenant())]
                       || CASE WHEN to_regprocedure('commhub.refresh_views()') IS NULL
                               THEN ARRAY['commhub_refresh_views'] ELSE ARRAY[]::text[] END LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING stale.jobid;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION commhub.uninstall_schedules() RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    sfx text := CASE WHEN commhub.current_tenant() = 'T001' THEN '' ELSE '_' || lower(commhub.current_tenant()) END;
    j record;
BEGIN
    PERFORM commhub.require_pg_cron();
    FOR j IN EXECUTE 'SELECT jobid, jobname FROM cron.job WHERE jobname = ANY ($1) ORDER BY jobid'
             USING ARRAY(SELECT n || sfx FROM unnest(ARRAY['commhub_daily', 'commhub_weekly', 'commhub_monthly',
                                                           'commhub_risk_5min']) AS u(n))
                   || ARRAY['commhub_refresh_views_' || lower(commhub.current_tenant())] LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING j.jobid;
        RETURN NEXT j.jobname::text;
    END LOOP;
    -- the shared view refresh goes with the last tenant's jobs
    FOR j IN EXECUTE $q$SELECT jobid, jobname FROM cron.job WHERE jobname = 'commhub_refresh_views'
                         AND NOT EXISTS (SELECT 1 FROM cron.job o
                                          WHERE o.jobname ~ '^commhub_(daily|weekly|monthly|risk_5min)(_|$)')$q$ LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING j.jobid;
        RETURN NEXT j.jobname::text;
    END LOOP;
END
$$;

-- mv_response_times gains first_in_run: rebuilt (refreshed from the data,
-- nothing is lost), with its view and grants.
DROP VIEW commhub.bi_response_times;
DROP MATERIALIZED VIEW commhub.mv_response_times;
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
CREATE VIEW commhub.bi_response_times WITH (security_barrier) AS
    SELECT * FROM commhub.mv_response_times WHERE tenant_id = (SELECT commhub.current_tenant());
REVOKE ALL ON commhub.mv_response_times, commhub.bi_response_times FROM PUBLIC;
GRANT SELECT ON commhub.bi_response_times TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.mv_response_times, commhub.bi_response_times TO commhub_admin;

REVOKE ALL ON FUNCTION commhub.mark_analysis_failed(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commhub.mark_analysis_failed(text, text, text) TO commhub_writer;
