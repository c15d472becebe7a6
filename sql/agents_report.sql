-- N2/N6: the built-in agents A11-A14 and the A15 Markdown reports on a fixed
-- history (宁波奥克斯 growing, 苏州美的 silent after a cheaper competitor,
-- 佛山格力配件 complaining), evaluated at 2024-06-15 09:00 Asia/Shanghai so the
-- text is reproducible; only the 生成时间 lines are left out.
-- Its own tenant, with copies of T001's catalogue and marketing rules.
SET commhub.tenant = 'TREP';
INSERT INTO commhub.products (tenant_id, canonical, category, aliases)
     SELECT 'TREP', canonical, category, aliases FROM commhub.products WHERE tenant_id = 'T001';
INSERT INTO commhub.product_relations (tenant_id, from_product, to_product, kind, reason)
     SELECT 'TREP', from_product, to_product, kind, reason FROM commhub.product_relations WHERE tenant_id = 'T001';
INSERT INTO commhub.competitors (tenant_id, canonical, aliases)
     SELECT 'TREP', canonical, aliases FROM commhub.competitors WHERE tenant_id = 'T001';
INSERT INTO commhub.marketing_rules (tenant_id, trigger, content_type, topic, timing, channel, priority)
     SELECT 'TREP', trigger, content_type, topic, timing, channel, priority FROM commhub.marketing_rules WHERE tenant_id = 'T001';
SELECT commhub.add_customer('R-GROW', '宁波奥克斯空调有限公司', 'vip', 'wang');
SELECT commhub.add_customer('R-QUIET', '苏州美的塑料制品有限公司', 'high', 'li');
SELECT commhub.add_customer('R-COMPLAIN', '佛山格力电器配件有限公司', 'normal', 'wang');
INSERT INTO commhub.contacts (tenant_id, customer_id, name, role) VALUES
    ('TREP', 'R-GROW', '张经理', '采购决策'), ('TREP', 'R-GROW', '李工', '技术评估'),
    ('TREP', 'R-QUIET', '陈总', '高层决策'), ('TREP', 'R-COMPLAIN', '刘经理', '采购决策');

-- (the fixture's rows print nothing)
\o /dev/null
-- One analysed record.  x: products, price, price_unit, qty, qty_text,
-- competitors, urgency, who (customer-side person), timeline_days.
CREATE FUNCTION pg_temp.rec(id text, cust text, ago interval, typ text, dir text, body text,
                            intent text, sent text, score numeric, x jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO commhub.customer_communications
        (record_id, tenant_id, customer_id, communication_type, direction, communication_time,
         initiated_by, handled_by, contact_id, subject, summary, content,
         intent_category, sentiment, sentiment_score, urgency_level,
         products_mentioned, price_discussed, quantity_discussed, competitors_mentioned, timeline_mentioned,
         analysis, analyzed_by, source_system, source_record_id)
    SELECT id, 'TREP', cust, typ, dir, timestamptz '2024-06-15 09:00:00+08' - ago,
           CASE WHEN dir = 'inbound' THEN x ->> 'who' ELSE k.owner END,
           CASE WHEN dir = 'inbound' THEN k.owner ELSE k.owner END,
           (SELECT ct.contact_id FROM commhub.contacts ct WHERE ct.tenant_id = 'TREP' AND ct.customer_id = cust AND ct.name = x ->> 'who'),
           left(body, 30), left(body, 40), body,
           intent, sent, score, coalesce(x ->> 'urgency', 'low'),
           coalesce(x -> 'products', '[]'), (x ->> 'price')::numeric, (x ->> 'qty')::int,
           coalesce(x -> 'competitors', '[]'),
           CASE WHEN x ? 'timeline_days'
                THEN jsonb_build_object('text', '希望下月试样',
                                        'dates', jsonb_build_array(to_char(timestamptz '2024-06-15 09:00:00+08' + ((x ->> 'timeline_days') || ' days')::interval, 'YYYY-MM-DD'))) END,
           jsonb_build_object('intent', jsonb_build_object('category', intent, 'detail', left(body, 20), 'confidence', 0.9),
                              'key_info', jsonb_build_object(
                                  'products', coalesce(x -> 'products', '[]'), 'competitors', coalesce(x -> 'competitors', '[]'),
                                  'price', x ->> 'price', 'price_value', (x ->> 'price')::numeric,
                                  'price_unit', CASE WHEN x ? 'price' THEN coalesce(x ->> 'price_unit', '元/吨') END,
                                  'quantity', x ->> 'qty_text', 'quantity_value', (x ->> 'qty')::numeric,
                                  'quantity_unit', CASE WHEN x ? 'qty' THEN '吨' END),
                              'sentiment', jsonb_build_object('overall', sent, 'score', score, 'mood', ''),
                              'follow_up', coalesce(x -> 'follow_up', '[]')),
           'builtin:A10', 'regress', id
      FROM commhub.customers k WHERE k.tenant_id = 'TREP' AND k.customer_id = cust
$$;

-- C-GROW: five records 55-85 days ago, eleven in the last 30 days
SELECT pg_temp.rec('RG01', 'R-GROW', '85 days', 'phone', 'inbound', '张经理询价PCR-ABS,想了解价格和交期', 'inquiry', 'positive', 0.70,
                   '{"products":["PCR-ABS-1000"],"who":"张经理"}');
SELECT pg_temp.rec('RG02', 'R-GROW', '84 days', 'email', 'outbound', '发送PCR-ABS-1000报价单 ¥15,800/吨', 'inquiry', 'neutral', 0.55,
                   '{"products":["PCR-ABS-1000"],"price":15800}');
SELECT pg_temp.rec('RG03', 'R-GROW', '70 days', 'wechat', 'inbound', '李工确认技术参数,熔指和冲击强度', 'technical', 'positive', 0.65,
                   '{"products":["PCR-ABS-1000"],"who":"李工"}');
SELECT pg_temp.rec('RG04', 'R-GROW', '70 days' - interval '1 hour', 'wechat', 'outbound', '发送物性表和测试报告', 'technical', 'neutral', 0.60);
SELECT pg_temp.rec('RG05', 'R-GROW', '55 days', 'visit', 'outbound', '商务拜访,工厂考察,讨论长期合作', 'cooperation', 'positive', 0.80,
                   '{"who":"张经理"}');
SELECT pg_temp.rec('RG06', 'R-GROW', '25 days', 'phone', 'inbound', 'PCR-ABS-1000月需求50吨,希望下月试样', 'inquiry', 'positive', 0.80,
                   '{"products":["PCR-ABS-1000"],"qty":50,"qty_text":"50吨/月","who":"张经理","urgency":"high","timeline_days":20,
                     "follow_up":["准备PCR-ABS-1000样品","安排试样时间"]}');
SELECT pg_temp.rec('RG07', 'R-GROW', '25 days' - interval '1 hour', 'wechat', 'outbound', '发送样品安排和报价单 ¥15,800/吨', 'inquiry', 'neutral', 0.60,
                   '{"products":["PCR-ABS-1000"],"price":15800}');
SELECT pg_temp.rec('RG08', 'R-GROW', '20 days', 'email', 'inbound', '样品测试合格,质量稳定', 'technical', 'positive', 0.85,
                   '{"products":["PCR-ABS-1000"],"who":"李工"}');
SELECT pg_temp.rec('RG09', 'R-GROW', '20 days' - interval '2 hours', 'email', 'outbound', '感谢反馈,安排批量生产计划', 'other', 'positive', 0.70);
SELECT pg_temp.rec('RG10', 'R-GROW', '14 days', 'wechat', 'inbound', '确认订单意向,PCR-ABS-1000先下50吨', 'order', 'positive', 0.85,
                   '{"products":["PCR-ABS-1000"],"qty":50,"qty_text":"50吨","who":"张经理"}');
SELECT pg_temp.rec('RG11', 'R-GROW', '14 days' - interval '1 hour', 'email', 'outbound', '发送合同草案', 'order', 'neutral', 0.60,
                   '{"products":["PCR-ABS-1000"]}');
SELECT pg_temp.rec('RG12', 'R-GROW', '7 days', 'mobile', 'inbound', '讨论账期,付款账期要求60天,目前30天', 'payment', 'neutral', 0.55,
                   '{"who":"张经理"}');
SELECT pg_temp.rec('RG13', 'R-GROW', '7 days' - interval '3 hours', 'mobile', 'outbound', '账期申请已提交财务审批', 'payment', 'neutral', 0.55);
SELECT pg_temp.rec('RG14', 'R-GROW', '3 days', 'wechat', 'inbound', '新车型项目需要PCR-PC材料,请推荐', 'inquiry', 'positive', 0.75,
                   '{"products":["PCR-PC-3000"],"who":"李工"}');
SELECT pg_temp.rec('RG15', 'R-GROW', '3 days' - interval '30 minutes', 'wechat', 'outbound', '发送PCR-PC-3000资料', 'inquiry', 'neutral', 0.60,
                   '{"products":["PCR-PC-3000"]}');
SELECT pg_temp.rec('RG16', 'R-GROW', '1 day', 'phone', 'inbound', '确认下周工厂参观安排', 'cooperation', 'positive', 0.80, '{"who":"张经理"}');

-- C-QUIET: a buyer every five days for three months, then a cheaper competitor and silence
SELECT pg_temp.rec('RQ' || lpad(i::text, 2, '0'), 'R-QUIET', ((38 + 5 * i) || ' days')::interval,
                   CASE i % 3 WHEN 0 THEN 'wechat' WHEN 1 THEN 'phone' ELSE 'email' END,
                   CASE i % 2 WHEN 0 THEN 'inbound' ELSE 'outbound' END,
                   CASE i % 3 WHEN 0 THEN 'PP-T20本月订单30吨,按时交货' WHEN 1 THEN '确认PP-T20发货安排' ELSE 'PP-T20月需求30吨,继续供货' END,
                   CASE i % 3 WHEN 0 THEN 'order' WHEN 1 THEN 'delivery' ELSE 'inquiry' END, 'positive', 0.65,
                   jsonb_build_object('products', jsonb_build_array('PP-T20'), 'who', '陈总')
                   || CASE WHEN i % 3 = 2 THEN '{"qty":30,"qty_text":"30吨/月"}'::jsonb ELSE '{}' END)
  FROM generate_series(0, 16) i;
SELECT pg_temp.rec('RQ20', 'R-QUIET', '33 days', 'email', 'outbound', 'PP-T20新报价 ¥9,800/吨', 'inquiry', 'neutral', 0.55,
                   '{"products":["PP-T20"],"price":9800}');
SELECT pg_temp.rec('RQ21', 'R-QUIET', '31 days', 'phone', 'inbound', '金发科技的报价比你们低15%,我们在考虑换供应商', 'inquiry', 'negative', 0.35,
                   '{"products":["PP-T20"],"competitors":["金发科技"],"who":"陈总"}');
SELECT pg_temp.rec('RQ22', 'R-QUIET', '24 days', 'wechat', 'outbound', '调整报价 PP-T20 ¥9,500/吨,请陈总考虑', 'inquiry', 'neutral', 0.55,
                   '{"products":["PP-T20"],"price":9500}');

-- C-COMPLAIN: normal business, then three complaints
SELECT pg_temp.rec('RX' || lpad(i::text, 2, '0'), 'R-COMPLAIN', ((35 + 9 * i) || ' days')::interval, 'email',
                   CASE i % 2 WHEN 0 THEN 'inbound' ELSE 'outbound' END, 'PCR-ABS-1000订单20吨,正常交货',
                   'order', 'positive', 0.70, '{"products":["PCR-ABS-1000"],"qty":20,"qty_text":"20吨","who":"刘经理"}')
  FROM generate_series(0, 5) i;
SELECT pg_temp.rec('RX10', 'R-COMPLAIN', '20 days', 'phone', 'inbound', '上批PCR-ABS-1000出现开裂,质量问题严重', 'complaint', 'negative', 0.20,
                   '{"products":["PCR-ABS-1000"],"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('RX11', 'R-COMPLAIN', '20 days' - interval '3 hours', 'phone', 'outbound', '已安排质量部门分析开裂原因', 'complaint', 'neutral', 0.50);
SELECT pg_temp.rec('RX12', 'R-COMPLAIN', '12 days', 'email', 'inbound', '色差严重,批次不稳定,要求退货', 'complaint', 'negative', 0.15,
                   '{"products":["PCR-ABS-1000"],"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('RX13', 'R-COMPLAIN', '5 days', 'wechat', 'inbound', '质量问题再不解决就考虑更换供应商', 'complaint', 'negative', 0.10,
                   '{"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('RX14', 'R-COMPLAIN', '5 days' - interval '1 hour', 'wechat', 'outbound', '明天安排技术人员到现场', 'complaint', 'neutral', 0.50);

INSERT INTO commhub.communication_tasks (task_id, tenant_id, customer_id, record_id, title, owner, due_at, priority) VALUES
    ('RTK-G1', 'TREP', 'R-GROW', 'RG06', '准备PCR-ABS-1000样品', 'wang', timestamptz '2024-06-15 09:00:00+08' + interval '1 day', 'high'),
    ('RTK-X1', 'TREP', 'R-COMPLAIN', 'RX12', '提交8D质量报告', 'wang', timestamptz '2024-06-15 09:00:00+08' - interval '1 day', 'urgent');

\o
\set until '''2024-06-15 09:00:00+08'''
-- A11: health, stage, style, preferences
SELECT c AS customer, r #>> '{relationship_health,score}' AS health, r #>> '{relationship_health,trend}' AS trend,
       r ->> 'lifecycle_stage' AS stage, r #>> '{decision_making,style}' AS style,
       r #>> '{communication_pattern,preferred_channel}' AS channel, r #>> '{communication_pattern,frequency}' AS frequency,
       r #>> '{satisfaction,current}' AS satisfaction, r #>> '{loyalty,score}' AS loyalty
  FROM unnest(ARRAY['R-GROW', 'R-QUIET', 'R-COMPLAIN']) c, commhub.a11_customer_insight(c, NULL, :until) r;
SELECT e ->> 'name' AS name, e ->> 'role' AS role, e ->> 'influence' AS influence, e ->> 'relationship' AS relationship
  FROM jsonb_array_elements(commhub.a11_customer_insight('R-GROW', NULL, :until) -> 'key_contacts') e;
-- A12: the opportunities of 宁波奥克斯
SELECT o ->> 'id' AS id, o ->> 'type' AS type, o ->> 'description' AS description, o ->> 'stage' AS stage,
       o ->> 'probability' AS p, o ->> 'estimated_value' AS value, o ->> 'expected_close_date' AS close
  FROM jsonb_array_elements(commhub.a12_opportunities('R-GROW', NULL, :until) -> 'opportunities') o;
SELECT jsonb_pretty(commhub.a12_opportunities('R-GROW', NULL, :until) - 'opportunities' - 'time_range');
-- A14: every alert of the three customers
SELECT c AS customer, a ->> 'risk_type' AS risk_type, a ->> 'risk_level' AS level, a ->> 'risk_score' AS score,
       a -> 'indicators' ->> 0 AS first_indicator, a ->> 'escalation_to' AS escalation
  FROM unnest(ARRAY['R-GROW', 'R-QUIET', 'R-COMPLAIN']) c,
       jsonb_array_elements(commhub.a14_risk_alerts(c, NULL, :until) -> 'risk_alerts') a
 ORDER BY 1, 4 DESC;
SELECT jsonb_pretty(commhub.a14_risk_alerts('R-QUIET', NULL, :until) -> 'early_warning_signals');
-- A13: segment, strategy, first suggestion
SELECT c AS customer, r ->> 'customer_segment' AS segment, r #>> '{marketing_strategy,approach}' AS approach,
       r #>> '{channel_strategy,primary}' AS primary_channel, r #>> '{content_suggestions,0,type}' AS first_content
  FROM unnest(ARRAY['R-GROW', 'R-QUIET', 'R-COMPLAIN']) c, commhub.a13_marketing_advice(c, NULL, :until) r;
-- A14 stored: a repeated alert updates its row instead of adding one
SELECT count(*) AS runs FROM (SELECT commhub.run_agent('A14', 'R-QUIET', NULL, :until) UNION ALL
                              SELECT commhub.run_agent('A14', 'R-QUIET', NULL, :until)) x;
SELECT dedupe_key, insight_type, insight_title, importance_score, notification_sent
  FROM commhub.communication_insights WHERE generated_by = 'builtin:A14' ORDER BY dedupe_key;
-- A15 reports, line by line
\pset format unaligned
\pset tuples_only on
SELECT line FROM regexp_split_to_table(commhub.report('customer', 'R-QUIET', NULL, :until), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
SELECT line FROM regexp_split_to_table(commhub.report('customer', 'R-GROW', NULL, :until), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
SELECT line FROM regexp_split_to_table(commhub.report('daily', NULL, '2024-06-14 00:00+08', :until), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
SELECT line FROM regexp_split_to_table(commhub.report('weekly', NULL, '2024-06-08 09:00+08', :until), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
SELECT line FROM regexp_split_to_table(commhub.report('monthly', NULL, '2024-05-01 00:00+08', '2024-06-01 00:00+08'), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
SELECT line FROM regexp_split_to_table(commhub.report('weekly', 'li', '2024-06-08 09:00+08', :until), E'\n') WITH ORDINALITY AS t(line, n)
 WHERE line !~ '生成时间' ORDER BY n;
\pset format aligned
\pset tuples_only off
-- what a caller can get wrong (messages and hints; no CONTEXT, which names line numbers)
\set SHOW_CONTEXT never
SELECT commhub.run_agent('A99', 'R-GROW');
SELECT commhub.run_agent('A11', 'UNMATCHED');
SELECT commhub.report('yearly');
SELECT commhub.report('customer', 'li');
SELECT commhub.report('daily', 'nobody');
SELECT commhub.report('weekly', NULL, :until, '2024-06-01');
SELECT commhub.set_insight_status('INS-x', 'done');
SELECT commhub.run_scheduled('hourly');
RESET commhub.tenant;
-- A record at midnight belongs to the day it starts, in the reports as in the
-- BI views (a visit given only its date is stored at 00:00 Shanghai time).
SET commhub.tenant = 'TREP';
SELECT commhub.ingest('visit', '{"visit_id": "V-MIDNIGHT", "customer_id": "R-GROW", "visit_date": "2024-06-10",
  "location": "宁波", "content": "拜访客户,讨论年度框架协议"}')->>'status' AS midnight_visit;
SELECT (SELECT count(*) FROM commhub.report_records(commhub.report_scope(NULL), '2024-06-10 00:00+08', '2024-06-11 00:00+08') r
         WHERE r.source_record_id = 'V-MIDNIGHT') AS in_its_day,
       (SELECT count(*) FROM commhub.report_records(commhub.report_scope(NULL), '2024-06-09 00:00+08', '2024-06-10 00:00+08') r
         WHERE r.source_record_id = 'V-MIDNIGHT') AS in_the_day_before;
-- The BI health score is customer_overview()'s, customer by customer.
SELECT count(*) AS refreshed FROM commhub.refresh_views();
SELECT count(*) AS customers, count(*) FILTER (WHERE b.health_score = (commhub.customer_overview(b.customer_id) -> 'health' ->> 'score')::int) AS same_score
  FROM commhub.bi_customer_health b;
RESET commhub.tenant;
