-- commhub install script, part 10: ingestion, identities, analysis (C functions).

CREATE FUNCTION commhub.ingest(channel text, payload jsonb) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_ingest';
COMMENT ON FUNCTION commhub.ingest(text, jsonb) IS
    'Store one communication of a channel (phone, mobile, wechat, email, meeting, visit, video, form, webchat); returns {record_id, customer_id, status, thread_id}';

CREATE FUNCTION commhub.ingest_batch(channel text, payloads jsonb) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_ingest_batch';
COMMENT ON FUNCTION commhub.ingest_batch(text, jsonb) IS
    'Store a JSON array of payloads; bad items go to commhub.ingest_errors; returns counts {inserted, merged, duplicate, unmatched, errors}';

CREATE FUNCTION commhub.ingest_email_raw(message bytea, mailbox text DEFAULT NULL) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_ingest_email_raw';
COMMENT ON FUNCTION commhub.ingest_email_raw(bytea, text) IS
    'Store one raw RFC 5322 message (MIME, RFC 2047/2231, GBK/GB18030/Big5 charsets); same result as ingest';

CREATE FUNCTION commhub.reparse(record_id text) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_reparse';
COMMENT ON FUNCTION commhub.reparse(text) IS
    'Re-run the current parsers and analyzer over a record''s content_original';

CREATE FUNCTION commhub.reanalyze(record_id text) RETURNS jsonb
    LANGUAGE c VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_reanalyze';
COMMENT ON FUNCTION commhub.reanalyze(text) IS
    'Run the embedded analyzer again over a record''s stored subject, content and attachment names (for records without content_original): replaces the A10 columns, adds follow-up tasks, keeps an existing summary; returns the analysis';

-- The A10 catch-up (daily job, run_analysis) marks a record whose re-parse
-- (or, without a payload, reanalysis) failed for a reason of its own -- not a passing one (locks, privileges,
-- resources, connection) -- so it is not tried again every day; a
-- successful reparse() clears the mark.
CREATE FUNCTION commhub.mark_analysis_failed(record_id text, state text, message text) RETURNS void
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE commhub.customer_communications x
       SET sync_status = 'analysis_failed',
           sync_error = left(format('A10 catch-up %s: %s (%s)', now()::timestamptz(0), $3, $2), 1000)
     WHERE x.tenant_id = commhub.current_tenant() AND x.record_id = $1
       AND left($2, 2) NOT IN ('08', '40', '42', '53', '54', '57', '58') AND $2 <> '55P03'
$$;

CREATE FUNCTION commhub.analyze_text(content text, channel text DEFAULT NULL, subject text DEFAULT NULL,
                                     at timestamptz DEFAULT NULL) RETURNS jsonb
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'commhub_analyze_text';
COMMENT ON FUNCTION commhub.analyze_text(text, text, text, timestamptz) IS
    'The embedded A10 analyzer: intent, key info, sentiment, urgency, follow-ups (the seed''s A10 JSON); at resolves relative dates (default now)';

CREATE FUNCTION commhub.normalize_identity(kind text, value text) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'commhub_normalize_identity';

CREATE FUNCTION commhub.add_customer(customer_id text, name text, priority text DEFAULT 'normal',
                                     owner text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF customer_id IS NULL OR customer_id = '' OR length(customer_id) > 64 THEN
        RAISE EXCEPTION 'customer_id must be 1 to 64 characters'
            USING ERRCODE = '22023', HINT = 'Pass your CRM''s customer id, e.g. C001.';
    END IF;
    IF customer_id = 'UNMATCHED' THEN
        RAISE EXCEPTION 'customer_id "UNMATCHED" is reserved for unidentified communications'
            USING ERRCODE = '22023', HINT = 'Choose another customer id.';
    END IF;
    IF name IS NULL OR name = '' OR length(name) > 256 THEN
        RAISE EXCEPTION 'name must be 1 to 256 characters'
            USING ERRCODE = '22023', HINT = 'Pass the company name, e.g. 宁波奥克斯空调有限公司.';
    END IF;
    IF priority IS NULL OR priority NOT IN ('vip', 'high', 'normal', 'low') THEN
        RAISE EXCEPTION 'priority "%" is not one of vip, high, normal, low', priority
            USING ERRCODE = '22023', HINT = 'High-priority customers get risk checks every 5 minutes.';
    END IF;
    INSERT INTO commhub.customers (tenant_id, customer_id, name, priority, owner)
    VALUES (commhub.current_tenant(), customer_id, name, priority, owner)
    ON CONFLICT ON CONSTRAINT customers_pkey DO UPDATE
       SET name = EXCLUDED.name, priority = EXCLUDED.priority,
           owner = coalesce(EXCLUDED.owner, commhub.customers.owner), updated_at = now();
END
$$;

CREATE FUNCTION commhub.add_identity(customer_id text, kind text, value text, contact_name text DEFAULT NULL)
    RETURNS void
    LANGUAGE c VOLATILE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_add_identity';
COMMENT ON FUNCTION commhub.add_identity(text, text, text, text) IS
    'Map a channel address (email, domain, phone, wecom, meeting) to a customer; attaches matching unmatched records';

CREATE FUNCTION commhub.add_staff(staff_id text, kind text, value text) RETURNS void
    LANGUAGE c VOLATILE SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'commhub_add_staff';
COMMENT ON FUNCTION commhub.add_staff(text, text, text) IS
    'Register an internal address (email, phone, wecom) or internal domain: tells inbound from outbound';

-- The analyzer's lexicon is cached per backend; a change to the catalogue
-- tables sends a relcache invalidation that every backend hears.
CREATE FUNCTION commhub.lexicon_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'commhub_lexicon_changed';
CREATE TRIGGER lexicon_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON commhub.products
    FOR EACH STATEMENT EXECUTE FUNCTION commhub.lexicon_changed();
CREATE TRIGGER lexicon_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON commhub.competitors
    FOR EACH STATEMENT EXECUTE FUNCTION commhub.lexicon_changed();

-- One thread in order (A2).
CREATE FUNCTION commhub.thread(thread_id text)
    RETURNS SETOF commhub.customer_communications
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT * FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.thread_id = $1
     ORDER BY c.communication_time, c.id;
$$;

-- I3: the OCR / speech-to-text result for a record that was stored with a
-- placeholder ("[图片] 待识别", "[语音 12秒] 待转写").  The text is kept with
-- the record (so re-syncs and re-parses keep it), replaces the placeholder in
-- content, and the record is analysed again.
CREATE FUNCTION commhub.set_media_text(record_id text, text text, kind text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
BEGIN
    IF text IS NULL OR btrim(text) = '' THEN
        RAISE EXCEPTION 'text must not be empty' USING ERRCODE = '22023',
            HINT = 'Pass the OCR or transcription result as text.';
    END IF;
    IF kind IS NOT NULL AND kind NOT IN ('image', 'voice', 'video', 'file') THEN
        RAISE EXCEPTION 'kind "%" is not one of image, voice, video, file', kind USING ERRCODE = '22023',
            HINT = 'Leave kind NULL to use the record''s pending media kind.';
    END IF;
    UPDATE commhub.customer_communications c
       SET content_extra = coalesce(c.content_extra, '{}') || jsonb_build_object('media_text', text,
                               'media_kind', coalesce(kind, c.media_pending, c.content_extra->>'media_kind'))
     WHERE c.tenant_id = commhub.current_tenant() AND c.record_id = set_media_text.record_id
    RETURNING coalesce(kind, c.content_extra->>'media_kind') INTO k;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'record_id "%" does not exist', record_id USING ERRCODE = 'P0002',
            HINT = 'Pass a record_id of commhub.customer_communications visible to your tenant.';
    END IF;
    UPDATE commhub.communication_attachments a SET ocr_text = text
     WHERE a.record_id = set_media_text.record_id AND a.ocr_text IS NULL;
    RETURN commhub.reparse(record_id);
END
$$;

-- O2: where long batch work is (ingest_batch per chunk, mailbox syncs per
-- message).  Admins see every tenant's, others their tenant's.  Needs the
-- library preloaded.
CREATE FUNCTION commhub.ingest_progress_rows()
RETURNS TABLE (pid integer, operation text, detail text, tenant_id text, phase text, items_total bigint,
               items_done bigint, stored bigint, errors bigint, percent numeric, started_at timestamptz,
               items_per_second numeric)
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'commhub_ingest_progress';
CREATE VIEW commhub.ingest_progress AS
SELECT p.*, now() - p.started_at AS elapsed,
       CASE WHEN p.items_per_second > 0 AND p.items_total > p.items_done
            THEN (p.items_total - p.items_done) / p.items_per_second * interval '1 second' END AS eta
  FROM commhub.ingest_progress_rows() p;

-- A1: the candidates of the content rule of near-duplicate detection -- ids of
-- the customer's records in [since, until] with id < below and a simhash
-- within max_bits bits of fingerprint, but not of channel not_type and source
-- not_source (NULL if any of the first seven arguments is).  An index-only scan of
-- idx_comm_timeline that tests the fingerprint before visibility (src/fpscan.c);
-- the plain query where that index or the table is not as created here, or
-- where privileges or row security apply.  For ingest's own query.
CREATE FUNCTION commhub.fingerprint_neighbours(tenant text, customer text, since timestamptz, until timestamptz,
                                                fingerprint bigint, below integer, max_bits integer,
                                                not_type text, not_source text)
RETURNS integer[]
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'commhub_fingerprint_neighbours';
