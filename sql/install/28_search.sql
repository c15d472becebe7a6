-- commhub install script, part 28: Chinese search (issue 4).  CJK bigrams and
-- ASCII words in a GIN expression index: 2-character words such as 询价 are
-- found through the index (pg_trgm would need 3), then the phrase is checked.
CREATE FUNCTION commhub.search_terms(text) RETURNS text[]
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_search_terms';

CREATE INDEX idx_comm_search ON commhub.customer_communications
    USING gin (commhub.search_terms(coalesce(subject, '') || ' ' || left(coalesce(content, ''), 4000)));

CREATE FUNCTION commhub.search(query text, customer_id text DEFAULT NULL, page_size integer DEFAULT 50)
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
