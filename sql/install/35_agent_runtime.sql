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
    worker_pid       integer,
    -- times a worker claimed the job again because the worker that ran it
    -- died (its lease had expired, or its process was gone); such a claim
    -- is an attempt
    lease_expiries   integer      NOT NULL DEFAULT 0
);
CREATE INDEX agent_jobs_due ON commhub.agent_jobs (next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_lease ON commhub.agent_jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX agent_jobs_record ON commhub.agent_jobs (record_id);
CREATE INDEX agent_jobs_finished ON commhub.agent_jobs (finished_at) WHERE status IN ('succeeded', 'failed', 'dead');
-- Per-endpoint claims (claim_agent_jobs) look up due jobs and live runs by endpoint.
CREATE INDEX agent_jobs_endpoint_due ON commhub.agent_jobs (tenant_id, endpoint, next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_endpoint_running ON commhub.agent_jobs (tenant_id, endpoint) WHERE status = 'running';

-- Per-endpoint state written only by the workers: of a model endpoint
-- (agent_endpoints), or of a webhook (notify_webhooks, webhook true; the two
-- may share a name).  rate_tat (model endpoints with requests_per_minute,
-- claim_agent_jobs) is the GCRA "theoretical arrival time" -- requests are
-- spaced 60/rpm seconds apart, with a burst of about one second's worth
-- (ceil(rpm/60), at least 1).  paused_until is set when the endpoint or
-- webhook answers 429 (or 503 with Retry-After; a WeCom robot's errcode
-- 45009): no job of it is claimed before it (endpoint_throttled,
-- claim_agent_jobs); paused_at is when that pause began, pause_reason the
-- answer that set it.
CREATE TABLE commhub.agent_endpoint_state (
    tenant_id    varchar(64) NOT NULL,
    endpoint     varchar(64) NOT NULL,
    rate_tat     timestamptz NOT NULL DEFAULT now(),
    paused_until timestamptz,
    paused_at    timestamptz,
    pause_reason text,
    webhook      boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, endpoint, webhook)
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

-- Default prompts of the customer agents A11..A16 (version 1), used when
-- use_endpoint routes them (enqueue_agent_enrichment): {records} and
-- {builtin} come from the job payload; the answer has the seed's shape
-- (A15: Markdown).  The role phrase of each opens both prompts.
INSERT INTO commhub.agent_prompts (tenant_id, agent, version, system_prompt, template) VALUES
('T001', 'A11', 1,
 $tmpl$你是TopcentralMall的客户洞察专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的客户洞察专家。请基于客户的沟通记录和内置分析结果,生成深度客户洞察。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 客户关系健康度评分(0-100)与趋势(upward/stable/downward)
2. 沟通偏好(渠道/时间/频率/响应速度)
3. 决策模式与关键决策人
4. 满意度(1-5)与忠诚度(0-100)
5. 生命周期阶段(潜在客户/新客户/成长客户/成熟客户/流失风险)
6. 关键联系人、需求图谱、风险与机会
## 输出格式(JSON)
{"relationship_health": {"score": 85, "trend": "upward", "assessment": "..."},
 "communication_pattern": {"preferred_channel": "企业微信", "preferred_time": "工作日下午", "frequency": "每周2-3次", "response_speed": "平均2小时回复"},
 "decision_making": {"style": "理性决策", "key_factors": ["价格", "质量", "交期"], "decision_maker": "...", "decision_cycle": "2-3周"},
 "satisfaction": {"current": 4.2, "trend": "stable", "strengths": [], "pain_points": []},
 "loyalty": {"score": 78, "risk_level": "low", "retention_probability": 0.92},
 "lifecycle_stage": "成长客户",
 "key_contacts": [{"name": "...", "role": "...", "influence": 0.9, "relationship": "良好"}],
 "needs_map": {"current": [], "future": [], "latent": []},
 "risks": [{"type": "...", "level": "medium", "mitigation": "..."}],
 "opportunities": [{"type": "...", "potential": "high", "action": "..."}]}$tmpl$),
('T001', 'A12', 1,
 $tmpl$你是TopcentralMall的商机挖掘专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的商机挖掘专家。请从客户沟通记录中识别和评估商机。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 显性商机(客户明确表达的需求)与隐性商机(潜在需求信号)
2. 可行性、竞争态势、成交概率(0-1)、预计金额和时间
3. 推荐行动
## 输出格式(JSON)
{"opportunities": [{"id": "OPP-202406-001", "type": "explicit", "description": "...", "product": "...", "quantity": "50吨/月",
   "estimated_value": 750000, "probability": 0.65, "expected_close_date": "2024-08-15", "stage": "需求确认",
   "competitors": [], "winning_factors": [], "risk_factors": [], "recommended_actions": [], "urgency": "high"}],
 "cross_sell_opportunities": [{"product": "...", "reason": "...", "potential_value": 500000, "approach": "技术推荐"}],
 "up_sell_opportunities": [{"current": "...", "upgrade": "...", "reason": "...", "potential_value": 200000}]}$tmpl$),
('T001', 'A13', 1,
 $tmpl$你是TopcentralMall的营销策略专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的营销策略专家。请基于客户沟通分析,生成个性化营销建议。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 客户细分与定位, 营销内容, 最佳触达时机与渠道
2. 营销活动设计, 客户关怀, 复购与挽留方案
## 输出格式(JSON)
{"customer_segment": "VIP成长型客户",
 "marketing_strategy": {"approach": "价值深化", "key_messages": [], "value_proposition": "..."},
 "content_suggestions": [{"type": "技术白皮书", "topic": "...", "timing": "立即发送", "channel": "企业微信+邮件"}],
 "timing_recommendations": {"best_contact_days": ["周二"], "best_contact_hours": ["10:00-11:30"], "avoid_times": ["周一上午"]},
 "channel_strategy": {"primary": "企业微信", "secondary": "电话", "tertiary": "邮件", "reason": "..."},
 "campaign_ideas": [{"name": "...", "target": "...", "offer": "...", "expected_response": 0.8}],
 "care_strategy": {"birthday_greeting": true, "holiday_gifts": "...", "quarterly_business_review": true, "industry_insights_sharing": "..."},
 "retention_plan": {"risk_signals": [], "retention_actions": []}}$tmpl$),
('T001', 'A14', 1,
 $tmpl$你是TopcentralMall的风险预警专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的风险预警专家。请监控客户沟通数据,识别潜在风险。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 风险识别任务
1. 流失风险, 订单下滑, 投诉升级, 竞争对手渗透, 付款风险, 质量投诉, 关系恶化
2. risk_type 取 churn_risk/competitor_threat/complaint_escalation/payment_risk/sentiment_decline/quote_silence 之一, risk_level 取 high/medium/low, risk_score 0-100
## 输出格式(JSON)
{"risk_alerts": [{"alert_id": "RISK-202406-001", "customer_id": "C001", "customer_name": "...", "risk_type": "churn_risk",
   "risk_level": "high", "risk_score": 75, "indicators": [], "triggered_at": "2024-06-15", "expected_impact": "...",
   "recommended_actions": [], "escalation_required": true, "escalation_to": "sales_director"}],
 "early_warning_signals": {"communication_decline": {"detected": true, "metric": "30天沟通次数", "current": 2, "baseline": 8, "trend": "declining"},
                           "price_sensitivity": {"detected": true, "evidence": "...", "severity": "medium"}}}$tmpl$),
('T001', 'A15', 1,
 $tmpl$你是TopcentralMall的报告生成专家。只输出Markdown报告,不要输出JSON或其他说明。$tmpl$,
 $tmpl$你是TopcentralMall的报告生成专家。请基于沟通记录和内置分析结果,生成专业的客户专属分析报告。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 报告内容
- 客户沟通全景图
- 关系健康度评估
- 合作价值分析(商机、风险)
- 改进建议与行动清单
## 输出格式: Markdown报告(以 # 标题开头)$tmpl$),
('T001', 'A16', 1,
 $tmpl$你是TopcentralMall的沟通聚合分析总协调Agent。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的沟通聚合分析总协调Agent。请整合各专业Agent(A10-A15)的结果,生成综合分析。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 输出格式(JSON)
{"analysis_summary": {"total_records": 150, "channels": {"wechat": 80, "phone": 40, "email": 20, "visit": 10}, "analysis_date": "2024-06-15"},
 "customer_insights": {"...": "A11输出"},
 "opportunities": {"...": "A12输出"},
 "marketing_suggestions": {"...": "A13输出"},
 "risk_alerts": {"...": "A14输出"},
 "reports": {"...": "A15输出"},
 "action_plan": {"immediate": [], "short_term": [], "long_term": []}}$tmpl$);

-- N3: configure endpoints and routes.
CREATE FUNCTION commhub.set_endpoint(name text, base_url text, model text, api_key text DEFAULT NULL,
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

-- O2: each model endpoint and each webhook of the tenant (webhook true):
-- paused (after a 429 / 503 with Retry-After, until paused_until, with the
-- answer that paused it), its jobs queued and running, and a model
-- endpoint's limits and rate-limit slot.  No key: a webhook's URL holds
-- its key, so base_url is NULL for webhooks.
CREATE VIEW commhub.endpoint_status AS
SELECT e.tenant_id, e.name AS endpoint, e.base_url, e.model,
       coalesce(s.paused_until > now(), false) AS paused,
       s.paused_until, s.paused_at, s.pause_reason,
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = e.tenant_id AND j.endpoint = e.name
           AND j.agent <> 'webhook' AND j.status = 'queued') AS queued,
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = e.tenant_id AND j.endpoint = e.name
           AND j.agent <> 'webhook' AND j.status = 'running') AS running,
       e.max_inflight, e.requests_per_minute,
       CASE WHEN e.requests_per_minute IS NOT NULL THEN s.rate_tat END AS rate_tat,
       false AS webhook
  FROM commhub.agent_endpoints e
  LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = e.tenant_id AND s.endpoint = e.name AND NOT s.webhook
 WHERE e.tenant_id = (SELECT commhub.current_tenant())
UNION ALL
SELECT w.tenant_id, w.name, NULL::text, NULL::varchar(256),
       coalesce(s.paused_until > now(), false),
       s.paused_until, s.paused_at, s.pause_reason,
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = w.tenant_id AND j.endpoint = w.name
           AND j.agent = 'webhook' AND j.status = 'queued'),
       (SELECT count(*) FROM commhub.agent_jobs j WHERE j.tenant_id = w.tenant_id AND j.endpoint = w.name
           AND j.agent = 'webhook' AND j.status = 'running'),
       NULL::integer, NULL::integer, NULL::timestamptz, true
  FROM commhub.notify_webhooks w
  LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = w.tenant_id AND s.endpoint = w.name AND s.webhook
 WHERE w.tenant_id = (SELECT commhub.current_tenant());

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

-- The workers' claim (N3 limits, N4).  Returns the ids of up to n jobs it
-- moved to 'running' (attempts+1, this backend's pid, a lease of the
-- endpoint's timeout + 15 s); the caller commits at once.  Claims of all
-- workers are serialized by a transaction advisory lock, so the per-endpoint
-- limits hold across workers, not just per worker:
--   max_inflight         an endpoint gets no more jobs while its live
--                        'running' jobs (lease not expired) reach it;
--   requests_per_minute  requests start at most one per 60/rpm s, with a
--                        burst of ceil(rpm/60) (GCRA, agent_endpoint_state).
--                        Due jobs held back by the rate stay 'queued' with
--                        next_attempt_at moved to the next free slot (at most
--                        1000 per endpoint and pass); that costs no attempt.
--   paused               an endpoint paused after a 429 / 503 with
--                        Retry-After (agent_endpoint_state.paused_until,
--                        endpoint_throttled) gets no job until then; its due
--                        jobs stay 'queued' with next_attempt_at moved to the
--                        pause's end, no attempt spent.  Webhooks too.
-- A job found 'running' with its lease expired, or whose worker is gone (no
-- backend with its worker_pid, or only one that started after the claim:
-- the pid was reused), was left by a worker that died while running it
-- (killed, or a crash -- say one its answer causes): it is claimed again as
-- a new attempt, counted in lease_expiries; once it has no attempt left
-- (the endpoint's max_attempts, 5 for webhooks) it is dead instead, "lease
-- expired N times" or "the worker (pid P) died while running it" -- a
-- poison job must not crash the workers for ever.  After a crash restart (a backend killed with
-- SIGKILL ends every backend) that is the workers' first claim, not the end
-- of a lease of up to the endpoint's timeout + 15 s.  The check reads
-- pg_stat_activity after the claim lock, so a job claimed by a live worker
-- is never taken for one whose worker is gone.
-- Webhook jobs have no limits.  include_orphans also claims due jobs whose
-- endpoint or webhook no longer exists (they fail with "not configured");
-- the worker asks for that once per poll interval since it scans all due
-- jobs.  Several endpoints share n oldest-first.
CREATE FUNCTION commhub.claim_agent_jobs(n integer, include_orphans boolean DEFAULT true) RETURNS SETOF bigint
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
    gone bigint[];              -- running jobs whose worker is gone
BEGIN
    IF n IS NULL OR n <= 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1668114532, 1);   -- 'chub', 1: the claim
    -- Running jobs whose worker is gone.  The backends as they are now (not
    -- as first read in this transaction); a backend_start we may not see
    -- (NULL) counts as alive.
    PERFORM pg_stat_clear_snapshot();
    SELECT coalesce(array_agg(j.job_id), '{}') INTO gone
      FROM commhub.agent_jobs j
      LEFT JOIN pg_stat_activity a ON a.pid = j.worker_pid
     WHERE j.status = 'running' AND (a.pid IS NULL OR a.backend_start > j.started_at);
    -- Poison jobs: expired lease or worker gone, no attempt left.
    UPDATE commhub.agent_jobs j SET status = 'dead', lease_expiries = j.lease_expiries + 1,
           error_class = CASE WHEN j.lease_expires_at < now() THEN 'lease_expired' ELSE 'worker_died' END,
           last_error = CASE WHEN j.lease_expires_at < now()
                        THEN format('lease_expired: lease expired %s; the worker died while running it (gave up after %s attempts)',
                                    CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END, j.attempts)
                        ELSE format('worker_died: the worker (pid %s) died while running it (%s; gave up after %s attempts)',
                                    j.worker_pid, CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END,
                                    j.attempts) END,
           finished_at = now(), lease_expires_at = NULL
     WHERE j.job_id IN (SELECT q.job_id FROM commhub.agent_jobs q
                          LEFT JOIN commhub.agent_endpoints x ON q.agent <> 'webhook' AND x.tenant_id = q.tenant_id AND x.name = q.endpoint
                         WHERE q.status = 'running' AND (q.lease_expires_at < now() OR q.job_id = ANY (gone))
                           AND q.attempts >= coalesce(x.max_attempts, 5)
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
                   AND r.agent <> 'webhook' AND r.lease_expires_at >= now() AND r.job_id <> ALL (gone))::int AS live,
               coalesce(s.paused_until > now(), false) AS paused
          FROM commhub.agent_endpoints x
          LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name AND NOT s.webhook
        UNION ALL
        SELECT w.tenant_id, w.name, true, n, NULL, NULL, 0, coalesce(s.paused_until > now(), false)
          FROM commhub.notify_webhooks w
          LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = w.tenant_id AND s.endpoint = w.name AND s.webhook
         WHERE w.enabled
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
                    OR (j.status = 'running' AND (j.lease_expires_at < now() OR j.job_id = ANY (gone))))
             ORDER BY j.next_attempt_at, j.job_id LIMIT budget FOR UPDATE SKIP LOCKED) q;
        cand := cand || coalesce(ids, '{}');
    END LOOP;
    -- When asked: due jobs whose endpoint or webhook no longer exists, or
    -- whose webhook was disabled meanwhile (the worker fails them unsent).
    IF include_orphans THEN
        SELECT array_agg(q.job_id) INTO ids FROM (
            SELECT j.job_id FROM commhub.agent_jobs j
             WHERE ((j.status = 'queued' AND j.next_attempt_at <= now())
                    OR (j.status = 'running' AND (j.lease_expires_at < now() OR j.job_id = ANY (gone))))
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
                      last_error = CASE WHEN j.status = 'running' AND j.lease_expires_at < now()
                                        THEN format('lease_expired: lease expired %s; the worker died while running it',
                                                    CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END)
                                        WHEN j.status = 'running'
                                        THEN format('worker_died: the worker (pid %s) died while running it (%s)',
                                                    j.worker_pid, CASE WHEN j.lease_expiries = 0 THEN 'once' ELSE (j.lease_expiries + 1) || ' times' END)
                                        ELSE j.last_error END,
                      error_class = CASE WHEN j.status = 'running' AND j.lease_expires_at < now() THEN 'lease_expired'
                                         WHEN j.status = 'running' THEN 'worker_died' ELSE j.error_class END,
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
      LEFT JOIN commhub.agent_endpoint_state st ON st.tenant_id = j.tenant_id AND st.endpoint = j.endpoint AND NOT st.webhook
     WHERE j.job_id = ANY (ids) AND j.agent <> 'webhook'
     GROUP BY j.tenant_id, j.endpoint
    ON CONFLICT ON CONSTRAINT agent_endpoint_state_pkey DO UPDATE SET rate_tat = EXCLUDED.rate_tat;
    -- Jobs held back by the rate wait, still queued, for the next free
    -- slot; jobs of a paused endpoint or webhook, for the pause's end.
    FOR e IN
        SELECT * FROM (
        SELECT x.tenant_id, x.name, s.rate_tat
                   - make_interval(secs => (greatest(1, ceil(x.requests_per_minute / 60.0)) - 1) * 60.0 / x.requests_per_minute) AS slot,
               false AS webhook
          FROM commhub.agent_endpoints x
          JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name AND NOT s.webhook
         WHERE x.requests_per_minute IS NOT NULL
        UNION ALL
        SELECT s.tenant_id, s.endpoint, s.paused_until, s.webhook
          FROM commhub.agent_endpoint_state s WHERE s.paused_until > now()) w
         WHERE w.slot > now()
    LOOP
        UPDATE commhub.agent_jobs j SET next_attempt_at = e.slot
         WHERE j.job_id IN (SELECT q.job_id FROM commhub.agent_jobs q
                             WHERE q.tenant_id = e.tenant_id AND q.endpoint = e.name AND (q.agent = 'webhook') = e.webhook
                               AND q.status = 'queued' AND q.next_attempt_at < e.slot
                             ORDER BY q.next_attempt_at, q.job_id LIMIT 1000 FOR UPDATE SKIP LOCKED);
    END LOOP;
    RETURN QUERY SELECT unnest(coalesce(ids, '{}'));
END
$$;

-- Milliseconds until the next queued job or lease falls due (NULL: none);
-- the workers sleep until then (at most their poll interval).
CREATE FUNCTION commhub.next_job_due_ms() RETURNS double precision
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT extract(epoch FROM least(
               (SELECT min(j.next_attempt_at) FROM commhub.agent_jobs j WHERE j.status = 'queued' AND j.next_attempt_at > now()),
               (SELECT min(j.lease_expires_at) FROM commhub.agent_jobs j WHERE j.status = 'running' AND j.lease_expires_at > now()))
           - now()) * 1000
$$;

-- A model endpoint or a webhook refused a job's call with 429, or 503 with
-- Retry-After (or a WeCom robot's errcode 45009, frequency limit; the
-- worker calls this in the job's result transaction): the endpoint (the
-- webhook) is paused for pause_ms (the Retry-After, else the job's backoff) -- no job of
-- it is claimed before paused_until.  refund is true when the endpoint was
-- already paused by a refusal that came after this job's call started: the
-- call was refused by the same storm, so its attempt is not counted and it
-- waits for the pause's end.  The first refusal of a storm counts (an
-- endpoint that refuses everything still ends its jobs dead).
CREATE FUNCTION commhub.endpoint_throttled(job_id bigint, pause_ms double precision, reason text,
                                           OUT refund boolean, OUT paused_until timestamptz)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j commhub.agent_jobs;
    st commhub.agent_endpoint_state;
    wh boolean;
    target timestamptz := now() + make_interval(secs => greatest(coalesce(pause_ms, 0), 0) / 1000.0);
BEGIN
    SELECT * INTO j FROM commhub.agent_jobs x WHERE x.job_id = endpoint_throttled.job_id;
    refund := false;
    IF j.job_id IS NULL OR j.endpoint IS NULL THEN
        RETURN;
    END IF;
    wh := j.agent = 'webhook';
    INSERT INTO commhub.agent_endpoint_state (tenant_id, endpoint, webhook) VALUES (j.tenant_id, j.endpoint, wh)
    ON CONFLICT ON CONSTRAINT agent_endpoint_state_pkey DO NOTHING;
    SELECT * INTO st FROM commhub.agent_endpoint_state s
     WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint AND s.webhook = wh FOR UPDATE;
    IF st.paused_until > now() THEN
        refund := st.paused_at >= j.started_at;
        UPDATE commhub.agent_endpoint_state s SET paused_until = greatest(s.paused_until, target)
         WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint AND s.webhook = wh
        RETURNING s.paused_until INTO paused_until;
    ELSE
        UPDATE commhub.agent_endpoint_state s SET paused_until = target, paused_at = now(), pause_reason = left(reason, 500)
         WHERE s.tenant_id = j.tenant_id AND s.endpoint = j.endpoint AND s.webhook = wh
        RETURNING s.paused_until INTO paused_until;
    END IF;
END
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
        -- LISTEN needs no privilege: any role connected to the database
        -- hears commhub_urgent, whatever its tenant.  The payload is what
        -- N5 asks for (ids, channel, time, urgency_reason) and no content;
        -- a listener reads the record itself under row security.
        -- Set-based: one NOTIFY per urgent record, one webhook job per
        -- record and enabled webhook, in two statements.
        PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                    'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'),
                    'tenant_id', t, 'urgency_reason', c.urgency_reason, 'channel', c.communication_type,
                    'communication_time', c.communication_time, 'source', 'builtin')::text)
           FROM unnest(urgent_ids) WITH ORDINALITY AS u(rid, ord)
          CROSS JOIN LATERAL (SELECT * FROM commhub.customer_communications x
                               WHERE x.tenant_id = t AND x.record_id = u.rid OFFSET 0) c
          ORDER BY u.ord;
        IF EXISTS (SELECT 1 FROM commhub.notify_webhooks w WHERE w.tenant_id = t AND w.enabled) THEN
            INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id, payload)
            SELECT t, 'webhook', w.name, (l.c).record_id, nullif((l.c).customer_id, 'UNMATCHED'), commhub.urgent_markdown(l.c)
              FROM unnest(urgent_ids) WITH ORDINALITY AS u(rid, ord)
             CROSS JOIN LATERAL (SELECT x AS c FROM commhub.customer_communications x
                                  WHERE x.tenant_id = t AND x.record_id = u.rid OFFSET 0) l
             CROSS JOIN commhub.notify_webhooks w
             WHERE w.tenant_id = t AND w.enabled
             ORDER BY u.ord, w.name;
            GET DIAGNOSTICS k = ROW_COUNT;
            n := n + k;
        END IF;
    END IF;
    RETURN n;
END
$$;

-- N2/N3: model enrichment of the customer agents.  Called by every built-in
-- run of A11..A16 (agent_save, and run_agent/agent_run_customer for A14) in
-- the run's transaction: when commhub.use_endpoint(agent, endpoint) routes
-- the agent, one job is enqueued whose payload carries the stored insight,
-- the built-in result and the customer's recent records, and the workers are
-- woken at commit.  apply_agent_result merges the validated answer into the
-- insight's insight_data as "model".  A14 stores one insight per alert: the
-- job enriches the highest-scoring one (no alert, no insight: no job).  A
-- still-queued job for the same insight is refreshed instead of duplicated.
-- The payload stays near 16 KB: the built-in result up to ~8 KB (else cut as
-- text), then the newest records (time, channel, summary, intent,
-- sentiment) while they fit.  SECURITY DEFINER because writers may not read
-- routes or endpoints; it only writes jobs for the caller's tenant.
CREATE FUNCTION commhub.enqueue_agent_enrichment(agent text, customer_id text, insight_id text, builtin jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t constant text := commhub.current_tenant();
    ep text;
    iid text := insight_id;
    b jsonb := coalesce(builtin, '{}');
    recs jsonb;
    budget integer;
    pl jsonb;
    jid bigint;
BEGIN
    SELECT r.endpoint INTO ep FROM commhub.agent_routes r
     WHERE r.tenant_id = t AND r.agent = enqueue_agent_enrichment.agent;
    IF ep IS NULL OR agent NOT IN ('A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RETURN 0;
    END IF;
    IF agent = 'A14' AND iid IS NULL THEN
        SELECT a ->> 'insight_id' INTO iid FROM jsonb_array_elements(commhub.jarr(b -> 'risk_alerts')) a
         WHERE a ? 'insight_id' ORDER BY (a ->> 'risk_score')::numeric DESC NULLS LAST LIMIT 1;
    END IF;
    IF iid IS NULL THEN
        RETURN 0;
    END IF;
    -- the insight must be this tenant's, of this customer
    IF NOT EXISTS (SELECT 1 FROM commhub.communication_insights i
                    WHERE i.tenant_id = t AND i.insight_id = iid AND i.customer_id = enqueue_agent_enrichment.customer_id) THEN
        RAISE EXCEPTION 'insight_id "%" is not an insight of customer "%" in tenant "%"', iid, customer_id, t
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the insight_id the agent saved for this customer (commhub.communication_insights).';
    END IF;
    b := b - 'insight_id' - 'insight_ids';
    IF octet_length(b::text) > 8000 THEN          -- A16 carries whole reports: drop them first
        b := b - 'reports';
    END IF;
    IF octet_length(b::text) > 8000 THEN
        b := to_jsonb(left(b::text, 8000) || '…(truncated)');
    END IF;
    budget := greatest(2000, 15500 - octet_length(b::text));
    SELECT coalesce(jsonb_agg(x.r ORDER BY x.rn), '[]') INTO recs
      FROM (SELECT y.rn, y.r, sum(octet_length(y.r::text) + 2) OVER (ORDER BY y.rn) AS used
              FROM (SELECT row_number() OVER (ORDER BY c.communication_time DESC, c.record_id) AS rn,
                           jsonb_build_object(
                               'time', to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
                               'channel', c.communication_type,
                               'summary', left(coalesce(c.summary, c.subject, c.content, ''), 200),
                               'intent', c.intent_category, 'sentiment', c.sentiment) AS r
                      FROM commhub.customer_communications c
                     WHERE c.tenant_id = t AND c.customer_id = enqueue_agent_enrichment.customer_id
                     ORDER BY c.communication_time DESC, c.record_id LIMIT 100) y) x
     WHERE x.used <= budget;
    pl := jsonb_build_object('insight_id', iid, 'builtin', b, 'records', recs,
                             'customer_id', customer_id,
                             'customer_name', coalesce((SELECT k.name FROM commhub.customers k
                                                         WHERE k.tenant_id = t AND k.customer_id = enqueue_agent_enrichment.customer_id),
                                                        customer_id));
    UPDATE commhub.agent_jobs j SET payload = pl, endpoint = ep, next_attempt_at = now()
     WHERE j.job_id = (SELECT q.job_id FROM commhub.agent_jobs q
                        WHERE q.tenant_id = t AND q.agent = enqueue_agent_enrichment.agent AND q.status = 'queued'
                          AND q.attempts = 0 AND q.payload ->> 'insight_id' = iid
                        LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING j.job_id INTO jid;
    IF jid IS NULL THEN
        INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, customer_id, payload)
        VALUES (t, agent, ep, customer_id, pl)
        RETURNING job_id INTO jid;
    END IF;
    PERFORM commhub.wake_workers_at_commit();
    RETURN jid;
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
        SELECT urgency_level = 'high' INTO was_high FROM commhub.customer_communications
         WHERE tenant_id = j.tenant_id AND record_id = j.record_id;
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
         WHERE x.tenant_id = j.tenant_id AND x.record_id = j.record_id
        RETURNING * INTO c;
        IF c.urgency_level = 'high' AND NOT coalesce(was_high, false) THEN
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'), 'tenant_id', c.tenant_id,
                'urgency_reason', c.urgency_reason, 'channel', c.communication_type,
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
         WHERE i.tenant_id = j.tenant_id AND i.insight_id = j.payload->>'insight_id';
    END IF;
END
$$;
