-- I5 / A2: one Message-ID is one message in every mailbox -- but some
-- mailers reuse Message-IDs for different mails.  A mail whose ID is
-- already taken by a mail from another sender (or from the same sender,
-- more than a day apart, under another subject) is stored beside it under
-- a key of its own, not merged over it (the first mail's text was lost).
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-MID', '消息编号客户');
SELECT commhub.add_identity('C-MID', 'domain', 'mid-cust.cn');
CREATE FUNCTION pg_temp.mail(sender text, at text, subj text, body text) RETURNS jsonb
LANGUAGE sql AS $$
  SELECT jsonb_build_object('messageId', '<reused-0001@mailer.local>', 'date', at, 'subject', subj, 'text', body,
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', sender))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'sales@topcentral.cn')))) $$;
SELECT commhub.ingest('email', pg_temp.mail('li@mid-cust.cn', '2024-06-10T09:00:00+08:00', '报价请求', '请报PCR-ABS价格')) ->> 'status' AS first;
-- another sender, same ID: a mail of its own
SELECT commhub.ingest('email', pg_temp.mail('zhao@mid-cust.cn', '2024-06-12T15:00:00+08:00', '发票问题', '上月发票抬头有误')) ->> 'status' AS other_sender;
-- the same sender, two weeks later, another subject: a mail of its own
SELECT commhub.ingest('email', pg_temp.mail('LI@mid-cust.cn', '2024-06-24T10:00:00+08:00', '交期确认', '7月的货什么时候到')) ->> 'status' AS later_mail;
-- re-deliveries find their own records; a corrected parse of the first
-- (same sender, same time) still merges into it
SELECT commhub.ingest('email', pg_temp.mail('zhao@mid-cust.cn', '2024-06-12T15:00:00+08:00', '发票问题', '上月发票抬头有误')) ->> 'status' AS other_again;
SELECT commhub.ingest('email', pg_temp.mail('li@mid-cust.cn', '2024-06-24T10:00:00+08:00', '交期确认', '7月的货什么时候到')) ->> 'status' AS later_again;
SELECT commhub.ingest('email', pg_temp.mail('Li@mid-cust.cn', '2024-06-10T09:00:00+08:00', '报价请求', '请报PCR-ABS价格,谢谢')) ->> 'status' AS first_corrected;
SELECT subject, content, message_id, source_record_id = message_id AS plain_key
  FROM commhub.customer_communications WHERE customer_id = 'C-MID' ORDER BY communication_time;
-- reparse keeps each record its own
SELECT count(*) AS reparsed FROM commhub.customer_communications c, LATERAL commhub.reparse(c.record_id) r WHERE c.customer_id = 'C-MID';
SELECT subject, content FROM commhub.customer_communications WHERE customer_id = 'C-MID' ORDER BY communication_time;
-- two different mails with one new ID in one batch: both stored
SELECT commhub.ingest_batch('email', jsonb_build_array(
    pg_temp.mail('qian@mid-cust.cn', '2024-07-01T09:00:00+08:00', '样品', '样品已收到') || '{"messageId": "<reused-0002@mailer.local>"}',
    pg_temp.mail('sun@mid-cust.cn', '2024-07-01T09:05:00+08:00', '合同', '合同已盖章') || '{"messageId": "<reused-0002@mailer.local>"}')) AS batch;
SELECT subject FROM commhub.customer_communications WHERE message_id = 'reused-0002@mailer.local' ORDER BY communication_time;
