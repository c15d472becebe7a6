-- commhub install script, part 45: storing agent results (insights),
-- run_agent (A11-A15), A15 Markdown reports and A16 run_analysis (SPEC N2,
-- N6, N7).
--
-- Storage contract: one insight row per (tenant, dedupe_key).  A repeated
-- run UPDATES its row (ON CONFLICT on the partial unique index
-- idx_insight_dedupe) instead of adding one, and only when something
-- changed; a row that becomes more important comes back as status 'new'.
--   A11  relationship  'A11:<customer>'
--   A12  opportunity   'A12:<customer>'
--   A13  suggestion    'A13:<customer>'
--   A14  risk          'A14:<customer>:<risk_type>'  (one per alert type)
--   A15  summary       'A15:customer:<customer>', 'A15:<kind>:<scope>:<period>'
--   A16  summary       'A16:<customer>'
-- A high A14 alert sets notification_sent/notification_time and sends
-- NOTIFY commhub_urgent once (again only after 24 hours, or when it
-- escalates to high again).  An open A14 alert that a later check of the
-- same length no longer raises is closed (dismissed by builtin:A14); raised
-- again, it is new again and notifies again.
--
-- Reports are read-only (readers may run them) and, like the agents, are
-- evaluated against `until`, so a past range renders the same text later
-- (only the 生成时间 line shows the clock).

-- ---------------------------------------------------------------------
-- Storage
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.save_insight(customer_id text, insight_type text, title text, content text, data jsonb,
                                     related_records jsonb, record_count integer,
                                     since timestamptz, until timestamptz,
                                     confidence numeric, importance integer,
                                     generated_by text, dedupe_key text)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_id text;
BEGIN
    IF customer_id IS NULL OR customer_id = '' THEN
        RAISE EXCEPTION 'customer_id must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the customer the insight is about, e.g. C001.';
    END IF;
    IF insight_type IS NULL OR insight_type NOT IN ('relationship', 'opportunity', 'suggestion', 'risk', 'summary', 'trend') THEN
        RAISE EXCEPTION 'insight_type "%" is not one of relationship, opportunity, suggestion, risk, summary, trend', insight_type
            USING ERRCODE = '22023', HINT = 'Use the seed''s insight types.';
    END IF;
    INSERT INTO commhub.communication_insights AS i
           (insight_id, customer_id, insight_type, insight_title, insight_content, insight_data,
            related_records, record_count, time_range, confidence, importance_score, generated_by,
            tenant_id, dedupe_key, status, created_at, updated_at)
    VALUES ('INS-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
                   || left(replace(gen_random_uuid()::text, '-', ''), 12),
            save_insight.customer_id, save_insight.insight_type, left(title, 256), content, data,
            coalesce(save_insight.related_records, '[]'), save_insight.record_count,
            jsonb_build_object('since', since, 'until', until),
            round(greatest(0, least(1, save_insight.confidence)), 2),
            greatest(1, least(10, importance)), left(save_insight.generated_by, 64),
            commhub.current_tenant(), left(save_insight.dedupe_key, 128), 'new', now(), now())
    ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET
        insight_type = EXCLUDED.insight_type,
        insight_title = EXCLUDED.insight_title,
        insight_content = EXCLUDED.insight_content,
        insight_data = EXCLUDED.insight_data,
        related_records = EXCLUDED.related_records,
        record_count = EXCLUDED.record_count,
        time_range = EXCLUDED.time_range,
        confidence = EXCLUDED.confidence,
        importance_score = EXCLUDED.importance_score,
        generated_by = EXCLUDED.generated_by,
        status = CASE WHEN EXCLUDED.importance_score > i.importance_score THEN 'new' ELSE i.status END,
        updated_at = now()
     WHERE i.insight_title IS DISTINCT FROM EXCLUDED.insight_title
        OR i.insight_content IS DISTINCT FROM EXCLUDED.insight_content
        OR i.insight_data IS DISTINCT FROM EXCLUDED.insight_data
        OR i.related_records IS DISTINCT FROM EXCLUDED.related_records
        OR i.importance_score IS DISTINCT FROM EXCLUDED.importance_score
    RETURNING i.insight_id INTO v_id;
    IF v_id IS NULL THEN            -- unchanged: the row was left alone
        SELECT i.insight_id INTO v_id FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = left(save_insight.dedupe_key, 128);
    END IF;
    RETURN v_id;
END
$$;

-- Store an A11/A12/A13/A15/A16 result with its headline.
CREATE FUNCTION commhub.agent_save(agent text, customer_id text, since timestamptz, until timestamptz, result jsonb)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    n integer;
    recs jsonb;
    title text;
    body text;
    imp integer;
    conf numeric;
    itype text;
    top jsonb;
    x jsonb;
    v_id text;
BEGIN
    SELECT count(*)::int INTO n FROM commhub.agent_records(cid, since, until);
    SELECT coalesce(jsonb_agg(r.record_id ORDER BY r.communication_time DESC), '[]') INTO recs
      FROM (SELECT c.record_id, c.communication_time FROM commhub.agent_records(cid, since, until) c
             ORDER BY c.communication_time DESC LIMIT 200) r;
    conf := round(least(0.95, 0.5 + n / 100.0), 2);
    CASE agent
    WHEN 'A11' THEN
        itype := 'relationship';
        x := result;
        title := format('%s · 关系健康度%s/100%s · 偏好%s沟通', x ->> 'lifecycle_stage',
                        x #>> '{relationship_health,score}', commhub.trend_arrow(x #>> '{relationship_health,trend}'),
                        coalesce(x #>> '{communication_pattern,preferred_channel}', '-'));
        body := format('关系健康度%s/100,%s。沟通频率%s,%s,偏好%s、%s。决策风格: %s%s;关键决策人: %s。满意度%s/5,忠诚度%s/100(流失风险%s)。生命周期: %s。',
                       x #>> '{relationship_health,score}', x #>> '{relationship_health,assessment}',
                       x #>> '{communication_pattern,frequency}', x #>> '{communication_pattern,response_speed}',
                       coalesce(x #>> '{communication_pattern,preferred_channel}', '-'),
                       coalesce(x #>> '{communication_pattern,preferred_time}', '-'),
                       x #>> '{decision_making,style}',
                       CASE WHEN jsonb_array_length(x #> '{decision_making,key_factors}') > 0
                            THEN ',关注' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(x #> '{decision_making,key_factors}') e)
                            ELSE '' END,
                       x #>> '{decision_making,decision_maker}', x #>> '{satisfaction,current}',
                       x #>> '{loyalty,score}', commhub.level_label(x #>> '{loyalty,risk_level}'), x ->> 'lifecycle_stage');
        imp := CASE WHEN x ->> 'lifecycle_stage' = '流失风险' THEN 8
                    WHEN (x #>> '{relationship_health,score}')::int < 50 THEN 7 ELSE 5 END;
    WHEN 'A12' THEN
        itype := 'opportunity';
        SELECT o INTO top FROM jsonb_array_elements(result -> 'opportunities') o
         WHERE o ->> 'type' = 'explicit'
         ORDER BY (o ->> 'probability')::numeric * greatest((o ->> 'estimated_value')::numeric, 1) DESC LIMIT 1;
        IF top IS NOT NULL AND top ->> 'stage' = '复购跟进' THEN
            title := '复购机会: ' || coalesce(top ->> 'product', '') || coalesce('(上次' || (top ->> 'quantity') || ')', '')
                  || CASE WHEN (top -> 'risk_factors')::text ~ '投诉' THEN ',需先处理质量投诉' ELSE '' END;
        ELSIF top IS NOT NULL THEN
            title := '客户有明确' || coalesce(top ->> 'product', '') || '采购意向'
                  || CASE WHEN top ->> 'quantity' ~ '月' THEN ',预计月订单' || regexp_replace(top ->> 'quantity', '/月$|每月', '')
                          WHEN top ->> 'quantity' IS NOT NULL THEN ',数量' || (top ->> 'quantity') ELSE '' END;
        ELSIF jsonb_array_length(result -> 'opportunities') > 0 THEN
            title := '发现' || jsonb_array_length(result -> 'opportunities') || '个潜在商机: '
                  || (result -> 'opportunities' -> 0 ->> 'description');
        ELSE
            title := '近期未发现明确商机';
        END IF;
        SELECT string_agg(format('%s商机: %s,预计成交金额%s,成交概率%s%%(%s)',
                                 CASE o ->> 'type' WHEN 'explicit' THEN '显性' ELSE '隐性' END, o ->> 'description',
                                 CASE WHEN (o ->> 'estimated_value')::numeric > 0
                                      THEN commhub.money_text((o ->> 'estimated_value')::numeric) ELSE '待确认' END,
                                 round(100 * (o ->> 'probability')::numeric), o ->> 'stage'), ';')
          INTO body FROM jsonb_array_elements(result -> 'opportunities') o;
        body := coalesce(body || '。', '近期沟通中未发现采购信号。')
             || CASE WHEN jsonb_array_length(result -> 'cross_sell_opportunities') > 0
                     THEN '交叉销售: ' || (SELECT string_agg(e ->> 'product', '、') FROM jsonb_array_elements(result -> 'cross_sell_opportunities') e) || '。'
                     ELSE '' END
             || CASE WHEN jsonb_array_length(result -> 'up_sell_opportunities') > 0
                     THEN '升级销售: ' || (SELECT string_agg((e ->> 'current') || '→' || (e ->> 'upgrade'), '、') FROM jsonb_array_elements(result -> 'up_sell_opportunities') e) || '。'
                     ELSE '' END;
        imp := CASE WHEN top IS NULL THEN CASE WHEN jsonb_array_length(result -> 'opportunities') > 0 THEN 4 ELSE 2 END
                    ELSE 6 + CASE WHEN (top ->> 'estimated_value')::numeric >= 1000000 THEN 3
                                  WHEN (top ->> 'estimated_value')::numeric >= 100000 THEN 2
                                  WHEN (top ->> 'estimated_value')::numeric > 0 THEN 1 ELSE 0 END END;
        conf := CASE WHEN top IS NOT NULL THEN 0.8 WHEN jsonb_array_length(result -> 'opportunities') > 0 THEN 0.5 ELSE 0.3 END;
        SELECT coalesce(jsonb_agg(DISTINCT e), '[]') INTO x
          FROM jsonb_array_elements(result -> 'opportunities') o, jsonb_array_elements(commhub.jarr(o -> 'related_records')) e;
        IF jsonb_array_length(x) > 0 THEN recs := x; END IF;
    WHEN 'A13' THEN
        itype := 'suggestion';
        x := result -> 'content_suggestions' -> 0;
        title := (result ->> 'customer_segment') || ': 建议' || coalesce(x ->> 'timing', '') || coalesce(x ->> 'type', '跟进')
              || coalesce('「' || (x ->> 'topic') || '」', '');
        body := format('客户定位: %s;策略: %s(%s)。建议内容: %s。最佳触达: %s %s,渠道: %s。',
                       result ->> 'customer_segment', result #>> '{marketing_strategy,approach}',
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{marketing_strategy,key_messages}') e),
                       (SELECT string_agg(format('%s%s「%s」(%s)', e ->> 'timing', e ->> 'type', e ->> 'topic', e ->> 'channel'), ';')
                          FROM jsonb_array_elements(result -> 'content_suggestions') e),
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{timing_recommendations,best_contact_days}') e),
                       (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(result #> '{timing_recommendations,best_contact_hours}') e),
                       concat_ws(' > ', result #>> '{channel_strategy,primary}', result #>> '{channel_strategy,secondary}',
                                 result #>> '{channel_strategy,tertiary}'));
        imp := CASE WHEN result ->> 'customer_segment' ~ '挽回' THEN 7
                    WHEN result ->> 'customer_segment' ~ 'VIP|高潜' THEN 6 ELSE 4 END;
        conf := 0.7;
    WHEN 'A15' THEN
        itype := 'summary';
        title := '客户分析报告 - ' || cust.name || ' (' || to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ')';
        body := result ->> 'report';
        imp := 5;
        conf := 0.8;
    WHEN 'A16' THEN
        itype := 'summary';
        title := format('综合分析 - %s: 健康度%s/100, 商机%s个, 风险%s项, 立即行动%s项', cust.name,
                        result #>> '{customer_insights,relationship_health,score}',
                        jsonb_array_length(result #> '{opportunities,opportunities}'),
                        jsonb_array_length(result #> '{risk_alerts,risk_alerts}'),
                        jsonb_array_length(result #> '{action_plan,immediate}'));
        body := result #>> '{reports,customer_report}';
        SELECT greatest(5, max(i.importance_score)) INTO imp FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = cid
           AND i.dedupe_key LIKE 'A1_:' || cid || '%';
        conf := 0.8;
    ELSE
        RAISE EXCEPTION 'agent "%" is not stored by agent_save', agent
            USING ERRCODE = '22023', HINT = 'A11, A12, A13, A15 and A16 are; A14 alerts go through agent_save_alerts.';
    END CASE;
    v_id := commhub.save_insight(cid, itype, title, body, result, recs, n, since, until, conf, imp,
                                 'builtin:' || agent,
                                 CASE agent WHEN 'A15' THEN 'A15:customer:' || cid ELSE agent || ':' || cid END);
    -- N2/N3: if use_endpoint routes this agent, a model job enriches the insight (35_agent_runtime.sql)
    PERFORM commhub.enqueue_agent_enrichment(agent, cid, v_id, result);
    RETURN v_id;
END
$$;

-- Store each A14 alert as its own risk insight; notify high ones once.
-- Returns the result with insight_id added to each alert.
CREATE FUNCTION commhub.agent_save_alerts(customer_id text, since timestamptz, until timestamptz, result jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    a jsonb;
    out_alerts jsonb := '[]';
    prev record;
    key text;
    v_id text;
    title text;
    body text;
    ind0 text;
    keys text[] := '{}';
BEGIN
    PERFORM commhub.agent_customer(cid);
    FOR a IN SELECT x FROM jsonb_array_elements(commhub.jarr(result -> 'risk_alerts')) x LOOP
        key := 'A14:' || cid || ':' || (a ->> 'risk_type');
        ind0 := a -> 'indicators' ->> 0;
        title := CASE a ->> 'risk_type'
            WHEN 'churn_risk' THEN ind0 || ',存在流失风险'
            WHEN 'competitor_threat' THEN regexp_replace(ind0, '\(\d\d-\d\d\)$', '')
            WHEN 'complaint_escalation' THEN regexp_replace(ind0, '\(.*\)$', '')
                 || CASE WHEN (a ->> 'escalation_required')::boolean THEN ',需升级至销售总监' ELSE ',需跟进处理' END
            WHEN 'sentiment_decline' THEN '客户情绪下降: ' || ind0
            ELSE ind0 END;
        body := format('%s风险(%s, %s分)。指标: %s。预计影响: %s。建议: %s。%s',
                       commhub.level_label(a ->> 'risk_level'), commhub.risk_type_label(a ->> 'risk_type'), a ->> 'risk_score',
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'indicators') e),
                       coalesce(a ->> 'expected_impact', '-'),
                       (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(a -> 'recommended_actions') e),
                       CASE WHEN (a ->> 'escalation_required')::boolean
                            THEN '需升级: ' || CASE a ->> 'escalation_to' WHEN 'sales_director' THEN '销售总监'
                                                   WHEN 'finance_manager' THEN '财务经理'
                                                   ELSE coalesce(a ->> 'escalation_to', '上级') END ELSE '' END);
        -- One run at a time per alert: two overlapping runs (risk_5min, a
        -- manual run_agent, the weekly job) would both find no insight yet
        -- and both notify.  The second waits here and then sees the first's.
        PERFORM pg_advisory_xact_lock(hashtextextended('commhub A14 ' || commhub.current_tenant() || '|' || key, 0));
        SELECT i.insight_id, i.notification_sent, i.notification_time, i.insight_data ->> 'risk_level' AS level,
               i.status = 'dismissed' AND i.handled_by = 'builtin:A14' AS cleared,
               i.insight_data ->> 'triggered_at' AS triggered_at
          INTO prev
          FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = key
         FOR UPDATE;
        -- triggered_at is the day the alert was raised: a later check that
        -- raises it again keeps that day (an alert closed in between starts
        -- anew), so "open since" does not move with every run
        IF prev.insight_id IS NOT NULL AND NOT coalesce(prev.cleared, false)
           AND prev.triggered_at ~ '^\d{4}-\d\d-\d\d$' AND prev.triggered_at < a ->> 'triggered_at' THEN
            a := jsonb_set(a, '{triggered_at}', to_jsonb(prev.triggered_at));
        END IF;
        v_id := commhub.save_insight(cid, 'risk', title, body, a - 'insight_id', coalesce(a -> 'related_records', '[]'),
                                   jsonb_array_length(coalesce(a -> 'related_records', '[]')), since, until,
                                   CASE a ->> 'risk_level' WHEN 'high' THEN 0.85 WHEN 'medium' THEN 0.7 ELSE 0.55 END,
                                   ceil((a ->> 'risk_score')::numeric / 10)::int, 'builtin:A14', key);
        keys := keys || left(key, 128);
        IF prev.cleared THEN        -- closed by an earlier check (below), raised again: open again
            UPDATE commhub.communication_insights i
               SET status = 'new', handled_by = NULL, handled_at = NULL, handle_result = NULL
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
        END IF;
        IF a ->> 'risk_level' = 'high'
           AND (prev.insight_id IS NULL OR NOT coalesce(prev.notification_sent, false)
                OR prev.level IS DISTINCT FROM 'high' OR prev.notification_time < now() - interval '24 hours') THEN
            UPDATE commhub.communication_insights i SET notification_sent = true, notification_time = now()
             WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = v_id;
            PERFORM pg_notify('commhub_urgent', jsonb_build_object(
                'record_id', a -> 'related_records' ->> 0, 'customer_id', cid,
                'tenant_id', commhub.current_tenant(),
                'urgency_reason', left(title, 128), 'risk_type', a ->> 'risk_type', 'risk_level', a ->> 'risk_level',
                'risk_score', (a ->> 'risk_score')::int, 'insight_id', v_id, 'alert_id', a ->> 'alert_id',
                'escalation_to', a ->> 'escalation_to', 'source', 'builtin:A14')::text);
        END IF;
        out_alerts := out_alerts || (a || jsonb_build_object('insight_id', v_id));
    END LOOP;
    -- An open alert this check no longer raises is closed (status dismissed,
    -- handled_by builtin:A14, and notified again if it comes back), when it
    -- was raised by a check of the same length that is not newer than this
    -- one: a complaint of two months ago no longer shows as an open risk.
    UPDATE commhub.communication_insights i
       SET status = 'dismissed', handled_by = 'builtin:A14', handled_at = now(),
           handle_result = '风险已解除: ' || to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 的检查未再触发',
           notification_sent = false, updated_at = now()
     WHERE i.tenant_id = commhub.current_tenant() AND i.customer_id = cid AND i.insight_type = 'risk'
       AND left(i.dedupe_key, length('A14:' || cid || ':')) = 'A14:' || cid || ':'
       AND NOT (i.dedupe_key = ANY (keys))
       AND i.status IN ('new', 'read')
       AND (i.time_range ->> 'until')::timestamptz <= until
       AND (i.time_range ->> 'until')::timestamptz - (i.time_range ->> 'since')::timestamptz = until - since;
    RETURN jsonb_set(result, '{risk_alerts}', out_alerts);
END
$$;

-- An A13 content suggestion as something to do: 发送技术白皮书: ..., 安排技术交流会: ...
CREATE FUNCTION commhub.content_action(content_type text, topic text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 ~ '邀请|交流会|拜访|回访|回顾|参观' THEN '安排'
               WHEN $1 ~ '跟进|沟通' THEN ''
               WHEN $1 ~ '优惠|方案|礼包|保障' THEN '提供'
               ELSE '发送' END || $1 || ': ' || $2 $$;

-- ---------------------------------------------------------------------
-- Action list (A15 section five, A16 action_plan)
-- Items {priority 紧急|高|中, action, due 今天|明天|本周, source}: open tasks,
-- A14 alerts, A12 opportunities, A13 content; deduplicated, most urgent first.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.agent_action_list(customer_id text, until timestamptz, a12 jsonb, a13 jsonb, a14 jsonb,
                                          max_items integer DEFAULT 8)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    today date := (coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::date;
    week_end date;
    acts jsonb := '[]';
    t record;
    x jsonb;
    act text;
BEGIN
    week_end := today + (7 - extract(isodow FROM today)::int);
    FOR t IN
        SELECT k.title, (k.due_at AT TIME ZONE 'Asia/Shanghai')::date AS due
          FROM commhub.communication_tasks k
         WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = cid
           AND k.status IN ('pending', 'in_progress') AND k.due_at IS NOT NULL
           AND (k.due_at AT TIME ZONE 'Asia/Shanghai')::date <= greatest(week_end, today + 2)
         ORDER BY k.due_at LIMIT 5
    LOOP
        acts := acts || jsonb_build_object(
            'priority', CASE WHEN t.due <= today THEN '紧急' WHEN t.due = today + 1 THEN '高' ELSE '中' END,
            'action', t.title || CASE WHEN t.due < today THEN '(已逾期)' ELSE '' END,
            'due', CASE WHEN t.due <= today THEN '今天' WHEN t.due = today + 1 THEN '明天' ELSE '本周' END,
            'source', 'task');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a14 -> 'risk_alerts')) e
              ORDER BY (e ->> 'risk_score')::int DESC LOOP
        act := x -> 'recommended_actions' ->> 0;
        CONTINUE WHEN act IS NULL;
        acts := acts || jsonb_build_object(
            'priority', CASE x ->> 'risk_level' WHEN 'high' THEN '紧急' WHEN 'medium' THEN '高' ELSE '中' END,
            'action', act,
            'due', CASE x ->> 'risk_level' WHEN 'high' THEN '今天' WHEN 'medium' THEN '明天' ELSE '本周' END,
            'source', 'A14:' || (x ->> 'risk_type'));
        IF x ->> 'risk_level' = 'high' AND x -> 'recommended_actions' ->> 1 IS NOT NULL THEN
            acts := acts || jsonb_build_object('priority', '高', 'action', x -> 'recommended_actions' ->> 1,
                                               'due', '明天', 'source', 'A14:' || (x ->> 'risk_type'));
        END IF;
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a12 -> 'opportunities')) e
              WHERE e ->> 'type' = 'explicit'
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 3 LOOP
        act := x -> 'recommended_actions' ->> 0;
        CONTINUE WHEN act IS NULL;
        IF x ->> 'product' IS NOT NULL AND strpos(act, x ->> 'product') = 0 THEN
            act := act || '(' || (x ->> 'product') || ')';
        END IF;
        acts := acts || jsonb_build_object(
            'priority', CASE x ->> 'urgency' WHEN 'high' THEN '高' ELSE '中' END, 'action', act,
            'due', CASE x ->> 'urgency' WHEN 'high' THEN '明天' ELSE '本周' END, 'source', 'A12');
        act := x -> 'recommended_actions' ->> 1;
        IF act IS NOT NULL THEN
            acts := acts || jsonb_build_object('priority', '中', 'action', act, 'due', '本周', 'source', 'A12');
        END IF;
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(commhub.jarr(a13 -> 'content_suggestions')) e LIMIT 3 LOOP
        acts := acts || jsonb_build_object(
            'priority', CASE WHEN x ->> 'timing' ~ '^立即' THEN '高' ELSE '中' END,
            'action', commhub.content_action(x ->> 'type', x ->> 'topic'),
            'due', CASE WHEN x ->> 'timing' ~ '^立即' THEN '明天' ELSE '本周' END, 'source', 'A13');
    END LOOP;
    RETURN (SELECT coalesce(jsonb_agg(d.e ORDER BY d.rank, d.o), '[]')
              FROM (SELECT * FROM (SELECT DISTINCT ON (e ->> 'action') e, o,
                                          CASE e ->> 'priority' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END AS rank
                                     FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o)
                                    ORDER BY e ->> 'action', CASE e ->> 'priority' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END, o) z
                     ORDER BY z.rank, z.o LIMIT max_items) d);
END
$$;

-- ---------------------------------------------------------------------
-- A15 customer report: the seed's AI智能分析报告, five sections.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a15_customer_report(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL,
                                            a11 jsonb DEFAULT NULL, a12 jsonb DEFAULT NULL,
                                            a13 jsonb DEFAULT NULL, a14 jsonb DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    i11 jsonb := a11;
    i12 jsonb := a12;
    i13 jsonb := a13;
    i14 jsonb := a14;
    l text[] := '{}';
    n integer;
    chans text;
    score integer;
    x jsonb;
    k integer;
    acts jsonb;
    now_items text[];
    week_items text[];
    lvl text;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    i11 := coalesce(i11, commhub.a11_customer_insight(cid, t0, t1));
    i12 := coalesce(i12, commhub.a12_opportunities(cid, t0, t1));
    i14 := coalesce(i14, commhub.a14_risk_alerts(cid, NULL, t1));
    i13 := coalesce(i13, commhub.a13_marketing_advice(cid, t0, t1, i11, i12, i14));
    SELECT count(*)::int INTO n FROM commhub.agent_records(cid, t0, t1);
    SELECT string_agg(commhub.channel_label(x.t) || ' ' || x.n, ' · ' ORDER BY x.n DESC, x.t) INTO chans
      FROM (SELECT c.communication_type AS t, count(*) AS n FROM commhub.agent_records(cid, t0, t1) c GROUP BY 1) x;
    score := (i11 #>> '{relationship_health,score}')::int;

    l := l || ('# 🤖 AI智能分析报告 - ' || cust.name) || ''::text
           || ('> 分析范围: 近' || round(extract(epoch FROM t1 - t0) / 86400) || '天 ('
               || to_char(t0 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 至 '
               || to_char(t1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ') | 沟通记录: ' || n || '条'
               || coalesce(' (' || chans || ')', ''))
           || ('> 生成时间: ' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'))
           || ''::text;

    -- 一、客户洞察分析
    l := l || '## 📊 一、客户洞察分析'::text || ''::text
           || format('**关系健康度: %s/100 (%s)** · 趋势 %s · %s', score,
                     CASE WHEN score >= 80 THEN '良好' WHEN score >= 60 THEN '稳定' WHEN score >= 40 THEN '一般' ELSE '较差' END,
                     commhub.trend_arrow(i11 #>> '{relationship_health,trend}'), i11 #>> '{relationship_health,assessment}')
           || ''::text
           || ('- 沟通频率: ' || (i11 #>> '{communication_pattern,frequency}'))
           || ('- 响应速度: ' || (i11 #>> '{communication_pattern,response_speed}'))
           || ('- 偏好: ' || coalesce(i11 #>> '{communication_pattern,preferred_channel}', '-') || ' · '
               || coalesce(i11 #>> '{communication_pattern,preferred_time}', '-'))
           || format('- 满意度: %s/5 · 趋势 %s %s', i11 #>> '{satisfaction,current}',
                     commhub.trend_arrow(i11 #>> '{satisfaction,trend}'),
                     CASE i11 #>> '{satisfaction,trend}' WHEN 'upward' THEN '上升' WHEN 'downward' THEN '下降' ELSE '稳定' END)
           || format('- 忠诚度: %s/100 (%s) · 保留概率 %s%%', i11 #>> '{loyalty,score}',
                     CASE i11 #>> '{loyalty,risk_level}' WHEN 'low' THEN '较高' WHEN 'medium' THEN '一般' ELSE '偏低' END,
                     round(100 * (i11 #>> '{loyalty,retention_probability}')::numeric))
           || ('- 生命周期: ' || (i11 ->> 'lifecycle_stage'))
           || ''::text
           || ('决策模式: ' || (i11 #>> '{decision_making,style}')
               || CASE WHEN jsonb_array_length(i11 #> '{decision_making,key_factors}') > 0
                       THEN ',重视' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{decision_making,key_factors}') e)
                       ELSE '' END
               || ' · 决策周期: ' || (i11 #>> '{decision_making,decision_cycle}'));
    IF jsonb_array_length(i11 -> 'key_contacts') > 0 THEN
        l := l || ''::text || '关键决策人:'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(i11 -> 'key_contacts') e LOOP
            l := l || format('- %s(%s) - 影响力%s%% · 关系%s', x ->> 'name', x ->> 'role',
                             round(100 * (x ->> 'influence')::numeric), x ->> 'relationship');
        END LOOP;
    END IF;
    l := l || ''::text
           || ('需求图谱: 当前 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,current}') e), '-')
               || ' | 未来 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,future}') e), '-')
               || ' | 潜在 ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{needs_map,latent}') e), '-'))
           || ('优势: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{satisfaction,strengths}') e), '-')
               || ' | 痛点: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i11 #> '{satisfaction,pain_points}') e), '-'))
           || ''::text;

    -- 二、商机分析
    l := l || '## 💰 二、商机分析'::text || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'opportunities') e WHERE e ->> 'type' = 'explicit' LOOP
        IF k = 0 THEN l := l || '显性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- **' || (x ->> 'description') || '**')
               || ('  - 预计成交金额: ' || CASE WHEN (x ->> 'estimated_value')::numeric > 0
                                                THEN commhub.money_text((x ->> 'estimated_value')::numeric)
                                                     || CASE WHEN x ->> 'quantity' ~ '月' THEN '/年' ELSE '' END
                                                     || ' (' || (x ->> 'value_basis') || ')'
                                                ELSE '待确认 (' || (x ->> 'value_basis') || ')' END)
               || format('  - 成交概率: %s%% (%s阶段) · 预计成交: %s · 紧急度: %s',
                         round(100 * (x ->> 'probability')::numeric), x ->> 'stage',
                         coalesce(x ->> 'expected_close_date', '-'), commhub.level_label(x ->> 'urgency'));
        IF jsonb_array_length(x -> 'competitors') > 0 THEN
            l := l || ('  - 竞争对手: ' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(x -> 'competitors') e));
        END IF;
        IF jsonb_array_length(x -> 'risk_factors') > 0 THEN
            l := l || ('  - 风险因素: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'risk_factors') e));
        END IF;
        l := l || ('  - 制胜因素: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'winning_factors') e));
    END LOOP;
    IF k = 0 THEN l := l || '显性商机: 暂无 (近期沟通中没有询价、报价或订单信号)'::text; END IF;
    l := l || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'opportunities') e WHERE e ->> 'type' = 'implicit' LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- ' || (x ->> 'description'));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'cross_sell_opportunities') e LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- 交叉销售 ' || (x ->> 'product') || ': ' || (x ->> 'reason')
                   || coalesce(',潜在金额' || commhub.money_text(nullif((x ->> 'potential_value')::numeric, 0)), ''));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(i12 -> 'up_sell_opportunities') e LOOP
        IF k = 0 THEN l := l || '隐性商机:'::text; END IF;
        k := k + 1;
        l := l || ('- 升级销售 ' || (x ->> 'current') || ' → ' || (x ->> 'upgrade') || ': ' || (x ->> 'reason'));
    END LOOP;
    IF k = 0 THEN l := l || '隐性商机: 暂无'::text; END IF;
    l := l || ''::text;

    -- 三、营销建议
    SELECT array_agg(format('%s (%s)', commhub.content_action(e ->> 'type', e ->> 'topic'), e ->> 'channel'))
      INTO now_items FROM jsonb_array_elements(i13 -> 'content_suggestions') e WHERE e ->> 'timing' ~ '^立即';
    SELECT array_agg(format('%s (%s, %s)', commhub.content_action(e ->> 'type', e ->> 'topic'), e ->> 'timing', e ->> 'channel'))
      INTO week_items FROM jsonb_array_elements(i13 -> 'content_suggestions') e WHERE NOT e ->> 'timing' ~ '^立即';
    SELECT coalesce(now_items, '{}') || coalesce(array_agg(a), '{}') INTO now_items
      FROM (SELECT jsonb_array_elements_text(o -> 'recommended_actions') AS a
              FROM (SELECT e AS o FROM jsonb_array_elements(i12 -> 'opportunities') e
                     WHERE e ->> 'type' = 'explicit' AND NOT i13 ->> 'customer_segment' ~ '挽回'
                     ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 1) t
             LIMIT 2) y;
    l := l || '## 🎯 三、营销建议'::text || ''::text
           || format('客户定位: **%s** · 策略: %s · 核心信息: %s', i13 ->> 'customer_segment',
                     i13 #>> '{marketing_strategy,approach}',
                     (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{marketing_strategy,key_messages}') e))
           || ''::text;
    IF cardinality(now_items) > 0 THEN
        l := l || '立即执行:'::text;
        FOR k IN 1 .. least(cardinality(now_items), 4) LOOP
            l := l || (k || '. ' || now_items[k]);
        END LOOP;
        l := l || ''::text;
    END IF;
    IF cardinality(week_items) > 0 THEN
        l := l || '本周计划:'::text;
        FOR k IN 1 .. least(cardinality(week_items), 4) LOOP
            l := l || (k || '. ' || week_items[k]);
        END LOOP;
        l := l || ''::text;
    END IF;
    l := l || ('最佳触达: ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,best_contact_days}') e), '-')
               || ' ' || coalesce((SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,best_contact_hours}') e), '')
               || CASE WHEN jsonb_array_length(i13 #> '{timing_recommendations,avoid_times}') > 0
                       THEN ' · 避开: ' || (SELECT string_agg(e, '、') FROM jsonb_array_elements_text(i13 #> '{timing_recommendations,avoid_times}') e)
                       ELSE '' END)
           || ('渠道策略: ' || concat_ws(' > ', i13 #>> '{channel_strategy,primary}', i13 #>> '{channel_strategy,secondary}',
                                         i13 #>> '{channel_strategy,tertiary}')
               || ' (' || (i13 #>> '{channel_strategy,reason}') || ')')
           || ''::text;

    -- 四、风险预警
    l := l || '## ⚠️ 四、风险预警'::text || ''::text;
    IF jsonb_array_length(i14 -> 'risk_alerts') = 0 THEN
        l := l || '暂无风险预警 ✅'::text || ''::text;
    ELSE
        FOREACH lvl IN ARRAY ARRAY['high', 'medium', 'low'] LOOP
            k := 0;
            FOR x IN SELECT e FROM jsonb_array_elements(i14 -> 'risk_alerts') e WHERE e ->> 'risk_level' = lvl
                      ORDER BY (e ->> 'risk_score')::int DESC LOOP
                IF k = 0 THEN l := l || (commhub.level_label(lvl) || '风险:'); END IF;
                k := k + 1;
                l := l || format('- **%s** (%s, %s分%s)', x -> 'indicators' ->> 0, commhub.risk_type_label(x ->> 'risk_type'),
                                 x ->> 'risk_score',
                                 CASE WHEN (x ->> 'escalation_required')::boolean THEN ', 需升级' ELSE '' END);
                IF jsonb_array_length(x -> 'indicators') > 1 THEN
                    l := l || ('  - 指标: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'indicators') WITH ORDINALITY AS u(e, o) WHERE o > 1));
                END IF;
                l := l || ('  - 影响: ' || coalesce(x ->> 'expected_impact', '-'))
                       || ('  - 应对: ' || (SELECT string_agg(e, ';') FROM jsonb_array_elements_text(x -> 'recommended_actions') e));
            END LOOP;
            IF k > 0 THEN l := l || ''::text; END IF;
        END LOOP;
    END IF;

    -- 五、行动清单
    acts := commhub.agent_action_list(cid, t1, i12, i13, i14);
    l := l || '## 📋 五、行动清单'::text || ''::text;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(acts) e LOOP
        k := k + 1;
        l := l || format('- [%s] %s. %s (%s)', x ->> 'priority', k, x ->> 'action', x ->> 'due');
    END LOOP;
    IF k = 0 THEN l := l || '- [中] 1. 保持定期回访 (本周)'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

-- ---------------------------------------------------------------------
-- A15 daily / weekly / monthly reports for a tenant, a salesperson or a customer
-- ---------------------------------------------------------------------
-- What a report target means: NULL = the whole tenant; a customer_id; or a
-- salesperson (customers.owner, a staff id, or handled_by of records).
CREATE FUNCTION commhub.report_scope(target text, until timestamptz DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers;
    ids jsonb;
BEGIN
    IF target IS NULL OR target = '' THEN
        RETURN jsonb_build_object('kind', 'tenant', 'target', NULL, 'label', '全部客户', 'customers', NULL, 'staff', NULL);
    END IF;
    SELECT c.* INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = target;
    IF FOUND THEN
        RETURN jsonb_build_object('kind', 'customer', 'target', target, 'label', cust.name,
                                  'customers', jsonb_build_array(target), 'staff', NULL);
    END IF;
    IF EXISTS (SELECT 1 FROM commhub.customers c WHERE c.tenant_id = commhub.current_tenant() AND c.owner = target)
       OR EXISTS (SELECT 1 FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant() AND s.staff_id = target)
       OR EXISTS (SELECT 1 FROM commhub.customer_communications c
                   WHERE c.tenant_id = commhub.current_tenant() AND c.handled_by = target) THEN
        SELECT coalesce(jsonb_agg(DISTINCT x.customer_id), '[]') INTO ids
          FROM (SELECT c.customer_id FROM commhub.customers c
                 WHERE c.tenant_id = commhub.current_tenant() AND c.owner = target
                UNION
                SELECT c.customer_id FROM commhub.customer_communications c
                 WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id <> 'UNMATCHED'
                   AND target IN (c.handled_by, c.initiated_by, c.assigned_to)
                   AND c.communication_time > coalesce(until, now()) - interval '180 days'
                   AND c.communication_time <= coalesce(until, now())) x;
        RETURN jsonb_build_object('kind', 'staff', 'target', target, 'label', '销售 ' || target,
                                  'customers', ids, 'staff', target);
    END IF;
    RAISE EXCEPTION 'report target "%" is neither a customer_id nor a salesperson', target
        USING ERRCODE = 'P0002',
              HINT = 'Pass NULL for the whole tenant, a customer_id of commhub.customers, or a staff id (customers.owner or handled_by of records).';
END
$$;

-- The scope's timeline entries in (since, until].
CREATE FUNCTION commhub.report_records(scope jsonb, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3   -- [since, until): a midnight record is its own day's
       AND ($1 ->> 'kind' = 'tenant'
            OR c.customer_id IN (SELECT jsonb_array_elements_text($1 -> 'customers'))
            OR ($1 ->> 'staff' IS NOT NULL AND $1 ->> 'staff' IN (c.handled_by, c.initiated_by, c.assigned_to)))
$$;

CREATE FUNCTION commhub.report_customers(scope jsonb) RETURNS SETOF commhub.customers
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT k.* FROM commhub.customers k
     WHERE k.tenant_id = commhub.current_tenant()
       AND ($1 ->> 'kind' = 'tenant' OR k.customer_id IN (SELECT jsonb_array_elements_text($1 -> 'customers')))
$$;

-- +25%, -100%, 0%
CREATE FUNCTION commhub.pct_change(now_ numeric, before numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $2 IS NULL OR $2 = 0 THEN '-'
               ELSE CASE WHEN $1 > $2 THEN '+' ELSE '' END || pg_catalog.round(100.0 * ($1 - $2) / $2)::text || '%' END $$;

-- A Markdown table of counts by channel: this period vs the one before.
CREATE FUNCTION commhub.report_channel_table(scope jsonb, since timestamptz, until timestamptz,
                                             prev_since timestamptz DEFAULT NULL, label_now text DEFAULT '数量',
                                             label_prev text DEFAULT '上期')
    RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
WITH cur AS (
    SELECT c.communication_type AS t, count(*) AS n,
           count(*) FILTER (WHERE c.direction = 'inbound') AS n_in,
           count(*) FILTER (WHERE c.direction = 'outbound') AS n_out,
           count(DISTINCT c.customer_id) FILTER (WHERE c.customer_id <> 'UNMATCHED') AS n_cust
      FROM commhub.report_records($1, $2, $3) c GROUP BY 1),
prev AS (
    SELECT c.communication_type AS t, count(*) AS n
      FROM commhub.report_records($1, $4, $2) c WHERE $4 IS NOT NULL GROUP BY 1),
rows_ AS (
    SELECT coalesce(cur.t, prev.t) AS t, coalesce(cur.n, 0) AS n, coalesce(cur.n_in, 0) AS n_in,
           coalesce(cur.n_out, 0) AS n_out, coalesce(cur.n_cust, 0) AS n_cust, coalesce(prev.n, 0) AS p
      FROM cur FULL JOIN prev ON prev.t = cur.t),
tot AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE c.direction = 'inbound') AS n_in,
           count(*) FILTER (WHERE c.direction = 'outbound') AS n_out,
           count(DISTINCT c.customer_id) FILTER (WHERE c.customer_id <> 'UNMATCHED') AS n_cust,
           (SELECT count(*) FROM commhub.report_records($1, $4, $2) WHERE $4 IS NOT NULL) AS p
      FROM commhub.report_records($1, $2, $3) c)
SELECT ARRAY[CASE WHEN $4 IS NULL THEN '| 渠道 | ' || $5 || ' | 呼入/来信 | 呼出/发出 | 客户数 |'
                  ELSE '| 渠道 | ' || $5 || ' | ' || $6 || ' | 环比 | 呼入/来信 | 呼出/发出 | 客户数 |' END,
             CASE WHEN $4 IS NULL THEN '|---|---:|---:|---:|---:|' ELSE '|---|---:|---:|---:|---:|---:|---:|' END]
       || coalesce((SELECT array_agg(format('| %s %s | %s |%s %s | %s | %s |', commhub.channel_icon(r.t), commhub.channel_label(r.t), r.n,
                                            CASE WHEN $4 IS NULL THEN ''
                                                 ELSE ' ' || r.p || ' | ' || CASE WHEN r.p = 0 THEN '-'
                                                                                 ELSE commhub.pct_change(r.n, r.p) END || ' |' END,
                                            r.n_in, r.n_out, r.n_cust) ORDER BY r.n DESC, r.t)
                      FROM rows_ r), '{}')
       || (SELECT format('| **合计** | **%s** |%s %s | %s | %s |', tot.n,
                         CASE WHEN $4 IS NULL THEN ''
                              ELSE ' ' || tot.p || ' | ' || CASE WHEN tot.p = 0 THEN '-'
                                                                ELSE commhub.pct_change(tot.n, tot.p) END || ' |' END,
                         tot.n_in, tot.n_out, tot.n_cust) FROM tot)
$$;

-- "询价 3 · 投诉 1" and "积极 5 · 中性 2 · 消极 1"
CREATE FUNCTION commhub.report_mix(scope jsonb, since timestamptz, until timestamptz) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT ARRAY[
        '意图分布: ' || coalesce((SELECT string_agg(commhub.intent_label(x.i) || ' ' || x.n, ' · ' ORDER BY x.n DESC, x.i)
                                   FROM (SELECT c.intent_category AS i, count(*) AS n FROM commhub.report_records($1, $2, $3) c
                                          WHERE c.intent_category IS NOT NULL GROUP BY 1) x), '-'),
        '情绪分布: ' || coalesce((SELECT string_agg(commhub.sentiment_label(x.s) || ' ' || x.n, ' · '
                                                    ORDER BY CASE x.s WHEN 'positive' THEN 1 WHEN 'neutral' THEN 2 ELSE 3 END)
                                   FROM (SELECT c.sentiment AS s, count(*) AS n FROM commhub.report_records($1, $2, $3) c
                                          WHERE c.sentiment IS NOT NULL GROUP BY 1) x), '-')]
$$;

CREATE FUNCTION commhub.report_header(title text, scope jsonb, since timestamptz, until timestamptz) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT ARRAY['# ' || $1, '',
                 '> 范围: ' || ($2 ->> 'label') || ' | 统计时段: '
                 || to_char($3 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 至 '
                 || to_char($4 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' (北京时间)',
                 '> 生成时间: ' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '']
$$;

CREATE FUNCTION commhub.report_daily(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    day_ date := ((until - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date;
    is_today boolean := day_ = (now() AT TIME ZONE 'Asia/Shanghai')::date;
    day_end timestamptz := ((day_ + 1)::timestamp AT TIME ZONE 'Asia/Shanghai');
    l text[];
    r record;
    n integer;
    k integer := 0;
    unmatched integer;
    x jsonb;
    risks jsonb := '[]';
BEGIN
    -- A14 now for the customers touched in the window and the vip/high ones
    -- active in 120 days (the risk_5min set), bounded
    FOR r IN
        SELECT k2.customer_id, k2.name
          FROM commhub.report_customers(scope) k2
         WHERE EXISTS (SELECT 1 FROM commhub.report_records(scope, since, until) c WHERE c.customer_id = k2.customer_id)
            OR (k2.priority IN ('vip', 'high')
                AND EXISTS (SELECT 1 FROM commhub.customer_communications c
                             WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id
                               AND c.canonical_record_id IS NULL
                               AND c.communication_time > until - interval '120 days' AND c.communication_time <= until))
         ORDER BY k2.customer_id LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e
                  WHERE e ->> 'risk_level' = 'high' LOOP
            risks := risks || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    l := commhub.report_header('📅 沟通日报 - ' || to_char(day_, 'YYYY-MM-DD') || ' ('
                               || commhub.weekday_label(extract(isodow FROM day_)::int) || ')', scope, since, until);
    SELECT count(*)::int, count(*) FILTER (WHERE c.customer_id = 'UNMATCHED')::int INTO n, unmatched
      FROM commhub.report_records(scope, since, until) c;
    l := l || CASE WHEN is_today THEN '## 一、今日沟通统计' ELSE '## 一、当日沟通统计' END || ''::text;
    IF n = 0 THEN
        l := l || '暂无沟通记录。'::text || ''::text;
    ELSE
        l := l || ('共 ' || n || ' 条沟通' || CASE WHEN unmatched > 0 THEN ',其中 ' || unmatched || ' 条未识别客户(请补充身份映射)' ELSE '' END || '。')
               || ''::text || commhub.report_channel_table(scope, since, until) || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    l := l || '## 二、重要事项'::text || ''::text;
    FOR r IN
        SELECT c.*, k2.name AS cname
          FROM commhub.report_records(scope, since, until) c
          LEFT JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         WHERE c.urgency_level = 'high' OR c.sentiment = 'negative' OR c.intent_category = 'complaint'
         ORDER BY commhub.level_rank(c.urgency_level) DESC, c.communication_time DESC LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- %s %s %s · %s %s — %s %s',
                         CASE WHEN r.urgency_level = 'high' THEN '🔴' ELSE '🟠' END,
                         to_char(r.communication_time AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
                         coalesce(r.cname, '未识别客户'), commhub.channel_icon(r.communication_type),
                         commhub.channel_label(r.communication_type),
                         left(coalesce(r.summary, r.subject, r.content, ''), 60),
                         array_to_string(commhub.record_tags(r.intent_category, r.sentiment, r.urgency_level,
                             r.attachment_count, r.missed, r.recalled_at, r.media_pending, r.related_records), ' '));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e ORDER BY (e ->> 'risk_score')::int DESC, e ->> 'alert_id' LIMIT 8 LOOP
        k := k + 1;
        l := l || format('- ⚠️ 风险预警 · %s: %s (%s, %s分)', x ->> 'customer_name', x -> 'indicators' ->> 0,
                         commhub.risk_type_label(x ->> 'risk_type'), x ->> 'risk_score');
    END LOOP;
    IF k = 0 THEN l := l || '无紧急、负面或投诉类沟通 ✅'::text; END IF;
    l := l || ''::text;

    l := l || '## 三、待办提醒'::text || ''::text;
    k := 0;
    FOR r IN
        SELECT t.title, t.due_at, t.owner, t.priority, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at < day_end
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 15
    LOOP
        k := k + 1;
        l := l || format('- [%s] %s — %s (截止 %s%s)',
                         CASE WHEN r.due_at < until THEN '逾期' ELSE '今天' END, r.title, r.cname,
                         to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI'),
                         coalesce(', 负责人 ' || r.owner, ''));
    END LOOP;
    IF k = 0 THEN l := l || '无到期待办 ✅'::text; END IF;
    l := l || ''::text;

    l := l || CASE WHEN is_today THEN '## 四、明日计划建议' ELSE '## 四、次日计划建议' END || ''::text;
    k := 0;
    -- inbound records of the day nobody answered yet
    FOR r IN
        SELECT c.customer_id, k2.name AS cname, count(*) AS n, min(c.communication_time) AS first_at,
               string_agg(DISTINCT commhub.intent_label(c.intent_category), '/') AS intents
          FROM commhub.report_records(scope, since, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         WHERE c.direction = 'inbound'
           AND NOT EXISTS (SELECT 1 FROM commhub.customer_communications o
                            WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.direction = 'outbound'
                              AND o.communication_time > c.communication_time AND o.communication_time <= until)
         GROUP BY 1, 2 ORDER BY min(c.communication_time) LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- 回复 %s 的%s (%s条未回复,已等待%s小时)', r.cname, coalesce(r.intents, '消息'), r.n,
                         floor(extract(epoch FROM until - r.first_at) / 3600));
    END LOOP;
    FOR r IN
        SELECT t.title, t.due_at, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at >= day_end AND t.due_at < day_end + interval '1 day'
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 10
    LOOP
        k := k + 1;
        l := l || format('- %s — %s (%s)', r.title, r.cname, to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e ORDER BY (e ->> 'risk_score')::int DESC, e ->> 'alert_id' LIMIT 5 LOOP
        k := k + 1;
        l := l || format('- 跟进高风险客户 %s: %s (%s)', x ->> 'customer_name', x -> 'recommended_actions' ->> 0,
                         commhub.risk_type_label(x ->> 'risk_type'));
    END LOOP;
    IF k = 0 THEN l := l || '- 保持日常跟进,关注新的询价与投诉'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

CREATE FUNCTION commhub.report_weekly(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    len interval := until - since;
    prev0 timestamptz := since - (until - since);
    l text[];
    r record;
    n integer;
    p integer;
    k integer;
    resp numeric;
    opps jsonb := '[]';
    risks jsonb := '[]';
    plan jsonb := '[]';
    x jsonb;
    total numeric := 0;
    weighted numeric := 0;
BEGIN
    l := commhub.report_header('📊 沟通周报 - ' || to_char(since AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ' 至 '
                               || to_char((until - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
                               scope, since, until);
    SELECT count(*)::int INTO n FROM commhub.report_records(scope, since, until);
    SELECT count(*)::int INTO p FROM commhub.report_records(scope, prev0, since);
    SELECT round(avg(extract(epoch FROM o.t - c.communication_time) / 3600.0), 1) INTO resp
      FROM commhub.report_records(scope, since, until) c
      CROSS JOIN LATERAL (SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
                           WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.direction = 'outbound'
                             AND o.communication_time > c.communication_time
                             AND o.communication_time <= c.communication_time + interval '7 days') o
     WHERE c.direction = 'inbound' AND c.customer_id <> 'UNMATCHED' AND o.t IS NOT NULL;

    -- 一、本周沟通概览
    l := l || '## 一、本周沟通概览'::text || ''::text
           || format('本周共 %s 条沟通 (上周 %s 条%s),涉及 %s 个客户;%s。', n, p,
                     CASE WHEN p > 0 THEN ',环比 ' || commhub.pct_change(n, p) ELSE '' END,
                     (SELECT count(DISTINCT c.customer_id) FROM commhub.report_records(scope, since, until) c
                       WHERE c.customer_id <> 'UNMATCHED'),
                     commhub.response_text(resp))
           || ''::text;
    IF n > 0 THEN
        l := l || commhub.report_channel_table(scope, since, until, prev0, '本周', '上周') || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    -- 二、客户活跃度
    l := l || '## 二、客户活跃度'::text || ''::text;
    k := 0;
    FOR r IN
        SELECT k2.customer_id, k2.name, count(*) FILTER (WHERE c.communication_time >= since) AS n_now,
               count(*) FILTER (WHERE c.communication_time < since) AS n_prev, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, prev0, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2
        HAVING count(*) FILTER (WHERE c.communication_time >= since) > 0
         ORDER BY 3 DESC, 1 LIMIT 10
    LOOP
        IF k = 0 THEN
            l := l || '| 客户 | 本周沟通 | 上周 | 健康度 | 趋势 | 最后联系 |'::text || '|---|---:|---:|---:|:---:|---|'::text;
        END IF;
        k := k + 1;
        l := l || (SELECT format('| %s | %s | %s | %s | %s | %s |', r.name, r.n_now, r.n_prev, h.score,
                                 commhub.trend_arrow(h.trend), commhub.relative_time(r.last_at, until))
                     FROM commhub.health(r.customer_id, until) h);
    END LOOP;
    IF k = 0 THEN l := l || '本周没有客户沟通。'::text; END IF;
    SELECT string_agg(format('%s(最后联系%s)', x.name, commhub.relative_time(x.last_at, until)), '、' ORDER BY x.last_at DESC)
      INTO STRICT r
      FROM (SELECT k2.name, max(c.communication_time) AS last_at
              FROM commhub.report_records(scope, since - interval '28 days', until) c
              JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
             GROUP BY 1 HAVING max(c.communication_time) <= since
             ORDER BY 2 DESC LIMIT 10) x;
    l := l || ''::text || ('沉默客户 (前4周有沟通、本周无沟通): ' || coalesce(r.string_agg, '无')) || ''::text;

    -- A12 and A14 for the customers active in 90 days (bounded)
    FOR r IN
        SELECT k2.customer_id, k2.name, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, until - interval '90 days', until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a12_opportunities(r.customer_id, until - interval '90 days', until) -> 'opportunities') e
                  WHERE e ->> 'type' = 'explicit' LOOP
            opps := opps || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e LOOP
            risks := risks || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;

    -- 三、商机进展
    l := l || '## 三、商机进展'::text || ''::text;
    IF jsonb_array_length(opps) = 0 THEN
        l := l || '暂无进行中的显性商机。'::text;
    ELSE
        l := l || '| 客户 | 商机 | 阶段 | 成交概率 | 预计金额 | 预计成交 |'::text || '|---|---|---|---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(opps) e
                  ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 10 LOOP
            l := l || format('| %s | %s | %s | %s%% | %s | %s |', x ->> 'customer_name', x ->> 'description', x ->> 'stage',
                             round(100 * (x ->> 'probability')::numeric),
                             CASE WHEN (x ->> 'estimated_value')::numeric > 0 THEN commhub.money_text((x ->> 'estimated_value')::numeric) ELSE '待确认' END,
                             coalesce(x ->> 'expected_close_date', '-'));
            total := total + (x ->> 'estimated_value')::numeric;
            weighted := weighted + (x ->> 'estimated_value')::numeric * (x ->> 'probability')::numeric;
        END LOOP;
        l := l || ''::text || format('商机合计 %s 个,预计金额 %s,按概率加权 %s。', jsonb_array_length(opps),
                                     commhub.money_text(total), commhub.money_text(round(weighted)));
    END IF;
    l := l || ''::text;

    -- 四、风险预警汇总
    l := l || '## 四、风险预警汇总'::text || ''::text;
    IF jsonb_array_length(risks) = 0 THEN
        l := l || '本周无风险预警 ✅'::text;
    ELSE
        l := l || format('高风险 %s 项 · 中风险 %s 项 · 低风险 %s 项',
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'high'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'medium'),
                         (SELECT count(*) FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' = 'low'))
               || ''::text || '| 客户 | 风险 | 等级 | 分数 | 主要指标 |'::text || '|---|---|:---:|---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(risks) e
                  ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 15 LOOP
            l := l || format('| %s | %s | %s | %s | %s |', x ->> 'customer_name', commhub.risk_type_label(x ->> 'risk_type'),
                             commhub.level_label(x ->> 'risk_level'), x ->> 'risk_score', x -> 'indicators' ->> 0);
        END LOOP;
    END IF;
    l := l || ''::text;

    -- 五、下周行动计划
    l := l || '## 五、下周行动计划'::text || ''::text;
    FOR x IN SELECT e FROM jsonb_array_elements(risks) e WHERE e ->> 'risk_level' IN ('high', 'medium')
              ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'risk_level' WHEN 'high' THEN '紧急' ELSE '高' END,
                                           'a', format('%s: %s (%s)', x ->> 'customer_name', x -> 'recommended_actions' ->> 0,
                                                       commhub.risk_type_label(x ->> 'risk_type')));
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(opps) e
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 5 LOOP
        plan := plan || jsonb_build_object('p', CASE x ->> 'urgency' WHEN 'high' THEN '高' ELSE '中' END,
                                           'a', format('%s: 推进%s — %s', x ->> 'customer_name', x ->> 'description',
                                                       x -> 'recommended_actions' ->> 0));
    END LOOP;
    FOR r IN
        SELECT t.title, t.due_at, k2.name AS cname
          FROM commhub.communication_tasks t
          JOIN commhub.report_customers(scope) k2 ON k2.customer_id = t.customer_id
         WHERE t.tenant_id = commhub.current_tenant() AND t.status IN ('pending', 'in_progress')
           AND t.due_at < until + interval '7 days'
           AND (scope ->> 'staff' IS NULL OR t.owner = scope ->> 'staff' OR k2.owner = scope ->> 'staff')
         ORDER BY t.due_at LIMIT 5
    LOOP
        plan := plan || jsonb_build_object('p', CASE WHEN r.due_at < until THEN '高' ELSE '中' END,
                                           'a', format('%s: %s (截止 %s)', r.cname, r.title,
                                                       to_char(r.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD')));
    END LOOP;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(plan) WITH ORDINALITY AS u(e, o)
              ORDER BY CASE e ->> 'p' WHEN '紧急' THEN 1 WHEN '高' THEN 2 ELSE 3 END, o LOOP
        k := k + 1;
        l := l || format('%s. [%s] %s', k, x ->> 'p', x ->> 'a');
    END LOOP;
    IF k = 0 THEN l := l || '1. [中] 保持客户定期回访,关注新询价'::text; END IF;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

CREATE FUNCTION commhub.report_monthly(scope jsonb, since timestamptz, until timestamptz) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    prev0 timestamptz := since - (until - since);
    s_local timestamp := since AT TIME ZONE 'Asia/Shanghai';
    u_local timestamp := until AT TIME ZONE 'Asia/Shanghai';
    calendar_month boolean;
    l text[];
    r record;
    n integer;
    p integer;
    k integer;
    s_now numeric;
    s_prev numeric;
    neg_now numeric;
    neg_prev numeric;
    inq integer; quo integer; ord integer;
    opps jsonb := '[]';
    churn jsonb := '[]';
    x jsonb;
    strategies text[] := '{}';
    comp_n integer;
BEGIN
    calendar_month := s_local = date_trunc('month', s_local) AND u_local = s_local + interval '1 month';
    IF calendar_month THEN
        prev0 := (s_local - interval '1 month') AT TIME ZONE 'Asia/Shanghai';
    END IF;
    l := commhub.report_header('📈 沟通月报 - ' || CASE WHEN calendar_month THEN to_char(s_local, 'YYYY"年"FMMM"月"')
                                                        ELSE to_char(s_local, 'YYYY-MM-DD') || ' 至 '
                                                             || to_char(u_local - interval '1 microsecond', 'YYYY-MM-DD') END,
                               scope, since, until);
    -- satisfaction is read from what customers say, not from our replies
    SELECT count(*)::int, avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
           avg((c.sentiment = 'negative')::int) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')
      INTO n, s_now, neg_now FROM commhub.report_records(scope, since, until) c;
    SELECT count(*)::int, avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
           avg((c.sentiment = 'negative')::int) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')
      INTO p, s_prev, neg_prev FROM commhub.report_records(scope, prev0, since) c;

    -- 一、月度沟通分析
    l := l || '## 一、月度沟通分析'::text || ''::text
           || format('本月共 %s 条沟通 (上月 %s 条%s),涉及 %s 个客户。', n, p,
                     CASE WHEN p > 0 THEN ',环比 ' || commhub.pct_change(n, p) ELSE '' END,
                     (SELECT count(DISTINCT c.customer_id) FROM commhub.report_records(scope, since, until) c
                       WHERE c.customer_id <> 'UNMATCHED'))
           || ''::text;
    IF n > 0 THEN
        l := l || commhub.report_channel_table(scope, since, until, prev0, '本月', '上月') || ''::text
               || commhub.report_mix(scope, since, until) || ''::text;
    END IF;

    -- 二、客户满意度趋势 (by week, satisfaction = 1 + 4 x sentiment)
    l := l || '## 二、客户满意度趋势'::text || ''::text
           || format('本月满意度 %s/5 (上月 %s/5),负面沟通占比 %s%% (上月 %s%%)。',
                     coalesce(commhub.num_text(1 + 4 * s_now, 1), '-'), coalesce(commhub.num_text(1 + 4 * s_prev, 1), '-'),
                     coalesce(round(100 * neg_now)::text, '-'), coalesce(round(100 * neg_prev)::text, '-'))
           || ''::text;
    k := 0;
    FOR r IN
        SELECT floor(extract(epoch FROM c.communication_time - since) / 604800)::int + 1 AS wk,
               min(c.communication_time) AS first_at, count(*) AS n,
               avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS s,
               count(*) FILTER (WHERE c.sentiment = 'negative' AND c.direction IS DISTINCT FROM 'outbound') AS neg,
               count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound') AS complaints
          FROM commhub.report_records(scope, since, until) c GROUP BY 1 ORDER BY 1
    LOOP
        IF k = 0 THEN
            l := l || '| 周 | 沟通数 | 满意度 | 客户负面 | 客户投诉 |'::text || '|---|---:|---:|---:|---:|'::text;
        END IF;
        k := k + 1;
        l := l || format('| 第%s周 (%s起) | %s | %s | %s | %s |', r.wk,
                         to_char((since + (r.wk - 1) * interval '7 days') AT TIME ZONE 'Asia/Shanghai', 'MM-DD'),
                         r.n, coalesce(commhub.num_text(1 + 4 * r.s, 1), '-'), r.neg, r.complaints);
    END LOOP;
    SELECT string_agg(x.t || ' ' || x.n || '次', '、' ORDER BY x.n DESC, x.t) INTO r
      FROM (SELECT t, count(*) AS n FROM commhub.report_records(scope, since, until) c,
                   unnest(commhub.agent_topics(c.content, c.intent_category)) t
             WHERE (c.sentiment = 'negative' OR c.intent_category = 'complaint') AND c.direction IS DISTINCT FROM 'outbound'
             GROUP BY t) x;
    l := l || ''::text || ('主要痛点: ' || coalesce(r.string_agg, '无')) || ''::text;

    -- 三、商机转化分析
    SELECT count(DISTINCT c.customer_id) FILTER (WHERE c.intent_category = 'inquiry'),
           count(DISTINCT c.customer_id) FILTER (WHERE c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价')),
           count(DISTINCT c.customer_id) FILTER (WHERE c.intent_category = 'order')
      INTO inq, quo, ord
      FROM commhub.report_records(scope, since, until) c WHERE c.customer_id <> 'UNMATCHED';
    l := l || '## 三、商机转化分析'::text || ''::text
           || '| 环节 | 客户数 | 转化率 |'::text || '|---|---:|---:|'::text
           || format('| 询价 | %s | - |', inq)
           || format('| 报价 | %s | %s |', quo, CASE WHEN inq > 0 THEN round(100.0 * quo / inq) || '%' ELSE '-' END)
           || format('| 订单确认 | %s | %s |', ord, CASE WHEN quo > 0 THEN round(100.0 * ord / quo) || '%' ELSE '-' END)
           || ''::text;
    FOR r IN
        SELECT k2.customer_id, k2.name, max(c.communication_time) AS last_at
          FROM commhub.report_records(scope, since, until) c
          JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
         GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a12_opportunities(r.customer_id, until - interval '90 days', until) -> 'opportunities') e
                  WHERE e ->> 'type' = 'explicit' LOOP
            opps := opps || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    k := 0;
    FOR x IN SELECT e FROM jsonb_array_elements(opps) e
              ORDER BY (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC LIMIT 5 LOOP
        IF k = 0 THEN l := l || '重点商机:'::text; END IF;
        k := k + 1;
        l := l || format('- %s: %s,%s,成交概率%s%% (%s)', x ->> 'customer_name', x ->> 'description',
                         CASE WHEN (x ->> 'estimated_value')::numeric > 0 THEN '预计' || commhub.money_text((x ->> 'estimated_value')::numeric) ELSE '金额待确认' END,
                         round(100 * (x ->> 'probability')::numeric), x ->> 'stage');
    END LOOP;
    l := l || ''::text;

    -- 四、营销效果评估: what happened to the A13 suggestions of the period
    SELECT count(*) AS total, count(*) FILTER (WHERE i.status = 'acted') AS acted,
           count(*) FILTER (WHERE i.status = 'dismissed') AS dismissed,
           count(*) FILTER (WHERE i.status IN ('new', 'read')) AS open_
      INTO r
      FROM commhub.communication_insights i
      JOIN commhub.report_customers(scope) k2 ON k2.customer_id = i.customer_id
     WHERE i.tenant_id = commhub.current_tenant() AND i.insight_type = 'suggestion'
       AND i.updated_at > since AND i.created_at <= until;
    l := l || '## 四、营销效果评估'::text || ''::text
           || CASE WHEN r.total = 0 THEN '本月没有营销建议记录。'
                   ELSE format('营销建议 %s 条: 已执行 %s 条 (执行率 %s%%),忽略 %s 条,待处理 %s 条。',
                               r.total, r.acted, round(100.0 * r.acted / r.total), r.dismissed, r.open_) END
           || ''::text;

    -- 五、客户流失分析
    l := l || '## 五、客户流失分析'::text || ''::text;
    FOR r IN
        SELECT k2.customer_id, k2.name
          FROM commhub.report_customers(scope) k2
         WHERE EXISTS (SELECT 1 FROM commhub.customer_communications c
                        WHERE c.tenant_id = k2.tenant_id AND c.customer_id = k2.customer_id AND c.canonical_record_id IS NULL
                          AND c.communication_time > until - interval '120 days' AND c.communication_time <= until)
         ORDER BY k2.customer_id LIMIT 200
    LOOP
        FOR x IN SELECT e FROM jsonb_array_elements(commhub.a14_risk_alerts(r.customer_id, NULL, until) -> 'risk_alerts') e
                  WHERE e ->> 'risk_type' IN ('churn_risk', 'competitor_threat', 'complaint_escalation', 'quote_silence')
                    AND e ->> 'risk_level' IN ('high', 'medium') LOOP
            churn := churn || (x || jsonb_build_object('customer_name', r.name));
        END LOOP;
    END LOOP;
    SELECT string_agg(x.name, '、' ORDER BY x.name) INTO r
      FROM (SELECT DISTINCT k2.name FROM commhub.report_records(scope, prev0, since) c
              JOIN commhub.customers k2 ON k2.tenant_id = c.tenant_id AND k2.customer_id = c.customer_id
             WHERE NOT EXISTS (SELECT 1 FROM commhub.report_records(scope, since, until) d WHERE d.customer_id = c.customer_id)) x;
    l := l || ('上月活跃、本月无沟通的客户: ' || coalesce(r.string_agg, '无'));
    IF jsonb_array_length(churn) = 0 THEN
        l := l || '流失风险客户: 无 ✅'::text;
    ELSE
        l := l || ''::text || '| 客户 | 风险 | 等级 | 主要指标 |'::text || '|---|---|:---:|---|'::text;
        FOR x IN SELECT e FROM jsonb_array_elements(churn) e
                  ORDER BY commhub.level_rank(e ->> 'risk_level') DESC, (e ->> 'risk_score')::int DESC LIMIT 15 LOOP
            l := l || format('| %s | %s | %s | %s |', x ->> 'customer_name', commhub.risk_type_label(x ->> 'risk_type'),
                             commhub.level_label(x ->> 'risk_level'), x -> 'indicators' ->> 0);
        END LOOP;
    END IF;
    l := l || ''::text;

    -- 六、下月策略建议
    SELECT count(*)::int INTO comp_n FROM commhub.report_records(scope, since, until) c
     WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0;
    IF jsonb_array_length(churn) > 0 THEN
        strategies := strategies || ('重点挽回: ' || (SELECT string_agg(DISTINCT e ->> 'customer_name', '、')
                                                       FROM jsonb_array_elements(churn) e WHERE e ->> 'risk_level' = 'high')
                                     || ',安排销售总监拜访并制定专项方案');
        strategies := array_remove(strategies, NULL);
    END IF;
    IF comp_n > 0 THEN
        strategies := strategies || ('本月' || comp_n || '次沟通提到竞争对手,准备竞品对比资料与价格应对方案');
    END IF;
    IF neg_now > coalesce(neg_prev, 0) + 0.05 THEN
        strategies := strategies || ('负面沟通占比上升至' || round(100 * neg_now) || '%,加强质量管控与投诉闭环');
    END IF;
    IF jsonb_array_length(opps) > 0 THEN
        strategies := strategies || ('重点推进' || least(jsonb_array_length(opps), 5) || '个显性商机,优先处理高概率、高金额项目');
    END IF;
    IF inq > 0 AND quo < inq THEN
        strategies := strategies || ('询价→报价转化率' || round(100.0 * quo / inq) || '%,对未报价的询价客户24小时内完成报价');
    END IF;
    strategies := strategies || '保持VIP/重点客户每月至少一次拜访或视频会议'::text;
    l := l || '## 六、下月策略建议'::text || ''::text;
    FOR k IN 1 .. cardinality(strategies) LOOP
        l := l || (k || '. ' || strategies[k]);
    END LOOP;
    RETURN array_to_string(l, E'\n') || E'\n';
END
$$;

-- N6: the one entry point for Markdown reports.
CREATE FUNCTION commhub.report(kind text, target text DEFAULT NULL, since timestamptz DEFAULT NULL,
                               until timestamptz DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    k text := lower(trim(kind));
    t1 timestamptz := coalesce(until, now());
    t0 timestamptz;
    scope jsonb;
BEGIN
    IF k IS NULL OR k NOT IN ('daily', 'weekly', 'monthly', 'customer') THEN
        RAISE EXCEPTION 'report kind "%" is not one of daily, weekly, monthly, customer', kind
            USING ERRCODE = '22023',
                  HINT = 'daily = today''s communications, weekly = the last 7 days, monthly = the last 30 days, customer = the AI analysis report of one customer.';
    END IF;
    scope := commhub.report_scope(target, t1);
    IF k = 'customer' THEN
        IF scope ->> 'kind' <> 'customer' THEN
            RAISE EXCEPTION 'report kind "customer" needs a customer_id as target, got %', coalesce(quote_literal(target), 'NULL')
                USING ERRCODE = '22023', HINT = 'Pass a customer_id, e.g. commhub.report(''customer'', ''C001''); use daily/weekly/monthly for a salesperson or the whole tenant.';
        END IF;
        RETURN commhub.a15_customer_report(target, since, until);
    END IF;
    t0 := coalesce(since, CASE k WHEN 'daily' THEN date_trunc('day', t1 AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
                                 WHEN 'weekly' THEN t1 - interval '7 days'
                                 ELSE t1 - interval '30 days' END);
    PERFORM commhub.agent_check_range(t0, t1);
    RETURN CASE k WHEN 'daily' THEN commhub.report_daily(scope, t0, t1)
                  WHEN 'weekly' THEN commhub.report_weekly(scope, t0, t1)
                  ELSE commhub.report_monthly(scope, t0, t1) END;
END
$$;
COMMENT ON FUNCTION commhub.report(text, text, timestamptz, timestamptz) IS
    'A15 Markdown report: kind daily|weekly|monthly|customer; target NULL (tenant), a customer_id or a salesperson';

-- ---------------------------------------------------------------------
-- run_agent (A11-A15) and run_analysis (A16)
-- ---------------------------------------------------------------------
-- A11 -> A12, A14 -> A13 -> A15 for one customer, each stored; returns the pieces.
CREATE FUNCTION commhub.agent_run_customer(customer_id text, since timestamptz, until timestamptz)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    a11 jsonb;
    a12 jsonb;
    a13 jsonb;
    a14 jsonb;
    md text;
    ids jsonb := '{}';
BEGIN
    a11 := commhub.a11_customer_insight(cid, t0, t1);
    ids := ids || jsonb_build_object('A11', commhub.agent_save('A11', cid, t0, t1, a11));
    a12 := commhub.a12_opportunities(cid, t0, t1);
    ids := ids || jsonb_build_object('A12', commhub.agent_save('A12', cid, t0, t1, a12));
    -- A14 keeps its own window: the last 30 days against the 90 before
    a14 := commhub.a14_risk_alerts(cid, NULL, t1);
    a14 := commhub.agent_save_alerts(cid, t1 - interval '30 days', t1, a14);
    PERFORM commhub.enqueue_agent_enrichment('A14', cid, NULL, a14);   -- model job if A14 is routed
    a13 := commhub.a13_marketing_advice(cid, t0, t1, a11, a12, a14);
    ids := ids || jsonb_build_object('A13', commhub.agent_save('A13', cid, t0, t1, a13));
    md := commhub.a15_customer_report(cid, t0, t1, a11, a12, a13, a14);
    ids := ids || jsonb_build_object('A15', commhub.agent_save('A15', cid, t0, t1, jsonb_build_object('report', md)));
    RETURN jsonb_build_object('a11', a11, 'a12', a12, 'a13', a13, 'a14', a14, 'report', md, 'insight_ids', ids);
END
$$;

CREATE FUNCTION commhub.run_agent(agent text, customer_id text, since timestamptz DEFAULT NULL,
                                  until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    a text := upper(trim(agent));
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 timestamptz;
    result jsonb;
BEGIN
    IF a IS NULL OR a NOT IN ('A11', 'A12', 'A13', 'A14', 'A15', 'A16') THEN
        RAISE EXCEPTION 'agent "%" is not one of A11, A12, A13, A14, A15', agent
            USING ERRCODE = '22023',
                  HINT = 'A11 客户洞察, A12 商机挖掘, A13 营销建议, A14 风险预警, A15 客户报告; A10 runs on ingest, A16 is commhub.run_analysis(customer_id).';
    END IF;
    IF a = 'A16' THEN
        RETURN commhub.run_analysis(cid, since, until);
    END IF;
    PERFORM commhub.agent_customer(cid);
    t0 := coalesce(since, t1 - CASE WHEN a = 'A14' THEN interval '30 days' ELSE interval '90 days' END);
    PERFORM commhub.agent_check_range(t0, t1);
    CASE a
    WHEN 'A11' THEN
        result := commhub.a11_customer_insight(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A11', cid, t0, t1, result));
    WHEN 'A12' THEN
        result := commhub.a12_opportunities(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A12', cid, t0, t1, result));
    WHEN 'A13' THEN
        result := commhub.a13_marketing_advice(cid, t0, t1);
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A13', cid, t0, t1, result));
    WHEN 'A14' THEN
        result := commhub.agent_save_alerts(cid, t0, t1, commhub.a14_risk_alerts(cid, t0, t1));
        PERFORM commhub.enqueue_agent_enrichment('A14', cid, NULL, result);   -- model job if A14 is routed
    ELSE
        result := jsonb_build_object('report', commhub.a15_customer_report(cid, t0, t1));
        result := result || jsonb_build_object('insight_id', commhub.agent_save('A15', cid, t0, t1, result));
    END CASE;
    RETURN result;
END
$$;
COMMENT ON FUNCTION commhub.run_agent(text, text, timestamptz, timestamptz) IS
    'Run a built-in customer agent (A11 insight, A12 opportunities, A13 marketing advice, A14 risk alerts, A15 report) and store it in communication_insights';

-- N7: A16 -- A10 catch-up, then A11 -> A12, A14 -> A13 -> A15, and the
-- combined result with an action plan.
CREATE FUNCTION commhub.run_analysis(customer_id text, since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    r record;
    reparsed integer := 0;
    failed integer := 0;
    parts jsonb;
    acts jsonb;
    immediate jsonb;
    short_term jsonb;
    long_term jsonb := '[]';
    x jsonb;
    result jsonb;
    channels jsonb;
    total integer;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    -- A10 catch-up: records the analyzer has not seen (bounded per call);
    -- re-parsed from their payload, or reanalysed from what they store
    IF to_regprocedure('commhub.reparse(text)') IS NOT NULL THEN
        FOR r IN SELECT c.record_id, c.content_original IS NOT NULL AS has_payload
                   FROM commhub.customer_communications c
                  WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.analysis IS NULL
                    AND c.sync_status IS DISTINCT FROM 'analysis_failed'
                    AND c.communication_time >= t0 AND c.communication_time < t1
                  ORDER BY c.communication_time LIMIT 500 LOOP
            BEGIN
                IF r.has_payload THEN
                    EXECUTE 'SELECT commhub.reparse($1)' USING r.record_id;
                ELSE
                    EXECUTE 'SELECT commhub.reanalyze($1)' USING r.record_id;
                END IF;
                reparsed := reparsed + 1;
            EXCEPTION WHEN OTHERS THEN
                failed := failed + 1;
                RAISE WARNING 'A10 catch-up of record % failed: %', r.record_id, SQLERRM;
                PERFORM commhub.mark_analysis_failed(r.record_id, SQLSTATE, SQLERRM);
            END;
        END LOOP;
    END IF;

    parts := commhub.agent_run_customer(cid, t0, t1);
    acts := commhub.agent_action_list(cid, t1, parts -> 'a12', parts -> 'a13', parts -> 'a14', 20);
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO immediate
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' IN ('紧急', '高');
    SELECT coalesce(jsonb_agg(e ORDER BY o), '[]') INTO short_term
      FROM jsonb_array_elements(acts) WITH ORDINALITY AS u(e, o) WHERE e ->> 'priority' NOT IN ('紧急', '高');
    -- long term: campaigns, cross/up-sell, latent needs, business reviews
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a13' -> 'campaign_ideas') e LIMIT 3 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '开展「' || (x ->> 'name') || '」: ' || (x ->> 'offer'),
                                                     'due', '本季度', 'source', 'A13');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'cross_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推广' || (x ->> 'product') || ' (' || (x ->> 'approach') || ')',
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT e FROM jsonb_array_elements(parts -> 'a12' -> 'up_sell_opportunities') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '推荐' || (x ->> 'current') || '升级为' || (x ->> 'upgrade'),
                                                     'due', '本季度', 'source', 'A12');
    END LOOP;
    FOR x IN SELECT to_jsonb(e) FROM jsonb_array_elements_text(parts -> 'a11' -> 'needs_map' -> 'latent') e LIMIT 2 LOOP
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '探索潜在需求: ' || (x #>> '{}'),
                                                     'due', '长期', 'source', 'A11');
    END LOOP;
    IF (parts -> 'a13' -> 'care_strategy' ->> 'quarterly_business_review')::boolean THEN
        long_term := long_term || jsonb_build_object('priority', '中', 'action', '每季度业务回顾(QBR)', 'due', '每季度', 'source', 'A13');
    END IF;

    SELECT coalesce(sum(x.n), 0)::int, coalesce(jsonb_object_agg(x.t, x.n), '{}') INTO total, channels
      FROM (SELECT c.communication_type AS t, count(*)::int AS n FROM commhub.agent_records(cid, t0, t1) c GROUP BY 1) x;

    result := jsonb_build_object(
        'analysis_summary', jsonb_build_object(
            'total_records', total, 'channels', channels,
            'analysis_date', to_char(t1 AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
            'customer_id', cid, 'customer_name', cust.name, 'since', t0, 'until', t1,
            'a10_reanalyzed', reparsed, 'a10_failed', failed),
        'customer_insights', parts -> 'a11',
        'opportunities', parts -> 'a12',
        'marketing_suggestions', parts -> 'a13',
        'risk_alerts', parts -> 'a14',
        'reports', jsonb_build_object('customer_report', parts ->> 'report'),
        'action_plan', jsonb_build_object('immediate', immediate, 'short_term', short_term, 'long_term', long_term));
    result := result || jsonb_build_object('insight_id', commhub.agent_save('A16', cid, t0, t1, result),
                                           'insight_ids', parts -> 'insight_ids');
    RETURN result;
END
$$;
COMMENT ON FUNCTION commhub.run_analysis(text, timestamptz, timestamptz) IS
    'A16: A10 catch-up, then A11-A15 for one customer (A14 always compares the last 30 days with the 90 before); returns and stores the combined analysis with an action plan';

-- Insight handling: new -> read -> acted | dismissed.
CREATE FUNCTION commhub.set_insight_status(insight_id text, status text, result text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF status IS NULL OR status NOT IN ('new', 'read', 'acted', 'dismissed') THEN
        RAISE EXCEPTION 'status "%" is not one of new, read, acted, dismissed', status
            USING ERRCODE = '22023', HINT = 'read = seen, acted = followed up (say how in result), dismissed = not relevant.';
    END IF;
    UPDATE commhub.communication_insights i
       SET status = set_insight_status.status, handled_by = current_user, handled_at = now(),
           handle_result = coalesce(set_insight_status.result, i.handle_result), updated_at = now()
     WHERE i.tenant_id = commhub.current_tenant() AND i.insight_id = set_insight_status.insight_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insight_id "%" does not exist', insight_id
            USING ERRCODE = 'P0002', HINT = 'Take the id from commhub.communication_insights or from run_agent''s answer (insight_id).';
    END IF;
END
$$;

GRANT EXECUTE ON FUNCTION
    commhub.content_action(text, text),
    commhub.agent_action_list(text, timestamptz, jsonb, jsonb, jsonb, integer),
    commhub.a15_customer_report(text, timestamptz, timestamptz, jsonb, jsonb, jsonb, jsonb),
    commhub.report_scope(text, timestamptz),
    commhub.pct_change(numeric, numeric),
    commhub.report_records(jsonb, timestamptz, timestamptz),
    commhub.report_customers(jsonb),
    commhub.report_channel_table(jsonb, timestamptz, timestamptz, timestamptz, text, text),
    commhub.report_mix(jsonb, timestamptz, timestamptz),
    commhub.report_header(text, jsonb, timestamptz, timestamptz),
    commhub.report_daily(jsonb, timestamptz, timestamptz),
    commhub.report_weekly(jsonb, timestamptz, timestamptz),
    commhub.report_monthly(jsonb, timestamptz, timestamptz),
    commhub.report(text, text, timestamptz, timestamptz)
  TO commhub_reader;
GRANT EXECUTE ON FUNCTION
    commhub.save_insight(text, text, text, text, jsonb, jsonb, integer, timestamptz, timestamptz, numeric, integer, text, text),
    commhub.agent_save(text, text, timestamptz, timestamptz, jsonb),
    commhub.agent_save_alerts(text, timestamptz, timestamptz, jsonb),
    commhub.agent_run_customer(text, timestamptz, timestamptz),
    commhub.run_agent(text, text, timestamptz, timestamptz),
    commhub.run_analysis(text, timestamptz, timestamptz),
    commhub.set_insight_status(text, text, text)
  TO commhub_writer;
