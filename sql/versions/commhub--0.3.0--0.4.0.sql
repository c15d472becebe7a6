-- commhub 0.3.0 -> 0.4.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.4.0'" to load this file. \quit

-- Tenancy: current_tenant() (C) checks the session's role, also inside
-- SECURITY DEFINER functions (no SQL change).  The definer functions that
-- queue jobs, and the function that applies a model's answer, keep to the
-- job's tenant: enqueue_agent_enrichment() accepts only an insight of the
-- caller's tenant and customer; apply_agent_result() updates only rows of
-- the job's tenant.  NOTIFY commhub_urgent no longer carries the summary
-- (any connected role can LISTEN).  Jobs of a webhook disabled after they
-- were queued are failed unsent.
-- Reports and agents read [since, until): a record at midnight belongs to
-- the day it starts, as in the BI views.  A14 alerts notify once when two
-- runs overlap.  The BI health score is customer_overview()'s (health_for).
-- relative_time() says 3小时后 for a time later than now (was 刚刚); search()
-- cuts its snippet from the normalized text the match was found in.
-- tenant_grants is under row security (own grants; admins all).
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
r AS (
    SELECT avg(extract(epoch FROM (o.t - i.communication_time)) / 60.0) AS minutes
      FROM c i
      CROSS JOIN LATERAL (SELECT min(o.communication_time) AS t FROM c o
                           WHERE o.direction = 'outbound' AND o.communication_time > i.communication_time
                             AND o.communication_time <= i.communication_time + interval '7 days') o
     WHERE i.direction = 'inbound' AND o.t IS NOT NULL AND i.communication_time > at - interval '90 days'),
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
REVOKE ALL ON FUNCTION commhub.health_for(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commhub.health_for(text, text, timestamptz) TO commhub_reader;

CREATE OR REPLACE FUNCTION commhub.relative_time(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
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

CREATE OR REPLACE FUNCTION commhub.health(customer_id text, at timestamptz DEFAULT now())
RETURNS TABLE (score integer, trend text, last_contact timestamptz, records_30d integer,
               records_prev_60d integer, sentiment_avg numeric, sentiment_prev numeric,
               response_minutes numeric, complaints_30d integer, overdue_tasks integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM commhub.health_for(commhub.current_tenant(), health.customer_id, health.at) $$;

CREATE OR REPLACE FUNCTION commhub.search(query text, customer_id text DEFAULT NULL, page_size integer DEFAULT 50)
RETURNS TABLE (record_id varchar, customer varchar, communication_time timestamptz, channel_label text,
               subject varchar, summary text, snippet text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q text := lower(normalize(btrim(query), NFKC));   -- full-width folded like the index terms
    terms text[];
BEGIN
    terms := commhub.search_terms(q);
    IF q IS NULL OR cardinality(terms) = 0 THEN
        RAISE EXCEPTION 'query "%" has no searchable word', query USING ERRCODE = '22023',
            HINT = 'Search for at least two Chinese characters (询价) or one word of two letters or digits (PCR).';
    END IF;
    IF page_size IS NULL OR page_size < 1 OR page_size > 1000 THEN
        RAISE EXCEPTION 'page_size % is outside 1..1000', page_size USING ERRCODE = '22023', HINT = 'Ask for at most 1000 rows.';
    END IF;
    RETURN QUERY
    SELECT c.record_id, c.customer_id, c.communication_time, commhub.channel_label(c.communication_type),
           c.subject, c.summary,
           CASE WHEN strpos(lower(normalize(coalesce(c.content, ''), NFKC)), q) > 0
                -- cut from the text the match was found in: NFKC changes lengths (㎏ -> kg)
                THEN substr(normalize(c.content, NFKC), greatest(1, strpos(lower(normalize(c.content, NFKC)), q) - 20), length(q) + 40)
                ELSE c.subject::text END
      FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant()
       AND (search.customer_id IS NULL OR c.customer_id = search.customer_id)
       AND c.canonical_record_id IS NULL
       AND commhub.search_terms(coalesce(c.subject, '') || ' ' || left(coalesce(c.content, ''), 4000)) @> terms
       AND (strpos(lower(normalize(coalesce(c.subject, ''), NFKC)), q) > 0
            OR strpos(lower(normalize(coalesce(c.content, ''), NFKC)), q) > 0)
     ORDER BY c.communication_time DESC, c.id DESC
     LIMIT page_size;
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
BEGIN
    IF n IS NULL OR n <= 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1668114532, 1);   -- 'chub', 1: the claim
    -- Each model endpoint gives at most its free in-flight and rate budget;
    -- each webhook (no limits) up to n.
    FOR e IN
        SELECT x.tenant_id, x.name, false AS webhook, x.max_inflight, x.requests_per_minute AS rpm, s.rate_tat,
               (SELECT count(*) FROM commhub.agent_jobs r
                 WHERE r.tenant_id = x.tenant_id AND r.endpoint = x.name AND r.status = 'running'
                   AND r.agent <> 'webhook' AND r.lease_expires_at >= now())::int AS live
          FROM commhub.agent_endpoints x
          LEFT JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name
        UNION ALL
        SELECT w.tenant_id, w.name, true, n, NULL, NULL, 0 FROM commhub.notify_webhooks w WHERE w.enabled
    LOOP
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
    -- Jobs held back by the rate wait, still queued, for the next free slot.
    FOR e IN
        SELECT x.tenant_id, x.name, s.rate_tat
                   - make_interval(secs => (greatest(1, ceil(x.requests_per_minute / 60.0)) - 1) * 60.0 / x.requests_per_minute) AS slot
          FROM commhub.agent_endpoints x
          JOIN commhub.agent_endpoint_state s ON s.tenant_id = x.tenant_id AND s.endpoint = x.name
         WHERE x.requests_per_minute IS NOT NULL
    LOOP
        CONTINUE WHEN e.slot <= now();
        UPDATE commhub.agent_jobs j SET next_attempt_at = e.slot
         WHERE j.job_id IN (SELECT q.job_id FROM commhub.agent_jobs q
                             WHERE q.tenant_id = e.tenant_id AND q.endpoint = e.name AND q.agent <> 'webhook'
                               AND q.status = 'queued' AND q.next_attempt_at < e.slot
                             ORDER BY q.next_attempt_at, q.job_id LIMIT 1000 FOR UPDATE SKIP LOCKED);
    END LOOP;
    RETURN QUERY SELECT unnest(coalesce(ids, '{}'));
END
$$;

CREATE OR REPLACE FUNCTION commhub.enqueue_after_ingest(record_ids text[], urgent_ids text[]) RETURNS bigint
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

CREATE OR REPLACE FUNCTION commhub.enqueue_agent_enrichment(agent text, customer_id text, insight_id text, builtin jsonb)
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

CREATE OR REPLACE FUNCTION commhub.apply_agent_result(job_id bigint, answer jsonb) RETURNS void
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

CREATE OR REPLACE FUNCTION commhub.agent_records(customer_id text, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = $1
       AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3
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
                       CASE WHEN (a ->> 'escalation_required')::boolean THEN '需升级: ' || coalesce(a ->> 'escalation_to', '') ELSE '' END);
        -- One run at a time per alert: two overlapping runs (risk_5min, a
        -- manual run_agent, the weekly job) would both find no insight yet
        -- and both notify.  The second waits here and then sees the first's.
        PERFORM pg_advisory_xact_lock(hashtextextended('commhub A14 ' || commhub.current_tenant() || '|' || key, 0));
        SELECT i.insight_id, i.notification_sent, i.notification_time, i.insight_data ->> 'risk_level' AS level
          INTO prev
          FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = key
         FOR UPDATE;
        v_id := commhub.save_insight(cid, 'risk', title, body, a - 'insight_id', coalesce(a -> 'related_records', '[]'),
                                   jsonb_array_length(coalesce(a -> 'related_records', '[]')), since, until,
                                   CASE a ->> 'risk_level' WHEN 'high' THEN 0.85 WHEN 'medium' THEN 0.7 ELSE 0.55 END,
                                   ceil((a ->> 'risk_score')::numeric / 10)::int, 'builtin:A14', key);
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
    RETURN jsonb_set(result, '{risk_alerts}', out_alerts);
END
$$;

CREATE OR REPLACE FUNCTION commhub.report_records(scope jsonb, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3   -- [since, until): a midnight record is its own day's
       AND ($1 ->> 'kind' = 'tenant'
            OR c.customer_id IN (SELECT jsonb_array_elements_text($1 -> 'customers'))
            OR ($1 ->> 'staff' IS NOT NULL AND $1 ->> 'staff' IN (c.handled_by, c.initiated_by, c.assigned_to)))
$$;

CREATE OR REPLACE FUNCTION commhub.report_weekly(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    len interval := until - since;
    prev0 timestamptz := since - (until - since);
    l text[];
    r record;
    n integer;
    p integer;
    k integer;
    resp numeric;
    opps jsonb := '[]';
    risks jsonb := '[]';
    plan jsonb := '[]';
    x jsonb;
    total numeric := 0;
    weighted numeric := 0;
BEGIN
    l := commhub.report_header('📊 沟通周报 - ' || to_char(since AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 至 '
                               || to_char((until - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
                               scope, since, until);
    SELECT count(*)::int INTO n FROM commhub.report_records(scope, since, until);
    SELECT count(*)::int INTO p FROM commhub.report_records(scope, prev0, since);
    SELECT round(avg(extract(epoch FROM o.t - c.communication_time) / 3600.0), 1) INTO resp
      FROM commhub.report_records(scope, since, until) c
      CROSS JOIN LATERAL (SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
                           WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.direction = 'outbound'
                             AND o.communication_time > c.communication_time
                             AND o.communication_time <= c.communication_time + interval '7 days') o
     WHERE c.direction = 'inbound' AND c.customer_id <> 'UNMATCHED' AND o.t IS NOT NULL;

    -- 一、本周沟通概览
    l := l || '## 一、本周沟通概览'::text || ''::text
           || format('本周共 %s 条沟通 (上周 %s 条%s),涉及 %s 个客户;%s。', n, p,
                     CASE WHEN p > 0 THEN ',环比 ' || commhub.pct_change(n, p) ELSE '' END,
                     (SELECT count(DISTINCT c.customer_id) FROM commhub.report_records(scope, since, until) c
                       WHERE c.customer_id <> 'UNMATCHED'),
                     commhub.response_text(resp))
           || ''::text;
    IF n > 0 THEN
        l := l || commhub.report_channel_table(scope, since, until, prev0, '本周', '上周') || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    -- 二、客户活跃度
    l := l || '## 二、客户活跃度'::text || ''::text;
    k := 0;
    FOR r IN
        SELECT k2.customer_id, k2.name, count(*) FILTER (WHERE c.communication_time >= since) AS n_now,
               count(*) FILTER (WHERE c.communication_time < since) AS n_prev, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, prev0, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2
        HAVING count(*) FILTER (WHERE c.communication_time >= since) > 0
         ORDER BY 3 DESC, 1 LIMIT 10
    LOOP
        IF k = 0 THEN
            l := l || '| 客户 | 本周沟通 | 上周 | 健康度 | 趋势 | 最后联系 |'::text || '|---|---:|---:|---:|:---:|---|'::text;
        END IF;
        k := k + 1;
        l := l || (SELECT format('| %s | %s | %s | %s | %s | %s |', r.name, r.n_now, r.n_prev, h.score,
                                 commhub.trend_arrow(h.trend), commhub.relative_time(r.last_at, until))
                     FROM commhub.health(r.customer_id, until) h);
    END LOOP;
    IF k = 0 THEN l := l || '本周没有客户沟通。'::text; END IF;
    SELECT string_agg(format('%s(最后联系%s)', x.name, commhub.relative_time(x.last_at, until)), '、' ORDER BY x.last_at DESC)
      INTO STRICT r
      FROM (SELECT k2.name, max(c.communication_time) AS last_at
              FROM commhub.report_records(scope, since - interval '28 days', until) c
              JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
             GROUP BY 1 HAVING max(c.communication_time) <= since
             ORDER BY 2 DESC LIMIT 10) x;
    l := l || ''::text || ('沉默客户 (前4周有沟通、本周无沟通): ' || coalesce(r.string_agg, '无')) || ''::text;

    -- A12 and A14 for the customers active in 90 days (bounded)
    FOR r IN
        SELECT k2.customer_id, k2.name, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, until - interval '90 days', until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a12_opportunities(r.customer_id, until - interval '90 days', until) -> 'opportunities') e
                  WHERE e ->> 'type' = 'explicit' LOOP
            opps := opps || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e LOOP
            risks := risks || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;

    -- 三、商机进展
    l := l || '## 三、商机进展'::text || ''::text;
    IF jsonb_array_length(opps) = 0 THEN
        l := l || '暂无进行中的显性商机。'::text;
    ELSE
        l := l || '| 客户 | 商机 | 阶段 | 成交概率 | 预计金额 | 预计成交 |'::text || '|---|---|---|---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(opps) e
                  ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 10 LOOP
            l := l || format('| %s | %s | %s | %s%% | %s | %s |', x ->> 'customer_name', x ->> 'description', x ->> 'stage',
                             round(100 * (x ->> 'probability')::numeric),
                             CASE WHEN (x ->> 'estimated_value')::numeric > 0 THEN commhub.money_text((x ->> 'estimated_value')::numeric) ELSE '待确认' END,
                             coalesce(x ->> 'expected_close_date', '-'));
            total := total + (x ->> 'estimated_value')::numeric;
            weighted := weighted + (x ->> 'estimated_value')::numeric * (x ->> 'probability')::numeric;
        END LOOP;
        l := l || ''::text || format('商机合计 %s 个,预计金额 %s,按概率加权 %s。', jsonb_array_length(opps),
                                     commhub.money_text(total), commhub.money_text(round(weighted)));
    END IF;
    l := l || ''::text;

    -- 四、风险预警汇总
    l := l || '## 四、风险预警汇总'::text || ''::text;
    IF jsonb_array_length(risks) = 0 THEN
        l := l || '本周无风险预警 ✅'::text;
    ELSE
        l := l || format('高风险 %s 项 · 中风险 %s 项 · 低风险 %s 项',
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'high'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'medium'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'low'))
               || ''::text || '| 客户 | 风险 | 等级 | 分数 | 主要指标 |'::text || '|---|---|:---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(risks) e
                  ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 15 LOOP
            l := l || format('| %s | %s | %s | %s | %s |', x ->> 'customer_name', commhub.risk_type_label(x ->> 'risk_type'),
                             commhub.level_label(x ->> 'risk_level'), x ->> 'risk_score', x -> 'indicators' ->> 0);
        END LOOP;
    END IF;
    l := l || ''::text;

    -- 五、下周行动计划
    l := l || '## 五、下周行动计划'::text || ''::text;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' IN ('high', 'medium')
              ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'risk_level' WHEN 'high' THEN '紧急' ELSE '高' END,
                                           'a', format('%s: %s (%s)', x ->> 'customer_name', x -> 'recommended_actions' ->> 0,
                                                       commhub.risk_type_label(x ->> 'risk_type')));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(opps) e
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'urgency' WHEN 'high' THEN '高' ELSE '中' END,
                                           'a', format('%s: 推进%s — %s', x ->> 'customer_name', x ->> 'description',
                                                       x -> 'recommended_actions' ->> 0));
    END LOOP;
    FOR r IN
        SELECT t.title, t.due_at, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at < until + interval '7 days'
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 5
    LOOP
        plan := plan || jsonb_build_object('p', CASE WHEN r.due_at < until THEN '高' ELSE '中' END,
                                           'a', format('%s: %s (截止 %s)', r.cname, r.title,
                                                       to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD')));
    END LOOP;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(plan) WITH ORDINALITY AS u(e, o)
              ORDER BY CASE e ->> 'p' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END, o LOOP
        k := k + 1;
        l := l || format('%s. [%s] %s', k, x ->> 'p', x ->> 'a');
    END LOOP;
    IF k = 0 THEN l := l || '1. [中] 保持客户定期回访,关注新询价'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
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
    -- A10 catch-up: records the analyzer has not seen (bounded per call)
    IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
        FOR r IN SELECT c.record_id FROM commhub.customer_communications c
                  WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.analysis IS NULL
                    AND c.communication_time >= t0 AND c.communication_time < t1
                  ORDER BY c.communication_time LIMIT 500 LOOP
            BEGIN
                EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                reparsed := reparsed + 1;
            EXCEPTION WHEN OTHERS THEN
                failed := failed + 1;
                RAISE WARNING 'A10 catch-up of record % failed: %', r.record_id, SQLERRM;
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

-- The BI health score is health_for()'s: the view is rebuilt (it is refreshed
-- from the data, nothing is lost).
DROP VIEW commhub.bi_customer_health;
DROP MATERIALIZED VIEW commhub.mv_customer_health;
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
CREATE VIEW commhub.bi_customer_health WITH (security_barrier) AS
    SELECT * FROM commhub.mv_customer_health WHERE tenant_id = (SELECT commhub.current_tenant());
REVOKE ALL ON commhub.mv_customer_health, commhub.bi_customer_health FROM PUBLIC;
GRANT SELECT ON commhub.bi_customer_health TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.mv_customer_health, commhub.bi_customer_health TO commhub_admin;

-- tenant_grants under row security: a role sees the grants of the roles it
-- belongs to; admins see and change all.
ALTER TABLE commhub.tenant_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_grants ON commhub.tenant_grants FOR SELECT
    USING (role_name IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')));
CREATE POLICY admin_grants ON commhub.tenant_grants
    USING (pg_catalog.pg_has_role('commhub_admin', 'MEMBER'))
    WITH CHECK (pg_catalog.pg_has_role('commhub_admin', 'MEMBER'));
