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
