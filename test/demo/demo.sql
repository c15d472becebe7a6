-- commhub demo: one week of 宁波奥克斯空调有限公司 over every channel.
-- Times are relative to now() so the panorama shows 今天 / 昨天.
\pset pager off
\set QUIET on
\o /dev/null
\set ON_ERROR_STOP on
SET client_min_messages = warning;

\o
\echo '== 1. Customer, contacts and staff'
\o /dev/null
SELECT commhub.add_customer('C-AUX', '宁波奥克斯空调有限公司', 'vip', 'wangming');
SELECT commhub.add_identity('C-AUX', 'domain', 'aux-group.com');
SELECT commhub.add_identity('C-AUX', 'email', '张经理 <zhang@aux-group.com>', '张经理');
SELECT commhub.add_identity('C-AUX', 'phone', '0574-8765 4321', '张经理');
SELECT commhub.add_identity('C-AUX', 'phone', '+86 138 0013 8000', '张经理');
SELECT commhub.add_identity('C-AUX', 'wecom', 'wmZhangJL_aux', '张经理');
SELECT commhub.add_identity('C-AUX', 'email', 'li.gong@aux-group.com', '李工');
SELECT commhub.add_staff('wangming', 'email', 'wang.ming@topcentral.cn');
SELECT commhub.add_staff('wangming', 'wecom', 'wangming');
SELECT commhub.add_staff('wangming', 'phone', '13912345678');
SELECT commhub.add_staff('hotline', 'phone', '400-820-8820');
SELECT commhub.add_staff('topcentral', 'domain', 'topcentral.cn');

-- d(days_ago, 'HH24:MI') -> that local Shanghai time
CREATE TEMP TABLE demo_times AS
SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS today0;
CREATE FUNCTION pg_temp.d(days int, hm text) RETURNS timestamptz LANGUAGE sql AS
$$ SELECT today0 - make_interval(days => days) + hm::time FROM demo_times $$;
CREATE FUNCTION pg_temp.ep(t timestamptz) RETURNS bigint LANGUAGE sql AS $$ SELECT extract(epoch FROM t)::bigint $$;
CREATE FUNCTION pg_temp.loc(t timestamptz) RETURNS text LANGUAGE sql AS
$$ SELECT to_char(t AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') $$;

\o
\echo '== 2. A week of communications, every channel'
\o /dev/null
CREATE TEMP TABLE demo_results (step text, result jsonb);

-- 400 hotline, Chinese carrier push: 张经理 asks for PCR-ABS.
INSERT INTO demo_results SELECT '400电话 询价', commhub.ingest('phone', jsonb_build_object(
  'call_sn', 'CS' || pg_temp.ep(pg_temp.d(6, '09:30')), 'tel', '4008208820', 'caller_id', '13800138000',
  'callee_id', '8001', 'start_time', pg_temp.loc(pg_temp.d(6, '09:30')),
  'answer_time', pg_temp.loc(pg_temp.d(6, '09:30') + interval '12 seconds'),
  'end_time', pg_temp.loc(pg_temp.d(6, '09:45')), 'call_duration', 888, 'state', 'answered',
  'tape_url', 'https://rec.example-400.cn/tape/20240615/CS0001.mp3',
  'remark', '张经理来电询价PCR-ABS-1000,月需求50吨,希望7月中旬试样。金发科技报价15200元/吨,请尽快给报价。'));

-- WeCom archive: the quote goes out, with the PDF.
INSERT INTO demo_results SELECT '企业微信 报价', commhub.ingest('wechat', jsonb_build_object(
  'msgid', 'wx-demo-0001', 'action', 'send', 'from', 'wangming', 'tolist', jsonb_build_array('wmZhangJL_aux'),
  'roomid', '', 'msgtime', pg_temp.ep(pg_temp.d(6, '10:15')) * 1000, 'msgtype', 'text',
  'text', jsonb_build_object('content', '张经理您好,PCR-ABS-1000报价单已发您:含税¥15,800/吨,50吨起订,账期30天。样品本周可寄出。')));
INSERT INTO demo_results SELECT '企业微信 文件', commhub.ingest('wechat', jsonb_build_object(
  'msgid', 'wx-demo-0002', 'action', 'send', 'from', 'wangming', 'tolist', jsonb_build_array('wmZhangJL_aux'),
  'roomid', '', 'msgtime', (pg_temp.ep(pg_temp.d(6, '10:16')) * 1000)::text, 'msgtype', 'file',
  'file', jsonb_build_object('filename', 'PCR-ABS-1000报价单.pdf', 'fileext', 'pdf', 'filesize', '184320',
                             'md5sum', '4f0c3a8a1d2f7e6b9c0d1e2f3a4b5c6d', 'sdkfileid', 'CAQQ...')));

-- Email, raw MIME in GBK (base64), from 李工 about the technical parameters.
INSERT INTO demo_results SELECT 'Email 技术参数(GBK原始邮件)', commhub.ingest_email_raw(convert_to(
  'From: =?GBK?B?' || encode(convert_to('李工', 'GBK'), 'base64') || '?= <li.gong@aux-group.com>' || E'\r\n' ||
  'To: wang.ming@topcentral.cn' || E'\r\n' ||
  'Subject: =?GBK?B?' || encode(convert_to('确认PCR-ABS-1000技术参数', 'GBK'), 'base64') || '?=' || E'\r\n' ||
  'Date: ' || to_char(pg_temp.d(6, '14:00') AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS') || ' +0000' || E'\r\n' ||
  'Message-ID: <demo-li-0001@aux-group.com>' || E'\r\n' ||
  'MIME-Version: 1.0' || E'\r\n' ||
  'Content-Type: text/plain; charset=GBK' || E'\r\n' ||
  'Content-Transfer-Encoding: base64' || E'\r\n\r\n', 'UTF8')
  || convert_to(encode(convert_to('王经理您好:' || E'\n' ||
     '请确认PCR-ABS-1000的熔指、缺口冲击强度和阻燃等级,并提供TDS和MSDS。我们7月要做注塑试样。' || E'\n' ||
     '谢谢!' || E'\n' || '李工 宁波奥克斯 技术部', 'GBK'), 'base64'), 'UTF8')
  || convert_to(E'\r\n', 'UTF8'), 'INBOX');

-- Business visit (the seed's visit report).
INSERT INTO demo_results SELECT '商务拜访', commhub.ingest('visit', jsonb_build_object(
  'visit_id', 'V-DEMO-001', 'customer_id', 'C-AUX', 'visit_date', pg_temp.loc(pg_temp.d(5, '09:00')),
  'location', '宁波奥克斯工厂', 'sales_person', 'wangming', 'duration_minutes', 120,
  'customer_participants', jsonb_build_array('张经理', '李工'),
  'photos', jsonb_build_array('https://crm.topcentral.cn/photos/v1.jpg', 'https://crm.topcentral.cn/photos/v2.jpg'),
  'content', '工厂考察,参观注塑车间。客户计划长期合作,年需求约600吨PCR-ABS;新产品开发需要PCR-PC材料。关注价格和稳定供应。'));

-- Mobile call log: payment terms.
INSERT INTO demo_results SELECT '移动电话 账期', commhub.ingest('mobile', jsonb_build_object(
  'id', 'M-DEMO-001', 'number', '138 0013 8000', 'type', 'out', 'start', pg_temp.loc(pg_temp.d(5, '16:30')),
  'duration', 480, 'salesperson', 'wangming',
  'note', '讨论账期和付款方式:客户希望账期60天(目前30天),同意先付30%预付款。'));

-- WeCom: order intent from the customer.
INSERT INTO demo_results SELECT '企业微信 订单意向', commhub.ingest('wechat', jsonb_build_object(
  'msgid', 'wx-demo-0003', 'action', 'send', 'from', 'wmZhangJL_aux', 'tolist', jsonb_build_array('wangming'),
  'roomid', '', 'msgtime', pg_temp.ep(pg_temp.d(4, '11:00')) * 1000, 'msgtype', 'text',
  'text', jsonb_build_object('content', '王经理,我们确认订单意向:先下50吨PCR-ABS-1000试单,希望7月中旬交货,合同请发我邮箱。')));

-- Email (mailparser JSON): the contract draft goes out.
INSERT INTO demo_results SELECT 'Email 合同草案', commhub.ingest('email', jsonb_build_object(
  'messageId', '<demo-wm-0002@topcentral.cn>', 'date', to_char(pg_temp.d(4, '15:00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'subject', '合同草案 - PCR-ABS-1000 50吨',
  'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'wang.ming@topcentral.cn', 'name', '王明'))),
  'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'zhang@aux-group.com', 'name', '张经理'))),
  'text', E'张经理您好:\n附件是PCR-ABS-1000 50吨的合同草案,单价15800元/吨,7月15日前交货,请审阅。\n王明',
  'attachments', jsonb_build_array(jsonb_build_object('filename', '购销合同草案.docx',
      'contentType', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'size', 45056,
      'checksum', 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef'))));

-- Zoom: the technical meeting, two webhook events for one meeting.
INSERT INTO demo_results SELECT 'Zoom meeting.ended', commhub.ingest('video', jsonb_build_object(
  'event', 'meeting.ended', 'event_ts', pg_temp.ep(pg_temp.d(3, '11:00')) * 1000,
  'payload', jsonb_build_object('account_id', 'acc1', 'object', jsonb_build_object(
     'uuid', 'demoZoomUuid==', 'id', 85012345678, 'topic', 'PCR-ABS-1000 技术交流会', 'host_id', 'h1',
     'host_email', 'wang.ming@topcentral.cn',
     'start_time', to_char(pg_temp.d(3, '10:00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
     'end_time', to_char(pg_temp.d(3, '11:00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
     'duration', 60, 'participants', jsonb_build_array(jsonb_build_object('user_name', '李工', 'email', 'li.gong@aux-group.com'))))));
INSERT INTO demo_results SELECT 'Zoom transcript', commhub.ingest('video', jsonb_build_object(
  'event', 'recording.transcript_completed', 'event_ts', pg_temp.ep(pg_temp.d(3, '11:30')) * 1000,
  'payload', jsonb_build_object('account_id', 'acc1', 'object', jsonb_build_object(
     'uuid', 'demoZoomUuid==', 'id', 85012345678, 'topic', 'PCR-ABS-1000 技术交流会', 'host_email', 'wang.ming@topcentral.cn',
     'start_time', to_char(pg_temp.d(3, '10:00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
     'duration', 60,
     'recording_files', jsonb_build_array(jsonb_build_object('id', 'rf1', 'file_type', 'TRANSCRIPT',
        'download_url', 'https://zoom.us/rec/download/demo.vtt', 'file_size', 2048)),
     'transcript', '李工: 冲击强度要达到18以上。王明: 没问题,我们提供第三方检测报告,下周三寄样。'))));

-- Asterisk CDR: a missed call, then the salesperson calls back from the mobile.
INSERT INTO demo_results SELECT '400电话 未接', commhub.ingest('phone', jsonb_build_object(
  'uniqueid', '1718600000.101', 'linkedid', '1718600000.101', 'src', '057487654321', 'dst', '4008208820',
  'calldate', pg_temp.loc(pg_temp.d(2, '09:12')), 'duration', 35, 'billsec', 0, 'disposition', 'NO ANSWER'));
INSERT INTO demo_results SELECT '移动电话 回拨', commhub.ingest('mobile', jsonb_build_object(
  'id', 'M-DEMO-002', 'number', '0574-87654321', 'type', 'out', 'start', pg_temp.loc(pg_temp.d(2, '09:40')),
  'duration', 300, 'salesperson', 'wangming', 'note', '回拨张经理:确认样品下周三到厂,安排李工测试。'));

-- Web form: 李工 asks for PCR-PC material data.
INSERT INTO demo_results SELECT '表单 资料申请', commhub.ingest('form', jsonb_build_object(
  'submission_id', 'F-DEMO-001', 'form_name', '样品及资料申请', 'submitted_at', pg_temp.loc(pg_temp.d(1, '14:20')),
  'fields', jsonb_build_object('姓名', '李工', '公司', '宁波奥克斯空调有限公司', '邮箱', 'li.gong@aux-group.com',
                               '产品', 'PCR-PC-3000', '留言', '新项目需要PCR-PC材料,请提供TDS和样品,下个月评估。')));

-- Website chat session.
INSERT INTO demo_results SELECT '官网咨询', commhub.ingest('webchat', jsonb_build_object(
  'session_id', 'WC-DEMO-001', 'visitor', jsonb_build_object('name', '张经理', 'phone', '13800138000'),
  'agent', 'kefu01', 'started_at', pg_temp.loc(pg_temp.d(1, '20:05')),
  'messages', jsonb_build_array(
     jsonb_build_object('from', 'visitor', 'text', '你好,PCR-ABS-1000交期一般多久?', 'time', pg_temp.loc(pg_temp.d(1, '20:05'))),
     jsonb_build_object('from', 'agent', 'text', '您好,常规两周,现货一周内发货。', 'time', pg_temp.loc(pg_temp.d(1, '20:06'))),
     jsonb_build_object('from', 'visitor', 'text', '好的,谢谢。', 'time', pg_temp.loc(pg_temp.d(1, '20:08'))))));

-- Today: an urgent quality complaint on the hotline, two hours ago.
INSERT INTO demo_results SELECT '400电话 投诉', commhub.ingest('phone', jsonb_build_object(
  'variables', jsonb_build_object('uuid', 'fs-demo-0003', 'direction', 'inbound', 'caller_id_number', '+8613800138000',
     'destination_number', '4008208820', 'start_epoch', pg_temp.ep(now() - interval '2 hours')::text,
     'answer_epoch', (pg_temp.ep(now() - interval '2 hours') + 5)::text,
     'end_epoch', (pg_temp.ep(now() - interval '2 hours') + 905)::text, 'billsec', '900', 'duration', '905',
     'hangup_cause', 'NORMAL_CLEARING', 'record_path', '/var/spool/freeswitch/rec/fs-demo-0003.wav',
     'call_note', '张经理投诉:上批样品有黑点,不太满意,影响试样进度,要求今天给出处理方案,很紧急。')));

-- The same email synced again from a second mailbox, and a retried webhook: no new records.
INSERT INTO demo_results SELECT 'Email 重复同步(另一个邮箱)', commhub.ingest('email', jsonb_build_object(
  'messageId', '<demo-wm-0002@topcentral.cn>', 'date', to_char(pg_temp.d(4, '15:00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'subject', '合同草案 - PCR-ABS-1000 50吨',
  'from', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'wang.ming@topcentral.cn', 'name', '王明'))),
  'to', jsonb_build_object('value', jsonb_build_array(jsonb_build_object('address', 'zhang@aux-group.com', 'name', '张经理'))),
  'text', E'张经理您好:\n附件是PCR-ABS-1000 50吨的合同草案,单价15800元/吨,7月15日前交货,请审阅。\n王明',
  'attachments', jsonb_build_array(jsonb_build_object('filename', '购销合同草案.docx',
      'contentType', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'size', 45056,
      'checksum', 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef'))));

\echo
\o
\echo '== What each ingest did'
SELECT step AS "步骤", result->>'status' AS status, result->>'record_id' AS record_id,
       coalesce(result->>'customer_id', '-') AS customer
  FROM demo_results;

\echo
\echo '== 3. The timeline panorama (客户沟通全景图)'
\pset format unaligned
\pset tuples_only on
SELECT commhub.timeline_text('C-AUX');
\pset format aligned
\pset tuples_only off

\echo
\echo '== 4. Customer overview'
SELECT jsonb_pretty(commhub.customer_overview('C-AUX') - 'latest_insights');

\echo
\echo '== 5. What the embedded analyzer found in each record'
SELECT to_char(communication_time AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS "时间",
       commhub.channel_label(communication_type) AS "渠道", direction AS "方向",
       commhub.intent_label(intent_category) AS "意图", commhub.sentiment_label(sentiment) AS "情绪",
       commhub.urgency_label(urgency_level) AS "紧急", price_discussed AS "价格", quantity_discussed AS "数量",
       products_mentioned AS "产品", competitors_mentioned AS "竞品"
  FROM commhub.customer_communications WHERE customer_id = 'C-AUX' AND canonical_record_id IS NULL
 ORDER BY communication_time;

\echo
\echo '== 6. Follow-up tasks'
SELECT title AS "待办", priority, to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS due, status
  FROM commhub.communication_tasks WHERE customer_id = 'C-AUX' ORDER BY due_at, title LIMIT 12;

\if :{?demo_skip_report}
\else
SELECT to_regprocedure('commhub.report(text,text,timestamptz,timestamptz)') IS NOT NULL AS have_report \gset
\if :have_report
\echo
\echo '== 7. AI report (A11-A15, built-in, Markdown)'
SELECT commhub.run_analysis('C-AUX') IS NOT NULL AS analysed \gset
\pset format unaligned
\pset tuples_only on
SELECT commhub.report('customer', 'C-AUX');
\echo
SELECT commhub.timeline_text('C-AUX');
\endif
\endif
