-- A1: near-duplicates across channels for the same customer are linked, not
-- lost: the quotation sent by email and by WeCom, a call in the CDR and the
-- salesperson's manual log of it.  One canonical entry stays in the
-- timeline; the other points at it and both list each other.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-DUP', '去重测试客户');
SELECT commhub.add_identity('C-DUP', 'email', 'zhang@dup-test.cn');
SELECT commhub.add_identity('C-DUP', 'wecom', 'wmDup01');
SELECT commhub.add_identity('C-DUP', 'phone', '13600136000');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
-- the same quotation text by email and, an hour later, by WeCom
SELECT commhub.ingest('email', '{"messageId": "<dup-q1@topcentral.cn>", "date": "2024-06-15T10:00:00+08:00",
  "from": {"value": [{"address": "wang.ming@topcentral.cn"}]}, "to": {"value": [{"address": "zhang@dup-test.cn"}]},
  "subject": "PCR-ABS-1000报价", "text": "张经理您好,PCR-ABS-1000含税报价15800元/吨,50吨起订,账期30天,交期两周。"}')->>'status' AS email;
SELECT commhub.ingest('wechat', '{"msgid": "dup-wx-1", "action": "send", "from": "wangming", "tolist": ["wmDup01"], "roomid": "",
  "msgtime": 1718420400000, "msgtype": "text",
  "text": {"content": "张经理您好,PCR-ABS-1000含税报价15800元/吨,50吨起订,账期30天,交期两周。"}}')->>'status' AS wechat;
-- a different message the same day is not a duplicate
SELECT commhub.ingest('wechat', '{"msgid": "dup-wx-2", "action": "send", "from": "wmDup01", "tolist": ["wangming"], "roomid": "",
  "msgtime": 1718424000000, "msgtype": "text", "text": {"content": "收到,我们内部讨论一下价格,明天回复您。"}}')->>'status' AS other;
-- the 400 CDR of a call and the salesperson's manual log of the same call
SELECT commhub.ingest('phone', '{"call_sn": "dup-call-1", "tel": "4008208820", "caller_id": "13600136000", "callee_id": "8001",
  "start_time": "2024-06-16 09:00:05", "answer_time": "2024-06-16 09:00:15", "end_time": "2024-06-16 09:08:15", "call_duration": 480, "state": "answered"}')->>'status' AS cdr;
SELECT commhub.ingest('mobile', '{"id": "dup-mob-1", "number": "136-0013-6000", "type": "in", "start": "2024-06-16 09:01:00",
  "duration": 470, "salesperson": "wangming", "note": "客户来电确认订单"}')->>'status' AS manual_log;
SELECT source_record_id, canonical_record_id IS NOT NULL AS folded,
       (SELECT string_agg(p.source_record_id, ',') FROM commhub.customer_communications p WHERE p.record_id = c.canonical_record_id) AS folded_into,
       jsonb_array_length(coalesce(related_records, '[]')) AS related
  FROM commhub.customer_communications c WHERE customer_id = 'C-DUP' ORDER BY communication_time, id;
SELECT count(*) AS timeline_rows FROM commhub.timeline('C-DUP');
-- Three logs of calls 8 minutes apart, in one batch (c at 10:00, b at 10:08,
-- a at 10:16), stored in the order a, b, c (a batch inserts in record_id
-- order; the ids below were picked so that it is a, b, c): b folds into a,
-- and c -- 8 minutes from b but 16 from a -- stays canonical, exactly as
-- when they come one by one.  (The batch once linked c to b, itself a
-- duplicate: a chain.)
SELECT commhub.add_customer('C-CHAIN', '链式去重客户');
SELECT commhub.add_identity('C-CHAIN', 'phone', '13600137000');
SELECT commhub.add_customer('C-CHAIN2', '逐条去重客户');
SELECT commhub.add_identity('C-CHAIN2', 'phone', '13600137001');
CREATE TEMP TABLE chain_calls AS
SELECT customer, jsonb_build_array(
 jsonb_build_object('call_sn', 'chain-c' || n, 'tel', '4008208820', 'caller_id', phone, 'callee_id', '8001',
  'start_time', '2024-06-17 10:00:00', 'answer_time', '2024-06-17 10:00:05', 'end_time', '2024-06-17 10:05:05', 'call_duration', 300, 'state', 'answered'),
 jsonb_build_object('uniqueid', 'chain-b' || n || '.1', 'linkedid', 'chain-b' || n || '.1', 'src', phone, 'dst', '8001',
  'calldate', '2024-06-17 10:08:00', 'answer', '2024-06-17 10:08:05', 'end', '2024-06-17 10:13:05', 'duration', 305, 'billsec', 300, 'disposition', 'ANSWERED'),
 jsonb_build_object('variables', jsonb_build_object('uuid', 'chain-a' || n, 'direction', 'inbound', 'caller_id_number', phone,
  'destination_number', '8001', 'start_epoch', '1718590560', 'answer_epoch', '1718590565', 'end_epoch', '1718590865', 'billsec', '300',
  'hangup_cause', 'NORMAL_CLEARING'))) AS calls
  FROM (VALUES ('C-CHAIN', 18, '13600137000'), ('C-CHAIN2', 1, '13600137001')) v(customer, n, phone);
-- C-CHAIN: one batch
SELECT r->>'inserted' AS inserted FROM chain_calls, commhub.ingest_batch('phone', calls) r WHERE customer = 'C-CHAIN';
-- C-CHAIN2: the same three, one by one in the order a, b, c
SELECT commhub.ingest('phone', calls->2)->>'status' AS a, commhub.ingest('phone', calls->1)->>'status' AS b,
       commhub.ingest('phone', calls->0)->>'status' AS c FROM chain_calls WHERE customer = 'C-CHAIN2';
SELECT customer_id, left(source_record_id, 7) AS call, rank() OVER (PARTITION BY customer_id ORDER BY id) AS stored,
       (SELECT left(p.source_record_id, 7) FROM commhub.customer_communications p WHERE p.record_id = c.canonical_record_id) AS folded_into
  FROM commhub.customer_communications c WHERE customer_id IN ('C-CHAIN', 'C-CHAIN2') ORDER BY customer_id, communication_time;
