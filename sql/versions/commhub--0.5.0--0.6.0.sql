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
-- In C (no SQL change): timeline() reads a page straight from
-- idx_comm_timeline when row security is commhub's own policy, and runs
-- its query with a pinned search_path; reparse() looks the record up in
-- the session's tenant only.

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
