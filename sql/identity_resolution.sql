-- C1-C3: the customer comes from the channel address (email, then domain --
-- never a free-mail domain --, phone in any notation, WeCom id); direction
-- from staff identities; an unknown sender is kept and attached later.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-ID', '宁波奥克斯空调有限公司');
SELECT commhub.add_customer('C-ID2', '杭州某电器公司');
SELECT commhub.add_identity('C-ID', 'domain', 'aux-group.com');
SELECT commhub.add_identity('C-ID', 'phone', '0574-8765 4321', '张经理');
SELECT commhub.add_identity('C-ID2', 'email', 'buyer@hz-dianqi.cn');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
SELECT commhub.add_staff('topcentral', 'domain', 'topcentral.cn');
-- normalization of identities
SELECT commhub.normalize_identity('phone', '+86 574 8765-4321') AS phone1,
       commhub.normalize_identity('phone', '(0574) 87654321') AS phone2,
       commhub.normalize_identity('phone', '0086 138 0013 8000') AS mobile,
       commhub.normalize_identity('phone', '400-820-8820') AS hotline,
       commhub.normalize_identity('email', '"张 经理" <Zhang@AUX-Group.com>') AS email;
-- errors
SELECT commhub.add_identity('C-ID', 'domain', 'qq.com');
SELECT commhub.add_identity('C-ID', 'fax', '123');
SELECT commhub.add_identity('C-NOPE', 'email', 'a@b.cn');
SELECT commhub.add_identity('C-ID', 'phone', 'call me');

-- email from the customer's domain: inbound, matched by domain
SELECT status, customer_id FROM jsonb_to_record(commhub.ingest('email', '{"messageId": "<id-1@aux-group.com>", "date": "2024-06-15T09:30:00+08:00",
  "from": {"value": [{"address": "Li.Gong@AUX-Group.com", "name": "李工"}]},
  "to": {"value": [{"address": "wang.ming@topcentral.cn", "name": "王明"}]},
  "subject": "PCR-ABS技术参数", "text": "请提供PCR-ABS-1000的物性表"}')) AS r(customer_id text, status text);
-- a free-mail sender is not the customer even if a customer uses qq.com
SELECT status, customer_id FROM jsonb_to_record(commhub.ingest('email', '{"messageId": "<id-2@qq.com>", "date": "2024-06-15T10:00:00+08:00",
  "from": {"value": [{"address": "someone@qq.com"}]}, "to": {"value": [{"address": "wang.ming@topcentral.cn"}]},
  "subject": "询价", "text": "你好,PP-T20多少钱一吨?"}')) AS r(customer_id text, status text);
-- outbound email from staff to the other customer's address
SELECT status, customer_id FROM jsonb_to_record(commhub.ingest('email', '{"messageId": "<id-3@topcentral.cn>", "date": "2024-06-15T11:00:00+08:00",
  "from": {"value": [{"address": "wang.ming@topcentral.cn"}]}, "to": {"value": [{"address": "buyer@hz-dianqi.cn"}]},
  "subject": "报价单", "text": "附件是报价单"}')) AS r(customer_id text, status text);
-- a CDR with +86 notation matches the 0574- identity
SELECT status, customer_id FROM jsonb_to_record(commhub.ingest('phone', '{"call_sn": "ID-CALL-1", "tel": "4008208820", "caller_id": "+86 574 87654321",
  "callee_id": "8001", "start_time": "2024-06-15 14:00:00", "answer_time": "2024-06-15 14:00:10", "end_time": "2024-06-15 14:05:00",
  "call_duration": 290, "state": "answered"}')) AS r(customer_id text, status text);
SELECT source_record_id, customer_id, match_status, direction
  FROM commhub.customer_communications WHERE source_record_id IN ('id-1@aux-group.com', 'id-2@qq.com', 'id-3@topcentral.cn', 'ID-CALL-1')
 ORDER BY communication_time;
-- C3: the qq.com sender becomes known later; the stored record is attached
SELECT commhub.add_identity('C-ID2', 'email', 'someone@qq.com');
SELECT source_record_id, customer_id, match_status FROM commhub.customer_communications WHERE source_record_id = 'id-2@qq.com';
SELECT count(*) AS tasks_moved FROM commhub.communication_tasks t JOIN commhub.customer_communications c USING (record_id)
 WHERE c.source_record_id = 'id-2@qq.com' AND t.customer_id = 'C-ID2';
-- C2 when the sender is neither a known staff nor a known customer identity:
-- the channel's own evidence decides (an Asterisk CDR from extension 8002 in
-- from-internal, a WeCom member writing to an external contact wm...);
-- without such evidence an unknown sender stays inbound
SELECT status FROM jsonb_to_record(commhub.ingest('phone', '{"uniqueid": "ID-OUT-1", "src": "8002", "dst": "0574-87654321",
  "dcontext": "from-internal", "calldate": "2024-06-15 15:00:00", "billsec": 60, "disposition": "ANSWERED"}')) AS r(status text);
SELECT status FROM jsonb_to_record(commhub.ingest('wechat', '{"msgid": "ID-WX-OUT-1", "action": "send", "from": "lisi",
  "tolist": ["wmAUXzhang01"], "roomid": "", "msgtime": 1718436600000, "msgtype": "text", "text": {"content": "张经理,报价单已发邮箱"}}')) AS r(status text);
SELECT status FROM jsonb_to_record(commhub.ingest('wechat', '{"msgid": "ID-WX-IN-1", "action": "send", "from": "wmAUXzhang01",
  "tolist": ["lisi"], "roomid": "", "msgtime": 1718436700000, "msgtype": "text", "text": {"content": "收到,谢谢"}}')) AS r(status text);
SELECT status FROM jsonb_to_record(commhub.ingest('wechat', '{"msgid": "ID-WX-IN-2", "action": "send", "from": "zhaowu",
  "tolist": ["wangming"], "roomid": "", "msgtime": 1718436800000, "msgtype": "text", "text": {"content": "王总,样品到了吗"}}')) AS r(status text);
SELECT source_record_id, customer_id, direction, subject
  FROM commhub.customer_communications WHERE source_record_id IN ('ID-OUT-1', 'ID-WX-OUT-1', 'ID-WX-IN-1', 'ID-WX-IN-2')
 ORDER BY communication_time;
-- One statement: a customer, its identity and a record from it are seen by
-- each call after it (a setup or migration script in a single SELECT)
SELECT commhub.add_customer('C-ID-ONE', '一条语句客户') IS NULL AS added,
       commhub.add_identity('C-ID-ONE', 'phone', '021-5550 1234') IS NULL AS identity_added,
       commhub.ingest('mobile', '{"number": "02155501234", "type": "in", "start": "2024-06-16 10:00", "duration": 65,
                                  "salesperson": "wangming", "note": "客户来电确认样品收到"}') ->> 'customer_id' AS matched_to;
