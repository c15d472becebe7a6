-- A1: the content rule's candidates come from commhub.fingerprint_neighbours,
-- an index scan of idx_comm_timeline that tests the simhash before
-- visibility.  It must return exactly what the plain query returns -- for
-- records updated since (merged re-deliveries: dead versions in the index),
-- at the window's edges, without the index (the SPI path), under row
-- security -- and ingest must link near-duplicates without the function too
-- (a library newer than the extension's SQL, before ALTER EXTENSION UPDATE).
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-FP' || n, '指纹客户' || n) FROM generate_series(1, 2) n;
SELECT commhub.add_identity('C-FP' || n, 'wecom', 'wmFp0' || n) FROM generate_series(1, 2) n;
SELECT commhub.add_identity('C-FP' || n, 'email', 'buyer@fp' || n || '-test.cn') FROM generate_series(1, 2) n;
SELECT commhub.add_staff('lisi', 'wecom', 'lisi');
SELECT commhub.add_staff('lisi', 'email', 'li.si@topcentral.cn');
-- 4 texts, each sent by WeCom and by email, to two customers, every 5 hours
-- for 8 days: many neighbours share a channel, some do not; one pair sits
-- exactly 3 days apart.
CREATE TEMP TABLE fp_texts (k int, t text);
INSERT INTO fp_texts VALUES
 (0, '李经理您好,PCR-ABS-1000本周含税报价15800元/吨,50吨起订,账期30天。'),
 (1, '上周发的PP-T20样品测试结果出来了,熔指偏高,麻烦技术同事看一下原因。'),
 (2, '合同已经盖章回传,请安排本月25号前发货,数量按订单二十吨执行即可。'),
 (3, '发票已经收到,财务这边月底前安排付款,请确认开户行和账号信息无误。');
CREATE FUNCTION pg_temp.fp_load() RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r jsonb; out text := '';
BEGIN
  r := commhub.ingest_batch('wechat', (
  SELECT jsonb_agg(jsonb_build_object('msgid', 'fp-wx-' || c || '-' || i, 'action', 'send', 'from', 'wmFp0' || c,
           'tolist', jsonb_build_array('lisi'), 'roomid', '', 'msgtype', 'text',
           'msgtime', 1718409600000 + i::bigint * 5 * 3600000,
           'text', jsonb_build_object('content', (SELECT t FROM fp_texts WHERE k = i % 4))) ORDER BY c, i)
    FROM generate_series(1, 2) c, generate_series(0, 38) i));
  out := out || 'wechat inserted ' || (r->>'inserted');
  r := commhub.ingest_batch('email', (
  SELECT jsonb_agg(jsonb_build_object('messageId', '<fp-' || c || '-' || i || '@topcentral.cn>',
           'date', to_char(timestamptz '2024-06-15 10:00+08' + i * interval '5 hours' + interval '20 minutes', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
           'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'li.si@topcentral.cn'))),
           'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'buyer@fp' || c || '-test.cn'))),
           'subject', '关于PCR-ABS', 'text', (SELECT t FROM fp_texts WHERE k = (i + 1) % 4)) ORDER BY c, i)
    FROM generate_series(1, 2) c, generate_series(0, 38, 3) i));
  out := out || ', email inserted ' || (r->>'inserted');
  -- exactly 3 days after fp-wx-1-0, the same text by email
  r := commhub.ingest('email', jsonb_build_object('messageId', '<fp-edge@topcentral.cn>', 'date', '2024-06-18T08:00:00+08:00',
  'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'li.si@topcentral.cn'))),
  'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'buyer@fp1-test.cn'))),
  'subject', '报价', 'text', (SELECT t FROM fp_texts WHERE k = 0)));
  out := out || ', edge ' || (r->>'status');
  -- re-deliveries with another text: the records are updated, their old
  -- versions (old fingerprints) stay in the index until vacuumed
  r := commhub.ingest_batch('wechat', (
  SELECT jsonb_agg(jsonb_build_object('msgid', 'fp-wx-1-' || i, 'action', 'send', 'from', 'wmFp01',
           'tolist', jsonb_build_array('lisi'), 'roomid', '', 'msgtype', 'text',
           'msgtime', 1718409600000 + i::bigint * 5 * 3600000,
           'text', jsonb_build_object('content', (SELECT t FROM fp_texts WHERE k = (i + 2) % 4))) ORDER BY i)
    FROM generate_series(4, 12, 4) i));
  RETURN out || ', merged ' || (r->>'merged');
END
$f$;
-- what the content rule linked: record -> canonical, by source ids
CREATE FUNCTION pg_temp.fp_links() RETURNS TABLE (linked bigint, digest text) LANGUAGE sql AS $f$
  SELECT count(*), md5(string_agg(c.source_record_id || '>' || p.source_record_id, ',' ORDER BY c.source_record_id))
    FROM commhub.customer_communications c JOIN commhub.customer_communications p ON p.record_id = c.canonical_record_id
   WHERE c.customer_id LIKE 'C-FP%'
$f$;
SELECT pg_temp.fp_load();
CREATE FUNCTION pg_temp.fp_compare() RETURNS TABLE (probes bigint, with_neighbours bigint, neighbours bigint, mismatches bigint)
LANGUAGE sql AS $$
  WITH x AS (
    SELECT c.id,
           (SELECT coalesce(array_agg(v ORDER BY v), '{}') FROM unnest(commhub.fingerprint_neighbours(c.tenant_id, c.customer_id,
                c.communication_time - interval '3 days', c.communication_time + interval '3 days', c.fingerprint, c.id, 6,
                c.communication_type, c.source_system)) v) AS fn,
           (SELECT coalesce(array_agg(q.id ORDER BY q.id), '{}') FROM commhub.customer_communications q
             WHERE q.tenant_id = c.tenant_id AND q.customer_id = c.customer_id
               AND q.communication_time BETWEEN c.communication_time - interval '3 days' AND c.communication_time + interval '3 days'
               AND q.id < c.id AND bit_count((q.fingerprint # c.fingerprint)::bit(64)) <= 6
               AND NOT coalesce(q.communication_type = c.communication_type AND q.source_system = c.source_system, false)) AS sq
      FROM commhub.customer_communications c WHERE c.customer_id LIKE 'C-FP%' AND c.fingerprint IS NOT NULL)
  SELECT count(*), count(*) FILTER (WHERE cardinality(fn) > 0), sum(cardinality(fn)), count(*) FILTER (WHERE fn IS DISTINCT FROM sq) FROM x
$$;
-- the index scan
SELECT * FROM pg_temp.fp_compare();
-- the record exactly 3 days later finds fp-wx-1-0 (the window is closed)
SELECT (SELECT id FROM commhub.customer_communications WHERE source_record_id = 'fp-wx-1-0') = ANY (
         commhub.fingerprint_neighbours(c.tenant_id, c.customer_id, c.communication_time - interval '3 days',
           c.communication_time + interval '3 days', c.fingerprint, c.id, 6, c.communication_type, c.source_system)) AS edge_found
  FROM commhub.customer_communications c WHERE c.source_record_id = 'fp-edge@topcentral.cn';
-- NULL channel or source leaves out none; a NULL key argument is NULL
SELECT cardinality(commhub.fingerprint_neighbours(c.tenant_id, c.customer_id, c.communication_time - interval '3 days',
           c.communication_time + interval '3 days', c.fingerprint, c.id, 6, NULL, NULL))
     > cardinality(commhub.fingerprint_neighbours(c.tenant_id, c.customer_id, c.communication_time - interval '3 days',
           c.communication_time + interval '3 days', c.fingerprint, c.id, 6, c.communication_type, c.source_system)) AS null_keeps_own_channel,
       commhub.fingerprint_neighbours(c.tenant_id, NULL, c.communication_time, c.communication_time, c.fingerprint, c.id, 6, NULL, NULL) IS NULL AS null_customer
  FROM commhub.customer_communications c WHERE c.source_record_id = 'fp-wx-2-38';
-- without idx_comm_timeline as created (here: another column order), the
-- same answer through the plain query
BEGIN;
DROP INDEX commhub.idx_comm_timeline;
CREATE INDEX idx_comm_timeline ON commhub.customer_communications (tenant_id, communication_time, customer_id, id) INCLUDE (fingerprint);
SELECT * FROM pg_temp.fp_compare();
ROLLBACK;
-- under row security: a reader of T001 gets what the owner gets (the tenant
-- policy alone: the scan), a reader of T002 none of T001's records, and a
-- policy of the DBA's own is applied (the plain query)
CREATE TEMP TABLE fp_probe AS SELECT tenant_id, customer_id, communication_time, fingerprint, id FROM commhub.customer_communications
 WHERE source_record_id = 'fp-2-36@topcentral.cn';
SELECT cardinality(commhub.fingerprint_neighbours(tenant_id, customer_id, communication_time - interval '3 days', communication_time,
                                                  fingerprint, id, 64, NULL, NULL)) AS owner_sees FROM fp_probe;
BEGIN;
CREATE ROLE fp_reader_t1 IN ROLE commhub_reader;
CREATE ROLE fp_reader_t2 IN ROLE commhub_reader;
SELECT commhub.grant_tenant('T001', 'fp_reader_t1'), commhub.grant_tenant('T002', 'fp_reader_t2');
GRANT EXECUTE ON FUNCTION commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text)
   TO fp_reader_t1, fp_reader_t2;
GRANT SELECT ON fp_probe TO fp_reader_t1, fp_reader_t2;
SET ROLE fp_reader_t1;
SELECT cardinality(commhub.fingerprint_neighbours(tenant_id, customer_id, communication_time - interval '3 days', communication_time,
                                                  fingerprint, id, 64, NULL, NULL)) AS t1_reader_sees FROM fp_probe;
RESET ROLE;
-- a policy of the DBA's own (restrictive: WeCom only) applies too
CREATE POLICY fp_wechat_only ON commhub.customer_communications AS RESTRICTIVE FOR SELECT
    USING (communication_type = 'wechat');
SET ROLE fp_reader_t1;
SELECT cardinality(commhub.fingerprint_neighbours(tenant_id, customer_id, communication_time - interval '3 days', communication_time,
                                                  fingerprint, id, 64, NULL, NULL)) AS t1_reader_sees_wechat FROM fp_probe;
RESET ROLE;
SELECT count(*) AS wechat_in_window FROM commhub.customer_communications q, fp_probe f
 WHERE q.customer_id = f.customer_id AND q.communication_type = 'wechat' AND q.id < f.id
   AND q.communication_time BETWEEN f.communication_time - interval '3 days' AND f.communication_time;
DROP POLICY fp_wechat_only ON commhub.customer_communications;
SET ROLE fp_reader_t2;
SET commhub.tenant = 'T002';
SELECT commhub.fingerprint_neighbours(tenant_id, customer_id, communication_time - interval '3 days', communication_time,
                                      fingerprint, id, 64, NULL, NULL) AS t2_reader_sees FROM fp_probe;
RESET ROLE;
ROLLBACK;
SET commhub.tenant = 'T001';
-- ingest links near-duplicates (the content rule) ...
SELECT * FROM pg_temp.fp_links();
-- ... and links the same ones without the function: the 0.7.0 query
BEGIN;
DELETE FROM commhub.customer_communications WHERE customer_id LIKE 'C-FP%';
ALTER EXTENSION commhub DROP FUNCTION commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text);
DROP FUNCTION commhub.fingerprint_neighbours(text, text, timestamptz, timestamptz, bigint, integer, integer, text, text);
SELECT pg_temp.fp_load();
SELECT * FROM pg_temp.fp_links();
ROLLBACK;
