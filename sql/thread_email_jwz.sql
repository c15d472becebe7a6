-- A2: email threads by Message-ID / In-Reply-To / References (JWZ).  A reply
-- that arrives before its parent, a reference cycle and two conversations
-- that both say "报价" but carry their own References each do the right thing;
-- only messages without reply headers fall back to the normalized subject.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-THR', '线程测试客户');
SELECT commhub.add_identity('C-THR', 'domain', 'thr-test.cn');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
CREATE FUNCTION pg_temp.mail(id text, at text, subj text, body text, irt text DEFAULT NULL, refs text[] DEFAULT NULL,
                             frm text DEFAULT 'zhang@thr-test.cn', too text DEFAULT 'wang.ming@topcentral.cn') RETURNS text
LANGUAGE sql AS $$
  SELECT commhub.ingest('email', jsonb_strip_nulls(jsonb_build_object('messageId', '<' || id || '>', 'date', at, 'subject', subj, 'text', body,
      'inReplyTo', CASE WHEN irt IS NOT NULL THEN '<' || irt || '>' END,
      'references', (SELECT jsonb_agg('<' || r || '>') FROM unnest(refs) r),
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', frm))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', too))))))->>'status' $$;
-- Conversation A: root, then a grandchild arrives BEFORE its parent.
SELECT pg_temp.mail('a1@thr', '2024-06-10T09:00:00+08:00', '报价', 'PCR-ABS-1000 请报价');
SELECT pg_temp.mail('a3@thr', '2024-06-10T11:00:00+08:00', 'Re: Re: 报价', '好的,确认', 'a2@thr', ARRAY['a1@thr', 'a2@thr']);
SELECT pg_temp.mail('a2@thr', '2024-06-10T10:00:00+08:00', 'RE：报价', '15800元/吨', 'a1@thr', ARRAY['a1@thr'], 'wang.ming@topcentral.cn', 'zhang@thr-test.cn');
-- Conversation B: also "报价", its own References: must not join A.
SELECT pg_temp.mail('b1@thr', '2024-06-11T09:00:00+08:00', '报价', 'PP-T20 请报价');
SELECT pg_temp.mail('b2@thr', '2024-06-11T10:00:00+08:00', '回复: 报价', 'PP-T20 9800元/吨', 'b1@thr', ARRAY['b1@thr'], 'wang.ming@topcentral.cn', 'zhang@thr-test.cn');
-- A cycle: c1 references c2 and c2 references c1.
SELECT pg_temp.mail('c1@thr', '2024-06-12T09:00:00+08:00', '样品', '样品寄出', 'c2@thr', ARRAY['c2@thr']);
SELECT pg_temp.mail('c2@thr', '2024-06-12T10:00:00+08:00', 'Re: 样品', '收到', 'c1@thr', ARRAY['c1@thr']);
-- No reply headers: subject fallback with a shared participant within 30 days.
SELECT pg_temp.mail('d1@thr', '2024-06-13T09:00:00+08:00', '交期确认', '7月中旬能交货吗');
SELECT pg_temp.mail('d2@thr', '2024-06-14T09:00:00+08:00', '答复：交期确认', '可以', NULL, NULL, 'wang.ming@topcentral.cn', 'zhang@thr-test.cn');
SELECT pg_temp.mail('d3@thr', '2024-08-20T09:00:00+08:00', 'Re: 交期确认', '新的一批呢?');   -- 68 days later: new thread

SELECT message_id, (SELECT message_id FROM commhub.customer_communications p WHERE p.record_id = c.parent_record_id) AS parent,
       dense_rank() OVER (ORDER BY thread_id) AS thread_no
  FROM commhub.customer_communications c WHERE customer_id = 'C-THR' ORDER BY message_id;
SELECT count(DISTINCT thread_id) AS threads FROM commhub.customer_communications WHERE customer_id = 'C-THR';
-- a whole thread in order
SELECT message_id FROM commhub.thread((SELECT thread_id FROM commhub.customer_communications WHERE message_id = 'a1@thr'));
