-- commhub 0.5.0 -> 0.6.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.6.0'" to load this file. \quit

-- Threading: a reply without In-Reply-To names its parent last in
-- References; when that parent arrives after the reply it now adopts it
-- (parent_record_id pointed at an older message of the thread, or nowhere).
-- New partial index idx_comm_last_reference (only such replies).
-- A14: an alert raised again by a later check keeps the day it was first
-- raised as triggered_at (agent_save_alerts).
-- Privileges: commhub_writer may DELETE attachments (a changed
-- re-delivery, reparse() and set_media_text() replace them) and SELECT,
-- INSERT, DELETE pending_recalls (every WeCom ingest): writers could not
-- ingest WeCom at all.  Row security keeps both in the writer's tenant.
-- Search: search_terms() indexes the NFKC form of the text (25㎏ finds
-- 25kg and 25㎏ alike, as queries already did); idx_comm_search is rebuilt.
-- set_endpoint() checks each option's type and range (22023 naming the
-- option): one bad value used to stop every agent job.
-- Agent runtime: a job whose lease keeps expiring (its worker dies while
-- running it) counts an attempt per re-claim and ends dead
-- (agent_jobs.lease_expiries); a 429, or a 503 with Retry-After, pauses
-- the endpoint (agent_endpoint_state.paused_until/paused_at/pause_reason,
-- endpoint_throttled()) and its queued jobs wait without losing attempts;
-- new view endpoint_status shows pauses.
-- In C (no SQL change): timeline() reads a page straight from
-- idx_comm_timeline when row security is commhub's own policy, and runs
-- its query with a pinned search_path; reparse() looks the record up in
-- the session's tenant only.

ALTER TABLE commhub.agent_jobs ADD COLUMN lease_expiries integer NOT NULL DEFAULT 0;
ALTER TABLE commhub.agent_endpoint_state ADD COLUMN paused_until timestamptz,
                                         ADD COLUMN paused_at timestamptz,
                                         ADD COLUMN pause_reason text;

CREATE INDEX idx_comm_last_reference ON commhub.customer_communications
    (tenant_id, (email_references[cardinality(email_references)]))
    WHERE in_reply_to IS NULL AND cardinality(email_references) > 0;

CREATE OR REPLACE FUNCTION commhub.set_endpoint(name text, base_url text, model text, api_key text DEFAULT NULL,
                                     options jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    v jsonb;
    lo bigint;
    hi bigint;
BEGIN
    IF name IS NULL OR name !~ '^[A-Za-z0-9_.-]{1,64}$' THEN
        RAISE EXCEPTION 'endpoint name "%" is not 1-64 letters, digits, _ . -', name
            USING ERRCODE = '22023', HINT = 'Use a short name such as deepseek or local_vllm.';
    END IF;
    IF base_url IS NULL OR base_url !~* '^https?://[^[:space:]]+$' THEN
        RAISE EXCEPTION 'base_url "%" is not an http:// or https:// URL', base_url
            USING ERRCODE = '22023', HINT = 'Pass the OpenAI-compatible base URL, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:8000/v1.';
    END IF;
    IF model IS NULL OR model = '' THEN
        RAISE EXCEPTION 'model must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the model name the endpoint serves, e.g. deepseek-chat or qwen-plus.';
    END IF;
    IF jsonb_typeof(coalesce(options, '{}')) <> 'object' THEN
        RAISE EXCEPTION 'options must be a JSON object' USING ERRCODE = '22023',
            HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body, retry_bad_answers.';
    END IF;
    -- Every value is checked here, by type and range: what is stored is
    -- what the workers read for each job (a value they cannot cast would
    -- stop every claim that reaches one of its jobs).  null = the default.
    FOR k, v IN SELECT o.key, o.value FROM jsonb_each(coalesce(options, '{}')) o LOOP
        IF k NOT IN ('timeout_ms', 'connect_timeout_ms', 'max_inflight', 'requests_per_minute', 'max_attempts',
                     'temperature', 'max_response_bytes', 'extra_body', 'retry_bad_answers') THEN
            RAISE EXCEPTION 'unknown endpoint option "%"', k USING ERRCODE = '22023',
                HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body, retry_bad_answers.';
        END IF;
        CONTINUE WHEN jsonb_typeof(v) = 'null';
        lo := CASE k WHEN 'timeout_ms' THEN 100 WHEN 'connect_timeout_ms' THEN 100 WHEN 'max_inflight' THEN 1
                     WHEN 'requests_per_minute' THEN 1 WHEN 'max_attempts' THEN 1 WHEN 'max_response_bytes' THEN 1024 END;
        hi := CASE k WHEN 'timeout_ms' THEN 3600000 WHEN 'connect_timeout_ms' THEN 600000 WHEN 'max_inflight' THEN 1024
                     WHEN 'requests_per_minute' THEN 1000000 WHEN 'max_attempts' THEN 50 WHEN 'max_response_bytes' THEN 67108864 END;
        IF lo IS NOT NULL AND NOT (CASE WHEN jsonb_typeof(v) = 'number'
                                        THEN v::text::numeric = trunc(v::text::numeric) AND v::text::numeric BETWEEN lo AND hi
                                        ELSE false END) THEN
            RAISE EXCEPTION 'endpoint option "%" must be an integer from % to %, not %', k, lo,
                  hi || CASE WHEN k = 'requests_per_minute' THEN ' (or null: no limit)' ELSE '' END, v
                USING ERRCODE = '22023',
                      HINT = format('Pass "%s" as a JSON number, e.g. {"%s": %s}.', k, k, greatest(lo, least(hi, 2000)));
        ELSIF k = 'temperature' AND NOT (CASE WHEN jsonb_typeof(v) = 'number' THEN v::text::numeric BETWEEN 0 AND 2 ELSE false END) THEN
            RAISE EXCEPTION 'endpoint option "temperature" must be a number from 0 to 2, not %', v
                USING ERRCODE = '22023', HINT = 'Pass it as a JSON number, e.g. {"temperature": 0.2}.';
        ELSIF k = 'extra_body' AND jsonb_typeof(v) <> 'object' THEN
            RAISE EXCEPTION 'endpoint option "extra_body" must be a JSON object, not %', v
                USING ERRCODE = '22023', HINT = 'Its keys are merged into each request body, e.g. {"extra_body": {"enable_thinking": false}}.';
        ELSIF k = 'retry_bad_answers' AND jsonb_typeof(v) <> 'boolean' THEN
            RAISE EXCEPTION 'endpoint option "retry_bad_answers" must be true or false, not %', v
                USING ERRCODE = '22023', HINT = 'Pass a JSON boolean: {"retry_bad_answers": true} retries answers that are not JSON or break the agent''s shape (the default), false records them at once.';
        END IF;
    END LOOP;
    INSERT INTO commhub.agent_endpoints AS e (name, base_url, model, api_key, timeout_ms, connect_timeout_ms, max_inflight,
                                              requests_per_minute, max_attempts, temperature, max_response_bytes, options)
    VALUES (name, base_url, model, api_key,
            coalesce((options->>'timeout_ms')::numeric::int, 120000), coalesce((options->>'connect_timeout_ms')::numeric::int, 10000),
            coalesce((options->>'max_inflight')::numeric::int, 8), (options->>'requests_per_minute')::numeric::int,
            coalesce((options->>'max_attempts')::numeric::int, 5), coalesce((options->>'temperature')::real, 0.2),
            coalesce((options->>'max_response_bytes')::numeric::int, 1048576), coalesce(options, '{}'))
    ON CONFLICT ON CONSTRAINT agent_endpoints_pkey DO UPDATE SET
        base_url = EXCLUDED.base_url, model = EXCLUDED.model,
        api_key = coalesce(EXCLUDED.api_key, e.api_key),
        timeout_ms = EXCLUDED.timeout_ms, connect_timeout_ms = EXCLUDED.connect_timeout_ms,
        max_inflight = EXCLUDED.max_inflight, requests_per_minute = EXCLUDED.requests_per_minute,
        max_attempts = EXCLUDED.max_attempts, temperature = EXCLUDED.temperature,
        max_response_bytes = EXCLUDED.max_response_bytes, options = EXCLUDED.options, updated_at = now();
END
$$;

CREATE OR REPLACE FUNCTION commhub.claim_agent_jobs(n integer, include_orphans boolean DEFAULT true) RETURNS SETOF bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e record;
    cand bigint[] := '{}';
    ids bigint[];
    budget integer;
    step double precision;      -- seconds between requests
    tau double precision;       -- burst tolerance, seconds
    tat timestamptz;
    k bigint;
BEGIN
    IF n IS NULL OR n <= 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1668114532, 1);   -- 'chub', 1: the claim
    -- Poison jobs: expired lease, no attempt left.
    UPDATE commhub.agent_jobs j SET status = 'dead', lease_expiries = j.lease_expiries + 1, error_class = 'lease_expired',
           last_error = format('lease_expired: lease expired %s; the worker died while running it (gave up after %s attempts)',
                               CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END, j.attempts),
           finished_at = now(), lease_expires_at = NULL
     WHERE j.job_id IN (SELECT q.job_id FROM commhub.agent_jobs q
                          LEFT JOIN commhub.agent_endpoints x ON q.agent <> 'webhook' AND x.tenant_id = q.tenant_id AND x.name = q.endpoint
                         WHERE q.status = 'running' AND q.lease_expires_at < now() AND q.attempts >= coalesce(x.max_attempts, 5)
                           FOR UPDATE OF q SKIP LOCKED);
    GET DIAGNOSTICS k = ROW_COUNT;
    IF k > 0 THEN
        RAISE LOG 'commhub: % agent job(s) dead: their lease expired with no attempt left (the worker died while running them)', k;
    END IF;
    -- Each model endpoint gives at most its free in-flight and rate budget;
    -- each webhook (no limits) up to n.
    FOR e IN
        SELECT x.tenant_id, x.name, false AS webhook, x.max_inflight, x.requests_per_minute AS rpm, s.rate_tat,
               (SELECT count(*) FROM commhub.agent_jobs r
                 WHERE r.tenant_id = x.tenant_id AND r.endpoint = x.name AND r.status = 'running'
                   AND r.agent <> 'webhook' AND r.lease_expires_at >= now())::int AS live,
               coalesce(s.paused_until > now(), false) AS paused
          FROM commhub.agent_endpoints x
          LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name
        UNION ALL
        SELECT w.tenant_id, w.name, true, n, NULL, NULL, 0, false FROM commhub.notify_webhooks w WHERE w.enabled
    LOOP
        CONTINUE WHEN e.paused;
        budget := least(n, e.max_inflight - e.live);
        IF budget > 0 AND e.rpm IS NOT NULL THEN
            step := 60.0 / e.rpm;
            tau := (greatest(1, ceil(e.rpm / 60.0)) - 1) * step;
            tat := greatest(coalesce(e.rate_tat, now()), now());
            budget := least(budget, greatest(0, floor((tau - extract(epoch FROM tat - now())) / step + 1e-6)::int + 1));
        END IF;
        CONTINUE WHEN budget <= 0;
        SELECT array_agg(q.job_id) INTO ids FROM (
            SELECT j.job_id FROM commhub.agent_jobs j
             WHERE j.tenant_id = e.tenant_id AND j.endpoint = e.name AND (j.agent = 'webhook') = e.webhook
               AND ((j.status = 'queued' AND j.next_attempt_at <= now())
                    OR (j.status = 'running' AND j.lease_expires_at < now()))
             ORDER BY j.next_attempt_at, j.job_id LIMIT budget FOR UPDATE SKIP LOCKED) q;
        cand := cand || coalesce(ids, '{}');
    END LOOP;
    -- When asked: due jobs whose endpoint or webhook no longer exists, or
    -- whose webhook was disabled meanwhile (the worker fails them unsent).
    IF include_orphans THEN
        SELECT array_agg(q.job_id) INTO ids FROM (
            SELECT j.job_id FROM commhub.agent_jobs j
             WHERE ((j.status = 'queued' AND j.next_attempt_at <= now())
                    OR (j.status = 'running' AND j.lease_expires_at < now()))
               AND CASE WHEN j.agent = 'webhook'
                        THEN NOT EXISTS (SELECT 1 FROM commhub.notify_webhooks w
                                          WHERE w.tenant_id = j.tenant_id AND w.name = j.endpoint AND w.enabled)
                        ELSE NOT EXISTS (SELECT 1 FROM commhub.agent_endpoints x
                                          WHERE x.tenant_id = j.tenant_id AND x.name = j.endpoint) END
             ORDER BY j.next_attempt_at, j.job_id LIMIT n FOR UPDATE SKIP LOCKED) q;
        cand := cand || coalesce(ids, '{}');
    END IF;
    IF cardinality(cand) = 0 THEN
        RETURN;
    END IF;
    -- The oldest n candidates across endpoints.
    WITH c AS (SELECT j.job_id FROM commhub.agent_jobs j WHERE j.job_id = ANY (cand)
                ORDER BY j.next_attempt_at, j.job_id LIMIT n),
         u AS (UPDATE commhub.agent_jobs j SET status = 'running', attempts = j.attempts + 1, started_at = now(),
                      worker_pid = pg_backend_pid(),
                      lease_expiries = j.lease_expiries + (j.status = 'running')::int,
                      last_error = CASE WHEN j.status = 'running'
                                        THEN format('lease_expired: lease expired %s; the worker died while running it',
                                                    CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END)
                                        ELSE j.last_error END,
                      error_class = CASE WHEN j.status = 'running' THEN 'lease_expired' ELSE j.error_class END,
                      lease_expires_at = now() + make_interval(secs => 15 + coalesce((SELECT x.timeout_ms FROM commhub.agent_endpoints x
                                               WHERE x.tenant_id = j.tenant_id AND x.name = j.endpoint AND j.agent <> 'webhook'), 30000) / 1000.0)
                 FROM c WHERE j.job_id = c.job_id
               RETURNING j.job_id)
    SELECT array_agg(u.job_id) INTO ids FROM u;
    -- Spend the rate budget of what was claimed.
    INSERT INTO commhub.agent_endpoint_state AS s (tenant_id, endpoint, rate_tat)
    SELECT j.tenant_id, j.endpoint,
           greatest(coalesce(min(st.rate_tat), now()), now()) + count(*) * make_interval(secs => 60.0 / min(x.requests_per_minute))
      FROM commhub.agent_jobs j
      JOIN commhub.agent_endpoints x ON x.tenant_id = j.tenant_id AND x.name = j.endpoint AND x.requests_per_minute IS NOT NULL
      LEFT JOIN commhub.agent_endpoint_state st ON st.tenant_id = j.tenant_id AND st.endpoint = j.endpoint
     WHERE j.job_id = ANY (ids) AND j.agent <> 'webhook'
     GROUP BY j.tenant_id, j.endpoint
    ON CONFLICT ON CONSTRAINT agent_endpoint_state_pkey DO UPDATE SET rate_tat = EXCLUDED.rate_tat;
    -- Jobs held back by the rate wait, still queued, for the next free
    -- slot; jobs of a paused endpoint, for the pause's end.
    FOR e IN
        SELECT * FROM (
        SELECT x.tenant_id, x.name, s.rate_tat
                   - make_interval(secs => (greatest(1, ceil(x.requests_per_minute / 60.0)) - 1) * 60.0 / x.requests_per_minute) AS slot
          FROM commhub.agent_endpoints x
          JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name
         WHERE x.requests_per_minute IS NOT NULL
        UNION ALL
        SELECT s.tenant_id, s.endpoint, s.paused_until
          FROM commhub.agent_endpoint_state s WHERE s.paused_until > now()) w
         WHERE w.slot > now()
    LOOP
        UPDATE commhub.agent_jobs j SET next_attempt_at = e.slot
         WHERE j.job_id IN (SELECT q.job_id FROM commhub.agent_jobs q
                             WHERE q.tenant_id = e.tenant_id AND q.endpoint = e.name AND q.agent <> 'webhook'
                               AND q.status = 'queued' AND q.next_attempt_at < e.slot
                             ORDER BY q.next_attempt_at, q.job_id LIMIT 1000 FOR UPDATE SKIP LOCKED);
    END LOOP;
    RETURN QUERY SELECT unnest(coalesce(ids, '{}'));
END
$$;

CREATE FUNCTION commhub.endpoint_throttled(job_id bigint, pause_ms double precision, reason text,
                                           OUT refund boolean, OUT paused_until timestamptz)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j commhub.agent_jobs;
    st commhub.agent_endpoint_state;
    target timestamptz := now() + make_interval(secs => greatest(coalesce(pause_ms, 0), 0) / 1000.0);
BEGIN
    SELECT * INTO j FROM commhub.agent_jobs x WHERE x.job_id = endpoint_throttled.job_id;
    refund := false;
    IF j.job_id IS NULL OR j.agent = 'webhook' OR j.endpoint IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO commhub.agent_endpoint_state (tenant_id, endpoint) VALUES (j.tenant_id, j.endpoint)
    ON CONFLICT ON CONSTRAINT agent_endpoint_state_pkey DO NOTHING;
    SELECT * INTO st FROM commhub.agent_endpoint_state s
     WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint FOR UPDATE;
    IF st.paused_until > now() THEN
        refund := st.paused_at >= j.started_at;
        UPDATE commhub.agent_endpoint_state s SET paused_until = greatest(s.paused_until, target)
         WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint
        RETURNING s.paused_until INTO paused_until;
    ELSE
        UPDATE commhub.agent_endpoint_state s SET paused_until = target, paused_at = now(), pause_reason = left(reason, 500)
         WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint
        RETURNING s.paused_until INTO paused_until;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION commhub.agent_save_alerts(customer_id text, since timestamptz, until timestamptz, result jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    a jsonb;
    out_alerts jsonb := '[]';
    prev record;
    key text;
    v_id text;
    title text;
    body text;
    ind0 text;
    keys text[] := '{}';
BEGIN
    PERFORM commhub.agent_customer(cid);
    FOR a IN SELECT x FROM jsonb_array_elements(commhub.jarr(result -> 'risk_alerts')) x LOOP
        key := 'A14:' || cid || ':' || (a ->> 'risk_type');
        ind0 := a -> 'indicators' ->> 0;
        title := CASE a ->> 'risk_type'
            WHEN 'churn_risk' THEN ind0 || ',存在流失风险'
            WHEN 'competitor_threat' THEN regexp_replace(ind0, '\(\d\d-\d\d\)$', '')
            WHEN 'complaint_escalation' THEN regexp_replace(ind0, '\(.*\)$', '')
                 || CASE WHEN (a ->> 'escalation_required')::boolean THEN ',需升级至销售总监' ELSE ',需跟进处理' END
            WHEN 'sentiment_decline' THEN '客户情绪下降: ' || ind0
            ELSE ind0 END;
        body := format('%s风险(%s, %s分)。指标: %s。预计影响: %s。建议: %s。%s',
                       commhub.level_label(a ->> 'risk_level'), commhub.risk_type_label(a ->> 'risk_type'), a ->> 'risk_score',
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'indicators') e),
                       coalesce(a ->> 'expected_impact', '-'),
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'recommended_actions') e),
                       CASE WHEN (a ->> 'escalation_required')::boolean
                            THEN '需升级: ' || CASE a ->> 'escalation_to' WHEN 'sales_director' THEN '销售总监'
                                                   WHEN 'finance_manager' THEN '财务经理'
                                                   ELSE coalesce(a ->> 'escalation_to', '上级') END ELSE '' END);
        -- One run at a time per alert: two overlapping runs (risk_5min, a
        -- manual run_agent, the weekly job) would both find no insight yet
        -- and both notify.  The second waits here and then sees the first's.
        PERFORM pg_advisory_xact_lock(hashtextextended('commhub A14 ' || commhub.current_tenant() || '|' || key, 0));
        SELECT i.insight_id, i.notification_sent, i.notification_time, i.insight_data ->> 'risk_level' AS level,
               i.status = 'dismissed' AND i.handled_by = 'builtin:A14' AS cleared,
               i.insight_data ->> 'triggered_at' AS triggered_at
          INTO prev
          FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = key
         FOR UPDATE;
        -- triggered_at is the day the alert was raised: a later check that
        -- raises it again keeps that day (an alert closed in between starts
        -- anew), so "open since" does not move with every run
        IF prev.insight_id IS NOT NULL AND NOT coalesce(prev.cleared, false)
           AND prev.triggered_at ~ '^\d{4}-\d\d-\d\d$' AND prev.triggered_at < a ->> 'triggered_at' THEN
            a := jsonb_set(a, '{triggered_at}', to_jsonb(prev.triggered_at));
        END IF;
        v_id := commhub.save_insight(cid, 'risk', title, body, a - 'insight_id', coalesce(a -> 'related_records', '[]'),
                                   jsonb_array_length(coalesce(a -> 'related_records', '[]')), since, until,
                                   CASE a ->> 'risk_level' WHEN 'high' THEN 0.85 WHEN 'medium' THEN 0.7 ELSE 0.55 END,
                                   ceil((a ->> 'risk_score')::numeric / 10)::int, 'builtin:A14', key);
        keys := keys || left(key, 128);
        IF prev.cleared THEN        -- closed by an earlier check (below), raised again: open again
            UPDATE commhub.communication_insights i
               SET status = 'new', handled_by = NULL, handled_at = NULL, handle_result = NULL
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
        END IF;
        IF a ->> 'risk_level' = 'high'
           AND (prev.insight_id IS NULL OR NOT coalesce(prev.notification_sent, false)
                OR prev.level IS DISTINCT FROM 'high' OR prev.notification_time < now() - interval '24 hours') THEN
            UPDATE commhub.communication_insights i SET notification_sent = true, notification_time = now()
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', a -> 'related_records' ->> 0, 'customer_id', cid,
                'tenant_id', commhub.current_tenant(),
                'urgency_reason', left(title, 128), 'risk_type', a ->> 'risk_type', 'risk_level', a ->> 'risk_level',
                'risk_score', (a ->> 'risk_score')::int, 'insight_id', v_id, 'alert_id', a ->> 'alert_id',
                'escalation_to', a ->> 'escalation_to', 'source', 'builtin:A14')::text);
        END IF;
        out_alerts := out_alerts || (a || jsonb_build_object('insight_id', v_id));
    END LOOP;
    -- An open alert this check no longer raises is closed (status dismissed,
    -- handled_by builtin:A14, and notified again if it comes back), when it
    -- was raised by a check of the same length that is not newer than this
    -- one: a complaint of two months ago no longer shows as an open risk.
    UPDATE commhub.communication_insights i
       SET status = 'dismissed', handled_by = 'builtin:A14', handled_at = now(),
           handle_result = '风险已解除: ' || to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 的检查未再触发',
           notification_sent = false, updated_at = now()
     WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = cid AND i.insight_type = 'risk'
       AND left(i.dedupe_key, length('A14:' || cid || ':')) = 'A14:' || cid || ':'
       AND NOT (i.dedupe_key = ANY (keys))
       AND i.status IN ('new', 'read')
       AND (i.time_range ->> 'until')::timestamptz <= until
       AND (i.time_range ->> 'until')::timestamptz - (i.time_range ->> 'since')::timestamptz = until - since;
    RETURN jsonb_set(result, '{risk_alerts}', out_alerts);
END
$$;

REINDEX INDEX commhub.idx_comm_search;
GRANT DELETE ON commhub.communication_attachments TO commhub_writer;
-- (admin's grant re-made after the writer's: the same ACL as a fresh install)
REVOKE ALL ON commhub.pending_recalls FROM commhub_admin;
GRANT SELECT, INSERT, DELETE ON commhub.pending_recalls TO commhub_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.pending_recalls TO commhub_admin;

CREATE VIEW commhub.endpoint_status AS
SELECT e.tenant_id, e.name AS endpoint, e.base_url, e.model,
       coalesce(s.paused_until > now(), false) AS paused,
       s.paused_until, s.paused_at, s.pause_reason,
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = e.tenant_id AND j.endpoint = e.name
           AND j.agent <> 'webhook' AND j.status = 'queued') AS queued,
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = e.tenant_id AND j.endpoint = e.name
           AND j.agent <> 'webhook' AND j.status = 'running') AS running,
       e.max_inflight, e.requests_per_minute,
       CASE WHEN e.requests_per_minute IS NOT NULL THEN s.rate_tat END AS rate_tat
  FROM commhub.agent_endpoints e
  LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = e.tenant_id AND s.endpoint = e.name
 WHERE e.tenant_id = (SELECT commhub.current_tenant());

REVOKE ALL ON commhub.endpoint_status FROM PUBLIC;
REVOKE ALL ON FUNCTION commhub.endpoint_throttled(bigint, double precision, text) FROM PUBLIC;
GRANT SELECT ON commhub.endpoint_status TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.endpoint_status TO commhub_admin;   -- as ALL TABLES IN SCHEMA gives a fresh install
GRANT EXECUTE ON FUNCTION commhub.endpoint_throttled(bigint, double precision, text) TO commhub_admin;
