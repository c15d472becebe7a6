-- What commhub_writer is for (R4, I1-I5): every ingest path works for a
-- plain writer role granted one tenant, not only for a superuser -- WeCom
-- messages and recalls, a changed re-delivery (merge), reparse and
-- set_media_text -- and the extra privileges they need stay inside the
-- writer's tenant.  And the C functions that run SQL without a SET clause
-- resolve it in pg_catalog, whatever the caller's search_path.
BEGIN;
SELECT plan(23);

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_wp_writer') THEN CREATE ROLE tap_wp_writer; END IF;
END $$;
GRANT commhub_writer TO tap_wp_writer;
SELECT commhub.grant_tenant('T-WP1', 'tap_wp_writer');
-- runs one statement and returns its one value, or the error it raised (so
-- that a failure is a failed test, not an aborted file)
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE q INTO r;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;

-- another tenant's data, written as the superuser
SET LOCAL commhub.tenant = 'T-WP2';
SELECT commhub.add_customer('WP-C2', '别的租户');
SELECT commhub.add_identity('WP-C2', 'phone', '13900000002');
SELECT commhub.ingest('wechat', '{"msgid": "wp2-img", "action": "send", "from": "wmWP2", "tolist": ["wangming"],
  "msgtime": 1718415000000, "msgtype": "image", "image": {"md5sum": "AA", "filesize": 10, "sdkfileid": "x"}}');
INSERT INTO commhub.pending_recalls (tenant_id, source_system, source_record_id, recalled_at)
VALUES ('T-WP2', 'wecom', 'wp-msg-2', now());
SELECT is((SELECT count(*)::int FROM commhub.communication_attachments WHERE tenant_id = 'T-WP2'), 1, 'T-WP2 has one attachment');

SET LOCAL commhub.tenant = 'T-WP1';
SELECT commhub.add_customer('WP-C1', '宁波客户');
SELECT commhub.add_identity('WP-C1', 'phone', '13800000001');
SELECT commhub.add_identity('WP-C1', 'wecom', 'wmWP1');

SET LOCAL ROLE tap_wp_writer;
SELECT is(pg_temp.try($q$SELECT commhub.ingest('wechat', '{"msgid": "wp-msg-1", "action": "send", "from": "wmWP1", "tolist": ["wangming"],
  "msgtime": 1718415000000, "msgtype": "text", "text": {"content": "PCR-ABS什么价?"}}') ->> 'status'$q$), 'inserted',
  'a writer ingests a WeCom message');
SELECT is(pg_temp.try($q$SELECT commhub.ingest('wechat', '{"msgid": "wp-recall", "action": "recall", "from": "wmWP1", "tolist": ["wangming"],
  "msgtime": 1718415700000, "msgtype": "revoke", "revoke": {"pre_msgid": "wp-msg-2"}}') ->> 'status'$q$), 'duplicate',
  'a writer ingests a recall of a message not seen yet (parked)');
SELECT is(pg_temp.try($q$SELECT commhub.ingest('wechat', '{"msgid": "wp-msg-2", "action": "send", "from": "wmWP1", "tolist": ["wangming"],
  "msgtime": 1718415600000, "msgtype": "text", "text": {"content": "这条撤回了"}}') ->> 'status'$q$), 'inserted',
  'then the recalled message arrives');
SELECT ok((SELECT recalled_at IS NOT NULL FROM commhub.customer_communications WHERE source_record_id = 'wp-msg-2'),
          'and is marked recalled');
SELECT is(pg_temp.try($q$SELECT commhub.ingest('mobile', '{"id": "wp-call", "number": "13800000001", "type": "incoming", "date": 1718415000000, "duration": 60}') ->> 'status'$q$), 'inserted', 'a writer ingests a call');
SELECT is(pg_temp.try($q$SELECT commhub.ingest('mobile', '{"id": "wp-call", "number": "13800000001", "type": "incoming", "date": 1718415000000, "duration": 90,
  "note": "补充: 客户要报价"}') ->> 'status'$q$), 'merged', 'and its changed re-delivery (merge)');
SELECT is(pg_temp.try($q$SELECT commhub.reparse((SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'wp-call')) ->> 'status'$q$), 'merged', 'a writer reparses a record');
SELECT is(pg_temp.try($q$SELECT commhub.ingest('wechat', '{"msgid": "wp-img", "action": "send", "from": "wmWP1", "tolist": ["wangming"],
  "msgtime": 1718415060000, "msgtype": "image", "image": {"md5sum": "BB", "filesize": 10, "sdkfileid": "y"}}') ->> 'status'$q$), 'inserted', 'a writer ingests an image');
SELECT lives_ok($$SELECT commhub.set_media_text((SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'wp-img'),
                                                 '报价单: PCR-ABS 15800元/吨')$$, 'and fills in its OCR text');
SELECT ok((SELECT content LIKE '%15800%' FROM commhub.customer_communications WHERE source_record_id = 'wp-img'),
          'the OCR text is in the record');
-- the privileges those paths need do not reach another tenant
SELECT is(pg_temp.try('WITH d AS (DELETE FROM commhub.communication_attachments RETURNING 1) SELECT count(*) FROM d'), '1',
          'a writer deletes its tenant''s attachments');
SELECT is(pg_temp.try('WITH d AS (DELETE FROM commhub.pending_recalls RETURNING 1) SELECT count(*) FROM d'), '0',
          'and its tenant''s parked recalls (none left)');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM commhub.communication_attachments WHERE tenant_id = 'T-WP2'), 1,
          'a writer''s DELETE on attachments leaves other tenants'' rows');
SELECT is((SELECT count(*)::int FROM commhub.pending_recalls WHERE tenant_id = 'T-WP2'), 1,
          'and so does its DELETE on pending recalls');
SET LOCAL ROLE tap_wp_writer;
SELECT throws_ok($$DELETE FROM commhub.customer_communications$$, '42501', NULL, 'writers still cannot delete records');
RESET ROLE;

-- timeline() runs without a SET clause; when it takes its SQL query path
-- (a policy of the DBA's own, column-only grants) an operator planted in a
-- schema of the caller's search_path -- even after pg_catalog and public:
-- =(varchar, text) is an exact match where pg_catalog's texteq is not --
-- must not run in place of pg_catalog's.
CREATE SCHEMA tap_wp_evil;
CREATE FUNCTION tap_wp_evil.eq(varchar, text) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'hijacked'; END$$;
CREATE OPERATOR tap_wp_evil.= (LEFTARG = varchar, RIGHTARG = text, FUNCTION = tap_wp_evil.eq);
SET LOCAL search_path = public, tap_wp_evil;
SELECT is(pg_temp.try($q$SELECT count(*) FROM commhub.timeline('WP-C1')$q$), '4',
          'timeline() does not run an operator planted in the search_path');
SELECT is(pg_temp.try($q$SELECT count(*) FROM commhub.timeline('WP-C1', channels => ARRAY['wechat'], page_size => 10)$q$), '3',
          'nor does its filtered variant');
-- a DBA's own policy sends timeline() through its SQL query path (for a
-- role under row security; the schema's owner let everyone use it)
CREATE POLICY tap_wp_extra ON commhub.customer_communications AS RESTRICTIVE USING (true);
GRANT USAGE ON SCHEMA tap_wp_evil TO PUBLIC;
SET LOCAL ROLE tap_wp_writer;
SELECT is(pg_temp.try($q$SELECT count(*) FROM commhub.timeline('WP-C1')$q$), '4',
          'timeline()''s query path does not run it either');
SELECT is(pg_temp.try($q$SELECT count(*) FROM commhub.timeline('WP-C1', channels => ARRAY['wechat'], page_size => 10)$q$), '3',
          'nor its filtered variant');
SELECT is(pg_temp.try($q$SELECT current_setting('search_path')$q$), 'public, tap_wp_evil',
          'and the caller''s search_path is as it was');
RESET ROLE;
RESET search_path;

-- reparse() of another tenant's record by a role past row security (the
-- DBA, superuser): the record is not in the session's tenant -- said so,
-- not a serialization failure a client would retry for ever
SET LOCAL commhub.tenant = 'T-WP1';
SELECT throws_ok($$SELECT commhub.reparse((SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'wp2-img'))$$,
                 'P0002', NULL, 'reparse() of a record of another tenant: no such record in this tenant');
SELECT is((SELECT count(*)::int FROM commhub.customer_communications WHERE source_record_id = 'wp2-img'), 1,
          'and nothing was copied into this tenant');

SELECT * FROM finish();
ROLLBACK;
