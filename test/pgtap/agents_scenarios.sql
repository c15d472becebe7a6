-- Customer agents A11-A16 on three customers a sales manager knows well
-- (SPEC N2, N6, N7, P1):
--   C-GROW     宁波奥克斯: inquiry -> quote -> sample -> order intent for
--              PCR-ABS-1000 50吨/月, contact rising, happy, asks for 60-day terms
--   C-QUIET    苏州美的: steady buyer of PP-T20 who said 金发科技 is 15% cheaper,
--              got a lower quote from us and has been silent for 24 days
--   C-COMPLAIN 佛山格力配件: three quality complaints in 20 days, talks of
--              returns and changing supplier
-- Times are relative to now(), so the conclusions do not age; the data lives
-- in its own tenant so other tests' rows do not change the reports.
BEGIN;
SELECT plan(105);

-- its own tenant, with copies of T001's catalogue and marketing rules
SET LOCAL commhub.tenant = 'TAGENTS';
INSERT INTO commhub.products (tenant_id, canonical, category, aliases)
     SELECT 'TAGENTS', canonical, category, aliases FROM commhub.products WHERE tenant_id = 'T001';
INSERT INTO commhub.product_relations (tenant_id, from_product, to_product, kind, reason)
     SELECT 'TAGENTS', from_product, to_product, kind, reason FROM commhub.product_relations WHERE tenant_id = 'T001';
INSERT INTO commhub.competitors (tenant_id, canonical, aliases)
     SELECT 'TAGENTS', canonical, aliases FROM commhub.competitors WHERE tenant_id = 'T001';
INSERT INTO commhub.marketing_rules (tenant_id, trigger, content_type, topic, timing, channel, priority)
     SELECT 'TAGENTS', trigger, content_type, topic, timing, channel, priority FROM commhub.marketing_rules WHERE tenant_id = 'T001';

-- ---------------------------------------------------------------- fixture
SELECT commhub.add_customer('C-GROW', '宁波奥克斯空调有限公司', 'vip', 'wang');
SELECT commhub.add_customer('C-QUIET', '苏州美的塑料制品有限公司', 'high', 'li');
SELECT commhub.add_customer('C-COMPLAIN', '佛山格力电器配件有限公司', 'normal', 'wang');
INSERT INTO commhub.contacts (tenant_id, customer_id, name, role) VALUES
    ('TAGENTS', 'C-GROW', '张经理', '采购决策'), ('TAGENTS', 'C-GROW', '李工', '技术评估'),
    ('TAGENTS', 'C-QUIET', '陈总', '高层决策'), ('TAGENTS', 'C-COMPLAIN', '刘经理', '采购决策');

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
    SELECT id, 'TAGENTS', cust, typ, dir, now() - ago,
           CASE WHEN dir = 'inbound' THEN x ->> 'who' ELSE k.owner END,
           CASE WHEN dir = 'inbound' THEN k.owner ELSE k.owner END,
           (SELECT ct.contact_id FROM commhub.contacts ct WHERE ct.tenant_id = 'TAGENTS' AND ct.customer_id = cust AND ct.name = x ->> 'who'),
           left(body, 30), left(body, 40), body,
           intent, sent, score, coalesce(x ->> 'urgency', 'low'),
           coalesce(x -> 'products', '[]'), (x ->> 'price')::numeric, (x ->> 'qty')::int,
           coalesce(x -> 'competitors', '[]'),
           CASE WHEN x ? 'timeline_days'
                THEN jsonb_build_object('text', '希望下月试样',
                                        'dates', jsonb_build_array(to_char(now() + ((x ->> 'timeline_days') || ' days')::interval, 'YYYY-MM-DD'))) END,
           jsonb_build_object('intent', jsonb_build_object('category', intent, 'detail', left(body, 20), 'confidence', 0.9),
                              'key_info', jsonb_build_object(
                                  'products', coalesce(x -> 'products', '[]'), 'competitors', coalesce(x -> 'competitors', '[]'),
                                  'price', x ->> 'price', 'price_value', (x ->> 'price')::numeric,
                                  'price_unit', CASE WHEN x ? 'price' THEN coalesce(x ->> 'price_unit', '元/吨') END,
                                  'quantity', x ->> 'qty_text', 'quantity_value', (x ->> 'qty')::numeric,
                                  'quantity_unit', CASE WHEN x ? 'qty' THEN '吨' END),
                              'sentiment', jsonb_build_object('overall', sent, 'score', score, 'mood', ''),
                              'follow_up', coalesce(x -> 'follow_up', '[]')),
           'builtin:A10', 'tap', id
      FROM commhub.customers k WHERE k.tenant_id = 'TAGENTS' AND k.customer_id = cust
$$;

-- C-GROW: five records 55-85 days ago, eleven in the last 30 days
SELECT pg_temp.rec('AG-G01', 'C-GROW', '85 days', 'phone', 'inbound', '张经理询价PCR-ABS,想了解价格和交期', 'inquiry', 'positive', 0.70,
                   '{"products":["PCR-ABS-1000"],"who":"张经理"}');
SELECT pg_temp.rec('AG-G02', 'C-GROW', '84 days', 'email', 'outbound', '发送PCR-ABS-1000报价单 ¥15,800/吨', 'inquiry', 'neutral', 0.55,
                   '{"products":["PCR-ABS-1000"],"price":15800}');
SELECT pg_temp.rec('AG-G03', 'C-GROW', '70 days', 'wechat', 'inbound', '李工确认技术参数,熔指和冲击强度', 'technical', 'positive', 0.65,
                   '{"products":["PCR-ABS-1000"],"who":"李工"}');
SELECT pg_temp.rec('AG-G04', 'C-GROW', '70 days' - interval '1 hour', 'wechat', 'outbound', '发送物性表和测试报告', 'technical', 'neutral', 0.60);
SELECT pg_temp.rec('AG-G05', 'C-GROW', '55 days', 'visit', 'outbound', '商务拜访,工厂考察,讨论长期合作', 'cooperation', 'positive', 0.80,
                   '{"who":"张经理"}');
SELECT pg_temp.rec('AG-G06', 'C-GROW', '25 days', 'phone', 'inbound', 'PCR-ABS-1000月需求50吨,希望下月试样', 'inquiry', 'positive', 0.80,
                   '{"products":["PCR-ABS-1000"],"qty":50,"qty_text":"50吨/月","who":"张经理","urgency":"high","timeline_days":20,
                     "follow_up":["准备PCR-ABS-1000样品","安排试样时间"]}');
SELECT pg_temp.rec('AG-G07', 'C-GROW', '25 days' - interval '1 hour', 'wechat', 'outbound', '发送样品安排和报价单 ¥15,800/吨', 'inquiry', 'neutral', 0.60,
                   '{"products":["PCR-ABS-1000"],"price":15800}');
SELECT pg_temp.rec('AG-G08', 'C-GROW', '20 days', 'email', 'inbound', '样品测试合格,质量稳定', 'technical', 'positive', 0.85,
                   '{"products":["PCR-ABS-1000"],"who":"李工"}');
SELECT pg_temp.rec('AG-G09', 'C-GROW', '20 days' - interval '2 hours', 'email', 'outbound', '感谢反馈,安排批量生产计划', 'other', 'positive', 0.70);
SELECT pg_temp.rec('AG-G10', 'C-GROW', '14 days', 'wechat', 'inbound', '确认订单意向,PCR-ABS-1000先下50吨', 'order', 'positive', 0.85,
                   '{"products":["PCR-ABS-1000"],"qty":50,"qty_text":"50吨","who":"张经理"}');
SELECT pg_temp.rec('AG-G11', 'C-GROW', '14 days' - interval '1 hour', 'email', 'outbound', '发送合同草案', 'order', 'neutral', 0.60,
                   '{"products":["PCR-ABS-1000"]}');
SELECT pg_temp.rec('AG-G12', 'C-GROW', '7 days', 'mobile', 'inbound', '讨论账期,付款账期要求60天,目前30天', 'payment', 'neutral', 0.55,
                   '{"who":"张经理"}');
SELECT pg_temp.rec('AG-G13', 'C-GROW', '7 days' - interval '3 hours', 'mobile', 'outbound', '账期申请已提交财务审批', 'payment', 'neutral', 0.55);
SELECT pg_temp.rec('AG-G14', 'C-GROW', '3 days', 'wechat', 'inbound', '新车型项目需要PCR-PC材料,请推荐', 'inquiry', 'positive', 0.75,
                   '{"products":["PCR-PC-3000"],"who":"李工"}');
SELECT pg_temp.rec('AG-G15', 'C-GROW', '3 days' - interval '30 minutes', 'wechat', 'outbound', '发送PCR-PC-3000资料', 'inquiry', 'neutral', 0.60,
                   '{"products":["PCR-PC-3000"]}');
SELECT pg_temp.rec('AG-G16', 'C-GROW', '1 day', 'phone', 'inbound', '确认下周工厂参观安排', 'cooperation', 'positive', 0.80, '{"who":"张经理"}');

-- C-QUIET: a buyer every five days for three months, then a cheaper competitor and silence
SELECT pg_temp.rec('AG-Q' || lpad(i::text, 2, '0'), 'C-QUIET', ((38 + 5 * i) || ' days')::interval,
                   CASE i % 3 WHEN 0 THEN 'wechat' WHEN 1 THEN 'phone' ELSE 'email' END,
                   CASE i % 2 WHEN 0 THEN 'inbound' ELSE 'outbound' END,
                   CASE i % 3 WHEN 0 THEN 'PP-T20本月订单30吨,按时交货' WHEN 1 THEN '确认PP-T20发货安排' ELSE 'PP-T20月需求30吨,继续供货' END,
                   CASE i % 3 WHEN 0 THEN 'order' WHEN 1 THEN 'delivery' ELSE 'inquiry' END, 'positive', 0.65,
                   jsonb_build_object('products', jsonb_build_array('PP-T20'), 'who', '陈总')
                   || CASE WHEN i % 3 = 2 THEN '{"qty":30,"qty_text":"30吨/月"}'::jsonb ELSE '{}' END)
  FROM generate_series(0, 16) i;
SELECT pg_temp.rec('AG-Q20', 'C-QUIET', '33 days', 'email', 'outbound', 'PP-T20新报价 ¥9,800/吨', 'inquiry', 'neutral', 0.55,
                   '{"products":["PP-T20"],"price":9800}');
SELECT pg_temp.rec('AG-Q21', 'C-QUIET', '31 days', 'phone', 'inbound', '金发科技的报价比你们低15%,我们在考虑换供应商', 'inquiry', 'negative', 0.35,
                   '{"products":["PP-T20"],"competitors":["金发科技"],"who":"陈总"}');
SELECT pg_temp.rec('AG-Q22', 'C-QUIET', '24 days', 'wechat', 'outbound', '调整报价 PP-T20 ¥9,500/吨,请陈总考虑', 'inquiry', 'neutral', 0.55,
                   '{"products":["PP-T20"],"price":9500}');

-- C-COMPLAIN: normal business, then three complaints
SELECT pg_temp.rec('AG-X' || lpad(i::text, 2, '0'), 'C-COMPLAIN', ((35 + 9 * i) || ' days')::interval, 'email',
                   CASE i % 2 WHEN 0 THEN 'inbound' ELSE 'outbound' END, 'PCR-ABS-1000订单20吨,正常交货',
                   'order', 'positive', 0.70, '{"products":["PCR-ABS-1000"],"qty":20,"qty_text":"20吨","who":"刘经理"}')
  FROM generate_series(0, 5) i;
SELECT pg_temp.rec('AG-X10', 'C-COMPLAIN', '20 days', 'phone', 'inbound', '上批PCR-ABS-1000出现开裂,质量问题严重', 'complaint', 'negative', 0.20,
                   '{"products":["PCR-ABS-1000"],"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('AG-X11', 'C-COMPLAIN', '20 days' - interval '3 hours', 'phone', 'outbound', '已安排质量部门分析开裂原因', 'complaint', 'neutral', 0.50);
SELECT pg_temp.rec('AG-X12', 'C-COMPLAIN', '12 days', 'email', 'inbound', '色差严重,批次不稳定,要求退货', 'complaint', 'negative', 0.15,
                   '{"products":["PCR-ABS-1000"],"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('AG-X13', 'C-COMPLAIN', '5 days', 'wechat', 'inbound', '质量问题再不解决就考虑更换供应商', 'complaint', 'negative', 0.10,
                   '{"who":"刘经理","urgency":"high"}');
SELECT pg_temp.rec('AG-X14', 'C-COMPLAIN', '5 days' - interval '1 hour', 'wechat', 'outbound', '明天安排技术人员到现场', 'complaint', 'neutral', 0.50);

INSERT INTO commhub.communication_tasks (task_id, tenant_id, customer_id, record_id, title, owner, due_at, priority) VALUES
    ('AG-TK-G1', 'TAGENTS', 'C-GROW', 'AG-G06', '准备PCR-ABS-1000样品', 'wang', now() + interval '1 day', 'high'),
    ('AG-TK-X1', 'TAGENTS', 'C-COMPLAIN', 'AG-X12', '提交8D质量报告', 'wang', now() - interval '1 day', 'urgent');

-- ---------------------------------------------------------------- A11
CREATE TEMP TABLE a11 ON COMMIT DROP AS
SELECT c AS customer_id, commhub.run_agent('A11', c) AS r FROM unnest(ARRAY['C-GROW', 'C-QUIET', 'C-COMPLAIN']) c;

SELECT cmp_ok((SELECT (r #>> '{relationship_health,score}')::int FROM a11 WHERE customer_id = 'C-GROW'), '>',
              (SELECT max((r #>> '{relationship_health,score}')::int) FROM a11 WHERE customer_id <> 'C-GROW'),
              'A11: the growing customer has the best relationship health');
SELECT is((SELECT r #>> '{relationship_health,trend}' FROM a11 WHERE customer_id = 'C-GROW'), 'upward', 'A11: its health trend is upward');
SELECT is((SELECT r ->> 'lifecycle_stage' FROM a11 WHERE customer_id = 'C-GROW'), '成长客户', 'A11: 宁波奥克斯 is a 成长客户');
SELECT is((SELECT r ->> 'lifecycle_stage' FROM a11 WHERE customer_id = 'C-QUIET'), '流失风险', 'A11: 苏州美的 is at 流失风险');
SELECT is((SELECT r ->> 'lifecycle_stage' FROM a11 WHERE customer_id = 'C-COMPLAIN'), '流失风险', 'A11: 佛山格力配件 is at 流失风险');
SELECT is((SELECT r #>> '{communication_pattern,preferred_channel}' FROM a11 WHERE customer_id = 'C-GROW'), '企业微信',
          'A11: 宁波奥克斯 prefers 企业微信');
SELECT matches((SELECT r #>> '{communication_pattern,frequency}' FROM a11 WHERE customer_id = 'C-GROW'), '^每周[0-9.]+次$',
               'A11: frequency reads 每周N次');
SELECT matches((SELECT r #>> '{communication_pattern,response_speed}' FROM a11 WHERE customer_id = 'C-GROW'), '^平均[0-9.]+(小时|分钟)回复$',
               'A11: response speed reads 平均N小时回复');
SELECT matches((SELECT r #>> '{communication_pattern,preferred_time}' FROM a11 WHERE customer_id = 'C-GROW'), '^(工作日|周末)',
               'A11: preferred time is a weekday/weekend slot');
SELECT is((SELECT r #>> '{decision_making,style}' FROM a11 WHERE customer_id = 'C-QUIET'), '价格敏感', 'A11: 苏州美的 decides on price');
SELECT is((SELECT r #>> '{decision_making,style}' FROM a11 WHERE customer_id = 'C-COMPLAIN'), '质量优先', 'A11: 佛山格力配件 decides on quality');
SELECT is((SELECT r #>> '{key_contacts,0,name}' FROM a11 WHERE customer_id = 'C-GROW'), '张经理', 'A11: 张经理 is the key contact');
SELECT is((SELECT r #>> '{key_contacts,0,role}' FROM a11 WHERE customer_id = 'C-GROW'), '采购决策', 'A11: with the CRM role');
SELECT ok((SELECT r #> '{decision_making,decision_maker}' FROM a11 WHERE customer_id = 'C-GROW') ? '张经理(采购决策),李工(技术评估)有影响力'
          OR (SELECT r #>> '{decision_making,decision_maker}' FROM a11 WHERE customer_id = 'C-GROW') LIKE '张经理%',
          'A11: decision maker names 张经理');
SELECT ok((SELECT (r #> '{needs_map,current}') ? 'PCR-ABS-1000稳定供应' FROM a11 WHERE customer_id = 'C-GROW'),
          'A11: current need is stable PCR-ABS-1000 supply');
SELECT cmp_ok((SELECT (r #>> '{satisfaction,current}')::numeric FROM a11 WHERE customer_id = 'C-COMPLAIN'), '<', 2.5::numeric,
              'A11: the complaining customer is dissatisfied (< 2.5/5)');
SELECT ok((SELECT (r #> '{satisfaction,pain_points}') ? '产品质量问题' FROM a11 WHERE customer_id = 'C-COMPLAIN'),
          'A11: pain point 产品质量问题');
SELECT is((SELECT insight_title::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A11:C-GROW'),
          (SELECT format('成长客户 · 关系健康度%s/100↑ · 偏好企业微信沟通', r #>> '{relationship_health,score}') FROM a11 WHERE customer_id = 'C-GROW'),
          'A11: stored as a relationship insight with a panorama headline');

-- ---------------------------------------------------------------- A12
CREATE TEMP TABLE a12 ON COMMIT DROP AS SELECT commhub.run_agent('A12', 'C-GROW') AS r;
CREATE TEMP TABLE opp ON COMMIT DROP AS
SELECT o FROM a12, jsonb_array_elements(r -> 'opportunities') o WHERE o ->> 'type' = 'explicit' AND o ->> 'product' = 'PCR-ABS-1000';
SELECT is((SELECT count(*)::int FROM opp), 1, 'A12: one explicit PCR-ABS-1000 opportunity');
SELECT is((SELECT o ->> 'stage' FROM opp), '谈判', 'A12: order intent puts it in 谈判');
SELECT is((SELECT (o ->> 'probability')::numeric FROM opp), 0.8, 'A12: with probability 0.8');
SELECT is((SELECT (o ->> 'estimated_value')::numeric FROM opp), 9480000::numeric, 'A12: ¥15,800/吨 × 50吨/月 × 12 = 948万元');
SELECT is((SELECT o ->> 'quantity' FROM opp), '50吨/月', 'A12: quantity 50吨/月');
SELECT ok((SELECT o ->> 'expected_close_date' FROM opp) ~ '^\d{4}-\d{2}-\d{2}$', 'A12: expected close date is a date');
SELECT ok(EXISTS (SELECT 1 FROM a12, jsonb_array_elements(r -> 'opportunities') o
                   WHERE o ->> 'type' = 'explicit' AND o ->> 'product' = 'PCR-PC-3000' AND o ->> 'stage' = '需求确认'),
          'A12: the PCR-PC-3000 inquiry of 3 days ago is an explicit opportunity in 需求确认');
SELECT ok(EXISTS (SELECT 1 FROM a12, jsonb_array_elements(r -> 'opportunities') o
                   WHERE o ->> 'type' = 'implicit' AND o ->> 'description' ~ '新车型'),
          'A12: the new car-model project is an implicit opportunity');
SELECT ok(EXISTS (SELECT 1 FROM a12, jsonb_array_elements(r -> 'cross_sell_opportunities') o WHERE o ->> 'product' = '阻燃ABS-V0'),
          'A12: cross-sell 阻燃ABS-V0 from the catalogue relations');
SELECT ok(EXISTS (SELECT 1 FROM a12, jsonb_array_elements(r -> 'up_sell_opportunities') o WHERE o ->> 'upgrade' = 'PCR-ABS-2000'),
          'A12: up-sell PCR-ABS-2000');
SELECT is((SELECT insight_title::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A12:C-GROW'),
          '客户有明确PCR-ABS-1000采购意向,预计月订单50吨', 'A12: the panorama headline of the seed');

-- ---------------------------------------------------------------- A14
CREATE TEMP TABLE a14 ON COMMIT DROP AS
SELECT c AS customer_id, commhub.run_agent('A14', c) AS r FROM unnest(ARRAY['C-GROW', 'C-QUIET', 'C-COMPLAIN']) c;
CREATE TEMP TABLE alerts ON COMMIT DROP AS
SELECT customer_id, a ->> 'risk_type' AS risk_type, a ->> 'risk_level' AS risk_level, a FROM a14, jsonb_array_elements(r -> 'risk_alerts') a;

SELECT is((SELECT risk_level FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'churn_risk'), 'high',
          'A14: 苏州美的 churn risk is high');
SELECT ok((SELECT a -> 'indicators' ->> 0 FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'churn_risk') ~ '^近30天沟通频率下降[0-9]+%$',
          'A14: indicator 近30天沟通频率下降N%');
SELECT is((SELECT risk_level FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'competitor_threat'), 'high',
          'A14: 苏州美的 competitor threat is high');
SELECT ok((SELECT a -> 'indicators' ->> 0 FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'competitor_threat') ~ '金发科技价格更低15%',
          'A14: names 金发科技 and the 15% gap');
SELECT is((SELECT risk_level FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'quote_silence'), 'high',
          'A14: 24 days of silence after our quote is high');
SELECT is((SELECT a ->> 'escalation_to' FROM alerts WHERE customer_id = 'C-QUIET' AND risk_type = 'churn_risk'), 'sales_director',
          'A14: escalated to the sales director');
SELECT is((SELECT risk_level FROM alerts WHERE customer_id = 'C-COMPLAIN' AND risk_type = 'complaint_escalation'), 'high',
          'A14: three complaints escalate');
SELECT is((SELECT (a ->> 'escalation_required')::boolean FROM alerts WHERE customer_id = 'C-COMPLAIN' AND risk_type = 'complaint_escalation'), true,
          'A14: escalation required');
SELECT is((SELECT a ->> 'escalation_to' FROM alerts WHERE customer_id = 'C-COMPLAIN' AND risk_type = 'complaint_escalation'), 'sales_director',
          'A14: to the sales director');
SELECT ok(EXISTS (SELECT 1 FROM alerts WHERE customer_id = 'C-COMPLAIN' AND risk_type = 'sentiment_decline'),
          'A14: the complaining customer''s sentiment decline is flagged');
SELECT is((SELECT count(*)::int FROM alerts WHERE customer_id = 'C-GROW' AND risk_level = 'high'), 0,
          'A14: the growing customer has no high risk');
SELECT is((SELECT risk_level FROM alerts WHERE customer_id = 'C-GROW' AND risk_type = 'payment_risk'), 'medium',
          'A14: its 60-day payment-term request is a medium risk');
SELECT ok((SELECT r #> '{early_warning_signals,communication_decline,detected}' FROM a14 WHERE customer_id = 'C-QUIET') = 'true'
          AND (SELECT r #>> '{early_warning_signals,communication_decline,trend}' FROM a14 WHERE customer_id = 'C-QUIET') = 'declining',
          'A14: early warning communication_decline detected, declining');
-- stored: one row per alert type, high ones notified; a repeat updates instead of adding
SELECT is((SELECT count(*)::int FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND customer_id = 'C-QUIET' AND generated_by = 'builtin:A14'),
          (SELECT count(*)::int FROM alerts WHERE customer_id = 'C-QUIET'), 'A14: one risk insight per alert');
SELECT ok((SELECT bool_and(notification_sent AND notification_time IS NOT NULL) FROM commhub.communication_insights
            WHERE tenant_id = 'TAGENTS' AND customer_id = 'C-QUIET' AND generated_by = 'builtin:A14' AND insight_data ->> 'risk_level' = 'high'),
          'A14: high alerts are marked notified');
SELECT lives_ok($$SELECT commhub.run_agent('A14', 'C-QUIET')$$, 'A14: runs again');
SELECT is((SELECT count(*)::int FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND customer_id = 'C-QUIET' AND generated_by = 'builtin:A14'),
          (SELECT count(*)::int FROM alerts WHERE customer_id = 'C-QUIET'), 'A14: running again updates the same rows');
SELECT is((SELECT insight_type::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A14:C-COMPLAIN:complaint_escalation'), 'risk',
          'A14: dedupe key A14:<customer>:<risk_type>, type risk');

-- ---------------------------------------------------------------- A13
CREATE TEMP TABLE a13 ON COMMIT DROP AS
SELECT c AS customer_id, commhub.run_agent('A13', c) AS r FROM unnest(ARRAY['C-GROW', 'C-QUIET']) c;
SELECT is((SELECT r ->> 'customer_segment' FROM a13 WHERE customer_id = 'C-GROW'), 'VIP成长型客户', 'A13: 宁波奥克斯 is a VIP成长型客户');
SELECT ok((SELECT r ->> 'customer_segment' FROM a13 WHERE customer_id = 'C-QUIET') ~ '挽回', 'A13: 苏州美的 is to be won back');
SELECT ok(EXISTS (SELECT 1 FROM a13, jsonb_array_elements(r -> 'content_suggestions') e
                   WHERE customer_id = 'C-QUIET' AND e ->> 'type' = '竞品对比资料' AND e ->> 'topic' ~ '金发科技'),
          'A13: suggests a comparison with 金发科技 from the rules table');
SELECT is((SELECT jsonb_array_length(r #> '{timing_recommendations,best_contact_days}') FROM a13 WHERE customer_id = 'C-GROW'), 3,
          'A13: three best contact days');
SELECT is((SELECT r #>> '{channel_strategy,primary}' FROM a13 WHERE customer_id = 'C-GROW'), '企业微信', 'A13: primary channel 企业微信');
SELECT cmp_ok((SELECT jsonb_array_length(r #> '{retention_plan,retention_actions}') FROM a13 WHERE customer_id = 'C-QUIET'), '>=', 3,
              'A13: a retention plan from the risk alerts');

-- ---------------------------------------------------------------- A15
CREATE TEMP TABLE rep ON COMMIT DROP AS
SELECT c AS customer_id, commhub.report('customer', c) AS md FROM unnest(ARRAY['C-GROW', 'C-QUIET', 'C-COMPLAIN']) c;
SELECT ok((SELECT bool_and(md ~ '## 📊 一、客户洞察分析' AND md ~ '## 💰 二、商机分析' AND md ~ '## 🎯 三、营销建议'
                           AND md ~ '## ⚠️ 四、风险预警' AND md ~ '## 📋 五、行动清单') FROM rep),
          'A15: customer reports have the five sections');
SELECT ok((SELECT md ~ '\[紧急\] 1\. .*\(今天\)' AND md ~ '高风险:' FROM rep WHERE customer_id = 'C-QUIET'),
          'A15: 苏州美的 starts with an urgent action for today and lists high risks');
SELECT ok((SELECT md ~ 'PCR-ABS-1000月需求50吨,预计年订单600吨' AND md ~ '948万元/年' FROM rep WHERE customer_id = 'C-GROW'),
          'A15: 宁波奥克斯 shows the 600-ton, 948万元 opportunity');
SELECT ok((SELECT md ~ '\[紧急\].*\(今天\)' AND md ~ '提交8D质量报告\(已逾期\)' FROM rep WHERE customer_id = 'C-COMPLAIN'),
          'A15: 佛山格力配件 lists the overdue 8D report as urgent');
SELECT ok((SELECT (commhub.run_agent('A15', 'C-GROW') ->> 'report') ~ '^# 🤖 AI智能分析报告 - 宁波奥克斯空调有限公司'),
          'A15: run_agent returns {"report": markdown}');
SELECT is((SELECT insight_type::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A15:customer:C-GROW'), 'summary',
          'A15: stored as a summary insight');
SELECT ok(commhub.report('daily', NULL, now() - interval '25 hours') ~ '## 一、今日沟通统计'
          AND commhub.report('daily', NULL, now() - interval '25 hours') ~ '\| 📞 400电话 \| 1 \| 1 \| 0 \| 1 \|',
          'A15 daily: today''s counts by channel in a table');
SELECT ok((SELECT bool_and(commhub.report('weekly') ~ s) FROM unnest(ARRAY['本周沟通概览', '客户活跃度', '商机进展', '风险预警汇总', '下周行动计划']) s),
          'A15 weekly: the five sections');
SELECT ok(commhub.report('monthly') ~ '客户流失分析' AND commhub.report('monthly') ~ '苏州美的塑料制品有限公司 \| 流失风险 \| 高',
          'A15 monthly: churn analysis lists 苏州美的 as high');
SELECT ok(commhub.report('weekly', 'li') ~ '苏州美的' AND commhub.report('weekly', 'li') !~ '宁波奥克斯',
          'A15: a salesperson''s report covers only that salesperson''s customers');

-- ---------------------------------------------------------------- A16
CREATE TEMP TABLE a16 ON COMMIT DROP AS SELECT commhub.run_analysis('C-COMPLAIN') AS r;
SELECT is((SELECT (r #>> '{analysis_summary,total_records}')::int FROM a16), 11, 'A16: counts the 11 records of 90 days');
SELECT is((SELECT (r #>> '{analysis_summary,channels,phone}')::int FROM a16), 2, 'A16: channels by type');
SELECT is((SELECT r #>> '{action_plan,immediate,0,priority}' FROM a16), '紧急', 'A16: the action plan starts with an urgent item');
SELECT ok((SELECT r ? 'customer_insights' AND r ? 'opportunities' AND r ? 'marketing_suggestions' AND r ? 'risk_alerts'
                  AND r #>> '{reports,customer_report}' ~ '^# ' FROM a16), 'A16: the seed''s combined shape');
SELECT is((SELECT generated_by::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A16:C-COMPLAIN'), 'builtin:A16',
          'A16: stored as builtin:A16');

-- ---------------------------------------------------------------- handling, errors, schedules
SELECT lives_ok($$SELECT commhub.set_insight_status((SELECT insight_id FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A11:C-GROW'),
                                                    'acted', '已安排拜访')$$, 'set_insight_status marks an insight acted');
SELECT is((SELECT status || '/' || handled_by FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A11:C-GROW'), 'acted/' || current_user,
          'set_insight_status records who handled it');
SELECT throws_ok($$SELECT commhub.set_insight_status('nope', 'done')$$, '22023', NULL, 'a bad status is 22023');
SELECT throws_ok($$SELECT commhub.run_agent('A99', 'C-GROW')$$, '22023', NULL, 'an unknown agent is 22023');
SELECT throws_ok($$SELECT commhub.run_agent('A11', 'C-NOBODY')$$, 'P0002', NULL, 'an unknown customer is P0002');
SELECT throws_ok($$SELECT commhub.report('yearly')$$, '22023', NULL, 'an unknown report kind is 22023');
SELECT is((SELECT count(*)::int FROM commhub.schedule_plan() WHERE schedule IN ('0 1 * * *', '0 1 * * 1', '0 1 1 * *', '*/5 * * * *')), 4,
          'P1: 09:00 Asia/Shanghai is 01:00 UTC for pg_cron');
SELECT CASE WHEN to_regnamespace('cron') IS NULL
            THEN throws_ok('SELECT commhub.install_schedules()', '55000', NULL, 'P1: without pg_cron install_schedules says how to fix it')
            ELSE is((SELECT count(*)::int FROM commhub.install_schedules()), (SELECT count(*)::int FROM commhub.schedule_plan()),
                    'P1: install_schedules registers every job') END;
SELECT cmp_ok(commhub.run_scheduled('risk_5min'), '>=', 2, 'P1: risk_5min checks the vip and high customers');

-- A10 catch-up: a record the analyzer has not seen is analysed by A16
SELECT lives_ok($$SELECT commhub.ingest('visit', '{"visit_id": "AG-V1", "customer_id": "C-GROW", "visit_date": "2024-01-01 10:00",
                 "location": "宁波", "sales_person": "wang", "content": "拜访张经理,询价PCR-ABS-1000"}')$$, 'ingest a visit');
UPDATE commhub.customer_communications SET analysis = NULL WHERE tenant_id = 'TAGENTS' AND source_record_id = 'AG-V1';
SELECT is((commhub.run_analysis('C-GROW', '2023-12-01', now()) #>> '{analysis_summary,a10_reanalyzed}')::int, 1,
          'A16: runs the A10 catch-up first (commhub.reparse)');
SELECT is((SELECT count(*)::int FROM commhub.customer_communications
            WHERE tenant_id = 'TAGENTS' AND source_record_id = 'AG-V1' AND analysis IS NOT NULL), 1, 'A16: the record is analysed');
SELECT ok(commhub.run_agent('A16', 'C-QUIET') ? 'action_plan', 'run_agent(''A16'') is run_analysis');
-- a record whose payload no longer parses is marked once and not retried;
-- one without a payload is reanalysed from what it stores; reparse() after a
-- fix clears the mark
SELECT lives_ok($$SELECT commhub.ingest_batch('visit', '[{"visit_id": "AG-V2", "customer_id": "C-GROW", "visit_date": "2024-01-02 10:00", "content": "拜访,客户询价"},
                                                        {"visit_id": "AG-V3", "customer_id": "C-GROW", "visit_date": "2024-01-03 10:00", "content": "电话回访"}]')$$,
                'ingest two visits');
CREATE TEMP TABLE ag_saved AS SELECT record_id, content_original FROM commhub.customer_communications
 WHERE tenant_id = 'TAGENTS' AND source_record_id = 'AG-V2';
UPDATE commhub.customer_communications SET analysis = NULL,
       content_original = CASE source_record_id WHEN 'AG-V2' THEN '{"visit_id": "AG-V2", "customer_id": "C-GROW"' END
 WHERE tenant_id = 'TAGENTS' AND source_record_id IN ('AG-V2', 'AG-V3');
CREATE TEMP TABLE ag_run AS SELECT commhub.run_analysis('C-GROW', '2023-12-01', now()) -> 'analysis_summary' AS s;
SELECT is((SELECT s ->> 'a10_failed' FROM ag_run), '1', 'A16 catch-up: the record that no longer parses fails');
SELECT is((SELECT s ->> 'a10_reanalyzed' FROM ag_run), '1', 'A16 catch-up: the record without a payload is reanalysed');
SELECT is((SELECT analysis #>> '{intent,category}' || ' ' || analyzed_by FROM commhub.customer_communications
            WHERE tenant_id = 'TAGENTS' AND source_record_id = 'AG-V3'), 'after_sales builtin:A10',
          'A16 catch-up: the record without a payload has its analysis (commhub.reanalyze)');
SELECT is((SELECT sync_status || ' ' || (sync_error LIKE 'A10 catch-up %')::text FROM commhub.customer_communications
            WHERE tenant_id = 'TAGENTS' AND source_record_id = 'AG-V2'), 'analysis_failed true',
          'A16 catch-up: it is marked analysis_failed with the reason in sync_error');
SELECT is(commhub.run_analysis('C-GROW', '2023-12-01', now()) #>> '{analysis_summary,a10_failed}', '0',
          'A16 catch-up: a marked record is not tried again');
UPDATE commhub.customer_communications c SET content_original = s.content_original FROM ag_saved s WHERE c.record_id = s.record_id;
SELECT lives_ok($$SELECT commhub.reparse((SELECT record_id FROM ag_saved))$$, 'reparse after the fix');
SELECT is((SELECT sync_status || ' ' || (sync_error IS NULL)::text || ' ' || (analysis IS NOT NULL)::text
             FROM commhub.customer_communications WHERE record_id = (SELECT record_id FROM ag_saved)),
          'synced true true', 'a successful reparse clears the mark');

-- privileges: readers read reports, writers run agents, admins schedule
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_agents_reader') THEN CREATE ROLE tap_agents_reader; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tap_agents_writer') THEN CREATE ROLE tap_agents_writer; END IF;
END $$;
GRANT commhub_reader TO tap_agents_reader;
GRANT commhub_writer TO tap_agents_writer;
SELECT commhub.grant_tenant('TAGENTS', 'tap_agents_reader');
SELECT commhub.grant_tenant('TAGENTS', 'tap_agents_writer');
SET LOCAL ROLE tap_agents_reader;
SELECT ok(commhub.report('customer', 'C-GROW') ~ '五、行动清单', 'a reader runs the customer report');
SELECT throws_ok($$SELECT commhub.run_agent('A11', 'C-GROW')$$, '42501', NULL, 'a reader cannot store insights');
RESET ROLE;
SET LOCAL ROLE tap_agents_writer;
SELECT ok(commhub.run_agent('A14', 'C-COMPLAIN') ? 'risk_alerts', 'a writer runs agents');
SELECT throws_ok($$SELECT commhub.install_schedules()$$, '42501', NULL, 'a writer cannot install schedules');
RESET ROLE;

-- ---------------------------------------------------------------- review14
-- A13/A16: a monthly demand the customer stated without naming a product
-- (the A12 group 未指明产品) must not give a campaign without a name
SELECT commhub.add_customer('C-NOPROD', '杭州老板电器配件有限公司', 'normal', 'wang');
SELECT pg_temp.rec('AG-N01', 'C-NOPROD', '2 days', 'phone', 'inbound', '我们每月需要30吨,价格多少', 'inquiry', 'neutral', 0.50,
                   '{"qty":30,"qty_text":"30吨/月","who":"赵经理"}');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(commhub.a13_marketing_advice('C-NOPROD') -> 'campaign_ideas') e
            WHERE jsonb_typeof(e -> 'name') IS DISTINCT FROM 'string'), 0,
          'A13: every campaign has a name, also for a demand without a product');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(commhub.run_analysis('C-NOPROD') #> '{action_plan,long_term}') e
            WHERE jsonb_typeof(e -> 'action') IS DISTINCT FROM 'string'), 0,
          'A16: every long-term action has a text');
-- A12: cross- and up-sell always carry the seed's potential_value (0 = unknown, like estimated_value)
SELECT pg_temp.rec('AG-N02', 'C-NOPROD', '1 day', 'wechat', 'inbound', '也想了解一下PCR-ABS-1000', 'inquiry', 'neutral', 0.50,
                   '{"products":["PCR-ABS-1000"],"who":"赵经理"}');
SELECT is((SELECT count(*)::int FROM (SELECT r FROM (SELECT commhub.a12_opportunities('C-NOPROD') AS r) a) a,
                  jsonb_array_elements((r -> 'cross_sell_opportunities') || (r -> 'up_sell_opportunities')) e
            WHERE jsonb_typeof(e -> 'potential_value') IS DISTINCT FROM 'number'), 0,
          'A12: cross_sell/up_sell potential_value is a number even when the base volume is unknown');
-- A14: a later check that raises the same alert keeps the day it was first raised
SELECT is((SELECT a ->> 'triggered_at' FROM commhub.run_agent('A14', 'C-COMPLAIN', now() - interval '28 days', now() + interval '2 days') r,
                  jsonb_array_elements(r -> 'risk_alerts') a WHERE a ->> 'risk_type' = 'complaint_escalation'),
          to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'A14: raised again two days later, triggered_at is still the first day');
SELECT is((SELECT insight_data ->> 'triggered_at' FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A14:C-COMPLAIN:complaint_escalation'),
          to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'A14: the stored alert keeps its first day too');
-- A14: an alert the same check no longer raises is closed, and comes back as new when raised again
SELECT commhub.run_agent('A14', 'C-COMPLAIN', now() + interval '10 days', now() + interval '40 days');
SELECT is((SELECT status::text FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A14:C-COMPLAIN:complaint_escalation'),
          'dismissed', 'A14: a complaint alert that a later 30-day check no longer raises is closed');
SELECT commhub.run_agent('A14', 'C-COMPLAIN', now() + interval '10 days' - interval '30 days', now() + interval '10 days');
SELECT is((SELECT status || ' ' || (handled_by IS NULL)::text FROM commhub.communication_insights
            WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A14:C-COMPLAIN:complaint_escalation'),
          'new true', 'A14: raised again, it is new again');
SELECT is((SELECT insight_data ->> 'triggered_at' FROM commhub.communication_insights WHERE tenant_id = 'TAGENTS' AND dedupe_key = 'A14:C-COMPLAIN:complaint_escalation'),
          to_char((now() + interval '10 days') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 'A14: once closed and raised again, triggered_at is the new day');
-- A14: one annoyed message from a customer who was happy for three months is
-- not a high "sentiment decline" escalated to the sales director
SELECT commhub.add_customer('C-ONEBAD', '温州正泰塑胶有限公司', 'normal', 'li');
SELECT pg_temp.rec('AG-B0' || i, 'C-ONEBAD', ((40 + 15 * i) || ' days')::interval, 'wechat', 'inbound', '合作愉快,按计划发货',
                   'delivery', 'positive', 0.70, '{"who":"周经理"}') FROM generate_series(1, 4) i;
SELECT pg_temp.rec('AG-B10', 'C-ONEBAD', '3 days', 'wechat', 'inbound', '这次发货怎么这么慢', 'delivery', 'negative', 0.20, '{"who":"周经理"}');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(commhub.a14_risk_alerts('C-ONEBAD') -> 'risk_alerts') a
            WHERE a ->> 'risk_type' = 'sentiment_decline'), 0,
          'A14: a single negative message is no sentiment-decline alert');
-- A11: a customer first heard of this month has not "grown": no 合作深度持续增加, no 需求增长 opportunity
SELECT commhub.add_customer('C-FRESH', '宁海新客户塑业有限公司', 'normal', 'li');
SELECT pg_temp.rec('AG-F01', 'C-FRESH', '2 days', 'webchat', 'inbound', '你们的PP-T20有现货吗', 'inquiry', 'neutral', 0.50, '{"who":"访客"}');
SELECT is((SELECT (r #>> '{relationship_health,assessment}') || ' / ' ||
                  (SELECT count(*) FROM jsonb_array_elements(r -> 'opportunities') o WHERE o ->> 'type' = '需求增长')
             FROM commhub.a11_customer_insight('C-FRESH') r),
          '关系稳定,近期新建立联系 / 0', 'A11: a new contact reads 近期新建立联系, with no demand-growth opportunity');
-- A14: the stored insight text is Chinese: the escalation target by its title, not the code
SELECT is((SELECT count(*)::int FROM commhub.communication_insights
            WHERE tenant_id = 'TAGENTS' AND generated_by = 'builtin:A14' AND insight_content ~ 'sales_director|finance_manager'), 0,
          'A14: insight_content says 需升级: 销售总监, not sales_director');
-- A13: without an opportunity, {product} is the product the customer talks about, not an A11 need ("PCR-ABS-1000技术支持")
SELECT commhub.add_customer('C-TECH', '慈溪技术客户有限公司', 'normal', 'wang');
SELECT pg_temp.rec('AG-T01', 'C-TECH', '3 days', 'wechat', 'inbound', 'PCR-ABS-1000熔指参数是多少', 'technical', 'neutral', 0.50,
                   '{"products":["PCR-ABS-1000"],"who":"钱工"}');
SELECT ok((SELECT bool_and(e ->> 'topic' !~ '技术支持|稳定供应|质量改进|采购需求') AND bool_or(e ->> 'topic' ~ '^PCR-ABS-1000加工工艺')
             FROM jsonb_array_elements(commhub.a13_marketing_advice('C-TECH') -> 'content_suggestions') e),
          'A13: the technical-exchange topic names PCR-ABS-1000 itself');

SELECT * FROM finish();
ROLLBACK;
