-- A2: the subject fallback (a reply subject and no reply headers) joins an
-- earlier email of the same customer only when they share a participant --
-- an email ADDRESS.  Every email of a customer shares the customer's domain
-- and the company's own, so a shared domain proves nothing: two colleagues
-- of the customer each writing "Re: 报价" to a different salesperson are two
-- conversations.  The same one by one and in one batch.  (The overlap was
-- taken over all identity keys, domains included, and a batch did not
-- check participants at all.)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-SUBJ1', '主题回退客户');
SELECT commhub.add_identity('C-SUBJ1', 'domain', 'subj1-test.cn');
SELECT commhub.add_customer('C-SUBJ2', '主题回退客户(批量)');
SELECT commhub.add_identity('C-SUBJ2', 'domain', 'subj2-test.cn');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
SELECT commhub.add_staff('sunli', 'email', 'sun.li@topcentral.cn');
SELECT commhub.add_staff('internal', 'domain', 'topcentral.cn');
CREATE FUNCTION pg_temp.m(id text, at text, subj text, frm text, too text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('messageId', '<' || id || '>', 'date', at, 'subject', subj, 'text', '关于报价的邮件 ' || id,
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', frm))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', too)))) $$;
CREATE TEMP TABLE subj_mails AS
SELECT d, jsonb_build_array(
    pg_temp.m('sp1-' || d, '2024-06-10T09:00:00+08:00', '报价', 'zhang@' || d, 'wang.ming@topcentral.cn'),
    -- a colleague of zhang, to another salesperson, no address in common
    pg_temp.m('sp2-' || d, '2024-06-11T09:00:00+08:00', 'Re: 报价', 'li@' || d, 'sun.li@topcentral.cn'),
    -- zhang again: shares zhang@ and wang.ming@ with the first
    pg_temp.m('sp3-' || d, '2024-06-12T09:00:00+08:00', '回复：报价', 'wang.ming@topcentral.cn', 'zhang@' || d)) AS mails
  FROM (VALUES ('subj1-test.cn'), ('subj2-test.cn')) v(d);
SELECT commhub.ingest('email', mails->0)->>'status' FROM subj_mails WHERE d = 'subj1-test.cn';
SELECT commhub.ingest('email', mails->1)->>'status' FROM subj_mails WHERE d = 'subj1-test.cn';
SELECT commhub.ingest('email', mails->2)->>'status' FROM subj_mails WHERE d = 'subj1-test.cn';
SELECT r->>'inserted' AS inserted FROM subj_mails, commhub.ingest_batch('email', mails) r WHERE d = 'subj2-test.cn';
SELECT c.customer_id, left(c.message_id, 3) AS mail, left(p.message_id, 3) AS parent,
       dense_rank() OVER (PARTITION BY c.customer_id ORDER BY t.first_at) AS thread_no
  FROM commhub.customer_communications c
  LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
  JOIN (SELECT thread_id, min(communication_time) AS first_at FROM commhub.customer_communications GROUP BY 1) t ON t.thread_id = c.thread_id
 WHERE c.customer_id IN ('C-SUBJ1', 'C-SUBJ2') ORDER BY c.customer_id, c.communication_time;
