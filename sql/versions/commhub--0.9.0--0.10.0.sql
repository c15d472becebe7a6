-- commhub 0.9.0 -> 0.10.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.10.0'" to load this file. \quit

-- reanalyze(record_id): the analyzer over what a record stores, for records
-- without content_original (loaded into the table directly).
CREATE FUNCTION commhub.reanalyze(record_id text) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_reanalyze';
COMMENT ON FUNCTION commhub.reanalyze(text) IS
    'Run the embedded analyzer again over a record''s stored subject, content and attachment names (for records without content_original): replaces the A10 columns, adds follow-up tasks, keeps an existing summary; returns the analysis';
REVOKE ALL ON FUNCTION commhub.reanalyze(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commhub.reanalyze(text) TO commhub_writer;

-- The A10 catch-up of the daily job and of run_analysis (A16) reanalyses the
-- records without a payload instead of skipping them.
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
    -- A10 catch-up: records the analyzer has not seen (bounded per call);
    -- re-parsed from their payload, or reanalysed from what they store
    IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
        FOR r IN SELECT c.record_id, c.content_original IS NOT NULL AS has_payload
                   FROM commhub.customer_communications c
                  WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.analysis IS NULL
                    AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                    AND c.communication_time >= t0 AND c.communication_time < t1
                  ORDER BY c.communication_time LIMIT 500 LOOP
            BEGIN
                IF r.has_payload THEN
                    EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                ELSE
                    EXECUTE 'SELECT commhub.reanalyze($1)' USING r.record_id;
                END IF;
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
