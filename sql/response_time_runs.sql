-- A4/A6: response time is how long the customer waited.  Two inbound
-- messages before one reply (08:00 a question, 17:00 "还在吗?", 18:00 the
-- reply) are one wait of 10 hours, not two waits of 10 h and 1 h averaged
-- to 5.5 h.  An outbound message before the question and an internal note
-- in between change nothing; a reply on another channel counts.
-- customer_overview's avg_response_minutes (health) averages only the first
-- inbound record of each unanswered run; bi_response_times keeps one row per
-- inbound record and marks those with first_in_run.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-RSP', '响应时间客户');
SELECT commhub.add_identity('C-RSP', 'wecom', 'wmRsp01');
SELECT commhub.add_identity('C-RSP', 'email', 'qian@rsp-test.cn');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
SELECT commhub.add_staff('lisi', 'wecom', 'lisi');
CREATE FUNCTION pg_temp.wx(id text, at text, frm text, too text, txt text) RETURNS text LANGUAGE sql AS $$
  SELECT commhub.ingest('wechat', jsonb_build_object('msgid', id, 'action', 'send', 'from', frm, 'tolist', jsonb_build_array(too),
         'roomid', '', 'msgtime', (extract(epoch FROM at::timestamptz) * 1000)::bigint, 'msgtype', 'text',
         'text', jsonb_build_object('content', txt)))->>'status' $$;
SELECT pg_temp.wx('rsp-0', '2024-06-10 07:00+08', 'wangming', 'wmRsp01', '早上好,新品目录已发您邮箱');
SELECT pg_temp.wx('rsp-1', '2024-06-10 08:00+08', 'wmRsp01', 'wangming', 'PCR-ABS 50吨什么价格?');
SELECT pg_temp.wx('rsp-i', '2024-06-10 12:00+08', 'wangming', 'lisi', '李四,奥克斯那边的价格你帮我核一下');
SELECT pg_temp.wx('rsp-2', '2024-06-10 17:00+08', 'wmRsp01', 'wangming', '还在吗?');
SELECT commhub.ingest('email', '{"messageId": "<rsp-3@topcentral.cn>", "date": "2024-06-10T18:00:00+08:00", "subject": "PCR-ABS报价",
  "text": "钱经理您好,PCR-ABS 50吨含税15800元/吨。", "from": {"value": [{"address": "wang.ming@topcentral.cn"}]},
  "to": {"value": [{"address": "qian@rsp-test.cn"}]}}')->>'status';
-- a second question the next day, answered in 30 minutes
SELECT pg_temp.wx('rsp-4', '2024-06-11 09:00+08', 'wmRsp01', 'wangming', '交期多久?');
SELECT pg_temp.wx('rsp-5', '2024-06-11 09:30+08', 'wangming', 'wmRsp01', '两周');
SELECT source_record_id, direction FROM commhub.customer_communications WHERE customer_id = 'C-RSP' ORDER BY communication_time;
-- (10 h + 0.5 h) / 2 = 315 minutes
SELECT response_minutes FROM commhub.health('C-RSP', '2024-06-12 00:00+08');
SELECT count(*) FROM commhub.refresh_views();
SELECT i.source_record_id AS inbound, r.source_record_id AS reply, b.response_minutes, b.first_in_run
  FROM commhub.bi_response_times b
  JOIN commhub.customer_communications i ON i.record_id = b.inbound_record_id
  LEFT JOIN commhub.customer_communications r ON r.record_id = b.reply_record_id
 WHERE b.customer_id = 'C-RSP' ORDER BY b.inbound_at;
SELECT round(avg(response_minutes) FILTER (WHERE first_in_run), 1) AS avg_wait_minutes
  FROM commhub.bi_response_times WHERE customer_id = 'C-RSP';
