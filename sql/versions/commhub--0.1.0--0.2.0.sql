-- commhub 0.1.0 -> 0.2.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.2.0'" to load this file. \quit

-- Ingest: urgent notifications and webhook jobs set-based (was one
-- statement per urgent record).
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
        -- Set-based: one NOTIFY per urgent record, one webhook job per
        -- record and enabled webhook, in two statements.
        PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                    'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'),
                    'tenant_id', t, 'urgency_reason', c.urgency_reason, 'channel', c.communication_type,
                    'summary', c.summary, 'communication_time', c.communication_time, 'source', 'builtin')::text)
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

-- Timeline in C (src/render.c): one kept plan, display columns formed in C.
CREATE OR REPLACE FUNCTION commhub.timeline(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
                                 channels text[] DEFAULT NULL, intents text[] DEFAULT NULL,
                                 page_size integer DEFAULT 50, after text DEFAULT NULL,
                                 sentiments text[] DEFAULT NULL, urgencies text[] DEFAULT NULL,
                                 thread text DEFAULT NULL)
RETURNS TABLE (record_id varchar, communication_time timestamptz, communication_type varchar, channel varchar,
               subject varchar, summary text, intent_category varchar, sentiment varchar, urgency_level varchar,
               thread_id varchar, "cursor" text, channel_label text, icon text, direction varchar,
               duration integer, duration_text text, attachment_count integer, tags text[],
               day_label text, related_records jsonb)
LANGUAGE c STABLE ROWS 50 AS 'MODULE_PATHNAME', 'commhub_timeline';

-- Display vocabulary in C, shared with timeline().
CREATE OR REPLACE FUNCTION commhub.channel_label(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_label';
CREATE OR REPLACE FUNCTION commhub.channel_icon(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_icon';
CREATE OR REPLACE FUNCTION commhub.duration_text(seconds integer) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_duration_text';
CREATE OR REPLACE FUNCTION commhub.day_label(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
    LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_day_label';
