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
