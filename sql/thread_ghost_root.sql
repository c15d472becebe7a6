-- A2: mails that share the first entry of References are one conversation
-- even when that root was never stored (JWZ's ghost root: a ticket system's
-- opening mail, notmuch's ghost-root fixtures), in any order of arrival, by
-- single ingests or in one batch.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-GHOST', '线程测试客户') IS NOT NULL AS added;
SELECT commhub.add_identity('C-GHOST', 'domain', 'ghost-test.cn') IS NOT NULL AS domain;
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn') IS NOT NULL AS staff;
CREATE FUNCTION pg_temp.mail(id text, at text, subj text, body text, irt text DEFAULT NULL, refs text[] DEFAULT NULL,
                             frm text DEFAULT 'zhang@ghost-test.cn', too text DEFAULT 'wang.ming@topcentral.cn') RETURNS jsonb
LANGUAGE sql AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object('messageId', '<' || id || '>', 'date', at, 'subject', subj, 'text', body,
      'inReplyTo', CASE WHEN irt IS NOT NULL THEN '<' || irt || '>' END,
      'references', (SELECT jsonb_agg('<' || r || '>') FROM unnest(refs) r),
      'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', frm))),
      'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', too))))) $$;
-- A ticket: the customer's mail f1, the ticket system's auto-reply f2
-- (replies to f1, references the ticket) and its "resolved" f3 (references
-- only the ticket, which is never synced).
CREATE TEMP TABLE ticket(k text, ord int, payload jsonb);
INSERT INTO ticket VALUES
 ('f1', 1, pg_temp.mail('f1@ghost', '2024-06-11T09:00:00+08:00', '投诉 #33575', '上批货有黑点,请处理')),
 ('f2', 2, pg_temp.mail('f2@ghost', '2024-06-11T09:10:00+08:00', 'AutoReply: 投诉 #33575', '已收到您的工单', 'f1@ghost',
        ARRAY['ticket-33575@ghost', 'f1@ghost'], 'wang.ming@topcentral.cn', 'zhang@ghost-test.cn')),
 ('f3', 3, pg_temp.mail('f3@ghost', '2024-06-12T09:00:00+08:00', 'Resolved: 投诉 #33575', '工单已解决', NULL,
        ARRAY['ticket-33575@ghost'], 'wang.ming@topcentral.cn', 'zhang@ghost-test.cn'));
-- every order of arrival, one ingest each: one thread
CREATE TEMP TABLE orders(o text[]);
INSERT INTO orders VALUES ('{f1,f2,f3}'), ('{f3,f1,f2}'), ('{f3,f2,f1}'), ('{f2,f3,f1}');
CREATE TEMP TABLE result(o text, threads int, parents text);
DO $$
DECLARE r record; kk text;
BEGIN
  FOR r IN SELECT o FROM orders LOOP
    DELETE FROM commhub.communication_tasks;
    DELETE FROM commhub.customer_communications;
    FOREACH kk IN ARRAY r.o LOOP
      PERFORM commhub.ingest('email', (SELECT payload FROM ticket WHERE ticket.k = kk));
    END LOOP;
    INSERT INTO result SELECT array_to_string(r.o, ' '), count(DISTINCT thread_id),
           string_agg(message_id || '<-' || coalesce((SELECT p.message_id FROM commhub.customer_communications p
                                                       WHERE p.record_id = c.parent_record_id), '-'), ' ' ORDER BY message_id)
      FROM commhub.customer_communications c;
  END LOOP;
END $$;
SELECT * FROM result ORDER BY o;
-- in one batch, last first
DELETE FROM commhub.communication_tasks;
DELETE FROM commhub.customer_communications;
SELECT commhub.ingest_batch('email', (SELECT jsonb_agg(payload ORDER BY ord DESC) FROM ticket))->>'inserted' AS batch_inserted;
SELECT count(DISTINCT thread_id) AS batch_threads FROM commhub.customer_communications;
-- another conversation with its own root stays apart
SELECT commhub.ingest('email', pg_temp.mail('g1@ghost', '2024-06-12T10:00:00+08:00', 'Resolved: 投诉 #40000', '工单已解决', NULL,
        ARRAY['ticket-40000@ghost'], 'wang.ming@topcentral.cn', 'zhang@ghost-test.cn'))->>'status' AS other_ticket;
SELECT count(DISTINCT thread_id) AS threads_now FROM commhub.customer_communications;
-- a mail that joins a stored conversation takes its thread: the
-- conversation keeps its thread id
DELETE FROM commhub.communication_tasks;
DELETE FROM commhub.customer_communications;
SELECT commhub.ingest('email', payload)->>'status' AS stored FROM ticket WHERE k IN ('f1', 'f2') ORDER BY ord;
SELECT thread_id AS t_before FROM commhub.customer_communications WHERE message_id = 'f1@ghost' \gset
SELECT commhub.ingest('email', payload)->>'status' AS f3 FROM ticket WHERE k = 'f3';
SELECT message_id, thread_id = :'t_before' AS kept_thread FROM commhub.customer_communications ORDER BY message_id;
-- another customer's mail with the same root (a ticket system numbering
-- every customer's tickets alike) stays in its own conversation
SELECT commhub.add_customer('C-GHOST2', '另一客户') IS NOT NULL AS added;
SELECT commhub.add_identity('C-GHOST2', 'domain', 'ghost2-test.cn') IS NOT NULL AS domain;
SELECT commhub.ingest('email', pg_temp.mail('h1@ghost', '2024-06-12T11:00:00+08:00', 'Resolved: 投诉 #33575', '工单已解决', NULL,
        ARRAY['ticket-33575@ghost'], 'wang.ming@topcentral.cn', 'li@ghost2-test.cn'))->>'status' AS other_customer;
SELECT customer_id, count(DISTINCT thread_id) AS threads, bool_or(thread_id = :'t_before') AS in_first_conversation
  FROM commhub.customer_communications GROUP BY customer_id ORDER BY customer_id;
