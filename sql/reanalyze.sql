-- N1 for records without a payload: rows loaded into the table directly (a
-- migration from the old CRM) have no content_original, so reparse() cannot
-- run; reanalyze() runs the analyzer over what the row stores and gives the
-- same analysis as an ingest of the same text, fills the A10 columns and
-- the follow-up tasks, and a second run changes nothing.
SET commhub.tenant = 'T001';
SET TimeZone = 'Asia/Shanghai';
SELECT commhub.add_customer('C-LOAD', '宁波奥克斯空调有限公司') IS NULL AS added;
\set mail '{"message_id": "<reanalyze-1@aux.example>", "from": "王伟 <wangwei@aux-reanalyze.example>", "to": ["sales@ourco.example"], "subject": "询价 PCR-ABS-1000", "date": "2024-06-14T10:00:00+08:00", "body": "王经理您好，我们月需求50吨PCR-ABS-1000，请报价，希望下周三前回复。比金发科技便宜的话可以长期合作。"}'
SELECT commhub.add_identity('C-LOAD', 'domain', 'aux-reanalyze.example') IS NULL AS mapped;
SELECT r->>'status' AS ingested, r->>'record_id' AS rid FROM commhub.ingest('email', :'mail') r \gset
SELECT :'ingested' AS ingested;
-- the same communication as a migration would load it: no payload, no analysis
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, subject, content, source_system, source_record_id)
SELECT 'LOAD-1', tenant_id, customer_id, communication_type, channel, communication_time, direction, subject, content,
       'legacy-crm', '1'
  FROM commhub.customer_communications WHERE record_id = :'rid';
-- a call log row with a summary of its own
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, summary, content, source_system, source_record_id)
VALUES ('LOAD-2', 'T001', 'C-LOAD', 'phone', '400电话', '2024-06-14 15:00+08', 'inbound', '客户来电投诉',
        '客户很不满意，上批货有黑点，要求今天给处理方案', 'legacy-crm', '2');
SELECT commhub.reparse('LOAD-1');
SELECT commhub.reanalyze('LOAD-1') #>> '{intent,category}' AS intent;
-- the analysis is the ingest's
SELECT l.analysis = i.analysis AS same_analysis, l.summary = i.summary AS same_summary,
       l.intent_category = i.intent_category AND l.products_mentioned = i.products_mentioned
       AND l.quantity_discussed = i.quantity_discussed AND l.competitors_mentioned = i.competitors_mentioned
       AND l.timeline_mentioned = i.timeline_mentioned AND l.sentiment = i.sentiment
       AND l.urgency_level = i.urgency_level AND l.follow_up_deadline = i.follow_up_deadline AS same_columns
  FROM commhub.customer_communications l, commhub.customer_communications i
 WHERE l.record_id = 'LOAD-1' AND i.record_id = :'rid';
SELECT intent_category, products_mentioned, quantity_discussed, timeline_mentioned, competitors_mentioned,
       urgency_level, follow_up_required, follow_up_deadline, summary, analyzed_by
  FROM commhub.customer_communications WHERE record_id = 'LOAD-1';
SELECT title, due_at, priority, source, customer_id FROM commhub.communication_tasks WHERE record_id = 'LOAD-1' ORDER BY title;
-- a second run: the same analysis, no new task
SELECT commhub.reanalyze('LOAD-1') = (SELECT analysis FROM commhub.customer_communications WHERE record_id = 'LOAD-1') AS same_again;
SELECT count(*) AS tasks FROM commhub.communication_tasks WHERE record_id = 'LOAD-1';
-- attachment names are read as at ingest
INSERT INTO commhub.communication_attachments (attachment_id, record_id, tenant_id, file_name)
VALUES ('LOAD-1-A01', 'LOAD-1', 'T001', 'PP-T20技术资料.pdf');
SELECT commhub.reanalyze('LOAD-1') #> '{key_info,products}' AS products;
-- the row's own summary is kept; the analysis still reads the content
SELECT commhub.reanalyze('LOAD-2') #>> '{sentiment,overall}' AS sentiment;
SELECT summary, intent_category, urgency_level, follow_up_required FROM commhub.customer_communications WHERE record_id = 'LOAD-2';
-- a record the catch-up marked as failing is fine again
UPDATE commhub.customer_communications SET sync_status = 'analysis_failed', sync_error = 'A10 catch-up: x' WHERE record_id = 'LOAD-2';
SELECT commhub.reanalyze('LOAD-2') IS NOT NULL AS again;
SELECT sync_status, sync_error FROM commhub.customer_communications WHERE record_id = 'LOAD-2';
-- the daily job's A10 catch-up reanalyses records without a payload (in a
-- tenant of its own, so other tests' rows are not touched)
SET commhub.tenant = 'T-LOAD';
SELECT commhub.add_customer('C-LOAD3', '慈溪塑料有限公司') IS NULL AS added;
INSERT INTO commhub.customer_communications (record_id, tenant_id, customer_id, communication_type, channel,
       communication_time, direction, content, source_system, source_record_id)
VALUES ('LOAD-3', 'T-LOAD', 'C-LOAD3', 'wechat', '企业微信', now() - interval '2 hours', 'inbound',
        'PP-T20下个月要30吨，什么价？', 'legacy-crm', '3');
SELECT commhub.run_scheduled('daily') >= 1 AS ran;
SELECT intent_category, products_mentioned, quantity_discussed, analysis IS NOT NULL AS analysed,
       (SELECT count(*) FROM commhub.communication_tasks t WHERE t.record_id = 'LOAD-3') > 0 AS has_tasks
  FROM commhub.customer_communications WHERE record_id = 'LOAD-3';
SET commhub.tenant = 'T001';
-- errors: message and hint, then their SQLSTATEs
SELECT commhub.reanalyze('NO-SUCH-RECORD');
SELECT commhub.reanalyze(NULL);
SET commhub.tenant = 'T002';
SELECT commhub.reanalyze('LOAD-1');
RESET commhub.tenant;
\set VERBOSITY sqlstate
SELECT commhub.reanalyze('NO-SUCH-RECORD');
SELECT commhub.reanalyze(NULL);
SET commhub.tenant = 'T002';
SELECT commhub.reanalyze('LOAD-1');
RESET commhub.tenant;
\set VERBOSITY default
