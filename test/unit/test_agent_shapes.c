/*
 * test_agent_shapes.c -- the agents' answer shapes and the prompt builder,
 * as documented in src/core/agent_shapes.h: the seed's own example answers
 * (A10-A14, cleaned of Python comments/True) are valid; each kind of
 * mistake a model makes (wrong enum, out of range, wrong type, missing
 * field, too long) is refused with a message naming the exact path; extra
 * fields pass.  The prompt builder replaces {name}s, leaves JSON examples
 * alone, and fits max_bytes by dropping whole records from long lists.
 * TAP output; exit status 1 on any failure.
 */
#include "agent_shapes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int	n_tests = 0;
static int	n_fail = 0;

static void
check(int ok, const char *desc)
{
	n_tests++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_tests, desc);
}

static void
check_str(const char *got, const char *want, const char *desc)
{
	int			ok = got && strcmp(got, want) == 0;

	if (!ok)
		printf("# got  [%s]\n# want [%s]\n", got ? got : "(null)", want);
	check(ok, desc);
}

/* The seed's example answers (A10-A14 of the seed prompt), as JSON. */
static const char *const SEED_A10 =
	"{\"intent\":{\"category\":\"inquiry\",\"detail\":\"询价PCR-ABS 1000系列\",\""
	"confidence\":0.95},"
	"\"key_info\":{\"products\":[\"PCR-ABS-1000\"],\"price\":null,\"quanti"
	"ty\":\"50吨/月\",\"timeline\":\"希望7月试样\",\"competitors\":[\" competitor_"
	"A\"]},"
	"\"sentiment\":{\"overall\":\"positive\",\"score\":0.75,\"mood\":\"客户态度积"
	"极,有明确采购意向\"},"
	"\"urgency\":{\"level\":\"high\",\"reason\":\"客户明确提到7月试样,时间紧迫\"},"
	"\"follow_up\":[\"准备PCR-ABS-1000样品\",\"提供技术参数表\",\"安排7月试样时间\"],"
	"\"quality_score\":8,"
	"\"suggestions\":[\"建议24小时内回复样品安排\",\"邀请客户参观工厂增强信任\"]}"
;

static const char *const SEED_A11 =
	"{\"relationship_health\":{\"score\":85,\"trend\":\"upward\",\"assessme"
	"nt\":\"关系良好,合作深度持续增加\"},"
	"\"communication_pattern\":{\"preferred_channel\":\"企业微信\",\"preferr"
	"ed_time\":\"工作日下午\",\"frequency\":\"每周2-3次\",\"response_speed\":\"平均2小"
	"时回复\"},"
	"\"decision_making\":{\"style\":\"理性决策\",\"key_factors\":[\"价格\",\"质量\",\""
	"交期\"],\"decision_maker\":\"采购部张经理(技术部李工有影响力)\",\"decision_cycle\":\""
	"2-3周\"},"
	"\"satisfaction\":{\"current\":4.2,\"trend\":\"stable\",\"strengths\":["
	"\"产品质量\",\"响应速度\"],\"pain_points\":[\"价格波动\",\"付款账期\"]},"
	"\"loyalty\":{\"score\":78,\"risk_level\":\"low\",\"retention_probabil"
	"ity\":0.92},"
	"\"lifecycle_stage\":\"成长客户\","
	"\"key_contacts\":[{\"name\":\"张经理\",\"role\":\"采购决策\",\"influence\":0.9,"
	"\"relationship\":\"良好\"},{\"name\":\"李工\",\"role\":\"技术评估\",\"influence\":"
	"0.7,\"relationship\":\"一般\"}],"
	"\"needs_map\":{\"current\":[\"PCR-ABS稳定供应\",\"价格优化\"],\"future\":[\"PCR"
	"-PC新材料\",\"技术支持\"],\"latent\":[\"库存管理\",\"供应链金融\"]},"
	"\"risks\":[{\"type\":\"价格敏感\",\"level\":\"medium\",\"mitigation\":\"提供长期价"
	"格锁定方案\"}],"
	"\"opportunities\":[{\"type\":\"新品推广\",\"potential\":\"high\",\"action\":"
	"\"推荐PCR-PC系列\"}]}"
;

static const char *const SEED_A12 =
	"{\"opportunities\":[{\"id\":\"OPP-202406-001\",\"type\":\"explicit\",\"d"
	"escription\":\"PCR-ABS月需求50吨,寻求替代供应商\",\"product\":\"PCR-ABS-1000\""
	",\"quantity\":\"50吨/月\",\"estimated_value\":750000,\"probability\":0"
	".65,\"expected_close_date\":\"2024-08-15\",\"stage\":\"需求确认\",\"compe"
	"titors\":[\"现有供应商A\",\"竞争对手B\"],\"winning_factors\":[\"价格优势15%\",\"质量认"
	"证齐全\"],\"risk_factors\":[\"客户对切换有顾虑\",\"账期要求60天\"],\"recommended_act"
	"ions\":[\"提供3个月试样合作\",\"邀请参观工厂\",\"提供客户案例\"],\"urgency\":\"high\"}],"
	"\"cross_sell_opportunities\":[{\"product\":\"PCR-PC-3000\",\"reason"
	"\":\"客户在沟通中提到新产品开发需要工程塑料\",\"potential_value\":500000,\"approach\":"
	"\"技术推荐\"}],"
	"\"up_sell_opportunities\":[{\"current\":\"PCR-ABS-1000\",\"upgrade\""
	":\"PCR-ABS-2000(高性能)\",\"reason\":\"客户提到产品性能要求提升\",\"potential_valu"
	"e\":200000}]}"
;

static const char *const SEED_A13 =
	"{\"customer_segment\":\"VIP成长型客户\","
	"\"marketing_strategy\":{\"approach\":\"价值深化\",\"key_messages\":[\"稳定供"
	"应保障\",\"技术创新支持\",\"成本优化方案\"],\"value_proposition\":\"不仅是供应商,更是您的材料技术"
	"合作伙伴\"},"
	"\"content_suggestions\":[{\"type\":\"技术白皮书\",\"topic\":\"PCR-ABS在汽车部件"
	"中的应用案例\",\"timing\":\"立即发送\",\"channel\":\"企业微信+邮件\"},{\"type\":\"工厂参观邀请"
	"\",\"topic\":\"邀请参观新投产的PCR生产线\",\"timing\":\"下周安排\",\"channel\":\"电话+企业微"
	"信\"}],"
	"\"timing_recommendations\":{\"best_contact_days\":[\"周二\",\"周三\",\"周四"
	"\"],\"best_contact_hours\":[\"10:00-11:30\",\"14:00-16:00\"],\"avoid"
	"_times\":[\"周一上午\",\"周五下午\"]},"
	"\"channel_strategy\":{\"primary\":\"企业微信\",\"secondary\":\"电话\",\"terti"
	"ary\":\"邮件\",\"reason\":\"客户偏好即时沟通,企业微信响应最快\"},"
	"\"campaign_ideas\":[{\"name\":\"夏季稳定供应保障计划\",\"target\":\"消除客户对旺季供应担忧"
	"\",\"offer\":\"提前锁定Q3产能,价格不变\",\"expected_response\":0.8}],"
	"\"care_strategy\":{\"birthday_greeting\":true,\"holiday_gifts\":\"端"
	"午节送样品礼盒\",\"quarterly_business_review\":true,\"industry_insights"
	"_sharing\":\"每月分享行业报告\"},"
	"\"retention_plan\":{\"risk_signals\":[\"价格抱怨增加\",\"询价频率下降\"],\"retent"
	"ion_actions\":[\"高管拜访\",\"定制化价格方案\",\"联合技术开发\"]}}"
;

static const char *const SEED_A14 =
	"{\"risk_alerts\":[{\"alert_id\":\"RISK-202406-001\",\"customer_id\":\""
	"C001\",\"customer_name\":\"宁波奥克斯\",\"risk_type\":\"churn_risk\",\"risk"
	"_level\":\"high\",\"risk_score\":75,\"indicators\":[\"近30天沟通频率下降50%\""
	",\"询价次数减少\",\"提到竞争对手价格更低\",\"付款延迟5天\"],\"triggered_at\":\"2024-06-15\""
	",\"expected_impact\":\"月订单损失50吨,约75万元\",\"recommended_actions\":[\""
	"销售总监立即拜访\",\"提供专项价格优惠\",\"安排技术交流\"],\"escalation_required\":true,\"e"
	"scalation_to\":\"sales_director\"}],"
	"\"early_warning_signals\":{\"communication_decline\":{\"detected\""
	":true,\"metric\":\"30天沟通次数\",\"current\":2,\"baseline\":8,\"trend\":\"d"
	"eclining\"},\"price_sensitivity\":{\"detected\":true,\"evidence\":\""
	"最近3次沟通均提到价格问题\",\"severity\":\"medium\"}}}"
;

static const char *const SEED_A16_HEAD =
	"{\"analysis_summary\":{\"total_records\":150,\"channels\":{\"wechat\":80,"
	"\"phone\":40,\"email\":20,\"visit\":10},\"analysis_date\":\"2024-06-15\"},"
	"\"reports\":{\"customer\":\"# 报告\\n\"},"
	"\"action_plan\":{\"immediate\":[\"回复样品安排\"],\"short_term\":[{\"action\":"
	"\"工厂参观\",\"owner\":\"张三\"}],\"long_term\":[]}}";

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t	   *j = json_loads(text, 0, &e);

	if (!j)
	{
		printf("# bad test JSON: %s (line %d col %d)\n", e.text, e.line, e.column);
		exit(2);
	}
	return j;
}

/*
 * Set (v != NULL, reference stolen) or delete (v == NULL) the member at a
 * path like "opportunities[0].probability" or "follow_up[1]".
 */
static void
set_path(json_t *root, const char *path, json_t *v)
{
	char		buf[256];
	char	   *p = buf;
	json_t	   *cur = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;)
	{
		size_t		n = strcspn(p, ".[");
		char		sep = p[n];
		char		key[128];

		memcpy(key, p, n);
		key[n] = '\0';
		if (sep == '\0')
		{
			if (v)
				json_object_set_new(cur, key, v);
			else
				json_object_del(cur, key);
			return;
		}
		if (n > 0)
			cur = json_object_get(cur, key);
		p += n + 1;
		if (sep == '[')
		{
			size_t		idx = strtoul(p, &p, 10);

			p++;				/* ']' */
			if (*p == '\0')
			{
				if (v)
					json_array_set_new(cur, idx, v);
				else
					json_array_remove(cur, idx);
				return;
			}
			cur = json_array_get(cur, idx);
			if (*p == '.')
				p++;
		}
	}
}

typedef bool (*validator) (const json_t *, char *, size_t);

/* Validate a copy of seed with path set to v; expect want (NULL = valid). */
static void
mutate(validator fn, const char *seed, const char *path, json_t *v,
	   const char *want, const char *desc)
{
	json_t	   *j = J(seed);
	char		err[300];
	bool		ok;

	if (path)
		set_path(j, path, v);
	memset(err, 'X', sizeof(err));
	ok = fn(j, err, sizeof(err));
	if (want == NULL)
	{
		if (!ok)
			printf("# unexpected error: %s\n", err);
		check(ok && err[0] == '\0', desc);
	}
	else
	{
		if (ok)
			printf("# accepted, wanted: %s\n", want);
		check_str(ok ? "(accepted)" : err, want, desc);
	}
	json_decref(j);
}

static void
test_a10(void)
{
	json_t	   *j;
	json_t	   *arr;
	char		err[300];
	char	   *big;

	mutate(agent_validate_a10, SEED_A10, NULL, NULL, NULL, "A10: the seed's example answer is valid");
	mutate(agent_validate_a10, SEED_A10, "intent.category", json_string("buy"),
		   "intent.category: \"buy\" is not one of inquiry, complaint, technical, "
		   "cooperation, order, payment, delivery, after_sales, other",
		   "A10: unknown intent category names the allowed values");
	mutate(agent_validate_a10, SEED_A10, "sentiment.score", json_real(1.7),
		   "sentiment.score: 1.7 is outside 0..1", "A10: sentiment score above 1");
	mutate(agent_validate_a10, SEED_A10, "sentiment.score", json_integer(7),
		   "sentiment.score: 7 is outside 0..1", "A10: sentiment score 7 (fake_llm wrongshape)");
	mutate(agent_validate_a10, SEED_A10, "sentiment.score", json_integer(1),
		   NULL, "A10: sentiment score 1 as an integer is fine");
	mutate(agent_validate_a10, SEED_A10, "quality_score", NULL,
		   "quality_score: missing", "A10: missing quality_score");
	mutate(agent_validate_a10, SEED_A10, "quality_score", json_real(7.5),
		   "quality_score: 7.5 is not an integer", "A10: fractional quality_score");
	mutate(agent_validate_a10, SEED_A10, "quality_score", json_real(8.0),
		   NULL, "A10: quality_score 8.0 counts as an integer");
	mutate(agent_validate_a10, SEED_A10, "quality_score", json_integer(11),
		   "quality_score: 11 is outside 1..10", "A10: quality_score 11");
	mutate(agent_validate_a10, SEED_A10, "quality_score", json_integer(0),
		   "quality_score: 0 is outside 1..10", "A10: quality_score 0");
	mutate(agent_validate_a10, SEED_A10, "quality_score", json_string("8"),
		   "quality_score: expected number, got string", "A10: quality_score as a string");
	mutate(agent_validate_a10, SEED_A10, "follow_up[1]", json_integer(3),
		   "follow_up[1]: expected string, got number", "A10: non-string follow-up item names its index");
	mutate(agent_validate_a10, SEED_A10, "urgency.level", json_string("High"),
		   "urgency.level: \"High\" is not one of high, medium, low", "A10: enums are case-sensitive");
	mutate(agent_validate_a10, SEED_A10, "urgency.reason", NULL,
		   "urgency.reason: missing", "A10: urgency reason required");
	mutate(agent_validate_a10, SEED_A10, "intent.confidence", json_real(-0.1),
		   "intent.confidence: -0.1 is outside 0..1", "A10: negative confidence");
	mutate(agent_validate_a10, SEED_A10, "key_info.products", json_string("PCR-ABS-1000"),
		   "key_info.products: expected array, got string", "A10: products must be an array");
	mutate(agent_validate_a10, SEED_A10, "key_info.competitors", NULL,
		   "key_info.competitors: missing", "A10: competitors required (may be empty)");
	mutate(agent_validate_a10, SEED_A10, "key_info.price", NULL, NULL,
		   "A10: absent price is fine (same as null)");
	mutate(agent_validate_a10, SEED_A10, "key_info.price", json_integer(15800), NULL,
		   "A10: numeric price is fine");
	mutate(agent_validate_a10, SEED_A10, "key_info.price", json_true(),
		   "key_info.price: expected string or number, got boolean", "A10: boolean price refused");
	mutate(agent_validate_a10, SEED_A10, "key_info.timeline", json_integer(7),
		   "key_info.timeline: expected string, got number", "A10: numeric timeline refused");
	mutate(agent_validate_a10, SEED_A10, "sentiment", json_string("positive"),
		   "sentiment: expected object, got string", "A10: sentiment must be an object");
	mutate(agent_validate_a10, SEED_A10, "summary", json_string("询价PCR-ABS-1000"), NULL,
		   "A10: analyzer extras (summary) pass");
	mutate(agent_validate_a10, SEED_A10, "key_info.price_value", json_real(15800.0), NULL,
		   "A10: analyzer extras (key_info.price_value) pass");

	/* bounds */
	j = J(SEED_A10);
	arr = json_array();
	for (int i = 0; i < 101; i++)
		json_array_append_new(arr, json_string("x"));
	json_object_set_new(j, "follow_up", arr);
	check(!agent_validate_a10(j, err, sizeof(err)) &&
		  strcmp(err, "follow_up: more than 100 items") == 0, "A10: 101 follow-up items refused");
	json_decref(j);

	big = malloc(5001);
	memset(big, 'a', 5000);
	big[5000] = '\0';
	mutate(agent_validate_a10, SEED_A10, "intent.detail", json_string(big),
		   "intent.detail: longer than 4000 bytes", "A10: 5000-byte detail refused");
	free(big);

	j = J("[1,2]");
	check(!agent_validate_a10(j, err, sizeof(err)) &&
		  strcmp(err, "answer: expected object, got array") == 0, "A10: a top-level array is refused");
	json_decref(j);
	check(!agent_validate_a10(NULL, NULL, 0), "A10: NULL answer and NULL err are safe");

	/* the error buffer is bounded and stays a C string */
	j = J(SEED_A10);
	set_path(j, "intent.category", json_string("buy"));
	memset(err, 'X', sizeof(err));
	check(!agent_validate_a10(j, err, 20) && strlen(err) == 19 &&
		  strncmp(err, "intent.category: \"b", 19) == 0, "A10: message cut to errlen");
	json_decref(j);

	/* a long multibyte enum value is quoted briefly and cut on a UTF-8 boundary */
	mutate(agent_validate_a10, SEED_A10, "sentiment.overall",
		   json_string("非常非常非常非常非常非常非常非常正面"),
		   "sentiment.overall: \"非常非常非常非常非常非常非...\" is not one of positive, neutral, negative",
		   "A10: quoted value truncated at 40 bytes on a character boundary");
}

static void
test_a11_to_a14(void)
{
	mutate(agent_validate_a11, SEED_A11, NULL, NULL, NULL, "A11: the seed's example answer is valid");
	mutate(agent_validate_a11, SEED_A11, "relationship_health.score", json_integer(120),
		   "relationship_health.score: 120 is outside 0..100", "A11: health score above 100");
	mutate(agent_validate_a11, SEED_A11, "relationship_health.trend", json_string("up"),
		   "relationship_health.trend: \"up\" is not one of upward, stable, downward", "A11: trend enum");
	mutate(agent_validate_a11, SEED_A11, "lifecycle_stage", json_string("VIP"),
		   "lifecycle_stage: \"VIP\" is not one of 潜在客户, 新客户, 成长客户, 成熟客户, 流失风险, "
		   "prospect, new, growing, mature, at_risk", "A11: lifecycle stage enum (Chinese or English)");
	mutate(agent_validate_a11, SEED_A11, "lifecycle_stage", json_string("mature"), NULL,
		   "A11: English lifecycle stage accepted");
	mutate(agent_validate_a11, SEED_A11, "key_contacts[1].influence", json_real(1.5),
		   "key_contacts[1].influence: 1.5 is outside 0..1", "A11: contact influence range, path with index");
	mutate(agent_validate_a11, SEED_A11, "loyalty.retention_probability", json_integer(92),
		   "loyalty.retention_probability: 92 is outside 0..1", "A11: retention probability range");
	mutate(agent_validate_a11, SEED_A11, "satisfaction", NULL, NULL, "A11: optional block may be absent");
	mutate(agent_validate_a11, SEED_A11, "relationship_health", NULL,
		   "relationship_health: missing", "A11: relationship_health required");

	mutate(agent_validate_a12, SEED_A12, NULL, NULL, NULL, "A12: the seed's example answer is valid");
	mutate(agent_validate_a12, SEED_A12, "opportunities[0].probability", json_string("0.65"),
		   "opportunities[0].probability: expected number, got string", "A12: probability as a string");
	mutate(agent_validate_a12, SEED_A12, "opportunities[0].estimated_value", json_integer(-5),
		   "opportunities[0].estimated_value: -5 is below 0", "A12: negative estimated value");
	mutate(agent_validate_a12, SEED_A12, "opportunities[0].type", json_string("hidden"),
		   "opportunities[0].type: \"hidden\" is not one of explicit, implicit", "A12: type enum");
	mutate(agent_validate_a12, SEED_A12, "opportunities", json_array(), NULL,
		   "A12: no opportunities is a valid answer");
	mutate(agent_validate_a12, SEED_A12, "cross_sell_opportunities[0].potential_value", json_real(-1.5),
		   "cross_sell_opportunities[0].potential_value: -1.5 is below 0", "A12: cross-sell value");

	mutate(agent_validate_a13, SEED_A13, NULL, NULL, NULL, "A13: the seed's example answer is valid");
	mutate(agent_validate_a13, SEED_A13, "channel_strategy", NULL,
		   "channel_strategy: missing", "A13: channel strategy required");
	mutate(agent_validate_a13, SEED_A13, "customer_segment", json_string("  "),
		   "customer_segment: empty string", "A13: blank segment refused");
	mutate(agent_validate_a13, SEED_A13, "campaign_ideas[0].expected_response", json_integer(80),
		   "campaign_ideas[0].expected_response: 80 is outside 0..1", "A13: expected response range");

	mutate(agent_validate_a14, SEED_A14, NULL, NULL, NULL, "A14: the seed's example answer is valid");
	mutate(agent_validate_a14, SEED_A14, "risk_alerts[0].risk_level", json_string("critical"),
		   "risk_alerts[0].risk_level: \"critical\" is not one of high, medium, low", "A14: risk level enum");
	mutate(agent_validate_a14, SEED_A14, "risk_alerts[0].risk_score", json_integer(101),
		   "risk_alerts[0].risk_score: 101 is outside 0..100", "A14: risk score range");
	mutate(agent_validate_a14, SEED_A14, "risk_alerts[0].indicators", NULL,
		   "risk_alerts[0].indicators: missing", "A14: indicators required");
	mutate(agent_validate_a14, SEED_A14, "early_warning_signals.price_sensitivity.detected",
		   json_string("yes"),
		   "early_warning_signals.price_sensitivity.detected: expected boolean, got string",
		   "A14: warning signal 'detected' must be boolean");
}

static void
test_a15_a16(void)
{
	char		err[300];
	json_t	   *j,
			   *s;
	const char *md = "# 宁波奥克斯 客户分析报告\n\n## 商机\n- PCR-ABS-1000\n";

	check(agent_validate_a15_markdown(md, strlen(md), err, sizeof(err)), "A15: Markdown report with a heading is valid");
	check(!agent_validate_a15_markdown("just text", 9, err, sizeof(err)) &&
		  strcmp(err, "report: no Markdown heading (\"# ...\")") == 0, "A15: no heading refused");
	check(!agent_validate_a15_markdown("#no space", 9, err, sizeof(err)), "A15: '#word' is not a heading");
	check(!agent_validate_a15_markdown("# a\xff\n", 5, err, sizeof(err)) &&
		  strcmp(err, "report: not valid UTF-8 (or contains NUL)") == 0, "A15: invalid UTF-8 refused");
	check(!agent_validate_a15_markdown(" \n\t", 3, err, sizeof(err)) &&
		  strcmp(err, "report: empty") == 0, "A15: blank report refused");
	s = json_string(md);
	check(agent_validate("A15", s, err, sizeof(err)), "A15 via agent_validate takes a JSON string");
	json_decref(s);

	mutate(agent_validate_a16, SEED_A16_HEAD, NULL, NULL, NULL, "A16: summary + action plan (strings or objects) valid");
	j = J(SEED_A16_HEAD);
	json_object_set_new(j, "customer_insights", J(SEED_A11));
	json_object_set_new(j, "opportunities", J(SEED_A12));
	json_object_set_new(j, "marketing_suggestions", J(SEED_A13));
	json_object_set_new(j, "risk_alerts", J(SEED_A14));
	check(agent_validate_a16(j, err, sizeof(err)), "A16: with the seed's A11-A14 answers embedded, valid");
	set_path(j, "customer_insights.relationship_health.score", json_integer(-3));
	check(!agent_validate_a16(j, err, sizeof(err)) &&
		  strcmp(err, "customer_insights.relationship_health.score: -3 is outside 0..100") == 0,
		  "A16: embedded A11 answer validated with its full path");
	set_path(j, "customer_insights", json_null());
	set_path(j, "risk_alerts.risk_alerts[0].risk_score", json_string("high"));
	check(!agent_validate_a16(j, err, sizeof(err)) &&
		  strcmp(err, "risk_alerts.risk_alerts[0].risk_score: expected number, got string") == 0,
		  "A16: null sub-answer skipped, embedded A14 checked");
	json_decref(j);
	mutate(agent_validate_a16, SEED_A16_HEAD, "action_plan.short_term", NULL,
		   "action_plan.short_term: missing", "A16: action plan needs short_term");
	mutate(agent_validate_a16, SEED_A16_HEAD, "action_plan.immediate[0]", json_integer(1),
		   "action_plan.immediate[0]: expected string or object, got number", "A16: action items");
	mutate(agent_validate_a16, SEED_A16_HEAD, "analysis_summary.channels.wechat", json_integer(-1),
		   "analysis_summary.channels.wechat: -1 is below 0", "A16: channel counts non-negative");
	mutate(agent_validate_a16, SEED_A16_HEAD, "analysis_summary.total_records", json_real(1.5),
		   "analysis_summary.total_records: 1.5 is not an integer", "A16: total_records integer");

	j = J(SEED_A10);
	check(agent_validate("A10", j, err, sizeof(err)), "agent_validate dispatches A10");
	check(!agent_validate("A12", j, err, sizeof(err)) &&
		  strcmp(err, "opportunities: missing") == 0, "agent_validate: an A10 answer is not an A12 answer");
	check(!agent_validate("A99", j, err, sizeof(err)) &&
		  strcmp(err, "agent: \"A99\" is not one of A10, A11, A12, A13, A14, A15, A16") == 0,
		  "agent_validate: unknown agent");
	json_decref(j);
}

static void
check_prompt(const char *tmpl, const char *vars_json, size_t max, const char *want,
			 const char *desc)
{
	json_t	   *vars = vars_json ? J(vars_json) : NULL;
	char	   *got = agent_build_prompt(tmpl, vars, max, NULL);

	check_str(got, want, desc);
	free(got);
	json_decref(vars);
}

static void
test_prompt(void)
{
	agent_prompt_info info;
	json_t	   *vars,
			   *arr;
	char	   *got;
	char		want[512];
	bool		ok;

	check_prompt("客户: {customer_name}, 数量: {count}, 分数: {score}, 数据: {obj}, 空: {nothing}",
				 "{\"customer_name\":\"宁波奥克斯\",\"count\":3,\"score\":0.75,"
				 "\"obj\":{\"a\":[1,\"二\"]},\"nothing\":null}", 0,
				 "客户: 宁波奥克斯, 数量: 3, 分数: 0.75, 数据: {\"a\":[1,\"二\"]}, 空: null",
				 "prompt: strings as is, other values as compact JSON (UTF-8 kept)");
	check_prompt("{a}{a}-{a}", "{\"a\":\"x\"}", 0, "xx-x", "prompt: repeated placeholders");

	vars = J("{\"content\":\"你好\"}");
	got = agent_build_prompt("内容: {content}\n{\n\"intent\": {\"category\": \"inquiry\"},\n"
							 "\"x\": {missing}, {1abc}, { content }, {}\n}", vars, 0, &info);
	check_str(got, "内容: 你好\n{\n\"intent\": {\"category\": \"inquiry\"},\n"
			  "\"x\": {missing}, {1abc}, { content }, {}\n}",
			  "prompt: JSON examples and unknown {names} stay as written");
	check(info.replaced == 1 && info.missing == 1 && info.truncated == 0,
		  "prompt: info counts 1 replaced, 1 missing");
	free(got);
	json_decref(vars);

	check_prompt("a {x} b", NULL, 0, "a {x} b", "prompt: NULL vars leaves the template");
	vars = json_array();
	check(agent_build_prompt("x", vars, 0, NULL) == NULL, "prompt: vars must be an object");
	json_decref(vars);
	check(agent_build_prompt(NULL, NULL, 0, NULL) == NULL, "prompt: NULL template gives NULL");

	/*
	 * A list that does not fit: budget 100 bytes for r; elements are 10
	 * bytes ("item0000" quoted); 6 fit with the omission note.
	 */
	vars = json_object();
	arr = json_array();
	for (int i = 0; i < 20; i++)
	{
		char		e[16];

		snprintf(e, sizeof(e), "item%04d", i);
		json_array_append_new(arr, json_string(e));
	}
	json_object_set_new(vars, "r", arr);
	got = agent_build_prompt("L={r}", vars, 102, &info);
	check_str(got, "L=[\"item0000\",\"item0001\",\"item0002\",\"item0003\",\"item0004\","
			  "\"item0005\",\"…(14 more omitted)\"]",
			  "prompt: long list keeps whole leading records and notes how many were left out");
	check(info.truncated == 1 && info.omitted_items == 14, "prompt: info reports 14 omitted items");
	if (got)
	{
		json_t	   *back = json_loads(got + 2, 0, NULL);

		check(json_is_array(back) && json_array_size(back) == 7, "prompt: the shortened list is still a JSON array");
		json_decref(back);
	}
	free(got);
	got = agent_build_prompt("L={r}", vars, 1000, &info);
	check(got && strlen(got) == 2 + 2 + 20 * 10 + 19 && info.truncated == 0,
		  "prompt: the whole list when it fits");
	free(got);
	got = agent_build_prompt("L={r}", vars, 5, &info);
	check_str(got, "L=[]", "prompt: not even the note fits: empty list");
	free(got);
	json_decref(vars);

	check_prompt("T:{s}", "{\"s\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", 20, "T:xxxx…(truncated)",
				 "prompt: long string cut with a note, total exactly max_bytes");
	check_prompt("{s}", "{\"s\":\"宁波奥克斯空调有限公司\"}", 21, "宁波…(truncated)",
				 "prompt: cut on a UTF-8 character boundary");

	/* max-min fair shares: the short value whole, the two long ones 49 each */
	{
		char		a[1001],
					b[1001];
		char		vj[2100];

		memset(a, 'x', 1000);
		a[1000] = '\0';
		memset(b, 'y', 1000);
		b[1000] = '\0';
		snprintf(vj, sizeof(vj), "{\"a\":\"AA\",\"b\":\"%s\",\"c\":\"%s\"}", a, b);
		snprintf(want, sizeof(want), "AA|%.35s…(truncated)|%.35s…(truncated)", a, b);
		check_prompt("{a}|{b}|{c}", vj, 102, want, "prompt: budget shared max-min fairly");
	}

	check_prompt("模板很长很长", "{}", 10, "模板很", "prompt: template longer than max is cut on a character boundary");

	/* a huge list costs at most the cap, and the result always fits */
	vars = json_object();
	arr = json_array();
	for (int i = 0; i < 100000; i++)
		json_array_append_new(arr, json_pack("{s:i,s:s}", "id", i, "text", "客户询价PCR-ABS-1000，50吨/月"));
	json_object_set_new(vars, "communication_summaries", arr);
	json_object_set_new(vars, "customer_name", json_string("宁波奥克斯空调有限公司"));
	{
		clock_t		t0 = clock();

		got = agent_build_prompt("客户名称: {customer_name}\n沟通记录摘要:\n{communication_summaries}\n请输出JSON",
								 vars, 4096, &info);
		check(got && strlen(got) <= 4096 && strstr(got, "客户名称: 宁波奥克斯空调有限公司\n") &&
			  strstr(got, "more omitted)\"]\n请输出JSON") != NULL && info.omitted_items > 99000,
			  "prompt: 100000 records into 4096 bytes: name whole, list cut, tail kept");
		printf("# 100000-record prompt built in %.1f ms, %ld records omitted\n",
			   (double) (clock() - t0) * 1000.0 / CLOCKS_PER_SEC, info.omitted_items);
		free(got);
	}
	ok = true;
	for (size_t max = 1; max < 600; max += 7)
	{
		got = agent_build_prompt("{customer_name}: {communication_summaries} 结束", vars, max, NULL);
		if (!got || strlen(got) > max)
			ok = false;
		free(got);
	}
	check(ok, "prompt: never longer than max_bytes (1..600)");
	json_decref(vars);
}

int
main(void)
{
	test_a10();
	test_a11_to_a14();
	test_a15_a16();
	test_prompt();
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
