-- commhub 0.10.0 -> 0.11.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.11.0'" to load this file. \quit

-- A thread's root (the first entry of References): messages that share it
-- are one conversation even when the root itself was never stored (JWZ's
-- ghost root, a ticket system's opening mail).  Threading uses it once it
-- is there; until then the library threads as 0.10.0 did.
CREATE INDEX idx_comm_reference_root ON commhub.customer_communications
    (tenant_id, (email_references[1]))
    WHERE cardinality(email_references) > 0;
