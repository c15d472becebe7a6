-- commhub 0.6.0 -> 0.7.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.7.0'" to load this file. \quit

-- A1 near-duplicates at 10M records: idx_comm_timeline carries the
-- fingerprint, so a customer's records of the +-3 days within 6 bits of a new
-- one are found by an index-only scan; the GIN index on fp_bands was never
-- chosen for that and cost every insert (the largest index at 10M records).
-- Rebuilding idx_comm_timeline locks customer_communications against writes
-- for the duration of the update (about 15 s per 10M records).
DROP INDEX commhub.idx_comm_fp_bands;
DROP INDEX commhub.idx_comm_timeline;
CREATE INDEX idx_comm_timeline ON commhub.customer_communications (tenant_id, customer_id, communication_time, id)
    INCLUDE (fingerprint);

-- Agent runtime (review19): jobs of a worker that died are reclaimed at the
-- next claim (no wait for the lease); webhooks pause on 429/503 like model
-- endpoints (agent_endpoint_state.webhook, endpoint_status lists them).
ALTER TABLE commhub.agent_endpoint_state ADD COLUMN webhook boolean NOT NULL DEFAULT false;
ALTER TABLE commhub.agent_endpoint_state DROP CONSTRAINT agent_endpoint_state_pkey,
    ADD CONSTRAINT agent_endpoint_state_pkey PRIMARY KEY (tenant_id, endpoint, webhook);
CREATE OR REPLACE VIEW commhub.endpoint_status AS
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

CREATE OR REPLACE FUNCTION commhub.endpoint_throttled(job_id bigint, pause_ms double precision, reason text,
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
