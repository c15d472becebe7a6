-- commhub install script, part 40: the built-in customer agents A11-A14
-- (SPEC N2), insight storage and handling.
--
-- Each agent is a STABLE function that only reads and returns the seed's
-- JSON shape (the contract; src/core/agent_shapes.h validates the same
-- shapes for model answers):
--   commhub.a11_customer_insight(customer_id, since, until)      A11
--   commhub.a12_opportunities(customer_id, since, until)         A12
--   commhub.a14_risk_alerts(customer_id, since, until)           A14
--   commhub.a13_marketing_advice(customer_id, since, until,
--                                a11, a12, a14)                  A13
-- so that reports, which readers may run, can use them; commhub.run_agent()
-- (45_reports.sql) computes and stores them in communication_insights.
--
-- Deterministic: everything is evaluated against `until` (default now()),
-- never against the clock directly, so a past range gives the same answer
-- tomorrow; hours and weekdays are read in Asia/Shanghai, the seed's zone.
-- Near-duplicates (canonical_record_id set) are never counted.
--
-- The small IMMUTABLE helpers used per row are plain SQL without a SET
-- clause so that the planner inlines them into their callers, which all run
-- with search_path = pg_catalog, pg_temp; they name pg_catalog functions
-- explicitly.  The others also SET jit = off: their queries touch one
-- customer's rows, and the planner's guesses about set-returning functions
-- can cross jit_above_cost, where compiling costs a second per query.

-- ---------------------------------------------------------------------
-- Vocabulary and small helpers
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.jarr(value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_catalog.jsonb_typeof($1) = 'array' THEN $1 ELSE '[]'::jsonb END $$;

-- 50, 3.2, 0.75: a number without trailing zeros.
CREATE FUNCTION commhub.num_text(value numeric, digits integer DEFAULT 1) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN NULL
               WHEN pg_catalog.strpos(pg_catalog.round($1, $2)::text, '.') > 0
               THEN pg_catalog.rtrim(pg_catalog.rtrim(pg_catalog.round($1, $2)::text, '0'), '.')
               ELSE pg_catalog.round($1, $2)::text END $$;

-- 750000 -> 75万元, 123000000 -> 1.23亿元, 8000 -> 8000元
CREATE FUNCTION commhub.money_text(amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN NULL
               WHEN pg_catalog.abs($1) >= 100000000 THEN commhub.num_text($1 / 100000000, 2) || '亿元'
               WHEN pg_catalog.abs($1) >= 10000 THEN commhub.num_text($1 / 10000, 1) || '万元'
               ELSE commhub.num_text($1, 0) || '元' END $$;

-- ISO weekday 1..7 -> 周一..周日
CREATE FUNCTION commhub.weekday_label(isodow integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY['周一', '周二', '周三', '周四', '周五', '周六', '周日'])[$1] $$;

-- 工作日上午 / 工作日下午 / 周末晚上 ... in Asia/Shanghai.
CREATE FUNCTION commhub.agent_time_slot(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_catalog.date_part('isodow', $1 AT TIME ZONE 'Asia/Shanghai') >= 6 THEN '周末' ELSE '工作日' END
       || CASE WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 6 THEN '深夜'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 12 THEN '上午'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 13 THEN '中午'
               WHEN pg_catalog.date_part('hour', $1 AT TIME ZONE 'Asia/Shanghai') < 18 THEN '下午'
               ELSE '晚上' END $$;

-- What a record talks about, as the decision factors of A11: 价格 质量 交期
-- 账期 技术 服务.  One place for the cue words.
CREATE FUNCTION commhub.agent_topics(content text, intent text DEFAULT NULL, price numeric DEFAULT NULL)
    RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_catalog.array_remove(ARRAY[
       CASE WHEN $3 IS NOT NULL
              OR coalesce($1, '') ~ '价格|报价|单价|价钱|便宜|太贵|偏贵|贵了|优惠|降价|涨价|折扣|成本|比价' THEN '价格' END,
       CASE WHEN coalesce($1, '') ~ '质量|品质|不良|缺陷|开裂|裂纹|色差|变形|杂质|黑点|气泡|批次|强度|认证|合格|不达标|性能' THEN '质量' END,
       CASE WHEN $2 = 'delivery' OR coalesce($1, '') ~ '交期|交货|发货|到货|物流|延迟交|供货|排产|产能|缺货' THEN '交期' END,
       CASE WHEN $2 = 'payment' OR coalesce($1, '') ~ '账期|付款|结算|回款|预付|月结|逾期|延期付' THEN '账期' END,
       CASE WHEN $2 = 'technical' OR coalesce($1, '') ~ '参数|技术|配方|工艺|测试报告|物性|熔指|试模' THEN '技术' END,
       CASE WHEN $2 = 'after_sales' OR coalesce($1, '') ~ '服务|售后|态度|响应|回复慢' THEN '服务' END], NULL) $$;

-- "the competitor is cheaper": the cue A14 looks for next to a competitor name.
CREATE FUNCTION commhub.agent_mentions_lower_price(content text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce($1, '') ~* '便宜|更低|低于|低了|价格低|价更低|报价低|更优惠|价格优势|比你们低|lower|cheaper' $$;

-- The size of the gap when the customer names it: '15%', '800元/吨'.
CREATE FUNCTION commhub.agent_price_gap(content text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(
       (pg_catalog.regexp_match($1, '(?:低|便宜|优惠|少)[了约近将]*\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]'))[1] || '%',
       (pg_catalog.regexp_match($1, '([0-9]+(?:\.[0-9]+)?)\s*[%％]\s*(?:的)?(?:价格)?(?:优势|更低|更便宜)'))[1] || '%',
       (pg_catalog.regexp_match($1, '(?:低|便宜|少)[了约近将]*\s*([0-9]+(?:\.[0-9]+)?\s*(?:元|块)(?:/吨|每吨|/公斤)?)'))[1]) $$;

-- A date the analyzer resolved ('2024-07-15'), or NULL when it is not one.
CREATE FUNCTION commhub.try_date(value text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN value::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION commhub.level_rank(level text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END $$;

CREATE FUNCTION commhub.level_label(level text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'high' THEN '高' WHEN 'medium' THEN '中' WHEN 'low' THEN '低' ELSE $1 END $$;

CREATE FUNCTION commhub.risk_type_label(risk_type text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE $1 WHEN 'churn_risk' THEN '流失风险' WHEN 'competitor_threat' THEN '竞品威胁'
                  WHEN 'complaint_escalation' THEN '投诉升级' WHEN 'payment_risk' THEN '付款风险'
                  WHEN 'sentiment_decline' THEN '情绪恶化' WHEN 'quote_silence' THEN '报价后沉默'
                  ELSE $1 END $$;

-- The customer row, or P0002 with a hint.
CREATE FUNCTION commhub.agent_customer(customer_id text) RETURNS commhub.customers
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers;
BEGIN
    IF customer_id IS NULL OR customer_id = '' THEN
        RAISE EXCEPTION 'customer_id must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the customer id given to commhub.add_customer, e.g. C001.';
    END IF;
    SELECT c.* INTO cust FROM commhub.customers c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = agent_customer.customer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer_id "%" does not exist', customer_id
            USING ERRCODE = 'P0002',
                  HINT = CASE WHEN customer_id = 'UNMATCHED'
                              THEN 'Unidentified records have no customer to analyse; attach them with commhub.add_identity().'
                              ELSE 'Create it with commhub.add_customer(customer_id, name), or check commhub.tenant.' END;
    END IF;
    RETURN cust;
END
$$;

CREATE FUNCTION commhub.agent_check_range(since timestamptz, until timestamptz) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    IF since >= until THEN
        RAISE EXCEPTION 'since (%) is not before until (%)',
                        to_char(since AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                        to_char(until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')
            USING ERRCODE = '22023', HINT = 'Pass since < until, or NULL for the default range ending now.';
    END IF;
END
$$;

-- The customer's timeline entries in [since, until), near-duplicates folded
-- (half-open like the reports and the BI views: a record at midnight
-- belongs to the day it starts).
CREATE FUNCTION commhub.agent_records(customer_id text, since timestamptz, until timestamptz)
    RETURNS SETOF commhub.customer_communications ROWS 100
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT c.* FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = $1
       AND c.canonical_record_id IS NULL
       AND c.communication_time >= $2 AND c.communication_time < $3
$$;

-- Mean hours from an inbound record to the first outbound record after it
-- (within 7 days), for inbound records in (since, until] that start an
-- unanswered run (a question and a "还在吗?" before one reply: one wait).
CREATE FUNCTION commhub.agent_response_hours(customer_id text, since timestamptz, until timestamptz)
    RETURNS numeric
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
    SELECT round(avg(extract(epoch FROM (o.t - i.communication_time)) / 3600.0), 1)
      FROM commhub.agent_records($1, $2, $3) i
      CROSS JOIN LATERAL (
            SELECT min(o.communication_time) AS t FROM commhub.customer_communications o
             WHERE o.tenant_id = i.tenant_id AND o.customer_id = i.customer_id
               AND o.canonical_record_id IS NULL AND o.direction = 'outbound'
               AND o.communication_time > i.communication_time
               AND o.communication_time <= least(i.communication_time + interval '7 days', $3)) o
     WHERE i.direction = 'inbound' AND o.t IS NOT NULL
       -- only the first inbound record of an unanswered run (as health_for)
       AND coalesce((SELECT p.direction <> 'inbound' OR p.communication_time < i.communication_time - interval '7 days'
                       FROM commhub.customer_communications p
                      WHERE p.tenant_id = i.tenant_id AND p.customer_id = i.customer_id AND p.canonical_record_id IS NULL
                        AND p.direction IN ('inbound', 'outbound')
                        AND (p.communication_time, p.id) < (i.communication_time, i.id)
                      ORDER BY p.communication_time DESC, p.id DESC LIMIT 1), true)
$$;

CREATE FUNCTION commhub.response_text(hours numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN $1 IS NULL THEN '暂无回复数据'
               WHEN $1 < 1 THEN '平均' || greatest(1, pg_catalog.round($1 * 60))::text || '分钟回复'
               ELSE '平均' || commhub.num_text($1, 1) || '小时回复' END $$;

-- The people on the customer's side, by the number of records they took
-- part in: the record's contact, the sender of inbound records and the
-- participants, minus internal staff (registered staff, the owner, and
-- whoever handled or started an outbound record).  Names resolve through
-- customer_identities -> contacts when the raw value is an address.
CREATE FUNCTION commhub.agent_key_contacts(customer_id text, since timestamptz, until timestamptz,
                                           max_contacts integer DEFAULT 5)
    RETURNS jsonb
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
WITH r AS (SELECT * FROM commhub.agent_records($1, $2, $3)),
internal AS (
    SELECT s.staff_id AS v FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant()
    UNION SELECT s.value FROM commhub.staff_identities s WHERE s.tenant_id = commhub.current_tenant()
    UNION SELECT k.owner FROM commhub.customers k
           WHERE k.tenant_id = commhub.current_tenant() AND k.customer_id = $1 AND k.owner IS NOT NULL
    UNION SELECT r.handled_by FROM r WHERE r.direction = 'inbound' AND r.handled_by IS NOT NULL
    UNION SELECT r.initiated_by FROM r WHERE r.direction IN ('outbound', 'internal') AND r.initiated_by IS NOT NULL
    UNION SELECT r.handled_by FROM r WHERE r.direction IN ('outbound', 'internal') AND r.handled_by IS NOT NULL),
raw AS (
    SELECT r.record_id, r.sentiment_score, ct.name::text AS who
      FROM r JOIN commhub.contacts ct ON ct.contact_id = r.contact_id AND ct.tenant_id = r.tenant_id
    UNION ALL
    SELECT r.record_id, r.sentiment_score, r.initiated_by::text FROM r
     WHERE r.direction = 'inbound' AND r.initiated_by IS NOT NULL
    UNION ALL
    SELECT r.record_id, r.sentiment_score, p.v
      FROM r CROSS JOIN LATERAL (
            SELECT CASE jsonb_typeof(e) WHEN 'string' THEN e #>> '{}'
                        WHEN 'object' THEN coalesce(e ->> 'name', e ->> 'email', e ->> 'userid') END AS v
              FROM jsonb_array_elements(commhub.jarr(r.participants)) e) p
     WHERE p.v IS NOT NULL AND p.v <> ''),
named AS (
    SELECT x.record_id, x.sentiment_score,
           -- One person may appear as a WeCom id (case kept), an address, or
           -- "张经理 <zhang@aux-group.com>": resolve all of them to the contact,
           -- else to the display name, so the list counts people, not addresses.
           coalesce((SELECT ct.name FROM commhub.customer_identities ci
                       JOIN commhub.contacts ct ON ct.contact_id = ci.contact_id
                      WHERE ci.tenant_id = commhub.current_tenant() AND ci.customer_id = $1
                        AND ci.value IN (x.who, lower(x.who), lower(substring(x.who FROM '<([^<>]+@[^<>]+)>')))
                      LIMIT 1),
                    nullif(btrim(substring(x.who FROM '^([^<]+)<')), ''),
                    x.who) AS name
      FROM raw x
     WHERE x.who NOT IN (SELECT v FROM internal WHERE v IS NOT NULL)
       AND lower(x.who) NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)
       -- "王明 <wang.ming@topcentral.cn>": the address, or its domain, is staff
       AND coalesce(lower(substring(x.who FROM '<([^<>]+@[^<>]+)>')), '') NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)
       AND coalesce(lower(substring(x.who FROM '<[^<>@]+@([^<>]+)>')), '') NOT IN (SELECT lower(v) FROM internal WHERE v IS NOT NULL)),
counted AS (
    SELECT n.name, count(DISTINCT n.record_id) AS interactions, avg(n.sentiment_score) AS sent
      FROM named n WHERE n.name NOT IN (SELECT v FROM internal WHERE v IS NOT NULL)
     GROUP BY n.name),
ranked AS (
    SELECT c.*, max(c.interactions) OVER () AS top,
           row_number() OVER (ORDER BY c.interactions DESC, c.name) AS rn,
           (SELECT ct.role FROM commhub.contacts ct
             WHERE ct.tenant_id = commhub.current_tenant() AND ct.customer_id = $1 AND ct.name = c.name) AS crm_role
      FROM counted c)
SELECT coalesce(jsonb_agg(jsonb_build_object(
           'name', k.name,
           'role', coalesce(k.crm_role,
                            CASE WHEN k.name ~ '总监|总经理|老板|董事|[王李张刘陈杨赵黄周吴]总' THEN '高层决策'
                                 WHEN k.name ~ '采购|经理' THEN '采购决策'
                                 WHEN k.name ~ '工$|工程师|技术' THEN '技术评估'
                                 WHEN k.name ~ '财务|会计' THEN '财务结算'
                                 WHEN k.name ~ '质量|品质|QC|QA' THEN '质量管理'
                                 ELSE '业务联系人' END),
           'influence', round(0.5 + 0.4 * k.interactions / k.top, 2),
           'relationship', CASE WHEN k.sent IS NULL THEN '一般' WHEN k.sent >= 0.65 THEN '良好'
                                WHEN k.sent >= 0.45 THEN '一般' ELSE '紧张' END,
           'interactions', k.interactions) ORDER BY k.rn), '[]'::jsonb)
  FROM ranked k WHERE k.rn <= $4
$$;

-- The latest monthly (or stated) volume and price of the customer, for
-- impact estimates: {product, quantity_text, quantity, unit, monthly, price,
-- price_unit, monthly_value}.
CREATE FUNCTION commhub.agent_volume(customer_id text, until timestamptz) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    q record;
    p record;
    factor numeric := 1;
    monthly boolean;
BEGIN
    SELECT c.communication_time, c.content,
           c.products_mentioned ->> 0 AS product,
           coalesce(c.analysis -> 'key_info' ->> 'quantity', c.quantity_discussed::text) AS qtext,
           CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
                THEN (c.analysis -> 'key_info' ->> 'quantity_value')::numeric ELSE c.quantity_discussed END AS qty,
           coalesce(c.analysis -> 'key_info' ->> 'quantity_unit', '吨') AS unit
      INTO q
      FROM commhub.agent_records(customer_id, until - interval '180 days', until) c
     WHERE c.quantity_discussed IS NOT NULL OR jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
     ORDER BY (coalesce(c.analysis -> 'key_info' ->> 'quantity', '') ~ '月'
               OR coalesce(c.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月') DESC,
              c.communication_time DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    monthly := coalesce(q.qtext, '') ~ '月' OR coalesce(q.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月';
    SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                         THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
           c.analysis -> 'key_info' ->> 'price_unit' AS price_unit
      INTO p
      FROM commhub.agent_records(customer_id, until - interval '180 days', until) c
     WHERE c.price_discussed IS NOT NULL
       AND (q.product IS NULL OR commhub.jarr(c.products_mentioned) ? q.product
            OR jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0)
     ORDER BY c.communication_time DESC LIMIT 1;
    IF p.price_unit ~ '公斤|kg' AND q.unit = '吨' THEN factor := 1000;
    ELSIF p.price_unit ~ '吨' AND q.unit = '公斤' THEN factor := 0.001;
    END IF;
    RETURN jsonb_build_object(
        'product', q.product, 'quantity_text', coalesce(q.qtext, commhub.num_text(q.qty) || q.unit),
        'quantity', q.qty, 'unit', q.unit, 'monthly', monthly,
        'price', p.price, 'price_unit', p.price_unit,
        'value', CASE WHEN p.price IS NOT NULL THEN round(p.price * q.qty * factor) END);
END
$$;

-- ---------------------------------------------------------------------
-- A11 customer insight
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a11_customer_insight(customer_id text, since timestamptz DEFAULT NULL,
                                             until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    h record;
    s record;
    hist record;
    tp jsonb;                 -- {topic: {n, pos, neg}}
    v_channel text;
    v_slot text;
    v_freq text;
    v_resp numeric;
    per_week numeric;
    v_style text;
    v_factors text[];
    v_contacts jsonb;
    v_dm text;
    v_cycle text;
    first_inq timestamptz;
    first_order timestamptz;
    sat numeric;
    sat_trend text;
    strengths text[] := '{}';
    pains text[] := '{}';
    loyalty integer;
    tenure_days integer;
    stage text;
    declining boolean;
    cur_products text[];
    rel record;
    needs_cur text[] := '{}';
    needs_fut text[] := '{}';
    needs_lat text[] := '{}';
    risks jsonb := '[]';
    opps jsonb := '[]';
    assessment text;
    n_price integer;
    n_quality integer;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    SELECT * INTO h FROM commhub.health(cid, t1);

    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.direction = 'inbound')::int AS n_in,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           count(*) FILTER (WHERE c.intent_category = 'order')::int AS n_order,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inquiry,
           count(*) FILTER (WHERE c.intent_category = 'technical')::int AS n_tech,
           count(*) FILTER (WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0)::int AS n_comp,
           count(*) FILTER (WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
                              AND commhub.agent_mentions_lower_price(c.content))::int AS n_lower,
           count(*) FILTER (WHERE c.intent_category IN ('technical', 'complaint') AND c.direction IS DISTINCT FROM 'outbound'
                              AND '质量' = ANY (commhub.agent_topics(c.content, c.intent_category)))::int AS n_quality_tc,
           -- the customer's mood is read from what the customer says
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS s_all,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time > t1 - interval '30 days') AS s_recent,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time <= t0 + (t1 - t0) / 2) AS s_first,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'
                                            AND c.communication_time > t0 + (t1 - t0) / 2) AS s_second,
           count(*) FILTER (WHERE c.sentiment = 'negative')::int AS n_neg,
           max(c.communication_time) AS last_at
      INTO s
      FROM commhub.agent_records(cid, t0, t1) c;

    SELECT coalesce(jsonb_object_agg(x.t, jsonb_build_object('n', x.n, 'pos', x.pos, 'neg', x.neg)), '{}')
      INTO tp
      FROM (SELECT t, count(*) AS n,
                   count(*) FILTER (WHERE c.sentiment = 'positive' AND c.intent_category IS DISTINCT FROM 'complaint') AS pos,
                   count(*) FILTER (WHERE c.sentiment = 'negative' OR c.intent_category = 'complaint') AS neg
              FROM commhub.agent_records(cid, t0, t1) c,
                   unnest(commhub.agent_topics(c.content, c.intent_category, c.price_discussed)) t
             WHERE c.direction IS DISTINCT FROM 'outbound' OR c.price_discussed IS NOT NULL
             GROUP BY t) x;
    n_price := coalesce((tp -> '价格' ->> 'n')::int, 0);
    n_quality := coalesce((tp -> '质量' ->> 'n')::int, 0);

    -- whole history up to `until`: tenure and orders
    SELECT min(c.communication_time) AS first_at,
           count(*) FILTER (WHERE c.intent_category = 'order')::int AS orders,
           count(*)::int AS total
      INTO hist
      FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid
       AND c.canonical_record_id IS NULL AND c.communication_time <= t1;
    tenure_days := coalesce(extract(day FROM t1 - hist.first_at)::int, 0);

    -- communication pattern
    SELECT commhub.channel_label(c.communication_type) INTO v_channel
      FROM commhub.agent_records(cid, t0, t1) c
     GROUP BY c.communication_type ORDER BY count(*) DESC, c.communication_type LIMIT 1;
    SELECT commhub.agent_time_slot(c.communication_time) INTO v_slot
      FROM commhub.agent_records(cid, t0, t1) c
     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1;
    per_week := s.n / greatest(extract(epoch FROM t1 - t0) / 604800.0, 1);
    v_freq := CASE WHEN s.n = 0 THEN '暂无沟通'
                   WHEN per_week >= 1 THEN '每周' || commhub.num_text(per_week, 1) || '次'
                   ELSE '每月' || commhub.num_text(per_week * 30 / 7, 1) || '次' END;
    v_resp := commhub.agent_response_hours(cid, t0, t1);

    -- decision making
    v_style := CASE WHEN s.n_lower > 0 OR n_price + s.n_comp >= greatest(2, ceil(0.3 * s.n)) THEN '价格敏感'
                    WHEN greatest(s.n_quality_tc, s.n_complaint) >= greatest(2, ceil(0.25 * s.n)) THEN '质量优先'
                    ELSE '理性决策' END;
    SELECT coalesce(array_agg(f.k ORDER BY f.n DESC, f.ord), '{}') INTO v_factors
      FROM (SELECT k, ord, coalesce((tp -> k ->> 'n')::int, 0) AS n
              FROM unnest(ARRAY['价格', '质量', '交期', '账期']) WITH ORDINALITY AS u(k, ord)) f
     WHERE f.n > 0;
    v_contacts := commhub.agent_key_contacts(cid, t0, t1);
    v_dm := CASE WHEN jsonb_array_length(v_contacts) = 0 THEN '暂未识别'
                 ELSE (v_contacts -> 0 ->> 'name') || '(' || (v_contacts -> 0 ->> 'role') || ')'
                      || CASE WHEN jsonb_array_length(v_contacts) > 1
                              THEN ',' || (v_contacts -> 1 ->> 'name') || '(' || (v_contacts -> 1 ->> 'role') || ')有影响力'
                              ELSE '' END END;
    SELECT min(c.communication_time) FILTER (WHERE c.intent_category = 'inquiry') INTO first_inq
      FROM commhub.agent_records(cid, t0, t1) c;
    SELECT min(c.communication_time) INTO first_order
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE c.intent_category = 'order' AND c.communication_time >= first_inq;
    v_cycle := CASE
        WHEN first_inq IS NOT NULL AND first_order IS NOT NULL THEN
            CASE WHEN first_order - first_inq < interval '7 days'
                 THEN '约' || greatest(1, extract(day FROM first_order - first_inq)::int) || '天'
                 WHEN first_order - first_inq < interval '35 days'
                 THEN floor(extract(epoch FROM first_order - first_inq) / 604800.0) || '-'
                      || (floor(extract(epoch FROM first_order - first_inq) / 604800.0) + 1) || '周'
                 ELSE '约' || round(extract(epoch FROM first_order - first_inq) / 604800.0) || '周' END
        WHEN first_inq IS NOT NULL THEN '进行中(首次询价已' || extract(day FROM t1 - first_inq)::int || '天)'
        WHEN hist.orders > 0 THEN '复购客户,按需下单'
        ELSE '暂无数据' END;

    -- satisfaction
    sat := round(1 + 4 * coalesce(s.s_recent, s.s_all, 0.5), 1);
    sat_trend := CASE WHEN s.s_first IS NULL OR s.s_second IS NULL THEN 'stable'
                      WHEN s.s_second - s.s_first > 0.05 THEN 'upward'
                      WHEN s.s_second - s.s_first < -0.05 THEN 'downward' ELSE 'stable' END;
    IF v_resp IS NOT NULL AND v_resp <= 4 THEN strengths := strengths || '响应速度'::text; END IF;
    SELECT strengths || coalesce(array_agg(CASE x.k WHEN '质量' THEN '产品质量' WHEN '交期' THEN '交货及时'
                                   WHEN '技术' THEN '技术支持' WHEN '服务' THEN '服务态度'
                                   WHEN '价格' THEN '价格有竞争力' WHEN '账期' THEN '结算灵活' END ORDER BY x.ord), '{}')
      INTO strengths
      FROM unnest(ARRAY['质量', '技术', '交期', '服务', '价格', '账期']) WITH ORDINALITY AS x(k, ord)
     WHERE coalesce((tp -> x.k ->> 'pos')::int, 0) > coalesce((tp -> x.k ->> 'neg')::int, 0);
    IF cardinality(strengths) = 0 AND coalesce(s.s_all, 0) >= 0.6 THEN strengths := ARRAY['合作态度积极']; END IF;
    SELECT coalesce(array_agg(CASE x.k WHEN '质量' THEN '产品质量问题' WHEN '交期' THEN '交货延迟'
                                   WHEN '价格' THEN '价格偏高' WHEN '账期' THEN '付款账期'
                                   WHEN '服务' THEN '售后响应' WHEN '技术' THEN '技术支持不足' END ORDER BY x.ord), '{}')
      INTO pains
      FROM unnest(ARRAY['质量', '价格', '交期', '账期', '服务', '技术']) WITH ORDINALITY AS x(k, ord)
     WHERE coalesce((tp -> x.k ->> 'neg')::int, 0) > 0;
    IF s.n_lower > 0 THEN pains := pains || '竞品价格压力'::text; END IF;
    IF NOT '价格偏高' = ANY (pains) AND n_price >= 3 THEN pains := pains || '价格波动'::text; END IF;

    -- loyalty
    loyalty := greatest(0, least(100, round(
                   0.6 * h.score
                 + CASE WHEN tenure_days >= 365 THEN 20 WHEN tenure_days >= 180 THEN 15
                        WHEN tenure_days >= 90 THEN 10 ELSE 5 END
                 + least(20, 5 * hist.orders)
                 - least(15, 5 * s.n_comp)
                 - least(10, 5 * s.n_complaint))))::int;

    -- lifecycle stage
    declining := h.records_prev_60d >= 4 AND h.records_30d < h.records_prev_60d / 4.0;
    stage := CASE WHEN hist.orders = 0 AND hist.total < 5 THEN '潜在客户'
                  WHEN declining OR coalesce(s.s_recent, 0.5) < 0.4 THEN '流失风险'
                  WHEN tenure_days < 60 THEN '新客户'
                  WHEN h.trend = 'upward' THEN '成长客户'
                  WHEN tenure_days >= 180 THEN '成熟客户'
                  ELSE '成长客户' END;

    -- needs map
    SELECT coalesce(array_agg(x.p ORDER BY x.n DESC, x.p), '{}') INTO cur_products
      FROM (SELECT p, count(*) AS n
              FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c,
                   jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) p
             GROUP BY p ORDER BY count(*) DESC, p LIMIT 3) x;
    IF cardinality(cur_products) = 0 THEN
        SELECT coalesce(array_agg(x.p ORDER BY x.n DESC, x.p), '{}') INTO cur_products
          FROM (SELECT p, count(*) AS n
                  FROM commhub.agent_records(cid, t0, t1) c,
                       jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) p
                 GROUP BY p ORDER BY count(*) DESC, p LIMIT 3) x;
    END IF;
    SELECT coalesce(array_agg(x.p || CASE WHEN x.n_order > 0 THEN '稳定供应' WHEN x.n_complaint > 0 THEN '质量改进'
                                          WHEN x.n_tech > 0 THEN '技术支持' ELSE '采购需求' END ORDER BY x.ord), '{}')
      INTO needs_cur
      FROM (SELECT u.p, u.ord,
                   count(*) FILTER (WHERE c.intent_category IN ('order', 'delivery')) AS n_order,
                   count(*) FILTER (WHERE c.intent_category = 'complaint') AS n_complaint,
                   count(*) FILTER (WHERE c.intent_category = 'technical') AS n_tech
              FROM unnest(cur_products) WITH ORDINALITY AS u(p, ord)
              LEFT JOIN commhub.agent_records(cid, t0, t1) c ON commhub.jarr(c.products_mentioned) ? u.p
             GROUP BY u.p, u.ord) x;
    IF n_price >= 2 THEN needs_cur := needs_cur || '价格优化'::text; END IF;
    IF coalesce((tp -> '交期' ->> 'n')::int, 0) > 0 THEN needs_cur := needs_cur || '交期保障'::text; END IF;
    IF coalesce((tp -> '质量' ->> 'neg')::int, 0) > 0 THEN needs_cur := needs_cur || '质量稳定'::text; END IF;
    FOR rel IN
        SELECT DISTINCT ON (r.to_product) r.to_product, r.kind
          FROM commhub.product_relations r
         WHERE r.tenant_id = commhub.current_tenant() AND r.from_product = ANY (cur_products)
           AND NOT r.to_product = ANY (cur_products)
         ORDER BY r.to_product, r.kind
    LOOP
        needs_fut := needs_fut || (rel.to_product || CASE rel.kind WHEN 'up_sell' THEN '(性能升级)' ELSE '(新应用)' END);
        opps := opps || jsonb_build_object(
            'type', CASE rel.kind WHEN 'up_sell' THEN '产品升级' ELSE '新品推广' END,
            'potential', CASE WHEN s.n_tech > 0 OR s.n_order > 0 THEN 'high' ELSE 'medium' END,
            'action', '推荐' || rel.to_product);
    END LOOP;
    SELECT needs_fut || coalesce(array_agg(DISTINCT x.tl), '{}') INTO needs_fut
      FROM (SELECT c.timeline_mentioned ->> 'text' AS tl
              FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c
             WHERE c.timeline_mentioned ->> 'text' IS NOT NULL
             ORDER BY c.communication_time DESC LIMIT 2) x;
    IF s.n_tech > 0 THEN needs_fut := needs_fut || '技术支持'::text; END IF;
    IF coalesce((tp -> '账期' ->> 'n')::int, 0) > 0 THEN needs_lat := needs_lat || '供应链金融'::text; END IF;
    IF s.n_order > 0 OR EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                                 WHERE c.content ~ '每月|月需求|月用量|/月') THEN
        needs_lat := needs_lat || '库存管理(VMI寄售)'::text;
    END IF;
    IF s.n_complaint > 0 THEN needs_lat := needs_lat || '质量追溯体系'::text; END IF;
    IF s.n_comp > 0 THEN needs_lat := needs_lat || '成本优化方案'::text; END IF;
    IF cardinality(needs_lat) = 0 THEN needs_lat := ARRAY['行业资讯与技术培训']; END IF;

    -- risks and opportunities seen from the relationship
    IF v_style = '价格敏感' OR n_price >= 2 THEN
        risks := risks || jsonb_build_object('type', '价格敏感', 'level', CASE WHEN s.n_lower > 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '提供长期价格锁定方案');
    END IF;
    IF s.n_comp > 0 THEN
        risks := risks || jsonb_build_object('type', '竞品渗透', 'level', CASE WHEN s.n_lower > 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '强化价值证明,必要时价格匹配');
    END IF;
    IF s.n_complaint > 0 THEN
        risks := risks || jsonb_build_object('type', '质量投诉', 'level', CASE WHEN s.n_complaint >= 2 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '质量部门出具8D报告并回访');
    END IF;
    IF declining THEN
        risks := risks || jsonb_build_object('type', '沟通减少', 'level', CASE WHEN h.records_30d = 0 THEN 'high' ELSE 'medium' END,
                                             'mitigation', '安排拜访了解原因');
    END IF;
    IF coalesce((tp -> '账期' ->> 'n')::int, 0) > 0 THEN
        risks := risks || jsonb_build_object('type', '付款账期', 'level', 'medium', 'mitigation', '评估信用并制定账期方案');
    END IF;
    IF s.n_order > 0 THEN
        opps := opps || jsonb_build_object('type', '长期合作', 'potential', 'high', 'action', '洽谈年度框架协议锁定供应');
    END IF;
    -- growth against a history: a customer first heard of this month has
    -- nothing to have grown from
    IF h.trend = 'upward' AND h.records_prev_60d > 0 THEN
        opps := opps || jsonb_build_object('type', '需求增长', 'potential', 'medium', 'action', '提前锁定产能与价格');
    END IF;

    assessment := CASE WHEN hist.total = 0 THEN '暂无沟通记录,尚未建立关系'
                       WHEN h.score >= 80 THEN '关系良好' WHEN h.score >= 60 THEN '关系稳定'
                       WHEN h.score >= 40 THEN '关系一般,需要加强维护' ELSE '关系较弱,存在流失风险' END
               || CASE WHEN hist.total = 0 THEN ''
                       WHEN h.records_prev_60d = 0 AND h.records_30d > 0 THEN ',近期新建立联系'
                       ELSE CASE h.trend WHEN 'upward' THEN ',合作深度持续增加' WHEN 'downward' THEN ',互动减少需关注' ELSE ',保持稳定' END END
               || CASE WHEN h.complaints_30d > 0 THEN ',近30天有' || h.complaints_30d || '次投诉' ELSE '' END;

    RETURN jsonb_build_object(
        'relationship_health', jsonb_build_object('score', h.score, 'trend', h.trend, 'assessment', assessment),
        'communication_pattern', jsonb_build_object(
            'preferred_channel', v_channel, 'preferred_time', v_slot,
            'frequency', v_freq, 'response_speed', commhub.response_text(v_resp)),
        'decision_making', jsonb_build_object(
            'style', v_style, 'key_factors', to_jsonb(v_factors), 'decision_maker', v_dm, 'decision_cycle', v_cycle),
        'satisfaction', jsonb_build_object(
            'current', sat, 'trend', sat_trend, 'strengths', to_jsonb(strengths), 'pain_points', to_jsonb(pains)),
        'loyalty', jsonb_build_object(
            'score', loyalty,
            'risk_level', CASE WHEN loyalty >= 70 THEN 'low' WHEN loyalty >= 50 THEN 'medium' ELSE 'high' END,
            'retention_probability', round(0.08 + 0.9 * loyalty / 100.0, 2)),
        'lifecycle_stage', stage,
        'key_contacts', (SELECT coalesce(jsonb_agg(e - 'interactions'), '[]') FROM jsonb_array_elements(v_contacts) e),
        'needs_map', jsonb_build_object('current', to_jsonb(needs_cur), 'future', to_jsonb(needs_fut),
                                        'latent', to_jsonb(needs_lat)),
        'risks', risks,
        'opportunities', opps,
        -- the numbers behind the judgement (extra fields; consumers read the seed's keys)
        'metrics', jsonb_build_object(
            'customer_id', cust.customer_id, 'customer_name', cust.name,
            'records', s.n, 'inbound', s.n_in, 'records_30d', h.records_30d, 'records_prev_60d', h.records_prev_60d,
            'frequency_per_week', round(per_week, 2), 'response_hours', v_resp,
            'sentiment_avg', round(s.s_all, 2), 'complaints', s.n_complaint, 'competitor_mentions', s.n_comp,
            'price_mentions', n_price, 'orders_total', hist.orders, 'tenure_days', tenure_days,
            'last_contact', s.last_at, 'since', t0, 'until', t1));
END
$$;

-- ---------------------------------------------------------------------
-- A12 opportunity mining
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a12_opportunities(customer_id text, since timestamptz DEFAULT NULL,
                                          until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    opps jsonb := '[]';
    cross_sell jsonb := '[]';
    up_sell jsonb := '[]';
    values_by_product jsonb := '{}';
    g record;
    q record;
    p record;
    v_resp numeric;
    orders_ever integer;
    has_order boolean;
    has_quote boolean;
    has_sample boolean;
    has_old_order boolean;
    n_complaints integer;
    monthly boolean;
    annual boolean;
    factor numeric;
    v_value numeric;
    v_basis text;
    v_stage text;
    v_prob numeric;
    v_close date;
    v_tl date;
    v_comp text[];
    v_lower text;
    v_win text[];
    v_risk text[];
    v_actions text[];
    v_urg text;
    v_desc text;
    v_qty text;
    v_terms text;
    v_sent numeric;
    last_at timestamptz;
    silence_days integer;
    n integer := 0;
    mentioned text[];
    explicit_products text[] := '{}';
    rel record;
    n30 integer;
    nprev integer;
    kw text[];
    kw_rec text;
    base_value numeric;
    t_local date := (coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    v_resp := commhub.agent_response_hours(cid, t0, t1);
    SELECT count(*)::int INTO orders_ever FROM commhub.customer_communications c
     WHERE c.tenant_id = commhub.current_tenant() AND c.customer_id = cid AND c.canonical_record_id IS NULL
       AND c.intent_category = 'order' AND c.communication_time <= t0;

    -- Explicit: every product with a purchase signal in the range (inquiry,
    -- order, cooperation intent or a price/quantity); records without a
    -- product but with a quantity form the group "未指明产品".
    FOR g IN
        SELECT x.product, array_agg(x.record_id ORDER BY x.communication_time DESC) AS recs,
               max(x.communication_time) AS last_at, min(x.communication_time) AS first_at
          FROM (SELECT c.record_id, c.communication_time, u.product,
                       c.quantity_discussed IS NOT NULL OR c.intent_category = 'order' AS firm
                  FROM commhub.agent_records(cid, t0, t1) c
                  CROSS JOIN LATERAL (
                        SELECT e AS product FROM jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) e
                        UNION ALL
                        SELECT NULL WHERE jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0) u
                 WHERE c.intent_category IN ('inquiry', 'order', 'cooperation')
                    OR c.price_discussed IS NOT NULL OR c.quantity_discussed IS NOT NULL) x
         GROUP BY x.product
        HAVING x.product IS NOT NULL OR bool_or(x.firm)
         ORDER BY max(x.communication_time) DESC, x.product
         LIMIT 20
    LOOP
        n := n + 1;
        -- the group's records, as a filter usable below
        SELECT c.communication_time, c.content,
               coalesce(c.analysis -> 'key_info' ->> 'quantity', commhub.num_text(c.quantity_discussed, 2) || '吨') AS qtext,
               CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number'
                    THEN (c.analysis -> 'key_info' ->> 'quantity_value')::numeric ELSE c.quantity_discussed END AS qty,
               coalesce(c.analysis -> 'key_info' ->> 'quantity_unit', CASE WHEN c.quantity_discussed IS NOT NULL THEN '吨' END) AS unit
          INTO q
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs)
           AND (c.quantity_discussed IS NOT NULL OR jsonb_typeof(c.analysis -> 'key_info' -> 'quantity_value') = 'number')
         -- a stated monthly demand outweighs a single order's quantity
         ORDER BY (coalesce(c.analysis -> 'key_info' ->> 'quantity', '') ~ '月'
                   OR coalesce(c.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月') DESC,
                  c.communication_time DESC LIMIT 1;
        SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                             THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
               coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元/吨') AS price_unit, false AS reference
          INTO p
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs) AND c.price_discussed IS NOT NULL
         ORDER BY c.communication_time DESC LIMIT 1;
        IF p.price IS NULL AND g.product IS NOT NULL THEN
            -- reference: the latest price of the product to any customer of the tenant
            SELECT coalesce(CASE WHEN jsonb_typeof(c.analysis -> 'key_info' -> 'price_value') = 'number'
                                 THEN (c.analysis -> 'key_info' ->> 'price_value')::numeric END, c.price_discussed) AS price,
                   coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元/吨') AS price_unit, true AS reference
              INTO p
              FROM commhub.customer_communications c
             WHERE c.tenant_id = commhub.current_tenant() AND c.canonical_record_id IS NULL
               AND c.price_discussed IS NOT NULL AND commhub.jarr(c.products_mentioned) ? g.product
               AND c.communication_time <= t1 AND c.communication_time > t1 - interval '180 days'
             ORDER BY c.communication_time DESC LIMIT 1;
        END IF;

        monthly := q.qty IS NOT NULL AND (coalesce(q.qtext, '') ~ '月'
                   OR coalesce(q.content, '') ~ '每月|月需求|月用量|月订单|月采购|月均|每个月|/月|／月');
        annual := q.qty IS NOT NULL AND NOT monthly
                  AND (coalesce(q.qtext, '') ~ '年' OR coalesce(q.content, '') ~ '每年|年需求|年用量|年采购|/年');
        factor := CASE WHEN p.price_unit ~ '公斤|kg' AND q.unit = '吨' THEN 1000
                       WHEN p.price_unit ~ '吨' AND q.unit = '公斤' THEN 0.001 ELSE 1 END;
        IF p.price IS NOT NULL AND q.qty IS NOT NULL THEN
            v_value := round(p.price * q.qty * factor * CASE WHEN monthly THEN 12 ELSE 1 END);
            v_basis := CASE WHEN p.reference THEN '参考价' ELSE '单价' END || commhub.num_text(p.price, 2) || p.price_unit
                    || ' × ' || CASE WHEN monthly THEN '月用量' || commhub.num_text(q.qty, 2) || q.unit || ' × 12个月'
                                     ELSE '数量' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '') END;
        ELSE
            v_value := 0;
            v_basis := CASE WHEN q.qty IS NULL THEN '用量未知' ELSE '价格未知' END || ',金额待确认';
        END IF;
        values_by_product := values_by_product || jsonb_build_object(coalesce(g.product, '未指明产品'), v_value);

        -- stage and probability
        -- an order signal in the last 30 days is a deal being closed; an
        -- older one is a customer who buys again (复购)
        SELECT bool_or((c.intent_category = 'order'
                        OR coalesce(c.content, '') ~ '确认订单|下单|订单意向|签合同|签订合同|合同草案|采购合同|框架协议')
                       AND c.communication_time > t1 - interval '30 days'),
               bool_or((c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价'))
                       OR coalesce(c.content, '') ~ '报价单|样品|试样|送样|打样'),
               bool_or(coalesce(c.content, '') ~ '样品|试样|送样|打样'),
               avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound'),
               bool_or(c.intent_category = 'order')
          INTO has_order, has_quote, has_sample, v_sent, has_old_order
          FROM commhub.agent_records(cid, g.first_at - interval '1 second', t1) c
         WHERE c.record_id = ANY (g.recs)
            OR (jsonb_array_length(commhub.jarr(c.products_mentioned)) = 0
                AND c.intent_category IN ('inquiry', 'order', 'cooperation', 'other')
                AND c.communication_time >= g.first_at);
        IF has_order THEN
            v_stage := '谈判'; v_prob := 0.8;
        ELSIF has_quote THEN
            v_stage := '方案报价';
            v_prob := 0.5 + CASE WHEN has_sample THEN 0.1 ELSE 0 END + CASE WHEN v_sent >= 0.6 THEN 0.05 ELSE 0 END;
        ELSIF has_old_order THEN
            v_stage := '复购跟进'; v_prob := 0.5;
        ELSE
            v_stage := '需求确认';
            v_prob := 0.3 + CASE WHEN q.qty IS NOT NULL THEN 0.1 ELSE 0 END
                          + CASE WHEN EXISTS (SELECT 1 FROM commhub.customer_communications c
                                               WHERE c.record_id = ANY (g.recs) AND c.timeline_mentioned IS NOT NULL)
                                 THEN 0.1 ELSE 0 END;
        END IF;

        -- competition
        SELECT coalesce(array_agg(DISTINCT e), '{}') INTO v_comp
          FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e
         WHERE c.record_id = ANY (g.recs) OR c.communication_time >= g.first_at;
        SELECT commhub.agent_price_gap(c.content) INTO v_lower
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
           AND commhub.agent_mentions_lower_price(c.content) AND c.communication_time >= g.first_at
         ORDER BY c.communication_time DESC LIMIT 1;
        IF FOUND THEN v_lower := coalesce(v_lower, ''); END IF;
        SELECT count(*) FILTER (WHERE c.intent_category = 'complaint')::int, coalesce(avg(c.sentiment_score), v_sent)
          INTO n_complaints, v_sent
          FROM commhub.agent_records(cid, t1 - interval '30 days', t1) c
         WHERE c.direction IS DISTINCT FROM 'outbound';
        IF cardinality(v_comp) > 0 THEN v_prob := v_prob - 0.1; END IF;
        IF v_sent < 0.4 THEN v_prob := v_prob - 0.1; END IF;
        IF n_complaints > 0 THEN v_prob := v_prob - 0.2; END IF;
        -- silence after our last quote
        SELECT max(c.communication_time) INTO last_at
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.direction = 'outbound' AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~ '报价')
           AND c.communication_time >= g.first_at;
        silence_days := NULL;
        IF last_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM commhub.agent_records(cid, last_at, t1) c
                                                WHERE c.direction = 'inbound') THEN
            silence_days := extract(day FROM t1 - last_at)::int;
            IF silence_days >= 14 THEN v_prob := v_prob - 0.1; END IF;
        END IF;
        v_prob := round(greatest(0.1, least(0.95, v_prob)), 2);

        -- expected close: the customer's own date if any, else a typical lag per stage
        SELECT min(commhub.try_date(d)) INTO v_tl
          FROM commhub.customer_communications c,
               jsonb_array_elements_text(commhub.jarr(coalesce(c.timeline_mentioned -> 'dates',
                                                               c.analysis -> 'key_info' -> 'timeline_dates'))) d
         WHERE c.record_id = ANY (g.recs) AND commhub.try_date(d) >= (g.last_at AT TIME ZONE 'Asia/Shanghai')::date;
        v_close := CASE WHEN v_stage = '复购跟进' THEN t_local + 30
                        WHEN v_tl IS NOT NULL THEN v_tl + CASE v_stage WHEN '谈判' THEN 0 ELSE 30 END
                        ELSE (g.last_at AT TIME ZONE 'Asia/Shanghai')::date
                             + CASE v_stage WHEN '谈判' THEN 14 WHEN '方案报价' THEN 30 ELSE 45 END END;
        IF v_close < t_local THEN v_close := t_local + 7; END IF;

        -- why we could win, why we could lose
        v_win := '{}';
        IF v_resp IS NOT NULL AND v_resp <= 4 THEN v_win := v_win || ('响应及时(平均' || commhub.num_text(v_resp, 1) || '小时回复)'); END IF;
        IF v_sent >= 0.6 THEN v_win := v_win || '客户态度积极'::text; END IF;
        IF orders_ever > 0 THEN v_win := v_win || ('已有合作基础(历史订单' || orders_ever || '次)'); END IF;
        IF has_sample THEN v_win := v_win || '已进入样品/试样环节'::text; END IF;
        IF EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c WHERE c.communication_type = 'visit') THEN
            v_win := v_win || '已进行商务拜访,关系紧密'::text;
        END IF;
        IF q.qty IS NOT NULL THEN v_win := v_win || '客户需求明确(用量已确认)'::text; END IF;
        IF cardinality(v_win) = 0 THEN v_win := ARRAY['产品匹配客户需求']; END IF;
        v_risk := '{}';
        IF cardinality(v_comp) > 0 THEN v_risk := v_risk || (array_to_string(v_comp, '、') || '参与竞争'); END IF;
        IF v_lower IS NOT NULL THEN
            v_risk := v_risk || ('客户提到竞品价格更低' || v_lower);
        END IF;
        SELECT '账期要求' || (regexp_match(c.content, '账期[^0-9]{0,6}([0-9]{2,3})\s*天'))[1] || '天' INTO v_terms
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.content ~ '账期[^0-9]{0,6}[0-9]{2,3}\s*天'
         ORDER BY c.communication_time DESC LIMIT 1;
        IF v_terms IS NOT NULL THEN v_risk := v_risk || v_terms; END IF;
        IF n_complaints > 0 THEN
            v_risk := v_risk || ('近30天有' || n_complaints || '次投诉,客户对质量有顾虑');
        END IF;
        IF silence_days >= 7 THEN v_risk := v_risk || ('报价后' || silence_days || '天未回复'); END IF;

        -- what to do next: the analyzer's follow-ups of the latest record, then the stage's playbook
        SELECT coalesce(array_agg(DISTINCT f), '{}') INTO v_actions
          FROM (SELECT jsonb_array_elements_text(commhub.jarr(coalesce(c.follow_up_items, c.analysis -> 'follow_up'))) AS f
                  FROM commhub.customer_communications c
                 WHERE c.record_id = g.recs[1]) x;
        v_actions := v_actions[1:2];
        IF cardinality(v_comp) > 0 THEN
            v_actions := v_actions || ('准备与' || v_comp[1] || '的对比方案(价格/质量/服务)');
        END IF;
        v_actions := v_actions || CASE v_stage
            WHEN '需求确认' THEN ARRAY['提供技术参数表与样品', '确认用量与交期要求', '邀请参观工厂']
            WHEN '方案报价' THEN ARRAY['跟进报价反馈', '提供3个月试样合作方案', '提供同行业客户案例']
            WHEN '复购跟进' THEN CASE WHEN n_complaints > 0 THEN ARRAY['先闭环质量投诉,再确认下一批采购计划', '提供批次质量报告']
                                     ELSE ARRAY['回访确认下一批采购计划', '提供年度框架协议方案', '确认库存与排产'] END
            ELSE ARRAY['确认合同条款与账期', '锁定排产与交付计划', '安排高层拜访促成签约'] END;
        SELECT array_agg(a ORDER BY o) INTO v_actions
          FROM (SELECT DISTINCT ON (a) a, o FROM unnest(v_actions) WITH ORDINALITY AS u(a, o) ORDER BY a, o) d;
        v_actions := v_actions[1:5];

        SELECT CASE max(commhub.level_rank(c.urgency_level)) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END
          INTO v_urg
          FROM commhub.customer_communications c
         WHERE c.record_id = ANY (g.recs) AND c.communication_time > t1 - interval '30 days';
        IF (v_close <= t_local + 14 AND v_stage IN ('谈判', '方案报价')) OR v_lower IS NOT NULL THEN v_urg := 'high'; END IF;
        IF v_urg = 'low' AND v_stage <> '需求确认' THEN v_urg := 'medium'; END IF;

        v_qty := CASE WHEN q.qty IS NULL THEN NULL
                      WHEN monthly AND q.qtext !~ '月' THEN q.qtext || '/月' ELSE q.qtext END;
        v_desc := coalesce(g.product, '未指明产品')
               || CASE WHEN monthly THEN '月需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                                         || ',预计年订单' || commhub.num_text(q.qty * 12, 2) || coalesce(q.unit, '')
                       WHEN annual THEN '年需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                       WHEN q.qty IS NOT NULL THEN '采购需求' || commhub.num_text(q.qty, 2) || coalesce(q.unit, '')
                       WHEN v_stage = '谈判' THEN '订单意向'
                       WHEN v_stage = '复购跟进' THEN '复购'
                       ELSE '询价' END;
        IF g.product IS NOT NULL THEN explicit_products := explicit_products || g.product; END IF;

        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'explicit',
            'description', v_desc,
            'product', g.product,
            'quantity', v_qty,
            'estimated_value', v_value,
            'value_basis', v_basis,
            'probability', v_prob,
            'expected_close_date', to_char(v_close, 'YYYY-MM-DD'),
            'stage', v_stage,
            'competitors', to_jsonb(v_comp),
            'winning_factors', to_jsonb(v_win),
            'risk_factors', to_jsonb(v_risk),
            'recommended_actions', to_jsonb(v_actions),
            'urgency', v_urg,
            'related_records', to_jsonb(g.recs[1:50]));
    END LOOP;

    -- Implicit: products first mentioned in the last 30 days, rising contact,
    -- talk of new projects, interest in payment terms.
    FOR g IN
        SELECT pm AS product, array_agg(c.record_id ORDER BY c.communication_time DESC) AS recs
          FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c,
               jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm
         WHERE NOT pm = ANY (explicit_products)
           AND NOT EXISTS (SELECT 1 FROM commhub.customer_communications o
                            WHERE o.tenant_id = commhub.current_tenant() AND o.customer_id = cid
                              AND o.canonical_record_id IS NULL
                              AND o.communication_time <= greatest(t0, t1 - interval '30 days')
                              AND commhub.jarr(o.products_mentioned) ? pm)
         GROUP BY pm ORDER BY pm LIMIT 10
    LOOP
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户近期首次提到' || g.product || ',可能有新需求',
            'product', g.product, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '用量未知,金额待确认',
            'probability', 0.20, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('了解' || g.product || '的应用场景与用量',
                                                     '寄送' || g.product || '样品与技术资料'),
            'urgency', 'low', 'related_records', to_jsonb(g.recs[1:20]));
    END LOOP;
    SELECT count(*) FILTER (WHERE c.communication_time > t1 - interval '30 days')::int,
           count(*) FILTER (WHERE c.communication_time <= t1 - interval '30 days')::int
      INTO n30, nprev
      FROM commhub.agent_records(cid, t1 - interval '90 days', t1) c
     WHERE c.intent_category IS DISTINCT FROM 'complaint' AND c.intent_category IS DISTINCT FROM 'after_sales';
    IF n30 >= 3 AND n30 >= 1.5 * (nprev / 2.0) AND nprev > 0 THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '近30天沟通' || n30 || '次,较此前月均' || commhub.num_text(nprev / 2.0, 1) || '次上升'
                           || round(100 * (n30 - nprev / 2.0) / (nprev / 2.0)) || '%,客户可能有新增需求',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.30, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', jsonb_build_array('客户互动活跃'), 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('主动拜访了解新增需求', '提前锁定产能与价格'),
            'urgency', 'medium');
    END IF;
    SELECT regexp_match(c.content, '(新产品|新项目|新品开发|扩产|新产线|新工厂|产能扩张|新车型|新机型|新品)'),
           c.record_id
      INTO kw, kw_rec
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE c.content ~ '新产品|新项目|新品开发|扩产|新产线|新工厂|产能扩张|新车型|新机型|新品'
     ORDER BY c.communication_time DESC LIMIT 1;
    IF kw IS NOT NULL THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户提到' || kw[1] || ',存在新材料需求',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.25, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('安排技术交流,了解' || kw[1] || '的材料要求', '推荐适配的新材料方案'),
            'urgency', 'medium', 'related_records', jsonb_build_array(kw_rec));
    END IF;
    IF EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                WHERE c.intent_category = 'payment' OR coalesce(c.content, '') ~ '账期') THEN
        n := n + 1;
        opps := opps || jsonb_build_object(
            'id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-' || lpad(n::text, 3, '0'),
            'type', 'implicit',
            'description', '客户关注付款账期,可探索供应链金融合作',
            'product', NULL, 'quantity', NULL, 'estimated_value', 0, 'value_basis', '金额待确认',
            'probability', 0.20, 'expected_close_date', NULL, 'stage', '需求挖掘',
            'competitors', '[]'::jsonb, 'winning_factors', '[]'::jsonb, 'risk_factors', '[]'::jsonb,
            'recommended_actions', jsonb_build_array('与财务评估客户信用', '介绍供应链金融/票据结算方案'),
            'urgency', 'low');
    END IF;

    -- Cross- and up-sell from the catalogue's relations of the products mentioned.
    SELECT coalesce(array_agg(DISTINCT pm), '{}') INTO mentioned
      FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm;
    FOR rel IN
        SELECT DISTINCT ON (r.kind, r.to_product) r.*
          FROM commhub.product_relations r
         WHERE r.tenant_id = commhub.current_tenant() AND r.from_product = ANY (mentioned)
           AND NOT r.to_product = ANY (mentioned)
         ORDER BY r.kind, r.to_product, r.from_product
    LOOP
        base_value := coalesce((values_by_product ->> rel.from_product)::numeric, 0);
        IF rel.kind = 'cross_sell' THEN
            cross_sell := cross_sell || (jsonb_build_object(
                'product', rel.to_product,
                'reason', coalesce(rel.reason, '关联产品') || '(客户关注' || rel.from_product || ')',
                'approach', CASE WHEN EXISTS (SELECT 1 FROM commhub.agent_records(cid, t0, t1) c
                                               WHERE c.intent_category = 'technical') THEN '技术推荐' ELSE '样品试用' END,
                -- the seed's key is always there: 0 = unknown, like estimated_value
                'potential_value', round(base_value * 0.3)));
        ELSE
            up_sell := up_sell || (jsonb_build_object(
                'current', rel.from_product, 'upgrade', rel.to_product,
                'reason', coalesce(rel.reason, '性能升级'),
                'potential_value', round(base_value * 0.2)));
        END IF;
    END LOOP;

    SELECT coalesce(jsonb_agg(o.e || jsonb_build_object('id', 'OPP-' || to_char(t_local, 'YYYYMM') || '-' || cid || '-'
                                                          || lpad(o.rn::text, 3, '0')) ORDER BY o.rn), '[]')
      INTO opps
      FROM (SELECT e, row_number() OVER (ORDER BY e ->> 'type',
                                                   (e ->> 'probability')::numeric * greatest((e ->> 'estimated_value')::numeric, 1) DESC,
                                                   ord) AS rn
              FROM jsonb_array_elements(opps) WITH ORDINALITY AS u(e, ord)) o;
    RETURN jsonb_build_object('opportunities', opps,
                              'cross_sell_opportunities', cross_sell,
                              'up_sell_opportunities', up_sell,
                              'customer_id', cust.customer_id, 'customer_name', cust.name,
                              'time_range', jsonb_build_object('since', t0, 'until', t1));
END
$$;

-- ---------------------------------------------------------------------
-- A14 risk alerts
-- The current window is (since, until] (default the last 30 days); the
-- baseline is the three windows of the same length before it, averaged.
-- ---------------------------------------------------------------------
CREATE FUNCTION commhub.a14_risk_alerts(customer_id text, since timestamptz DEFAULT NULL,
                                        until timestamptz DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '30 days');
    win interval;
    b0 timestamptz;
    days integer;
    wl text;                   -- '近30天'
    cur record;
    base record;
    vol jsonb;
    vol_text text;
    alerts jsonb := '[]';
    signals jsonb := '{}';
    decline_pct integer;
    declined boolean := false;
    comp record;
    comp_any text[];
    comp_lower boolean := false;
    quote record;
    silence_days integer;
    pay record;
    cmp record;
    v_level text;
    v_score integer;
    ind text[];
    acts text[];
    impact text;
    recs text[];
    today text := to_char(coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');
    ym text := to_char(coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai', 'YYYYMM');
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    win := t1 - t0;
    b0 := t0 - 3 * win;
    days := greatest(1, round(extract(epoch FROM win) / 86400))::int;
    wl := '近' || days || '天';

    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.direction = 'inbound')::int AS n_in,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inq,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           count(*) FILTER (WHERE c.sentiment = 'negative' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_neg,
           count(*) FILTER (WHERE '价格' = ANY (commhub.agent_topics(c.content, c.intent_category, c.price_discussed)))::int AS n_price,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS sent,
           count(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound')::int AS n_scored,
           max(c.communication_time) AS last_at,
           max(c.communication_time) FILTER (WHERE c.direction = 'inbound') AS last_in
      INTO cur FROM commhub.agent_records(cid, t0, t1) c;
    SELECT count(*)::int AS n,
           count(*) FILTER (WHERE c.intent_category = 'inquiry')::int AS n_inq,
           count(*) FILTER (WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound')::int AS n_complaint,
           avg(c.sentiment_score) FILTER (WHERE c.direction IS DISTINCT FROM 'outbound') AS sent,
           max(c.communication_time) AS last_at
      INTO base FROM commhub.agent_records(cid, b0, t0) c;
    vol := commhub.agent_volume(cid, t1);
    vol_text := CASE WHEN vol IS NULL THEN NULL
                     ELSE CASE WHEN (vol ->> 'monthly')::boolean THEN '月订单' ELSE '订单' END
                          || commhub.num_text((vol ->> 'quantity')::numeric, 2) || coalesce(vol ->> 'unit', '')
                          || CASE WHEN vol ->> 'value' IS NOT NULL
                                  THEN ',约' || commhub.money_text((vol ->> 'value')::numeric) ELSE '' END END;

    -- competitor mentions with a lower price, over twice the window (a
    -- customer who went quiet after naming a cheaper competitor)
    SELECT c.record_id, c.communication_time, c.content, commhub.agent_price_gap(c.content) AS gap,
           (SELECT array_agg(DISTINCT e) FROM jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e) AS names,
           count(*) OVER () AS mentions
      INTO comp
      FROM commhub.agent_records(cid, t1 - 2 * win, t1) c
     WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0
       AND commhub.agent_mentions_lower_price(c.content)
     ORDER BY c.communication_time DESC LIMIT 1;
    comp_lower := FOUND;
    SELECT coalesce(array_agg(DISTINCT e), '{}') INTO comp_any
      FROM commhub.agent_records(cid, t1 - 2 * win, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e;

    -- the last quote we sent in 90 days, and whether the customer answered
    SELECT c.record_id, c.communication_time, c.price_discussed,
           CASE WHEN coalesce(c.analysis -> 'key_info' ->> 'price', '') ~ '^[0-9.]*$'
                THEN commhub.num_text(c.price_discussed, 2) || coalesce(c.analysis -> 'key_info' ->> 'price_unit', '元')
                ELSE c.analysis -> 'key_info' ->> 'price' END AS price_text
      INTO quote
      FROM commhub.agent_records(cid, t1 - greatest(win * 3, interval '90 days'), t1) c
     WHERE c.direction = 'outbound'
       AND (c.price_discussed IS NOT NULL OR coalesce(c.content, '') ~* '报价|quotation|quote')
     ORDER BY c.communication_time DESC LIMIT 1;
    IF FOUND AND NOT EXISTS (SELECT 1 FROM commhub.agent_records(cid, quote.communication_time, t1) c
                              WHERE c.direction = 'inbound') THEN
        silence_days := floor(extract(epoch FROM t1 - quote.communication_time) / 86400)::int;
        IF silence_days < 7 THEN silence_days := NULL; END IF;
    END IF;

    -- communication decline
    IF base.n / 3.0 >= 2 OR (base.n / 3.0 >= 1 AND cur.n = 0) THEN
        decline_pct := round(100 * (1 - cur.n / (base.n / 3.0)))::int;
        declined := decline_pct >= 40;
    END IF;
    signals := signals || jsonb_build_object('communication_decline', jsonb_build_object(
        'detected', declined, 'metric', days || '天沟通次数', 'current', cur.n,
        'baseline', round(base.n / 3.0, 1),
        'change_pct', CASE WHEN base.n > 0 THEN -round(100 * (1 - cur.n / (base.n / 3.0)))::int END,
        'trend', CASE WHEN base.n = 0 THEN CASE WHEN cur.n > 0 THEN 'rising' ELSE 'stable' END
                      WHEN cur.n < 0.8 * base.n / 3.0 THEN 'declining'
                      WHEN cur.n > 1.2 * base.n / 3.0 THEN 'rising' ELSE 'stable' END));

    IF declined THEN
        v_level := CASE WHEN decline_pct >= 60 OR comp_lower OR silence_days IS NOT NULL THEN 'high' ELSE 'medium' END;
        IF base.n / 3.0 < 2 AND NOT comp_lower AND silence_days IS NULL THEN v_level := 'medium'; END IF;
        v_score := least(100, 30 + decline_pct / 2 + CASE WHEN comp_lower THEN 15 ELSE 0 END
                              + CASE WHEN silence_days IS NOT NULL THEN 10 ELSE 0 END)::int;
        ind := ARRAY[wl || '沟通频率下降' || decline_pct || '%',
                     wl || '沟通' || cur.n || '次,此前' || (3 * days) || '天平均每' || days || '天'
                        || commhub.num_text(base.n / 3.0, 1) || '次'];
        IF base.n_inq > 0 AND cur.n_inq < base.n_inq / 3.0 THEN
            ind := ind || ('询价次数减少(此前平均' || commhub.num_text(base.n_inq / 3.0, 1) || '次→' || cur.n_inq || '次)');
        END IF;
        IF coalesce(cur.last_at, base.last_at) IS NOT NULL AND t1 - coalesce(cur.last_at, base.last_at) >= interval '14 days' THEN
            ind := ind || ('已' || extract(day FROM t1 - coalesce(cur.last_at, base.last_at))::int || '天未联系');
        END IF;
        IF comp_lower THEN ind := ind || ('提到竞争对手价格更低' || coalesce(comp.gap, '')); END IF;
        IF silence_days IS NOT NULL THEN ind := ind || ('报价后' || silence_days || '天未回复'); END IF;
        acts := CASE WHEN v_level = 'high' THEN ARRAY['销售总监立即拜访'] ELSE ARRAY['客户经理电话回访'] END
                || ARRAY['了解沟通减少的原因'];
        IF comp_lower THEN acts := acts || '提供专项价格优惠'::text; END IF;
        acts := acts || '安排技术交流'::text;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM (SELECT * FROM commhub.agent_records(cid, b0, t1) x ORDER BY x.communication_time DESC LIMIT 20) c;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-churn_risk', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'churn_risk', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', CASE WHEN vol_text IS NOT NULL THEN vol_text || '可能流失' ELSE '客户后续订单可能流失' END,
            'recommended_actions', to_jsonb(acts),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;

    -- competitor threat
    IF comp_lower OR cardinality(comp_any) > 0 THEN
        v_level := CASE WHEN comp_lower AND (comp.mentions >= 2 OR declined OR silence_days IS NOT NULL) THEN 'high'
                        WHEN comp_lower THEN 'medium' ELSE 'low' END;
        v_score := least(100, CASE WHEN comp_lower THEN 50 ELSE 25 END
                              + 15 * greatest(0, coalesce(comp.mentions, 1) - 1)
                              + CASE WHEN declined THEN 15 ELSE 0 END
                              + CASE WHEN silence_days IS NOT NULL THEN 10 ELSE 0 END)::int;
        ind := ARRAY[]::text[];
        IF comp_lower THEN
            ind := ind || ('客户提到' || array_to_string(comp.names, '、') || '价格更低' || coalesce(comp.gap, '')
                           || '(' || to_char(comp.communication_time AT TIME ZONE 'Asia/Shanghai', 'MM-DD') || ')');
            IF comp.mentions >= 2 THEN ind := ind || ('近' || 2 * days || '天' || comp.mentions || '次提到竞品更便宜'); END IF;
        ELSE
            ind := ind || ('近' || 2 * days || '天提到竞争对手: ' || array_to_string(comp_any, '、'));
        END IF;
        IF declined THEN ind := ind || (wl || '沟通频率下降' || decline_pct || '%'); END IF;
        IF silence_days IS NOT NULL THEN ind := ind || ('报价后' || silence_days || '天未回复'); END IF;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t1 - 2 * win, t1) c
         WHERE jsonb_array_length(commhub.jarr(c.competitors_mentioned)) > 0;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-competitor_threat', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'competitor_threat', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '可能被' || array_to_string(coalesce(comp.names, comp_any), '、') || '替代'
                               || CASE WHEN vol_text IS NOT NULL THEN ',影响' || vol_text ELSE '' END,
            'recommended_actions', to_jsonb(CASE WHEN comp_lower
                THEN ARRAY['立即提供价格匹配或价值证明', '对比竞品的质量与服务优势', '提供长期价格锁定方案']
                ELSE ARRAY['了解客户对竞品的评价', '强调质量稳定与服务优势'] END),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;

    -- complaint escalation
    IF cur.n_complaint > 0 THEN
        SELECT c.record_id, coalesce(c.summary, c.subject, left(c.content, 40)) AS what,
               bool_or(coalesce(c.content, '') ~ '退货|索赔|赔偿|换供应商|更换供应商|停止合作|不再合作') OVER () AS severe,
               bool_or(c.sentiment = 'negative') OVER () AS negative,
               bool_or(c.urgency_level = 'high') OVER () AS urgent
          INTO cmp
          FROM commhub.agent_records(cid, t0, t1) c
         WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound'
         ORDER BY c.communication_time DESC LIMIT 1;
        v_level := CASE WHEN cur.n_complaint >= 2 OR cmp.severe THEN 'high'
                        WHEN cmp.negative OR cmp.urgent THEN 'medium' ELSE 'low' END;
        v_score := least(100, 45 + 15 * (cur.n_complaint - 1) + CASE WHEN cmp.negative THEN 10 ELSE 0 END
                              + CASE WHEN cmp.severe THEN 15 ELSE 0 END)::int;
        ind := ARRAY[wl || '投诉' || cur.n_complaint || '次(此前平均每' || days || '天'
                     || commhub.num_text(base.n_complaint / 3.0, 1) || '次)',
                     '最近一次: ' || left(cmp.what, 60)];
        IF cmp.severe THEN ind := ind || '客户提到退货/索赔/更换供应商'::text; END IF;
        SELECT ind || coalesce(array_agg('投诉涉及' || t || ' ' || n || '次' ORDER BY n DESC, t), '{}') INTO ind
          FROM (SELECT t, count(*) AS n FROM commhub.agent_records(cid, t0, t1) c,
                       unnest(commhub.agent_topics(c.content, c.intent_category)) t
                 WHERE c.intent_category = 'complaint' AND c.direction IS DISTINCT FROM 'outbound'
                   AND t IN ('质量', '交期', '服务', '价格') GROUP BY t) x;
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t0, t1) c WHERE c.intent_category = 'complaint';
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-complaint_escalation', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'complaint_escalation', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '可能导致退货索赔' || CASE WHEN vol_text IS NOT NULL THEN '并影响' || vol_text ELSE '并流失后续订单' END,
            'recommended_actions', to_jsonb(CASE WHEN v_level = 'high'
                THEN ARRAY['销售总监致电客户致歉', '质量部门24小时内出具8D分析报告', '安排技术人员现场处理', '追溯批次并制定补偿方案']
                ELSE ARRAY['质量部门分析投诉原因', '客户经理回访确认处理结果'] END),
            'escalation_required', cur.n_complaint >= 2 OR v_level = 'high',
            'escalation_to', CASE WHEN cur.n_complaint >= 2 OR v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;
    signals := signals || jsonb_build_object('complaint_trend', jsonb_build_object(
        'detected', cur.n_complaint > 0, 'current', cur.n_complaint, 'baseline', round(base.n_complaint / 3.0, 1),
        'severity', CASE WHEN cur.n_complaint >= 2 THEN 'high' WHEN cur.n_complaint = 1 THEN 'medium' ELSE 'low' END));

    -- payment-term pressure
    SELECT count(*)::int AS n,
           bool_or(coalesce(c.content, '') ~ '逾期|拖欠|付不了|资金紧张|无法付款') AS overdue,
           max((regexp_match(c.content, '账期[^0-9]{0,6}([0-9]{2,3})\s*天'))[1]::int) AS days_asked,
           max((regexp_match(c.content, '(?:目前|现在|现有|原来)[^0-9]{0,6}([0-9]{2,3})\s*天'))[1]::int) AS days_now,
           array_agg(c.record_id ORDER BY c.communication_time DESC) AS recs
      INTO pay
      FROM commhub.agent_records(cid, t0, t1) c
     WHERE (c.intent_category = 'payment' OR '账期' = ANY (commhub.agent_topics(c.content, c.intent_category)))
       AND c.direction IS DISTINCT FROM 'outbound'
       AND coalesce(c.content, '') ~ '账期|延期|逾期|晚付|拖欠|推迟付款|延迟付款|缓付|宽限|付不了';
    IF pay.n > 0 THEN
        v_level := CASE WHEN pay.overdue OR pay.n >= 3 THEN 'high' ELSE 'medium' END;
        v_score := least(100, 40 + 10 * (pay.n - 1) + CASE WHEN pay.overdue THEN 30 ELSE 0 END)::int;
        ind := ARRAY[]::text[];
        IF pay.days_asked IS NOT NULL THEN
            ind := ind || ('付款账期要求' || pay.days_asked || '天'
                           || CASE WHEN pay.days_now IS NOT NULL AND pay.days_now <> pay.days_asked
                                   THEN '(目前' || pay.days_now || '天)' ELSE '' END);
        END IF;
        ind := ind || (wl || '客户' || pay.n || '次提到账期/延期付款');
        IF pay.overdue THEN ind := ind || '客户提到逾期/拖欠付款'::text; END IF;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-payment_risk', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'payment_risk', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '应收账款回收风险' || CASE WHEN vol IS NOT NULL AND vol ->> 'value' IS NOT NULL
                                                   THEN ',涉及金额约' || commhub.money_text((vol ->> 'value')::numeric) ELSE '' END,
            'recommended_actions', to_jsonb(ARRAY['财务评估客户信用额度', '制定分期或阶梯账期方案', '控制后续发货风险']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'finance_manager' END,
            'related_records', to_jsonb(pay.recs[1:20]));
    END IF;
    signals := signals || jsonb_build_object('payment_pressure', jsonb_build_object(
        'detected', pay.n > 0, 'evidence', CASE WHEN pay.n > 0 THEN wl || '客户' || pay.n || '次提到账期/延期付款' END,
        'severity', CASE WHEN pay.n = 0 THEN 'low' WHEN pay.overdue OR pay.n >= 3 THEN 'high' ELSE 'medium' END));

    -- negative sentiment trend: a trend needs at least two of the customer's
    -- own messages in the window (one annoyed message is no decline)
    IF (cur.n_scored >= 2 AND base.sent IS NOT NULL AND base.sent - cur.sent >= 0.15 AND cur.sent < 0.5)
       OR (cur.n_neg >= 2 AND coalesce(cur.sent, 0.5) < 0.4) THEN
        v_level := CASE WHEN cur.sent < 0.3 THEN 'high' ELSE 'medium' END;
        v_score := least(100, round(40 + 100 * greatest(0, coalesce(base.sent, 0.6) - cur.sent) + 5 * cur.n_neg))::int;
        ind := ARRAY[wl || '平均情绪分' || commhub.num_text(cur.sent, 2)
                     || CASE WHEN base.sent IS NOT NULL
                             THEN ',基线' || commhub.num_text(base.sent, 2)
                                  || CASE WHEN base.sent > 0 AND base.sent > cur.sent
                                          THEN '(下降' || round(100 * (base.sent - cur.sent) / base.sent) || '%)' ELSE '' END
                             ELSE '' END,
                     wl || '负面沟通' || cur.n_neg || '次'];
        SELECT array_agg(c.record_id ORDER BY c.communication_time DESC) INTO recs
          FROM commhub.agent_records(cid, t0, t1) c WHERE c.sentiment = 'negative';
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-sentiment_decline', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'sentiment_decline', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '客户满意度下降,关系可能恶化',
            'recommended_actions', to_jsonb(ARRAY['客户经理回访了解不满原因', '针对痛点制定改进计划并反馈客户']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', to_jsonb(coalesce(recs, '{}')));
    END IF;
    signals := signals || jsonb_build_object('sentiment_trend', jsonb_build_object(
        'detected', cur.n_scored >= 2 AND base.sent IS NOT NULL AND base.sent - cur.sent >= 0.15,
        'current', round(cur.sent, 2), 'baseline', round(base.sent, 2),
        'trend', CASE WHEN cur.sent IS NULL OR base.sent IS NULL THEN 'stable'
                      WHEN cur.sent < base.sent - 0.05 THEN 'declining'
                      WHEN cur.sent > base.sent + 0.05 THEN 'rising' ELSE 'stable' END));

    -- silence after a quote
    IF silence_days IS NOT NULL THEN
        v_level := CASE WHEN silence_days >= 21 OR (silence_days >= 14 AND (comp_lower OR declined)) THEN 'high'
                        WHEN silence_days >= 10 THEN 'medium' ELSE 'low' END;
        v_score := least(90, 35 + round(1.5 * silence_days) + CASE WHEN comp_lower THEN 10 ELSE 0 END)::int;
        ind := ARRAY['报价后' || silence_days || '天客户未回复',
                     '最后报价' || coalesce(': ' || quote.price_text, '') || '('
                     || to_char(quote.communication_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || ')'];
        IF comp_lower THEN ind := ind || ('客户此前提到竞品价格更低' || coalesce(comp.gap, '')); END IF;
        alerts := alerts || jsonb_build_object(
            'alert_id', 'RISK-' || ym || '-' || cid || '-quote_silence', 'customer_id', cid, 'customer_name', cust.name,
            'risk_type', 'quote_silence', 'risk_level', v_level, 'risk_score', v_score,
            'indicators', to_jsonb(ind), 'triggered_at', today,
            'expected_impact', '报价商机可能流失' || CASE WHEN vol_text IS NOT NULL THEN '(' || vol_text || ')' ELSE '' END,
            'recommended_actions', to_jsonb(ARRAY['电话跟进报价反馈', '了解客户顾虑(价格/交期/质量)', '必要时调整报价或提供试样']),
            'escalation_required', v_level = 'high',
            'escalation_to', CASE WHEN v_level = 'high' THEN 'sales_director' END,
            'related_records', jsonb_build_array(quote.record_id));
    END IF;
    signals := signals || jsonb_build_object('quote_silence', jsonb_build_object(
        'detected', silence_days IS NOT NULL, 'days', silence_days, 'quote_record', quote.record_id));

    signals := signals || jsonb_build_object('price_sensitivity', jsonb_build_object(
        'detected', cur.n_price >= 2 OR comp_lower,
        'evidence', CASE WHEN comp_lower THEN '客户提到竞争对手价格更低' || coalesce(comp.gap, '') || ';' ELSE '' END
                    || '最近' || cur.n || '次沟通中' || cur.n_price || '次提到价格',
        'severity', CASE WHEN comp_lower AND cur.n_price >= 2 THEN 'high'
                         WHEN comp_lower OR cur.n_price >= 2 THEN 'medium' ELSE 'low' END));
    signals := signals || jsonb_build_object('competitor_activity', jsonb_build_object(
        'detected', cardinality(comp_any) > 0, 'competitors', to_jsonb(comp_any),
        'lower_price', comp_lower));

    -- highest risk first
    SELECT coalesce(jsonb_agg(a ORDER BY (a ->> 'risk_score')::int DESC, a ->> 'risk_type'), '[]') INTO alerts
      FROM jsonb_array_elements(alerts) a;
    RETURN jsonb_build_object('risk_alerts', alerts, 'early_warning_signals', signals);
END
$$;

-- ---------------------------------------------------------------------
-- A13 marketing advice: rules table and the agent
-- ---------------------------------------------------------------------
-- trigger: 'intent:<category>', 'competitor', 'complaint', 'product:<category>',
-- 'stage:<lifecycle stage>', 'segment:<VIP|高潜|成长|维护|挽回>', 'risk:<risk_type>'.
-- topic may use {product} and {competitor}.
CREATE TABLE commhub.marketing_rules (
    rule_id       serial       PRIMARY KEY,
    tenant_id     varchar(64)  NOT NULL DEFAULT commhub.current_tenant(),
    trigger       varchar(64)  NOT NULL,
    content_type  varchar(64)  NOT NULL,
    topic         text         NOT NULL,
    timing        varchar(32)  NOT NULL DEFAULT '本周',
    channel       varchar(64)  NOT NULL DEFAULT '企业微信',
    priority      integer      NOT NULL DEFAULT 50,
    enabled       boolean      NOT NULL DEFAULT true,
    UNIQUE (tenant_id, trigger, content_type, topic)
);
COMMENT ON TABLE commhub.marketing_rules IS
    'A13 content rules: when the trigger (intent:<category>, competitor, complaint, product:<category>, stage:<stage>, segment:<segment>, risk:<risk_type>) is seen, suggest content_type/topic ({product}, {competitor}) at timing via channel; lower priority first';

INSERT INTO commhub.marketing_rules (tenant_id, trigger, content_type, topic, timing, channel, priority) VALUES
    ('T001', 'intent:inquiry',     '技术白皮书',   '{product}技术参数与典型应用案例',          '立即发送', '企业微信+邮件', 10),
    ('T001', 'intent:inquiry',     '样品试用',     '{product}免费样品与试样方案',              '本周安排', '电话+企业微信', 20),
    ('T001', 'intent:order',       '工厂参观邀请', '邀请参观{product}生产线与质检中心',        '下周安排', '电话+企业微信', 30),
    ('T001', 'intent:order',       '供应保障方案', '{product}年度产能锁定与稳定供应计划',      '本周发送', '邮件',          25),
    ('T001', 'intent:technical',   '技术交流会',   '{product}加工工艺与改性方案技术交流',      '本周安排', '视频会议',      20),
    ('T001', 'intent:cooperation', '客户案例',     '同行业客户长期合作成功案例',              '本周发送', '邮件',          35),
    ('T001', 'intent:payment',     '结算方案',     '灵活账期与供应链金融结算方案',            '本周沟通', '电话',          40),
    ('T001', 'intent:delivery',    '交付保障',     '排产与物流跟踪透明化方案',                '立即发送', '企业微信',      30),
    ('T001', 'competitor',         '竞品对比资料', '{product}与{competitor}性能与综合成本对比', '立即发送', '企业微信+邮件', 5),
    ('T001', 'competitor',         '价值证明',     '稳定品质与技术服务带来的综合成本优势',    '本周拜访', '商务拜访',      15),
    ('T001', 'complaint',          '质量改进报告', '8D质量分析报告与改进措施',                '立即发送', '邮件+电话',     1),
    ('T001', 'complaint',          '高层回访',     '销售总监回访,确认问题处理结果',          '本周安排', '商务拜访',      8),
    ('T001', 'product:ABS',        '应用案例',     'PCR-ABS在家电与汽车部件中的应用案例',     '本周发送', '企业微信',      45),
    ('T001', 'product:PC',         '新品推荐',     'PCR-PC低碳材料在新产品开发中的应用',       '本周发送', '邮件',          45),
    ('T001', 'product:PP',         '降本方案',     '再生PP降本与碳足迹核算方案',              '本月发送', '邮件',          50),
    ('T001', 'product:PA',         '技术资料',     '玻纤增强PA66耐热与强度测试数据',          '本月发送', '邮件',          50),
    ('T001', 'product:PC/ABS',     '技术资料',     'PC/ABS合金耐冲击与阻燃等级说明',          '本月发送', '邮件',          50),
    ('T001', 'stage:潜在客户',     '公司介绍',     '公司资质、产能与认证介绍',                '本周发送', '邮件',          60),
    ('T001', 'stage:新客户',       '欢迎礼包',     '新客户服务指南与对接人介绍',              '本周发送', '企业微信',      55),
    ('T001', 'stage:成熟客户',     '行业报告',     '月度塑料原料行情与行业报告',              '每月发送', '邮件',          70),
    ('T001', 'stage:流失风险',     '专属优惠',     '老客户专项价格与服务升级方案',            '立即沟通', '电话+商务拜访', 3),
    ('T001', 'segment:VIP',        '季度业务回顾', '季度业务回顾(QBR)与下季度供应规划',      '本月安排', '商务拜访',      40),
    ('T001', 'risk:payment_risk',  '结算沟通',     '账期调整与信用额度沟通',                  '本周沟通', '电话',          20),
    ('T001', 'risk:quote_silence', '报价跟进',     '报价方案答疑与试样邀请',                  '立即跟进', '电话',          6);

CREATE FUNCTION commhub.a13_marketing_advice(customer_id text, since timestamptz DEFAULT NULL,
                                             until timestamptz DEFAULT NULL,
                                             a11 jsonb DEFAULT NULL, a12 jsonb DEFAULT NULL, a14 jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    cust commhub.customers := commhub.agent_customer(customer_id);
    cid constant text := customer_id;
    t1 constant timestamptz := coalesce(until, now());
    t0 constant timestamptz := coalesce(since, coalesce(until, now()) - interval '90 days');
    ins jsonb := a11;
    opp jsonb := a12;
    risk jsonb := a14;
    stage text;
    health integer;
    top_opp jsonb;
    max_risk integer;
    segment text;
    seg_key text;
    approach text;
    messages text[] := '{}';
    proposition text;
    triggers text[] := '{}';
    top_product text;
    top_competitor text;
    contents jsonb;
    inbound_n integer;
    days_ jsonb;
    hours_ jsonb;
    avoid text[];
    ch record;
    chans text[];
    ch_reason text;
    campaigns jsonb := '[]';
    m integer := extract(month FROM coalesce(until, now()) AT TIME ZONE 'Asia/Shanghai')::int;
    holiday text;
    signals text[];
    retention text[];
BEGIN
    PERFORM commhub.agent_check_range(t0, t1);
    ins := coalesce(ins, commhub.a11_customer_insight(cid, t0, t1));
    opp := coalesce(opp, commhub.a12_opportunities(cid, t0, t1));
    risk := coalesce(risk, commhub.a14_risk_alerts(cid, NULL, t1));
    stage := ins ->> 'lifecycle_stage';
    health := (ins -> 'relationship_health' ->> 'score')::int;
    SELECT o INTO top_opp FROM jsonb_array_elements(opp -> 'opportunities') o
     WHERE o ->> 'type' = 'explicit'
     ORDER BY (o ->> 'probability')::numeric * greatest((o ->> 'estimated_value')::numeric, 1) DESC LIMIT 1;
    SELECT max(commhub.level_rank(a ->> 'risk_level')) INTO max_risk FROM jsonb_array_elements(risk -> 'risk_alerts') a;

    -- segment: 挽回 > VIP > 高潜 > 成长 > 维护
    seg_key := CASE WHEN coalesce(max_risk, 0) = 3 OR stage = '流失风险'
                         OR (health < 40 AND stage NOT IN ('潜在客户', '新客户')) THEN '挽回'
                    WHEN cust.priority = 'vip' THEN 'VIP'
                    WHEN (stage IN ('潜在客户', '新客户') AND (top_opp ->> 'probability')::numeric >= 0.5)
                         OR (cust.priority = 'high' AND stage IN ('潜在客户', '新客户')) THEN '高潜'
                    WHEN stage = '成长客户' THEN '成长'
                    ELSE '维护' END;
    segment := CASE seg_key
                   WHEN '挽回' THEN CASE WHEN cust.priority IN ('vip', 'high') THEN '重点挽回客户' ELSE '挽回型客户' END
                   WHEN 'VIP' THEN 'VIP' || CASE stage WHEN '成长客户' THEN '成长型客户' WHEN '成熟客户' THEN '核心客户'
                                                       ELSE '客户' END
                   WHEN '高潜' THEN '高潜力客户'
                   WHEN '成长' THEN '成长型客户'
                   ELSE '维护型客户' END;
    approach := CASE seg_key WHEN '挽回' THEN '关系修复' WHEN 'VIP' THEN '价值深化' WHEN '高潜' THEN '需求转化'
                             WHEN '成长' THEN '价值深化' ELSE '稳定维护' END;
    SELECT coalesce(array_agg(CASE f WHEN '价格' THEN '成本优化方案' WHEN '质量' THEN '稳定品质保障'
                                     WHEN '交期' THEN '稳定供应保障' WHEN '账期' THEN '灵活结算方案' END), '{}')
      INTO messages
      FROM jsonb_array_elements_text(commhub.jarr(ins -> 'decision_making' -> 'key_factors')) f;
    IF seg_key = '挽回' AND (ins -> 'satisfaction' -> 'pain_points') ? '产品质量问题' THEN
        messages := ARRAY['质量问题闭环改进承诺'] || messages;
    END IF;
    IF (ins -> 'metrics' ->> 'competitor_mentions')::int > 0 AND NOT '成本优化方案' = ANY (messages) THEN
        messages := messages || '综合成本优于竞品'::text;
    END IF;
    messages := messages || '技术创新支持'::text;
    messages := messages[1:4];
    proposition := CASE seg_key
        WHEN '挽回' THEN '正视问题、快速改进,用稳定的品质和服务重新赢得信任'
        WHEN '高潜' THEN '用样品、案例和快速响应,帮助客户尽快完成材料验证'
        WHEN '维护' THEN '稳定可靠的材料供应伙伴'
        ELSE '不仅是供应商,更是您的材料技术合作伙伴' END;

    -- triggers the customer's data fired, for the rules table
    SELECT coalesce(array_agg(DISTINCT 'intent:' || c.intent_category), '{}') INTO triggers
      FROM commhub.agent_records(cid, greatest(t0, t1 - interval '30 days'), t1) c WHERE c.intent_category IS NOT NULL;
    IF (ins -> 'metrics' ->> 'competitor_mentions')::int > 0 THEN triggers := triggers || 'competitor'::text; END IF;
    IF (ins -> 'metrics' ->> 'complaints')::int > 0 THEN triggers := triggers || 'complaint'::text; END IF;
    SELECT triggers || coalesce(array_agg(DISTINCT 'product:' || p.category), '{}') INTO triggers
      FROM commhub.agent_records(cid, t0, t1) c,
           jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) e
      JOIN commhub.products p ON p.tenant_id = commhub.current_tenant() AND p.canonical = e
     WHERE p.category IS NOT NULL;
    triggers := triggers || ('stage:' || stage) || ('segment:' || seg_key);
    SELECT triggers || coalesce(array_agg(DISTINCT 'risk:' || (a ->> 'risk_type')), '{}') INTO triggers
      FROM jsonb_array_elements(risk -> 'risk_alerts') a;
    -- the top opportunity's product, else the one the customer mentions most
    -- (A11's needs_map entries are phrases such as "PCR-ABS-1000技术支持")
    top_product := coalesce(top_opp ->> 'product',
                            (SELECT pm FROM commhub.agent_records(cid, t0, t1) c,
                                            jsonb_array_elements_text(commhub.jarr(c.products_mentioned)) pm
                              GROUP BY pm ORDER BY count(*) DESC, max(c.communication_time) DESC, pm LIMIT 1),
                            '我司产品');
    SELECT e INTO top_competitor
      FROM commhub.agent_records(cid, t0, t1) c, jsonb_array_elements_text(commhub.jarr(c.competitors_mentioned)) e
     ORDER BY c.communication_time DESC LIMIT 1;
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'type', r.content_type,
               'topic', replace(replace(r.topic, '{product}', top_product), '{competitor}', coalesce(top_competitor, '竞品')),
               'timing', r.timing, 'channel', r.channel, 'trigger', r.trigger) ORDER BY r.priority, r.rule_id), '[]')
      INTO contents
      FROM (SELECT d.* FROM (SELECT DISTINCT ON (x.content_type) x.*
                               FROM commhub.marketing_rules x
                              WHERE x.tenant_id = commhub.current_tenant() AND x.enabled AND x.trigger = ANY (triggers)
                              ORDER BY x.content_type, x.priority, x.rule_id) d
             ORDER BY d.priority, d.rule_id LIMIT 5) r;
    IF jsonb_array_length(contents) = 0 THEN
        contents := jsonb_build_array(jsonb_build_object('type', '产品资料', 'topic', top_product || '产品介绍与应用案例',
                                                         'timing', '本周发送', 'channel', '企业微信+邮件'));
    END IF;

    -- timing from the customer's own inbound history (180 days)
    SELECT count(*)::int INTO inbound_n
      FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound';
    IF inbound_n >= 3 THEN
        SELECT jsonb_agg(commhub.weekday_label(d) ORDER BY d) INTO days_
          FROM (SELECT extract(isodow FROM c.communication_time AT TIME ZONE 'Asia/Shanghai')::int AS d
                  FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound'
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3) x;
        SELECT jsonb_agg(lpad(h::text, 2, '0') || ':00-' || lpad((h + 1)::text, 2, '0') || ':00' ORDER BY h) INTO hours_
          FROM (SELECT extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai')::int AS h
                  FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c WHERE c.direction = 'inbound'
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2) x;
        SELECT coalesce(array_agg(x.label ORDER BY x.ord), '{}') INTO avoid
          FROM (SELECT v.label, v.ord,
                       (SELECT count(*) FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c
                         WHERE c.direction = 'inbound'
                           AND extract(isodow FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') BETWEEN v.d0 AND v.d1
                           AND extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') >= v.h0
                           AND extract(hour FROM c.communication_time AT TIME ZONE 'Asia/Shanghai') < v.h1) AS n
                  FROM (VALUES ('周一上午', 1, 1, 1, 0, 12), ('周五下午', 2, 5, 5, 13, 24), ('周末', 3, 6, 7, 0, 24),
                               ('午休时间(12:00-13:00)', 4, 1, 7, 12, 13), ('晚上18:00以后', 5, 1, 7, 18, 24))
                       AS v(label, ord, d0, d1, h0, h1)) x
         WHERE x.n = 0;
        avoid := avoid[1:3];
    ELSE
        days_ := '["周二", "周三", "周四"]';
        hours_ := '["10:00-11:30", "14:00-16:00"]';
        avoid := ARRAY['周一上午', '周五下午'];
    END IF;

    -- channels: where the customer reaches us, then where we talk most
    SELECT array_agg(commhub.channel_label(x.t) ORDER BY x.score DESC, x.t) INTO chans
      FROM (SELECT c.communication_type AS t,
                   2 * count(*) FILTER (WHERE c.direction = 'inbound') + count(*) AS score
              FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3) x;
    SELECT array_agg(x ORDER BY o) INTO chans
      FROM (SELECT DISTINCT ON (x) x, o
              FROM unnest(coalesce(chans, '{}') || ARRAY['企业微信', '移动电话', 'Email']) WITH ORDINALITY AS u(x, o)
             ORDER BY x, o) d;
    SELECT round(100.0 * count(*) FILTER (WHERE commhub.channel_label(c.communication_type) = chans[1]) / nullif(count(*), 0))
           || '%的沟通通过' || chans[1]
      INTO ch_reason
      FROM commhub.agent_records(cid, t1 - interval '180 days', t1) c;
    ch_reason := coalesce('客户' || ch_reason || ',', '') || '按客户习惯优先使用' || chans[1]
                 || CASE WHEN ins -> 'communication_pattern' ->> 'response_speed' <> '暂无回复数据'
                         THEN ',当前' || (ins -> 'communication_pattern' ->> 'response_speed') ELSE '' END;

    -- campaigns
    IF top_opp IS NOT NULL AND top_opp ->> 'quantity' ~ '月' THEN
        campaigns := campaigns || jsonb_build_object(
            -- a demand stated without a product (未指明产品) has no product name
            'name', coalesce(top_opp ->> 'product', '') || CASE WHEN m BETWEEN 5 AND 8 THEN '夏季' ELSE '' END || '稳定供应保障计划',
            'target', '锁定长期需求,消除客户对供应的担忧',
            'offer', '提前锁定下季度产能,价格不变', 'expected_response', 0.7);
    END IF;
    IF 'competitor' = ANY (triggers) THEN
        campaigns := campaigns || jsonb_build_object('name', '价格竞争力专项方案', 'target', '应对竞品低价冲击',
                                                     'offer', '阶梯价格 + 年度返利', 'expected_response', 0.6);
    END IF;
    IF 'complaint' = ANY (triggers) THEN
        campaigns := campaigns || jsonb_build_object('name', '品质提升回访计划', 'target', '修复质量问题带来的信任损失',
                                                     'offer', '免费第三方检测 + 批次质量报告', 'expected_response', 0.5);
    END IF;
    IF jsonb_array_length(commhub.jarr(opp -> 'cross_sell_opportunities')) > 0 THEN
        campaigns := campaigns || jsonb_build_object(
            'name', (opp -> 'cross_sell_opportunities' -> 0 ->> 'product') || '新品试用',
            'target', '拓展新材料合作', 'offer', '免费样品 + 技术支持', 'expected_response', 0.5);
    END IF;
    campaigns := campaigns || jsonb_build_object(
        'name', CASE WHEN m <= 2 THEN '春节备货计划' WHEN m <= 5 THEN '旺季产能预订计划'
                     WHEN m <= 8 THEN '夏季稳定供应保障计划' WHEN m <= 11 THEN '年终备货优惠' ELSE '年度框架协议签约季' END,
        'target', '提前锁定需求', 'offer', '提前下单享优先排产', 'expected_response', 0.4);
    holiday := CASE WHEN m <= 2 THEN '春节送定制年礼' WHEN m <= 4 THEN '清明后安排客户答谢会'
                    WHEN m <= 6 THEN '端午节送样品礼盒' WHEN m <= 9 THEN '中秋节送月饼礼盒'
                    WHEN m = 10 THEN '国庆节问候' ELSE '元旦送年历与行业年报' END;

    -- retention plan from the risk signals
    SELECT coalesce(array_agg(a -> 'indicators' ->> 0 ORDER BY (a ->> 'risk_score')::int DESC), '{}') INTO signals
      FROM jsonb_array_elements(risk -> 'risk_alerts') a;
    SELECT coalesce(array_agg(x.act ORDER BY x.o), '{}') INTO retention
      FROM (SELECT DISTINCT ON (act) act, o
              FROM (SELECT e AS act, row_number() OVER () AS o
                      FROM jsonb_array_elements(risk -> 'risk_alerts') a,
                           jsonb_array_elements_text(a -> 'recommended_actions') e
                     WHERE a ->> 'risk_level' IN ('high', 'medium')) y
             ORDER BY act, o) x;
    retention := retention[1:5];
    IF cardinality(retention) = 0 THEN retention := ARRAY['保持定期回访', '季度业务回顾']; END IF;

    RETURN jsonb_build_object(
        'customer_segment', segment,
        'marketing_strategy', jsonb_build_object('approach', approach, 'key_messages', to_jsonb(messages),
                                                 'value_proposition', proposition),
        'content_suggestions', contents,
        'timing_recommendations', jsonb_build_object('best_contact_days', days_, 'best_contact_hours', hours_,
                                                     'avoid_times', to_jsonb(avoid)),
        'channel_strategy', jsonb_build_object('primary', chans[1], 'secondary', chans[2], 'tertiary', chans[3],
                                               'reason', ch_reason),
        'campaign_ideas', campaigns,
        'care_strategy', jsonb_build_object(
            'birthday_greeting', true, 'holiday_gifts', holiday,
            'quarterly_business_review', cust.priority IN ('vip', 'high') OR coalesce((top_opp ->> 'estimated_value')::numeric, 0) >= 1000000,
            'industry_insights_sharing', '每月分享行业报告'),
        'retention_plan', jsonb_build_object('risk_signals', to_jsonb(signals), 'retention_actions', to_jsonb(retention)),
        'customer_id', cust.customer_id, 'customer_name', cust.name);
END
$$;

GRANT SELECT ON commhub.marketing_rules TO commhub_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON commhub.marketing_rules TO commhub_admin;
GRANT EXECUTE ON FUNCTION
    commhub.jarr(jsonb), commhub.num_text(numeric, integer), commhub.money_text(numeric),
    commhub.weekday_label(integer), commhub.agent_time_slot(timestamptz),
    commhub.agent_topics(text, text, numeric), commhub.agent_mentions_lower_price(text),
    commhub.agent_price_gap(text), commhub.try_date(text), commhub.level_rank(text), commhub.level_label(text),
    commhub.risk_type_label(text), commhub.agent_customer(text),
    commhub.agent_check_range(timestamptz, timestamptz),
    commhub.agent_records(text, timestamptz, timestamptz),
    commhub.agent_response_hours(text, timestamptz, timestamptz), commhub.response_text(numeric),
    commhub.agent_key_contacts(text, timestamptz, timestamptz, integer),
    commhub.agent_volume(text, timestamptz),
    commhub.a11_customer_insight(text, timestamptz, timestamptz),
    commhub.a12_opportunities(text, timestamptz, timestamptz),
    commhub.a14_risk_alerts(text, timestamptz, timestamptz),
    commhub.a13_marketing_advice(text, timestamptz, timestamptz, jsonb, jsonb, jsonb)
  TO commhub_reader;
