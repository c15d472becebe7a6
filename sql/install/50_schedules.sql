-- commhub install script, part 50: the seed's SCHEDULE_CONFIG on pg_cron (SPEC P1).
--
-- commhub.run_scheduled(kind) is the single entry point every job calls; it
-- runs cheap, bounded work per customer, each customer in its own
-- subtransaction so one failure does not stop the rest:
--   daily          09:00  A10 catch-up, daily report (yesterday) per tenant and per owner
--   weekly   Mon   09:00  A11-A15 for every customer active in 90 days, weekly report
--   monthly  1st   09:00  A11-A16 for every customer active in 90 days, monthly report
--   risk_5min every 5 min A14 for vip/high customers (notifies new high alerts)
--   refresh_views  15 min commhub.refresh_views() when it exists: one job
--                         for every tenant (the views hold all tenants' rows)
-- The seed's times are Asia/Shanghai; pg_cron 1.4 runs in UTC (GMT) unless
-- cron.timezone (1.5+) says otherwise, so 09:00 becomes 01:00.
-- Model refinement of A11-A16 belongs to the agent runtime (agent_jobs);
-- the built-in results stored here are what it refines.

CREATE FUNCTION commhub.run_scheduled(kind text) RETURNS integer
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
            -- a record that keeps its payload is re-parsed, one without
            -- (loaded into the table directly) is reanalysed from what it
            -- stores; one that fails is marked (sync_status
            -- 'analysis_failed', the reason in sync_error) and not tried
            -- again, so failures never crowd out the rest; reparse() or
            -- reanalyze() of the record retries it by hand
            FOR r IN SELECT c.record_id, c.content_original IS NOT NULL AS has_payload
                       FROM commhub.customer_communications c
                      WHERE c.tenant_id = commhub.current_tenant() AND c.analysis IS NULL
                        AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                      ORDER BY c.communication_time DESC LIMIT 1000 LOOP
                BEGIN
                    IF r.has_payload THEN
                        EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                    ELSE
                        EXECUTE 'SELECT commhub.reanalyze($1)' USING r.record_id;
                    END IF;
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
COMMENT ON FUNCTION commhub.run_scheduled(text) IS
    'What the pg_cron jobs run: daily | weekly | monthly | risk_5min | refresh_views; returns the number of units done';

-- The jobs of the current tenant: name, cron schedule (in pg_cron's zone),
-- local time, command.  T001 keeps the plain names.
CREATE FUNCTION commhub.schedule_plan()
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

CREATE FUNCTION commhub.require_pg_cron() RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    db text := nullif(current_setting('cron.database_name', true), '');
BEGIN
    IF to_regnamespace('cron') IS NOT NULL AND to_regprocedure('cron.schedule(text, text, text)') IS NOT NULL THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
        USING ERRCODE = '55000',
              HINT = CASE
                  WHEN db IS NULL THEN
                      'Add pg_cron to shared_preload_libraries and set cron.database_name = ''' || current_database()
                      || ''' in postgresql.conf, restart, then run CREATE EXTENSION pg_cron in that database.'
                  WHEN db <> current_database() THEN
                      'pg_cron lives in database "' || db || '" (cron.database_name): either set cron.database_name = '''
                      || current_database() || ''' and run CREATE EXTENSION pg_cron here, or, in "' || db
                      || '", schedule the commands of commhub.schedule_plan() with cron.schedule_in_database(jobname, schedule, command, '''
                      || current_database() || ''').'
                  ELSE 'Run CREATE EXTENSION pg_cron in this database (cron.database_name = ''' || db || ''').' END;
END
$$;

CREATE FUNCTION commhub.install_schedules() RETURNS SETOF text
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
COMMENT ON FUNCTION commhub.install_schedules() IS
    'P1: register (or replace) the pg_cron jobs commhub_daily, commhub_weekly, commhub_monthly, commhub_risk_5min, commhub_refresh_views';

CREATE FUNCTION commhub.uninstall_schedules() RETURNS SETOF text
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
COMMENT ON FUNCTION commhub.uninstall_schedules() IS 'P1: remove the jobs install_schedules() registered (and only those)';

CREATE FUNCTION commhub.list_schedules()
    RETURNS TABLE (jobname text, schedule text, local_time text, command text, active boolean,
                   last_run timestamptz, last_status text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RAISE NOTICE 'pg_cron is not installed in database "%": no schedules', current_database()
            USING HINT = 'See commhub.install_schedules().';
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$
        SELECT j.jobname::text, j.schedule::text, p.local_time, j.command::text, j.active,
               d.start_time, d.status::text
          FROM cron.job j
          LEFT JOIN commhub.schedule_plan() p ON p.jobname = j.jobname
          LEFT JOIN LATERAL (SELECT x.start_time, x.status FROM cron.job_run_details x
                              WHERE x.jobid = j.jobid ORDER BY x.start_time DESC NULLS LAST LIMIT 1) d ON true
         WHERE j.jobname LIKE 'commhub\_%'
         ORDER BY j.jobid $q$;
END
$$;
COMMENT ON FUNCTION commhub.list_schedules() IS 'P1: the commhub pg_cron jobs with their last run';

GRANT EXECUTE ON FUNCTION commhub.run_scheduled(text), commhub.schedule_plan(), commhub.require_pg_cron(),
                          commhub.install_schedules(), commhub.uninstall_schedules(), commhub.list_schedules()
   TO commhub_admin;
