-- commhub install script, part 35: agent runtime (N3, N4, N5, O2).
--
-- Jobs live in a LOGGED table written in the same transaction as the record
-- that causes them: a rolled-back ingest leaves no job, a committed one is
-- never lost (R1).  Background workers claim due jobs with FOR UPDATE SKIP
-- LOCKED under a lease, commit, call the endpoint with no transaction open,
-- and write each result in its own short transaction.

CREATE TABLE commhub.agent_endpoints (
    tenant_id          varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    name               varchar(64)  NOT NULL,
    base_url           text         NOT NULL CHECK (base_url ~* '^https?://'),
    model              varchar(256) NOT NULL,
    api_key            text,        -- readable only by commhub_admin and superusers (column privilege)
    connect_timeout_ms integer      NOT NULL DEFAULT 10000 CHECK (connect_timeout_ms BETWEEN 100 AND 600000),
    timeout_ms         integer      NOT NULL DEFAULT 120000 CHECK (timeout_ms BETWEEN 100 AND 3600000),
    max_inflight       integer      NOT NULL DEFAULT 8 CHECK (max_inflight BETWEEN 1 AND 1024),
    requests_per_minute integer     CHECK (requests_per_minute IS NULL OR requests_per_minute > 0),
    max_attempts       integer      NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 50),
    temperature        real         NOT NULL DEFAULT 0.2,
    max_response_bytes integer      NOT NULL DEFAULT 1048576,
    options            jsonb        NOT NULL DEFAULT '{}',
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Which endpoint an agent uses (absent = built-in only).
CREATE TABLE commhub.agent_routes (
    tenant_id  varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    agent      varchar(8)  NOT NULL CHECK (agent IN ('A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16')),
    endpoint   varchar(64) NOT NULL,
    PRIMARY KEY (tenant_id, agent),
    FOREIGN KEY (tenant_id, endpoint) REFERENCES commhub.agent_endpoints (tenant_id, name) ON DELETE CASCADE
);

-- Stored, versioned, editable prompts; the highest active version is used.
CREATE TABLE commhub.agent_prompts (
    tenant_id     varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    agent         varchar(8)  NOT NULL,
    version       integer     NOT NULL,
    system_prompt text,
    template      text        NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, agent, version)
);

-- Where urgent notifications go (a WeCom group robot); the URL holds its key.
CREATE TABLE commhub.notify_webhooks (
    tenant_id  varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    name       varchar(64) NOT NULL,
    url        text        NOT NULL CHECK (url ~* '^https?://'),
    kind       varchar(16) NOT NULL DEFAULT 'wecom_robot' CHECK (kind IN ('wecom_robot')),
    enabled    boolean     NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE commhub.agent_jobs (
    job_id           bigserial    PRIMARY KEY,
    tenant_id        varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    agent            varchar(16)  NOT NULL,           -- A10..A16, or 'webhook'
    endpoint         varchar(64),                     -- endpoint or webhook name
    record_id        varchar(64),
    customer_id      varchar(64),
    status           varchar(16)  NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    attempts         integer      NOT NULL DEFAULT 0,
    last_error       text,
    error_class      varchar(32),
    payload          jsonb,                           -- agent input (never the key)
    result           jsonb,
    prompt_version   integer,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    lease_expires_at timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz,
    latency_ms       integer,
    prompt_tokens    integer,
    completion_tokens integer,
    worker_pid       integer
);
CREATE INDEX agent_jobs_due ON commhub.agent_jobs (next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_lease ON commhub.agent_jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX agent_jobs_record ON commhub.agent_jobs (record_id);
CREATE INDEX agent_jobs_finished ON commhub.agent_jobs (finished_at) WHERE status IN ('succeeded', 'failed', 'dead');
-- Per-endpoint claims (claim_agent_jobs) look up due jobs and live runs by endpoint.
CREATE INDEX agent_jobs_endpoint_due ON commhub.agent_jobs (tenant_id, endpoint, next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_endpoint_running ON commhub.agent_jobs (tenant_id, endpoint) WHERE status = 'running';

-- Rate-limiter state of each endpoint with requests_per_minute, written only
-- by the workers (claim_agent_jobs): rate_tat is the GCRA "theoretical
-- arrival time" -- requests are spaced 60/rpm seconds apart, with a burst of
-- about one second's worth (ceil(rpm/60), at least 1).
CREATE TABLE commhub.agent_endpoint_state (
    tenant_id  varchar(64) NOT NULL,
    endpoint   varchar(64) NOT NULL,
    rate_tat   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, endpoint)
);

-- The built-in A10 prompt (version 1).  {placeholders} are filled by the worker.
INSERT INTO commhub.agent_prompts (tenant_id, agent, version, system_prompt, template) VALUES
('T001', 'A10', 1,
 '你是TopcentralMall的沟通分析专家。只输出一个JSON对象(json),不要输出其他文字。',
 $tmpl$请分析以下客户沟通记录,提取关键信息。
## 输入数据
沟通类型: {communication_type}
沟通渠道: {channel}
沟通时间: {communication_time}
客户: {customer_name}
主题: {subject}
内容: {content}
## 内置分析器的初步结果(可修正)
{builtin}
## 分析任务
1. 沟通意图识别: category 取 inquiry/complaint/technical/cooperation/order/payment/delivery/after_sales/other 之一
2. 关键信息提取(产品型号、价格、数量、时间节点、竞争对手)
3. 客户情绪分析: overall 取 positive/neutral/negative, score 0-1
4. 紧急程度评估: level 取 high/medium/low
5. 跟进事项识别
6. 沟通质量评分(1-10的整数)
## 输出格式(JSON)
{"intent": {"category": "inquiry", "detail": "...", "confidence": 0.9},
 "key_info": {"products": [], "price": null, "quantity": null, "timeline": null, "competitors": []},
 "sentiment": {"overall": "neutral", "score": 0.5, "mood": "..."},
 "urgency": {"level": "medium", "reason": "..."},
 "follow_up": [], "quality_score": 7, "suggestions": []}$tmpl$);

-- N3: configure endpoints and routes.
CREATE FUNCTION commhub.set_endpoint(name text, base_url text, model text, api_key text DEFAULT NULL,
                                     options jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
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
            HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body.';
    END IF;
    FOR k IN SELECT jsonb_object_keys(coalesce(options, '{}')) LOOP
        IF k NOT IN ('timeout_ms', 'connect_timeout_ms', 'max_inflight', 'requests_per_minute', 'max_attempts',
                     'temperature', 'max_response_bytes', 'extra_body', 'retry_bad_answers') THEN
            RAISE EXCEPTION 'unknown endpoint option "%"', k USING ERRCODE = '22023',
                HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body, retry_bad_answers.';
        END IF;
    END LOOP;
    INSERT INTO commhub.agent_endpoints AS e (name, base_url, model, api_key, timeout_ms, connect_timeout_ms, max_inflight,
                                              requests_per_minute, max_attempts, temperature, max_response_bytes, options)
    VALUES (name, base_url, model, api_key,
            coalesce((options->>'timeout_ms')::int, 120000), coalesce((options->>'connect_timeout_ms')::int, 10000),
            coalesce((options->>'max_inflight')::int, 8), (options->>'requests_per_minute')::int,
            coalesce((options->>'max_attempts')::int, 5), coalesce((options->>'temperature')::real, 0.2),
            coalesce((options->>'max_response_bytes')::int, 1048576), coalesce(options, '{}'))
    ON CONFLICT ON CONSTRAINT agent_endpoints_pkey DO UPDATE SET
        base_url = EXCLUDED.base_url, model = EXCLUDED.model,
        api_key = coalesce(EXCLUDED.api_key, e.api_key),
        timeout_ms = EXCLUDED.timeout_ms, connect_timeout_ms = EXCLUDED.connect_timeout_ms,
        max_inflight = EXCLUDED.max_inflight, requests_per_minute = EXCLUDED.requests_per_minute,
        max_attempts = EXCLUDED.max_attempts, temperature = EXCLUDED.temperature,
        max_response_bytes = EXCLUDED.max_response_bytes, options = EXCLUDED.options, updated_at = now();
END
$$;

CREATE FUNCTION commhub.use_endpoint(agent text, endpoint text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF agent IS NULL OR agent NOT IN ('A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RAISE EXCEPTION 'agent "%" is not one of A10..A16', agent
            USING ERRCODE = '22023', HINT = 'A10 analyses each record; A11-A16 are the customer agents.';
    END IF;
    IF endpoint IS NULL THEN
        DELETE FROM commhub.agent_routes r WHERE r.tenant_id = commhub.current_tenant() AND r.agent = use_endpoint.agent;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commhub.agent_endpoints e
                    WHERE e.tenant_id = commhub.current_tenant() AND e.name = use_endpoint.endpoint) THEN
        RAISE EXCEPTION 'endpoint "%" does not exist', endpoint
            USING ERRCODE = '22023', HINT = 'Create it first with commhub.set_endpoint(name, base_url, model, api_key).';
    END IF;
    INSERT INTO commhub.agent_routes (agent, endpoint) VALUES (agent, endpoint)
    ON CONFLICT ON CONSTRAINT agent_routes_pkey DO UPDATE SET endpoint = EXCLUDED.endpoint;
END
$$;

CREATE FUNCTION commhub.set_webhook(name text, url text, enabled boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF url IS NULL OR url !~* '^https?://[^[:space:]]+$' THEN
        RAISE EXCEPTION 'url is not an http:// or https:// URL' USING ERRCODE = '22023',
            HINT = 'Pass the WeCom group robot URL, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...';
    END IF;
    INSERT INTO commhub.notify_webhooks (name, url, enabled) VALUES (name, url, enabled)
    ON CONFLICT ON CONSTRAINT notify_webhooks_pkey DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled;
END
$$;

-- O2: what the queue is doing.
CREATE VIEW commhub.queue_status AS
SELECT j.tenant_id, j.agent, j.endpoint, j.status, count(*) AS jobs,
       round(extract(epoch FROM now() - min(j.created_at))::numeric, 1) AS oldest_age_s,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY j.latency_ms) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS p50_latency_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY j.latency_ms) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS p95_latency_ms,
       sum(j.prompt_tokens + j.completion_tokens) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS tokens_1h,
       (array_agg(j.last_error ORDER BY j.finished_at DESC NULLS LAST) FILTER (WHERE j.last_error IS NOT NULL))[1:3] AS recent_errors
  FROM commhub.agent_jobs j
 WHERE j.tenant_id = (SELECT commhub.current_tenant())
 GROUP BY 1, 2, 3, 4;

-- Finished jobs older than the setting commhub.job_retention (default 7 days).
CREATE FUNCTION commhub.prune_jobs(older_than interval DEFAULT NULL) RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    WITH d AS (DELETE FROM commhub.agent_jobs
                WHERE status IN ('succeeded', 'failed', 'dead')
                  AND finished_at < now() - coalesce(older_than,
                        coalesce(nullif(current_setting('commhub.job_retention', true), ''), '7 days')::interval)
                RETURNING 1)
    SELECT count(*) FROM d
$$;

-- Worker state (O2): which workers run and what they do.
CREATE FUNCTION commhub.worker_status() RETURNS TABLE (pid integer, state text, query text, backend_start timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT a.pid, a.state, a.query, a.backend_start FROM pg_stat_activity a WHERE a.backend_type LIKE 'commhub%' $$;

CREATE FUNCTION commhub.wake_workers_at_commit() RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'commhub_wake_workers_at_commit';

-- WeCom group-robot markdown for an urgent record.
CREATE FUNCTION commhub.urgent_markdown(c commhub.customer_communications) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('msgtype', 'markdown', 'markdown', jsonb_build_object('content',
        format(E'## <font color="warning">紧急沟通提醒</font>\n> 客户: **%s**\n> 渠道: %s %s\n> 时间: %s\n> 意图: %s\n> 原因: %s\n\n%s',
               coalesce((SELECT name FROM commhub.customers k WHERE k.tenant_id = c.tenant_id AND k.customer_id = c.customer_id), c.customer_id),
               commhub.channel_icon(c.communication_type), commhub.channel_label(c.communication_type),
               to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
               coalesce(commhub.intent_label(c.intent_category), '-'), coalesce(c.urgency_reason, '-'),
               left(coalesce(c.summary, c.subject, ''), 200))))
$$;

-- Called by ingest for each written chunk, in the ingest's transaction:
-- model jobs for routed A10, NOTIFY commhub_urgent and webhook jobs for
-- urgent records.  SECURITY DEFINER because writers may not read webhook
-- URLs or endpoint rows; it only inserts jobs for the caller's tenant.
CREATE FUNCTION commhub.enqueue_after_ingest(record_ids text[], urgent_ids text[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t text := commhub.current_tenant();
    n bigint := 0;
    k bigint;
    r record;
BEGIN
    IF cardinality(record_ids) > 0 THEN
        INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id)
        SELECT t, 'A10', ar.endpoint, c.record_id, nullif(c.customer_id, 'UNMATCHED')
          FROM commhub.agent_routes ar
          CROSS JOIN unnest(record_ids) AS u(rid)
          CROSS JOIN LATERAL (SELECT * FROM commhub.customer_communications x
                               WHERE x.tenant_id = t AND x.record_id = u.rid OFFSET 0) c
         WHERE ar.tenant_id = t AND ar.agent = 'A10';
        GET DIAGNOSTICS k = ROW_COUNT;
        n := n + k;
    END IF;
    IF cardinality(urgent_ids) > 0 THEN
        FOR r IN SELECT l.x AS c FROM unnest(urgent_ids) AS u(rid)
                   CROSS JOIN LATERAL (SELECT x FROM commhub.customer_communications x
                                        WHERE x.tenant_id = t AND x.record_id = u.rid OFFSET 0) l LOOP
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', (r.c).record_id, 'customer_id', nullif((r.c).customer_id, 'UNMATCHED'),
                'tenant_id', t, 'urgency_reason', (r.c).urgency_reason, 'channel', (r.c).communication_type,
                'summary', (r.c).summary, 'communication_time', (r.c).communication_time, 'source', 'builtin')::text);
            INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id, payload)
            SELECT t, 'webhook', w.name, (r.c).record_id, nullif((r.c).customer_id, 'UNMATCHED'), commhub.urgent_markdown(r.c)
              FROM commhub.notify_webhooks w WHERE w.tenant_id = t AND w.enabled;
            GET DIAGNOSTICS k = ROW_COUNT;
            n := n + k;
        END LOOP;
    END IF;
    RETURN n;
END
$$;

-- The {placeholders} of a job's prompt.
CREATE FUNCTION commhub.agent_prompt_vars(job_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(j.payload, '{}') || CASE WHEN c.record_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
               'record_id', c.record_id, 'communication_type', c.communication_type,
               'channel', coalesce(c.channel, commhub.channel_label(c.communication_type)),
               'communication_time', to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
               'customer_name', coalesce(k.name, '未识别客户'), 'subject', coalesce(c.subject, ''),
               'content', left(coalesce(c.content, ''), 8000),
               'builtin', coalesce(c.analysis, '{}')) END
      FROM commhub.agent_jobs j
      LEFT JOIN commhub.customer_communications c ON c.record_id = j.record_id
      LEFT JOIN commhub.customers k ON k.tenant_id = c.tenant_id AND k.customer_id = c.customer_id
     WHERE j.job_id = agent_prompt_vars.job_id
$$;

-- Apply a validated model answer (the worker calls this in the job's
-- result transaction).  A10 refines the record's AI columns (the built-in
-- result was there until now); a record that becomes urgent notifies.
-- A11-A16 enrich the insight named in the job payload.
CREATE FUNCTION commhub.apply_agent_result(job_id bigint, answer jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j commhub.agent_jobs;
    was_high boolean;
    c commhub.customer_communications;
    model text;
BEGIN
    SELECT * INTO j FROM commhub.agent_jobs x WHERE x.job_id = apply_agent_result.job_id;
    SELECT e.model INTO model FROM commhub.agent_endpoints e WHERE e.tenant_id = j.tenant_id AND e.name = j.endpoint;
    IF j.agent = 'A10' AND j.record_id IS NOT NULL THEN
        SELECT urgency_level = 'high' INTO was_high FROM commhub.customer_communications WHERE record_id = j.record_id;
        UPDATE commhub.customer_communications x SET
            intent_category = answer #>> '{intent,category}',
            intent_detail = left(answer #>> '{intent,detail}', 128),
            intent_confidence = round((answer #>> '{intent,confidence}')::numeric, 2),
            products_mentioned = coalesce(answer #> '{key_info,products}', x.products_mentioned),
            competitors_mentioned = coalesce(answer #> '{key_info,competitors}', x.competitors_mentioned),
            sentiment = answer #>> '{sentiment,overall}',
            sentiment_score = round((answer #>> '{sentiment,score}')::numeric, 2),
            customer_mood = left(answer #>> '{sentiment,mood}', 32),
            urgency_level = answer #>> '{urgency,level}',
            urgency_reason = left(answer #>> '{urgency,reason}', 128),
            ai_suggestions = coalesce(answer -> 'suggestions', x.ai_suggestions),
            ai_insights = coalesce(x.ai_insights, '{}') || jsonb_build_object('quality_score', answer -> 'quality_score',
                                                                              'builtin', x.analysis),
            analysis = answer,
            analyzed_by = left(format('model:%s/%s@A10v%s', j.endpoint, model, coalesce(j.prompt_version, 0)), 64),
            updated_at = now()
         WHERE x.record_id = j.record_id
        RETURNING * INTO c;
        IF c.urgency_level = 'high' AND NOT coalesce(was_high, false) THEN
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'), 'tenant_id', c.tenant_id,
                'urgency_reason', c.urgency_reason, 'channel', c.communication_type, 'summary', c.summary,
                'communication_time', c.communication_time, 'source', 'model')::text);
            INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id, payload)
            SELECT c.tenant_id, 'webhook', w.name, c.record_id, nullif(c.customer_id, 'UNMATCHED'), commhub.urgent_markdown(c)
              FROM commhub.notify_webhooks w WHERE w.tenant_id = c.tenant_id AND w.enabled;
        END IF;
    ELSIF j.payload ? 'insight_id' THEN
        UPDATE commhub.communication_insights i SET
            insight_data = coalesce(i.insight_data, '{}') || jsonb_build_object('model', answer),
            generated_by = left(format('model:%s/%s@%sv%s', j.endpoint, model, j.agent, coalesce(j.prompt_version, 0)), 64),
            updated_at = now()
         WHERE i.insight_id = j.payload->>'insight_id';
    END IF;
END
$$;
