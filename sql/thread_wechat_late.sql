-- A2: a WeCom message that arrives late (a history sync, a device coming
-- back online) and falls between two threads of its chat that it bridges
-- -- each side within commhub.wecom_thread_gap of it -- makes them one
-- thread; the later message gets it as parent.  Also when the late message
-- comes in a batch whose own earlier message is more than the gap away.
-- (The earlier thread took the late message and the later one stayed apart.)
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-WXL', '微信迟到客户');
SELECT commhub.add_identity('C-WXL', 'wecom', 'wmWxl01');
SELECT commhub.add_identity('C-WXL', 'wecom', 'wmWxl02');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
CREATE FUNCTION pg_temp.wxp(id text, hhmm text, frm text, too text, txt text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('msgid', id, 'action', 'send', 'from', frm, 'tolist', jsonb_build_array(too), 'roomid', '',
         'msgtime', (extract(epoch FROM ('2024-06-15 ' || hhmm || ':00+08')::timestamptz) * 1000)::bigint,
         'msgtype', 'text', 'text', jsonb_build_object('content', txt)) $$;
-- chat 1: 10:00 and 10:50 (50 min apart: two threads), 11:30 (40 min after: a third)
SELECT commhub.ingest('wechat', pg_temp.wxp('wxl-1', '10:00', 'wmWxl01', 'wangming', '在吗?'))->>'status';
SELECT commhub.ingest('wechat', pg_temp.wxp('wxl-3', '10:50', 'wmWxl01', 'wangming', '好的,那就这么定了'))->>'status';
SELECT commhub.ingest('wechat', pg_temp.wxp('wxl-4', '11:30', 'wmWxl01', 'wangming', '另外发票怎么开?'))->>'status';
-- then 10:25 arrives: 25 min after 10:00 and 25 before 10:50
SELECT commhub.ingest('wechat', pg_temp.wxp('wxl-2', '10:25', 'wangming', 'wmWxl01', '在的,PCR-ABS 50吨现货'))->>'status';
-- chat 2: 10:20 stored; then a batch of 10:00 and 10:40 (40 min apart, each 20 min from 10:20)
SELECT commhub.ingest('wechat', pg_temp.wxp('wxl-b2', '10:20', 'wmWxl02', 'wangming', '价格能再优惠吗'))->>'status';
SELECT r->>'inserted' AS inserted FROM commhub.ingest_batch('wechat', jsonb_build_array(
    pg_temp.wxp('wxl-b1', '10:00', 'wangming', 'wmWxl02', '您好,报价已发'),
    pg_temp.wxp('wxl-b3', '10:40', 'wangming', 'wmWxl02', '最多再让2%'))) r;
SELECT c.source_record_id, to_char(c.communication_time AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') AS at,
       p.source_record_id AS parent,
       dense_rank() OVER (PARTITION BY c.chat_key ORDER BY t.first_at) AS thread_no
  FROM commhub.customer_communications c
  LEFT JOIN commhub.customer_communications p ON p.record_id = c.parent_record_id
  JOIN (SELECT thread_id, min(communication_time) AS first_at FROM commhub.customer_communications GROUP BY 1) t ON t.thread_id = c.thread_id
 WHERE c.customer_id = 'C-WXL' ORDER BY c.chat_key, c.communication_time;
