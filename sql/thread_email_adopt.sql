-- A2: a reply that arrives before its parent and names only the parent
-- (In-Reply-To, References cut to the parent or absent -- many clients
-- send no References) starts a thread of its own; when the parent arrives
-- and adopts it, the reply and everything under it move into the parent's
-- thread.  (The parent was set but the reply itself stayed in its own
-- thread: the thread fold and the parent update were one statement, which
-- cannot update the same row twice.)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-ADOPT', '收养回复客户');
SELECT commhub.add_identity('C-ADOPT', 'domain', 'adopt-test.cn');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
CREATE FUNCTION pg_temp.mail(id text, at text, subj text, irt text DEFAULT NULL, refs text[] DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
  SELECT commhub.ingest('email', jsonb_strip_nulls(jsonb_build_object('messageId', '<' || id || '>', 'date', at, 'subject', subj,
      'text', '邮件 ' || id,
      'inReplyTo', CASE WHEN irt IS NOT NULL THEN '<' || irt || '>' END,
      'references', (SELECT jsonb_agg('<' || r || '>') FROM unnest(refs) r),
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'zhou@adopt-test.cn'))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'wang.ming@topcentral.cn'))))))->>'status' $$;
-- t1 root; t3 (References cut to t2) and t4 (In-Reply-To t3 only) arrive before t2
SELECT pg_temp.mail('ad-t1', '2024-06-12T09:00:00+08:00', '合同');
SELECT pg_temp.mail('ad-t3', '2024-06-12T11:00:00+08:00', 'Re: 合同', 'ad-t2', ARRAY['ad-t2']);
SELECT pg_temp.mail('ad-t4', '2024-06-12T12:00:00+08:00', 'Re: 合同', 'ad-t3');
SELECT pg_temp.mail('ad-t2', '2024-06-12T10:00:00+08:00', 'Re: 合同', 'ad-t1', ARRAY['ad-t1']);
SELECT c.message_id, p.message_id AS parent, c.thread_id = r.thread_id AS in_root_thread
  FROM commhub.customer_communications c
  LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
  JOIN commhub.customer_communications r ON r.message_id = 'ad-t1'
 WHERE c.customer_id = 'C-ADOPT' ORDER BY c.communication_time;
SELECT string_agg(message_id, ' ' ORDER BY communication_time) AS thread
  FROM commhub.thread((SELECT thread_id FROM commhub.customer_communications WHERE message_id = 'ad-t1'));
-- A reply without In-Reply-To names its parent last in References.  r3
-- (References r1 r2) arrives before r2: its nearest known message is r1;
-- when r2 arrives, r2 becomes r3's parent (it stayed r1).  r5 (References
-- r1 r4) arrives first of all, with no known message: r4 adopts it.
SELECT pg_temp.mail('ad-r1', '2024-06-13T09:00:00+08:00', '报价单');
SELECT pg_temp.mail('ad-r5', '2024-06-13T13:00:00+08:00', 'Re: 报价单', NULL, ARRAY['ad-r1x', 'ad-r4']);
SELECT pg_temp.mail('ad-r3', '2024-06-13T11:00:00+08:00', 'Re: 报价单', NULL, ARRAY['ad-r1', 'ad-r2']);
SELECT p.message_id AS parent_of_r3_before_r2 FROM commhub.customer_communications c
  JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id WHERE c.message_id = 'ad-r3';
SELECT pg_temp.mail('ad-r2', '2024-06-13T10:00:00+08:00', 'Re: 报价单', 'ad-r1', ARRAY['ad-r1']);
SELECT pg_temp.mail('ad-r4', '2024-06-13T12:00:00+08:00', 'Re: 报价单', NULL, ARRAY['ad-r1x']);
SELECT c.message_id, p.message_id AS parent
  FROM commhub.customer_communications c
  LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
 WHERE c.message_id LIKE 'ad-r%' ORDER BY c.communication_time;
