-- commhub 0.10.0 -> 0.11.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.11.0'" to load this file. \quit

-- A thread's root (the first entry of References): messages that share it
-- are one conversation even when the root itself was never stored (JWZ's
-- ghost root, a ticket system's opening mail).  Threading uses it once it
-- is there; until then the library threads as 0.10.0 did.
CREATE INDEX idx_comm_reference_root ON commhub.customer_communications
    (tenant_id, (email_references[1]))
    WHERE cardinality(email_references) > 0;

-- add_identity now scopes the simhash bands of the records it attaches by
-- their new customer, as an ingest does (the near-duplicates they form are
-- linked then).  Records 0.10.0 attached kept bands scoped by UNMATCHED and
-- could never be found as near-duplicates: their bands are recomputed.
UPDATE commhub.customer_communications c
   SET fp_bands = ARRAY(SELECT ('x' || left(encode(sha256(convert_to(c.customer_id || '|' || b || '|' ||
                  lpad(to_hex((c.fingerprint >> (16 * b)) & 65535), 4, '0'), getdatabaseencoding())), 'hex'), 8))::bit(32)::int4
                  FROM generate_series(0, 3) AS b ORDER BY b)
 WHERE c.fp_bands IS NOT NULL AND c.fingerprint IS NOT NULL AND c.match_status = 'matched'
   AND c.updated_at > c.created_at
   AND c.fp_bands = ARRAY(SELECT ('x' || left(encode(sha256(convert_to('UNMATCHED|' || b || '|' ||
                  lpad(to_hex((c.fingerprint >> (16 * b)) & 65535), 4, '0'), getdatabaseencoding())), 'hex'), 8))::bit(32)::int4
                  FROM generate_series(0, 3) AS b ORDER BY b);

-- The health and the overview tell the last contact however long ago (a
-- customer dormant for more than 180 days had none).
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
-- the last contact however long ago (idx_comm_timeline, read backward):
-- a customer dormant for a year still has one
lc AS (
    SELECT max(x.communication_time) AS at_ FROM commhub.customer_communications x
     WHERE x.tenant_id = health_for.tenant AND x.customer_id = health_for.customer_id
       AND x.canonical_record_id IS NULL AND x.communication_time <= at),
s AS (
    SELECT (SELECT at_ FROM lc) AS last_contact,
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
