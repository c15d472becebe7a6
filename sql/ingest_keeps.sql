-- What a merge, a re-parse or a batch must keep (I1, I5, C1, C3, A2); each
-- case was found by reproducing it against the previous release.
SET commhub.tenant = 'T001';
SET TimeZone = 'Asia/Shanghai';
\set VERBOSITY default
SELECT commhub.add_customer('C-KEEP', '宁波奥克斯空调有限公司') IS NULL AS added;
SELECT commhub.add_staff('wangming', 'domain', 'topcentral.cn') IS NULL AS staff;
SELECT commhub.add_staff('wangming', 'wecom', 'wangming') IS NULL AS staff;

-- 1. Two payloads with one natural key in one batch: the later one meets the
-- first as an existing record, as in two calls.  The two Asterisk legs of one
-- linkedid (unanswered, then answered with a recording) are one call.
SELECT commhub.ingest_batch('phone', '[
 {"src":"+86 138-0013-8000","dst":"8001","calldate":"2024-06-15 10:00:00","answer":"","end":"2024-06-15 10:00:20","duration":20,"billsec":0,"disposition":"NO ANSWER","uniqueid":"1718416800.3001","linkedid":"1718416800.3001"},
 {"src":"+86 138-0013-8000","dst":"8002","calldate":"2024-06-15 10:00:21","answer":"2024-06-15 10:00:25","end":"2024-06-15 10:05:25","duration":304,"billsec":300,"disposition":"ANSWERED","uniqueid":"1718416821.3003","linkedid":"1718416800.3001","recordingfile":"in-8002-13800138000-20240615-100021-1718416821.3003.wav"}
]') AS legs;
SELECT duration, missed, event_count, recording_url IS NOT NULL AS recorded
  FROM commhub.customer_communications WHERE source_record_id = '1718416800.3001';
-- a WeCom message delivered twice with edited content, then a third time unchanged
SELECT commhub.ingest_batch('wechat', '[
 {"msgid":"q2","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718416000000,"msgtype":"text","text":{"content":"第一版"}},
 {"msgid":"q2","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718416000000,"msgtype":"text","text":{"content":"第二版 改了"}},
 {"msgid":"q2","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718416000000,"msgtype":"text","text":{"content":"第二版 改了"}}]') AS edited;
SELECT content, count(*) OVER () AS records FROM commhub.customer_communications WHERE source_record_id = 'q2';

-- 2. A recall survives a re-parse and a merge of the message; the same recall
-- again is a duplicate that changes nothing.
SELECT commhub.ingest('wechat', '{"msgid":"m1","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718415000000,"msgtype":"text","text":{"content":"PCR-ABS什么价?月需求50吨"}}')->>'status' AS sent;
SELECT commhub.ingest('wechat', '{"msgid":"m5","action":"recall","from":"wmZhang","tolist":["wangming"],"msgtime":1718415240000,"msgtype":"revoke","revoke":{"pre_msgid":"m1"}}')->>'status' AS recall;
SELECT extract(epoch FROM updated_at) AS recalled_updated FROM commhub.customer_communications WHERE source_record_id = 'm1' \gset
SELECT commhub.ingest('wechat', '{"msgid":"m5","action":"recall","from":"wmZhang","tolist":["wangming"],"msgtime":1718415240000,"msgtype":"revoke","revoke":{"pre_msgid":"m1"}}')->>'status' AS same_recall;
SELECT extract(epoch FROM updated_at) = :recalled_updated AS unchanged FROM commhub.customer_communications WHERE source_record_id = 'm1';
SELECT commhub.reparse(record_id)->>'status' AS reparsed FROM commhub.customer_communications WHERE source_record_id = 'm1';
SELECT commhub.ingest('wechat', '{"msgid":"m1","action":"send","from":"wmZhang","tolist":["wangming","lijing"],"msgtime":1718415000000,"msgtype":"text","text":{"content":"PCR-ABS什么价?月需求50吨"}}')->>'status' AS remerged;
SELECT recalled_at FROM commhub.customer_communications WHERE source_record_id = 'm1';

-- 3. One Message-ID in three mailboxes: a re-parse and a changed copy from a
-- gateway keep every mailbox.
CREATE FUNCTION pg_temp.mail(box text, body text) RETURNS text LANGUAGE sql AS $$
  SELECT commhub.ingest_email_raw(convert_to(
    E'Message-ID: <keep-1@aux-keep.example>\r\nDate: Mon, 10 Jun 2024 09:05:07 +0800\r\n' ||
    E'From: =?UTF-8?B?5p2O5bel?= <li@aux-keep.example>\r\nTo: wangming@topcentral.cn\r\n' ||
    E'Subject: =?UTF-8?B?5oql5Lu3?=\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n' || body || E'\r\n', 'UTF8'), box)->>'status' $$;
SELECT pg_temp.mail('INBOX', '请报PCR-ABS-1000的价格') AS inbox, pg_temp.mail('Sent', '请报PCR-ABS-1000的价格') AS sent,
       pg_temp.mail('Archive', '请报PCR-ABS-1000的价格') AS archive;
SELECT commhub.reparse(record_id)->>'status' AS reparsed FROM commhub.customer_communications WHERE message_id = 'keep-1@aux-keep.example';
SELECT pg_temp.mail('gw/INBOX', '请报PCR-ABS-1000的价格 [External]') AS gateway_copy;
SELECT mailboxes FROM commhub.customer_communications WHERE message_id = 'keep-1@aux-keep.example';

-- 4. "UNMATCHED" is no customer id; a number beyond 64 bits in an extra field
-- is no reason to refuse a payload.
SELECT commhub.ingest('form', '{"form_id":"f-1","submitted_at":"2024-06-15 10:00","name":"周先生","phone":"13900001111","message":"想要PCR-ABS样品","customer_id":"UNMATCHED"}');
SELECT commhub.ingest_batch('form', '[{"form_id":"f-2","submitted_at":"2024-06-15 10:00","name":"周先生","message":"样品","customer_id":"unmatched"}]')->>'errors' AS batch_errors;
SELECT sqlstate, field, message FROM commhub.ingest_errors WHERE channel = 'form';
SELECT commhub.ingest('form', '{"form_id":"f-3","submitted_at":"2024-06-15 10:00","name":"周先生","phone":"13900001111","message":"订单查询","订单号":202406150930001234567}')->>'status' AS big_number;
SELECT content_original LIKE '%202406150930001234567%' AS digits_kept FROM commhub.customer_communications WHERE source_record_id = 'f-3';

-- 5. The company's own domain or a staff address cannot identify a customer;
-- a record attached later gets the identity's contact.
SELECT commhub.add_identity('C-KEEP', 'domain', 'TopCentral.cn');
SELECT commhub.add_identity('C-KEEP', 'email', 'someone@topcentral.cn');
SELECT commhub.ingest('mobile', '{"id":"MC-1","number":"+86 138-0013-8001","type":"in","start":"2024-06-15 11:00","duration":60,"salesperson":"wangming","note":"问交期"}')->>'status' AS before_identity;
SELECT commhub.add_identity('C-KEEP', 'phone', '+86 138-0013-8001', '李总') IS NULL AS identity;
SELECT c.customer_id, c.match_status, k.name AS contact
  FROM commhub.customer_communications c LEFT JOIN commhub.contacts k ON k.contact_id = c.contact_id
 WHERE c.source_record_id = 'MC-1';

-- 6. An In-Reply-To loop of three (a -> c, b -> a, c -> b) leaves no parent cycle.
CREATE FUNCTION pg_temp.reply(id text, at text, irt text) RETURNS text LANGUAGE sql AS $$
  SELECT commhub.ingest('email', jsonb_build_object('messageId', '<' || id || '>', 'date', at, 'subject', 'loop', 'text', 'body ' || id,
      'inReplyTo', '<' || irt || '>', 'references', jsonb_build_array('<' || irt || '>'),
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'zhang@aux-loop.example'))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'wangming@topcentral.cn')))))->>'status' $$;
SELECT pg_temp.reply('a@loop', '2024-06-11T09:00:00+08:00', 'c@loop') AS a, pg_temp.reply('b@loop', '2024-06-11T10:00:00+08:00', 'a@loop') AS b,
       pg_temp.reply('c@loop', '2024-06-11T11:00:00+08:00', 'b@loop') AS c;
WITH RECURSIVE up(rid, depth) AS (
  SELECT record_id, 0 FROM commhub.customer_communications WHERE message_id IN ('a@loop', 'b@loop', 'c@loop')
  UNION ALL
  SELECT c.parent_record_id, depth + 1 FROM up JOIN commhub.customer_communications c ON c.record_id = up.rid
   WHERE c.parent_record_id IS NOT NULL AND depth < 10)
SELECT max(depth) < 3 AS every_walk_reaches_a_root, count(DISTINCT c.thread_id) AS threads
  FROM up, commhub.customer_communications c WHERE c.message_id IN ('a@loop', 'b@loop', 'c@loop');

-- 7. An evening message's "今天之内" is due by the day's end, never before the
-- message; a past date it tells of sets no due time of its own.
SELECT commhub.ingest('wechat', '{"msgid":"eve-1","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718454600000,"msgtype":"text","text":{"content":"今天之内给我报价，急"}}')->>'status' AS evening;
SELECT communication_time, follow_up_deadline, follow_up_deadline >= communication_time AS after_message
  FROM commhub.customer_communications WHERE source_record_id = 'eve-1';
SELECT bool_and(t.due_at >= c.communication_time) AS tasks_after_message, count(*) AS tasks
  FROM commhub.communication_tasks t JOIN commhub.customer_communications c USING (record_id) WHERE c.source_record_id = 'eve-1';
SELECT commhub.ingest('wechat', '{"msgid":"past-1","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718454600000,"msgtype":"text","text":{"content":"6月10号发的货有黑点，请尽快处理"}}')->>'status' AS past_date;
SELECT follow_up_deadline > communication_time AS after_message FROM commhub.customer_communications WHERE source_record_id = 'past-1';

-- 8. The OCR text of an image stays with its attachment row through the
-- re-parse set_media_text runs (and any later one).
SELECT commhub.ingest('wechat', '{"msgid":"img-1","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718415000000,
  "msgtype":"image","image":{"md5sum":"abc","filesize":1234,"sdkfileid":"sdk1"}}')->>'record_id' AS img \gset
SELECT commhub.set_media_text(:'img', '报价单：PCR-ABS 15800元/吨')->>'status' AS media_text;
SELECT commhub.reparse(:'img')->>'status' AS reparsed;
SELECT c.content, a.file_name, a.ocr_text FROM commhub.customer_communications c
  JOIN commhub.communication_attachments a USING (record_id) WHERE c.record_id = :'img';

-- 9. Action items that name their owner and due time keep them in their
-- tasks; WeCom archive news in the documented shape (info at the top level)
-- keeps its articles; a 3 GB WeCom video is stored, its size in the text.
SELECT commhub.ingest('meeting', '{"meeting_id":"MTG-KEEP-02","customer_id":"C-KEEP","title":"Q3 供货商务谈判",
  "start_time":"2024-06-15 09:30","duration_minutes":120,"location":"3 楼会议室",
  "attendees":["王明",{"name":"李静","email":"li.jing@topcentral.cn"},{"name":"张经理","email":"zhang@aux-group.com"}],
  "minutes":"1. 单价 1180 元/台,2000 台;\n2. 首批 500 台 6 月 30 日前交付。",
  "action_items":[{"item":"起草供货合同","owner":"李静","due":"2024-06-18"},{"task":"寄送样品","assignee":"lijing","deadline":"2024-06-20 12:00"},"确认交付排期"]}')->>'status' AS meeting;
SELECT t.title, t.owner, t.due_at FROM commhub.communication_tasks t JOIN commhub.customer_communications c USING (record_id)
 WHERE c.source_record_id = 'MTG-KEEP-02' AND t.title NOT LIKE '跟进%' ORDER BY t.title;
SELECT commhub.ingest('wechat', '{"msgid":"news-keep-1","action":"send","from":"wmZhang","tolist":["wangming"],"roomid":"","msgtime":1718415000000,
  "msgtype":"news","info":{"item":[{"title":"奥克斯2024招标公告","description":"压缩机采购","url":"https://x.cn/1","picurl":"https://x.cn/1.jpg"}]}}')->>'status' AS news;
SELECT content FROM commhub.customer_communications WHERE source_record_id = 'news-keep-1';
SELECT commhub.ingest('wechat', '{"msgid":"video-keep-1","action":"send","from":"wmZhang","tolist":["wangming"],"msgtime":1718415000000,
  "msgtype":"video","video":{"md5sum":"e0a7c4b0e0a7c4b0e0a7c4b0e0a7c4b0","filesize":3221225472,"play_length":600,"sdkfileid":"sdk-v"}}')->>'status' AS big_video;
SELECT c.content, a.file_size FROM commhub.customer_communications c LEFT JOIN commhub.communication_attachments a USING (record_id)
 WHERE c.source_record_id = 'video-keep-1';

-- 10. WeCom ids and meeting accounts are stored without surrounding blanks;
-- an empty one is refused.
SELECT commhub.add_identity('C-KEEP', 'wecom', '  wmKeep01 ') IS NULL AS trimmed;
SELECT value FROM commhub.customer_identities WHERE kind = 'wecom' AND customer_id = 'C-KEEP';
SELECT commhub.add_identity('C-KEEP', 'wecom', '   ');

-- 11. A parser's JSON copy of a mail stored from its raw message (the same
-- Message-ID through a webhook) is a duplicate: the Cc, the attachment and
-- its SHA-256 stay.  The raw message after a JSON copy still replaces it.
SELECT commhub.ingest_email_raw(convert_to(
 E'From: "Li Gong" <li@keepq-mail.cn>\r\nTo: wangming@topcentral.cn\r\nCc: zhao@keepq-mail.cn\r\n' ||
 E'Subject: =?UTF-8?B?5oql5Lu35Y2V?=\r\nDate: Wed, 12 Jun 2024 16:40:00 +0800\r\nMessage-ID: <keep-q-0612@keepq-mail.cn>\r\n' ||
 E'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' ||
 E'\u8bf7\u67e5\u6536\u62a5\u4ef7\u5355\u3002\r\n' ||
 E'--b\r\nContent-Type: application/pdf; name="quote.pdf"\r\nContent-Disposition: attachment; filename="quote.pdf"\r\n' ||
 E'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MK\r\n--b--\r\n', 'UTF8'), 'INBOX')->>'status' AS raw_first;
SELECT commhub.ingest('email', '{"messageId":"<keep-q-0612@keepq-mail.cn>","date":"2024-06-12T08:40:00.000Z","subject":"报价单",
  "from":{"value":[{"address":"li@keepq-mail.cn","name":"Li Gong"}]},"to":{"value":[{"address":"wangming@topcentral.cn"}]},
  "text":"请查收报价单。"}')->>'status' AS json_copy;
SELECT mailboxes, participants, attachment_count, (SELECT string_agg(file_name || ' ' || left(file_hash, 12), ', ')
  FROM commhub.communication_attachments a WHERE a.record_id = c.record_id) AS attachments
  FROM commhub.customer_communications c WHERE message_id = 'keep-q-0612@keepq-mail.cn';
-- a copy that assigns the mail to a customer (a CRM webhook) says what the
-- raw mail cannot: it merges
SELECT commhub.ingest('email', '{"messageId":"<keep-q-0612@keepq-mail.cn>","date":"2024-06-12T08:40:00.000Z","subject":"报价单",
  "from":{"value":[{"address":"li@keepq-mail.cn","name":"Li Gong"}]},"to":{"value":[{"address":"wangming@topcentral.cn"}]},
  "text":"请查收报价单。","customer_id":"C-KEEP"}')->>'status' AS json_copy_assigning;
SELECT customer_id, match_status FROM commhub.customer_communications WHERE message_id = 'keep-q-0612@keepq-mail.cn';
SELECT commhub.ingest('email', '{"messageId":"<keep-q-0613@keepq-mail.cn>","date":"2024-06-13T08:40:00.000Z","subject":"报价单",
  "from":{"value":[{"address":"li@keepq-mail.cn"}]},"to":{"value":[{"address":"wangming@topcentral.cn"}]},
  "text":"请查收。"}')->>'status' AS json_first;
SELECT commhub.ingest_email_raw(convert_to(
 E'From: li@keepq-mail.cn\r\nTo: wangming@topcentral.cn\r\nCc: zhao@keepq-mail.cn\r\nSubject: quote\r\n' ||
 E'Date: Thu, 13 Jun 2024 16:40:00 +0800\r\nMessage-ID: <keep-q-0613@keepq-mail.cn>\r\n\r\nPlease find the quote.\r\n', 'UTF8'), 'INBOX')->>'status' AS raw_after;
SELECT participants, content FROM commhub.customer_communications WHERE message_id = 'keep-q-0613@keepq-mail.cn';

-- 12. Near-duplicates stored before their customer was known (C3) are linked
-- when add_identity attaches them, either way round: the older record stays
-- canonical and the timeline shows the quotation once.
SELECT commhub.add_customer('C-KEEP-DUP', '去重测试客户') IS NOT NULL AS added;
SELECT commhub.add_identity('C-KEEP-DUP', 'wecom', 'wmKeepDup01') IS NOT NULL AS wecom_known;
SELECT commhub.ingest('email', '{"messageId": "<keep-dup-q1@topcentral.cn>", "date": "2024-06-15T10:00:00+08:00",
  "from": {"value": [{"address": "wang.ming@topcentral.cn"}]}, "to": {"value": [{"address": "zhang@keep-dup.cn"}]},
  "subject": "PCR-ABS-1000报价", "text": "张经理您好,PCR-ABS-1000含税报价15800元/吨,50吨起订,账期30天,交期两周。"}')->>'status' AS email_unmatched;
SELECT commhub.ingest('wechat', '{"msgid": "keep-dup-wx-1", "action": "send", "from": "wangming", "tolist": ["wmKeepDup01"], "roomid": "",
  "msgtime": 1718420400000, "msgtype": "text",
  "text": {"content": "张经理您好,PCR-ABS-1000含税报价15800元/吨,50吨起订,账期30天,交期两周。"}}')->>'status' AS wechat_matched;
SELECT count(*) AS timeline_rows_before FROM commhub.timeline('C-KEEP-DUP');
SELECT commhub.add_identity('C-KEEP-DUP', 'email', 'zhang@keep-dup.cn') IS NOT NULL AS email_attached;
SELECT source_record_id, canonical_record_id IS NOT NULL AS is_duplicate, related_records->0->>'relation' AS relation,
       related_records->0->>'match' AS match
  FROM commhub.customer_communications WHERE customer_id = 'C-KEEP-DUP' ORDER BY id;
SELECT count(*) AS timeline_rows_after FROM commhub.timeline('C-KEEP-DUP');

-- 13. A web chat snapshot delivered after a fuller one of the same session
-- is a duplicate: the fuller chat stays.
\set s1 '{"session_id":"WC-KEEP-1","visitor":{"name":"李工","phone":"13805749999"},"agent":{"id":"kf01","name":"客服小刘"},"messages":[{"from":"visitor","text":"你好,PCR-ABS有现货吗?","time":"2024-06-15 09:30:05"},{"from":"agent","text":"您好,有现货的。","time":"2024-06-15 09:30:40"}]}'
\set s2 '{"session_id":"WC-KEEP-1","visitor":{"name":"李工","phone":"13805749999"},"agent":{"id":"kf01","name":"客服小刘"},"messages":[{"from":"visitor","text":"你好,PCR-ABS有现货吗?","time":"2024-06-15 09:30:05"},{"from":"agent","text":"您好,有现货的。","time":"2024-06-15 09:30:40"},{"from":"visitor","text":"50吨什么价?","time":"2024-06-15 09:31:10"},{"from":"agent","text":"15800元/吨含税。","time":"2024-06-15 09:32:00"}],"ended_at":"2024-06-15 09:40:00"}'
SELECT commhub.ingest('webchat', :'s1')->>'status' AS first_snapshot;
SELECT commhub.ingest('webchat', :'s2')->>'status' AS fuller_snapshot;
SELECT commhub.ingest('webchat', :'s1')->>'status' AS stale_snapshot_again;
SELECT duration, content LIKE '%15800%' AS price_kept FROM commhub.customer_communications WHERE source_record_id = 'WC-KEEP-1';

-- 14. Calls: a carrier's answer_time of 1970 (its "never") leaves the call
-- missed; a call without a note is analysed as no order, inquiry or
-- complaint and gets no task but its call-back.
SELECT commhub.ingest('phone', '{"call_sn":"CS-KEEP-1970","tel":"4008001234","caller_id":"13805748888","callee_id":"13900001111",
  "start_time":"2024-06-15 09:30:00","answer_time":"1970-01-01 08:00:00","end_time":"2024-06-15 09:30:25"}')->>'status' AS carrier_push;
SELECT commhub.ingest('phone', '{"src":"057487650000","dst":"8002","calldate":"2024-06-15 09:40:20","answer":"2024-06-15 09:40:25",
  "end":"2024-06-15 09:46:00","duration":340,"billsec":335,"disposition":"ANSWERED","uniqueid":"1718415620.103","linkedid":"1718415620.103",
  "recordingfile":"in-8002-057487650000.wav"}')->>'status' AS asterisk_cdr;
SELECT source_record_id, missed, duration, intent_category, follow_up_items,
       (SELECT string_agg(t.title, ', ') FROM commhub.communication_tasks t WHERE t.record_id = c.record_id) AS tasks
  FROM commhub.customer_communications c WHERE source_record_id IN ('CS-KEEP-1970', '1718415620.103') ORDER BY 1;

-- 15. Meeting minutes organised by a staff member are outbound, the
-- organizer listed once under their name.
SELECT commhub.add_staff('wangming', 'email', 'wangming@topcentral.cn') IS NOT NULL AS staff;
SELECT commhub.ingest('meeting', '{"meeting_id":"MT-KEEP-ORG","customer_id":"C-KEEP","title":"付款条件讨论","start_time":"2024-06-16 16:30",
  "end_time":"2024-06-16 17:15","organizer":"wangming@topcentral.cn",
  "attendees":[{"name":"王明","email":"wangming@topcentral.cn"},{"name":"张经理","email":"zhang@aux-group.com"}],
  "minutes":"讨论账期,客户希望月结60天。我方同意45天。"}')->>'status' AS meeting;
SELECT direction, participants FROM commhub.customer_communications WHERE source_record_id = 'MT-KEEP-ORG';

-- 16. Calling back a missed call after an unanswered attempt: the attempt
-- joins the missed call's thread without a call-back task of its own, and
-- the call-back that got through closes the missed call's task -- one by
-- one and in one batch.
SELECT commhub.add_staff('wangming', 'phone', '13900001111') IS NOT NULL AS staff_phone;
SELECT commhub.ingest('phone', '{"call_sn":"CS-KEEP-CB","tel":"4008001234","caller_id":"13805747777","callee_id":"13900001111",
  "start_time":"2024-06-15 10:00:00","end_time":"2024-06-15 10:00:30","call_duration":0,"state":"未接"}')->>'status' AS missed;
SELECT commhub.ingest('mobile', '{"id":"m-keep-1","number":"13805747777","type":"outgoing","date":"2024-06-15 10:10:00","duration":0,"staff":"wangming"}')->>'status' AS attempt;
SELECT commhub.ingest('mobile', '{"id":"m-keep-2","number":"13805747777","type":"outgoing","date":"2024-06-15 10:20:00","duration":185,"staff":"wangming"}')->>'status' AS call_back;
SELECT commhub.ingest_batch('mobile', '[
  {"id":"m-keep-3","number":"13805746666","type":"missed","date":"2024-06-15 11:00:00","duration":0,"staff":"wangming"},
  {"id":"m-keep-4","number":"13805746666","type":"outgoing","date":"2024-06-15 11:10:00","duration":0,"staff":"wangming"},
  {"id":"m-keep-5","number":"13805746666","type":"outgoing","date":"2024-06-15 11:20:00","duration":60,"staff":"wangming"}]') - 'total' AS batch;
SELECT c.source_record_id, c.direction, c.missed, p.source_record_id AS parent,
       c.thread_id = first_value(c.thread_id) OVER (PARTITION BY c.call_number ORDER BY c.communication_time) AS same_thread,
       (SELECT string_agg(t.title || ' ' || t.status, ', ') FROM commhub.communication_tasks t WHERE t.record_id = c.record_id) AS tasks
  FROM commhub.customer_communications c LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
 WHERE c.call_number IN ('13805747777', '13805746666') ORDER BY c.communication_time;

-- 17. A customer dormant for more than 180 days still has a last contact.
SELECT commhub.add_customer('C-KEEP-DORMANT', '沉睡客户') IS NOT NULL AS added;
SELECT commhub.ingest('visit', '{"visit_id":"V-KEEP-OLD","customer_id":"C-KEEP-DORMANT","visit_date":"2023-01-10 10:00","content":"年度拜访"}')->>'status' AS old_visit;
SELECT last_contact, score FROM commhub.health('C-KEEP-DORMANT', '2024-06-15');
SELECT commhub.customer_overview('C-KEEP-DORMANT')->'last_contact'->>'at' IS NOT NULL AS overview_has_last_contact;
