-- commhub 0.7.0 -> 0.8.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.8.0'" to load this file. \quit

-- A1: the content rule's candidates through an index scan that tests the
-- fingerprint before visibility (src/fpscan.c); ingest's dedupe query calls it.
CREATE FUNCTION commhub.fingerprint_neighbours(tenant text, customer text, since timestamptz, until timestamptz,
                                                fingerprint bigint, below integer, max_bits integer,
                                                not_type text, not_source text)
RETURNS integer[]
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'commhub_fingerprint_neighbours';
REVOKE ALL ON FUNCTION commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text)
    FROM PUBLIC;
-- ingest runs as its caller: writers call it through the dedupe query
GRANT EXECUTE ON FUNCTION commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text)
   TO commhub_writer;
