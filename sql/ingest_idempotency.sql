-- I5: the natural key (source_system, source_record_id) makes re-ingest
-- idempotent; an email's Message-ID is one record in every mailbox; changed
-- content merges (updated_at moves, created_at does not).
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-IDEM', '重复测试客户');
SELECT commhub.add_identity('C-IDEM', 'wecom', 'wmIdem01');
\set msg '{"msgid": "idem-1", "action": "send", "from": "wmIdem01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415000000, "msgtype": "text", "text": {"content": "PCR-ABS-1000 下周能发货吗?"}}'
SELECT r->>'status' AS first FROM commhub.ingest('wechat', :'msg') r;
SELECT r->>'status' AS again FROM commhub.ingest('wechat', :'msg') r;
-- numbers as strings are the same message
SELECT r->>'status' AS as_strings FROM commhub.ingest('wechat', '{"msgid": "idem-1", "action": "send", "from": "wmIdem01", "tolist": ["wangming"], "roomid": "", "msgtime": "1718415000000", "msgtype": "text", "text": {"content": "PCR-ABS-1000 下周能发货吗?"}}') r;
SELECT created_at AS c0, updated_at AS u0 FROM commhub.customer_communications WHERE source_record_id = 'idem-1' \gset
SELECT pg_sleep(0.01);
SELECT r->>'status' AS changed FROM commhub.ingest('wechat', '{"msgid": "idem-1", "action": "send", "from": "wmIdem01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415000000, "msgtype": "text", "text": {"content": "PCR-ABS-1000 下周三能发货吗?很急"}}') r;
SELECT count(*) AS records, bool_and(created_at = :'c0') AS created_kept, bool_and(updated_at > :'u0') AS updated_moved,
       max(content) AS content
  FROM commhub.customer_communications WHERE source_record_id = 'idem-1';
-- the same email synced from two mailboxes
\set mail '{"messageId": "<quote-77@aux-group.com>", "date": "2024-06-15T09:30:00+08:00", "from": {"value": [{"address": "zhang@idem.cn"}]}, "to": {"value": [{"address": "wang.ming@topcentral.cn"}, {"address": "li.na@topcentral.cn"}]}, "subject": "询价", "text": "请报PCR-ABS价格"}'
SELECT r->>'status' AS inbox_wang FROM commhub.ingest('email', :'mail') r;
SELECT r->>'status' AS inbox_li FROM commhub.ingest('email', :'mail') r;
SELECT count(*) AS one_record FROM commhub.customer_communications WHERE message_id = 'quote-77@aux-group.com';
-- batch: duplicates inside one batch and against stored rows
SELECT commhub.ingest_batch('wechat', jsonb_build_array(:'msg'::jsonb, :'msg'::jsonb,
   '{"msgid": "idem-2", "action": "send", "from": "wmIdem01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415060000, "msgtype": "text", "text": {"content": "好的"}}'::jsonb)) AS batch;
