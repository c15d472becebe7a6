-- commhub 0.2.0 -> 0.3.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.3.0'" to load this file. \quit

-- current_tenant() in C (tenant.c): it runs in every row security check and
-- column default.  Same rules and errors; grants are read once per
-- transaction instead of a PL/pgSQL call with a search_path switch per use.
CREATE OR REPLACE FUNCTION commhub.current_tenant() RETURNS varchar
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'commhub_current_tenant_sql';
-- current_tenant() caches the grants; any change to them drops the cache.
CREATE FUNCTION commhub.tenant_grants_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'commhub_tenant_grants_changed';
CREATE TRIGGER tenant_grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON commhub.tenant_grants
    FOR EACH STATEMENT EXECUTE FUNCTION commhub.tenant_grants_changed();
REVOKE ALL ON FUNCTION commhub.tenant_grants_changed() FROM PUBLIC;

-- analyze_text() runs once per row: no SET clause (a GUC save/restore per
-- call); the lexicon load inside sets search_path itself.
CREATE OR REPLACE FUNCTION commhub.analyze_text(content text, channel text DEFAULT NULL, subject text DEFAULT NULL,
                                     at timestamptz DEFAULT NULL) RETURNS jsonb
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'commhub_analyze_text';

-- E1: mailbox sync over IMAP (tables, sync state view, add_mailbox,
-- sync_mailbox; the worker is in the library).
CREATE TABLE commhub.mailboxes (
    tenant_id         varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    mailbox_id        varchar(256) NOT NULL,              -- e.g. the address, zhang@company.cn
    imap_url          text         NOT NULL CHECK (imap_url ~ '^imaps?://[^/?#@]+/?$'),
    username          text         NOT NULL,
    password          text,
    folders           text[]       NOT NULL DEFAULT ARRAY['INBOX', 'Sent', 'Drafts']
                      CHECK (cardinality(folders) BETWEEN 1 AND 50),
    sync_interval     interval     NOT NULL DEFAULT '5 minutes' CHECK (sync_interval >= interval '10 seconds'),
    max_message_bytes bigint       NOT NULL DEFAULT 52428800 CHECK (max_message_bytes BETWEEN 1024 AND 52428800),
    tls_verify        boolean      NOT NULL DEFAULT true,
    ca_file           text,
    enabled           boolean      NOT NULL DEFAULT true,
    last_sync_at      timestamptz,
    last_status       varchar(16)  CHECK (last_status IN ('ok', 'partial', 'failed')),
    last_error        text,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, mailbox_id)
);

CREATE TABLE commhub.mailbox_folders (
    tenant_id        varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    mailbox_id       varchar(256) NOT NULL,
    folder           text         NOT NULL,
    uidvalidity      bigint,
    last_uid         bigint       NOT NULL DEFAULT 0,
    messages_seen    bigint       NOT NULL DEFAULT 0,
    stored           bigint       NOT NULL DEFAULT 0,
    merged           bigint       NOT NULL DEFAULT 0,   -- same key, changed content
    duplicates       bigint       NOT NULL DEFAULT 0,
    skipped_oversize bigint       NOT NULL DEFAULT 0,
    failed           bigint       NOT NULL DEFAULT 0,
    resets           integer      NOT NULL DEFAULT 0,   -- UIDVALIDITY changes seen
    last_sync_at     timestamptz,
    last_error       text,
    PRIMARY KEY (tenant_id, mailbox_id, folder),
    FOREIGN KEY (tenant_id, mailbox_id) REFERENCES commhub.mailboxes ON DELETE CASCADE
);

-- O2: sync state per mailbox and folder (no secrets).
CREATE VIEW commhub.mailbox_sync_state WITH (security_barrier, security_invoker) AS
SELECT m.tenant_id, m.mailbox_id, m.imap_url, m.username, m.enabled, m.sync_interval,
       m.last_sync_at AS mailbox_synced_at, m.last_status, m.last_error AS mailbox_error,
       f.folder, f.uidvalidity, f.last_uid, f.messages_seen, f.stored, f.merged, f.duplicates,
       f.skipped_oversize, f.failed, f.resets, f.last_sync_at AS folder_synced_at, f.last_error AS folder_error,
       CASE WHEN m.enabled THEN coalesce(m.last_sync_at + m.sync_interval, now()) END AS next_sync_at
  FROM commhub.mailboxes m
  LEFT JOIN commhub.mailbox_folders f ON f.tenant_id = m.tenant_id AND f.mailbox_id = m.mailbox_id;

-- Configure (or reconfigure) a mailbox of the current tenant.  A NULL
-- password keeps the stored one.
CREATE FUNCTION commhub.add_mailbox(mailbox_id text, imap_url text, username text, password text,
                                    folders text[] DEFAULT ARRAY['INBOX', 'Sent', 'Drafts'],
                                    sync_interval interval DEFAULT '5 minutes',
                                    tls_verify boolean DEFAULT true, ca_file text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF mailbox_id IS NULL OR btrim(mailbox_id) = '' OR char_length(mailbox_id) > 256 THEN
        RAISE EXCEPTION 'mailbox_id % is not a mailbox name', coalesce(quote_literal(mailbox_id), 'NULL')
            USING ERRCODE = '22023', HINT = 'Name the mailbox, e.g. by its address (zhang@company.cn), in at most 256 characters.';
    END IF;
    IF username IS NULL OR username = '' THEN
        RAISE EXCEPTION 'username must be given for mailbox %', mailbox_id
            USING ERRCODE = '22004', HINT = 'Pass the IMAP login name (often the full address).';
    END IF;
    IF sync_interval IS NULL OR sync_interval < interval '10 seconds' THEN
        RAISE EXCEPTION 'sync_interval % is shorter than 10 seconds', coalesce(sync_interval::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'Sync every few minutes, e.g. interval ''5 minutes'' (the default).';
    END IF;
    IF imap_url IS NULL OR imap_url !~ '^imaps?://[^/?#@]+/?$' THEN
        RAISE EXCEPTION 'imap_url "%" is not an IMAP server URL', imap_url
            USING ERRCODE = '22023', HINT = 'Use imaps://host[:port] (implicit TLS) or imap://host[:port] (STARTTLS is then required); the user name and password go in their own arguments, folders in the folders argument.';
    END IF;
    IF folders IS NULL OR cardinality(folders) = 0 OR EXISTS (SELECT 1 FROM unnest(folders) f WHERE f IS NULL OR f = '' OR f ~ '[\r\n]') THEN
        RAISE EXCEPTION 'folders % is not a list of folder names', folders
            USING ERRCODE = '22023', HINT = 'Pass folder names such as ARRAY[''INBOX'', ''Sent'', ''Drafts''].';
    END IF;
    INSERT INTO commhub.mailboxes AS m (mailbox_id, imap_url, username, password, folders, sync_interval, tls_verify, ca_file)
    VALUES (add_mailbox.mailbox_id, add_mailbox.imap_url, add_mailbox.username, add_mailbox.password,
            add_mailbox.folders, add_mailbox.sync_interval, add_mailbox.tls_verify, add_mailbox.ca_file)
    ON CONFLICT ON CONSTRAINT mailboxes_pkey DO UPDATE
       SET imap_url = EXCLUDED.imap_url, username = EXCLUDED.username,
           password = coalesce(EXCLUDED.password, m.password), folders = EXCLUDED.folders,
           sync_interval = EXCLUDED.sync_interval, tls_verify = EXCLUDED.tls_verify,
           ca_file = EXCLUDED.ca_file, enabled = true, updated_at = now();
END
$$;

-- Sync one mailbox of the current tenant now, in this transaction, at most
-- max_messages per folder ("more": true when a folder has more; call
-- again); returns per-folder counts.  The worker runs the same code on
-- schedule, committing every commhub.mail_batch messages.
CREATE FUNCTION commhub.sync_mailbox(mailbox_id text, max_messages integer DEFAULT 1000) RETURNS jsonb
    LANGUAGE c VOLATILE SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'commhub_sync_mailbox';

ALTER TABLE commhub.mailboxes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON commhub.mailboxes
    USING (tenant_id = (SELECT commhub.current_tenant()))
    WITH CHECK (tenant_id = (SELECT commhub.current_tenant()));
SELECT pg_catalog.pg_extension_config_dump('commhub.mailboxes', '');
ALTER TABLE commhub.mailbox_folders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON commhub.mailbox_folders
    USING (tenant_id = (SELECT commhub.current_tenant()))
    WITH CHECK (tenant_id = (SELECT commhub.current_tenant()));
SELECT pg_catalog.pg_extension_config_dump('commhub.mailbox_folders', '');
REVOKE ALL ON commhub.mailboxes, commhub.mailbox_folders, commhub.mailbox_sync_state FROM PUBLIC;
REVOKE ALL ON FUNCTION commhub.add_mailbox(text, text, text, text, text[], interval, boolean, text),
                       commhub.sync_mailbox(text, integer) FROM PUBLIC;
GRANT SELECT (tenant_id, mailbox_id, imap_url, username, folders, sync_interval, max_message_bytes, tls_verify,
              ca_file, enabled, last_sync_at, last_status, last_error, created_at, updated_at)
   ON commhub.mailboxes TO commhub_reader;
GRANT SELECT ON commhub.mailbox_folders, commhub.mailbox_sync_state TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.add_mailbox(text, text, text, text, text[], interval, boolean, text),
                          commhub.sync_mailbox(text, integer)
   TO commhub_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.mailboxes, commhub.mailbox_folders, commhub.mailbox_sync_state TO commhub_admin;

-- O2: progress of long batch work.
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
REVOKE ALL ON FUNCTION commhub.ingest_progress_rows() FROM PUBLIC;
REVOKE ALL ON commhub.ingest_progress FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commhub.ingest_progress_rows() TO commhub_reader;
GRANT SELECT ON commhub.ingest_progress TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.ingest_progress TO commhub_admin;
