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
