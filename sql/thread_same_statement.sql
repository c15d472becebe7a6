-- A2: records ingested by ONE statement -- SELECT commhub.ingest(...) FROM
-- a staging table, the usual way to load a history -- thread exactly as
-- when ingested one statement at a time: each call's lookups must see what
-- the calls before it in the same statement wrote.  (The lookups ran
-- read-only on the statement's snapshot: three WeCom messages one minute
-- apart became three threads, an email reply lost its parent, a call-back
-- its missed call.)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-SST', '同语句线程客户');
SELECT commhub.add_identity('C-SST', 'wecom', 'wmSst01');
SELECT commhub.add_identity('C-SST', 'email', 'zhao@sst-test.cn');
SELECT commhub.add_identity('C-SST', 'phone', '13700137201');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
CREATE TEMP TABLE sst_staging (n int, channel text, payload jsonb);
INSERT INTO sst_staging VALUES
 (1, 'wechat', '{"msgid": "sst-wx-1", "action": "send", "from": "wmSst01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415000000, "msgtype": "text", "text": {"content": "在吗?"}}'),
 (2, 'wechat', '{"msgid": "sst-wx-2", "action": "send", "from": "wangming", "tolist": ["wmSst01"], "roomid": "", "msgtime": 1718415060000, "msgtype": "text", "text": {"content": "在的"}}'),
 (3, 'wechat', '{"msgid": "sst-wx-3", "action": "send", "from": "wmSst01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415120000, "msgtype": "text", "text": {"content": "PCR-ABS现货有吗"}}'),
 (4, 'email', '{"messageId": "<sst-e1@sst-test.cn>", "date": "2024-06-10T09:00:00+08:00", "subject": "样品", "text": "请寄样品",
                "from": {"value": [{"address": "zhao@sst-test.cn"}]}, "to": {"value": [{"address": "wang.ming@topcentral.cn"}]}}'),
 (5, 'email', '{"messageId": "<sst-e2@topcentral.cn>", "date": "2024-06-10T10:00:00+08:00", "subject": "Re: 样品", "text": "已寄出",
                "inReplyTo": "<sst-e1@sst-test.cn>", "references": ["<sst-e1@sst-test.cn>"],
                "from": {"value": [{"address": "wang.ming@topcentral.cn"}]}, "to": {"value": [{"address": "zhao@sst-test.cn"}]}}'),
 (6, 'phone', '{"call_sn": "sst-call-1", "tel": "4008208820", "caller_id": "13700137201", "callee_id": "8001",
                "start_time": "2024-06-15 09:00:00", "call_duration": 0, "state": "noanswer"}'),
 (7, 'mobile', '{"id": "sst-mob-1", "number": "13700137201", "type": "out", "start": "2024-06-15 09:30:00",
                 "duration": 240, "salesperson": "wangming", "note": "回拨客户"}');
-- one statement, one call per row, in order
SELECT n, commhub.ingest(channel, payload)->>'status' AS status FROM sst_staging ORDER BY n;
SELECT c.source_record_id, left(p.source_record_id, 12) AS parent,
       c.thread_id = p.thread_id AS same_thread_as_parent,
       count(*) OVER (PARTITION BY c.thread_id) AS thread_size
  FROM commhub.customer_communications c LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
 WHERE c.customer_id = 'C-SST' ORDER BY c.communication_time, c.source_record_id;
SELECT t.status AS callback_task FROM commhub.communication_tasks t JOIN commhub.customer_communications c USING (record_id)
 WHERE c.source_record_id = 'sst-call-1' AND t.title LIKE '回拨%';
