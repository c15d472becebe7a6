-- A2: a WeCom chat splits into threads after commhub.wecom_thread_gap of
-- silence (30 min default); a call-back within 24 h after a missed call
-- joins the missed call's thread and closes its follow-up.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-WXT', '微信线程客户');
SELECT commhub.add_identity('C-WXT', 'wecom', 'wmWxt01');
SELECT commhub.add_identity('C-WXT', 'phone', '13700137000');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
CREATE FUNCTION pg_temp.wx(id text, ms bigint, frm text, too text, txt text) RETURNS text LANGUAGE sql AS $$
  SELECT commhub.ingest('wechat', jsonb_build_object('msgid', id, 'action', 'send', 'from', frm, 'tolist', jsonb_build_array(too),
         'roomid', '', 'msgtime', ms, 'msgtype', 'text', 'text', jsonb_build_object('content', txt)))->>'status' $$;
SELECT pg_temp.wx('wxt-1', 1718415000000, 'wmWxt01', 'wangming', '在吗?PCR-ABS现货有吗');
SELECT pg_temp.wx('wxt-2', 1718415000000 + 5 * 60000, 'wangming', 'wmWxt01', '有现货,50吨');
SELECT pg_temp.wx('wxt-3', 1718415000000 + 20 * 60000, 'wmWxt01', 'wangming', '好的,明天下单');
SELECT pg_temp.wx('wxt-4', 1718415000000 + 80 * 60000, 'wmWxt01', 'wangming', '另外发票什么时候开?');
SELECT source_record_id, dense_rank() OVER (ORDER BY min_t) AS thread_no
  FROM (SELECT source_record_id, thread_id, min(communication_time) OVER (PARTITION BY thread_id) AS min_t
          FROM commhub.customer_communications WHERE customer_id = 'C-WXT' AND communication_type = 'wechat') x
 ORDER BY source_record_id;
SELECT chat_key FROM commhub.customer_communications WHERE source_record_id = 'wxt-1';
-- missed call, then the salesperson calls back within 24 h
SELECT commhub.ingest('phone', '{"call_sn": "wxt-call-1", "tel": "4008208820", "caller_id": "13700137000", "callee_id": "8001",
  "start_time": "2024-06-15 09:00:00", "call_duration": 0, "state": "noanswer"}')->>'status' AS missed_call;
SELECT commhub.ingest('mobile', '{"id": "wxt-mob-1", "number": "137 0013 7000", "type": "out", "start": "2024-06-15 10:30:00",
  "duration": 240, "salesperson": "wangming", "note": "回拨客户,确认明天下单"}')->>'status' AS callback;
SELECT c.communication_type, c.missed, c.follow_up_status, p.source_record_id AS parent,
       c.thread_id = p.thread_id AS same_thread
  FROM commhub.customer_communications c LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
 WHERE c.customer_id = 'C-WXT' AND c.communication_type IN ('phone', 'mobile') ORDER BY c.communication_time;
SELECT t.status FROM commhub.communication_tasks t JOIN commhub.customer_communications c USING (record_id)
 WHERE c.source_record_id = 'wxt-call-1' AND t.title LIKE '回拨%';
