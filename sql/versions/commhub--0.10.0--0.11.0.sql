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
