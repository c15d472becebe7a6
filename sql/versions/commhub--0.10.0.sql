-- commhub install script, part 00: schema, roles, the seed's tables.
-- Fragments in sql/install/ are concatenated in name order into
-- sql/commhub--<version>.sql by the Makefile.  Everything is schema-qualified.
\echo Use "CREATE EXTENSION commhub" to load this file. \quit

-- Roles are cluster-wide; create them once, keep them across drops.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commhub_reader') THEN
        CREATE ROLE commhub_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commhub_writer') THEN
        CREATE ROLE commhub_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commhub_admin') THEN
        CREATE ROLE commhub_admin NOLOGIN;
    END IF;
END
$roles$;
GRANT commhub_reader TO commhub_writer;
GRANT commhub_writer TO commhub_admin;

-- ---------------------------------------------------------------------
-- Tenancy.  The active tenant comes from the setting commhub.tenant
-- (default T001), but a setting is something any role can SET, so it is
-- only honoured for roles granted that tenant (commhub.tenant_grants) or
-- for commhub_admin members and superusers.
-- ---------------------------------------------------------------------
CREATE TABLE commhub.tenant_grants (
    tenant_id   varchar(64) NOT NULL,
    role_name   name        NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, role_name)
);

-- In C (tenant.c): it runs in every row security check and column default.
-- The membership check sees the caller (current_user, as SECURITY INVOKER).
CREATE FUNCTION commhub.current_tenant() RETURNS varchar
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'commhub_current_tenant_sql';

-- current_tenant() caches the grants; any change to them drops the cache.
CREATE FUNCTION commhub.tenant_grants_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'commhub_tenant_grants_changed';
CREATE TRIGGER tenant_grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON commhub.tenant_grants
    FOR EACH STATEMENT EXECUTE FUNCTION commhub.tenant_grants_changed();

CREATE FUNCTION commhub.grant_tenant(tenant_id text, role_name name) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tenant_id IS NULL OR btrim(tenant_id) = '' OR length(tenant_id) > 64 THEN
        RAISE EXCEPTION 'tenant_id must be 1 to 64 characters'
            USING ERRCODE = '22023', HINT = 'Pass the tenant the role may use, e.g. T002.';
    END IF;
    IF role_name IS NULL THEN
        RAISE EXCEPTION 'role_name must not be null'
            USING ERRCODE = '22004', HINT = 'Pass the role that may use the tenant, e.g. ''sales_app''.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name) THEN
        RAISE EXCEPTION 'role_name: role "%" does not exist', role_name
            USING ERRCODE = '42704', HINT = 'Create the role first (CREATE ROLE), then grant it the tenant.';
    END IF;
    INSERT INTO commhub.tenant_grants AS g (tenant_id, role_name) VALUES (grant_tenant.tenant_id, grant_tenant.role_name)
    ON CONFLICT DO NOTHING;
END
$$;

-- ---------------------------------------------------------------------
-- S2: customers, contacts, identities, staff.
-- ---------------------------------------------------------------------
CREATE TABLE commhub.customers (
    tenant_id    varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    customer_id  varchar(64)  NOT NULL,
    name         varchar(256) NOT NULL,
    priority     varchar(16)  NOT NULL DEFAULT 'normal'
                 CHECK (priority IN ('vip', 'high', 'normal', 'low')),
    owner        varchar(64),
    industry     varchar(64),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id)
);

CREATE TABLE commhub.contacts (
    contact_id   serial       PRIMARY KEY,
    tenant_id    varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    customer_id  varchar(64)  NOT NULL,
    name         varchar(128) NOT NULL,
    role         varchar(64),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, customer_id, name),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES commhub.customers (tenant_id, customer_id) ON DELETE CASCADE
);

-- A channel address that identifies a customer (C1).  value is normalized
-- (lower-case email/domain, canonical phone digits, raw WeCom id).
CREATE TABLE commhub.customer_identities (
    tenant_id    varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    kind         varchar(16)  NOT NULL CHECK (kind IN ('email', 'domain', 'phone', 'wecom', 'meeting')),
    value        varchar(256) NOT NULL,
    customer_id  varchar(64)  NOT NULL,
    contact_id   integer      REFERENCES commhub.contacts (contact_id) ON DELETE SET NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, value),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES commhub.customers (tenant_id, customer_id) ON DELETE CASCADE
);

-- Internal people and domains: tell inbound from outbound (C2).
CREATE TABLE commhub.staff_identities (
    tenant_id    varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    kind         varchar(16)  NOT NULL CHECK (kind IN ('email', 'domain', 'phone', 'wecom', 'meeting')),
    value        varchar(256) NOT NULL,
    staff_id     varchar(64)  NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, value)
);
CREATE INDEX staff_identities_staff ON commhub.staff_identities (tenant_id, staff_id);

-- ---------------------------------------------------------------------
-- S1: the seed's tables, every column in the seed's order, TIMESTAMP as
-- timestamptz; commhub's own columns follow the seed's.
-- ---------------------------------------------------------------------
CREATE TABLE commhub.customer_communications (
    id SERIAL PRIMARY KEY,
    record_id VARCHAR(64) NOT NULL UNIQUE,
    tenant_id VARCHAR(64) DEFAULT 'T001',
    -- 关联信息
    customer_id VARCHAR(64) NOT NULL,
    contact_id INTEGER,
    project_id VARCHAR(64),
    opportunity_id VARCHAR(64),
    -- 沟通类型与渠道
    communication_type VARCHAR(32) NOT NULL
        CHECK (communication_type IN ('phone', 'mobile', 'wechat', 'email', 'meeting', 'visit', 'video', 'form', 'webchat')),
    direction VARCHAR(16) CHECK (direction IN ('inbound', 'outbound', 'internal')),
    channel VARCHAR(32),
    -- 时间信息
    communication_time TIMESTAMPTZ NOT NULL,
    duration INTEGER,
    timezone VARCHAR(32) DEFAULT 'Asia/Shanghai',
    -- 参与人员
    initiated_by VARCHAR(64),
    handled_by VARCHAR(64),
    assigned_to VARCHAR(64),
    participants JSONB,
    -- 内容信息
    subject VARCHAR(256),
    summary TEXT,
    content TEXT,
    content_original TEXT,
    recording_url VARCHAR(256),
    -- 附件
    attachment_count INTEGER DEFAULT 0,
    attachment_urls JSONB,
    -- 意图分析(AI)
    intent_category VARCHAR(32)
        CHECK (intent_category IN ('inquiry', 'complaint', 'technical', 'cooperation', 'order', 'payment', 'delivery', 'after_sales', 'other')),
    intent_detail VARCHAR(128),
    intent_confidence DECIMAL(3,2),
    -- 关键信息提取(AI)
    products_mentioned JSONB,
    price_discussed DECIMAL(12,2),
    quantity_discussed INTEGER,
    timeline_mentioned JSONB,
    competitors_mentioned JSONB,
    -- 情绪分析(AI)
    sentiment VARCHAR(16) CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    sentiment_score DECIMAL(3,2),
    customer_mood VARCHAR(32),
    -- 紧急程度
    urgency_level VARCHAR(16) CHECK (urgency_level IN ('high', 'medium', 'low')),
    urgency_reason VARCHAR(128),
    -- 跟进信息
    follow_up_required BOOLEAN DEFAULT FALSE,
    follow_up_items JSONB,
    follow_up_deadline TIMESTAMPTZ,
    follow_up_status VARCHAR(32) DEFAULT 'pending',
    -- 关联沟通(上下文)
    parent_record_id VARCHAR(64),
    thread_id VARCHAR(64),
    related_records JSONB,
    -- AI洞察
    ai_insights JSONB,
    ai_suggestions JSONB,
    ai_tags JSONB,
    -- 系统字段
    source_system VARCHAR(32),
    source_record_id VARCHAR(64),
    sync_status VARCHAR(32) DEFAULT 'synced',
    sync_error TEXT,
    created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
    created_by VARCHAR(64),
    updated_by VARCHAR(64),
    -- commhub additions -------------------------------------------------
    match_status VARCHAR(16) NOT NULL DEFAULT 'matched'
        CHECK (match_status IN ('matched', 'unmatched', 'explicit')),
    identity_keys TEXT[],            -- 'email:a@b.c', 'domain:b.c', 'phone:138..', 'wecom:wm..'
    mailboxes TEXT[],                -- every mailbox an email was synced from
    message_id TEXT,                 -- full email Message-ID (source_record_id may be hashed)
    in_reply_to TEXT,
    email_references TEXT[],
    subject_key TEXT,                -- normalized subject for thread fallback
    chat_key TEXT,                   -- WeCom chat (room or pair)
    call_number TEXT,                -- external phone number of a call
    missed BOOLEAN NOT NULL DEFAULT FALSE,
    recalled_at TIMESTAMPTZ,         -- WeCom message recalled by its sender
    media_pending VARCHAR(16),       -- image/voice/video/file waiting for OCR/ASR
    fingerprint BIGINT,              -- simhash of normalized content (A1)
    fp_bands INTEGER[],              -- the simhash cut in 4 bands, hashed with the customer: a near-duplicate shares one
    canonical_record_id VARCHAR(64), -- set on near-duplicates: the timeline entry they fold into
    analysis JSONB,                  -- the full A10 result (embedded or model)
    analyzed_by VARCHAR(64),
    content_extra JSONB,
    event_count INTEGER NOT NULL DEFAULT 1,     -- events folded into this record (Zoom, CDR legs)
    normalized_hash VARCHAR(64)                -- SHA-256 of the normalized record: identical re-ingest = duplicate
);
CREATE INDEX idx_comm_customer ON commhub.customer_communications(customer_id);
CREATE INDEX idx_comm_time ON commhub.customer_communications(communication_time);
CREATE INDEX idx_comm_type ON commhub.customer_communications(communication_type);
CREATE INDEX idx_comm_intent ON commhub.customer_communications(intent_category);
CREATE INDEX idx_comm_sentiment ON commhub.customer_communications(sentiment);
CREATE INDEX idx_comm_urgency ON commhub.customer_communications(urgency_level);
CREATE INDEX idx_comm_follow_up ON commhub.customer_communications(follow_up_required);
CREATE INDEX idx_comm_thread ON commhub.customer_communications(thread_id);
CREATE INDEX idx_comm_source ON commhub.customer_communications(source_system);
CREATE INDEX idx_comm_customer_time ON commhub.customer_communications(customer_id, communication_time DESC);
-- commhub's own indexes: natural key (I5), identity backfill (C3), threading.
CREATE UNIQUE INDEX idx_comm_natural_key ON commhub.customer_communications (tenant_id, source_system, source_record_id);
CREATE INDEX idx_comm_unmatched_keys ON commhub.customer_communications USING gin (identity_keys) WHERE match_status = 'unmatched';
CREATE INDEX idx_comm_message_id ON commhub.customer_communications (tenant_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX idx_comm_chat ON commhub.customer_communications (tenant_id, chat_key, communication_time DESC) WHERE chat_key IS NOT NULL;
CREATE INDEX idx_comm_call ON commhub.customer_communications (tenant_id, call_number, communication_time DESC) WHERE call_number IS NOT NULL;
CREATE INDEX idx_comm_subject_key ON commhub.customer_communications (tenant_id, subject_key, communication_time DESC) WHERE subject_key IS NOT NULL;
CREATE INDEX idx_comm_in_reply_to ON commhub.customer_communications (tenant_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
-- A reply without In-Reply-To names its parent last in References: the
-- parent, arriving after it, finds it here (only such replies are indexed).
CREATE INDEX idx_comm_last_reference ON commhub.customer_communications
    (tenant_id, (email_references[cardinality(email_references)]))
    WHERE in_reply_to IS NULL AND cardinality(email_references) > 0;
-- Ascending on purpose: the keyset row comparison (time, id) < (t, i) is an index
-- condition on an ascending index scanned backward.  The fingerprint rides
-- along for dedupe: a customer's records of the last days within a few bits
-- of a new one are found by an index-only scan, without visiting the table.
CREATE INDEX idx_comm_timeline ON commhub.customer_communications (tenant_id, customer_id, communication_time, id)
    INCLUDE (fingerprint);

-- Large text/jsonb columns compress with lz4 where the server has it (several
-- times cheaper than pglz on every ingest); otherwise the default stays.
DO $lz4$
BEGIN
    ALTER TABLE commhub.customer_communications
        ALTER COLUMN content_original SET COMPRESSION lz4,
        ALTER COLUMN content SET COMPRESSION lz4,
        ALTER COLUMN analysis SET COMPRESSION lz4,
        ALTER COLUMN content_extra SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
    RAISE NOTICE 'lz4 compression is not available; using the default';
END
$lz4$;

CREATE TABLE commhub.communication_attachments (
    id SERIAL PRIMARY KEY,
    attachment_id VARCHAR(64) NOT NULL UNIQUE,
    record_id VARCHAR(64) REFERENCES commhub.customer_communications(record_id) ON DELETE CASCADE,
    file_name VARCHAR(256),
    file_type VARCHAR(64),
    file_size INTEGER,
    file_url VARCHAR(256),
    file_hash VARCHAR(64),
    ocr_text TEXT,
    ai_summary TEXT,
    created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
    -- commhub additions
    tenant_id VARCHAR(64) DEFAULT 'T001',
    content_type VARCHAR(128),
    is_inline BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX idx_att_record ON commhub.communication_attachments (record_id);
CREATE INDEX idx_att_hash ON commhub.communication_attachments (tenant_id, file_hash);

CREATE TABLE commhub.communication_insights (
    id SERIAL PRIMARY KEY,
    insight_id VARCHAR(64) NOT NULL UNIQUE,
    customer_id VARCHAR(64) NOT NULL,
    insight_type VARCHAR(32),
    insight_title VARCHAR(256),
    insight_content TEXT,
    insight_data JSONB,
    related_records JSONB,
    record_count INTEGER,
    time_range JSONB,
    confidence DECIMAL(3,2),
    importance_score INTEGER CHECK (importance_score BETWEEN 1 AND 10),
    status VARCHAR(32) DEFAULT 'new' CHECK (status IN ('new', 'read', 'acted', 'dismissed')),
    handled_by VARCHAR(64),
    handled_at TIMESTAMPTZ,
    handle_result TEXT,
    notification_sent BOOLEAN DEFAULT FALSE,
    notification_time TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
    generated_by VARCHAR(64),
    -- commhub additions
    tenant_id VARCHAR(64) DEFAULT 'T001',
    dedupe_key VARCHAR(128),          -- an alert that repeats updates its row
    updated_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_insight_customer ON commhub.communication_insights (tenant_id, customer_id, created_at DESC);
CREATE UNIQUE INDEX idx_insight_dedupe ON commhub.communication_insights (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

-- S1: follow-up tasks (named by the seed, designed here).
CREATE TABLE commhub.communication_tasks (
    id SERIAL PRIMARY KEY,
    task_id VARCHAR(64) NOT NULL UNIQUE,
    tenant_id VARCHAR(64) DEFAULT 'T001',
    customer_id VARCHAR(64) NOT NULL,
    record_id VARCHAR(64),           -- the source record; deleted with it (trigger below)
    title VARCHAR(256) NOT NULL,
    owner VARCHAR(64),
    due_at TIMESTAMPTZ,
    status VARCHAR(16) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled')),
    priority VARCHAR(16) NOT NULL DEFAULT 'medium'
        CHECK (priority IN ('urgent', 'high', 'medium', 'low')),
    source VARCHAR(32) NOT NULL DEFAULT 'analyzer',
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMPTZ
);
-- Tasks are written only by ingest for records it has just written, so the
-- per-row foreign-key check (one query per task, ~1.7 tasks per record) is
-- replaced by a statement-level cascade on delete.
CREATE FUNCTION commhub.delete_record_tasks() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM commhub.communication_tasks t USING old_records o WHERE t.record_id = o.record_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER delete_record_tasks AFTER DELETE ON commhub.customer_communications
    REFERENCING OLD TABLE AS old_records FOR EACH STATEMENT EXECUTE FUNCTION commhub.delete_record_tasks();
CREATE INDEX idx_task_open ON commhub.communication_tasks (tenant_id, customer_id, due_at) WHERE status IN ('pending', 'in_progress');
CREATE INDEX idx_task_record ON commhub.communication_tasks (record_id);
CREATE INDEX idx_task_owner ON commhub.communication_tasks (tenant_id, owner, status);

-- WeCom recalls that arrived before the message they recall.
CREATE TABLE commhub.pending_recalls (
    tenant_id        varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    source_system    varchar(32) NOT NULL,
    source_record_id varchar(64) NOT NULL,
    recalled_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, source_system, source_record_id)
);

-- I4: what could not be ingested, with the payload, so nothing is silently dropped.
CREATE TABLE commhub.ingest_errors (
    id          bigserial    PRIMARY KEY,
    tenant_id   varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    channel     varchar(32),
    batch_index integer,
    payload     text,
    sqlstate    char(5)      NOT NULL,
    field       text,
    message     text         NOT NULL,
    hint        text,
    created_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX ingest_errors_time ON commhub.ingest_errors (tenant_id, created_at DESC);

-- N1: the analyzer's catalogue, extendable by users without recompiling.
CREATE TABLE commhub.products (
    tenant_id   varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    canonical   varchar(128) NOT NULL,
    category    varchar(64),
    aliases     text[]       NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, canonical)
);
CREATE TABLE commhub.product_relations (
    tenant_id   varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    from_product varchar(128) NOT NULL,
    to_product  varchar(128) NOT NULL,
    kind        varchar(16)  NOT NULL CHECK (kind IN ('cross_sell', 'up_sell')),
    reason      text,
    PRIMARY KEY (tenant_id, from_product, to_product)
);
CREATE TABLE commhub.competitors (
    tenant_id   varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    canonical   varchar(128) NOT NULL,
    aliases     text[]       NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, canonical)
);
-- commhub install script, part 05: the default product catalogue and competitor list
-- of tenant T001 (generated from test/corpus/catalogue.json; users edit the tables,
-- the analyzer picks changes up without a restart).
INSERT INTO commhub.products (tenant_id, canonical, category, aliases) VALUES
    ('T001', 'PCR-ABS-1000', 'ABS', ARRAY['PCR-ABS', 'PCR ABS', 'PCRABS', 'PCR-ABS 1000', 'PCR-ABS1000', '再生ABS', '回收ABS', 'PCR ABS 1000系列', 'ABS再生料']::text[]),
    ('T001', 'PCR-ABS-2000', 'ABS', ARRAY['PCR-ABS 2000', 'PCR-ABS2000', '高性能PCR-ABS', '高性能再生ABS']::text[]),
    ('T001', 'PCR-PC-3000', 'PC', ARRAY['PCR-PC', 'PCR PC', 'PCR-PC 3000', '再生PC', '回收PC', 'PC再生料']::text[]),
    ('T001', 'PC/ABS', 'PC/ABS', ARRAY['PC+ABS', 'PCABS', 'PC-ABS合金', 'PC/ABS合金']::text[]),
    ('T001', 'PP-T20', 'PP', ARRAY['PP T20', 'PPT20', 'PP-T20滑石粉填充', '20%滑石粉PP', 'PP+20%滑石粉']::text[]),
    ('T001', 'PA66-GF30', 'PA', ARRAY['PA66 GF30', 'PA66+30%GF', 'PA66-30%玻纤', '30%玻纤增强PA66', '尼龙66玻纤']::text[]),
    ('T001', 'HIPS-500', 'PS', ARRAY['HIPS', '高抗冲聚苯乙烯', 'HIPS 500']::text[]),
    ('T001', 'PCR-PP-800', 'PP', ARRAY['PCR-PP', '再生PP', '回收PP', 'PCR PP']::text[]),
    ('T001', '阻燃ABS-V0', 'ABS', ARRAY['阻燃ABS', 'V0阻燃ABS', 'ABS V0', 'FR-ABS']::text[]),
    ('T001', 'PBT-GF15', 'PBT', ARRAY['PBT GF15', 'PBT+15%GF', '15%玻纤PBT']::text[]);
INSERT INTO commhub.product_relations (tenant_id, from_product, to_product, kind, reason) VALUES
    ('T001', 'PCR-ABS-1000', 'PCR-ABS-2000', 'up_sell', '性能要求提升时的高性能升级款'),
    ('T001', 'PCR-ABS-1000', 'PCR-PC-3000', 'cross_sell', '新产品开发需要工程塑料'),
    ('T001', 'PCR-ABS-1000', '阻燃ABS-V0', 'cross_sell', '电器外壳常需阻燃等级'),
    ('T001', 'PP-T20', 'PCR-PP-800', 'cross_sell', '降本与环保指标'),
    ('T001', 'PC/ABS', 'PCR-PC-3000', 'cross_sell', '再生料替代降低碳足迹'),
    ('T001', 'HIPS-500', 'PCR-ABS-1000', 'up_sell', '外观与强度升级');
INSERT INTO commhub.competitors (tenant_id, canonical, aliases) VALUES
    ('T001', '金发科技', ARRAY['金发', 'Kingfa', 'KINGFA']::text[]),
    ('T001', '普利特', ARRAY['Pret', 'PRET']::text[]),
    ('T001', 'SABIC', ARRAY['沙伯基础', '沙特基础', 'Sabic']::text[]),
    ('T001', 'LG化学', ARRAY['LG Chem', 'LG化工', 'LGChem']::text[]),
    ('T001', '奇美', ARRAY['奇美实业', 'CHIMEI', 'Chi Mei']::text[]),
    ('T001', '科思创', ARRAY['Covestro', '拜耳材料']::text[]),
    ('T001', '巴斯夫', ARRAY['BASF']::text[]),
    ('T001', '道恩股份', ARRAY['道恩']::text[]),
    ('T001', '国恩股份', ARRAY['国恩']::text[]),
    ('T001', '会通股份', ARRAY['会通']::text[]);
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
-- commhub install script, part 20: timeline (A3), overview (A4), panorama (A5).

CREATE FUNCTION commhub.display_width(text) RETURNS integer
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_display_width';
CREATE FUNCTION commhub.fit_width(text, integer) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_fit_width';

-- Display vocabulary (the seed's labels and icons).
CREATE FUNCTION commhub.channel_label(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_label';
CREATE FUNCTION commhub.channel_icon(communication_type text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_channel_icon';
CREATE FUNCTION commhub.intent_label(intent text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'inquiry' THEN '询价' WHEN 'complaint' THEN '投诉' WHEN 'technical' THEN '技术支持'
                   WHEN 'cooperation' THEN '合作洽谈' WHEN 'order' THEN '订单确认' WHEN 'payment' THEN '付款'
                   WHEN 'delivery' THEN '交货' WHEN 'after_sales' THEN '售后' WHEN 'other' THEN '其他' END $$;
CREATE FUNCTION commhub.sentiment_label(sentiment text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'positive' THEN '积极' WHEN 'neutral' THEN '中性' WHEN 'negative' THEN '消极' END $$;
CREATE FUNCTION commhub.urgency_label(level text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE $1 WHEN 'high' THEN '高' WHEN 'medium' THEN '中' WHEN 'low' THEN '低' END $$;
-- 15分钟, 2小时, 1小时30分钟, 45秒
CREATE FUNCTION commhub.duration_text(seconds integer) RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_duration_text';
-- 刚刚, 5分钟前, 2小时前, 昨天, 3天前, 2周前, 4个月前
CREATE FUNCTION commhub.relative_time(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN $1 IS NULL THEN NULL
                -- later than now (a planned meeting, a sender's clock ahead)
                WHEN $1 - $2 >= interval '1 day'
                     THEN ($1 AT TIME ZONE 'Asia/Shanghai')::date - ($2 AT TIME ZONE 'Asia/Shanghai')::date || '天后'
                WHEN $1 - $2 >= interval '1 hour' THEN extract(epoch FROM $1 - $2)::int / 3600 || '小时后'
                WHEN $1 - $2 >= interval '1 minute' THEN extract(epoch FROM $1 - $2)::int / 60 || '分钟后'
                WHEN $2 - $1 < interval '1 minute' THEN '刚刚'
                WHEN $2 - $1 < interval '1 hour' THEN extract(epoch FROM $2 - $1)::int / 60 || '分钟前'
                WHEN $2 - $1 < interval '1 day' THEN extract(epoch FROM $2 - $1)::int / 3600 || '小时前'
                WHEN ($2 AT TIME ZONE 'Asia/Shanghai')::date - ($1 AT TIME ZONE 'Asia/Shanghai')::date = 1 THEN '昨天'
                WHEN $2 - $1 < interval '14 days' THEN ($2 AT TIME ZONE 'Asia/Shanghai')::date - ($1 AT TIME ZONE 'Asia/Shanghai')::date || '天前'
                WHEN $2 - $1 < interval '60 days' THEN extract(day FROM $2 - $1)::int / 7 || '周前'
                WHEN $2 - $1 < interval '365 days' THEN extract(day FROM $2 - $1)::int / 30 || '个月前'
                ELSE extract(day FROM $2 - $1)::int / 365 || '年前' END $$;
-- 今天 / 昨天 prefix, then 6月14日 (2023年6月14日 in another year), in
-- Asia/Shanghai.  channel_label/icon, duration_text and day_label are the C
-- code timeline() uses (src/render.c).
CREATE FUNCTION commhub.day_label(t timestamptz, now_ timestamptz DEFAULT now()) RETURNS text
    LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_day_label';

-- Display tags of a record (C: it runs for every row of every page).
CREATE FUNCTION commhub.record_tags(intent text, sentiment text, urgency text, attachments integer,
                                    missed boolean, recalled timestamptz, media_pending text, related jsonb)
RETURNS text[] LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'commhub_record_tags';

-- A3: newest first, keyset pagination.  The cursor is "<epoch microseconds>:<id>";
-- deep pages seek through idx_comm_timeline exactly like the first page.
-- In C (src/render.c): the page is read straight from idx_comm_timeline
-- when row security is commhub's tenant policy alone (or does not apply to
-- the caller); with any other policy or column-only grants, by a kept plan
-- run as the caller, so every policy applies.  Display columns are formed
-- without a SQL function call per row.
CREATE FUNCTION commhub.timeline(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
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
-- commhub install script, part 25: health score, customer overview (A4) and
-- the text panorama (A5).

-- Relationship health 0-100 from the customer's own data (also used by A11
-- and the BI views):
--   recency   30  last contact <=3d 30, <=7d 25, <=14d 18, <=30d 10, else 3
--   activity  20  last 30 days vs the average 30 days of the 60 before
--   sentiment 30  mean sentiment score of the last 90 days (0..1)
--   response  20  mean inbound -> first outbound reply, from the first inbound
--                 record of an unanswered run: <=2h 20 ... >72h 0
--   minus 5 per complaint in 30 days (max 15), 3 per overdue task (max 10)
-- health_for() takes the tenant: the BI view computes every tenant's scores
-- with it (as its owner); row security still limits any other caller to
-- the tenants it is granted.  health() is the caller's tenant's.
CREATE FUNCTION commhub.health_for(tenant text, customer_id text, at timestamptz DEFAULT now())
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
s AS (
    SELECT max(communication_time) AS last_contact,
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

CREATE FUNCTION commhub.health(customer_id text, at timestamptz DEFAULT now())
RETURNS TABLE (score integer, trend text, last_contact timestamptz, records_30d integer,
               records_prev_60d integer, sentiment_avg numeric, sentiment_prev numeric,
               response_minutes numeric, complaints_30d integer, overdue_tasks integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM commhub.health_for(commhub.current_tenant(), health.customer_id, health.at) $$;

CREATE FUNCTION commhub.trend_arrow(trend text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE $1 WHEN 'upward' THEN '↑' WHEN 'downward' THEN '↓' ELSE '→' END $$;

-- A4
CREATE FUNCTION commhub.customer_overview(customer_id text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cust record;
    h record;
    result jsonb;
BEGIN
    SELECT * INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002', HINT = 'Create it with commhub.add_customer(customer_id, name).';
    END IF;
    SELECT * INTO h FROM commhub.health(customer_id);
    SELECT jsonb_build_object(
        'customer_id', cust.customer_id,
        'name', cust.name,
        'priority', cust.priority,
        'owner', cust.owner,
        'health', jsonb_build_object('score', h.score, 'trend', h.trend, 'arrow', commhub.trend_arrow(h.trend),
                                     'sentiment_avg_30d', h.sentiment_avg, 'complaints_30d', h.complaints_30d),
        'last_contact', jsonb_build_object('at', h.last_contact, 'relative', commhub.relative_time(h.last_contact),
            'channel', (SELECT commhub.channel_label(c.communication_type) FROM commhub.customer_communications c
                         WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id
                           AND c.canonical_record_id IS NULL
                         ORDER BY c.communication_time DESC, c.id DESC LIMIT 1)),
        'counts', (SELECT coalesce(jsonb_object_agg(t, jsonb_build_object('7d', n7, '30d', n30, '90d', n90)), '{}')
                     FROM (SELECT c.communication_type AS t,
                                  count(*) FILTER (WHERE c.communication_time > now() - interval '7 days') AS n7,
                                  count(*) FILTER (WHERE c.communication_time > now() - interval '30 days') AS n30,
                                  count(*) AS n90
                             FROM commhub.customer_communications c
                            WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = customer_overview.customer_id
                              AND c.canonical_record_id IS NULL AND c.communication_time > now() - interval '90 days'
                            GROUP BY 1) x),
        'avg_response_minutes', h.response_minutes,
        'open_follow_ups', (SELECT coalesce(jsonb_agg(jsonb_build_object('task_id', k.task_id, 'title', k.title,
                                        'due_at', k.due_at, 'priority', k.priority, 'owner', k.owner,
                                        'overdue', k.due_at < now()) ORDER BY k.due_at), '[]')
                              FROM commhub.communication_tasks k
                             WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = customer_overview.customer_id
                               AND k.status IN ('pending', 'in_progress')),
        'latest_insights', (SELECT coalesce(jsonb_agg(jsonb_build_object('insight_id', i.insight_id, 'type', i.insight_type,
                                        'title', i.insight_title, 'importance', i.importance_score, 'created_at', i.created_at)
                                        ORDER BY i.created_at DESC), '[]')
                              FROM (SELECT * FROM commhub.communication_insights i
                                     WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = customer_overview.customer_id
                                       AND i.status <> 'dismissed'
                                     ORDER BY i.created_at DESC LIMIT 5) i))
      INTO result;
    RETURN result;
END
$$;

-- A5: the seed's 客户沟通全景图 for a terminal; box lines count terminal
-- columns (CJK and emoji are two wide) so the right border lines up.
CREATE FUNCTION commhub.timeline_text(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    w constant int := 72;            -- inner width in columns
    cust record;
    h record;
    r record;
    lines text[] := '{}';
    cur_day text := NULL;
    i record;
    todo text;
    n int := 0;
BEGIN
    SELECT * INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = timeline_text.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002', HINT = 'Create it with commhub.add_customer(customer_id, name).';
    END IF;
    SELECT * INTO h FROM commhub.health(customer_id);
    lines := lines || ('┌' || repeat('─', w + 2) || '┐')
                   || ('│ ' || commhub.fit_width('客户沟通全景图 - ' || cust.name, w) || ' │')
                   || ('├' || repeat('─', w + 2) || '┤')
                   || ('│ ' || commhub.fit_width(format('📊 关系健康度: %s/100 │ 📈 趋势: %s │ ⏰ 最后联系: %s',
                                   h.score, commhub.trend_arrow(h.trend), coalesce(commhub.relative_time(h.last_contact), '无')), w) || ' │')
                   || ('├' || repeat('─', w + 2) || '┤');
    FOR r IN SELECT * FROM commhub.timeline(customer_id, since, until, page_size => 200) LOOP
        n := n + 1;
        IF cur_day IS DISTINCT FROM r.day_label THEN
            IF cur_day IS NOT NULL THEN
                lines := lines || ('│ ' || commhub.fit_width('', w) || ' │');
            END IF;
            cur_day := r.day_label;
            lines := lines || ('│ ' || commhub.fit_width('📅 ' || r.day_label, w) || ' │');
        END IF;
        lines := lines || ('│ ' || commhub.fit_width(format('├─ %s %s %s%s%s',
                     to_char(r.communication_time AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'), r.icon, r.channel_label,
                     CASE WHEN r.duration_text IS NOT NULL THEN ' (' || r.duration_text || ')' ELSE '' END,
                     CASE WHEN r.direction = 'outbound' THEN ' ↗' WHEN r.direction = 'inbound' THEN ' ↙' ELSE '' END), w) || ' │')
               || ('│ ' || commhub.fit_width('│   ' || coalesce(r.summary, r.subject, ''), w) || ' │');
        IF array_length(r.tags, 1) > 0 THEN
            lines := lines || ('│ ' || commhub.fit_width('│   ' || array_to_string(r.tags, ' '), w) || ' │');
        END IF;
    END LOOP;
    IF n = 0 THEN
        lines := lines || ('│ ' || commhub.fit_width('(该时间范围内没有沟通记录)', w) || ' │');
    END IF;
    -- AI insights: the latest of each kind, and the open to-dos.
    lines := lines || ('├' || repeat('─', w + 2) || '┤')
                   || ('│ ' || commhub.fit_width('🤖 AI洞察', w) || ' │');
    FOR i IN SELECT DISTINCT ON (x.insight_type) x.insight_type, x.insight_title
               FROM commhub.communication_insights x
              WHERE x.tenant_id = commhub.current_tenant() AND x.customer_id = timeline_text.customer_id
                AND x.status <> 'dismissed' AND x.insight_type IN ('opportunity', 'risk', 'suggestion', 'relationship')
              ORDER BY x.insight_type, x.created_at DESC LOOP
        lines := lines || ('│ ' || commhub.fit_width(format('├─ %s %s',
                    CASE i.insight_type WHEN 'opportunity' THEN '💡 商机提醒:' WHEN 'risk' THEN '⚠️ 风险预警:'
                                        WHEN 'suggestion' THEN '🎯 营销建议:' ELSE '📊 客户洞察:' END, i.insight_title), w) || ' │');
    END LOOP;
    SELECT string_agg(title, ' + ' ORDER BY due_at) INTO todo
      FROM (SELECT k.title, k.due_at FROM commhub.communication_tasks k
             WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = timeline_text.customer_id
               AND k.status IN ('pending', 'in_progress') ORDER BY k.due_at LIMIT 3) k;
    lines := lines || ('│ ' || commhub.fit_width('└─ 📋 待办: ' || coalesce(todo, '无'), w) || ' │')
                   || ('└' || repeat('─', w + 2) || '┘');
    RETURN array_to_string(lines, E'\n');
END
$$;
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
-- commhub install script, part 30: materialized insight views for BI tools (A6).
--
-- Each mv_* holds every tenant and plain columns only (no nested JSON), has a
-- unique index so REFRESH ... CONCURRENTLY works, and is read through a
-- bi_* view that keeps only the caller's tenant (materialized views have no
-- row-level security of their own).  commhub.refresh_views() refreshes all
-- of them concurrently; install_schedules() runs it every 15 minutes.
-- Columns are documented in doc/bi_views.md.

CREATE MATERIALIZED VIEW commhub.mv_daily_activity AS
SELECT c.tenant_id, c.customer_id,
       (c.communication_time AT TIME ZONE 'Asia/Shanghai')::date AS day,
       c.communication_type, coalesce(c.direction, 'unknown') AS direction,
       count(*)::int AS records,
       coalesce(sum(c.duration), 0)::bigint AS total_duration_s,
       count(*) FILTER (WHERE c.missed)::int AS missed_calls,
       count(*) FILTER (WHERE c.urgency_level = 'high')::int AS high_urgency
  FROM commhub.customer_communications c
 WHERE c.canonical_record_id IS NULL
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_daily_activity_key ON commhub.mv_daily_activity (tenant_id, customer_id, day, communication_type, direction);

-- Inbound record -> the first outbound record to the same customer within 7 days;
-- first_in_run marks the first inbound record of an unanswered run.
CREATE MATERIALIZED VIEW commhub.mv_response_times AS
SELECT i.tenant_id, i.customer_id, i.record_id AS inbound_record_id, i.communication_type AS inbound_type,
       i.communication_time AS inbound_at, o.record_id AS reply_record_id, o.communication_type AS reply_type,
       coalesce(o.initiated_by, o.handled_by, 'unknown') AS replied_by, o.communication_time AS replied_at,
       round(extract(epoch FROM (o.communication_time - i.communication_time)) / 60.0, 1) AS response_minutes,
       -- the first inbound record since the previous outbound one (or 7 days):
       -- the time the customer waited is the average over these rows
       coalesce((SELECT p.direction <> 'inbound' OR p.communication_time < i.communication_time - interval '7 days'
                   FROM commhub.customer_communications p
                  WHERE p.tenant_id = i.tenant_id AND p.customer_id = i.customer_id AND p.canonical_record_id IS NULL
                    AND p.direction IN ('inbound', 'outbound')
                    AND (p.communication_time, p.id) < (i.communication_time, i.id)
                  ORDER BY p.communication_time DESC, p.id DESC LIMIT 1), true) AS first_in_run
  FROM commhub.customer_communications i
  LEFT JOIN LATERAL (
        SELECT x.record_id, x.communication_type, x.initiated_by, x.handled_by, x.communication_time
          FROM commhub.customer_communications x
         WHERE x.tenant_id = i.tenant_id AND x.customer_id = i.customer_id AND x.direction = 'outbound'
           AND x.canonical_record_id IS NULL
           AND x.communication_time > i.communication_time
           AND x.communication_time <= i.communication_time + interval '7 days'
         ORDER BY x.communication_time LIMIT 1) o ON true
 WHERE i.direction = 'inbound' AND i.canonical_record_id IS NULL AND i.customer_id <> 'UNMATCHED';
CREATE UNIQUE INDEX mv_response_times_key ON commhub.mv_response_times (inbound_record_id);

CREATE MATERIALIZED VIEW commhub.mv_followup_backlog AS
SELECT t.tenant_id, t.customer_id, coalesce(t.owner, 'unassigned') AS owner, t.status, t.priority,
       count(*)::int AS tasks,
       count(*) FILTER (WHERE t.due_at < now())::int AS overdue,
       min(t.due_at) AS oldest_due_at
  FROM commhub.communication_tasks t
 WHERE t.status IN ('pending', 'in_progress')
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_followup_backlog_key ON commhub.mv_followup_backlog (tenant_id, customer_id, owner, status, priority);

CREATE MATERIALIZED VIEW commhub.mv_customer_health AS
SELECT cu.tenant_id, cu.customer_id, cu.name AS customer_name, cu.priority, coalesce(cu.owner, 'unassigned') AS owner,
       s.last_contact_at, s.records_30d, s.records_90d, s.negative_30d, s.complaints_30d,
       round(s.sentiment_avg_90d, 2) AS sentiment_avg_90d,
       -- the same score as customer_overview() (commhub.health)
       (SELECT h.score FROM commhub.health_for(cu.tenant_id, cu.customer_id, now()) h) AS health_score,
       (SELECT count(*) FROM commhub.communication_tasks t
         WHERE t.tenant_id = cu.tenant_id AND t.customer_id = cu.customer_id AND t.status IN ('pending', 'in_progress'))::int AS open_followups,
       (SELECT count(*) FROM commhub.communication_insights i
         WHERE i.tenant_id = cu.tenant_id AND i.customer_id = cu.customer_id AND i.insight_type = 'risk'
           AND i.status IN ('new', 'read'))::int AS open_risks,
       (SELECT count(*) FROM commhub.communication_insights i
         WHERE i.tenant_id = cu.tenant_id AND i.customer_id = cu.customer_id AND i.insight_type = 'opportunity'
           AND i.status IN ('new', 'read'))::int AS open_opportunities
  FROM commhub.customers cu
  LEFT JOIN LATERAL (
        SELECT max(c.communication_time) AS last_contact_at,
               count(*) FILTER (WHERE c.communication_time > now() - interval '30 days')::int AS records_30d,
               count(*) FILTER (WHERE c.communication_time > now() - interval '90 days')::int AS records_90d,
               count(*) FILTER (WHERE c.communication_time <= now() - interval '30 days'
                                  AND c.communication_time > now() - interval '90 days')::int AS records_prev_60d,
               count(*) FILTER (WHERE c.sentiment = 'negative' AND c.communication_time > now() - interval '30 days')::int AS negative_30d,
               count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.communication_time > now() - interval '30 days')::int AS complaints_30d,
               avg(c.sentiment_score) FILTER (WHERE c.communication_time > now() - interval '90 days') AS sentiment_avg_90d
          FROM commhub.customer_communications c
         WHERE c.tenant_id = cu.tenant_id AND c.customer_id = cu.customer_id AND c.canonical_record_id IS NULL) s ON true;
CREATE UNIQUE INDEX mv_customer_health_key ON commhub.mv_customer_health (tenant_id, customer_id);

CREATE MATERIALIZED VIEW commhub.mv_intent_sentiment_weekly AS
SELECT c.tenant_id, date_trunc('week', c.communication_time AT TIME ZONE 'Asia/Shanghai')::date AS week,
       c.customer_id, coalesce(c.intent_category, 'unknown') AS intent_category,
       coalesce(c.sentiment, 'unknown') AS sentiment, count(*)::int AS records,
       round(avg(c.sentiment_score), 2) AS sentiment_score_avg
  FROM commhub.customer_communications c
 WHERE c.canonical_record_id IS NULL
 GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX mv_intent_sentiment_weekly_key ON commhub.mv_intent_sentiment_weekly (tenant_id, week, customer_id, intent_category, sentiment);

-- Tenant-filtered views that BI tools query.
CREATE VIEW commhub.bi_daily_activity WITH (security_barrier) AS
    SELECT * FROM commhub.mv_daily_activity WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_response_times WITH (security_barrier) AS
    SELECT * FROM commhub.mv_response_times WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_followup_backlog WITH (security_barrier) AS
    SELECT * FROM commhub.mv_followup_backlog WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_customer_health WITH (security_barrier) AS
    SELECT * FROM commhub.mv_customer_health WHERE tenant_id = (SELECT commhub.current_tenant());
CREATE VIEW commhub.bi_intent_sentiment_weekly WITH (security_barrier) AS
    SELECT * FROM commhub.mv_intent_sentiment_weekly WHERE tenant_id = (SELECT commhub.current_tenant());

-- Refresh every view concurrently (readers are never blocked); returns what
-- was refreshed and how long it took.  SECURITY DEFINER: refreshing needs the
-- owner, and the function does nothing else.
CREATE FUNCTION commhub.refresh_views()
RETURNS TABLE (view_name text, rows bigint, milliseconds numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v text;
    t0 timestamptz;
BEGIN
    FOREACH v IN ARRAY ARRAY['mv_daily_activity', 'mv_response_times', 'mv_followup_backlog',
                             'mv_customer_health', 'mv_intent_sentiment_weekly'] LOOP
        t0 := clock_timestamp();
        EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY commhub.%I', v);
        view_name := v;
        EXECUTE format('SELECT count(*) FROM commhub.%I', v) INTO rows;
        milliseconds := round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
        RETURN NEXT;
    END LOOP;
END
$$;
-- commhub install script, part 35: agent runtime (N3, N4, N5, O2).
--
-- Jobs live in a LOGGED table written in the same transaction as the record
-- that causes them: a rolled-back ingest leaves no job, a committed one is
-- never lost (R1).  Background workers claim due jobs with FOR UPDATE SKIP
-- LOCKED under a lease, commit, call the endpoint with no transaction open,
-- and write each result in its own short transaction.

CREATE TABLE commhub.agent_endpoints (
    tenant_id          varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    name               varchar(64)  NOT NULL,
    base_url           text         NOT NULL CHECK (base_url ~* '^https?://'),
    model              varchar(256) NOT NULL,
    api_key            text,        -- readable only by commhub_admin and superusers (column privilege)
    connect_timeout_ms integer      NOT NULL DEFAULT 10000 CHECK (connect_timeout_ms BETWEEN 100 AND 600000),
    timeout_ms         integer      NOT NULL DEFAULT 120000 CHECK (timeout_ms BETWEEN 100 AND 3600000),
    max_inflight       integer      NOT NULL DEFAULT 8 CHECK (max_inflight BETWEEN 1 AND 1024),
    requests_per_minute integer     CHECK (requests_per_minute IS NULL OR requests_per_minute > 0),
    max_attempts       integer      NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 50),
    temperature        real         NOT NULL DEFAULT 0.2,
    max_response_bytes integer      NOT NULL DEFAULT 1048576,
    options            jsonb        NOT NULL DEFAULT '{}',
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Which endpoint an agent uses (absent = built-in only).
CREATE TABLE commhub.agent_routes (
    tenant_id  varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    agent      varchar(8)  NOT NULL CHECK (agent IN ('A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16')),
    endpoint   varchar(64) NOT NULL,
    PRIMARY KEY (tenant_id, agent),
    FOREIGN KEY (tenant_id, endpoint) REFERENCES commhub.agent_endpoints (tenant_id, name) ON DELETE CASCADE
);

-- Stored, versioned, editable prompts; the highest active version is used.
CREATE TABLE commhub.agent_prompts (
    tenant_id     varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    agent         varchar(8)  NOT NULL,
    version       integer     NOT NULL,
    system_prompt text,
    template      text        NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, agent, version)
);

-- Where urgent notifications go (a WeCom group robot); the URL holds its key.
CREATE TABLE commhub.notify_webhooks (
    tenant_id  varchar(64) NOT NULL DEFAULT commhub.current_tenant(),
    name       varchar(64) NOT NULL,
    url        text        NOT NULL CHECK (url ~* '^https?://'),
    kind       varchar(16) NOT NULL DEFAULT 'wecom_robot' CHECK (kind IN ('wecom_robot')),
    enabled    boolean     NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE commhub.agent_jobs (
    job_id           bigserial    PRIMARY KEY,
    tenant_id        varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    agent            varchar(16)  NOT NULL,           -- A10..A16, or 'webhook'
    endpoint         varchar(64),                     -- endpoint or webhook name
    record_id        varchar(64),
    customer_id      varchar(64),
    status           varchar(16)  NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    attempts         integer      NOT NULL DEFAULT 0,
    last_error       text,
    error_class      varchar(32),
    payload          jsonb,                           -- agent input (never the key)
    result           jsonb,
    prompt_version   integer,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    lease_expires_at timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz,
    latency_ms       integer,
    prompt_tokens    integer,
    completion_tokens integer,
    worker_pid       integer,
    -- times a worker claimed the job again because the worker that ran it
    -- died (its lease had expired, or its process was gone); such a claim
    -- is an attempt
    lease_expiries   integer      NOT NULL DEFAULT 0
);
CREATE INDEX agent_jobs_due ON commhub.agent_jobs (next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_lease ON commhub.agent_jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX agent_jobs_record ON commhub.agent_jobs (record_id);
CREATE INDEX agent_jobs_finished ON commhub.agent_jobs (finished_at) WHERE status IN ('succeeded', 'failed', 'dead');
-- Per-endpoint claims (claim_agent_jobs) look up due jobs and live runs by endpoint.
CREATE INDEX agent_jobs_endpoint_due ON commhub.agent_jobs (tenant_id, endpoint, next_attempt_at) WHERE status = 'queued';
CREATE INDEX agent_jobs_endpoint_running ON commhub.agent_jobs (tenant_id, endpoint) WHERE status = 'running';

-- Per-endpoint state written only by the workers: of a model endpoint
-- (agent_endpoints), or of a webhook (notify_webhooks, webhook true; the two
-- may share a name).  rate_tat (model endpoints with requests_per_minute,
-- claim_agent_jobs) is the GCRA "theoretical arrival time" -- requests are
-- spaced 60/rpm seconds apart, with a burst of about one second's worth
-- (ceil(rpm/60), at least 1).  paused_until is set when the endpoint or
-- webhook answers 429 (or 503 with Retry-After; a WeCom robot's errcode
-- 45009): no job of it is claimed before it (endpoint_throttled,
-- claim_agent_jobs); paused_at is when that pause began, pause_reason the
-- answer that set it.
CREATE TABLE commhub.agent_endpoint_state (
    tenant_id    varchar(64) NOT NULL,
    endpoint     varchar(64) NOT NULL,
    rate_tat     timestamptz NOT NULL DEFAULT now(),
    paused_until timestamptz,
    paused_at    timestamptz,
    pause_reason text,
    webhook      boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, endpoint, webhook)
);

-- The built-in A10 prompt (version 1).  {placeholders} are filled by the worker.
INSERT INTO commhub.agent_prompts (tenant_id, agent, version, system_prompt, template) VALUES
('T001', 'A10', 1,
 '你是TopcentralMall的沟通分析专家。只输出一个JSON对象(json),不要输出其他文字。',
 $tmpl$请分析以下客户沟通记录,提取关键信息。
## 输入数据
沟通类型: {communication_type}
沟通渠道: {channel}
沟通时间: {communication_time}
客户: {customer_name}
主题: {subject}
内容: {content}
## 内置分析器的初步结果(可修正)
{builtin}
## 分析任务
1. 沟通意图识别: category 取 inquiry/complaint/technical/cooperation/order/payment/delivery/after_sales/other 之一
2. 关键信息提取(产品型号、价格、数量、时间节点、竞争对手)
3. 客户情绪分析: overall 取 positive/neutral/negative, score 0-1
4. 紧急程度评估: level 取 high/medium/low
5. 跟进事项识别
6. 沟通质量评分(1-10的整数)
## 输出格式(JSON)
{"intent": {"category": "inquiry", "detail": "...", "confidence": 0.9},
 "key_info": {"products": [], "price": null, "quantity": null, "timeline": null, "competitors": []},
 "sentiment": {"overall": "neutral", "score": 0.5, "mood": "..."},
 "urgency": {"level": "medium", "reason": "..."},
 "follow_up": [], "quality_score": 7, "suggestions": []}$tmpl$);

-- Default prompts of the customer agents A11..A16 (version 1), used when
-- use_endpoint routes them (enqueue_agent_enrichment): {records} and
-- {builtin} come from the job payload; the answer has the seed's shape
-- (A15: Markdown).  The role phrase of each opens both prompts.
INSERT INTO commhub.agent_prompts (tenant_id, agent, version, system_prompt, template) VALUES
('T001', 'A11', 1,
 $tmpl$你是TopcentralMall的客户洞察专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的客户洞察专家。请基于客户的沟通记录和内置分析结果,生成深度客户洞察。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 客户关系健康度评分(0-100)与趋势(upward/stable/downward)
2. 沟通偏好(渠道/时间/频率/响应速度)
3. 决策模式与关键决策人
4. 满意度(1-5)与忠诚度(0-100)
5. 生命周期阶段(潜在客户/新客户/成长客户/成熟客户/流失风险)
6. 关键联系人、需求图谱、风险与机会
## 输出格式(JSON)
{"relationship_health": {"score": 85, "trend": "upward", "assessment": "..."},
 "communication_pattern": {"preferred_channel": "企业微信", "preferred_time": "工作日下午", "frequency": "每周2-3次", "response_speed": "平均2小时回复"},
 "decision_making": {"style": "理性决策", "key_factors": ["价格", "质量", "交期"], "decision_maker": "...", "decision_cycle": "2-3周"},
 "satisfaction": {"current": 4.2, "trend": "stable", "strengths": [], "pain_points": []},
 "loyalty": {"score": 78, "risk_level": "low", "retention_probability": 0.92},
 "lifecycle_stage": "成长客户",
 "key_contacts": [{"name": "...", "role": "...", "influence": 0.9, "relationship": "良好"}],
 "needs_map": {"current": [], "future": [], "latent": []},
 "risks": [{"type": "...", "level": "medium", "mitigation": "..."}],
 "opportunities": [{"type": "...", "potential": "high", "action": "..."}]}$tmpl$),
('T001', 'A12', 1,
 $tmpl$你是TopcentralMall的商机挖掘专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的商机挖掘专家。请从客户沟通记录中识别和评估商机。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 显性商机(客户明确表达的需求)与隐性商机(潜在需求信号)
2. 可行性、竞争态势、成交概率(0-1)、预计金额和时间
3. 推荐行动
## 输出格式(JSON)
{"opportunities": [{"id": "OPP-202406-001", "type": "explicit", "description": "...", "product": "...", "quantity": "50吨/月",
   "estimated_value": 750000, "probability": 0.65, "expected_close_date": "2024-08-15", "stage": "需求确认",
   "competitors": [], "winning_factors": [], "risk_factors": [], "recommended_actions": [], "urgency": "high"}],
 "cross_sell_opportunities": [{"product": "...", "reason": "...", "potential_value": 500000, "approach": "技术推荐"}],
 "up_sell_opportunities": [{"current": "...", "upgrade": "...", "reason": "...", "potential_value": 200000}]}$tmpl$),
('T001', 'A13', 1,
 $tmpl$你是TopcentralMall的营销策略专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的营销策略专家。请基于客户沟通分析,生成个性化营销建议。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 分析任务
1. 客户细分与定位, 营销内容, 最佳触达时机与渠道
2. 营销活动设计, 客户关怀, 复购与挽留方案
## 输出格式(JSON)
{"customer_segment": "VIP成长型客户",
 "marketing_strategy": {"approach": "价值深化", "key_messages": [], "value_proposition": "..."},
 "content_suggestions": [{"type": "技术白皮书", "topic": "...", "timing": "立即发送", "channel": "企业微信+邮件"}],
 "timing_recommendations": {"best_contact_days": ["周二"], "best_contact_hours": ["10:00-11:30"], "avoid_times": ["周一上午"]},
 "channel_strategy": {"primary": "企业微信", "secondary": "电话", "tertiary": "邮件", "reason": "..."},
 "campaign_ideas": [{"name": "...", "target": "...", "offer": "...", "expected_response": 0.8}],
 "care_strategy": {"birthday_greeting": true, "holiday_gifts": "...", "quarterly_business_review": true, "industry_insights_sharing": "..."},
 "retention_plan": {"risk_signals": [], "retention_actions": []}}$tmpl$),
('T001', 'A14', 1,
 $tmpl$你是TopcentralMall的风险预警专家。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的风险预警专家。请监控客户沟通数据,识别潜在风险。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 风险识别任务
1. 流失风险, 订单下滑, 投诉升级, 竞争对手渗透, 付款风险, 质量投诉, 关系恶化
2. risk_type 取 churn_risk/competitor_threat/complaint_escalation/payment_risk/sentiment_decline/quote_silence 之一, risk_level 取 high/medium/low, risk_score 0-100
## 输出格式(JSON)
{"risk_alerts": [{"alert_id": "RISK-202406-001", "customer_id": "C001", "customer_name": "...", "risk_type": "churn_risk",
   "risk_level": "high", "risk_score": 75, "indicators": [], "triggered_at": "2024-06-15", "expected_impact": "...",
   "recommended_actions": [], "escalation_required": true, "escalation_to": "sales_director"}],
 "early_warning_signals": {"communication_decline": {"detected": true, "metric": "30天沟通次数", "current": 2, "baseline": 8, "trend": "declining"},
                           "price_sensitivity": {"detected": true, "evidence": "...", "severity": "medium"}}}$tmpl$),
('T001', 'A15', 1,
 $tmpl$你是TopcentralMall的报告生成专家。只输出Markdown报告,不要输出JSON或其他说明。$tmpl$,
 $tmpl$你是TopcentralMall的报告生成专家。请基于沟通记录和内置分析结果,生成专业的客户专属分析报告。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 报告内容
- 客户沟通全景图
- 关系健康度评估
- 合作价值分析(商机、风险)
- 改进建议与行动清单
## 输出格式: Markdown报告(以 # 标题开头)$tmpl$),
('T001', 'A16', 1,
 $tmpl$你是TopcentralMall的沟通聚合分析总协调Agent。只输出一个JSON对象(json),不要输出其他文字。$tmpl$,
 $tmpl$你是TopcentralMall的沟通聚合分析总协调Agent。请整合各专业Agent(A10-A15)的结果,生成综合分析。
## 输入数据
客户: {customer_name}
最近沟通记录(新的在前, time/channel/summary/intent/sentiment):
{records}
## 内置分析器的结果(可修正、补充)
{builtin}
## 输出格式(JSON)
{"analysis_summary": {"total_records": 150, "channels": {"wechat": 80, "phone": 40, "email": 20, "visit": 10}, "analysis_date": "2024-06-15"},
 "customer_insights": {"...": "A11输出"},
 "opportunities": {"...": "A12输出"},
 "marketing_suggestions": {"...": "A13输出"},
 "risk_alerts": {"...": "A14输出"},
 "reports": {"...": "A15输出"},
 "action_plan": {"immediate": [], "short_term": [], "long_term": []}}$tmpl$);

-- N3: configure endpoints and routes.
CREATE FUNCTION commhub.set_endpoint(name text, base_url text, model text, api_key text DEFAULT NULL,
                                     options jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    v jsonb;
    lo bigint;
    hi bigint;
BEGIN
    IF name IS NULL OR name !~ '^[A-Za-z0-9_.-]{1,64}$' THEN
        RAISE EXCEPTION 'endpoint name "%" is not 1-64 letters, digits, _ . -', name
            USING ERRCODE = '22023', HINT = 'Use a short name such as deepseek or local_vllm.';
    END IF;
    IF base_url IS NULL OR base_url !~* '^https?://[^[:space:]]+$' THEN
        RAISE EXCEPTION 'base_url "%" is not an http:// or https:// URL', base_url
            USING ERRCODE = '22023', HINT = 'Pass the OpenAI-compatible base URL, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:8000/v1.';
    END IF;
    IF model IS NULL OR model = '' THEN
        RAISE EXCEPTION 'model must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the model name the endpoint serves, e.g. deepseek-chat or qwen-plus.';
    END IF;
    IF jsonb_typeof(coalesce(options, '{}')) <> 'object' THEN
        RAISE EXCEPTION 'options must be a JSON object' USING ERRCODE = '22023',
            HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body, retry_bad_answers.';
    END IF;
    -- Every value is checked here, by type and range: what is stored is
    -- what the workers read for each job (a value they cannot cast would
    -- stop every claim that reaches one of its jobs).  null = the default.
    FOR k, v IN SELECT o.key, o.value FROM jsonb_each(coalesce(options, '{}')) o LOOP
        IF k NOT IN ('timeout_ms', 'connect_timeout_ms', 'max_inflight', 'requests_per_minute', 'max_attempts',
                     'temperature', 'max_response_bytes', 'extra_body', 'retry_bad_answers') THEN
            RAISE EXCEPTION 'unknown endpoint option "%"', k USING ERRCODE = '22023',
                HINT = 'Keys: timeout_ms, connect_timeout_ms, max_inflight, requests_per_minute, max_attempts, temperature, max_response_bytes, extra_body, retry_bad_answers.';
        END IF;
        CONTINUE WHEN jsonb_typeof(v) = 'null';
        lo := CASE k WHEN 'timeout_ms' THEN 100 WHEN 'connect_timeout_ms' THEN 100 WHEN 'max_inflight' THEN 1
                     WHEN 'requests_per_minute' THEN 1 WHEN 'max_attempts' THEN 1 WHEN 'max_response_bytes' THEN 1024 END;
        hi := CASE k WHEN 'timeout_ms' THEN 3600000 WHEN 'connect_timeout_ms' THEN 600000 WHEN 'max_inflight' THEN 1024
                     WHEN 'requests_per_minute' THEN 1000000 WHEN 'max_attempts' THEN 50 WHEN 'max_response_bytes' THEN 67108864 END;
        IF lo IS NOT NULL AND NOT (CASE WHEN jsonb_typeof(v) = 'number'
                                        THEN v::text::numeric = trunc(v::text::numeric) AND v::text::numeric BETWEEN lo AND hi
                                        ELSE false END) THEN
            RAISE EXCEPTION 'endpoint option "%" must be an integer from % to %, not %', k, lo,
                  hi || CASE WHEN k = 'requests_per_minute' THEN ' (or null: no limit)' ELSE '' END, v
                USING ERRCODE = '22023',
                      HINT = format('Pass "%s" as a JSON number, e.g. {"%s": %s}.', k, k, greatest(lo, least(hi, 2000)));
        ELSIF k = 'temperature' AND NOT (CASE WHEN jsonb_typeof(v) = 'number' THEN v::text::numeric BETWEEN 0 AND 2 ELSE false END) THEN
            RAISE EXCEPTION 'endpoint option "temperature" must be a number from 0 to 2, not %', v
                USING ERRCODE = '22023', HINT = 'Pass it as a JSON number, e.g. {"temperature": 0.2}.';
        ELSIF k = 'extra_body' AND jsonb_typeof(v) <> 'object' THEN
            RAISE EXCEPTION 'endpoint option "extra_body" must be a JSON object, not %', v
                USING ERRCODE = '22023', HINT = 'Its keys are merged into each request body, e.g. {"extra_body": {"enable_thinking": false}}.';
        ELSIF k = 'retry_bad_answers' AND jsonb_typeof(v) <> 'boolean' THEN
            RAISE EXCEPTION 'endpoint option "retry_bad_answers" must be true or false, not %', v
                USING ERRCODE = '22023', HINT = 'Pass a JSON boolean: {"retry_bad_answers": true} retries answers that are not JSON or break the agent''s shape (the default), false records them at once.';
        END IF;
    END LOOP;
    INSERT INTO commhub.agent_endpoints AS e (name, base_url, model, api_key, timeout_ms, connect_timeout_ms, max_inflight,
                                              requests_per_minute, max_attempts, temperature, max_response_bytes, options)
    VALUES (name, base_url, model, api_key,
            coalesce((options->>'timeout_ms')::numeric::int, 120000), coalesce((options->>'connect_timeout_ms')::numeric::int, 10000),
            coalesce((options->>'max_inflight')::numeric::int, 8), (options->>'requests_per_minute')::numeric::int,
            coalesce((options->>'max_attempts')::numeric::int, 5), coalesce((options->>'temperature')::real, 0.2),
            coalesce((options->>'max_response_bytes')::numeric::int, 1048576), coalesce(options, '{}'))
    ON CONFLICT ON CONSTRAINT agent_endpoints_pkey DO UPDATE SET
        base_url = EXCLUDED.base_url, model = EXCLUDED.model,
        api_key = coalesce(EXCLUDED.api_key, e.api_key),
        timeout_ms = EXCLUDED.timeout_ms, connect_timeout_ms = EXCLUDED.connect_timeout_ms,
        max_inflight = EXCLUDED.max_inflight, requests_per_minute = EXCLUDED.requests_per_minute,
        max_attempts = EXCLUDED.max_attempts, temperature = EXCLUDED.temperature,
        max_response_bytes = EXCLUDED.max_response_bytes, options = EXCLUDED.options, updated_at = now();
END
$$;

CREATE FUNCTION commhub.use_endpoint(agent text, endpoint text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF agent IS NULL OR agent NOT IN ('A10', 'A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RAISE EXCEPTION 'agent "%" is not one of A10..A16', agent
            USING ERRCODE = '22023', HINT = 'A10 analyses each record; A11-A16 are the customer agents.';
    END IF;
    IF endpoint IS NULL THEN
        DELETE FROM commhub.agent_routes r WHERE r.tenant_id = commhub.current_tenant() AND r.agent = use_endpoint.agent;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commhub.agent_endpoints e
                    WHERE e.tenant_id = commhub.current_tenant() AND e.name = use_endpoint.endpoint) THEN
        RAISE EXCEPTION 'endpoint "%" does not exist', endpoint
            USING ERRCODE = '22023', HINT = 'Create it first with commhub.set_endpoint(name, base_url, model, api_key).';
    END IF;
    INSERT INTO commhub.agent_routes (agent, endpoint) VALUES (agent, endpoint)
    ON CONFLICT ON CONSTRAINT agent_routes_pkey DO UPDATE SET endpoint = EXCLUDED.endpoint;
END
$$;

CREATE FUNCTION commhub.set_webhook(name text, url text, enabled boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF url IS NULL OR url !~* '^https?://[^[:space:]]+$' THEN
        RAISE EXCEPTION 'url is not an http:// or https:// URL' USING ERRCODE = '22023',
            HINT = 'Pass the WeCom group robot URL, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...';
    END IF;
    INSERT INTO commhub.notify_webhooks (name, url, enabled) VALUES (name, url, enabled)
    ON CONFLICT ON CONSTRAINT notify_webhooks_pkey DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled;
END
$$;

-- O2: what the queue is doing.
CREATE VIEW commhub.queue_status AS
SELECT j.tenant_id, j.agent, j.endpoint, j.status, count(*) AS jobs,
       round(extract(epoch FROM now() - min(j.created_at))::numeric, 1) AS oldest_age_s,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY j.latency_ms) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS p50_latency_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY j.latency_ms) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS p95_latency_ms,
       sum(j.prompt_tokens + j.completion_tokens) FILTER (WHERE j.finished_at > now() - interval '1 hour') AS tokens_1h,
       (array_agg(j.last_error ORDER BY j.finished_at DESC NULLS LAST) FILTER (WHERE j.last_error IS NOT NULL))[1:3] AS recent_errors
  FROM commhub.agent_jobs j
 WHERE j.tenant_id = (SELECT commhub.current_tenant())
 GROUP BY 1, 2, 3, 4;

-- O2: each model endpoint and each webhook of the tenant (webhook true):
-- paused (after a 429 / 503 with Retry-After, until paused_until, with the
-- answer that paused it), its jobs queued and running, and a model
-- endpoint's limits and rate-limit slot.  No key: a webhook's URL holds
-- its key, so base_url is NULL for webhooks.
CREATE VIEW commhub.endpoint_status AS
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

-- Finished jobs older than the setting commhub.job_retention (default 7 days).
CREATE FUNCTION commhub.prune_jobs(older_than interval DEFAULT NULL) RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, pg_temp
AS $$
    WITH d AS (DELETE FROM commhub.agent_jobs
                WHERE status IN ('succeeded', 'failed', 'dead')
                  AND finished_at < now() - coalesce(older_than,
                        coalesce(nullif(current_setting('commhub.job_retention', true), ''), '7 days')::interval)
                RETURNING 1)
    SELECT count(*) FROM d
$$;

-- The workers' claim (N3 limits, N4).  Returns the ids of up to n jobs it
-- moved to 'running' (attempts+1, this backend's pid, a lease of the
-- endpoint's timeout + 15 s); the caller commits at once.  Claims of all
-- workers are serialized by a transaction advisory lock, so the per-endpoint
-- limits hold across workers, not just per worker:
--   max_inflight         an endpoint gets no more jobs while its live
--                        'running' jobs (lease not expired) reach it;
--   requests_per_minute  requests start at most one per 60/rpm s, with a
--                        burst of ceil(rpm/60) (GCRA, agent_endpoint_state).
--                        Due jobs held back by the rate stay 'queued' with
--                        next_attempt_at moved to the next free slot (at most
--                        1000 per endpoint and pass); that costs no attempt.
--   paused               an endpoint paused after a 429 / 503 with
--                        Retry-After (agent_endpoint_state.paused_until,
--                        endpoint_throttled) gets no job until then; its due
--                        jobs stay 'queued' with next_attempt_at moved to the
--                        pause's end, no attempt spent.  Webhooks too.
-- A job found 'running' with its lease expired, or whose worker is gone (no
-- backend with its worker_pid, or only one that started after the claim:
-- the pid was reused), was left by a worker that died while running it
-- (killed, or a crash -- say one its answer causes): it is claimed again as
-- a new attempt, counted in lease_expiries; once it has no attempt left
-- (the endpoint's max_attempts, 5 for webhooks) it is dead instead, "lease
-- expired N times" or "the worker (pid P) died while running it" -- a
-- poison job must not crash the workers for ever.  After a crash restart (a backend killed with
-- SIGKILL ends every backend) that is the workers' first claim, not the end
-- of a lease of up to the endpoint's timeout + 15 s.  The check reads
-- pg_stat_activity after the claim lock, so a job claimed by a live worker
-- is never taken for one whose worker is gone.
-- Webhook jobs have no limits.  include_orphans also claims due jobs whose
-- endpoint or webhook no longer exists (they fail with "not configured");
-- the worker asks for that once per poll interval since it scans all due
-- jobs.  Several endpoints share n oldest-first.
CREATE FUNCTION commhub.claim_agent_jobs(n integer, include_orphans boolean DEFAULT true) RETURNS SETOF bigint
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

-- Milliseconds until the next queued job or lease falls due (NULL: none);
-- the workers sleep until then (at most their poll interval).
CREATE FUNCTION commhub.next_job_due_ms() RETURNS double precision
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT extract(epoch FROM least(
               (SELECT min(j.next_attempt_at) FROM commhub.agent_jobs j WHERE j.status = 'queued' AND j.next_attempt_at > now()),
               (SELECT min(j.lease_expires_at) FROM commhub.agent_jobs j WHERE j.status = 'running' AND j.lease_expires_at > now()))
           - now()) * 1000
$$;

-- A model endpoint or a webhook refused a job's call with 429, or 503 with
-- Retry-After (or a WeCom robot's errcode 45009, frequency limit; the
-- worker calls this in the job's result transaction): the endpoint (the
-- webhook) is paused for pause_ms (the Retry-After, else the job's backoff) -- no job of
-- it is claimed before paused_until.  refund is true when the endpoint was
-- already paused by a refusal that came after this job's call started: the
-- call was refused by the same storm, so its attempt is not counted and it
-- waits for the pause's end.  The first refusal of a storm counts (an
-- endpoint that refuses everything still ends its jobs dead).
CREATE FUNCTION commhub.endpoint_throttled(job_id bigint, pause_ms double precision, reason text,
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

-- Worker state (O2): which workers run and what they do.
CREATE FUNCTION commhub.worker_status() RETURNS TABLE (pid integer, state text, query text, backend_start timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT a.pid, a.state, a.query, a.backend_start FROM pg_stat_activity a WHERE a.backend_type LIKE 'commhub%' $$;

CREATE FUNCTION commhub.wake_workers_at_commit() RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'commhub_wake_workers_at_commit';

-- WeCom group-robot markdown for an urgent record.
CREATE FUNCTION commhub.urgent_markdown(c commhub.customer_communications) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('msgtype', 'markdown', 'markdown', jsonb_build_object('content',
        format(E'## <font color="warning">紧急沟通提醒</font>\n> 客户: **%s**\n> 渠道: %s %s\n> 时间: %s\n> 意图: %s\n> 原因: %s\n\n%s',
               coalesce((SELECT name FROM commhub.customers k WHERE k.tenant_id = c.tenant_id AND k.customer_id = c.customer_id), c.customer_id),
               commhub.channel_icon(c.communication_type), commhub.channel_label(c.communication_type),
               to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
               coalesce(commhub.intent_label(c.intent_category), '-'), coalesce(c.urgency_reason, '-'),
               left(coalesce(c.summary, c.subject, ''), 200))))
$$;

-- Called by ingest for each written chunk, in the ingest's transaction:
-- model jobs for routed A10, NOTIFY commhub_urgent and webhook jobs for
-- urgent records.  SECURITY DEFINER because writers may not read webhook
-- URLs or endpoint rows; it only inserts jobs for the caller's tenant.
CREATE FUNCTION commhub.enqueue_after_ingest(record_ids text[], urgent_ids text[]) RETURNS bigint
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
        -- LISTEN needs no privilege: any role connected to the database
        -- hears commhub_urgent, whatever its tenant.  The payload is what
        -- N5 asks for (ids, channel, time, urgency_reason) and no content;
        -- a listener reads the record itself under row security.
        -- Set-based: one NOTIFY per urgent record, one webhook job per
        -- record and enabled webhook, in two statements.
        PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                    'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'),
                    'tenant_id', t, 'urgency_reason', c.urgency_reason, 'channel', c.communication_type,
                    'communication_time', c.communication_time, 'source', 'builtin')::text)
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

-- N2/N3: model enrichment of the customer agents.  Called by every built-in
-- run of A11..A16 (agent_save, and run_agent/agent_run_customer for A14) in
-- the run's transaction: when commhub.use_endpoint(agent, endpoint) routes
-- the agent, one job is enqueued whose payload carries the stored insight,
-- the built-in result and the customer's recent records, and the workers are
-- woken at commit.  apply_agent_result merges the validated answer into the
-- insight's insight_data as "model".  A14 stores one insight per alert: the
-- job enriches the highest-scoring one (no alert, no insight: no job).  A
-- still-queued job for the same insight is refreshed instead of duplicated.
-- The payload stays near 16 KB: the built-in result up to ~8 KB (else cut as
-- text), then the newest records (time, channel, summary, intent,
-- sentiment) while they fit.  SECURITY DEFINER because writers may not read
-- routes or endpoints; it only writes jobs for the caller's tenant.
CREATE FUNCTION commhub.enqueue_agent_enrichment(agent text, customer_id text, insight_id text, builtin jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t constant text := commhub.current_tenant();
    ep text;
    iid text := insight_id;
    b jsonb := coalesce(builtin, '{}');
    recs jsonb;
    budget integer;
    pl jsonb;
    jid bigint;
BEGIN
    SELECT r.endpoint INTO ep FROM commhub.agent_routes r
     WHERE r.tenant_id = t AND r.agent = enqueue_agent_enrichment.agent;
    IF ep IS NULL OR agent NOT IN ('A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RETURN 0;
    END IF;
    IF agent = 'A14' AND iid IS NULL THEN
        SELECT a ->> 'insight_id' INTO iid FROM jsonb_array_elements(commhub.jarr(b -> 'risk_alerts')) a
         WHERE a ? 'insight_id' ORDER BY (a ->> 'risk_score')::numeric DESC NULLS LAST LIMIT 1;
    END IF;
    IF iid IS NULL THEN
        RETURN 0;
    END IF;
    -- the insight must be this tenant's, of this customer
    IF NOT EXISTS (SELECT 1 FROM commhub.communication_insights i
                    WHERE i.tenant_id = t AND i.insight_id = iid AND i.customer_id = enqueue_agent_enrichment.customer_id) THEN
        RAISE EXCEPTION 'insight_id "%" is not an insight of customer "%" in tenant "%"', iid, customer_id, t
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the insight_id the agent saved for this customer (commhub.communication_insights).';
    END IF;
    b := b - 'insight_id' - 'insight_ids';
    IF octet_length(b::text) > 8000 THEN          -- A16 carries whole reports: drop them first
        b := b - 'reports';
    END IF;
    IF octet_length(b::text) > 8000 THEN
        b := to_jsonb(left(b::text, 8000) || '…(truncated)');
    END IF;
    budget := greatest(2000, 15500 - octet_length(b::text));
    SELECT coalesce(jsonb_agg(x.r ORDER BY x.rn), '[]') INTO recs
      FROM (SELECT y.rn, y.r, sum(octet_length(y.r::text) + 2) OVER (ORDER BY y.rn) AS used
              FROM (SELECT row_number() OVER (ORDER BY c.communication_time DESC, c.record_id) AS rn,
                           jsonb_build_object(
                               'time', to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
                               'channel', c.communication_type,
                               'summary', left(coalesce(c.summary, c.subject, c.content, ''), 200),
                               'intent', c.intent_category, 'sentiment', c.sentiment) AS r
                      FROM commhub.customer_communications c
                     WHERE c.tenant_id = t AND c.customer_id = enqueue_agent_enrichment.customer_id
                     ORDER BY c.communication_time DESC, c.record_id LIMIT 100) y) x
     WHERE x.used <= budget;
    pl := jsonb_build_object('insight_id', iid, 'builtin', b, 'records', recs,
                             'customer_id', customer_id,
                             'customer_name', coalesce((SELECT k.name FROM commhub.customers k
                                                         WHERE k.tenant_id = t AND k.customer_id = enqueue_agent_enrichment.customer_id),
                                                        customer_id));
    UPDATE commhub.agent_jobs j SET payload = pl, endpoint = ep, next_attempt_at = now()
     WHERE j.job_id = (SELECT q.job_id FROM commhub.agent_jobs q
                        WHERE q.tenant_id = t AND q.agent = enqueue_agent_enrichment.agent AND q.status = 'queued'
                          AND q.attempts = 0 AND q.payload ->> 'insight_id' = iid
                        LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING j.job_id INTO jid;
    IF jid IS NULL THEN
        INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, customer_id, payload)
        VALUES (t, agent, ep, customer_id, pl)
        RETURNING job_id INTO jid;
    END IF;
    PERFORM commhub.wake_workers_at_commit();
    RETURN jid;
END
$$;

-- The {placeholders} of a job's prompt.
CREATE FUNCTION commhub.agent_prompt_vars(job_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(j.payload, '{}') || CASE WHEN c.record_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
               'record_id', c.record_id, 'communication_type', c.communication_type,
               'channel', coalesce(c.channel, commhub.channel_label(c.communication_type)),
               'communication_time', to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
               'customer_name', coalesce(k.name, '未识别客户'), 'subject', coalesce(c.subject, ''),
               'content', left(coalesce(c.content, ''), 8000),
               'builtin', coalesce(c.analysis, '{}')) END
      FROM commhub.agent_jobs j
      LEFT JOIN commhub.customer_communications c ON c.record_id = j.record_id
      LEFT JOIN commhub.customers k ON k.tenant_id = c.tenant_id AND k.customer_id = c.customer_id
     WHERE j.job_id = agent_prompt_vars.job_id
$$;

-- Apply a validated model answer (the worker calls this in the job's
-- result transaction).  A10 refines the record's AI columns (the built-in
-- result was there until now); a record that becomes urgent notifies.
-- A11-A16 enrich the insight named in the job payload.
CREATE FUNCTION commhub.apply_agent_result(job_id bigint, answer jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j commhub.agent_jobs;
    was_high boolean;
    c commhub.customer_communications;
    model text;
BEGIN
    SELECT * INTO j FROM commhub.agent_jobs x WHERE x.job_id = apply_agent_result.job_id;
    SELECT e.model INTO model FROM commhub.agent_endpoints e WHERE e.tenant_id = j.tenant_id AND e.name = j.endpoint;
    IF j.agent = 'A10' AND j.record_id IS NOT NULL THEN
        SELECT urgency_level = 'high' INTO was_high FROM commhub.customer_communications
         WHERE tenant_id = j.tenant_id AND record_id = j.record_id;
        UPDATE commhub.customer_communications x SET
            intent_category = answer #>> '{intent,category}',
            intent_detail = left(answer #>> '{intent,detail}', 128),
            intent_confidence = round((answer #>> '{intent,confidence}')::numeric, 2),
            products_mentioned = coalesce(answer #> '{key_info,products}', x.products_mentioned),
            competitors_mentioned = coalesce(answer #> '{key_info,competitors}', x.competitors_mentioned),
            sentiment = answer #>> '{sentiment,overall}',
            sentiment_score = round((answer #>> '{sentiment,score}')::numeric, 2),
            customer_mood = left(answer #>> '{sentiment,mood}', 32),
            urgency_level = answer #>> '{urgency,level}',
            urgency_reason = left(answer #>> '{urgency,reason}', 128),
            ai_suggestions = coalesce(answer -> 'suggestions', x.ai_suggestions),
            ai_insights = coalesce(x.ai_insights, '{}') || jsonb_build_object('quality_score', answer -> 'quality_score',
                                                                              'builtin', x.analysis),
            analysis = answer,
            analyzed_by = left(format('model:%s/%s@A10v%s', j.endpoint, model, coalesce(j.prompt_version, 0)), 64),
            updated_at = now()
         WHERE x.tenant_id = j.tenant_id AND x.record_id = j.record_id
        RETURNING * INTO c;
        IF c.urgency_level = 'high' AND NOT coalesce(was_high, false) THEN
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', c.record_id, 'customer_id', nullif(c.customer_id, 'UNMATCHED'), 'tenant_id', c.tenant_id,
                'urgency_reason', c.urgency_reason, 'channel', c.communication_type,
                'communication_time', c.communication_time, 'source', 'model')::text);
            INSERT INTO commhub.agent_jobs (tenant_id, agent, endpoint, record_id, customer_id, payload)
            SELECT c.tenant_id, 'webhook', w.name, c.record_id, nullif(c.customer_id, 'UNMATCHED'), commhub.urgent_markdown(c)
              FROM commhub.notify_webhooks w WHERE w.tenant_id = c.tenant_id AND w.enabled;
        END IF;
    ELSIF j.payload ? 'insight_id' THEN
        UPDATE commhub.communication_insights i SET
            insight_data = coalesce(i.insight_data, '{}') || jsonb_build_object('model', answer),
            generated_by = left(format('model:%s/%s@%sv%s', j.endpoint, model, j.agent, coalesce(j.prompt_version, 0)), 64),
            updated_at = now()
         WHERE i.tenant_id = j.tenant_id AND i.insight_id = j.payload->>'insight_id';
    END IF;
END
$$;
-- commhub install script, part 40: the built-in customer agents A11-A14
-- (SPEC N2), insight storage and handling.
--
-- Each agent is a STABLE function that only reads and returns the seed's
-- JSON shape (the contract; src/core/agent_shapes.h validates the same
-- shapes for model answers):
--   commhub.a11_customer_insight(customer_id, since, until)      A11
--   commhub.a12_opportunities(customer_id, since, until)         A12
--   commhub.a14_risk_alerts(customer_id, since, until)           A14
--   commhub.a13_marketing_advice(customer_id, since, until,
--                                a11, a12, a14)                  A13
-- so that reports, which readers may run, can use them; commhub.run_agent()
-- (45_reports.sql) computes and stores them in communication_insights.
--
-- Deterministic: everything is evaluated against `until` (default now()),
-- never against the clock directly, so a past range gives the same answer
-- tomorrow; hours and weekdays are read in Asia/Shanghai, the seed's zone.
-- Near-duplicates (canonical_record_id set) are never counted.
--
-- The small IMMUTABLE helpers used per row are plain SQL without a SET
-- clause so that the planner inlines them into their callers, which all run
-- with search_path = pg_catalog, pg_temp; they name pg_catalog functions
-- explicitly.  The others also SET jit = off: their queries touch one
-- customer's rows, and the planner's guesses about set-returning functions
-- can cross jit_above_cost, where compiling costs a second per query.

-- ---------------------------------------------------------------------
-- Vocabulary and small helpers
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.jarr(value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_catalog.jsonb_typeof($1) = 'array' THEN $1 ELSE '[]'::jsonb END $$;

-- 50, 3.2, 0.75: a number without trailing zeros.
CREATE FUNCTION commhub.num_text(value numeric, digits integer DEFAULT 1) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN NULL
               WHEN pg_catalog.strpos(pg_catalog.round($1, $2)::text, '.') > 0
               THEN pg_catalog.rtrim(pg_catalog.rtrim(pg_catalog.round($1, $2)::text, '0'), '.')
               ELSE pg_catalog.round($1, $2)::text END $$;

-- 750000 -> 75万元, 123000000 -> 1.23亿元, 8000 -> 8000元
CREATE FUNCTION commhub.money_text(amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN NULL
               WHEN pg_catalog.abs($1) >= 100000000 THEN commhub.num_text($1 / 100000000, 2) || '亿元'
               WHEN pg_catalog.abs($1) >= 10000 THEN commhub.num_text($1 / 10000, 1) || '万元'
               ELSE commhub.num_text($1, 0) || '元' END $$;

-- ISO weekday 1..7 -> 周一..周日
CREATE FUNCTION commhub.weekday_label(isodow integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY['周一', '周二', '周三', '周四', '周五', '周六', '周日'])[$1] $$;

-- 工作日上午 / 工作日下午 / 周末晚上 ... in Asia/Shanghai.
CREATE FUNCTION commhub.agent_time_slot(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_catalog.date_part('isodow', $1 AT TIME ZONE 'Asia/Shanghai') >= 6 THEN '周末' ELSE '工作日' END
       || CASE WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 6 THEN '深夜'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 12 THEN '上午'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 13 THEN '中午'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 18 THEN '下午'
               ELSE '晚上' END $$;

-- What a record talks about, as the decision factors of A11: 价格 质量 交期
-- 账期 技术 服务.  One place for the cue words.
CREATE FUNCTION commhub.agent_topics(content text, intent text DEFAULT NULL, price numeric DEFAULT NULL)
    RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_catalog.array_remove(ARRAY[
       CASE WHEN $3 IS NOT NULL
              OR coalesce($1, '') ~ '价格|报价|单价|价钱|便宜|太贵|偏贵|贵了|优惠|降价|涨价|折扣|成本|比价' THEN '价格' END,
       CASE WHEN coalesce($1, '') ~ '质量|品质|不良|缺陷|开裂|裂纹|色差|变形|杂质|黑点|气泡|批次|强度|认证|合格|不达标|性能' THEN '质量' END,
       CASE WHEN $2 = 'delivery' OR coalesce($1, '') ~ '交期|交货|发货|到货|物流|延迟交|供货|排产|产能|缺货' THEN '交期' END,
       CASE WHEN $2 = 'payment' OR coalesce($1, '') ~ '账期|付款|结算|回款|预付|月结|逾期|延期付' THEN '账期' END,
       CASE WHEN $2 = 'technical' OR coalesce($1, '') ~ '参数|技术|配方|工艺|测试报告|物性|熔指|试模' THEN '技术' END,
       CASE WHEN $2 = 'after_sales' OR coalesce($1, '') ~ '服务|售后|态度|响应|回复慢' THEN '服务' END], NULL) $$;

-- "the competitor is cheaper": the cue A14 looks for next to a competitor name.
CREATE FUNCTION commhub.agent_mentions_lower_price(content text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce($1, '') ~* '便宜|更低|低于|低了|价格低|价更低|报价低|更优惠|价格优势|比你们低|lower|cheaper' $$;

-- The size of the gap when the customer names it: '15%', '800元/吨'.
CREATE FUNCTION commhub.agent_price_gap(content text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(
       (pg_catalog.regexp_match($1, '(?:低|便宜|优惠|少)[了约近将]*\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]'))[1] || '%',
       (pg_catalog.regexp_match($1, '([0-9]+(?:\.[0-9]+)?)\s*[%％]\s*(?:的)?(?:价格)?(?:优势|更低|更便宜)'))[1] || '%',
       (pg_catalog.regexp_match($1, '(?:低|便宜|少)[了约近将]*\s*([0-9]+(?:\.[0-9]+)?\s*(?:元|块)(?:/吨|每吨|/公斤)?)'))[1]) $$;

-- A date the analyzer resolved ('2024-07-15'), or NULL when it is not one.
CREATE FUNCTION commhub.try_date(value text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN value::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION commhub.level_rank(level text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END $$;

CREATE FUNCTION commhub.level_label(level text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'high' THEN '高' WHEN 'medium' THEN '中' WHEN 'low' THEN '低' ELSE $1 END $$;

CREATE FUNCTION commhub.risk_type_label(risk_type text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'churn_risk' THEN '流失风险' WHEN 'competitor_threat' THEN '竞品威胁'
                  WHEN 'complaint_escalation' THEN '投诉升级' WHEN 'payment_risk' THEN '付款风险'
                  WHEN 'sentiment_decline' THEN '情绪恶化' WHEN 'quote_silence' THEN '报价后沉默'
                  ELSE $1 END $$;

-- The customer row, or P0002 with a hint.
CREATE FUNCTION commhub.agent_customer(customer_id text) RETURNS commhub.customers
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers;
BEGIN
    IF customer_id IS NULL OR customer_id = '' THEN
        RAISE EXCEPTION 'customer_id must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the customer id given to commhub.add_customer, e.g. C001.';
    END IF;
    SELECT c.* INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = agent_customer.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002',
                  HINT = CASE WHEN customer_id = 'UNMATCHED'
                              THEN 'Unidentified records have no customer to analyse; attach them with commhub.add_identity().'
                              ELSE 'Create it with commhub.add_customer(customer_id, name), or check commhub.tenant.' END;
    END IF;
    RETURN cust;
END
$$;

CREATE FUNCTION commhub.agent_check_range(since timestamptz, until timestamptz) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF since >= until THEN
        RAISE EXCEPTION 'since (%) is not before until (%)',
                        to_char(since AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                        to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')
            USING ERRCODE = '22023', HINT = 'Pass since < until, or NULL for the default range ending now.';
    END IF;
END
$$;

-- The customer's timeline entries in [since, until), near-duplicates folded
-- (half-open like the reports and the BI views: a record at midnight
-- belongs to the day it starts).
CREATE FUNCTION commhub.agent_records(customer_id text, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = $1
       AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3
$$;

-- Mean hours from an inbound record to the first outbound record after it
-- (within 7 days), for inbound records in (since, until] that start an
-- unanswered run (a question and a "还在吗?" before one reply: one wait).
CREATE FUNCTION commhub.agent_response_hours(customer_id text, since timestamptz, until timestamptz)
    RETURNS numeric
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT round(avg(extract(epoch FROM (o.t - i.communication_time)) / 3600.0), 1)
      FROM commhub.agent_records($1, $2, $3) i
      CROSS JOIN LATERAL (
            SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
             WHERE o.tenant_id = i.tenant_id AND o.customer_id = i.customer_id
               AND o.canonical_record_id IS NULL AND o.direction = 'outbound'
               AND o.communication_time > i.communication_time
               AND o.communication_time <= least(i.communication_time + interval '7 days', $3)) o
     WHERE i.direction = 'inbound' AND o.t IS NOT NULL
       -- only the first inbound record of an unanswered run (as health_for)
       AND coalesce((SELECT p.direction <> 'inbound' OR p.communication_time < i.communication_time - interval '7 days'
                       FROM commhub.customer_communications p
                      WHERE p.tenant_id = i.tenant_id AND p.customer_id = i.customer_id AND p.canonical_record_id IS NULL
                        AND p.direction IN ('inbound', 'outbound')
                        AND (p.communication_time, p.id) < (i.communication_time, i.id)
                      ORDER BY p.communication_time DESC, p.id DESC LIMIT 1), true)
$$;

CREATE FUNCTION commhub.response_text(hours numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN '暂无回复数据'
               WHEN $1 < 1 THEN '平均' || greatest(1, pg_catalog.round($1 * 60))::text || '分钟回复'
               ELSE '平均' || commhub.num_text($1, 1) || '小时回复' END $$;

-- The people on the customer's side, by the number of records they took
-- part in: the record's contact, the sender of inbound records and the
-- participants, minus internal staff (registered staff, the owner, and
-- whoever handled or started an outbound record).  Names resolve through
-- customer_identities -> contacts when the raw value is an address.
CREATE FUNCTION commhub.agent_key_contacts(customer_id text, since timestamptz, until timestamptz,
                                           max_contacts integer DEFAULT 5)
    RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
WITH r AS (SELECT * FROM commhub.agent_records($1, $2, $3)),
internal AS (
    SELECT s.staff_id AS v FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant()
    UNION SELECT s.value FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant()
    UNION SELECT k.owner FROM commhub.customers k
           WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = $1 AND k.owner IS NOT NULL
    UNION SELECT r.handled_by FROM r WHERE r.direction = 'inbound' AND r.handled_by IS NOT NULL
    UNION SELECT r.initiated_by FROM r WHERE r.direction IN ('outbound', 'internal') AND r.initiated_by IS NOT NULL
    UNION SELECT r.handled_by FROM r WHERE r.direction IN ('outbound', 'internal') AND r.handled_by IS NOT NULL),
raw AS (
    SELECT r.record_id, r.sentiment_score, ct.name::text AS who
      FROM r JOIN commhub.contacts ct ON ct.contact_id = r.contact_id AND ct.tenant_id = r.tenant_id
    UNION ALL
    SELECT r.record_id, r.sentiment_score, r.initiated_by::text FROM r
     WHERE r.direction = 'inbound' AND r.initiated_by IS NOT NULL
    UNION ALL
    SELECT r.record_id, r.sentiment_score, p.v
      FROM r CROSS JOIN LATERAL (
            SELECT CASE jsonb_typeof(e) WHEN 'string' THEN e #>> '{}'
                        WHEN 'object' THEN coalesce(e ->> 'name', e ->> 'email', e ->> 'userid') END AS v
              FROM jsonb_array_elements(commhub.jarr(r.participants)) e) p
     WHERE p.v IS NOT NULL AND p.v <> ''),
named AS (
    SELECT x.record_id, x.sentiment_score,
           -- One person may appear as a WeCom id (case kept), an address, or
           -- "张经理 <zhang@aux-group.com>": resolve all of them to the contact,
           -- else to the display name, so the list counts people, not addresses.
           coalesce((SELECT ct.name FROM commhub.customer_identities ci
                       JOIN commhub.contacts ct ON ct.contact_id = ci.contact_id
                      WHERE ci.tenant_id = commhub.current_tenant() AND ci.customer_id = $1
                        AND ci.value IN (x.who, lower(x.who), lower(substring(x.who FROM '<([^<>]+@[^<>]+)>')))
                      LIMIT 1),
                    nullif(btrim(substring(x.who FROM '^([^<]+)<')), ''),
                    x.who) AS name
      FROM raw x
     WHERE x.who NOT IN (SELECT v FROM internal WHERE v IS NOT NULL)
       AND lower(x.who) NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)
       -- "王明 <wang.ming@topcentral.cn>": the address, or its domain, is staff
       AND coalesce(lower(substring(x.who FROM '<([^<>]+@[^<>]+)>')), '') NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)
       AND coalesce(lower(substring(x.who FROM '<[^<>@]+@([^<>]+)>')), '') NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)),
counted AS (
    SELECT n.name, count(DISTINCT n.record_id) AS interactions, avg(n.sentiment_score) AS sent
      FROM named n WHERE n.name NOT IN (SELECT v FROM internal WHERE v IS NOT NULL)
     GROUP BY n.name),
ranked AS (
    SELECT c.*, max(c.interactions) OVER () AS top,
           row_number() OVER (ORDER BY c.interactions DESC, c.name) AS rn,
           (SELECT ct.role FROM commhub.contacts ct
             WHERE ct.tenant_id = commhub.current_tenant() AND ct.customer_id = $1 AND ct.name = c.name) AS crm_role
      FROM counted c)
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'name', k.name,
           'role', coalesce(k.crm_role,
                            CASE WHEN k.name ~ '总监|总经理|老板|董事|[王李张刘陈杨赵黄周吴]总' THEN '高层决策'
                                 WHEN k.name ~ '采购|经理' THEN '采购决策'
                                 WHEN k.name ~ '工$|工程师|技术' THEN '技术评估'
                                 WHEN k.name ~ '财务|会计' THEN '财务结算'
                                 WHEN k.name ~ '质量|品质|QC|QA' THEN '质量管理'
                                 ELSE '业务联系人' END),
           'influence', round(0.5 + 0.4 * k.interactions / k.top, 2),
           'relationship', CASE WHEN k.sent IS NULL THEN '一般' WHEN k.sent >= 0.65 THEN '良好'
                                WHEN k.sent >= 0.45 THEN '一般' ELSE '紧张' END,
           'interactions', k.interactions) ORDER BY k.rn), '[]'::jsonb)
  FROM ranked k WHERE k.rn <= $4
$$;

-- The latest monthly (or stated) volume and price of the customer, for
-- impact estimates: {product, quantity_text, quantity, unit, monthly, price,
-- price_unit, monthly_value}.
CREATE FUNCTION commhub.agent_volume(customer_id text, until timestamptz) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    q record;
    p record;
    factor numeric := 1;
    monthly boolean;
BEGIN
    SELECT c.communication_time, c.content,
           c.products_mentioned ->> 0 AS product,
           coalesce(c.analysis -> 'key_info' ->> 'quantity', c.quantity_discussed::text) AS qtext,
           CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
                THEN (c.analysis -> 'key_info' ->> 'quantity_value')::numeric ELSE c.quantity_discussed END AS qty,
           coalesce(c.analysis -> 'key_info' ->> 'quantity_unit', '吨') AS unit
      INTO q
      FROM commhub.agent_records(customer_id, until - interval '180 days', until) c
     WHERE c.quantity_discussed IS NOT NULL OR jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
     ORDER BY (coalesce(c.analysis -> 'key_info' ->> 'quantity', '') ~ '月'
               OR coalesce(c.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月') DESC,
              c.communication_time DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    monthly := coalesce(q.qtext, '') ~ '月' OR coalesce(q.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月';
    SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                         THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
           c.analysis -> 'key_info' ->> 'price_unit' AS price_unit
      INTO p
      FROM commhub.agent_records(customer_id, until - interval '180 days', until) c
     WHERE c.price_discussed IS NOT NULL
       AND (q.product IS NULL OR commhub.jarr(c.products_mentioned) ? q.product
            OR jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0)
     ORDER BY c.communication_time DESC LIMIT 1;
    IF p.price_unit ~ '公斤|kg' AND q.unit = '吨' THEN factor := 1000;
    ELSIF p.price_unit ~ '吨' AND q.unit = '公斤' THEN factor := 0.001;
    END IF;
    RETURN jsonb_build_object(
        'product', q.product, 'quantity_text', coalesce(q.qtext, commhub.num_text(q.qty) || q.unit),
        'quantity', q.qty, 'unit', q.unit, 'monthly', monthly,
        'price', p.price, 'price_unit', p.price_unit,
        'value', CASE WHEN p.price IS NOT NULL THEN round(p.price * q.qty * factor) END);
END
$$;

-- ---------------------------------------------------------------------
-- A11 customer insight
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a11_customer_insight(customer_id text, since timestamptz DEFAULT NULL,
                                             until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    h record;
    s record;
    hist record;
    tp jsonb;                 -- {topic: {n, pos, neg}}
    v_channel text;
    v_slot text;
    v_freq text;
    v_resp numeric;
    per_week numeric;
    v_style text;
    v_factors text[];
    v_contacts jsonb;
    v_dm text;
    v_cycle text;
    first_inq timestamptz;
    first_order timestamptz;
    sat numeric;
    sat_trend text;
    strengths text[] := '{}';
    pains text[] := '{}';
    loyalty integer;
    tenure_days integer;
    stage text;
    declining boolean;
    cur_products text[];
    rel record;
    needs_cur text[] := '{}';
    needs_fut text[] := '{}';
    needs_lat text[] := '{}';
    risks jsonb := '[]';
    opps jsonb := '[]';
    assessment text;
    n_price integer;
    n_quality integer;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    SELECT * INTO h FROM commhub.health(cid, t1);

    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.direction = 'inbound')::int AS n_in,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           count(*) FILTER (WHERE c.intent_category = 'order')::int AS n_order,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inquiry,
           count(*) FILTER (WHERE c.intent_category = 'technical')::int AS n_tech,
           count(*) FILTER (WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0)::int AS n_comp,
           count(*) FILTER (WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
                              AND commhub.agent_mentions_lower_price(c.content))::int AS n_lower,
           count(*) FILTER (WHERE c.intent_category IN ('technical', 'complaint') AND c.direction IS DISTINCT FROM 'outbound'
                              AND '质量' = ANY (commhub.agent_topics(c.content, c.intent_category)))::int AS n_quality_tc,
           -- the customer's mood is read from what the customer says
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS s_all,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time > t1 - interval '30 days') AS s_recent,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time <= t0 + (t1 - t0) / 2) AS s_first,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time > t0 + (t1 - t0) / 2) AS s_second,
           count(*) FILTER (WHERE c.sentiment = 'negative')::int AS n_neg,
           max(c.communication_time) AS last_at
      INTO s
      FROM commhub.agent_records(cid, t0, t1) c;

    SELECT coalesce(jsonb_object_agg(x.t, jsonb_build_object('n', x.n, 'pos', x.pos, 'neg', x.neg)), '{}')
      INTO tp
      FROM (SELECT t, count(*) AS n,
                   count(*) FILTER (WHERE c.sentiment = 'positive' AND c.intent_category IS DISTINCT FROM 'complaint') AS pos,
                   count(*) FILTER (WHERE c.sentiment = 'negative' OR c.intent_category = 'complaint') AS neg
              FROM commhub.agent_records(cid, t0, t1) c,
                   unnest(commhub.agent_topics(c.content, c.intent_category, c.price_discussed)) t
             WHERE c.direction IS DISTINCT FROM 'outbound' OR c.price_discussed IS NOT NULL
             GROUP BY t) x;
    n_price := coalesce((tp -> '价格' ->> 'n')::int, 0);
    n_quality := coalesce((tp -> '质量' ->> 'n')::int, 0);

    -- whole history up to `until`: tenure and orders
    SELECT min(c.communication_time) AS first_at,
           count(*) FILTER (WHERE c.intent_category = 'order')::int AS orders,
           count(*)::int AS total
      INTO hist
      FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid
       AND c.canonical_record_id IS NULL AND c.communication_time <= t1;
    tenure_days := coalesce(extract(day FROM t1 - hist.first_at)::int, 0);

    -- communication pattern
    SELECT commhub.channel_label(c.communication_type) INTO v_channel
      FROM commhub.agent_records(cid, t0, t1) c
     GROUP BY c.communication_type ORDER BY count(*) DESC, c.communication_type LIMIT 1;
    SELECT commhub.agent_time_slot(c.communication_time) INTO v_slot
      FROM commhub.agent_records(cid, t0, t1) c
     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1;
    per_week := s.n / greatest(extract(epoch FROM t1 - t0) / 604800.0, 1);
    v_freq := CASE WHEN s.n = 0 THEN '暂无沟通'
                   WHEN per_week >= 1 THEN '每周' || commhub.num_text(per_week, 1) || '次'
                   ELSE '每月' || commhub.num_text(per_week * 30 / 7, 1) || '次' END;
    v_resp := commhub.agent_response_hours(cid, t0, t1);

    -- decision making
    v_style := CASE WHEN s.n_lower > 0 OR n_price + s.n_comp >= greatest(2, ceil(0.3 * s.n)) THEN '价格敏感'
                    WHEN greatest(s.n_quality_tc, s.n_complaint) >= greatest(2, ceil(0.25 * s.n)) THEN '质量优先'
                    ELSE '理性决策' END;
    SELECT coalesce(array_agg(f.k ORDER BY f.n DESC, f.ord), '{}') INTO v_factors
      FROM (SELECT k, ord, coalesce((tp -> k ->> 'n')::int, 0) AS n
              FROM unnest(ARRAY['价格', '质量', '交期', '账期']) WITH ORDINALITY AS u(k, ord)) f
     WHERE f.n > 0;
    v_contacts := commhub.agent_key_contacts(cid, t0, t1);
    v_dm := CASE WHEN jsonb_array_length(v_contacts) = 0 THEN '暂未识别'
                 ELSE (v_contacts -> 0 ->> 'name') || '(' || (v_contacts -> 0 ->> 'role') || ')'
                      || CASE WHEN jsonb_array_length(v_contacts) > 1
                              THEN ',' || (v_contacts -> 1 ->> 'name') || '(' || (v_contacts -> 1 ->> 'role') || ')有影响力'
                              ELSE '' END END;
    SELECT min(c.communication_time) FILTER (WHERE c.intent_category = 'inquiry') INTO first_inq
      FROM commhub.agent_records(cid, t0, t1) c;
    SELECT min(c.communication_time) INTO first_order
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE c.intent_category = 'order' AND c.communication_time >= first_inq;
    v_cycle := CASE
        WHEN first_inq IS NOT NULL AND first_order IS NOT NULL THEN
            CASE WHEN first_order - first_inq < interval '7 days'
                 THEN '约' || greatest(1, extract(day FROM first_order - first_inq)::int) || '天'
                 WHEN first_order - first_inq < interval '35 days'
                 THEN floor(extract(epoch FROM first_order - first_inq) / 604800.0) || '-'
                      || (floor(extract(epoch FROM first_order - first_inq) / 604800.0) + 1) || '周'
                 ELSE '约' || round(extract(epoch FROM first_order - first_inq) / 604800.0) || '周' END
        WHEN first_inq IS NOT NULL THEN '进行中(首次询价已' || extract(day FROM t1 - first_inq)::int || '天)'
        WHEN hist.orders > 0 THEN '复购客户,按需下单'
        ELSE '暂无数据' END;

    -- satisfaction
    sat := round(1 + 4 * coalesce(s.s_recent, s.s_all, 0.5), 1);
    sat_trend := CASE WHEN s.s_first IS NULL OR s.s_second IS NULL THEN 'stable'
                      WHEN s.s_second - s.s_first > 0.05 THEN 'upward'
                      WHEN s.s_second - s.s_first < -0.05 THEN 'downward' ELSE 'stable' END;
    IF v_resp IS NOT NULL AND v_resp <= 4 THEN strengths := strengths || '响应速度'::text; END IF;
    SELECT strengths || coalesce(array_agg(CASE x.k WHEN '质量' THEN '产品质量' WHEN '交期' THEN '交货及时'
                                   WHEN '技术' THEN '技术支持' WHEN '服务' THEN '服务态度'
                                   WHEN '价格' THEN '价格有竞争力' WHEN '账期' THEN '结算灵活' END ORDER BY x.ord), '{}')
      INTO strengths
      FROM unnest(ARRAY['质量', '技术', '交期', '服务', '价格', '账期']) WITH ORDINALITY AS x(k, ord)
     WHERE coalesce((tp -> x.k ->> 'pos')::int, 0) > coalesce((tp -> x.k ->> 'neg')::int, 0);
    IF cardinality(strengths) = 0 AND coalesce(s.s_all, 0) >= 0.6 THEN strengths := ARRAY['合作态度积极']; END IF;
    SELECT coalesce(array_agg(CASE x.k WHEN '质量' THEN '产品质量问题' WHEN '交期' THEN '交货延迟'
                                   WHEN '价格' THEN '价格偏高' WHEN '账期' THEN '付款账期'
                                   WHEN '服务' THEN '售后响应' WHEN '技术' THEN '技术支持不足' END ORDER BY x.ord), '{}')
      INTO pains
      FROM unnest(ARRAY['质量', '价格', '交期', '账期', '服务', '技术']) WITH ORDINALITY AS x(k, ord)
     WHERE coalesce((tp -> x.k ->> 'neg')::int, 0) > 0;
    IF s.n_lower > 0 THEN pains := pains || '竞品价格压力'::text; END IF;
    IF NOT '价格偏高' = ANY (pains) AND n_price >= 3 THEN pains := pains || '价格波动'::text; END IF;

    -- loyalty
    loyalty := greatest(0, least(100, round(
                   0.6 * h.score
                 + CASE WHEN tenure_days >= 365 THEN 20 WHEN tenure_days >= 180 THEN 15
                        WHEN tenure_days >= 90 THEN 10 ELSE 5 END
                 + least(20, 5 * hist.orders)
                 - least(15, 5 * s.n_comp)
                 - least(10, 5 * s.n_complaint))))::int;

    -- lifecycle stage
    declining := h.records_prev_60d >= 4 AND h.records_30d < h.records_prev_60d / 4.0;
    stage := CASE WHEN hist.orders = 0 AND hist.total < 5 THEN '潜在客户'
                  WHEN declining OR coalesce(s.s_recent, 0.5) < 0.4 THEN '流失风险'
                  WHEN tenure_days < 60 THEN '新客户'
                  WHEN h.trend = 'upward' THEN '成长客户'
                  WHEN tenure_days >= 180 THEN '成熟客户'
                  ELSE '成长客户' END;

    -- needs map
    SELECT coalesce(array_agg(x.p ORDER BY x.n DESC, x.p), '{}') INTO cur_products
      FROM (SELECT p, count(*) AS n
              FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c,
                   jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) p
             GROUP BY p ORDER BY count(*) DESC, p LIMIT 3) x;
    IF cardinality(cur_products) = 0 THEN
        SELECT coalesce(array_agg(x.p ORDER BY x.n DESC, x.p), '{}') INTO cur_products
          FROM (SELECT p, count(*) AS n
                  FROM commhub.agent_records(cid, t0, t1) c,
                       jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) p
                 GROUP BY p ORDER BY count(*) DESC, p LIMIT 3) x;
    END IF;
    SELECT coalesce(array_agg(x.p || CASE WHEN x.n_order > 0 THEN '稳定供应' WHEN x.n_complaint > 0 THEN '质量改进'
                                          WHEN x.n_tech > 0 THEN '技术支持' ELSE '采购需求' END ORDER BY x.ord), '{}')
      INTO needs_cur
      FROM (SELECT u.p, u.ord,
                   count(*) FILTER (WHERE c.intent_category IN ('order', 'delivery')) AS n_order,
                   count(*) FILTER (WHERE c.intent_category = 'complaint') AS n_complaint,
                   count(*) FILTER (WHERE c.intent_category = 'technical') AS n_tech
              FROM unnest(cur_products) WITH ORDINALITY AS u(p, ord)
              LEFT JOIN commhub.agent_records(cid, t0, t1) c ON commhub.jarr(c.products_mentioned) ? u.p
             GROUP BY u.p, u.ord) x;
    IF n_price >= 2 THEN needs_cur := needs_cur || '价格优化'::text; END IF;
    IF coalesce((tp -> '交期' ->> 'n')::int, 0) > 0 THEN needs_cur := needs_cur || '交期保障'::text; END IF;
    IF coalesce((tp -> '质量' ->> 'neg')::int, 0) > 0 THEN needs_cur := needs_cur || '质量稳定'::text; END IF;
    FOR rel IN
        SELECT DISTINCT ON (r.to_product) r.to_product, r.kind
          FROM commhub.product_relations r
         WHERE r.tenant_id = commhub.current_tenant() AND r.from_product = ANY (cur_products)
           AND NOT r.to_product = ANY (cur_products)
         ORDER BY r.to_product, r.kind
    LOOP
        needs_fut := needs_fut || (rel.to_product || CASE rel.kind WHEN 'up_sell' THEN '(性能升级)' ELSE '(新应用)' END);
        opps := opps || jsonb_build_object(
            'type', CASE rel.kind WHEN 'up_sell' THEN '产品升级' ELSE '新品推广' END,
            'potential', CASE WHEN s.n_tech > 0 OR s.n_order > 0 THEN 'high' ELSE 'medium' END,
            'action', '推荐' || rel.to_product);
    END LOOP;
    SELECT needs_fut || coalesce(array_agg(DISTINCT x.tl), '{}') INTO needs_fut
      FROM (SELECT c.timeline_mentioned ->> 'text' AS tl
              FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c
             WHERE c.timeline_mentioned ->> 'text' IS NOT NULL
             ORDER BY c.communication_time DESC LIMIT 2) x;
    IF s.n_tech > 0 THEN needs_fut := needs_fut || '技术支持'::text; END IF;
    IF coalesce((tp -> '账期' ->> 'n')::int, 0) > 0 THEN needs_lat := needs_lat || '供应链金融'::text; END IF;
    IF s.n_order > 0 OR EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                                 WHERE c.content ~ '每月|月需求|月用量|/月') THEN
        needs_lat := needs_lat || '库存管理(VMI寄售)'::text;
    END IF;
    IF s.n_complaint > 0 THEN needs_lat := needs_lat || '质量追溯体系'::text; END IF;
    IF s.n_comp > 0 THEN needs_lat := needs_lat || '成本优化方案'::text; END IF;
    IF cardinality(needs_lat) = 0 THEN needs_lat := ARRAY['行业资讯与技术培训']; END IF;

    -- risks and opportunities seen from the relationship
    IF v_style = '价格敏感' OR n_price >= 2 THEN
        risks := risks || jsonb_build_object('type', '价格敏感', 'level', CASE WHEN s.n_lower > 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '提供长期价格锁定方案');
    END IF;
    IF s.n_comp > 0 THEN
        risks := risks || jsonb_build_object('type', '竞品渗透', 'level', CASE WHEN s.n_lower > 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '强化价值证明,必要时价格匹配');
    END IF;
    IF s.n_complaint > 0 THEN
        risks := risks || jsonb_build_object('type', '质量投诉', 'level', CASE WHEN s.n_complaint >= 2 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '质量部门出具8D报告并回访');
    END IF;
    IF declining THEN
        risks := risks || jsonb_build_object('type', '沟通减少', 'level', CASE WHEN h.records_30d = 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '安排拜访了解原因');
    END IF;
    IF coalesce((tp -> '账期' ->> 'n')::int, 0) > 0 THEN
        risks := risks || jsonb_build_object('type', '付款账期', 'level', 'medium', 'mitigation', '评估信用并制定账期方案');
    END IF;
    IF s.n_order > 0 THEN
        opps := opps || jsonb_build_object('type', '长期合作', 'potential', 'high', 'action', '洽谈年度框架协议锁定供应');
    END IF;
    -- growth against a history: a customer first heard of this month has
    -- nothing to have grown from
    IF h.trend = 'upward' AND h.records_prev_60d > 0 THEN
        opps := opps || jsonb_build_object('type', '需求增长', 'potential', 'medium', 'action', '提前锁定产能与价格');
    END IF;

    assessment := CASE WHEN hist.total = 0 THEN '暂无沟通记录,尚未建立关系'
                       WHEN h.score >= 80 THEN '关系良好' WHEN h.score >= 60 THEN '关系稳定'
                       WHEN h.score >= 40 THEN '关系一般,需要加强维护' ELSE '关系较弱,存在流失风险' END
               || CASE WHEN hist.total = 0 THEN ''
                       WHEN h.records_prev_60d = 0 AND h.records_30d > 0 THEN ',近期新建立联系'
                       ELSE CASE h.trend WHEN 'upward' THEN ',合作深度持续增加' WHEN 'downward' THEN ',互动减少需关注' ELSE ',保持稳定' END END
               || CASE WHEN h.complaints_30d > 0 THEN ',近30天有' || h.complaints_30d || '次投诉' ELSE '' END;

    RETURN jsonb_build_object(
        'relationship_health', jsonb_build_object('score', h.score, 'trend', h.trend, 'assessment', assessment),
        'communication_pattern', jsonb_build_object(
            'preferred_channel', v_channel, 'preferred_time', v_slot,
            'frequency', v_freq, 'response_speed', commhub.response_text(v_resp)),
        'decision_making', jsonb_build_object(
            'style', v_style, 'key_factors', to_jsonb(v_factors), 'decision_maker', v_dm, 'decision_cycle', v_cycle),
        'satisfaction', jsonb_build_object(
            'current', sat, 'trend', sat_trend, 'strengths', to_jsonb(strengths), 'pain_points', to_jsonb(pains)),
        'loyalty', jsonb_build_object(
            'score', loyalty,
            'risk_level', CASE WHEN loyalty >= 70 THEN 'low' WHEN loyalty >= 50 THEN 'medium' ELSE 'high' END,
            'retention_probability', round(0.08 + 0.9 * loyalty / 100.0, 2)),
        'lifecycle_stage', stage,
        'key_contacts', (SELECT coalesce(jsonb_agg(e - 'interactions'), '[]') FROM jsonb_array_elements(v_contacts) e),
        'needs_map', jsonb_build_object('current', to_jsonb(needs_cur), 'future', to_jsonb(needs_fut),
                                        'latent', to_jsonb(needs_lat)),
        'risks', risks,
        'opportunities', opps,
        -- the numbers behind the judgement (extra fields; consumers read the seed's keys)
        'metrics', jsonb_build_object(
            'customer_id', cust.customer_id, 'customer_name', cust.name,
            'records', s.n, 'inbound', s.n_in, 'records_30d', h.records_30d, 'records_prev_60d', h.records_prev_60d,
            'frequency_per_week', round(per_week, 2), 'response_hours', v_resp,
            'sentiment_avg', round(s.s_all, 2), 'complaints', s.n_complaint, 'competitor_mentions', s.n_comp,
            'price_mentions', n_price, 'orders_total', hist.orders, 'tenure_days', tenure_days,
            'last_contact', s.last_at, 'since', t0, 'until', t1));
END
$$;

-- ---------------------------------------------------------------------
-- A12 opportunity mining
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a12_opportunities(customer_id text, since timestamptz DEFAULT NULL,
                                          until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    opps jsonb := '[]';
    cross_sell jsonb := '[]';
    up_sell jsonb := '[]';
    values_by_product jsonb := '{}';
    g record;
    q record;
    p record;
    v_resp numeric;
    orders_ever integer;
    has_order boolean;
    has_quote boolean;
    has_sample boolean;
    has_old_order boolean;
    n_complaints integer;
    monthly boolean;
    annual boolean;
    factor numeric;
    v_value numeric;
    v_basis text;
    v_stage text;
    v_prob numeric;
    v_close date;
    v_tl date;
    v_comp text[];
    v_lower text;
    v_win text[];
    v_risk text[];
    v_actions text[];
    v_urg text;
    v_desc text;
    v_qty text;
    v_terms text;
    v_sent numeric;
    last_at timestamptz;
    silence_days integer;
    n integer := 0;
    mentioned text[];
    explicit_products text[] := '{}';
    rel record;
    n30 integer;
    nprev integer;
    kw text[];
    kw_rec text;
    base_value numeric;
    t_local date := (coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    v_resp := commhub.agent_response_hours(cid, t0, t1);
    SELECT count(*)::int INTO orders_ever FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.canonical_record_id IS NULL
       AND c.intent_category = 'order' AND c.communication_time <= t0;

    -- Explicit: every product with a purchase signal in the range (inquiry,
    -- order, cooperation intent or a price/quantity); records without a
    -- product but with a quantity form the group "未指明产品".
    FOR g IN
        SELECT x.product, array_agg(x.record_id ORDER BY x.communication_time DESC) AS recs,
               max(x.communication_time) AS last_at, min(x.communication_time) AS first_at
          FROM (SELECT c.record_id, c.communication_time, u.product,
                       c.quantity_discussed IS NOT NULL OR c.intent_category = 'order' AS firm
                  FROM commhub.agent_records(cid, t0, t1) c
                  CROSS JOIN LATERAL (
                        SELECT e AS product FROM jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) e
                        UNION ALL
                        SELECT NULL WHERE jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0) u
                 WHERE c.intent_category IN ('inquiry', 'order', 'cooperation')
                    OR c.price_discussed IS NOT NULL OR c.quantity_discussed IS NOT NULL) x
         GROUP BY x.product
        HAVING x.product IS NOT NULL OR bool_or(x.firm)
         ORDER BY max(x.communication_time) DESC, x.product
         LIMIT 20
    LOOP
        n := n + 1;
        -- the group's records, as a filter usable below
        SELECT c.communication_time, c.content,
               coalesce(c.analysis -> 'key_info' ->> 'quantity', commhub.num_text(c.quantity_discussed, 2) || '吨') AS qtext,
               CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
                    THEN (c.analysis -> 'key_info' ->> 'quantity_value')::numeric ELSE c.quantity_discussed END AS qty,
               coalesce(c.analysis -> 'key_info' ->> 'quantity_unit', CASE WHEN c.quantity_discussed IS NOT NULL THEN '吨' END) AS unit
          INTO q
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs)
           AND (c.quantity_discussed IS NOT NULL OR jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number')
         -- a stated monthly demand outweighs a single order's quantity
         ORDER BY (coalesce(c.analysis -> 'key_info' ->> 'quantity', '') ~ '月'
                   OR coalesce(c.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月') DESC,
                  c.communication_time DESC LIMIT 1;
        SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                             THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
               coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元/吨') AS price_unit, false AS reference
          INTO p
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs) AND c.price_discussed IS NOT NULL
         ORDER BY c.communication_time DESC LIMIT 1;
        IF p.price IS NULL AND g.product IS NOT NULL THEN
            -- reference: the latest price of the product to any customer of the tenant
            SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                                 THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
                   coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元/吨') AS price_unit, true AS reference
              INTO p
              FROM commhub.customer_communications c
             WHERE c.tenant_id = commhub.current_tenant() AND c.canonical_record_id IS NULL
               AND c.price_discussed IS NOT NULL AND commhub.jarr(c.products_mentioned) ? g.product
               AND c.communication_time <= t1 AND c.communication_time > t1 - interval '180 days'
             ORDER BY c.communication_time DESC LIMIT 1;
        END IF;

        monthly := q.qty IS NOT NULL AND (coalesce(q.qtext, '') ~ '月'
                   OR coalesce(q.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月');
        annual := q.qty IS NOT NULL AND NOT monthly
                  AND (coalesce(q.qtext, '') ~ '年' OR coalesce(q.content, '') ~ '每年|年需求|年用量|年采购|/年');
        factor := CASE WHEN p.price_unit ~ '公斤|kg' AND q.unit = '吨' THEN 1000
                       WHEN p.price_unit ~ '吨' AND q.unit = '公斤' THEN 0.001 ELSE 1 END;
        IF p.price IS NOT NULL AND q.qty IS NOT NULL THEN
            v_value := round(p.price * q.qty * factor * CASE WHEN monthly THEN 12 ELSE 1 END);
            v_basis := CASE WHEN p.reference THEN '参考价' ELSE '单价' END || commhub.num_text(p.price, 2) || p.price_unit
                    || ' × ' || CASE WHEN monthly THEN '月用量' || commhub.num_text(q.qty, 2) || q.unit || ' × 12个月'
                                     ELSE '数量' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '') END;
        ELSE
            v_value := 0;
            v_basis := CASE WHEN q.qty IS NULL THEN '用量未知' ELSE '价格未知' END || ',金额待确认';
        END IF;
        values_by_product := values_by_product || jsonb_build_object(coalesce(g.product, '未指明产品'), v_value);

        -- stage and probability
        -- an order signal in the last 30 days is a deal being closed; an
        -- older one is a customer who buys again (复购)
        SELECT bool_or((c.intent_category = 'order'
                        OR coalesce(c.content, '') ~ '确认订单|下单|订单意向|签合同|签订合同|合同草案|采购合同|框架协议')
                       AND c.communication_time > t1 - interval '30 days'),
               bool_or((c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价'))
                       OR coalesce(c.content, '') ~ '报价单|样品|试样|送样|打样'),
               bool_or(coalesce(c.content, '') ~ '样品|试样|送样|打样'),
               avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
               bool_or(c.intent_category = 'order')
          INTO has_order, has_quote, has_sample, v_sent, has_old_order
          FROM commhub.agent_records(cid, g.first_at - interval '1 second', t1) c
         WHERE c.record_id = ANY (g.recs)
            OR (jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0
                AND c.intent_category IN ('inquiry', 'order', 'cooperation', 'other')
                AND c.communication_time >= g.first_at);
        IF has_order THEN
            v_stage := '谈判'; v_prob := 0.8;
        ELSIF has_quote THEN
            v_stage := '方案报价';
            v_prob := 0.5 + CASE WHEN has_sample THEN 0.1 ELSE 0 END + CASE WHEN v_sent >= 0.6 THEN 0.05 ELSE 0 END;
        ELSIF has_old_order THEN
            v_stage := '复购跟进'; v_prob := 0.5;
        ELSE
            v_stage := '需求确认';
            v_prob := 0.3 + CASE WHEN q.qty IS NOT NULL THEN 0.1 ELSE 0 END
                          + CASE WHEN EXISTS (SELECT 1 FROM commhub.customer_communications c
                                               WHERE c.record_id = ANY (g.recs) AND c.timeline_mentioned IS NOT NULL)
                                 THEN 0.1 ELSE 0 END;
        END IF;

        -- competition
        SELECT coalesce(array_agg(DISTINCT e), '{}') INTO v_comp
          FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e
         WHERE c.record_id = ANY (g.recs) OR c.communication_time >= g.first_at;
        SELECT commhub.agent_price_gap(c.content) INTO v_lower
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
           AND commhub.agent_mentions_lower_price(c.content) AND c.communication_time >= g.first_at
         ORDER BY c.communication_time DESC LIMIT 1;
        IF FOUND THEN v_lower := coalesce(v_lower, ''); END IF;
        SELECT count(*) FILTER (WHERE c.intent_category = 'complaint')::int, coalesce(avg(c.sentiment_score), v_sent)
          INTO n_complaints, v_sent
          FROM commhub.agent_records(cid, t1 - interval '30 days', t1) c
         WHERE c.direction IS DISTINCT FROM 'outbound';
        IF cardinality(v_comp) > 0 THEN v_prob := v_prob - 0.1; END IF;
        IF v_sent < 0.4 THEN v_prob := v_prob - 0.1; END IF;
        IF n_complaints > 0 THEN v_prob := v_prob - 0.2; END IF;
        -- silence after our last quote
        SELECT max(c.communication_time) INTO last_at
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价')
           AND c.communication_time >= g.first_at;
        silence_days := NULL;
        IF last_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM commhub.agent_records(cid, last_at, t1) c
                                                WHERE c.direction = 'inbound') THEN
            silence_days := extract(day FROM t1 - last_at)::int;
            IF silence_days >= 14 THEN v_prob := v_prob - 0.1; END IF;
        END IF;
        v_prob := round(greatest(0.1, least(0.95, v_prob)), 2);

        -- expected close: the customer's own date if any, else a typical lag per stage
        SELECT min(commhub.try_date(d)) INTO v_tl
          FROM commhub.customer_communications c,
               jsonb_array_elements_text(commhub.jarr(coalesce(c.timeline_mentioned -> 'dates',
                                                               c.analysis -> 'key_info' -> 'timeline_dates'))) d
         WHERE c.record_id = ANY (g.recs) AND commhub.try_date(d) >= (g.last_at AT TIME ZONE 'Asia/Shanghai')::date;
        v_close := CASE WHEN v_stage = '复购跟进' THEN t_local + 30
                        WHEN v_tl IS NOT NULL THEN v_tl + CASE v_stage WHEN '谈判' THEN 0 ELSE 30 END
                        ELSE (g.last_at AT TIME ZONE 'Asia/Shanghai')::date
                             + CASE v_stage WHEN '谈判' THEN 14 WHEN '方案报价' THEN 30 ELSE 45 END END;
        IF v_close < t_local THEN v_close := t_local + 7; END IF;

        -- why we could win, why we could lose
        v_win := '{}';
        IF v_resp IS NOT NULL AND v_resp <= 4 THEN v_win := v_win || ('响应及时(平均' || commhub.num_text(v_resp, 1) || '小时回复)'); END IF;
        IF v_sent >= 0.6 THEN v_win := v_win || '客户态度积极'::text; END IF;
        IF orders_ever > 0 THEN v_win := v_win || ('已有合作基础(历史订单' || orders_ever || '次)'); END IF;
        IF has_sample THEN v_win := v_win || '已进入样品/试样环节'::text; END IF;
        IF EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c WHERE c.communication_type = 'visit') THEN
            v_win := v_win || '已进行商务拜访,关系紧密'::text;
        END IF;
        IF q.qty IS NOT NULL THEN v_win := v_win || '客户需求明确(用量已确认)'::text; END IF;
        IF cardinality(v_win) = 0 THEN v_win := ARRAY['产品匹配客户需求']; END IF;
        v_risk := '{}';
        IF cardinality(v_comp) > 0 THEN v_risk := v_risk || (array_to_string(v_comp, '、') || '参与竞争'); END IF;
        IF v_lower IS NOT NULL THEN
            v_risk := v_risk || ('客户提到竞品价格更低' || v_lower);
        END IF;
        SELECT '账期要求' || (regexp_match(c.content, '账期[^0-9]{0,6}([0-9]{2,3})\s*天'))[1] || '天' INTO v_terms
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.content ~ '账期[^0-9]{0,6}[0-9]{2,3}\s*天'
         ORDER BY c.communication_time DESC LIMIT 1;
        IF v_terms IS NOT NULL THEN v_risk := v_risk || v_terms; END IF;
        IF n_complaints > 0 THEN
            v_risk := v_risk || ('近30天有' || n_complaints || '次投诉,客户对质量有顾虑');
        END IF;
        IF silence_days >= 7 THEN v_risk := v_risk || ('报价后' || silence_days || '天未回复'); END IF;

        -- what to do next: the analyzer's follow-ups of the latest record, then the stage's playbook
        SELECT coalesce(array_agg(DISTINCT f), '{}') INTO v_actions
          FROM (SELECT jsonb_array_elements_text(commhub.jarr(coalesce(c.follow_up_items, c.analysis -> 'follow_up'))) AS f
                  FROM commhub.customer_communications c
                 WHERE c.record_id = g.recs[1]) x;
        v_actions := v_actions[1:2];
        IF cardinality(v_comp) > 0 THEN
            v_actions := v_actions || ('准备与' || v_comp[1] || '的对比方案(价格/质量/服务)');
        END IF;
        v_actions := v_actions || CASE v_stage
            WHEN '需求确认' THEN ARRAY['提供技术参数表与样品', '确认用量与交期要求', '邀请参观工厂']
            WHEN '方案报价' THEN ARRAY['跟进报价反馈', '提供3个月试样合作方案', '提供同行业客户案例']
            WHEN '复购跟进' THEN CASE WHEN n_complaints > 0 THEN ARRAY['先闭环质量投诉,再确认下一批采购计划', '提供批次质量报告']
                                     ELSE ARRAY['回访确认下一批采购计划', '提供年度框架协议方案', '确认库存与排产'] END
            ELSE ARRAY['确认合同条款与账期', '锁定排产与交付计划', '安排高层拜访促成签约'] END;
        SELECT array_agg(a ORDER BY o) INTO v_actions
          FROM (SELECT DISTINCT ON (a) a, o FROM unnest(v_actions) WITH ORDINALITY AS u(a, o) ORDER BY a, o) d;
        v_actions := v_actions[1:5];

        SELECT CASE max(commhub.level_rank(c.urgency_level)) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END
          INTO v_urg
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs) AND c.communication_time > t1 - interval '30 days';
        IF (v_close <= t_local + 14 AND v_stage IN ('谈判', '方案报价')) OR v_lower IS NOT NULL THEN v_urg := 'high'; END IF;
        IF v_urg = 'low' AND v_stage <> '需求确认' THEN v_urg := 'medium'; END IF;

        v_qty := CASE WHEN q.qty IS NULL THEN NULL
                      WHEN monthly AND q.qtext !~ '月' THEN q.qtext || '/月' ELSE q.qtext END;
        v_desc := coalesce(g.product, '未指明产品')
               || CASE WHEN monthly THEN '月需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                                         || ',预计年订单' || commhub.num_text(q.qty * 12, 2) || coalesce(q.unit, '')
                       WHEN annual THEN '年需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                       WHEN q.qty IS NOT NULL THEN '采购需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                       WHEN v_stage = '谈判' THEN '订单意向'
                       WHEN v_stage = '复购跟进' THEN '复购'
                       ELSE '询价' END;
        IF g.product IS NOT NULL THEN explicit_products := explicit_products || g.product; END IF;

        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'explicit',
            'description', v_desc,
            'product', g.product,
            'quantity', v_qty,
            'estimated_value', v_value,
            'value_basis', v_basis,
            'probability', v_prob,
            'expected_close_date', to_char(v_close, 'YYYY-MM-DD'),
            'stage', v_stage,
            'competitors', to_jsonb(v_comp),
            'winning_factors', to_jsonb(v_win),
            'risk_factors', to_jsonb(v_risk),
            'recommended_actions', to_jsonb(v_actions),
            'urgency', v_urg,
            'related_records', to_jsonb(g.recs[1:50]));
    END LOOP;

    -- Implicit: products first mentioned in the last 30 days, rising contact,
    -- talk of new projects, interest in payment terms.
    FOR g IN
        SELECT pm AS product, array_agg(c.record_id ORDER BY c.communication_time DESC) AS recs
          FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c,
               jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm
         WHERE NOT pm = ANY (explicit_products)
           AND NOT EXISTS (SELECT 1 FROM commhub.customer_communications o
                            WHERE o.tenant_id = commhub.current_tenant() AND o.customer_id = cid
                              AND o.canonical_record_id IS NULL
                              AND o.communication_time <= greatest(t0, t1 - interval '30 days')
                              AND commhub.jarr(o.products_mentioned) ? pm)
         GROUP BY pm ORDER BY pm LIMIT 10
    LOOP
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户近期首次提到' || g.product || ',可能有新需求',
            'product', g.product, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '用量未知,金额待确认',
            'probability', 0.20, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('了解' || g.product || '的应用场景与用量',
                                                     '寄送' || g.product || '样品与技术资料'),
            'urgency', 'low', 'related_records', to_jsonb(g.recs[1:20]));
    END LOOP;
    SELECT count(*) FILTER (WHERE c.communication_time > t1 - interval '30 days')::int,
           count(*) FILTER (WHERE c.communication_time <= t1 - interval '30 days')::int
      INTO n30, nprev
      FROM commhub.agent_records(cid, t1 - interval '90 days', t1) c
     WHERE c.intent_category IS DISTINCT FROM 'complaint' AND c.intent_category IS DISTINCT FROM 'after_sales';
    IF n30 >= 3 AND n30 >= 1.5 * (nprev / 2.0) AND nprev > 0 THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '近30天沟通' || n30 || '次,较此前月均' || commhub.num_text(nprev / 2.0, 1) || '次上升'
                           || round(100 * (n30 - nprev / 2.0) / (nprev / 2.0)) || '%,客户可能有新增需求',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.30, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', jsonb_build_array('客户互动活跃'), 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('主动拜访了解新增需求', '提前锁定产能与价格'),
            'urgency', 'medium');
    END IF;
    SELECT regexp_match(c.content, '(新产品|新项目|新品开发|扩产|新产线|新工厂|产能扩张|新车型|新机型|新品)'),
           c.record_id
      INTO kw, kw_rec
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE c.content ~ '新产品|新项目|新品开发|扩产|新产线|新工厂|产能扩张|新车型|新机型|新品'
     ORDER BY c.communication_time DESC LIMIT 1;
    IF kw IS NOT NULL THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户提到' || kw[1] || ',存在新材料需求',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.25, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('安排技术交流,了解' || kw[1] || '的材料要求', '推荐适配的新材料方案'),
            'urgency', 'medium', 'related_records', jsonb_build_array(kw_rec));
    END IF;
    IF EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                WHERE c.intent_category = 'payment' OR coalesce(c.content, '') ~ '账期') THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户关注付款账期,可探索供应链金融合作',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.20, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('与财务评估客户信用', '介绍供应链金融/票据结算方案'),
            'urgency', 'low');
    END IF;

    -- Cross- and up-sell from the catalogue's relations of the products mentioned.
    SELECT coalesce(array_agg(DISTINCT pm), '{}') INTO mentioned
      FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm;
    FOR rel IN
        SELECT DISTINCT ON (r.kind, r.to_product) r.*
          FROM commhub.product_relations r
         WHERE r.tenant_id = commhub.current_tenant() AND r.from_product = ANY (mentioned)
           AND NOT r.to_product = ANY (mentioned)
         ORDER BY r.kind, r.to_product, r.from_product
    LOOP
        base_value := coalesce((values_by_product ->> rel.from_product)::numeric, 0);
        IF rel.kind = 'cross_sell' THEN
            cross_sell := cross_sell || (jsonb_build_object(
                'product', rel.to_product,
                'reason', coalesce(rel.reason, '关联产品') || '(客户关注' || rel.from_product || ')',
                'approach', CASE WHEN EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                                               WHERE c.intent_category = 'technical') THEN '技术推荐' ELSE '样品试用' END,
                -- the seed's key is always there: 0 = unknown, like estimated_value
                'potential_value', round(base_value * 0.3)));
        ELSE
            up_sell := up_sell || (jsonb_build_object(
                'current', rel.from_product, 'upgrade', rel.to_product,
                'reason', coalesce(rel.reason, '性能升级'),
                'potential_value', round(base_value * 0.2)));
        END IF;
    END LOOP;

    SELECT coalesce(jsonb_agg(o.e || jsonb_build_object('id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-'
                                                          || lpad(o.rn::text, 3, '0')) ORDER BY o.rn), '[]')
      INTO opps
      FROM (SELECT e, row_number() OVER (ORDER BY e ->> 'type',
                                                   (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC,
                                                   ord) AS rn
              FROM jsonb_array_elements(opps) WITH ORDINALITY AS u(e, ord)) o;
    RETURN jsonb_build_object('opportunities', opps,
                              'cross_sell_opportunities', cross_sell,
                              'up_sell_opportunities', up_sell,
                              'customer_id', cust.customer_id, 'customer_name', cust.name,
                              'time_range', jsonb_build_object('since', t0, 'until', t1));
END
$$;

-- ---------------------------------------------------------------------
-- A14 risk alerts
-- The current window is (since, until] (default the last 30 days); the
-- baseline is the three windows of the same length before it, averaged.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a14_risk_alerts(customer_id text, since timestamptz DEFAULT NULL,
                                        until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '30 days');
    win interval;
    b0 timestamptz;
    days integer;
    wl text;                   -- '近30天'
    cur record;
    base record;
    vol jsonb;
    vol_text text;
    alerts jsonb := '[]';
    signals jsonb := '{}';
    decline_pct integer;
    declined boolean := false;
    comp record;
    comp_any text[];
    comp_lower boolean := false;
    quote record;
    silence_days integer;
    pay record;
    cmp record;
    v_level text;
    v_score integer;
    ind text[];
    acts text[];
    impact text;
    recs text[];
    today text := to_char(coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');
    ym text := to_char(coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai', 'YYYYMM');
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    win := t1 - t0;
    b0 := t0 - 3 * win;
    days := greatest(1, round(extract(epoch FROM win) / 86400))::int;
    wl := '近' || days || '天';

    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.direction = 'inbound')::int AS n_in,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inq,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           count(*) FILTER (WHERE c.sentiment = 'negative' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_neg,
           count(*) FILTER (WHERE '价格' = ANY (commhub.agent_topics(c.content, c.intent_category, c.price_discussed)))::int AS n_price,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS sent,
           count(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')::int AS n_scored,
           max(c.communication_time) AS last_at,
           max(c.communication_time) FILTER (WHERE c.direction = 'inbound') AS last_in
      INTO cur FROM commhub.agent_records(cid, t0, t1) c;
    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inq,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS sent,
           max(c.communication_time) AS last_at
      INTO base FROM commhub.agent_records(cid, b0, t0) c;
    vol := commhub.agent_volume(cid, t1);
    vol_text := CASE WHEN vol IS NULL THEN NULL
                     ELSE CASE WHEN (vol ->> 'monthly')::boolean THEN '月订单' ELSE '订单' END
                          || commhub.num_text((vol ->> 'quantity')::numeric, 2) || coalesce(vol ->> 'unit', '')
                          || CASE WHEN vol ->> 'value' IS NOT NULL
                                  THEN ',约' || commhub.money_text((vol ->> 'value')::numeric) ELSE '' END END;

    -- competitor mentions with a lower price, over twice the window (a
    -- customer who went quiet after naming a cheaper competitor)
    SELECT c.record_id, c.communication_time, c.content, commhub.agent_price_gap(c.content) AS gap,
           (SELECT array_agg(DISTINCT e) FROM jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e) AS names,
           count(*) OVER () AS mentions
      INTO comp
      FROM commhub.agent_records(cid, t1 - 2 * win, t1) c
     WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
       AND commhub.agent_mentions_lower_price(c.content)
     ORDER BY c.communication_time DESC LIMIT 1;
    comp_lower := FOUND;
    SELECT coalesce(array_agg(DISTINCT e), '{}') INTO comp_any
      FROM commhub.agent_records(cid, t1 - 2 * win, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e;

    -- the last quote we sent in 90 days, and whether the customer answered
    SELECT c.record_id, c.communication_time, c.price_discussed,
           CASE WHEN coalesce(c.analysis -> 'key_info' ->> 'price', '') ~ '^[0-9.]*$'
                THEN commhub.num_text(c.price_discussed, 2) || coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元')
                ELSE c.analysis -> 'key_info' ->> 'price' END AS price_text
      INTO quote
      FROM commhub.agent_records(cid, t1 - greatest(win * 3, interval '90 days'), t1) c
     WHERE c.direction = 'outbound'
       AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~* '报价|quotation|quote')
     ORDER BY c.communication_time DESC LIMIT 1;
    IF FOUND AND NOT EXISTS (SELECT 1 FROM commhub.agent_records(cid, quote.communication_time, t1) c
                              WHERE c.direction = 'inbound') THEN
        silence_days := floor(extract(epoch FROM t1 - quote.communication_time) / 86400)::int;
        IF silence_days < 7 THEN silence_days := NULL; END IF;
    END IF;

    -- communication decline
    IF base.n / 3.0 >= 2 OR (base.n / 3.0 >= 1 AND cur.n = 0) THEN
        decline_pct := round(100 * (1 - cur.n / (base.n / 3.0)))::int;
        declined := decline_pct >= 40;
    END IF;
    signals := signals || jsonb_build_object('communication_decline', jsonb_build_object(
        'detected', declined, 'metric', days || '天沟通次数', 'current', cur.n,
        'baseline', round(base.n / 3.0, 1),
        'change_pct', CASE WHEN base.n > 0 THEN -round(100 * (1 - cur.n / (base.n / 3.0)))::int END,
        'trend', CASE WHEN base.n = 0 THEN CASE WHEN cur.n > 0 THEN 'rising' ELSE 'stable' END
                      WHEN cur.n < 0.8 * base.n / 3.0 THEN 'declining'
                      WHEN cur.n > 1.2 * base.n / 3.0 THEN 'rising' ELSE 'stable' END));

    IF declined THEN
        v_level := CASE WHEN decline_pct >= 60 OR comp_lower OR silence_days IS NOT NULL THEN 'high' ELSE 'medium' END;
        IF base.n / 3.0 < 2 AND NOT comp_lower AND silence_days IS NULL THEN v_level := 'medium'; END IF;
        v_score := least(100, 30 + decline_pct / 2 + CASE WHEN comp_lower THEN 15 ELSE 0 END
                              + CASE WHEN silence_days IS NOT NULL THEN 10 ELSE 0 END)::int;
        ind := ARRAY[wl || '沟通频率下降' || decline_pct || '%',
                     wl || '沟通' || cur.n || '次,此前' || (3 * days) || '天平均每' || days || '天'
                        || commhub.num_text(base.n / 3.0, 1) || '次'];
        IF base.n_inq > 0 AND cur.n_inq < base.n_inq / 3.0 THEN
            ind := ind || ('询价次数减少(此前平均' || commhub.num_text(base.n_inq / 3.0, 1) || '次→' || cur.n_inq || '次)');
        END IF;
        IF coalesce(cur.last_at, base.last_at) IS NOT NULL AND t1 - coalesce(cur.last_at, base.last_at) >= interval '14 days' THEN
            ind := ind || ('已' || extract(day FROM t1 - coalesce(cur.last_at, base.last_at))::int || '天未联系');
        END IF;
        IF comp_lower THEN ind := ind || ('提到竞争对手价格更低' || coalesce(comp.gap, '')); END IF;
        IF silence_days IS NOT NULL THEN ind := ind || ('报价后' || silence_days || '天未回复'); END IF;
        acts := CASE WHEN v_level = 'high' THEN ARRAY['销售总监立即拜访'] ELSE ARRAY['客户经理电话回访'] END
                || ARRAY['了解沟通减少的原因'];
        IF comp_lower THEN acts := acts || '提供专项价格优惠'::text; END IF;
        acts := acts || '安排技术交流'::text;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM (SELECT * FROM commhub.agent_records(cid, b0, t1) x ORDER BY x.communication_time DESC LIMIT 20) c;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-churn_risk', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'churn_risk', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', CASE WHEN vol_text IS NOT NULL THEN vol_text || '可能流失' ELSE '客户后续订单可能流失' END,
            'recommended_actions', to_jsonb(acts),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;

    -- competitor threat
    IF comp_lower OR cardinality(comp_any) > 0 THEN
        v_level := CASE WHEN comp_lower AND (comp.mentions >= 2 OR declined OR silence_days IS NOT NULL) THEN 'high'
                        WHEN comp_lower THEN 'medium' ELSE 'low' END;
        v_score := least(100, CASE WHEN comp_lower THEN 50 ELSE 25 END
                              + 15 * greatest(0, coalesce(comp.mentions, 1) - 1)
                              + CASE WHEN declined THEN 15 ELSE 0 END
                              + CASE WHEN silence_days IS NOT NULL THEN 10 ELSE 0 END)::int;
        ind := ARRAY[]::text[];
        IF comp_lower THEN
            ind := ind || ('客户提到' || array_to_string(comp.names, '、') || '价格更低' || coalesce(comp.gap, '')
                           || '(' || to_char(comp.communication_time AT TIME ZONE 'Asia/Shanghai', 'MM-DD') || ')');
            IF comp.mentions >= 2 THEN ind := ind || ('近' || 2 * days || '天' || comp.mentions || '次提到竞品更便宜'); END IF;
        ELSE
            ind := ind || ('近' || 2 * days || '天提到竞争对手: ' || array_to_string(comp_any, '、'));
        END IF;
        IF declined THEN ind := ind || (wl || '沟通频率下降' || decline_pct || '%'); END IF;
        IF silence_days IS NOT NULL THEN ind := ind || ('报价后' || silence_days || '天未回复'); END IF;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t1 - 2 * win, t1) c
         WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-competitor_threat', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'competitor_threat', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '可能被' || array_to_string(coalesce(comp.names, comp_any), '、') || '替代'
                               || CASE WHEN vol_text IS NOT NULL THEN ',影响' || vol_text ELSE '' END,
            'recommended_actions', to_jsonb(CASE WHEN comp_lower
                THEN ARRAY['立即提供价格匹配或价值证明', '对比竞品的质量与服务优势', '提供长期价格锁定方案']
                ELSE ARRAY['了解客户对竞品的评价', '强调质量稳定与服务优势'] END),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;

    -- complaint escalation
    IF cur.n_complaint > 0 THEN
        SELECT c.record_id, coalesce(c.summary, c.subject, left(c.content, 40)) AS what,
               bool_or(coalesce(c.content, '') ~ '退货|索赔|赔偿|换供应商|更换供应商|停止合作|不再合作') OVER () AS severe,
               bool_or(c.sentiment = 'negative') OVER () AS negative,
               bool_or(c.urgency_level = 'high') OVER () AS urgent
          INTO cmp
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound'
         ORDER BY c.communication_time DESC LIMIT 1;
        v_level := CASE WHEN cur.n_complaint >= 2 OR cmp.severe THEN 'high'
                        WHEN cmp.negative OR cmp.urgent THEN 'medium' ELSE 'low' END;
        v_score := least(100, 45 + 15 * (cur.n_complaint - 1) + CASE WHEN cmp.negative THEN 10 ELSE 0 END
                              + CASE WHEN cmp.severe THEN 15 ELSE 0 END)::int;
        ind := ARRAY[wl || '投诉' || cur.n_complaint || '次(此前平均每' || days || '天'
                     || commhub.num_text(base.n_complaint / 3.0, 1) || '次)',
                     '最近一次: ' || left(cmp.what, 60)];
        IF cmp.severe THEN ind := ind || '客户提到退货/索赔/更换供应商'::text; END IF;
        SELECT ind || coalesce(array_agg('投诉涉及' || t || ' ' || n || '次' ORDER BY n DESC, t), '{}') INTO ind
          FROM (SELECT t, count(*) AS n FROM commhub.agent_records(cid, t0, t1) c,
                       unnest(commhub.agent_topics(c.content, c.intent_category)) t
                 WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound'
                   AND t IN ('质量', '交期', '服务', '价格') GROUP BY t) x;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t0, t1) c WHERE c.intent_category = 'complaint';
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-complaint_escalation', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'complaint_escalation', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '可能导致退货索赔' || CASE WHEN vol_text IS NOT NULL THEN '并影响' || vol_text ELSE '并流失后续订单' END,
            'recommended_actions', to_jsonb(CASE WHEN v_level = 'high'
                THEN ARRAY['销售总监致电客户致歉', '质量部门24小时内出具8D分析报告', '安排技术人员现场处理', '追溯批次并制定补偿方案']
                ELSE ARRAY['质量部门分析投诉原因', '客户经理回访确认处理结果'] END),
            'escalation_required', cur.n_complaint >= 2 OR v_level = 'high',
            'escalation_to', CASE WHEN cur.n_complaint >= 2 OR v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;
    signals := signals || jsonb_build_object('complaint_trend', jsonb_build_object(
        'detected', cur.n_complaint > 0, 'current', cur.n_complaint, 'baseline', round(base.n_complaint / 3.0, 1),
        'severity', CASE WHEN cur.n_complaint >= 2 THEN 'high' WHEN cur.n_complaint = 1 THEN 'medium' ELSE 'low' END));

    -- payment-term pressure
    SELECT count(*)::int AS n,
           bool_or(coalesce(c.content, '') ~ '逾期|拖欠|付不了|资金紧张|无法付款') AS overdue,
           max((regexp_match(c.content, '账期[^0-9]{0,6}([0-9]{2,3})\s*天'))[1]::int) AS days_asked,
           max((regexp_match(c.content, '(?:目前|现在|现有|原来)[^0-9]{0,6}([0-9]{2,3})\s*天'))[1]::int) AS days_now,
           array_agg(c.record_id ORDER BY c.communication_time DESC) AS recs
      INTO pay
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE (c.intent_category = 'payment' OR '账期' = ANY (commhub.agent_topics(c.content, c.intent_category)))
       AND c.direction IS DISTINCT FROM 'outbound'
       AND coalesce(c.content, '') ~ '账期|延期|逾期|晚付|拖欠|推迟付款|延迟付款|缓付|宽限|付不了';
    IF pay.n > 0 THEN
        v_level := CASE WHEN pay.overdue OR pay.n >= 3 THEN 'high' ELSE 'medium' END;
        v_score := least(100, 40 + 10 * (pay.n - 1) + CASE WHEN pay.overdue THEN 30 ELSE 0 END)::int;
        ind := ARRAY[]::text[];
        IF pay.days_asked IS NOT NULL THEN
            ind := ind || ('付款账期要求' || pay.days_asked || '天'
                           || CASE WHEN pay.days_now IS NOT NULL AND pay.days_now <> pay.days_asked
                                   THEN '(目前' || pay.days_now || '天)' ELSE '' END);
        END IF;
        ind := ind || (wl || '客户' || pay.n || '次提到账期/延期付款');
        IF pay.overdue THEN ind := ind || '客户提到逾期/拖欠付款'::text; END IF;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-payment_risk', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'payment_risk', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '应收账款回收风险' || CASE WHEN vol IS NOT NULL AND vol ->> 'value' IS NOT NULL
                                                   THEN ',涉及金额约' || commhub.money_text((vol ->> 'value')::numeric) ELSE '' END,
            'recommended_actions', to_jsonb(ARRAY['财务评估客户信用额度', '制定分期或阶梯账期方案', '控制后续发货风险']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'finance_manager' END,
            'related_records', to_jsonb(pay.recs[1:20]));
    END IF;
    signals := signals || jsonb_build_object('payment_pressure', jsonb_build_object(
        'detected', pay.n > 0, 'evidence', CASE WHEN pay.n > 0 THEN wl || '客户' || pay.n || '次提到账期/延期付款' END,
        'severity', CASE WHEN pay.n = 0 THEN 'low' WHEN pay.overdue OR pay.n >= 3 THEN 'high' ELSE 'medium' END));

    -- negative sentiment trend: a trend needs at least two of the customer's
    -- own messages in the window (one annoyed message is no decline)
    IF (cur.n_scored >= 2 AND base.sent IS NOT NULL AND base.sent - cur.sent >= 0.15 AND cur.sent < 0.5)
       OR (cur.n_neg >= 2 AND coalesce(cur.sent, 0.5) < 0.4) THEN
        v_level := CASE WHEN cur.sent < 0.3 THEN 'high' ELSE 'medium' END;
        v_score := least(100, round(40 + 100 * greatest(0, coalesce(base.sent, 0.6) - cur.sent) + 5 * cur.n_neg))::int;
        ind := ARRAY[wl || '平均情绪分' || commhub.num_text(cur.sent, 2)
                     || CASE WHEN base.sent IS NOT NULL
                             THEN ',基线' || commhub.num_text(base.sent, 2)
                                  || CASE WHEN base.sent > 0 AND base.sent > cur.sent
                                          THEN '(下降' || round(100 * (base.sent - cur.sent) / base.sent) || '%)' ELSE '' END
                             ELSE '' END,
                     wl || '负面沟通' || cur.n_neg || '次'];
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t0, t1) c WHERE c.sentiment = 'negative';
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-sentiment_decline', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'sentiment_decline', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '客户满意度下降,关系可能恶化',
            'recommended_actions', to_jsonb(ARRAY['客户经理回访了解不满原因', '针对痛点制定改进计划并反馈客户']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;
    signals := signals || jsonb_build_object('sentiment_trend', jsonb_build_object(
        'detected', cur.n_scored >= 2 AND base.sent IS NOT NULL AND base.sent - cur.sent >= 0.15,
        'current', round(cur.sent, 2), 'baseline', round(base.sent, 2),
        'trend', CASE WHEN cur.sent IS NULL OR base.sent IS NULL THEN 'stable'
                      WHEN cur.sent < base.sent - 0.05 THEN 'declining'
                      WHEN cur.sent > base.sent + 0.05 THEN 'rising' ELSE 'stable' END));

    -- silence after a quote
    IF silence_days IS NOT NULL THEN
        v_level := CASE WHEN silence_days >= 21 OR (silence_days >= 14 AND (comp_lower OR declined)) THEN 'high'
                        WHEN silence_days >= 10 THEN 'medium' ELSE 'low' END;
        v_score := least(90, 35 + round(1.5 * silence_days) + CASE WHEN comp_lower THEN 10 ELSE 0 END)::int;
        ind := ARRAY['报价后' || silence_days || '天客户未回复',
                     '最后报价' || coalesce(': ' || quote.price_text, '') || '('
                     || to_char(quote.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ')'];
        IF comp_lower THEN ind := ind || ('客户此前提到竞品价格更低' || coalesce(comp.gap, '')); END IF;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-quote_silence', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'quote_silence', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '报价商机可能流失' || CASE WHEN vol_text IS NOT NULL THEN '(' || vol_text || ')' ELSE '' END,
            'recommended_actions', to_jsonb(ARRAY['电话跟进报价反馈', '了解客户顾虑(价格/交期/质量)', '必要时调整报价或提供试样']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', jsonb_build_array(quote.record_id));
    END IF;
    signals := signals || jsonb_build_object('quote_silence', jsonb_build_object(
        'detected', silence_days IS NOT NULL, 'days', silence_days, 'quote_record', quote.record_id));

    signals := signals || jsonb_build_object('price_sensitivity', jsonb_build_object(
        'detected', cur.n_price >= 2 OR comp_lower,
        'evidence', CASE WHEN comp_lower THEN '客户提到竞争对手价格更低' || coalesce(comp.gap, '') || ';' ELSE '' END
                    || '最近' || cur.n || '次沟通中' || cur.n_price || '次提到价格',
        'severity', CASE WHEN comp_lower AND cur.n_price >= 2 THEN 'high'
                         WHEN comp_lower OR cur.n_price >= 2 THEN 'medium' ELSE 'low' END));
    signals := signals || jsonb_build_object('competitor_activity', jsonb_build_object(
        'detected', cardinality(comp_any) > 0, 'competitors', to_jsonb(comp_any),
        'lower_price', comp_lower));

    -- highest risk first
    SELECT coalesce(jsonb_agg(a ORDER BY (a ->> 'risk_score')::int DESC, a ->> 'risk_type'), '[]') INTO alerts
      FROM jsonb_array_elements(alerts) a;
    RETURN jsonb_build_object('risk_alerts', alerts, 'early_warning_signals', signals);
END
$$;

-- ---------------------------------------------------------------------
-- A13 marketing advice: rules table and the agent
-- ---------------------------------------------------------------------
-- trigger: 'intent:<category>', 'competitor', 'complaint', 'product:<category>',
-- 'stage:<lifecycle stage>', 'segment:<VIP|高潜|成长|维护|挽回>', 'risk:<risk_type>'.
-- topic may use {product} and {competitor}.
CREATE TABLE commhub.marketing_rules (
    rule_id       serial       PRIMARY KEY,
    tenant_id     varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    trigger       varchar(64)  NOT NULL,
    content_type  varchar(64)  NOT NULL,
    topic         text         NOT NULL,
    timing        varchar(32)  NOT NULL DEFAULT '本周',
    channel       varchar(64)  NOT NULL DEFAULT '企业微信',
    priority      integer      NOT NULL DEFAULT 50,
    enabled       boolean      NOT NULL DEFAULT true,
    UNIQUE (tenant_id, trigger, content_type, topic)
);
COMMENT ON TABLE commhub.marketing_rules IS
    'A13 content rules: when the trigger (intent:<category>, competitor, complaint, product:<category>, stage:<stage>, segment:<segment>, risk:<risk_type>) is seen, suggest content_type/topic ({product}, {competitor}) at timing via channel; lower priority first';

INSERT INTO commhub.marketing_rules (tenant_id, trigger, content_type, topic, timing, channel, priority) VALUES
    ('T001', 'intent:inquiry',     '技术白皮书',   '{product}技术参数与典型应用案例',          '立即发送', '企业微信+邮件', 10),
    ('T001', 'intent:inquiry',     '样品试用',     '{product}免费样品与试样方案',              '本周安排', '电话+企业微信', 20),
    ('T001', 'intent:order',       '工厂参观邀请', '邀请参观{product}生产线与质检中心',        '下周安排', '电话+企业微信', 30),
    ('T001', 'intent:order',       '供应保障方案', '{product}年度产能锁定与稳定供应计划',      '本周发送', '邮件',          25),
    ('T001', 'intent:technical',   '技术交流会',   '{product}加工工艺与改性方案技术交流',      '本周安排', '视频会议',      20),
    ('T001', 'intent:cooperation', '客户案例',     '同行业客户长期合作成功案例',              '本周发送', '邮件',          35),
    ('T001', 'intent:payment',     '结算方案',     '灵活账期与供应链金融结算方案',            '本周沟通', '电话',          40),
    ('T001', 'intent:delivery',    '交付保障',     '排产与物流跟踪透明化方案',                '立即发送', '企业微信',      30),
    ('T001', 'competitor',         '竞品对比资料', '{product}与{competitor}性能与综合成本对比', '立即发送', '企业微信+邮件', 5),
    ('T001', 'competitor',         '价值证明',     '稳定品质与技术服务带来的综合成本优势',    '本周拜访', '商务拜访',      15),
    ('T001', 'complaint',          '质量改进报告', '8D质量分析报告与改进措施',                '立即发送', '邮件+电话',     1),
    ('T001', 'complaint',          '高层回访',     '销售总监回访,确认问题处理结果',          '本周安排', '商务拜访',      8),
    ('T001', 'product:ABS',        '应用案例',     'PCR-ABS在家电与汽车部件中的应用案例',     '本周发送', '企业微信',      45),
    ('T001', 'product:PC',         '新品推荐',     'PCR-PC低碳材料在新产品开发中的应用',       '本周发送', '邮件',          45),
    ('T001', 'product:PP',         '降本方案',     '再生PP降本与碳足迹核算方案',              '本月发送', '邮件',          50),
    ('T001', 'product:PA',         '技术资料',     '玻纤增强PA66耐热与强度测试数据',          '本月发送', '邮件',          50),
    ('T001', 'product:PC/ABS',     '技术资料',     'PC/ABS合金耐冲击与阻燃等级说明',          '本月发送', '邮件',          50),
    ('T001', 'stage:潜在客户',     '公司介绍',     '公司资质、产能与认证介绍',                '本周发送', '邮件',          60),
    ('T001', 'stage:新客户',       '欢迎礼包',     '新客户服务指南与对接人介绍',              '本周发送', '企业微信',      55),
    ('T001', 'stage:成熟客户',     '行业报告',     '月度塑料原料行情与行业报告',              '每月发送', '邮件',          70),
    ('T001', 'stage:流失风险',     '专属优惠',     '老客户专项价格与服务升级方案',            '立即沟通', '电话+商务拜访', 3),
    ('T001', 'segment:VIP',        '季度业务回顾', '季度业务回顾(QBR)与下季度供应规划',      '本月安排', '商务拜访',      40),
    ('T001', 'risk:payment_risk',  '结算沟通',     '账期调整与信用额度沟通',                  '本周沟通', '电话',          20),
    ('T001', 'risk:quote_silence', '报价跟进',     '报价方案答疑与试样邀请',                  '立即跟进', '电话',          6);

CREATE FUNCTION commhub.a13_marketing_advice(customer_id text, since timestamptz DEFAULT NULL,
                                             until timestamptz DEFAULT NULL,
                                             a11 jsonb DEFAULT NULL, a12 jsonb DEFAULT NULL, a14 jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    ins jsonb := a11;
    opp jsonb := a12;
    risk jsonb := a14;
    stage text;
    health integer;
    top_opp jsonb;
    max_risk integer;
    segment text;
    seg_key text;
    approach text;
    messages text[] := '{}';
    proposition text;
    triggers text[] := '{}';
    top_product text;
    top_competitor text;
    contents jsonb;
    inbound_n integer;
    days_ jsonb;
    hours_ jsonb;
    avoid text[];
    ch record;
    chans text[];
    ch_reason text;
    campaigns jsonb := '[]';
    m integer := extract(month FROM coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::int;
    holiday text;
    signals text[];
    retention text[];
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    ins := coalesce(ins, commhub.a11_customer_insight(cid, t0, t1));
    opp := coalesce(opp, commhub.a12_opportunities(cid, t0, t1));
    risk := coalesce(risk, commhub.a14_risk_alerts(cid, NULL, t1));
    stage := ins ->> 'lifecycle_stage';
    health := (ins -> 'relationship_health' ->> 'score')::int;
    SELECT o INTO top_opp FROM jsonb_array_elements(opp -> 'opportunities') o
     WHERE o ->> 'type' = 'explicit'
     ORDER BY (o ->> 'probability')::numeric * greatest((o ->> 'estimated_value')::numeric, 1) DESC LIMIT 1;
    SELECT max(commhub.level_rank(a ->> 'risk_level')) INTO max_risk FROM jsonb_array_elements(risk -> 'risk_alerts') a;

    -- segment: 挽回 > VIP > 高潜 > 成长 > 维护
    seg_key := CASE WHEN coalesce(max_risk, 0) = 3 OR stage = '流失风险'
                         OR (health < 40 AND stage NOT IN ('潜在客户', '新客户')) THEN '挽回'
                    WHEN cust.priority = 'vip' THEN 'VIP'
                    WHEN (stage IN ('潜在客户', '新客户') AND (top_opp ->> 'probability')::numeric >= 0.5)
                         OR (cust.priority = 'high' AND stage IN ('潜在客户', '新客户')) THEN '高潜'
                    WHEN stage = '成长客户' THEN '成长'
                    ELSE '维护' END;
    segment := CASE seg_key
                   WHEN '挽回' THEN CASE WHEN cust.priority IN ('vip', 'high') THEN '重点挽回客户' ELSE '挽回型客户' END
                   WHEN 'VIP' THEN 'VIP' || CASE stage WHEN '成长客户' THEN '成长型客户' WHEN '成熟客户' THEN '核心客户'
                                                       ELSE '客户' END
                   WHEN '高潜' THEN '高潜力客户'
                   WHEN '成长' THEN '成长型客户'
                   ELSE '维护型客户' END;
    approach := CASE seg_key WHEN '挽回' THEN '关系修复' WHEN 'VIP' THEN '价值深化' WHEN '高潜' THEN '需求转化'
                             WHEN '成长' THEN '价值深化' ELSE '稳定维护' END;
    SELECT coalesce(array_agg(CASE f WHEN '价格' THEN '成本优化方案' WHEN '质量' THEN '稳定品质保障'
                                     WHEN '交期' THEN '稳定供应保障' WHEN '账期' THEN '灵活结算方案' END), '{}')
      INTO messages
      FROM jsonb_array_elements_text(commhub.jarr(ins -> 'decision_making' -> 'key_factors')) f;
    IF seg_key = '挽回' AND (ins -> 'satisfaction' -> 'pain_points') ? '产品质量问题' THEN
        messages := ARRAY['质量问题闭环改进承诺'] || messages;
    END IF;
    IF (ins -> 'metrics' ->> 'competitor_mentions')::int > 0 AND NOT '成本优化方案' = ANY (messages) THEN
        messages := messages || '综合成本优于竞品'::text;
    END IF;
    messages := messages || '技术创新支持'::text;
    messages := messages[1:4];
    proposition := CASE seg_key
        WHEN '挽回' THEN '正视问题、快速改进,用稳定的品质和服务重新赢得信任'
        WHEN '高潜' THEN '用样品、案例和快速响应,帮助客户尽快完成材料验证'
        WHEN '维护' THEN '稳定可靠的材料供应伙伴'
        ELSE '不仅是供应商,更是您的材料技术合作伙伴' END;

    -- triggers the customer's data fired, for the rules table
    SELECT coalesce(array_agg(DISTINCT 'intent:' || c.intent_category), '{}') INTO triggers
      FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c WHERE c.intent_category IS NOT NULL;
    IF (ins -> 'metrics' ->> 'competitor_mentions')::int > 0 THEN triggers := triggers || 'competitor'::text; END IF;
    IF (ins -> 'metrics' ->> 'complaints')::int > 0 THEN triggers := triggers || 'complaint'::text; END IF;
    SELECT triggers || coalesce(array_agg(DISTINCT 'product:' || p.category), '{}') INTO triggers
      FROM commhub.agent_records(cid, t0, t1) c,
           jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) e
      JOIN commhub.products p ON p.tenant_id = commhub.current_tenant() AND p.canonical = e
     WHERE p.category IS NOT NULL;
    triggers := triggers || ('stage:' || stage) || ('segment:' || seg_key);
    SELECT triggers || coalesce(array_agg(DISTINCT 'risk:' || (a ->> 'risk_type')), '{}') INTO triggers
      FROM jsonb_array_elements(risk -> 'risk_alerts') a;
    -- the top opportunity's product, else the one the customer mentions most
    -- (A11's needs_map entries are phrases such as "PCR-ABS-1000技术支持")
    top_product := coalesce(top_opp ->> 'product',
                            (SELECT pm FROM commhub.agent_records(cid, t0, t1) c,
                                            jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm
                              GROUP BY pm ORDER BY count(*) DESC, max(c.communication_time) DESC, pm LIMIT 1),
                            '我司产品');
    SELECT e INTO top_competitor
      FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e
     ORDER BY c.communication_time DESC LIMIT 1;
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'type', r.content_type,
               'topic', replace(replace(r.topic, '{product}', top_product), '{competitor}', coalesce(top_competitor, '竞品')),
               'timing', r.timing, 'channel', r.channel, 'trigger', r.trigger) ORDER BY r.priority, r.rule_id), '[]')
      INTO contents
      FROM (SELECT d.* FROM (SELECT DISTINCT ON (x.content_type) x.*
                               FROM commhub.marketing_rules x
                              WHERE x.tenant_id = commhub.current_tenant() AND x.enabled AND x.trigger = ANY (triggers)
                              ORDER BY x.content_type, x.priority, x.rule_id) d
             ORDER BY d.priority, d.rule_id LIMIT 5) r;
    IF jsonb_array_length(contents) = 0 THEN
        contents := jsonb_build_array(jsonb_build_object('type', '产品资料', 'topic', top_product || '产品介绍与应用案例',
                                                         'timing', '本周发送', 'channel', '企业微信+邮件'));
    END IF;

    -- timing from the customer's own inbound history (180 days)
    SELECT count(*)::int INTO inbound_n
      FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound';
    IF inbound_n >= 3 THEN
        SELECT jsonb_agg(commhub.weekday_label(d) ORDER BY d) INTO days_
          FROM (SELECT extract(isodow FROM c.communication_time AT TIME ZONE 'Asia/Shanghai')::int AS d
                  FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound'
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3) x;
        SELECT jsonb_agg(lpad(h::text, 2, '0') || ':00-' || lpad((h + 1)::text, 2, '0') || ':00' ORDER BY h) INTO hours_
          FROM (SELECT extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai')::int AS h
                  FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound'
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2) x;
        SELECT coalesce(array_agg(x.label ORDER BY x.ord), '{}') INTO avoid
          FROM (SELECT v.label, v.ord,
                       (SELECT count(*) FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c
                         WHERE c.direction = 'inbound'
                           AND extract(isodow FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') BETWEEN v.d0 AND v.d1
                           AND extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') >= v.h0
                           AND extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') < v.h1) AS n
                  FROM (VALUES ('周一上午', 1, 1, 1, 0, 12), ('周五下午', 2, 5, 5, 13, 24), ('周末', 3, 6, 7, 0, 24),
                               ('午休时间(12:00-13:00)', 4, 1, 7, 12, 13), ('晚上18:00以后', 5, 1, 7, 18, 24))
                       AS v(label, ord, d0, d1, h0, h1)) x
         WHERE x.n = 0;
        avoid := avoid[1:3];
    ELSE
        days_ := '["周二", "周三", "周四"]';
        hours_ := '["10:00-11:30", "14:00-16:00"]';
        avoid := ARRAY['周一上午', '周五下午'];
    END IF;

    -- channels: where the customer reaches us, then where we talk most
    SELECT array_agg(commhub.channel_label(x.t) ORDER BY x.score DESC, x.t) INTO chans
      FROM (SELECT c.communication_type AS t,
                   2 * count(*) FILTER (WHERE c.direction = 'inbound') + count(*) AS score
              FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3) x;
    SELECT array_agg(x ORDER BY o) INTO chans
      FROM (SELECT DISTINCT ON (x) x, o
              FROM unnest(coalesce(chans, '{}') || ARRAY['企业微信', '移动电话', 'Email']) WITH ORDINALITY AS u(x, o)
             ORDER BY x, o) d;
    SELECT round(100.0 * count(*) FILTER (WHERE commhub.channel_label(c.communication_type) = chans[1]) / nullif(count(*), 0))
           || '%的沟通通过' || chans[1]
      INTO ch_reason
      FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c;
    ch_reason := coalesce('客户' || ch_reason || ',', '') || '按客户习惯优先使用' || chans[1]
                 || CASE WHEN ins -> 'communication_pattern' ->> 'response_speed' <> '暂无回复数据'
                         THEN ',当前' || (ins -> 'communication_pattern' ->> 'response_speed') ELSE '' END;

    -- campaigns
    IF top_opp IS NOT NULL AND top_opp ->> 'quantity' ~ '月' THEN
        campaigns := campaigns || jsonb_build_object(
            -- a demand stated without a product (未指明产品) has no product name
            'name', coalesce(top_opp ->> 'product', '') || CASE WHEN m BETWEEN 5 AND 8 THEN '夏季' ELSE '' END || '稳定供应保障计划',
            'target', '锁定长期需求,消除客户对供应的担忧',
            'offer', '提前锁定下季度产能,价格不变', 'expected_response', 0.7);
    END IF;
    IF 'competitor' = ANY (triggers) THEN
        campaigns := campaigns || jsonb_build_object('name', '价格竞争力专项方案', 'target', '应对竞品低价冲击',
                                                     'offer', '阶梯价格 + 年度返利', 'expected_response', 0.6);
    END IF;
    IF 'complaint' = ANY (triggers) THEN
        campaigns := campaigns || jsonb_build_object('name', '品质提升回访计划', 'target', '修复质量问题带来的信任损失',
                                                     'offer', '免费第三方检测 + 批次质量报告', 'expected_response', 0.5);
    END IF;
    IF jsonb_array_length(commhub.jarr(opp -> 'cross_sell_opportunities')) > 0 THEN
        campaigns := campaigns || jsonb_build_object(
            'name', (opp -> 'cross_sell_opportunities' -> 0 ->> 'product') || '新品试用',
            'target', '拓展新材料合作', 'offer', '免费样品 + 技术支持', 'expected_response', 0.5);
    END IF;
    campaigns := campaigns || jsonb_build_object(
        'name', CASE WHEN m <= 2 THEN '春节备货计划' WHEN m <= 5 THEN '旺季产能预订计划'
                     WHEN m <= 8 THEN '夏季稳定供应保障计划' WHEN m <= 11 THEN '年终备货优惠' ELSE '年度框架协议签约季' END,
        'target', '提前锁定需求', 'offer', '提前下单享优先排产', 'expected_response', 0.4);
    holiday := CASE WHEN m <= 2 THEN '春节送定制年礼' WHEN m <= 4 THEN '清明后安排客户答谢会'
                    WHEN m <= 6 THEN '端午节送样品礼盒' WHEN m <= 9 THEN '中秋节送月饼礼盒'
                    WHEN m = 10 THEN '国庆节问候' ELSE '元旦送年历与行业年报' END;

    -- retention plan from the risk signals
    SELECT coalesce(array_agg(a -> 'indicators' ->> 0 ORDER BY (a ->> 'risk_score')::int DESC), '{}') INTO signals
      FROM jsonb_array_elements(risk -> 'risk_alerts') a;
    SELECT coalesce(array_agg(x.act ORDER BY x.o), '{}') INTO retention
      FROM (SELECT DISTINCT ON (act) act, o
              FROM (SELECT e AS act, row_number() OVER () AS o
                      FROM jsonb_array_elements(risk -> 'risk_alerts') a,
                           jsonb_array_elements_text(a -> 'recommended_actions') e
                     WHERE a ->> 'risk_level' IN ('high', 'medium')) y
             ORDER BY act, o) x;
    retention := retention[1:5];
    IF cardinality(retention) = 0 THEN retention := ARRAY['保持定期回访', '季度业务回顾']; END IF;

    RETURN jsonb_build_object(
        'customer_segment', segment,
        'marketing_strategy', jsonb_build_object('approach', approach, 'key_messages', to_jsonb(messages),
                                                 'value_proposition', proposition),
        'content_suggestions', contents,
        'timing_recommendations', jsonb_build_object('best_contact_days', days_, 'best_contact_hours', hours_,
                                                     'avoid_times', to_jsonb(avoid)),
        'channel_strategy', jsonb_build_object('primary', chans[1], 'secondary', chans[2], 'tertiary', chans[3],
                                               'reason', ch_reason),
        'campaign_ideas', campaigns,
        'care_strategy', jsonb_build_object(
            'birthday_greeting', true, 'holiday_gifts', holiday,
            'quarterly_business_review', cust.priority IN ('vip', 'high') OR coalesce((top_opp ->> 'estimated_value')::numeric, 0) >= 1000000,
            'industry_insights_sharing', '每月分享行业报告'),
        'retention_plan', jsonb_build_object('risk_signals', to_jsonb(signals), 'retention_actions', to_jsonb(retention)),
        'customer_id', cust.customer_id, 'customer_name', cust.name);
END
$$;

GRANT SELECT ON commhub.marketing_rules TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.marketing_rules TO commhub_admin;
GRANT EXECUTE ON FUNCTION
    commhub.jarr(jsonb), commhub.num_text(numeric, integer), commhub.money_text(numeric),
    commhub.weekday_label(integer), commhub.agent_time_slot(timestamptz),
    commhub.agent_topics(text, text, numeric), commhub.agent_mentions_lower_price(text),
    commhub.agent_price_gap(text), commhub.try_date(text), commhub.level_rank(text), commhub.level_label(text),
    commhub.risk_type_label(text), commhub.agent_customer(text),
    commhub.agent_check_range(timestamptz, timestamptz),
    commhub.agent_records(text, timestamptz, timestamptz),
    commhub.agent_response_hours(text, timestamptz, timestamptz), commhub.response_text(numeric),
    commhub.agent_key_contacts(text, timestamptz, timestamptz, integer),
    commhub.agent_volume(text, timestamptz),
    commhub.a11_customer_insight(text, timestamptz, timestamptz),
    commhub.a12_opportunities(text, timestamptz, timestamptz),
    commhub.a14_risk_alerts(text, timestamptz, timestamptz),
    commhub.a13_marketing_advice(text, timestamptz, timestamptz, jsonb, jsonb, jsonb)
  TO commhub_reader;
-- commhub install script, part 45: storing agent results (insights),
-- run_agent (A11-A15), A15 Markdown reports and A16 run_analysis (SPEC N2,
-- N6, N7).
--
-- Storage contract: one insight row per (tenant, dedupe_key).  A repeated
-- run UPDATES its row (ON CONFLICT on the partial unique index
-- idx_insight_dedupe) instead of adding one, and only when something
-- changed; a row that becomes more important comes back as status 'new'.
--   A11  relationship  'A11:<customer>'
--   A12  opportunity   'A12:<customer>'
--   A13  suggestion    'A13:<customer>'
--   A14  risk          'A14:<customer>:<risk_type>'  (one per alert type)
--   A15  summary       'A15:customer:<customer>', 'A15:<kind>:<scope>:<period>'
--   A16  summary       'A16:<customer>'
-- A high A14 alert sets notification_sent/notification_time and sends
-- NOTIFY commhub_urgent once (again only after 24 hours, or when it
-- escalates to high again).  An open A14 alert that a later check of the
-- same length no longer raises is closed (dismissed by builtin:A14); raised
-- again, it is new again and notifies again.
--
-- Reports are read-only (readers may run them) and, like the agents, are
-- evaluated against `until`, so a past range renders the same text later
-- (only the 生成时间 line shows the clock).

-- ---------------------------------------------------------------------
-- Storage
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.save_insight(customer_id text, insight_type text, title text, content text, data jsonb,
                                     related_records jsonb, record_count integer,
                                     since timestamptz, until timestamptz,
                                     confidence numeric, importance integer,
                                     generated_by text, dedupe_key text)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_id text;
BEGIN
    IF customer_id IS NULL OR customer_id = '' THEN
        RAISE EXCEPTION 'customer_id must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the customer the insight is about, e.g. C001.';
    END IF;
    IF insight_type IS NULL OR insight_type NOT IN ('relationship', 'opportunity', 'suggestion', 'risk', 'summary', 'trend') THEN
        RAISE EXCEPTION 'insight_type "%" is not one of relationship, opportunity, suggestion, risk, summary, trend', insight_type
            USING ERRCODE = '22023', HINT = 'Use the seed''s insight types.';
    END IF;
    INSERT INTO commhub.communication_insights AS i
           (insight_id, customer_id, insight_type, insight_title, insight_content, insight_data,
            related_records, record_count, time_range, confidence, importance_score, generated_by,
            tenant_id, dedupe_key, status, created_at, updated_at)
    VALUES ('INS-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
                   || left(replace(gen_random_uuid()::text, '-', ''), 12),
            save_insight.customer_id, save_insight.insight_type, left(title, 256), content, data,
            coalesce(save_insight.related_records, '[]'), save_insight.record_count,
            jsonb_build_object('since', since, 'until', until),
            round(greatest(0, least(1, save_insight.confidence)), 2),
            greatest(1, least(10, importance)), left(save_insight.generated_by, 64),
            commhub.current_tenant(), left(save_insight.dedupe_key, 128), 'new', now(), now())
    ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET
        insight_type = EXCLUDED.insight_type,
        insight_title = EXCLUDED.insight_title,
        insight_content = EXCLUDED.insight_content,
        insight_data = EXCLUDED.insight_data,
        related_records = EXCLUDED.related_records,
        record_count = EXCLUDED.record_count,
        time_range = EXCLUDED.time_range,
        confidence = EXCLUDED.confidence,
        importance_score = EXCLUDED.importance_score,
        generated_by = EXCLUDED.generated_by,
        status = CASE WHEN EXCLUDED.importance_score > i.importance_score THEN 'new' ELSE i.status END,
        updated_at = now()
     WHERE i.insight_title IS DISTINCT FROM EXCLUDED.insight_title
        OR i.insight_content IS DISTINCT FROM EXCLUDED.insight_content
        OR i.insight_data IS DISTINCT FROM EXCLUDED.insight_data
        OR i.related_records IS DISTINCT FROM EXCLUDED.related_records
        OR i.importance_score IS DISTINCT FROM EXCLUDED.importance_score
    RETURNING i.insight_id INTO v_id;
    IF v_id IS NULL THEN            -- unchanged: the row was left alone
        SELECT i.insight_id INTO v_id FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = left(save_insight.dedupe_key, 128);
    END IF;
    RETURN v_id;
END
$$;

-- Store an A11/A12/A13/A15/A16 result with its headline.
CREATE FUNCTION commhub.agent_save(agent text, customer_id text, since timestamptz, until timestamptz, result jsonb)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    n integer;
    recs jsonb;
    title text;
    body text;
    imp integer;
    conf numeric;
    itype text;
    top jsonb;
    x jsonb;
    v_id text;
BEGIN
    SELECT count(*)::int INTO n FROM commhub.agent_records(cid, since, until);
    SELECT coalesce(jsonb_agg(r.record_id ORDER BY r.communication_time DESC), '[]') INTO recs
      FROM (SELECT c.record_id, c.communication_time FROM commhub.agent_records(cid, since, until) c
             ORDER BY c.communication_time DESC LIMIT 200) r;
    conf := round(least(0.95, 0.5 + n / 100.0), 2);
    CASE agent
    WHEN 'A11' THEN
        itype := 'relationship';
        x := result;
        title := format('%s · 关系健康度%s/100%s · 偏好%s沟通', x ->> 'lifecycle_stage',
                        x #>> '{relationship_health,score}', commhub.trend_arrow(x #>> '{relationship_health,trend}'),
                        coalesce(x #>> '{communication_pattern,preferred_channel}', '-'));
        body := format('关系健康度%s/100,%s。沟通频率%s,%s,偏好%s、%s。决策风格: %s%s;关键决策人: %s。满意度%s/5,忠诚度%s/100(流失风险%s)。生命周期: %s。',
                       x #>> '{relationship_health,score}', x #>> '{relationship_health,assessment}',
                       x #>> '{communication_pattern,frequency}', x #>> '{communication_pattern,response_speed}',
                       coalesce(x #>> '{communication_pattern,preferred_channel}', '-'),
                       coalesce(x #>> '{communication_pattern,preferred_time}', '-'),
                       x #>> '{decision_making,style}',
                       CASE WHEN jsonb_array_length(x #> '{decision_making,key_factors}') > 0
                            THEN ',关注' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(x #> '{decision_making,key_factors}') e)
                            ELSE '' END,
                       x #>> '{decision_making,decision_maker}', x #>> '{satisfaction,current}',
                       x #>> '{loyalty,score}', commhub.level_label(x #>> '{loyalty,risk_level}'), x ->> 'lifecycle_stage');
        imp := CASE WHEN x ->> 'lifecycle_stage' = '流失风险' THEN 8
                    WHEN (x #>> '{relationship_health,score}')::int < 50 THEN 7 ELSE 5 END;
    WHEN 'A12' THEN
        itype := 'opportunity';
        SELECT o INTO top FROM jsonb_array_elements(result -> 'opportunities') o
         WHERE o ->> 'type' = 'explicit'
         ORDER BY (o ->> 'probability')::numeric * greatest((o ->> 'estimated_value')::numeric, 1) DESC LIMIT 1;
        IF top IS NOT NULL AND top ->> 'stage' = '复购跟进' THEN
            title := '复购机会: ' || coalesce(top ->> 'product', '') || coalesce('(上次' || (top ->> 'quantity') || ')', '')
                  || CASE WHEN (top -> 'risk_factors')::text ~ '投诉' THEN ',需先处理质量投诉' ELSE '' END;
        ELSIF top IS NOT NULL THEN
            title := '客户有明确' || coalesce(top ->> 'product', '') || '采购意向'
                  || CASE WHEN top ->> 'quantity' ~ '月' THEN ',预计月订单' || regexp_replace(top ->> 'quantity', '/月$|每月', '')
                          WHEN top ->> 'quantity' IS NOT NULL THEN ',数量' || (top ->> 'quantity') ELSE '' END;
        ELSIF jsonb_array_length(result -> 'opportunities') > 0 THEN
            title := '发现' || jsonb_array_length(result -> 'opportunities') || '个潜在商机: '
                  || (result -> 'opportunities' -> 0 ->> 'description');
        ELSE
            title := '近期未发现明确商机';
        END IF;
        SELECT string_agg(format('%s商机: %s,预计成交金额%s,成交概率%s%%(%s)',
                                 CASE o ->> 'type' WHEN 'explicit' THEN '显性' ELSE '隐性' END, o ->> 'description',
                                 CASE WHEN (o ->> 'estimated_value')::numeric > 0
                                      THEN commhub.money_text((o ->> 'estimated_value')::numeric) ELSE '待确认' END,
                                 round(100 * (o ->> 'probability')::numeric), o ->> 'stage'), ';')
          INTO body FROM jsonb_array_elements(result -> 'opportunities') o;
        body := coalesce(body || '。', '近期沟通中未发现采购信号。')
             || CASE WHEN jsonb_array_length(result -> 'cross_sell_opportunities') > 0
                     THEN '交叉销售: ' || (SELECT string_agg(e ->> 'product', '、') FROM jsonb_array_elements(result -> 'cross_sell_opportunities') e) || '。'
                     ELSE '' END
             || CASE WHEN jsonb_array_length(result -> 'up_sell_opportunities') > 0
                     THEN '升级销售: ' || (SELECT string_agg((e ->> 'current') || '→' || (e ->> 'upgrade'), '、') FROM jsonb_array_elements(result -> 'up_sell_opportunities') e) || '。'
                     ELSE '' END;
        imp := CASE WHEN top IS NULL THEN CASE WHEN jsonb_array_length(result -> 'opportunities') > 0 THEN 4 ELSE 2 END
                    ELSE 6 + CASE WHEN (top ->> 'estimated_value')::numeric >= 1000000 THEN 3
                                  WHEN (top ->> 'estimated_value')::numeric >= 100000 THEN 2
                                  WHEN (top ->> 'estimated_value')::numeric > 0 THEN 1 ELSE 0 END END;
        conf := CASE WHEN top IS NOT NULL THEN 0.8 WHEN jsonb_array_length(result -> 'opportunities') > 0 THEN 0.5 ELSE 0.3 END;
        SELECT coalesce(jsonb_agg(DISTINCT e), '[]') INTO x
          FROM jsonb_array_elements(result -> 'opportunities') o, jsonb_array_elements(commhub.jarr(o -> 'related_records')) e;
        IF jsonb_array_length(x) > 0 THEN recs := x; END IF;
    WHEN 'A13' THEN
        itype := 'suggestion';
        x := result -> 'content_suggestions' -> 0;
        title := (result ->> 'customer_segment') || ': 建议' || coalesce(x ->> 'timing', '') || coalesce(x ->> 'type', '跟进')
              || coalesce('「' || (x ->> 'topic') || '」', '');
        body := format('客户定位: %s;策略: %s(%s)。建议内容: %s。最佳触达: %s %s,渠道: %s。',
                       result ->> 'customer_segment', result #>> '{marketing_strategy,approach}',
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{marketing_strategy,key_messages}') e),
                       (SELECT string_agg(format('%s%s「%s」(%s)', e ->> 'timing', e ->> 'type', e ->> 'topic', e ->> 'channel'), ';')
                          FROM jsonb_array_elements(result -> 'content_suggestions') e),
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{timing_recommendations,best_contact_days}') e),
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{timing_recommendations,best_contact_hours}') e),
                       concat_ws(' > ', result #>> '{channel_strategy,primary}', result #>> '{channel_strategy,secondary}',
                                 result #>> '{channel_strategy,tertiary}'));
        imp := CASE WHEN result ->> 'customer_segment' ~ '挽回' THEN 7
                    WHEN result ->> 'customer_segment' ~ 'VIP|高潜' THEN 6 ELSE 4 END;
        conf := 0.7;
    WHEN 'A15' THEN
        itype := 'summary';
        title := '客户分析报告 - ' || cust.name || ' (' || to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ')';
        body := result ->> 'report';
        imp := 5;
        conf := 0.8;
    WHEN 'A16' THEN
        itype := 'summary';
        title := format('综合分析 - %s: 健康度%s/100, 商机%s个, 风险%s项, 立即行动%s项', cust.name,
                        result #>> '{customer_insights,relationship_health,score}',
                        jsonb_array_length(result #> '{opportunities,opportunities}'),
                        jsonb_array_length(result #> '{risk_alerts,risk_alerts}'),
                        jsonb_array_length(result #> '{action_plan,immediate}'));
        body := result #>> '{reports,customer_report}';
        SELECT greatest(5, max(i.importance_score)) INTO imp FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = cid
           AND i.dedupe_key LIKE 'A1_:' || cid || '%';
        conf := 0.8;
    ELSE
        RAISE EXCEPTION 'agent "%" is not stored by agent_save', agent
            USING ERRCODE = '22023', HINT = 'A11, A12, A13, A15 and A16 are; A14 alerts go through agent_save_alerts.';
    END CASE;
    v_id := commhub.save_insight(cid, itype, title, body, result, recs, n, since, until, conf, imp,
                                 'builtin:' || agent,
                                 CASE agent WHEN 'A15' THEN 'A15:customer:' || cid ELSE agent || ':' || cid END);
    -- N2/N3: if use_endpoint routes this agent, a model job enriches the insight (35_agent_runtime.sql)
    PERFORM commhub.enqueue_agent_enrichment(agent, cid, v_id, result);
    RETURN v_id;
END
$$;

-- Store each A14 alert as its own risk insight; notify high ones once.
-- Returns the result with insight_id added to each alert.
CREATE FUNCTION commhub.agent_save_alerts(customer_id text, since timestamptz, until timestamptz, result jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    a jsonb;
    out_alerts jsonb := '[]';
    prev record;
    key text;
    v_id text;
    title text;
    body text;
    ind0 text;
    keys text[] := '{}';
BEGIN
    PERFORM commhub.agent_customer(cid);
    FOR a IN SELECT x FROM jsonb_array_elements(commhub.jarr(result -> 'risk_alerts')) x LOOP
        key := 'A14:' || cid || ':' || (a ->> 'risk_type');
        ind0 := a -> 'indicators' ->> 0;
        title := CASE a ->> 'risk_type'
            WHEN 'churn_risk' THEN ind0 || ',存在流失风险'
            WHEN 'competitor_threat' THEN regexp_replace(ind0, '\(\d\d-\d\d\)$', '')
            WHEN 'complaint_escalation' THEN regexp_replace(ind0, '\(.*\)$', '')
                 || CASE WHEN (a ->> 'escalation_required')::boolean THEN ',需升级至销售总监' ELSE ',需跟进处理' END
            WHEN 'sentiment_decline' THEN '客户情绪下降: ' || ind0
            ELSE ind0 END;
        body := format('%s风险(%s, %s分)。指标: %s。预计影响: %s。建议: %s。%s',
                       commhub.level_label(a ->> 'risk_level'), commhub.risk_type_label(a ->> 'risk_type'), a ->> 'risk_score',
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'indicators') e),
                       coalesce(a ->> 'expected_impact', '-'),
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'recommended_actions') e),
                       CASE WHEN (a ->> 'escalation_required')::boolean
                            THEN '需升级: ' || CASE a ->> 'escalation_to' WHEN 'sales_director' THEN '销售总监'
                                                   WHEN 'finance_manager' THEN '财务经理'
                                                   ELSE coalesce(a ->> 'escalation_to', '上级') END ELSE '' END);
        -- One run at a time per alert: two overlapping runs (risk_5min, a
        -- manual run_agent, the weekly job) would both find no insight yet
        -- and both notify.  The second waits here and then sees the first's.
        PERFORM pg_advisory_xact_lock(hashtextextended('commhub A14 ' || commhub.current_tenant() || '|' || key, 0));
        SELECT i.insight_id, i.notification_sent, i.notification_time, i.insight_data ->> 'risk_level' AS level,
               i.status = 'dismissed' AND i.handled_by = 'builtin:A14' AS cleared,
               i.insight_data ->> 'triggered_at' AS triggered_at
          INTO prev
          FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = key
         FOR UPDATE;
        -- triggered_at is the day the alert was raised: a later check that
        -- raises it again keeps that day (an alert closed in between starts
        -- anew), so "open since" does not move with every run
        IF prev.insight_id IS NOT NULL AND NOT coalesce(prev.cleared, false)
           AND prev.triggered_at ~ '^\d{4}-\d\d-\d\d$' AND prev.triggered_at < a ->> 'triggered_at' THEN
            a := jsonb_set(a, '{triggered_at}', to_jsonb(prev.triggered_at));
        END IF;
        v_id := commhub.save_insight(cid, 'risk', title, body, a - 'insight_id', coalesce(a -> 'related_records', '[]'),
                                   jsonb_array_length(coalesce(a -> 'related_records', '[]')), since, until,
                                   CASE a ->> 'risk_level' WHEN 'high' THEN 0.85 WHEN 'medium' THEN 0.7 ELSE 0.55 END,
                                   ceil((a ->> 'risk_score')::numeric / 10)::int, 'builtin:A14', key);
        keys := keys || left(key, 128);
        IF prev.cleared THEN        -- closed by an earlier check (below), raised again: open again
            UPDATE commhub.communication_insights i
               SET status = 'new', handled_by = NULL, handled_at = NULL, handle_result = NULL
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
        END IF;
        IF a ->> 'risk_level' = 'high'
           AND (prev.insight_id IS NULL OR NOT coalesce(prev.notification_sent, false)
                OR prev.level IS DISTINCT FROM 'high' OR prev.notification_time < now() - interval '24 hours') THEN
            UPDATE commhub.communication_insights i SET notification_sent = true, notification_time = now()
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', a -> 'related_records' ->> 0, 'customer_id', cid,
                'tenant_id', commhub.current_tenant(),
                'urgency_reason', left(title, 128), 'risk_type', a ->> 'risk_type', 'risk_level', a ->> 'risk_level',
                'risk_score', (a ->> 'risk_score')::int, 'insight_id', v_id, 'alert_id', a ->> 'alert_id',
                'escalation_to', a ->> 'escalation_to', 'source', 'builtin:A14')::text);
        END IF;
        out_alerts := out_alerts || (a || jsonb_build_object('insight_id', v_id));
    END LOOP;
    -- An open alert this check no longer raises is closed (status dismissed,
    -- handled_by builtin:A14, and notified again if it comes back), when it
    -- was raised by a check of the same length that is not newer than this
    -- one: a complaint of two months ago no longer shows as an open risk.
    UPDATE commhub.communication_insights i
       SET status = 'dismissed', handled_by = 'builtin:A14', handled_at = now(),
           handle_result = '风险已解除: ' || to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 的检查未再触发',
           notification_sent = false, updated_at = now()
     WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = cid AND i.insight_type = 'risk'
       AND left(i.dedupe_key, length('A14:' || cid || ':')) = 'A14:' || cid || ':'
       AND NOT (i.dedupe_key = ANY (keys))
       AND i.status IN ('new', 'read')
       AND (i.time_range ->> 'until')::timestamptz <= until
       AND (i.time_range ->> 'until')::timestamptz - (i.time_range ->> 'since')::timestamptz = until - since;
    RETURN jsonb_set(result, '{risk_alerts}', out_alerts);
END
$$;

-- An A13 content suggestion as something to do: 发送技术白皮书: ..., 安排技术交流会: ...
CREATE FUNCTION commhub.content_action(content_type text, topic text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 ~ '邀请|交流会|拜访|回访|回顾|参观' THEN '安排'
               WHEN $1 ~ '跟进|沟通' THEN ''
               WHEN $1 ~ '优惠|方案|礼包|保障' THEN '提供'
               ELSE '发送' END || $1 || ': ' || $2 $$;

-- ---------------------------------------------------------------------
-- Action list (A15 section five, A16 action_plan)
-- Items {priority 紧急|高|中, action, due 今天|明天|本周, source}: open tasks,
-- A14 alerts, A12 opportunities, A13 content; deduplicated, most urgent first.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.agent_action_list(customer_id text, until timestamptz, a12 jsonb, a13 jsonb, a14 jsonb,
                                          max_items integer DEFAULT 8)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    today date := (coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::date;
    week_end date;
    acts jsonb := '[]';
    t record;
    x jsonb;
    act text;
BEGIN
    week_end := today + (7 - extract(isodow FROM today)::int);
    FOR t IN
        SELECT k.title, (k.due_at AT TIME ZONE 'Asia/Shanghai')::date AS due
          FROM commhub.communication_tasks k
         WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = cid
           AND k.status IN ('pending', 'in_progress') AND k.due_at IS NOT NULL
           AND (k.due_at AT TIME ZONE 'Asia/Shanghai')::date <= greatest(week_end, today + 2)
         ORDER BY k.due_at LIMIT 5
    LOOP
        acts := acts || jsonb_build_object(
            'priority', CASE WHEN t.due <= today THEN '紧急' WHEN t.due = today + 1 THEN '高' ELSE '中' END,
            'action', t.title || CASE WHEN t.due < today THEN '(已逾期)' ELSE '' END,
            'due', CASE WHEN t.due <= today THEN '今天' WHEN t.due = today + 1 THEN '明天' ELSE '本周' END,
            'source', 'task');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a14 -> 'risk_alerts')) e
              ORDER BY (e ->> 'risk_score')::int DESC LOOP
        act := x -> 'recommended_actions' ->> 0;
        CONTINUE WHEN act IS NULL;
        acts := acts || jsonb_build_object(
            'priority', CASE x ->> 'risk_level' WHEN 'high' THEN '紧急' WHEN 'medium' THEN '高' ELSE '中' END,
            'action', act,
            'due', CASE x ->> 'risk_level' WHEN 'high' THEN '今天' WHEN 'medium' THEN '明天' ELSE '本周' END,
            'source', 'A14:' || (x ->> 'risk_type'));
        IF x ->> 'risk_level' = 'high' AND x -> 'recommended_actions' ->> 1 IS NOT NULL THEN
            acts := acts || jsonb_build_object('priority', '高', 'action', x -> 'recommended_actions' ->> 1,
                                               'due', '明天', 'source', 'A14:' || (x ->> 'risk_type'));
        END IF;
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a12 -> 'opportunities')) e
              WHERE e ->> 'type' = 'explicit'
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 3 LOOP
        act := x -> 'recommended_actions' ->> 0;
        CONTINUE WHEN act IS NULL;
        IF x ->> 'product' IS NOT NULL AND strpos(act, x ->> 'product') = 0 THEN
            act := act || '(' || (x ->> 'product') || ')';
        END IF;
        acts := acts || jsonb_build_object(
            'priority', CASE x ->> 'urgency' WHEN 'high' THEN '高' ELSE '中' END, 'action', act,
            'due', CASE x ->> 'urgency' WHEN 'high' THEN '明天' ELSE '本周' END, 'source', 'A12');
        act := x -> 'recommended_actions' ->> 1;
        IF act IS NOT NULL THEN
            acts := acts || jsonb_build_object('priority', '中', 'action', act, 'due', '本周', 'source', 'A12');
        END IF;
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a13 -> 'content_suggestions')) e LIMIT 3 LOOP
        acts := acts || jsonb_build_object(
            'priority', CASE WHEN x ->> 'timing' ~ '^立即' THEN '高' ELSE '中' END,
            'action', commhub.content_action(x ->> 'type', x ->> 'topic'),
            'due', CASE WHEN x ->> 'timing' ~ '^立即' THEN '明天' ELSE '本周' END, 'source', 'A13');
    END LOOP;
    RETURN (SELECT coalesce(jsonb_agg(d.e ORDER BY d.rank, d.o), '[]')
              FROM (SELECT * FROM (SELECT DISTINCT ON (e ->> 'action') e, o,
                                          CASE e ->> 'priority' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END AS rank
                                     FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o)
                                    ORDER BY e ->> 'action', CASE e ->> 'priority' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END, o) z
                     ORDER BY z.rank, z.o LIMIT max_items) d);
END
$$;

-- ---------------------------------------------------------------------
-- A15 customer report: the seed's AI智能分析报告, five sections.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a15_customer_report(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
                                            a11 jsonb DEFAULT NULL, a12 jsonb DEFAULT NULL,
                                            a13 jsonb DEFAULT NULL, a14 jsonb DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    i11 jsonb := a11;
    i12 jsonb := a12;
    i13 jsonb := a13;
    i14 jsonb := a14;
    l text[] := '{}';
    n integer;
    chans text;
    score integer;
    x jsonb;
    k integer;
    acts jsonb;
    now_items text[];
    week_items text[];
    lvl text;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    i11 := coalesce(i11, commhub.a11_customer_insight(cid, t0, t1));
    i12 := coalesce(i12, commhub.a12_opportunities(cid, t0, t1));
    i14 := coalesce(i14, commhub.a14_risk_alerts(cid, NULL, t1));
    i13 := coalesce(i13, commhub.a13_marketing_advice(cid, t0, t1, i11, i12, i14));
    SELECT count(*)::int INTO n FROM commhub.agent_records(cid, t0, t1);
    SELECT string_agg(commhub.channel_label(x.t) || ' ' || x.n, ' · ' ORDER BY x.n DESC, x.t) INTO chans
      FROM (SELECT c.communication_type AS t, count(*) AS n FROM commhub.agent_records(cid, t0, t1) c GROUP BY 1) x;
    score := (i11 #>> '{relationship_health,score}')::int;

    l := l || ('# 🤖 AI智能分析报告 - ' || cust.name) || ''::text
           || ('> 分析范围: 近' || round(extract(epoch FROM t1 - t0) / 86400) || '天 ('
               || to_char(t0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 至 '
               || to_char(t1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ') | 沟通记录: ' || n || '条'
               || coalesce(' (' || chans || ')', ''))
           || ('> 生成时间: ' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'))
           || ''::text;

    -- 一、客户洞察分析
    l := l || '## 📊 一、客户洞察分析'::text || ''::text
           || format('**关系健康度: %s/100 (%s)** · 趋势 %s · %s', score,
                     CASE WHEN score >= 80 THEN '良好' WHEN score >= 60 THEN '稳定' WHEN score >= 40 THEN '一般' ELSE '较差' END,
                     commhub.trend_arrow(i11 #>> '{relationship_health,trend}'), i11 #>> '{relationship_health,assessment}')
           || ''::text
           || ('- 沟通频率: ' || (i11 #>> '{communication_pattern,frequency}'))
           || ('- 响应速度: ' || (i11 #>> '{communication_pattern,response_speed}'))
           || ('- 偏好: ' || coalesce(i11 #>> '{communication_pattern,preferred_channel}', '-') || ' · '
               || coalesce(i11 #>> '{communication_pattern,preferred_time}', '-'))
           || format('- 满意度: %s/5 · 趋势 %s %s', i11 #>> '{satisfaction,current}',
                     commhub.trend_arrow(i11 #>> '{satisfaction,trend}'),
                     CASE i11 #>> '{satisfaction,trend}' WHEN 'upward' THEN '上升' WHEN 'downward' THEN '下降' ELSE '稳定' END)
           || format('- 忠诚度: %s/100 (%s) · 保留概率 %s%%', i11 #>> '{loyalty,score}',
                     CASE i11 #>> '{loyalty,risk_level}' WHEN 'low' THEN '较高' WHEN 'medium' THEN '一般' ELSE '偏低' END,
                     round(100 * (i11 #>> '{loyalty,retention_probability}')::numeric))
           || ('- 生命周期: ' || (i11 ->> 'lifecycle_stage'))
           || ''::text
           || ('决策模式: ' || (i11 #>> '{decision_making,style}')
               || CASE WHEN jsonb_array_length(i11 #> '{decision_making,key_factors}') > 0
                       THEN ',重视' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{decision_making,key_factors}') e)
                       ELSE '' END
               || ' · 决策周期: ' || (i11 #>> '{decision_making,decision_cycle}'));
    IF jsonb_array_length(i11 -> 'key_contacts') > 0 THEN
        l := l || ''::text || '关键决策人:'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(i11 -> 'key_contacts') e LOOP
            l := l || format('- %s(%s) - 影响力%s%% · 关系%s', x ->> 'name', x ->> 'role',
                             round(100 * (x ->> 'influence')::numeric), x ->> 'relationship');
        END LOOP;
    END IF;
    l := l || ''::text
           || ('需求图谱: 当前 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,current}') e), '-')
               || ' | 未来 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,future}') e), '-')
               || ' | 潜在 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,latent}') e), '-'))
           || ('优势: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{satisfaction,strengths}') e), '-')
               || ' | 痛点: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{satisfaction,pain_points}') e), '-'))
           || ''::text;

    -- 二、商机分析
    l := l || '## 💰 二、商机分析'::text || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'opportunities') e WHERE e ->> 'type' = 'explicit' LOOP
        IF k = 0 THEN l := l || '显性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- **' || (x ->> 'description') || '**')
               || ('  - 预计成交金额: ' || CASE WHEN (x ->> 'estimated_value')::numeric > 0
                                                THEN commhub.money_text((x ->> 'estimated_value')::numeric)
                                                     || CASE WHEN x ->> 'quantity' ~ '月' THEN '/年' ELSE '' END
                                                     || ' (' || (x ->> 'value_basis') || ')'
                                                ELSE '待确认 (' || (x ->> 'value_basis') || ')' END)
               || format('  - 成交概率: %s%% (%s阶段) · 预计成交: %s · 紧急度: %s',
                         round(100 * (x ->> 'probability')::numeric), x ->> 'stage',
                         coalesce(x ->> 'expected_close_date', '-'), commhub.level_label(x ->> 'urgency'));
        IF jsonb_array_length(x -> 'competitors') > 0 THEN
            l := l || ('  - 竞争对手: ' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(x -> 'competitors') e));
        END IF;
        IF jsonb_array_length(x -> 'risk_factors') > 0 THEN
            l := l || ('  - 风险因素: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'risk_factors') e));
        END IF;
        l := l || ('  - 制胜因素: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'winning_factors') e));
    END LOOP;
    IF k = 0 THEN l := l || '显性商机: 暂无 (近期沟通中没有询价、报价或订单信号)'::text; END IF;
    l := l || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'opportunities') e WHERE e ->> 'type' = 'implicit' LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- ' || (x ->> 'description'));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'cross_sell_opportunities') e LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- 交叉销售 ' || (x ->> 'product') || ': ' || (x ->> 'reason')
                   || coalesce(',潜在金额' || commhub.money_text(nullif((x ->> 'potential_value')::numeric, 0)), ''));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'up_sell_opportunities') e LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- 升级销售 ' || (x ->> 'current') || ' → ' || (x ->> 'upgrade') || ': ' || (x ->> 'reason'));
    END LOOP;
    IF k = 0 THEN l := l || '隐性商机: 暂无'::text; END IF;
    l := l || ''::text;

    -- 三、营销建议
    SELECT array_agg(format('%s (%s)', commhub.content_action(e ->> 'type', e ->> 'topic'), e ->> 'channel'))
      INTO now_items FROM jsonb_array_elements(i13 -> 'content_suggestions') e WHERE e ->> 'timing' ~ '^立即';
    SELECT array_agg(format('%s (%s, %s)', commhub.content_action(e ->> 'type', e ->> 'topic'), e ->> 'timing', e ->> 'channel'))
      INTO week_items FROM jsonb_array_elements(i13 -> 'content_suggestions') e WHERE NOT e ->> 'timing' ~ '^立即';
    SELECT coalesce(now_items, '{}') || coalesce(array_agg(a), '{}') INTO now_items
      FROM (SELECT jsonb_array_elements_text(o -> 'recommended_actions') AS a
              FROM (SELECT e AS o FROM jsonb_array_elements(i12 -> 'opportunities') e
                     WHERE e ->> 'type' = 'explicit' AND NOT i13 ->> 'customer_segment' ~ '挽回'
                     ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 1) t
             LIMIT 2) y;
    l := l || '## 🎯 三、营销建议'::text || ''::text
           || format('客户定位: **%s** · 策略: %s · 核心信息: %s', i13 ->> 'customer_segment',
                     i13 #>> '{marketing_strategy,approach}',
                     (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{marketing_strategy,key_messages}') e))
           || ''::text;
    IF cardinality(now_items) > 0 THEN
        l := l || '立即执行:'::text;
        FOR k IN 1 .. least(cardinality(now_items), 4) LOOP
            l := l || (k || '. ' || now_items[k]);
        END LOOP;
        l := l || ''::text;
    END IF;
    IF cardinality(week_items) > 0 THEN
        l := l || '本周计划:'::text;
        FOR k IN 1 .. least(cardinality(week_items), 4) LOOP
            l := l || (k || '. ' || week_items[k]);
        END LOOP;
        l := l || ''::text;
    END IF;
    l := l || ('最佳触达: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,best_contact_days}') e), '-')
               || ' ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,best_contact_hours}') e), '')
               || CASE WHEN jsonb_array_length(i13 #> '{timing_recommendations,avoid_times}') > 0
                       THEN ' · 避开: ' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,avoid_times}') e)
                       ELSE '' END)
           || ('渠道策略: ' || concat_ws(' > ', i13 #>> '{channel_strategy,primary}', i13 #>> '{channel_strategy,secondary}',
                                         i13 #>> '{channel_strategy,tertiary}')
               || ' (' || (i13 #>> '{channel_strategy,reason}') || ')')
           || ''::text;

    -- 四、风险预警
    l := l || '## ⚠️ 四、风险预警'::text || ''::text;
    IF jsonb_array_length(i14 -> 'risk_alerts') = 0 THEN
        l := l || '暂无风险预警 ✅'::text || ''::text;
    ELSE
        FOREACH lvl IN ARRAY ARRAY['high', 'medium', 'low'] LOOP
            k := 0;
            FOR x IN SELECT e FROM jsonb_array_elements(i14 -> 'risk_alerts') e WHERE e ->> 'risk_level' = lvl
                      ORDER BY (e ->> 'risk_score')::int DESC LOOP
                IF k = 0 THEN l := l || (commhub.level_label(lvl) || '风险:'); END IF;
                k := k + 1;
                l := l || format('- **%s** (%s, %s分%s)', x -> 'indicators' ->> 0, commhub.risk_type_label(x ->> 'risk_type'),
                                 x ->> 'risk_score',
                                 CASE WHEN (x ->> 'escalation_required')::boolean THEN ', 需升级' ELSE '' END);
                IF jsonb_array_length(x -> 'indicators') > 1 THEN
                    l := l || ('  - 指标: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'indicators') WITH ORDINALITY AS u(e, o) WHERE o > 1));
                END IF;
                l := l || ('  - 影响: ' || coalesce(x ->> 'expected_impact', '-'))
                       || ('  - 应对: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'recommended_actions') e));
            END LOOP;
            IF k > 0 THEN l := l || ''::text; END IF;
        END LOOP;
    END IF;

    -- 五、行动清单
    acts := commhub.agent_action_list(cid, t1, i12, i13, i14);
    l := l || '## 📋 五、行动清单'::text || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(acts) e LOOP
        k := k + 1;
        l := l || format('- [%s] %s. %s (%s)', x ->> 'priority', k, x ->> 'action', x ->> 'due');
    END LOOP;
    IF k = 0 THEN l := l || '- [中] 1. 保持定期回访 (本周)'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

-- ---------------------------------------------------------------------
-- A15 daily / weekly / monthly reports for a tenant, a salesperson or a customer
-- ---------------------------------------------------------------------
-- What a report target means: NULL = the whole tenant; a customer_id; or a
-- salesperson (customers.owner, a staff id, or handled_by of records).
CREATE FUNCTION commhub.report_scope(target text, until timestamptz DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers;
    ids jsonb;
BEGIN
    IF target IS NULL OR target = '' THEN
        RETURN jsonb_build_object('kind', 'tenant', 'target', NULL, 'label', '全部客户', 'customers', NULL, 'staff', NULL);
    END IF;
    SELECT c.* INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = target;
    IF FOUND THEN
        RETURN jsonb_build_object('kind', 'customer', 'target', target, 'label', cust.name,
                                  'customers', jsonb_build_array(target), 'staff', NULL);
    END IF;
    IF EXISTS (SELECT 1 FROM commhub.customers c WHERE c.tenant_id = commhub.current_tenant() AND c.owner = target)
       OR EXISTS (SELECT 1 FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant() AND s.staff_id = target)
       OR EXISTS (SELECT 1 FROM commhub.customer_communications c
                   WHERE c.tenant_id = commhub.current_tenant() AND c.handled_by = target) THEN
        SELECT coalesce(jsonb_agg(DISTINCT x.customer_id), '[]') INTO ids
          FROM (SELECT c.customer_id FROM commhub.customers c
                 WHERE c.tenant_id = commhub.current_tenant() AND c.owner = target
                UNION
                SELECT c.customer_id FROM commhub.customer_communications c
                 WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id <> 'UNMATCHED'
                   AND target IN (c.handled_by, c.initiated_by, c.assigned_to)
                   AND c.communication_time > coalesce(until, now()) - interval '180 days'
                   AND c.communication_time <= coalesce(until, now())) x;
        RETURN jsonb_build_object('kind', 'staff', 'target', target, 'label', '销售 ' || target,
                                  'customers', ids, 'staff', target);
    END IF;
    RAISE EXCEPTION 'report target "%" is neither a customer_id nor a salesperson', target
        USING ERRCODE = 'P0002',
              HINT = 'Pass NULL for the whole tenant, a customer_id of commhub.customers, or a staff id (customers.owner or handled_by of records).';
END
$$;

-- The scope's timeline entries in (since, until].
CREATE FUNCTION commhub.report_records(scope jsonb, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3   -- [since, until): a midnight record is its own day's
       AND ($1 ->> 'kind' = 'tenant'
            OR c.customer_id IN (SELECT jsonb_array_elements_text($1 -> 'customers'))
            OR ($1 ->> 'staff' IS NOT NULL AND $1 ->> 'staff' IN (c.handled_by, c.initiated_by, c.assigned_to)))
$$;

CREATE FUNCTION commhub.report_customers(scope jsonb) RETURNS SETOF commhub.customers
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT k.* FROM commhub.customers k
     WHERE k.tenant_id = commhub.current_tenant()
       AND ($1 ->> 'kind' = 'tenant' OR k.customer_id IN (SELECT jsonb_array_elements_text($1 -> 'customers')))
$$;

-- +25%, -100%, 0%
CREATE FUNCTION commhub.pct_change(now_ numeric, before numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $2 IS NULL OR $2 = 0 THEN '-'
               ELSE CASE WHEN $1 > $2 THEN '+' ELSE '' END || pg_catalog.round(100.0 * ($1 - $2) / $2)::text || '%' END $$;

-- A Markdown table of counts by channel: this period vs the one before.
CREATE FUNCTION commhub.report_channel_table(scope jsonb, since timestamptz, until timestamptz,
                                             prev_since timestamptz DEFAULT NULL, label_now text DEFAULT '数量',
                                             label_prev text DEFAULT '上期')
    RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
WITH cur AS (
    SELECT c.communication_type AS t, count(*) AS n,
           count(*) FILTER (WHERE c.direction = 'inbound') AS n_in,
           count(*) FILTER (WHERE c.direction = 'outbound') AS n_out,
           count(DISTINCT c.customer_id) FILTER (WHERE c.customer_id <> 'UNMATCHED') AS n_cust
      FROM commhub.report_records($1, $2, $3) c GROUP BY 1),
prev AS (
    SELECT c.communication_type AS t, count(*) AS n
      FROM commhub.report_records($1, $4, $2) c WHERE $4 IS NOT NULL GROUP BY 1),
rows_ AS (
    SELECT coalesce(cur.t, prev.t) AS t, coalesce(cur.n, 0) AS n, coalesce(cur.n_in, 0) AS n_in,
           coalesce(cur.n_out, 0) AS n_out, coalesce(cur.n_cust, 0) AS n_cust, coalesce(prev.n, 0) AS p
      FROM cur FULL JOIN prev ON prev.t = cur.t),
tot AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE c.direction = 'inbound') AS n_in,
           count(*) FILTER (WHERE c.direction = 'outbound') AS n_out,
           count(DISTINCT c.customer_id) FILTER (WHERE c.customer_id <> 'UNMATCHED') AS n_cust,
           (SELECT count(*) FROM commhub.report_records($1, $4, $2) WHERE $4 IS NOT NULL) AS p
      FROM commhub.report_records($1, $2, $3) c)
SELECT ARRAY[CASE WHEN $4 IS NULL THEN '| 渠道 | ' || $5 || ' | 呼入/来信 | 呼出/发出 | 客户数 |'
                  ELSE '| 渠道 | ' || $5 || ' | ' || $6 || ' | 环比 | 呼入/来信 | 呼出/发出 | 客户数 |' END,
             CASE WHEN $4 IS NULL THEN '|---|---:|---:|---:|---:|' ELSE '|---|---:|---:|---:|---:|---:|---:|' END]
       || coalesce((SELECT array_agg(format('| %s %s | %s |%s %s | %s | %s |', commhub.channel_icon(r.t), commhub.channel_label(r.t), r.n,
                                            CASE WHEN $4 IS NULL THEN ''
                                                 ELSE ' ' || r.p || ' | ' || CASE WHEN r.p = 0 THEN '-'
                                                                                 ELSE commhub.pct_change(r.n, r.p) END || ' |' END,
                                            r.n_in, r.n_out, r.n_cust) ORDER BY r.n DESC, r.t)
                      FROM rows_ r), '{}')
       || (SELECT format('| **合计** | **%s** |%s %s | %s | %s |', tot.n,
                         CASE WHEN $4 IS NULL THEN ''
                              ELSE ' ' || tot.p || ' | ' || CASE WHEN tot.p = 0 THEN '-'
                                                                ELSE commhub.pct_change(tot.n, tot.p) END || ' |' END,
                         tot.n_in, tot.n_out, tot.n_cust) FROM tot)
$$;

-- "询价 3 · 投诉 1" and "积极 5 · 中性 2 · 消极 1"
CREATE FUNCTION commhub.report_mix(scope jsonb, since timestamptz, until timestamptz) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT ARRAY[
        '意图分布: ' || coalesce((SELECT string_agg(commhub.intent_label(x.i) || ' ' || x.n, ' · ' ORDER BY x.n DESC, x.i)
                                   FROM (SELECT c.intent_category AS i, count(*) AS n FROM commhub.report_records($1, $2, $3) c
                                          WHERE c.intent_category IS NOT NULL GROUP BY 1) x), '-'),
        '情绪分布: ' || coalesce((SELECT string_agg(commhub.sentiment_label(x.s) || ' ' || x.n, ' · '
                                                    ORDER BY CASE x.s WHEN 'positive' THEN 1 WHEN 'neutral' THEN 2 ELSE 3 END)
                                   FROM (SELECT c.sentiment AS s, count(*) AS n FROM commhub.report_records($1, $2, $3) c
                                          WHERE c.sentiment IS NOT NULL GROUP BY 1) x), '-')]
$$;

CREATE FUNCTION commhub.report_header(title text, scope jsonb, since timestamptz, until timestamptz) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT ARRAY['# ' || $1, '',
                 '> 范围: ' || ($2 ->> 'label') || ' | 统计时段: '
                 || to_char($3 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 至 '
                 || to_char($4 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' (北京时间)',
                 '> 生成时间: ' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '']
$$;

CREATE FUNCTION commhub.report_daily(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    day_ date := ((until - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date;
    is_today boolean := day_ = (now() AT TIME ZONE 'Asia/Shanghai')::date;
    day_end timestamptz := ((day_ + 1)::timestamp AT TIME ZONE 'Asia/Shanghai');
    l text[];
    r record;
    n integer;
    k integer := 0;
    unmatched integer;
    x jsonb;
    risks jsonb := '[]';
BEGIN
    -- A14 now for the customers touched in the window and the vip/high ones
    -- active in 120 days (the risk_5min set), bounded
    FOR r IN
        SELECT k2.customer_id, k2.name
          FROM commhub.report_customers(scope) k2
         WHERE EXISTS (SELECT 1 FROM commhub.report_records(scope, since, until) c WHERE c.customer_id = k2.customer_id)
            OR (k2.priority IN ('vip', 'high')
                AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                             WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                               AND c.canonical_record_id IS NULL
                               AND c.communication_time > until - interval '120 days' AND c.communication_time <= until))
         ORDER BY k2.customer_id LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e
                  WHERE e ->> 'risk_level' = 'high' LOOP
            risks := risks || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    l := commhub.report_header('📅 沟通日报 - ' || to_char(day_, 'YYYY-MM-DD') || ' ('
                               || commhub.weekday_label(extract(isodow FROM day_)::int) || ')', scope, since, until);
    SELECT count(*)::int, count(*) FILTER (WHERE c.customer_id = 'UNMATCHED')::int INTO n, unmatched
      FROM commhub.report_records(scope, since, until) c;
    l := l || CASE WHEN is_today THEN '## 一、今日沟通统计' ELSE '## 一、当日沟通统计' END || ''::text;
    IF n = 0 THEN
        l := l || '暂无沟通记录。'::text || ''::text;
    ELSE
        l := l || ('共 ' || n || ' 条沟通' || CASE WHEN unmatched > 0 THEN ',其中 ' || unmatched || ' 条未识别客户(请补充身份映射)' ELSE '' END || '。')
               || ''::text || commhub.report_channel_table(scope, since, until) || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    l := l || '## 二、重要事项'::text || ''::text;
    FOR r IN
        SELECT c.*, k2.name AS cname
          FROM commhub.report_records(scope, since, until) c
          LEFT JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         WHERE c.urgency_level = 'high' OR c.sentiment = 'negative' OR c.intent_category = 'complaint'
         ORDER BY commhub.level_rank(c.urgency_level) DESC, c.communication_time DESC LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- %s %s %s · %s %s — %s %s',
                         CASE WHEN r.urgency_level = 'high' THEN '🔴' ELSE '🟠' END,
                         to_char(r.communication_time AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
                         coalesce(r.cname, '未识别客户'), commhub.channel_icon(r.communication_type),
                         commhub.channel_label(r.communication_type),
                         left(coalesce(r.summary, r.subject, r.content, ''), 60),
                         array_to_string(commhub.record_tags(r.intent_category, r.sentiment, r.urgency_level,
                             r.attachment_count, r.missed, r.recalled_at, r.media_pending, r.related_records), ' '));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e ORDER BY (e ->> 'risk_score')::int DESC, e ->> 'alert_id' LIMIT 8 LOOP
        k := k + 1;
        l := l || format('- ⚠️ 风险预警 · %s: %s (%s, %s分)', x ->> 'customer_name', x -> 'indicators' ->> 0,
                         commhub.risk_type_label(x ->> 'risk_type'), x ->> 'risk_score');
    END LOOP;
    IF k = 0 THEN l := l || '无紧急、负面或投诉类沟通 ✅'::text; END IF;
    l := l || ''::text;

    l := l || '## 三、待办提醒'::text || ''::text;
    k := 0;
    FOR r IN
        SELECT t.title, t.due_at, t.owner, t.priority, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at < day_end
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 15
    LOOP
        k := k + 1;
        l := l || format('- [%s] %s — %s (截止 %s%s)',
                         CASE WHEN r.due_at < until THEN '逾期' ELSE '今天' END, r.title, r.cname,
                         to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI'),
                         coalesce(', 负责人 ' || r.owner, ''));
    END LOOP;
    IF k = 0 THEN l := l || '无到期待办 ✅'::text; END IF;
    l := l || ''::text;

    l := l || CASE WHEN is_today THEN '## 四、明日计划建议' ELSE '## 四、次日计划建议' END || ''::text;
    k := 0;
    -- inbound records of the day nobody answered yet
    FOR r IN
        SELECT c.customer_id, k2.name AS cname, count(*) AS n, min(c.communication_time) AS first_at,
               string_agg(DISTINCT commhub.intent_label(c.intent_category), '/') AS intents
          FROM commhub.report_records(scope, since, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         WHERE c.direction = 'inbound'
           AND NOT EXISTS (SELECT 1 FROM commhub.customer_communications o
                            WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.direction = 'outbound'
                              AND o.communication_time > c.communication_time AND o.communication_time <= until)
         GROUP BY 1, 2 ORDER BY min(c.communication_time) LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- 回复 %s 的%s (%s条未回复,已等待%s小时)', r.cname, coalesce(r.intents, '消息'), r.n,
                         floor(extract(epoch FROM until - r.first_at) / 3600));
    END LOOP;
    FOR r IN
        SELECT t.title, t.due_at, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at >= day_end AND t.due_at < day_end + interval '1 day'
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- %s — %s (%s)', r.title, r.cname, to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e ORDER BY (e ->> 'risk_score')::int DESC, e ->> 'alert_id' LIMIT 5 LOOP
        k := k + 1;
        l := l || format('- 跟进高风险客户 %s: %s (%s)', x ->> 'customer_name', x -> 'recommended_actions' ->> 0,
                         commhub.risk_type_label(x ->> 'risk_type'));
    END LOOP;
    IF k = 0 THEN l := l || '- 保持日常跟进,关注新的询价与投诉'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

CREATE FUNCTION commhub.report_weekly(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    len interval := until - since;
    prev0 timestamptz := since - (until - since);
    l text[];
    r record;
    n integer;
    p integer;
    k integer;
    resp numeric;
    opps jsonb := '[]';
    risks jsonb := '[]';
    plan jsonb := '[]';
    x jsonb;
    total numeric := 0;
    weighted numeric := 0;
BEGIN
    l := commhub.report_header('📊 沟通周报 - ' || to_char(since AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 至 '
                               || to_char((until - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
                               scope, since, until);
    SELECT count(*)::int INTO n FROM commhub.report_records(scope, since, until);
    SELECT count(*)::int INTO p FROM commhub.report_records(scope, prev0, since);
    SELECT round(avg(extract(epoch FROM o.t - c.communication_time) / 3600.0), 1) INTO resp
      FROM commhub.report_records(scope, since, until) c
      CROSS JOIN LATERAL (SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
                           WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.direction = 'outbound'
                             AND o.communication_time > c.communication_time
                             AND o.communication_time <= c.communication_time + interval '7 days') o
     WHERE c.direction = 'inbound' AND c.customer_id <> 'UNMATCHED' AND o.t IS NOT NULL;

    -- 一、本周沟通概览
    l := l || '## 一、本周沟通概览'::text || ''::text
           || format('本周共 %s 条沟通 (上周 %s 条%s),涉及 %s 个客户;%s。', n, p,
                     CASE WHEN p > 0 THEN ',环比 ' || commhub.pct_change(n, p) ELSE '' END,
                     (SELECT count(DISTINCT c.customer_id) FROM commhub.report_records(scope, since, until) c
                       WHERE c.customer_id <> 'UNMATCHED'),
                     commhub.response_text(resp))
           || ''::text;
    IF n > 0 THEN
        l := l || commhub.report_channel_table(scope, since, until, prev0, '本周', '上周') || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    -- 二、客户活跃度
    l := l || '## 二、客户活跃度'::text || ''::text;
    k := 0;
    FOR r IN
        SELECT k2.customer_id, k2.name, count(*) FILTER (WHERE c.communication_time >= since) AS n_now,
               count(*) FILTER (WHERE c.communication_time < since) AS n_prev, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, prev0, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2
        HAVING count(*) FILTER (WHERE c.communication_time >= since) > 0
         ORDER BY 3 DESC, 1 LIMIT 10
    LOOP
        IF k = 0 THEN
            l := l || '| 客户 | 本周沟通 | 上周 | 健康度 | 趋势 | 最后联系 |'::text || '|---|---:|---:|---:|:---:|---|'::text;
        END IF;
        k := k + 1;
        l := l || (SELECT format('| %s | %s | %s | %s | %s | %s |', r.name, r.n_now, r.n_prev, h.score,
                                 commhub.trend_arrow(h.trend), commhub.relative_time(r.last_at, until))
                     FROM commhub.health(r.customer_id, until) h);
    END LOOP;
    IF k = 0 THEN l := l || '本周没有客户沟通。'::text; END IF;
    SELECT string_agg(format('%s(最后联系%s)', x.name, commhub.relative_time(x.last_at, until)), '、' ORDER BY x.last_at DESC)
      INTO STRICT r
      FROM (SELECT k2.name, max(c.communication_time) AS last_at
              FROM commhub.report_records(scope, since - interval '28 days', until) c
              JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
             GROUP BY 1 HAVING max(c.communication_time) <= since
             ORDER BY 2 DESC LIMIT 10) x;
    l := l || ''::text || ('沉默客户 (前4周有沟通、本周无沟通): ' || coalesce(r.string_agg, '无')) || ''::text;

    -- A12 and A14 for the customers active in 90 days (bounded)
    FOR r IN
        SELECT k2.customer_id, k2.name, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, until - interval '90 days', until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a12_opportunities(r.customer_id, until - interval '90 days', until) -> 'opportunities') e
                  WHERE e ->> 'type' = 'explicit' LOOP
            opps := opps || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e LOOP
            risks := risks || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;

    -- 三、商机进展
    l := l || '## 三、商机进展'::text || ''::text;
    IF jsonb_array_length(opps) = 0 THEN
        l := l || '暂无进行中的显性商机。'::text;
    ELSE
        l := l || '| 客户 | 商机 | 阶段 | 成交概率 | 预计金额 | 预计成交 |'::text || '|---|---|---|---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(opps) e
                  ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 10 LOOP
            l := l || format('| %s | %s | %s | %s%% | %s | %s |', x ->> 'customer_name', x ->> 'description', x ->> 'stage',
                             round(100 * (x ->> 'probability')::numeric),
                             CASE WHEN (x ->> 'estimated_value')::numeric > 0 THEN commhub.money_text((x ->> 'estimated_value')::numeric) ELSE '待确认' END,
                             coalesce(x ->> 'expected_close_date', '-'));
            total := total + (x ->> 'estimated_value')::numeric;
            weighted := weighted + (x ->> 'estimated_value')::numeric * (x ->> 'probability')::numeric;
        END LOOP;
        l := l || ''::text || format('商机合计 %s 个,预计金额 %s,按概率加权 %s。', jsonb_array_length(opps),
                                     commhub.money_text(total), commhub.money_text(round(weighted)));
    END IF;
    l := l || ''::text;

    -- 四、风险预警汇总
    l := l || '## 四、风险预警汇总'::text || ''::text;
    IF jsonb_array_length(risks) = 0 THEN
        l := l || '本周无风险预警 ✅'::text;
    ELSE
        l := l || format('高风险 %s 项 · 中风险 %s 项 · 低风险 %s 项',
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'high'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'medium'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'low'))
               || ''::text || '| 客户 | 风险 | 等级 | 分数 | 主要指标 |'::text || '|---|---|:---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(risks) e
                  ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 15 LOOP
            l := l || format('| %s | %s | %s | %s | %s |', x ->> 'customer_name', commhub.risk_type_label(x ->> 'risk_type'),
                             commhub.level_label(x ->> 'risk_level'), x ->> 'risk_score', x -> 'indicators' ->> 0);
        END LOOP;
    END IF;
    l := l || ''::text;

    -- 五、下周行动计划
    l := l || '## 五、下周行动计划'::text || ''::text;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' IN ('high', 'medium')
              ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'risk_level' WHEN 'high' THEN '紧急' ELSE '高' END,
                                           'a', format('%s: %s (%s)', x ->> 'customer_name', x -> 'recommended_actions' ->> 0,
                                                       commhub.risk_type_label(x ->> 'risk_type')));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(opps) e
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'urgency' WHEN 'high' THEN '高' ELSE '中' END,
                                           'a', format('%s: 推进%s — %s', x ->> 'customer_name', x ->> 'description',
                                                       x -> 'recommended_actions' ->> 0));
    END LOOP;
    FOR r IN
        SELECT t.title, t.due_at, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at < until + interval '7 days'
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 5
    LOOP
        plan := plan || jsonb_build_object('p', CASE WHEN r.due_at < until THEN '高' ELSE '中' END,
                                           'a', format('%s: %s (截止 %s)', r.cname, r.title,
                                                       to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD')));
    END LOOP;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(plan) WITH ORDINALITY AS u(e, o)
              ORDER BY CASE e ->> 'p' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END, o LOOP
        k := k + 1;
        l := l || format('%s. [%s] %s', k, x ->> 'p', x ->> 'a');
    END LOOP;
    IF k = 0 THEN l := l || '1. [中] 保持客户定期回访,关注新询价'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

CREATE FUNCTION commhub.report_monthly(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    prev0 timestamptz := since - (until - since);
    s_local timestamp := since AT TIME ZONE 'Asia/Shanghai';
    u_local timestamp := until AT TIME ZONE 'Asia/Shanghai';
    calendar_month boolean;
    l text[];
    r record;
    n integer;
    p integer;
    k integer;
    s_now numeric;
    s_prev numeric;
    neg_now numeric;
    neg_prev numeric;
    inq integer; quo integer; ord integer;
    opps jsonb := '[]';
    churn jsonb := '[]';
    x jsonb;
    strategies text[] := '{}';
    comp_n integer;
BEGIN
    calendar_month := s_local = date_trunc('month', s_local) AND u_local = s_local + interval '1 month';
    IF calendar_month THEN
        prev0 := (s_local - interval '1 month') AT TIME ZONE 'Asia/Shanghai';
    END IF;
    l := commhub.report_header('📈 沟通月报 - ' || CASE WHEN calendar_month THEN to_char(s_local, 'YYYY"年"FMMM"月"')
                                                        ELSE to_char(s_local, 'YYYY-MM-DD') || ' 至 '
                                                             || to_char(u_local - interval '1 microsecond', 'YYYY-MM-DD') END,
                               scope, since, until);
    -- satisfaction is read from what customers say, not from our replies
    SELECT count(*)::int, avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
           avg((c.sentiment = 'negative')::int) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')
      INTO n, s_now, neg_now FROM commhub.report_records(scope, since, until) c;
    SELECT count(*)::int, avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
           avg((c.sentiment = 'negative')::int) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')
      INTO p, s_prev, neg_prev FROM commhub.report_records(scope, prev0, since) c;

    -- 一、月度沟通分析
    l := l || '## 一、月度沟通分析'::text || ''::text
           || format('本月共 %s 条沟通 (上月 %s 条%s),涉及 %s 个客户。', n, p,
                     CASE WHEN p > 0 THEN ',环比 ' || commhub.pct_change(n, p) ELSE '' END,
                     (SELECT count(DISTINCT c.customer_id) FROM commhub.report_records(scope, since, until) c
                       WHERE c.customer_id <> 'UNMATCHED'))
           || ''::text;
    IF n > 0 THEN
        l := l || commhub.report_channel_table(scope, since, until, prev0, '本月', '上月') || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    -- 二、客户满意度趋势 (by week, satisfaction = 1 + 4 x sentiment)
    l := l || '## 二、客户满意度趋势'::text || ''::text
           || format('本月满意度 %s/5 (上月 %s/5),负面沟通占比 %s%% (上月 %s%%)。',
                     coalesce(commhub.num_text(1 + 4 * s_now, 1), '-'), coalesce(commhub.num_text(1 + 4 * s_prev, 1), '-'),
                     coalesce(round(100 * neg_now)::text, '-'), coalesce(round(100 * neg_prev)::text, '-'))
           || ''::text;
    k := 0;
    FOR r IN
        SELECT floor(extract(epoch FROM c.communication_time - since) / 604800)::int + 1 AS wk,
               min(c.communication_time) AS first_at, count(*) AS n,
               avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS s,
               count(*) FILTER (WHERE c.sentiment = 'negative' AND c.direction IS DISTINCT FROM 'outbound') AS neg,
               count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound') AS complaints
          FROM commhub.report_records(scope, since, until) c GROUP BY 1 ORDER BY 1
    LOOP
        IF k = 0 THEN
            l := l || '| 周 | 沟通数 | 满意度 | 客户负面 | 客户投诉 |'::text || '|---|---:|---:|---:|---:|'::text;
        END IF;
        k := k + 1;
        l := l || format('| 第%s周 (%s起) | %s | %s | %s | %s |', r.wk,
                         to_char((since + (r.wk - 1) * interval '7 days') AT TIME ZONE 'Asia/Shanghai', 'MM-DD'),
                         r.n, coalesce(commhub.num_text(1 + 4 * r.s, 1), '-'), r.neg, r.complaints);
    END LOOP;
    SELECT string_agg(x.t || ' ' || x.n || '次', '、' ORDER BY x.n DESC, x.t) INTO r
      FROM (SELECT t, count(*) AS n FROM commhub.report_records(scope, since, until) c,
                   unnest(commhub.agent_topics(c.content, c.intent_category)) t
             WHERE (c.sentiment = 'negative' OR c.intent_category = 'complaint') AND c.direction IS DISTINCT FROM 'outbound'
             GROUP BY t) x;
    l := l || ''::text || ('主要痛点: ' || coalesce(r.string_agg, '无')) || ''::text;

    -- 三、商机转化分析
    SELECT count(DISTINCT c.customer_id) FILTER (WHERE c.intent_category = 'inquiry'),
           count(DISTINCT c.customer_id) FILTER (WHERE c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价')),
           count(DISTINCT c.customer_id) FILTER (WHERE c.intent_category = 'order')
      INTO inq, quo, ord
      FROM commhub.report_records(scope, since, until) c WHERE c.customer_id <> 'UNMATCHED';
    l := l || '## 三、商机转化分析'::text || ''::text
           || '| 环节 | 客户数 | 转化率 |'::text || '|---|---:|---:|'::text
           || format('| 询价 | %s | - |', inq)
           || format('| 报价 | %s | %s |', quo, CASE WHEN inq > 0 THEN round(100.0 * quo / inq) || '%' ELSE '-' END)
           || format('| 订单确认 | %s | %s |', ord, CASE WHEN quo > 0 THEN round(100.0 * ord / quo) || '%' ELSE '-' END)
           || ''::text;
    FOR r IN
        SELECT k2.customer_id, k2.name, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, since, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a12_opportunities(r.customer_id, until - interval '90 days', until) -> 'opportunities') e
                  WHERE e ->> 'type' = 'explicit' LOOP
            opps := opps || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(opps) e
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 5 LOOP
        IF k = 0 THEN l := l || '重点商机:'::text; END IF;
        k := k + 1;
        l := l || format('- %s: %s,%s,成交概率%s%% (%s)', x ->> 'customer_name', x ->> 'description',
                         CASE WHEN (x ->> 'estimated_value')::numeric > 0 THEN '预计' || commhub.money_text((x ->> 'estimated_value')::numeric) ELSE '金额待确认' END,
                         round(100 * (x ->> 'probability')::numeric), x ->> 'stage');
    END LOOP;
    l := l || ''::text;

    -- 四、营销效果评估: what happened to the A13 suggestions of the period
    SELECT count(*) AS total, count(*) FILTER (WHERE i.status = 'acted') AS acted,
           count(*) FILTER (WHERE i.status = 'dismissed') AS dismissed,
           count(*) FILTER (WHERE i.status IN ('new', 'read')) AS open_
      INTO r
      FROM commhub.communication_insights i
      JOIN commhub.report_customers(scope) k2 ON k2.customer_id = i.customer_id
     WHERE i.tenant_id = commhub.current_tenant() AND i.insight_type = 'suggestion'
       AND i.updated_at > since AND i.created_at <= until;
    l := l || '## 四、营销效果评估'::text || ''::text
           || CASE WHEN r.total = 0 THEN '本月没有营销建议记录。'
                   ELSE format('营销建议 %s 条: 已执行 %s 条 (执行率 %s%%),忽略 %s 条,待处理 %s 条。',
                               r.total, r.acted, round(100.0 * r.acted / r.total), r.dismissed, r.open_) END
           || ''::text;

    -- 五、客户流失分析
    l := l || '## 五、客户流失分析'::text || ''::text;
    FOR r IN
        SELECT k2.customer_id, k2.name
          FROM commhub.report_customers(scope) k2
         WHERE EXISTS (SELECT 1 FROM commhub.customer_communications c
                        WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id AND c.canonical_record_id IS NULL
                          AND c.communication_time > until - interval '120 days' AND c.communication_time <= until)
         ORDER BY k2.customer_id LIMIT 200
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e
                  WHERE e ->> 'risk_type' IN ('churn_risk', 'competitor_threat', 'complaint_escalation', 'quote_silence')
                    AND e ->> 'risk_level' IN ('high', 'medium') LOOP
            churn := churn || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    SELECT string_agg(x.name, '、' ORDER BY x.name) INTO r
      FROM (SELECT DISTINCT k2.name FROM commhub.report_records(scope, prev0, since) c
              JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
             WHERE NOT EXISTS (SELECT 1 FROM commhub.report_records(scope, since, until) d WHERE d.customer_id = c.customer_id)) x;
    l := l || ('上月活跃、本月无沟通的客户: ' || coalesce(r.string_agg, '无'));
    IF jsonb_array_length(churn) = 0 THEN
        l := l || '流失风险客户: 无 ✅'::text;
    ELSE
        l := l || ''::text || '| 客户 | 风险 | 等级 | 主要指标 |'::text || '|---|---|:---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(churn) e
                  ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 15 LOOP
            l := l || format('| %s | %s | %s | %s |', x ->> 'customer_name', commhub.risk_type_label(x ->> 'risk_type'),
                             commhub.level_label(x ->> 'risk_level'), x -> 'indicators' ->> 0);
        END LOOP;
    END IF;
    l := l || ''::text;

    -- 六、下月策略建议
    SELECT count(*)::int INTO comp_n FROM commhub.report_records(scope, since, until) c
     WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0;
    IF jsonb_array_length(churn) > 0 THEN
        strategies := strategies || ('重点挽回: ' || (SELECT string_agg(DISTINCT e ->> 'customer_name', '、')
                                                       FROM jsonb_array_elements(churn) e WHERE e ->> 'risk_level' = 'high')
                                     || ',安排销售总监拜访并制定专项方案');
        strategies := array_remove(strategies, NULL);
    END IF;
    IF comp_n > 0 THEN
        strategies := strategies || ('本月' || comp_n || '次沟通提到竞争对手,准备竞品对比资料与价格应对方案');
    END IF;
    IF neg_now > coalesce(neg_prev, 0) + 0.05 THEN
        strategies := strategies || ('负面沟通占比上升至' || round(100 * neg_now) || '%,加强质量管控与投诉闭环');
    END IF;
    IF jsonb_array_length(opps) > 0 THEN
        strategies := strategies || ('重点推进' || least(jsonb_array_length(opps), 5) || '个显性商机,优先处理高概率、高金额项目');
    END IF;
    IF inq > 0 AND quo < inq THEN
        strategies := strategies || ('询价→报价转化率' || round(100.0 * quo / inq) || '%,对未报价的询价客户24小时内完成报价');
    END IF;
    strategies := strategies || '保持VIP/重点客户每月至少一次拜访或视频会议'::text;
    l := l || '## 六、下月策略建议'::text || ''::text;
    FOR k IN 1 .. cardinality(strategies) LOOP
        l := l || (k || '. ' || strategies[k]);
    END LOOP;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

-- N6: the one entry point for Markdown reports.
CREATE FUNCTION commhub.report(kind text, target text DEFAULT NULL, since timestamptz DEFAULT NULL,
                               until timestamptz DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    k text := lower(trim(kind));
    t1 timestamptz := coalesce(until, now());
    t0 timestamptz;
    scope jsonb;
BEGIN
    IF k IS NULL OR k NOT IN ('daily', 'weekly', 'monthly', 'customer') THEN
        RAISE EXCEPTION 'report kind "%" is not one of daily, weekly, monthly, customer', kind
            USING ERRCODE = '22023',
                  HINT = 'daily = today''s communications, weekly = the last 7 days, monthly = the last 30 days, customer = the AI analysis report of one customer.';
    END IF;
    scope := commhub.report_scope(target, t1);
    IF k = 'customer' THEN
        IF scope ->> 'kind' <> 'customer' THEN
            RAISE EXCEPTION 'report kind "customer" needs a customer_id as target, got %', coalesce(quote_literal(target), 'NULL')
                USING ERRCODE = '22023', HINT = 'Pass a customer_id, e.g. commhub.report(''customer'', ''C001''); use daily/weekly/monthly for a salesperson or the whole tenant.';
        END IF;
        RETURN commhub.a15_customer_report(target, since, until);
    END IF;
    t0 := coalesce(since, CASE k WHEN 'daily' THEN date_trunc('day', t1 AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
                                 WHEN 'weekly' THEN t1 - interval '7 days'
                                 ELSE t1 - interval '30 days' END);
    PERFORM commhub.agent_check_range(t0, t1);
    RETURN CASE k WHEN 'daily' THEN commhub.report_daily(scope, t0, t1)
                  WHEN 'weekly' THEN commhub.report_weekly(scope, t0, t1)
                  ELSE commhub.report_monthly(scope, t0, t1) END;
END
$$;
COMMENT ON FUNCTION commhub.report(text, text, timestamptz, timestamptz) IS
    'A15 Markdown report: kind daily|weekly|monthly|customer; target NULL (tenant), a customer_id or a salesperson';

-- ---------------------------------------------------------------------
-- run_agent (A11-A15) and run_analysis (A16)
-- ---------------------------------------------------------------------
-- A11 -> A12, A14 -> A13 -> A15 for one customer, each stored; returns the pieces.
CREATE FUNCTION commhub.agent_run_customer(customer_id text, since timestamptz, until timestamptz)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    a11 jsonb;
    a12 jsonb;
    a13 jsonb;
    a14 jsonb;
    md text;
    ids jsonb := '{}';
BEGIN
    a11 := commhub.a11_customer_insight(cid, t0, t1);
    ids := ids || jsonb_build_object('A11', commhub.agent_save('A11', cid, t0, t1, a11));
    a12 := commhub.a12_opportunities(cid, t0, t1);
    ids := ids || jsonb_build_object('A12', commhub.agent_save('A12', cid, t0, t1, a12));
    -- A14 keeps its own window: the last 30 days against the 90 before
    a14 := commhub.a14_risk_alerts(cid, NULL, t1);
    a14 := commhub.agent_save_alerts(cid, t1 - interval '30 days', t1, a14);
    PERFORM commhub.enqueue_agent_enrichment('A14', cid, NULL, a14);   -- model job if A14 is routed
    a13 := commhub.a13_marketing_advice(cid, t0, t1, a11, a12, a14);
    ids := ids || jsonb_build_object('A13', commhub.agent_save('A13', cid, t0, t1, a13));
    md := commhub.a15_customer_report(cid, t0, t1, a11, a12, a13, a14);
    ids := ids || jsonb_build_object('A15', commhub.agent_save('A15', cid, t0, t1, jsonb_build_object('report', md)));
    RETURN jsonb_build_object('a11', a11, 'a12', a12, 'a13', a13, 'a14', a14, 'report', md, 'insight_ids', ids);
END
$$;

CREATE FUNCTION commhub.run_agent(agent text, customer_id text, since timestamptz DEFAULT NULL,
                                  until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    a text := upper(trim(agent));
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 timestamptz;
    result jsonb;
BEGIN
    IF a IS NULL OR a NOT IN ('A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RAISE EXCEPTION 'agent "%" is not one of A11, A12, A13, A14, A15', agent
            USING ERRCODE = '22023',
                  HINT = 'A11 客户洞察, A12 商机挖掘, A13 营销建议, A14 风险预警, A15 客户报告; A10 runs on ingest, A16 is commhub.run_analysis(customer_id).';
    END IF;
    IF a = 'A16' THEN
        RETURN commhub.run_analysis(cid, since, until);
    END IF;
    PERFORM commhub.agent_customer(cid);
    t0 := coalesce(since, t1 - CASE WHEN a = 'A14' THEN interval '30 days' ELSE interval '90 days' END);
    PERFORM commhub.agent_check_range(t0, t1);
    CASE a
    WHEN 'A11' THEN
        result := commhub.a11_customer_insight(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A11', cid, t0, t1, result));
    WHEN 'A12' THEN
        result := commhub.a12_opportunities(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A12', cid, t0, t1, result));
    WHEN 'A13' THEN
        result := commhub.a13_marketing_advice(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A13', cid, t0, t1, result));
    WHEN 'A14' THEN
        result := commhub.agent_save_alerts(cid, t0, t1, commhub.a14_risk_alerts(cid, t0, t1));
        PERFORM commhub.enqueue_agent_enrichment('A14', cid, NULL, result);   -- model job if A14 is routed
    ELSE
        result := jsonb_build_object('report', commhub.a15_customer_report(cid, t0, t1));
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A15', cid, t0, t1, result));
    END CASE;
    RETURN result;
END
$$;
COMMENT ON FUNCTION commhub.run_agent(text, text, timestamptz, timestamptz) IS
    'Run a built-in customer agent (A11 insight, A12 opportunities, A13 marketing advice, A14 risk alerts, A15 report) and store it in communication_insights';

-- N7: A16 -- A10 catch-up, then A11 -> A12, A14 -> A13 -> A15, and the
-- combined result with an action plan.
CREATE FUNCTION commhub.run_analysis(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    r record;
    reparsed integer := 0;
    failed integer := 0;
    parts jsonb;
    acts jsonb;
    immediate jsonb;
    short_term jsonb;
    long_term jsonb := '[]';
    x jsonb;
    result jsonb;
    channels jsonb;
    total integer;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    -- A10 catch-up: records the analyzer has not seen (bounded per call);
    -- re-parsed from their payload, or reanalysed from what they store
    IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
        FOR r IN SELECT c.record_id, c.content_original IS NOT NULL AS has_payload
                   FROM commhub.customer_communications c
                  WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.analysis IS NULL
                    AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                    AND c.communication_time >= t0 AND c.communication_time < t1
                  ORDER BY c.communication_time LIMIT 500 LOOP
            BEGIN
                IF r.has_payload THEN
                    EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                ELSE
                    EXECUTE 'SELECT commhub.reanalyze($1)' USING r.record_id;
                END IF;
                reparsed := reparsed + 1;
            EXCEPTION WHEN OTHERS THEN
                failed := failed + 1;
                RAISE WARNING 'A10 catch-up of record % failed: %', r.record_id, SQLERRM;
                PERFORM commhub.mark_analysis_failed(r.record_id, SQLSTATE, SQLERRM);
            END;
        END LOOP;
    END IF;

    parts := commhub.agent_run_customer(cid, t0, t1);
    acts := commhub.agent_action_list(cid, t1, parts -> 'a12', parts -> 'a13', parts -> 'a14', 20);
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO immediate
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' IN ('紧急', '高');
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO short_term
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' NOT IN ('紧急', '高');
    -- long term: campaigns, cross/up-sell, latent needs, business reviews
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a13' -> 'campaign_ideas') e LIMIT 3 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '开展「' || (x ->> 'name') || '」: ' || (x ->> 'offer'),
                                                     'due', '本季度', 'source', 'A13');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'cross_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推广' || (x ->> 'product') || ' (' || (x ->> 'approach') || ')',
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'up_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推荐' || (x ->> 'current') || '升级为' || (x ->> 'upgrade'),
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT to_jsonb(e) FROM jsonb_array_elements_text(parts -> 'a11' -> 'needs_map' -> 'latent') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '探索潜在需求: ' || (x #>> '{}'),
                                                     'due', '长期', 'source', 'A11');
    END LOOP;
    IF (parts -> 'a13' -> 'care_strategy' ->> 'quarterly_business_review')::boolean THEN
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '每季度业务回顾(QBR)', 'due', '每季度', 'source', 'A13');
    END IF;

    SELECT coalesce(sum(x.n), 0)::int, coalesce(jsonb_object_agg(x.t, x.n), '{}') INTO total, channels
      FROM (SELECT c.communication_type AS t, count(*)::int AS n FROM commhub.agent_records(cid, t0, t1) c GROUP BY 1) x;

    result := jsonb_build_object(
        'analysis_summary', jsonb_build_object(
            'total_records', total, 'channels', channels,
            'analysis_date', to_char(t1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
            'customer_id', cid, 'customer_name', cust.name, 'since', t0, 'until', t1,
            'a10_reanalyzed', reparsed, 'a10_failed', failed),
        'customer_insights', parts -> 'a11',
        'opportunities', parts -> 'a12',
        'marketing_suggestions', parts -> 'a13',
        'risk_alerts', parts -> 'a14',
        'reports', jsonb_build_object('customer_report', parts ->> 'report'),
        'action_plan', jsonb_build_object('immediate', immediate, 'short_term', short_term, 'long_term', long_term));
    result := result || jsonb_build_object('insight_id', commhub.agent_save('A16', cid, t0, t1, result),
                                           'insight_ids', parts -> 'insight_ids');
    RETURN result;
END
$$;
COMMENT ON FUNCTION commhub.run_analysis(text, timestamptz, timestamptz) IS
    'A16: A10 catch-up, then A11-A15 for one customer (A14 always compares the last 30 days with the 90 before); returns and stores the combined analysis with an action plan';

-- Insight handling: new -> read -> acted | dismissed.
CREATE FUNCTION commhub.set_insight_status(insight_id text, status text, result text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF status IS NULL OR status NOT IN ('new', 'read', 'acted', 'dismissed') THEN
        RAISE EXCEPTION 'status "%" is not one of new, read, acted, dismissed', status
            USING ERRCODE = '22023', HINT = 'read = seen, acted = followed up (say how in result), dismissed = not relevant.';
    END IF;
    UPDATE commhub.communication_insights i
       SET status = set_insight_status.status, handled_by = current_user, handled_at = now(),
           handle_result = coalesce(set_insight_status.result, i.handle_result), updated_at = now()
     WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = set_insight_status.insight_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insight_id "%" does not exist', insight_id
            USING ERRCODE = 'P0002', HINT = 'Take the id from commhub.communication_insights or from run_agent''s answer (insight_id).';
    END IF;
END
$$;

GRANT EXECUTE ON FUNCTION
    commhub.content_action(text, text),
    commhub.agent_action_list(text, timestamptz, jsonb, jsonb, jsonb, integer),
    commhub.a15_customer_report(text, timestamptz, timestamptz, jsonb, jsonb, jsonb, jsonb),
    commhub.report_scope(text, timestamptz),
    commhub.pct_change(numeric, numeric),
    commhub.report_records(jsonb, timestamptz, timestamptz),
    commhub.report_customers(jsonb),
    commhub.report_channel_table(jsonb, timestamptz, timestamptz, timestamptz, text, text),
    commhub.report_mix(jsonb, timestamptz, timestamptz),
    commhub.report_header(text, jsonb, timestamptz, timestamptz),
    commhub.report_daily(jsonb, timestamptz, timestamptz),
    commhub.report_weekly(jsonb, timestamptz, timestamptz),
    commhub.report_monthly(jsonb, timestamptz, timestamptz),
    commhub.report(text, text, timestamptz, timestamptz)
  TO commhub_reader;
GRANT EXECUTE ON FUNCTION
    commhub.save_insight(text, text, text, text, jsonb, jsonb, integer, timestamptz, timestamptz, numeric, integer, text, text),
    commhub.agent_save(text, text, timestamptz, timestamptz, jsonb),
    commhub.agent_save_alerts(text, timestamptz, timestamptz, jsonb),
    commhub.agent_run_customer(text, timestamptz, timestamptz),
    commhub.run_agent(text, text, timestamptz, timestamptz),
    commhub.run_analysis(text, timestamptz, timestamptz),
    commhub.set_insight_status(text, text, text)
  TO commhub_writer;
-- commhub install script, part 50: the seed's SCHEDULE_CONFIG on pg_cron (SPEC P1).
--
-- commhub.run_scheduled(kind) is the single entry point every job calls; it
-- runs cheap, bounded work per customer, each customer in its own
-- subtransaction so one failure does not stop the rest:
--   daily          09:00  A10 catch-up, daily report (yesterday) per tenant and per owner
--   weekly   Mon   09:00  A11-A15 for every customer active in 90 days, weekly report
--   monthly  1st   09:00  A11-A16 for every customer active in 90 days, monthly report
--   risk_5min every 5 min A14 for vip/high customers (notifies new high alerts)
--   refresh_views  15 min commhub.refresh_views() when it exists: one job
--                         for every tenant (the views hold all tenants' rows)
-- The seed's times are Asia/Shanghai; pg_cron 1.4 runs in UTC (GMT) unless
-- cron.timezone (1.5+) says otherwise, so 09:00 becomes 01:00.
-- Model refinement of A11-A16 belongs to the agent runtime (agent_jobs);
-- the built-in results stored here are what it refines.

CREATE FUNCTION commhub.run_scheduled(kind text) RETURNS integer
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    k text := lower(trim(kind));
    today0 timestamptz := date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
    p0 timestamptz;
    p1 timestamptz;
    n integer := 0;
    r record;
    md text;
    rep_kind text;
    period text;
BEGIN
    IF k IS NULL OR k NOT IN ('daily', 'weekly', 'monthly', 'risk_5min', 'refresh_views') THEN
        RAISE EXCEPTION 'scheduled kind "%" is not one of daily, weekly, monthly, risk_5min, refresh_views', kind
            USING ERRCODE = '22023', HINT = 'commhub.install_schedules() registers one pg_cron job per kind.';
    END IF;

    IF k = 'refresh_views' THEN
        IF to_regprocedure('commhub.refresh_views()') IS NOT NULL THEN
            EXECUTE 'SELECT commhub.refresh_views()';
            n := 1;
        END IF;
        RETURN n;
    END IF;

    IF k = 'risk_5min' THEN
        FOR r IN
            SELECT k2.customer_id FROM commhub.customers k2
             WHERE k2.tenant_id = commhub.current_tenant() AND k2.priority IN ('vip', 'high')
               AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                            WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                              AND c.communication_time > now() - interval '120 days')
             ORDER BY k2.customer_id
        LOOP
            BEGIN
                PERFORM commhub.agent_save_alerts(r.customer_id, now() - interval '30 days', now(),
                                                  commhub.a14_risk_alerts(r.customer_id, NULL, now()));
                n := n + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'commhub risk_5min: customer %: % (%)', r.customer_id, SQLERRM, SQLSTATE;
            END;
        END LOOP;
        RETURN n;
    END IF;

    IF k = 'daily' THEN
        -- A10 catch-up: records the analyzer has not seen (newest first, bounded)
        IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
            -- a record that keeps its payload is re-parsed, one without
            -- (loaded into the table directly) is reanalysed from what it
            -- stores; one that fails is marked (sync_status
            -- 'analysis_failed', the reason in sync_error) and not tried
            -- again, so failures never crowd out the rest; reparse() or
            -- reanalyze() of the record retries it by hand
            FOR r IN SELECT c.record_id, c.content_original IS NOT NULL AS has_payload
                       FROM commhub.customer_communications c
                      WHERE c.tenant_id = commhub.current_tenant() AND c.analysis IS NULL
                        AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                      ORDER BY c.communication_time DESC LIMIT 1000 LOOP
                BEGIN
                    IF r.has_payload THEN
                        EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                    ELSE
                        EXECUTE 'SELECT commhub.reanalyze($1)' USING r.record_id;
                    END IF;
                    n := n + 1;
                EXCEPTION WHEN OTHERS THEN
                    RAISE WARNING 'commhub daily: A10 catch-up of record %: % (%)', r.record_id, SQLERRM, SQLSTATE;
                    PERFORM commhub.mark_analysis_failed(r.record_id, SQLSTATE, SQLERRM);
                END;
            END LOOP;
        END IF;
        p0 := today0 - interval '1 day';
        p1 := today0;
        period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');
    ELSE
        -- A11-A15 (weekly) or A11-A16 (monthly) for each active customer
        FOR r IN
            SELECT k2.customer_id FROM commhub.customers k2
             WHERE k2.tenant_id = commhub.current_tenant()
               AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                            WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                              AND c.canonical_record_id IS NULL
                              AND c.communication_time > now() - interval '90 days')
             ORDER BY k2.customer_id
        LOOP
            BEGIN
                IF k = 'weekly' THEN
                    PERFORM commhub.agent_run_customer(r.customer_id, now() - interval '90 days', now());
                ELSE
                    PERFORM commhub.run_analysis(r.customer_id, now() - interval '90 days', now());
                END IF;
                n := n + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'commhub %: customer %: % (%)', k, r.customer_id, SQLERRM, SQLSTATE;
            END;
        END LOOP;
        IF k = 'weekly' THEN     -- the last full week, Monday to Monday
            p1 := date_trunc('week', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
            p0 := p1 - interval '7 days';
            period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'IYYY-"W"IW');
        ELSE                     -- the last calendar month
            p1 := date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai';
            p0 := (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 month') AT TIME ZONE 'Asia/Shanghai';
            period := to_char(p0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM');
        END IF;
    END IF;

    -- the period's report for the tenant and for each salesperson who owns customers
    rep_kind := k;
    FOR r IN SELECT NULL::text AS target
             UNION ALL
             SELECT DISTINCT k2.owner FROM commhub.customers k2
              WHERE k2.tenant_id = commhub.current_tenant() AND k2.owner IS NOT NULL
    LOOP
        BEGIN
            md := commhub.report(rep_kind, r.target, p0, p1);
            PERFORM commhub.save_insight(coalesce('staff:' || r.target, '*'), 'summary',
                                         CASE rep_kind WHEN 'daily' THEN '沟通日报' WHEN 'weekly' THEN '沟通周报' ELSE '沟通月报' END
                                         || ' ' || period || CASE WHEN r.target IS NULL THEN ' - 全部客户' ELSE ' - 销售 ' || r.target END,
                                         md, jsonb_build_object('report', md, 'kind', rep_kind, 'target', r.target, 'period', period),
                                         '[]', NULL, p0, p1, 0.8, 4, 'builtin:A15',
                                         'A15:' || rep_kind || ':' || coalesce(r.target, '*') || ':' || period);
            n := n + 1;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'commhub %: report for %: % (%)', k, coalesce(r.target, 'tenant'), SQLERRM, SQLSTATE;
        END;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION commhub.run_scheduled(text) IS
    'What the pg_cron jobs run: daily | weekly | monthly | risk_5min | refresh_views; returns the number of units done';

-- The jobs of the current tenant: name, cron schedule (in pg_cron's zone),
-- local time, command.  T001 keeps the plain names.
CREATE FUNCTION commhub.schedule_plan()
    RETURNS TABLE (jobname text, schedule text, local_time text, command text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    t text := commhub.current_tenant();
    sfx text := CASE WHEN commhub.current_tenant() = 'T001' THEN '' ELSE '_' || lower(commhub.current_tenant()) END;
    tz text := coalesce(nullif(current_setting('cron.timezone', true), ''), 'GMT');
    local_cron boolean := tz IN ('Asia/Shanghai', 'PRC', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi');
    h text := CASE WHEN local_cron THEN '9' ELSE '1' END;
BEGIN
    RETURN QUERY
    -- refresh_views() refreshes every tenant's rows: one job, shared
    SELECT CASE WHEN x.kind = 'refresh_views' THEN 'commhub_refresh_views' ELSE 'commhub_' || x.kind || sfx END,
           x.sched, x.local_time,
           CASE WHEN t = 'T001' OR x.kind = 'refresh_views' THEN '' ELSE format('SET commhub.tenant = %L; ', t) END
           || format('SELECT commhub.run_scheduled(%L)', x.kind)
      FROM (VALUES ('daily', '0 ' || h || ' * * *', '每天 09:00 Asia/Shanghai', 1),
                   ('weekly', '0 ' || h || ' * * 1', '每周一 09:00 Asia/Shanghai', 2),
                   ('monthly', '0 ' || h || ' 1 * *', '每月1日 09:00 Asia/Shanghai', 3),
                   ('risk_5min', '*/5 * * * *', '每5分钟', 4),
                   ('refresh_views', '*/15 * * * *', '每15分钟', 5)) AS x(kind, sched, local_time, ord)
     WHERE x.kind <> 'refresh_views' OR to_regprocedure('commhub.refresh_views()') IS NOT NULL
     ORDER BY x.ord;
END
$$;

CREATE FUNCTION commhub.require_pg_cron() RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    db text := nullif(current_setting('cron.database_name', true), '');
BEGIN
    IF to_regnamespace('cron') IS NOT NULL AND to_regprocedure('cron.schedule(text, text, text)') IS NOT NULL THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
        USING ERRCODE = '55000',
              HINT = CASE
                  WHEN db IS NULL THEN
                      'Add pg_cron to shared_preload_libraries and set cron.database_name = ''' || current_database()
                      || ''' in postgresql.conf, restart, then run CREATE EXTENSION pg_cron in that database.'
                  WHEN db <> current_database() THEN
                      'pg_cron lives in database "' || db || '" (cron.database_name): either set cron.database_name = '''
                      || current_database() || ''' and run CREATE EXTENSION pg_cron here, or, in "' || db
                      || '", schedule the commands of commhub.schedule_plan() with cron.schedule_in_database(jobname, schedule, command, '''
                      || current_database() || ''').'
                  ELSE 'Run CREATE EXTENSION pg_cron in this database (cron.database_name = ''' || db || ''').' END;
END
$$;

CREATE FUNCTION commhub.install_schedules() RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    j record;
    stale record;
BEGIN
    PERFORM commhub.require_pg_cron();
    -- cron.schedule(name, ...) replaces a job of the same name and user, so
    -- installing twice leaves one job each
    FOR j IN SELECT * FROM commhub.schedule_plan() LOOP
        EXECUTE 'SELECT cron.schedule($1, $2, $3)' USING j.jobname, j.schedule, j.command;
        RETURN NEXT format('%s: %s (%s) -> %s', j.jobname, j.schedule, j.local_time, j.command);
    END LOOP;
    -- this tenant's own view-refresh job from 0.4.0 (the shared one
    -- replaces it), and the shared one if its function has gone
    FOR stale IN EXECUTE 'SELECT jobid, jobname FROM cron.job WHERE jobname = ANY ($1)'
                 USING ARRAY['commhub_refresh_views_' || lower(commhub.current_tenant())]
                       || CASE WHEN to_regprocedure('commhub.refresh_views()') IS NULL
                               THEN ARRAY['commhub_refresh_views'] ELSE ARRAY[]::text[] END LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING stale.jobid;
    END LOOP;
END
$$;
COMMENT ON FUNCTION commhub.install_schedules() IS
    'P1: register (or replace) the pg_cron jobs commhub_daily, commhub_weekly, commhub_monthly, commhub_risk_5min, commhub_refresh_views';

CREATE FUNCTION commhub.uninstall_schedules() RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    sfx text := CASE WHEN commhub.current_tenant() = 'T001' THEN '' ELSE '_' || lower(commhub.current_tenant()) END;
    j record;
BEGIN
    PERFORM commhub.require_pg_cron();
    FOR j IN EXECUTE 'SELECT jobid, jobname FROM cron.job WHERE jobname = ANY ($1) ORDER BY jobid'
             USING ARRAY(SELECT n || sfx FROM unnest(ARRAY['commhub_daily', 'commhub_weekly', 'commhub_monthly',
                                                           'commhub_risk_5min']) AS u(n))
                   || ARRAY['commhub_refresh_views_' || lower(commhub.current_tenant())] LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING j.jobid;
        RETURN NEXT j.jobname::text;
    END LOOP;
    -- the shared view refresh goes with the last tenant's jobs
    FOR j IN EXECUTE $q$SELECT jobid, jobname FROM cron.job WHERE jobname = 'commhub_refresh_views'
                         AND NOT EXISTS (SELECT 1 FROM cron.job o
                                          WHERE o.jobname ~ '^commhub_(daily|weekly|monthly|risk_5min)(_|$)')$q$ LOOP
        EXECUTE 'SELECT cron.unschedule($1)' USING j.jobid;
        RETURN NEXT j.jobname::text;
    END LOOP;
END
$$;
COMMENT ON FUNCTION commhub.uninstall_schedules() IS 'P1: remove the jobs install_schedules() registered (and only those)';

CREATE FUNCTION commhub.list_schedules()
    RETURNS TABLE (jobname text, schedule text, local_time text, command text, active boolean,
                   last_run timestamptz, last_status text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RAISE NOTICE 'pg_cron is not installed in database "%": no schedules', current_database()
            USING HINT = 'See commhub.install_schedules().';
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$
        SELECT j.jobname::text, j.schedule::text, p.local_time, j.command::text, j.active,
               d.start_time, d.status::text
          FROM cron.job j
          LEFT JOIN commhub.schedule_plan() p ON p.jobname = j.jobname
          LEFT JOIN LATERAL (SELECT x.start_time, x.status FROM cron.job_run_details x
                              WHERE x.jobid = j.jobid ORDER BY x.start_time DESC NULLS LAST LIMIT 1) d ON true
         WHERE j.jobname LIKE 'commhub\_%'
         ORDER BY j.jobid $q$;
END
$$;
COMMENT ON FUNCTION commhub.list_schedules() IS 'P1: the commhub pg_cron jobs with their last run';

GRANT EXECUTE ON FUNCTION commhub.run_scheduled(text), commhub.schedule_plan(), commhub.require_pg_cron(),
                          commhub.install_schedules(), commhub.uninstall_schedules(), commhub.list_schedules()
   TO commhub_admin;
-- commhub install script, part 60: mailbox sync over IMAP (E1).
-- A background worker (commhub mail sync, when preloaded) or
-- commhub.sync_mailbox() fetches new messages of each configured folder
-- and ingests them as raw mail; the place in each folder is remembered as
-- UIDVALIDITY + last UID.  The password column is readable by admins only.

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
-- commhub install script, part 90 (runs last): row-level security, privileges,
-- pg_dump registration.  R4/S4.

-- Every table with a tenant_id gets the same policy: a role sees and writes
-- only rows of commhub.current_tenant().  The sub-select makes the tenant an
-- InitPlan evaluated once per query, not once per row.
DO $rls$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
         WHERE n.nspname = 'commhub' AND c.relkind = 'r' AND c.relname <> 'tenant_grants'
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %s
                         USING (tenant_id = (SELECT commhub.current_tenant()))
                         WITH CHECK (tenant_id = (SELECT commhub.current_tenant()))$p$, t);
        PERFORM pg_catalog.pg_extension_config_dump(t, '');
    END LOOP;
END
$rls$;

GRANT USAGE ON SCHEMA commhub TO commhub_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA commhub FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA commhub FROM PUBLIC;
GRANT EXECUTE ON FUNCTION commhub.current_tenant() TO commhub_reader;
GRANT SELECT ON commhub.tenant_grants TO commhub_reader;
-- tenant_grants under row security too: a role sees the grants of the roles
-- it belongs to, not every tenant's ids and role names; admins see and
-- change all.  current_tenant() reads the table in C, past row security.
ALTER TABLE commhub.tenant_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_grants ON commhub.tenant_grants FOR SELECT
    USING (role_name IN (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE pg_catalog.pg_has_role(r.oid, 'MEMBER')));
CREATE POLICY admin_grants ON commhub.tenant_grants
    USING (pg_catalog.pg_has_role('commhub_admin', 'MEMBER'))
    WITH CHECK (pg_catalog.pg_has_role('commhub_admin', 'MEMBER'));
GRANT EXECUTE ON FUNCTION commhub.analyze_text(text, text, text, timestamptz),
                          commhub.normalize_identity(text, text),
                          commhub.thread(text)
   TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.ingest(text, jsonb), commhub.ingest_batch(text, jsonb),
                          commhub.ingest_email_raw(bytea, text), commhub.reparse(text),
                          commhub.reanalyze(text),
                          commhub.mark_analysis_failed(text, text, text),
                          commhub.set_media_text(text, text, text),
                          commhub.add_customer(text, text, text, text),
                          commhub.add_identity(text, text, text, text)
   TO commhub_writer;
GRANT EXECUTE ON FUNCTION commhub.add_staff(text, text, text), commhub.grant_tenant(text, name)
   TO commhub_admin;

-- Readers: everything a timeline, a report or a BI tool reads.
GRANT SELECT ON commhub.customers, commhub.contacts, commhub.customer_identities,
                commhub.staff_identities, commhub.customer_communications,
                commhub.communication_attachments, commhub.communication_insights,
                commhub.communication_tasks, commhub.products, commhub.product_relations,
                commhub.competitors
   TO commhub_reader;
-- Writers: ingest, identities, task and insight handling.
GRANT INSERT, UPDATE ON commhub.customers, commhub.contacts, commhub.customer_identities,
                commhub.customer_communications, commhub.communication_attachments,
                commhub.communication_insights, commhub.communication_tasks
   TO commhub_writer;
GRANT SELECT, INSERT ON commhub.ingest_errors TO commhub_writer;
-- Ingest itself needs these: a changed re-delivery, reparse() and
-- set_media_text() replace the record's attachment rows; a WeCom recall that
-- arrives before its message is parked in pending_recalls, and every WeCom
-- ingest takes back the recalls parked for its messages.  Row security keeps
-- both to the writer's tenant.
GRANT DELETE ON commhub.communication_attachments TO commhub_writer;
GRANT SELECT, INSERT, DELETE ON commhub.pending_recalls TO commhub_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA commhub TO commhub_writer;
GRANT SELECT ON commhub.bi_daily_activity, commhub.bi_response_times, commhub.bi_followup_backlog,
                commhub.bi_customer_health, commhub.bi_intent_sentiment_weekly TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.timeline(text, timestamptz, timestamptz, text[], text[], integer, text, text[], text[], text),
                          commhub.timeline_text(text, timestamptz, timestamptz),
                          commhub.customer_overview(text), commhub.health(text, timestamptz),
                          commhub.health_for(text, text, timestamptz),
                          commhub.display_width(text), commhub.fit_width(text, integer),
                          commhub.search_terms(text), commhub.search(text, text, integer)
   TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.channel_label(text), commhub.channel_icon(text), commhub.intent_label(text),
                          commhub.sentiment_label(text), commhub.urgency_label(text), commhub.duration_text(integer),
                          commhub.relative_time(timestamptz, timestamptz), commhub.day_label(timestamptz, timestamptz),
                          commhub.record_tags(text, text, text, integer, boolean, timestamptz, text, jsonb), commhub.trend_arrow(text)
   TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.refresh_views() TO commhub_admin;
-- Agent runtime: the key column is readable by admins only.
GRANT SELECT (tenant_id, name, base_url, model, connect_timeout_ms, timeout_ms, max_inflight, requests_per_minute,
              max_attempts, temperature, max_response_bytes, options, created_at, updated_at)
   ON commhub.agent_endpoints TO commhub_reader;
GRANT SELECT ON commhub.agent_routes, commhub.agent_prompts, commhub.agent_jobs, commhub.queue_status,
                commhub.endpoint_status TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.worker_status() TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.enqueue_after_ingest(text[], text[]), commhub.wake_workers_at_commit(),
                          commhub.enqueue_agent_enrichment(text, text, text, jsonb),
                          commhub.urgent_markdown(commhub.customer_communications),
                          commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text)
   TO commhub_writer;
GRANT EXECUTE ON FUNCTION commhub.set_endpoint(text, text, text, text, jsonb), commhub.use_endpoint(text, text),
                          commhub.set_webhook(text, text, boolean), commhub.prune_jobs(interval),
                          commhub.agent_prompt_vars(bigint), commhub.apply_agent_result(bigint, jsonb),
                          commhub.claim_agent_jobs(integer, boolean), commhub.next_job_due_ms(),
                          commhub.endpoint_throttled(bigint, double precision, text)
   TO commhub_admin;
GRANT EXECUTE ON FUNCTION commhub.ingest_progress_rows() TO commhub_reader;
GRANT SELECT ON commhub.ingest_progress TO commhub_reader;
-- Mailbox sync (E1): the password column is readable by admins only.
GRANT SELECT (tenant_id, mailbox_id, imap_url, username, folders, sync_interval, max_message_bytes, tls_verify,
              ca_file, enabled, last_sync_at, last_status, last_error, created_at, updated_at)
   ON commhub.mailboxes TO commhub_reader;
GRANT SELECT ON commhub.mailbox_folders, commhub.mailbox_sync_state TO commhub_reader;
GRANT EXECUTE ON FUNCTION commhub.add_mailbox(text, text, text, text, text[], interval, boolean, text),
                          commhub.sync_mailbox(text, integer)
   TO commhub_admin;
-- Admins: configuration, staff, catalogue, tenants, deletes.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA commhub TO commhub_admin;
