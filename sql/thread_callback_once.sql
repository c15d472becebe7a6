-- A2: a missed call has ONE call-back: the first call on that number after
-- it (within 24 h).  A later call that day is a conversation of its own,
-- whether the calls come one by one or in one batch.  (One by one, every
-- answered call within 24 h of a missed call used to join the missed
-- call's thread as another "call-back".)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-CB1', '回拨测试客户');
SELECT commhub.add_identity('C-CB1', 'phone', '13700137101');
SELECT commhub.add_customer('C-CB2', '回拨测试客户(批量)');
SELECT commhub.add_identity('C-CB2', 'phone', '13700137102');
SELECT commhub.add_staff('wangming', 'phone', '13900139000');
CREATE TEMP TABLE cb_calls AS
SELECT customer, jsonb_build_array(
  jsonb_build_object('call_sn', 'cb-missed-' || n, 'tel', '4008208820', 'caller_id', phone, 'callee_id', '8001',
                     'start_time', '2024-06-15 09:00:00', 'call_duration', 0, 'state', 'noanswer'),
  jsonb_build_object('id', 'cb-back-' || n, 'number', phone, 'type', 'out', 'start', '2024-06-15 09:30:00',
                     'duration', 240, 'salesperson', 'wangming', 'note', '回拨客户'),
  jsonb_build_object('id', 'cb-later-' || n, 'number', phone, 'type', 'in', 'start', '2024-06-15 15:00:00',
                     'duration', 600, 'salesperson', 'wangming', 'note', '客户来电问交期')) AS calls
  FROM (VALUES ('C-CB1', 1, '13700137101'), ('C-CB2', 2, '13700137102')) v(customer, n, phone);
-- C-CB1 one by one
SELECT commhub.ingest('phone', calls->0)->>'status' AS missed FROM cb_calls WHERE customer = 'C-CB1';
SELECT commhub.ingest('mobile', calls->1)->>'status' AS callback FROM cb_calls WHERE customer = 'C-CB1';
SELECT commhub.ingest('mobile', calls->2)->>'status' AS later FROM cb_calls WHERE customer = 'C-CB1';
-- C-CB2: the missed call, then the two mobile logs in one batch
SELECT commhub.ingest('phone', calls->0)->>'status' AS missed FROM cb_calls WHERE customer = 'C-CB2';
SELECT r->>'inserted' AS inserted FROM cb_calls, commhub.ingest_batch('mobile', jsonb_build_array(calls->1, calls->2)) r
 WHERE customer = 'C-CB2';
SELECT c.customer_id, left(c.source_record_id, 9) AS call, c.missed, left(p.source_record_id, 9) AS parent,
       c.thread_id = m.thread_id AS in_missed_thread
  FROM commhub.customer_communications c
  LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
  JOIN commhub.customer_communications m ON m.customer_id = c.customer_id AND m.missed
 WHERE c.customer_id IN ('C-CB1', 'C-CB2')
 ORDER BY c.customer_id, c.communication_time;
