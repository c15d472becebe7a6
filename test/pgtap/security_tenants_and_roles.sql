-- Tenants are isolated by row-level security (S4, R4) and the three roles
-- have the least privileges that work.
BEGIN;
SELECT plan(45);

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_reader_t002') THEN CREATE ROLE tap_reader_t002; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_writer_t001') THEN CREATE ROLE tap_writer_t001; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_stranger') THEN CREATE ROLE tap_stranger; END IF;
END $$;
GRANT commhub_reader TO tap_reader_t002;
GRANT commhub_writer TO tap_writer_t001;
SELECT commhub.grant_tenant('T002', 'tap_reader_t002');
SELECT commhub.grant_tenant('T001', 'tap_writer_t001');

-- Data in two tenants, written as the superuser.
SET LOCAL commhub.tenant = 'T001';
SELECT commhub.add_customer('TAP-C1', '宁波奥克斯空调有限公司', 'high');
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, communication_time, content)
VALUES ('TAP-R1', 'T001', 'TAP-C1', 'phone', now(), '张经理询价PCR-ABS');
SET LOCAL commhub.tenant = 'T002';
SELECT commhub.add_customer('TAP-C2', '另一家公司');
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, communication_time, content)
VALUES ('TAP-R2', 'T002', 'TAP-C2', 'email', now(), 'T002 的邮件');

SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'commhub.customer_communications'::regclass), 'RLS enabled on customer_communications');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
           WHERE n.nspname = 'commhub' AND c.relkind = 'r' AND c.relname <> 'tenant_grants' AND NOT c.relrowsecurity), 0,
          'every table with tenant_id has RLS enabled');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'commhub' AND c.relkind = 'r'
             AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
             AND c.relname <> 'tenant_grants'), 0, 'every table carries tenant_id');

-- A reader of T002 sees none of T001.
SET LOCAL ROLE tap_reader_t002;
SET LOCAL commhub.tenant = 'T002';
SELECT is((SELECT count(*)::int FROM commhub.customer_communications WHERE record_id = 'TAP-R1'), 0, 'T002 reader does not see T001 records');
SELECT is((SELECT count(*)::int FROM commhub.customer_communications WHERE record_id = 'TAP-R2'), 1, 'T002 reader sees its own records');
SELECT is((SELECT count(*)::int FROM commhub.customers WHERE customer_id = 'TAP-C1'), 0, 'T002 reader does not see T001 customers');
SET LOCAL commhub.tenant = 'T001';
SELECT throws_ok('SELECT count(*) FROM commhub.customer_communications', '42501', NULL,
                 'switching the setting to a tenant not granted is refused');
SET LOCAL commhub.tenant = 'T002';
SELECT throws_ok($$INSERT INTO commhub.customers (customer_id, name) VALUES ('X', 'x')$$, '42501', NULL, 'readers cannot insert');
SELECT throws_ok($$SELECT commhub.ingest('phone', '{}')$$, '42501', NULL, 'readers cannot ingest');
SELECT lives_ok($$SELECT commhub.analyze_text('询价PCR-ABS')$$, 'readers can analyze text');
RESET ROLE;

-- A writer of T001 writes only T001.
SET LOCAL ROLE tap_writer_t001;
SET LOCAL commhub.tenant = 'T001';
SELECT lives_ok($$SELECT commhub.add_customer('TAP-C3', '温州客户')$$, 'writer adds a customer in its tenant');
SELECT throws_ok($$INSERT INTO commhub.customers (tenant_id, customer_id, name) VALUES ('T002', 'TAP-X', 'x')$$,
                 '42501', NULL, 'writer cannot write rows of another tenant');
SELECT throws_ok($$SELECT commhub.add_staff('S1', 'email', 'wang@topcentral.cn')$$, '42501', NULL, 'writers cannot add staff');
SELECT throws_ok($$DELETE FROM commhub.customer_communications$$, '42501', NULL, 'writers cannot delete communications');
SELECT is((SELECT count(*)::int FROM commhub.customer_communications WHERE record_id = 'TAP-R2'), 0, 'T001 writer does not see T002');
RESET ROLE;

-- A role without commhub roles sees nothing at all.
SET LOCAL ROLE tap_stranger;
SELECT throws_ok('SELECT 1 FROM commhub.customer_communications', '42501', NULL, 'PUBLIC has no access to tables');
SELECT throws_ok($$SELECT commhub.ingest('phone', '{}')$$, '42501', NULL, 'PUBLIC cannot execute ingest');
RESET ROLE;

SELECT ok(has_table_privilege('commhub_admin', 'commhub.staff_identities', 'INSERT'), 'admin manages staff identities');
SELECT ok(NOT has_table_privilege('commhub_reader', 'commhub.ingest_errors', 'SELECT'), 'readers do not read raw failed payloads');
SELECT ok(NOT has_table_privilege('commhub_writer', 'commhub.products', 'INSERT'), 'writers do not edit the catalogue');

-- Grants are cached per transaction; a change to them is seen at once.
SET LOCAL ROLE tap_reader_t002;
SET LOCAL commhub.tenant = 'T003';
SELECT throws_ok('SELECT count(*) FROM commhub.customers', '42501', NULL, 'T003 not granted yet');
RESET ROLE;
SELECT commhub.grant_tenant('T003', 'tap_reader_t002');
SET LOCAL ROLE tap_reader_t002;
SELECT lives_ok('SELECT count(*) FROM commhub.customers', 'a grant made in the same transaction counts at once');
RESET ROLE;
DELETE FROM commhub.tenant_grants WHERE tenant_id = 'T003';
SET LOCAL ROLE tap_reader_t002;
SELECT throws_ok('SELECT count(*) FROM commhub.customers', '42501', NULL, 'and so does a revoke');
RESET ROLE;
SET LOCAL commhub.tenant = 'T001';

-- Mail sync (E1): the IMAP password is an admin-only column; sync state is
-- readable; mailboxes are tenant rows like any other.
SELECT ok(NOT has_column_privilege('commhub_reader', 'commhub.mailboxes', 'password', 'SELECT'), 'readers cannot read mailbox passwords');
SELECT ok(NOT has_column_privilege('commhub_writer', 'commhub.mailboxes', 'password', 'SELECT'), 'writers cannot read mailbox passwords');
SELECT ok(has_column_privilege('commhub_admin', 'commhub.mailboxes', 'password', 'SELECT'), 'admins can');
SELECT ok(has_table_privilege('commhub_reader', 'commhub.mailbox_sync_state', 'SELECT'), 'readers see the sync state');
SELECT ok(NOT has_function_privilege('commhub_writer', 'commhub.sync_mailbox(text, integer)', 'EXECUTE'), 'only admins run a sync by hand');
SET LOCAL commhub.tenant = 'T001';
INSERT INTO commhub.mailboxes (mailbox_id, imap_url, username, password) VALUES ('tap@t001.cn', 'imaps://127.0.0.1:1', 'u', 'pw');
SET LOCAL ROLE tap_reader_t002;
SET LOCAL commhub.tenant = 'T002';
SELECT is((SELECT count(*)::int FROM commhub.mailbox_sync_state WHERE mailbox_id = 'tap@t001.cn'), 0, 'T002 reader does not see T001 mailboxes');
RESET ROLE;

-- add_mailbox refuses bad input with a named field, an SQLSTATE and a hint, and writes nothing.
SELECT throws_ok($$SELECT commhub.add_mailbox(NULL, 'imaps://127.0.0.1:1', 'u', 'p')$$, '22023', NULL, 'add_mailbox: NULL mailbox_id');
SELECT throws_ok($$SELECT commhub.add_mailbox('m@x.cn', 'imaps://127.0.0.1:1', '', 'p')$$, '22004', NULL, 'add_mailbox: empty username');
SELECT throws_ok($$SELECT commhub.add_mailbox('m@x.cn', 'imaps://127.0.0.1:1', 'u', 'p', sync_interval => '1 second')$$, '22023', NULL, 'add_mailbox: sync_interval under 10 s');
SELECT throws_ok($$SELECT commhub.add_mailbox('m@x.cn', 'imaps://u:pw@127.0.0.1:1', 'u', 'p')$$, '22023', NULL, 'add_mailbox: credentials in the URL');
SELECT is((SELECT count(*)::int FROM commhub.mailboxes WHERE mailbox_id = 'm@x.cn'), 0, 'and nothing was written');

-- analyze_text() runs without a SET clause (once per row); the catalogue
-- load inside still resolves operators in pg_catalog, not in a schema the
-- caller put first.
CREATE SCHEMA tap_evil;
CREATE FUNCTION tap_evil.eq(varchar, text) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'hijacked'; END$$;
CREATE OPERATOR tap_evil.= (LEFTARG = varchar, RIGHTARG = text, FUNCTION = tap_evil.eq);
SET LOCAL search_path = tap_evil, pg_catalog, public;
SET LOCAL commhub.tenant = 'T-TAP-EVIL';
SELECT lives_ok($$SELECT commhub.analyze_text('询价PCR-ABS')$$, 'a hostile operator in the search_path does not reach the catalogue load');
RESET search_path;
SELECT is((SELECT proconfig FROM pg_proc WHERE oid = 'commhub.analyze_text(text, text, text, timestamptz)'::regprocedure), NULL,
          'analyze_text has no per-call SET clause');

-- SECURITY DEFINER functions check the caller's tenant, not their owner's:
-- a T001 writer cannot queue jobs in T002 through them.
INSERT INTO commhub.communication_insights (insight_id, tenant_id, customer_id, insight_type, insight_title, insight_data)
VALUES ('TAP-INS-T2', 'T002', 'TAP-C2', 'insight', 'T002 的洞察', '{}'),
       ('TAP-INS-T1', 'T001', 'TAP-C1', 'insight', 'T001 的洞察', '{}');
SET LOCAL ROLE tap_writer_t001;
SET LOCAL commhub.tenant = 'T002';
SELECT throws_ok($$SELECT commhub.enqueue_after_ingest('{}', ARRAY['TAP-R2'])$$, '42501', NULL,
                 'a T001 writer cannot enqueue T002 records through the SECURITY DEFINER enqueue_after_ingest');
SELECT throws_ok($$SELECT commhub.enqueue_agent_enrichment('A11', 'TAP-C2', 'TAP-INS-T2', '{}')$$, '42501', NULL,
                 'nor queue an agent job in T002 through enqueue_agent_enrichment');
SET LOCAL commhub.tenant = 'T001';
RESET ROLE;
INSERT INTO commhub.agent_endpoints (tenant_id, name, base_url, model) VALUES ('T001', 'tap-ep', 'http://127.0.0.1:9/v1', 'm');
INSERT INTO commhub.agent_routes (tenant_id, agent, endpoint) VALUES ('T001', 'A11', 'tap-ep');
SET LOCAL ROLE tap_writer_t001;
SELECT throws_ok($$SELECT commhub.enqueue_agent_enrichment('A11', 'TAP-C1', 'TAP-INS-T2', '{}')$$, '22023', NULL,
                 'in its own tenant, an insight of another tenant is refused');
SELECT cmp_ok((SELECT commhub.enqueue_agent_enrichment('A11', 'TAP-C1', 'TAP-INS-T1', '{}')), '>', 0::bigint,
              'its own customer''s insight is queued');
RESET ROLE;
-- a job of T001 whose payload names a T002 insight changes nothing there
INSERT INTO commhub.agent_jobs (job_id, tenant_id, agent, endpoint, customer_id, payload)
VALUES (-77, 'T001', 'A11', 'tap-ep', 'TAP-C1', '{"insight_id": "TAP-INS-T2"}');
SELECT commhub.apply_agent_result(-77, '{"summary": "written from T001"}');
SELECT is((SELECT insight_data FROM commhub.communication_insights WHERE insight_id = 'TAP-INS-T2'), '{}'::jsonb,
          'apply_agent_result leaves another tenant''s insight alone');
UPDATE commhub.agent_jobs SET payload = '{"insight_id": "TAP-INS-T1"}' WHERE job_id = -77;
SELECT commhub.apply_agent_result(-77, '{"summary": "written from T001"}');
SELECT is((SELECT insight_data -> 'model' ->> 'summary' FROM commhub.communication_insights WHERE insight_id = 'TAP-INS-T1'),
          'written from T001', 'and enriches its own tenant''s insight');

-- tenant_grants: a reader sees its own grants only, not every tenant's
SET LOCAL ROLE tap_reader_t002;
SELECT is((SELECT string_agg(tenant_id || ':' || role_name, ',') FROM commhub.tenant_grants), 'T002:tap_reader_t002',
          'a reader sees only its own tenant grants');
SELECT throws_ok($$INSERT INTO commhub.tenant_grants (tenant_id, role_name) VALUES ('T001', 'tap_reader_t002')$$, '42501', NULL,
                 'and cannot grant itself a tenant');
RESET ROLE;
SET LOCAL commhub.tenant = 'T002';
SET LOCAL ROLE tap_reader_t002;
SELECT is((SELECT count(*)::int FROM commhub.customer_communications), 1,
          'current_tenant() still finds the grant (it reads tenant_grants past row security)');
RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
