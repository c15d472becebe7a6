-- A1: a call in the 400 CDR and a call in the salesperson's mobile log are
-- the same call only if they go the same way.  The customer calls in (2 min),
-- the salesperson calls back from the mobile 6 minutes later (100 s): two
-- calls, both in the timeline.  The manual log of the inbound call itself
-- still folds into the CDR record.  (The call-back was folded as a
-- near-duplicate of the inbound call: same number, within 10 minutes,
-- durations within 30 s; direction was not compared.)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-DDIR', '来去电去重客户');
SELECT commhub.add_identity('C-DDIR', 'phone', '13600136777');
SELECT commhub.add_staff('wangming', 'phone', '13900139000');
SELECT commhub.ingest('phone', '{"call_sn": "ddir-cdr-1", "tel": "4008208820", "caller_id": "13600136777", "callee_id": "8001",
  "start_time": "2024-06-16 09:00:05", "answer_time": "2024-06-16 09:00:15", "end_time": "2024-06-16 09:02:15",
  "call_duration": 120, "state": "answered"}')->>'status' AS cdr_inbound;
SELECT commhub.ingest('mobile', '{"id": "ddir-mob-1", "number": "13600136777", "type": "out", "start": "2024-06-16 09:06:00",
  "duration": 100, "salesperson": "wangming", "note": "回电告知价格"}')->>'status' AS mobile_callback;
SELECT commhub.ingest('mobile', '{"id": "ddir-mob-2", "number": "13600136777", "type": "in", "start": "2024-06-16 09:00:20",
  "duration": 115, "salesperson": "wangming", "note": "客户来电询价"}')->>'status' AS manual_log_of_inbound;
SELECT c.source_record_id, c.direction, p.source_record_id AS folded_into
  FROM commhub.customer_communications c LEFT JOIN commhub.customer_communications p ON p.record_id = c.canonical_record_id
 WHERE c.customer_id = 'C-DDIR' ORDER BY c.communication_time;
SELECT count(*) AS timeline_rows FROM commhub.timeline('C-DDIR');
