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
-- A thread's root (the first entry of References): messages that share it
-- are one conversation even when the root itself was never stored (JWZ's
-- ghost root, a ticket system's opening mail).
CREATE INDEX idx_comm_reference_root ON commhub.customer_communications
    (tenant_id, (email_references[1]))
    WHERE cardinality(email_references) > 0;
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
