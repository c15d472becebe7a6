/*
 * agent_shapes.c -- table-driven validators for the agents' answers and the
 * {placeholder} prompt builder (contract and shapes in agent_shapes.h).
 *
 * Each shape is a static table of field specs {key, type, flags, range,
 * enum values, sub-table}; one walker (check_object) applies a table to a
 * JSON object, recursing into sub-objects and arrays of objects, and stops
 * at the first error, writing "path: problem".  Paths are built on the
 * stack (bounded); arrays are capped at AGENT_MAX_ITEMS, strings at
 * AGENT_MAX_TEXT, so a hostile answer costs O(size of the answer).  The
 * nesting depth is fixed by the tables (A16 embeds A11..A14 once).
 *
 * The prompt builder renders each placeholder's value, then, if the whole
 * does not fit max_bytes, shares the space left after the template text
 * max-min fairly and shortens the big values: arrays element by element
 * (each element stays whole JSON, an omission note ends the array), other
 * values at a UTF-8 boundary.  Array elements past AGENT_PROMPT_HARD_MAX
 * bytes are never rendered, so a huge record list costs at most that much.
 */
#include "agent_shapes.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_BYTES 200

/* ---------------------------------------------------------------- */
/* validation machinery                                             */

typedef struct vctx
{
	char	   *err;
	size_t		errlen;
	bool		failed;
} vctx;

typedef bool (*vfn) (vctx *c, const char *path, const json_t *v);

enum ftype
{
	F_STR,						/* string */
	F_STR_NUM,					/* string or number */
	F_NUM,						/* number in lo..hi */
	F_INT,						/* integral number in lo..hi */
	F_ENUM,						/* string, one of vals */
	F_STRS,						/* array of strings */
	F_BOOL,
	F_OBJ,						/* object (sub-table, or anything) */
	F_OBJS,						/* array of objects (sub-table each) */
	F_FN						/* custom check */
};

#define REQ			1			/* must be present */
#define NUL			2			/* null allowed */
#define NONEMPTY	4			/* string must not be blank */

typedef struct fspec
{
	const char *key;
	enum ftype	type;
	int			flags;
	double		lo,
				hi;
	const char *const *vals;	/* F_ENUM: NULL-terminated */
	const struct fspec *sub;	/* F_OBJ, F_OBJS: NULL-key-terminated */
	vfn			fn;				/* F_FN */
} fspec;

static bool vfail(vctx *c, const char *path, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static bool
vfail(vctx *c, const char *path, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (c->failed || !c->err || c->errlen == 0)
	{
		c->failed = true;
		return false;
	}
	c->failed = true;
	n = snprintf(c->err, c->errlen, "%s: ", *path ? path : "answer");
	if (n >= 0 && (size_t) n < c->errlen)
	{
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t) n, fmt, ap);
		va_end(ap);
	}
	/* never leave half a UTF-8 sequence at the end */
	{
		size_t		len = strlen(c->err);
		size_t		k = len;

		while (k > 0 && ((unsigned char) c->err[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char) c->err[k - 1] & 0xC0) == 0xC0)
		{
			unsigned char lead = (unsigned char) c->err[k - 1];
			size_t		need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;

			if (len - (k - 1) < need)
				c->err[k - 1] = '\0';
		}
	}
	return false;
}

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v))
	{
		case JSON_OBJECT:
			return "object";
		case JSON_ARRAY:
			return "array";
		case JSON_STRING:
			return "string";
		case JSON_INTEGER:
		case JSON_REAL:
			return "number";
		case JSON_TRUE:
		case JSON_FALSE:
			return "boolean";
		case JSON_NULL:
			return "null";
	}
	return "unknown";
}

static void
path_key(char *out, const char *parent, const char *key)
{
	/* a path longer than PATH_MAX_BYTES is cut; it is only for the message */
	if (snprintf(out, PATH_MAX_BYTES, "%s%s%s", parent, *parent ? "." : "", key) < 0)
		out[0] = '\0';
}

static void
path_idx(char *out, const char *parent, size_t i)
{
	if (snprintf(out, PATH_MAX_BYTES, "%s[%zu]", parent, i) < 0)
		out[0] = '\0';
}

/* A value quoted for an error: at most 40 bytes, cut on a UTF-8 boundary. */
static void
quote_value(char *out, size_t outlen, const char *s)
{
	size_t		n = strlen(s),
				max = 40,
				i,
				o = 0;

	if (n > max)
	{
		while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
			max--;
	}
	else
		max = n;
	for (i = 0; i < max && o + 2 < outlen; i++)
	{
		unsigned char ch = (unsigned char) s[i];

		out[o++] = (ch < 0x20 || ch == 0x7F) ? '?' : (char) ch;
	}
	out[o] = '\0';
	if (n > max && o + 4 < outlen)
		strcat(out, "...");
}

static void
fmt_num(char *out, size_t outlen, const json_t *v)
{
	if (json_is_integer(v))
		snprintf(out, outlen, "%lld", (long long) json_integer_value(v));
	else
		snprintf(out, outlen, "%g", json_number_value(v));
}

static bool
check_string(vctx *c, const char *path, const json_t *v, int flags)
{
	const char *s;
	size_t		n;

	if (!json_is_string(v))
		return vfail(c, path, "expected string, got %s", jtype(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > AGENT_MAX_TEXT)
		return vfail(c, path, "longer than %d bytes", AGENT_MAX_TEXT);
	if (flags & NONEMPTY)
	{
		size_t		i;

		for (i = 0; i < n && isspace((unsigned char) s[i]); i++)
			;
		if (i == n)
			return vfail(c, path, "empty string");
	}
	return true;
}

/* integral without libm: |d| < 2^53 and no fraction */
static bool
is_integral(double d)
{
	return isfinite(d) && d > -9007199254740992.0 && d < 9007199254740992.0 &&
		(double) (long long) d == d;
}

static bool
check_number(vctx *c, const char *path, const json_t *v, double lo, double hi,
			 bool integer)
{
	double		d;
	char		num[64];

	if (!json_is_number(v))
		return vfail(c, path, "expected number, got %s", jtype(v));
	d = json_number_value(v);
	fmt_num(num, sizeof(num), v);
	if (integer && !json_is_integer(v) && !is_integral(d))
		return vfail(c, path, "%s is not an integer", num);
	if (!(d >= lo && d <= hi))
	{
		if (isinf(hi))
			return vfail(c, path, "%s is below %g", num, lo);
		return vfail(c, path, "%s is outside %g..%g", num, lo, hi);
	}
	return true;
}

static bool
check_enum(vctx *c, const char *path, const json_t *v, const char *const *vals)
{
	const char *s;
	char		q[64];
	char		list[400];
	size_t		o = 0;

	if (!json_is_string(v))
		return vfail(c, path, "expected string, got %s", jtype(v));
	s = json_string_value(v);
	for (const char *const *p = vals; *p; p++)
		if (strcmp(s, *p) == 0)
			return true;
	list[0] = '\0';
	for (const char *const *p = vals; *p && o + 1 < sizeof(list); p++)
	{
		int			w = snprintf(list + o, sizeof(list) - o, "%s%s",
								 p == vals ? "" : ", ", *p);

		if (w < 0)
			break;
		o += (size_t) w;
	}
	quote_value(q, sizeof(q), s);
	return vfail(c, path, "\"%s\" is not one of %s", q, list);
}

static bool
check_strings(vctx *c, const char *path, const json_t *v)
{
	size_t		i;
	char		p[PATH_MAX_BYTES];

	if (!json_is_array(v))
		return vfail(c, path, "expected array, got %s", jtype(v));
	if (json_array_size(v) > AGENT_MAX_ITEMS)
		return vfail(c, path, "more than %d items", AGENT_MAX_ITEMS);
	for (i = 0; i < json_array_size(v); i++)
	{
		path_idx(p, path, i);
		if (!check_string(c, p, json_array_get(v, i), 0))
			return false;
	}
	return true;
}

static bool check_object(vctx *c, const char *path, const json_t *obj,
						 const fspec *spec);

static bool
check_field(vctx *c, const char *path, const json_t *v, const fspec *f)
{
	if (json_is_null(v) && (f->flags & NUL))
		return true;
	switch (f->type)
	{
		case F_STR:
			return check_string(c, path, v, f->flags);
		case F_STR_NUM:
			if (json_is_number(v))
				return true;
			return json_is_string(v) ? check_string(c, path, v, f->flags) :
				vfail(c, path, "expected string or number, got %s", jtype(v));
		case F_NUM:
			return check_number(c, path, v, f->lo, f->hi, false);
		case F_INT:
			return check_number(c, path, v, f->lo, f->hi, true);
		case F_ENUM:
			return check_enum(c, path, v, f->vals);
		case F_STRS:
			return check_strings(c, path, v);
		case F_BOOL:
			return json_is_boolean(v) ? true :
				vfail(c, path, "expected boolean, got %s", jtype(v));
		case F_OBJ:
			if (!json_is_object(v))
				return vfail(c, path, "expected object, got %s", jtype(v));
			return f->sub ? check_object(c, path, v, f->sub) : true;
		case F_OBJS:
			{
				char		p[PATH_MAX_BYTES];
				size_t		i;

				if (!json_is_array(v))
					return vfail(c, path, "expected array, got %s", jtype(v));
				if (json_array_size(v) > AGENT_MAX_ITEMS)
					return vfail(c, path, "more than %d items", AGENT_MAX_ITEMS);
				for (i = 0; i < json_array_size(v); i++)
				{
					path_idx(p, path, i);
					if (!check_object(c, p, json_array_get(v, i), f->sub))
						return false;
				}
				return true;
			}
		case F_FN:
			return f->fn(c, path, v);
	}
	return vfail(c, path, "bad spec");
}

static bool
check_object(vctx *c, const char *path, const json_t *obj, const fspec *spec)
{
	char		p[PATH_MAX_BYTES];

	if (!json_is_object(obj))
		return vfail(c, path, "expected object, got %s", obj ? jtype(obj) : "nothing");
	for (const fspec *f = spec; f && f->key; f++)
	{
		const json_t *v = json_object_get(obj, f->key);

		path_key(p, path, f->key);
		if (!v)
		{
			if (f->flags & REQ)
				return vfail(c, p, "missing");
			continue;
		}
		if (!check_field(c, p, v, f))
			return false;
	}
	return true;
}

#define S(k, fl)			{k, F_STR, fl, 0, 0, NULL, NULL, NULL}
#define SN(k, fl)			{k, F_STR_NUM, fl, 0, 0, NULL, NULL, NULL}
#define NUMR(k, fl, a, b)	{k, F_NUM, fl, a, b, NULL, NULL, NULL}
#define INTR(k, fl, a, b)	{k, F_INT, fl, a, b, NULL, NULL, NULL}
#define EN(k, fl, v)		{k, F_ENUM, fl, 0, 0, v, NULL, NULL}
#define STRS(k, fl)			{k, F_STRS, fl, 0, 0, NULL, NULL, NULL}
#define BOOL(k, fl)			{k, F_BOOL, fl, 0, 0, NULL, NULL, NULL}
#define OBJ(k, fl, sub)		{k, F_OBJ, fl, 0, 0, NULL, sub, NULL}
#define OBJS(k, fl, sub)	{k, F_OBJS, fl, 0, 0, NULL, sub, NULL}
#define FN(k, fl, f)		{k, F_FN, fl, 0, 0, NULL, NULL, f}
#define END					{NULL, F_STR, 0, 0, 0, NULL, NULL, NULL}

static const char *const LEVELS[] = {"high", "medium", "low", NULL};
static const char *const TRENDS[] = {"upward", "stable", "downward", NULL};

/* ---------------------------------------------------------------- */
/* A10                                                              */

static const char *const A10_CATEGORIES[] = {"inquiry", "complaint", "technical",
	"cooperation", "order", "payment", "delivery", "after_sales", "other", NULL};
static const char *const A10_SENTIMENTS[] = {"positive", "neutral", "negative", NULL};

static const fspec A10_INTENT[] = {
	EN("category", REQ, A10_CATEGORIES),
	S("detail", REQ),
	NUMR("confidence", REQ, 0, 1),
	END
};
static const fspec A10_KEY_INFO[] = {
	STRS("products", REQ),
	SN("price", NUL),
	SN("quantity", NUL),
	S("timeline", NUL),
	STRS("competitors", REQ),
	END
};
static const fspec A10_SENTIMENT[] = {
	EN("overall", REQ, A10_SENTIMENTS),
	NUMR("score", REQ, 0, 1),
	S("mood", REQ),
	END
};
static const fspec A10_URGENCY[] = {
	EN("level", REQ, LEVELS),
	S("reason", REQ),
	END
};
static const fspec A10[] = {
	OBJ("intent", REQ, A10_INTENT),
	OBJ("key_info", REQ, A10_KEY_INFO),
	OBJ("sentiment", REQ, A10_SENTIMENT),
	OBJ("urgency", REQ, A10_URGENCY),
	STRS("follow_up", REQ),
	INTR("quality_score", REQ, 1, 10),
	STRS("suggestions", REQ),
	END
};

/* ---------------------------------------------------------------- */
/* A11                                                              */

static const char *const A11_STAGES[] = {"潜在客户", "新客户", "成长客户", "成熟客户",
	"流失风险", "prospect", "new", "growing", "mature", "at_risk", NULL};

static const fspec A11_HEALTH[] = {
	NUMR("score", REQ, 0, 100),
	EN("trend", REQ, TRENDS),
	S("assessment", 0),
	END
};
static const fspec A11_PATTERN[] = {
	S("preferred_channel", NUL),
	S("preferred_time", NUL),
	S("frequency", NUL),
	S("response_speed", NUL),
	END
};
static const fspec A11_DECISION[] = {
	S("style", NUL),
	STRS("key_factors", 0),
	S("decision_maker", NUL),
	S("decision_cycle", NUL),
	END
};
static const fspec A11_SATISFACTION[] = {
	NUMR("current", 0, 0, 5),
	EN("trend", 0, TRENDS),
	STRS("strengths", 0),
	STRS("pain_points", 0),
	END
};
static const fspec A11_LOYALTY[] = {
	NUMR("score", 0, 0, 100),
	EN("risk_level", 0, LEVELS),
	NUMR("retention_probability", 0, 0, 1),
	END
};
static const fspec A11_CONTACT[] = {
	S("name", REQ),
	S("role", NUL),
	NUMR("influence", 0, 0, 1),
	S("relationship", NUL),
	END
};
static const fspec A11_NEEDS[] = {
	STRS("current", 0),
	STRS("future", 0),
	STRS("latent", 0),
	END
};
static const fspec A11_RISK[] = {
	S("type", REQ),
	EN("level", REQ, LEVELS),
	S("mitigation", NUL),
	END
};
static const fspec A11_OPP[] = {
	S("type", REQ),
	EN("potential", 0, LEVELS),
	S("action", NUL),
	END
};
static const fspec A11[] = {
	OBJ("relationship_health", REQ, A11_HEALTH),
	EN("lifecycle_stage", REQ, A11_STAGES),
	OBJ("communication_pattern", 0, A11_PATTERN),
	OBJ("decision_making", 0, A11_DECISION),
	OBJ("satisfaction", 0, A11_SATISFACTION),
	OBJ("loyalty", 0, A11_LOYALTY),
	OBJS("key_contacts", 0, A11_CONTACT),
	OBJ("needs_map", 0, A11_NEEDS),
	OBJS("risks", 0, A11_RISK),
	OBJS("opportunities", 0, A11_OPP),
	END
};

/* ---------------------------------------------------------------- */
/* A12                                                              */

static const char *const A12_TYPES[] = {"explicit", "implicit", NULL};

static const fspec A12_OPP[] = {
	EN("type", REQ, A12_TYPES),
	S("description", REQ | NONEMPTY),
	NUMR("estimated_value", REQ, 0, INFINITY),
	NUMR("probability", REQ, 0, 1),
	S("id", 0),
	S("product", NUL),
	SN("quantity", NUL),
	S("expected_close_date", NUL),
	S("stage", NUL),
	EN("urgency", 0, LEVELS),
	STRS("competitors", 0),
	STRS("winning_factors", 0),
	STRS("risk_factors", 0),
	STRS("recommended_actions", 0),
	END
};
static const fspec A12_CROSS[] = {
	S("product", REQ),
	S("reason", NUL),
	NUMR("potential_value", 0, 0, INFINITY),
	S("approach", NUL),
	END
};
static const fspec A12_UP[] = {
	S("current", NUL),
	S("upgrade", REQ),
	S("reason", NUL),
	NUMR("potential_value", 0, 0, INFINITY),
	END
};
static const fspec A12[] = {
	OBJS("opportunities", REQ, A12_OPP),
	OBJS("cross_sell_opportunities", 0, A12_CROSS),
	OBJS("up_sell_opportunities", 0, A12_UP),
	END
};

/* ---------------------------------------------------------------- */
/* A13                                                              */

static const fspec A13_STRATEGY[] = {
	S("approach", REQ),
	STRS("key_messages", REQ),
	S("value_proposition", NUL),
	END
};
static const fspec A13_CONTENT[] = {
	S("type", REQ),
	S("topic", REQ),
	S("timing", NUL),
	S("channel", NUL),
	END
};
static const fspec A13_TIMING[] = {
	STRS("best_contact_days", 0),
	STRS("best_contact_hours", 0),
	STRS("avoid_times", 0),
	END
};
static const fspec A13_CHANNEL[] = {
	S("primary", REQ | NONEMPTY),
	S("secondary", NUL),
	S("tertiary", NUL),
	S("reason", NUL),
	END
};
static const fspec A13_CAMPAIGN[] = {
	S("name", REQ),
	S("target", NUL),
	S("offer", NUL),
	NUMR("expected_response", 0, 0, 1),
	END
};
static const fspec A13_RETENTION[] = {
	STRS("risk_signals", 0),
	STRS("retention_actions", 0),
	END
};
static const fspec A13[] = {
	S("customer_segment", REQ | NONEMPTY),
	OBJ("marketing_strategy", REQ, A13_STRATEGY),
	OBJ("channel_strategy", REQ, A13_CHANNEL),
	OBJS("content_suggestions", 0, A13_CONTENT),
	OBJ("timing_recommendations", 0, A13_TIMING),
	OBJS("campaign_ideas", 0, A13_CAMPAIGN),
	OBJ("care_strategy", 0, NULL),
	OBJ("retention_plan", 0, A13_RETENTION),
	END
};

/* ---------------------------------------------------------------- */
/* A14                                                              */

static bool
check_warning_signals(vctx *c, const char *path, const json_t *v)
{
	const char *key;
	json_t	   *sig;
	char		p[PATH_MAX_BYTES];
	size_t		n = 0;
	static const fspec SIGNAL[] = {
		BOOL("detected", REQ),
		EN("severity", 0, LEVELS),
		END
	};

	if (!json_is_object(v))
		return vfail(c, path, "expected object, got %s", jtype(v));
	json_object_foreach((json_t *) v, key, sig)
	{
		if (++n > AGENT_MAX_ITEMS)
			return vfail(c, path, "more than %d signals", AGENT_MAX_ITEMS);
		path_key(p, path, key);
		if (!check_object(c, p, sig, SIGNAL))
			return false;
	}
	return true;
}

static const fspec A14_ALERT[] = {
	S("risk_type", REQ | NONEMPTY),
	EN("risk_level", REQ, LEVELS),
	NUMR("risk_score", REQ, 0, 100),
	STRS("indicators", REQ),
	STRS("recommended_actions", REQ),
	S("alert_id", 0),
	SN("customer_id", NUL),
	S("customer_name", NUL),
	S("triggered_at", NUL),
	S("expected_impact", NUL),
	BOOL("escalation_required", 0),
	S("escalation_to", NUL),
	END
};
static const fspec A14[] = {
	OBJS("risk_alerts", REQ, A14_ALERT),
	FN("early_warning_signals", 0, check_warning_signals),
	END
};

/* ---------------------------------------------------------------- */
/* A16                                                              */

static bool
check_channel_counts(vctx *c, const char *path, const json_t *v)
{
	const char *key;
	json_t	   *cnt;
	char		p[PATH_MAX_BYTES];
	size_t		n = 0;

	if (!json_is_object(v))
		return vfail(c, path, "expected object, got %s", jtype(v));
	json_object_foreach((json_t *) v, key, cnt)
	{
		if (++n > AGENT_MAX_ITEMS)
			return vfail(c, path, "more than %d channels", AGENT_MAX_ITEMS);
		path_key(p, path, key);
		if (!check_number(c, p, cnt, 0, INFINITY, true))
			return false;
	}
	return true;
}

static bool
check_actions(vctx *c, const char *path, const json_t *v)
{
	char		p[PATH_MAX_BYTES];

	if (!json_is_array(v))
		return vfail(c, path, "expected array, got %s", jtype(v));
	if (json_array_size(v) > AGENT_MAX_ITEMS)
		return vfail(c, path, "more than %d items", AGENT_MAX_ITEMS);
	for (size_t i = 0; i < json_array_size(v); i++)
	{
		const json_t *it = json_array_get(v, i);

		path_idx(p, path, i);
		if (json_is_string(it))
		{
			if (!check_string(c, p, it, 0))
				return false;
		}
		else if (!json_is_object(it))
			return vfail(c, p, "expected string or object, got %s", jtype(it));
	}
	return true;
}

static bool
check_reports(vctx *c, const char *path, const json_t *v)
{
	if (json_is_object(v) || json_is_string(v))
		return true;
	return vfail(c, path, "expected object or string, got %s", jtype(v));
}

static bool
sub_a11(vctx *c, const char *path, const json_t *v)
{
	return check_object(c, path, v, A11);
}

static bool
sub_a12(vctx *c, const char *path, const json_t *v)
{
	return check_object(c, path, v, A12);
}

static bool
sub_a13(vctx *c, const char *path, const json_t *v)
{
	return check_object(c, path, v, A13);
}

static bool
sub_a14(vctx *c, const char *path, const json_t *v)
{
	return check_object(c, path, v, A14);
}

static const fspec A16_SUMMARY[] = {
	INTR("total_records", REQ, 0, INFINITY),
	FN("channels", 0, check_channel_counts),
	S("analysis_date", NUL),
	END
};
static const fspec A16_PLAN[] = {
	FN("immediate", REQ, check_actions),
	FN("short_term", REQ, check_actions),
	FN("long_term", REQ, check_actions),
	END
};
static const fspec A16[] = {
	OBJ("analysis_summary", REQ, A16_SUMMARY),
	OBJ("action_plan", REQ, A16_PLAN),
	FN("customer_insights", NUL, sub_a11),
	FN("opportunities", NUL, sub_a12),
	FN("marketing_suggestions", NUL, sub_a13),
	FN("risk_alerts", NUL, sub_a14),
	FN("reports", NUL, check_reports),
	END
};

/* ---------------------------------------------------------------- */
/* entry points                                                     */

static bool
run(const fspec *spec, const json_t *answer, char *err, size_t errlen)
{
	vctx		c = {err, errlen, false};

	if (err && errlen)
		err[0] = '\0';
	return check_object(&c, "", answer, spec);
}

bool
agent_validate_a10(const json_t *answer, char *err, size_t errlen)
{
	return run(A10, answer, err, errlen);
}

bool
agent_validate_a11(const json_t *answer, char *err, size_t errlen)
{
	return run(A11, answer, err, errlen);
}

bool
agent_validate_a12(const json_t *answer, char *err, size_t errlen)
{
	return run(A12, answer, err, errlen);
}

bool
agent_validate_a13(const json_t *answer, char *err, size_t errlen)
{
	return run(A13, answer, err, errlen);
}

bool
agent_validate_a14(const json_t *answer, char *err, size_t errlen)
{
	return run(A14, answer, err, errlen);
}

bool
agent_validate_a16(const json_t *answer, char *err, size_t errlen)
{
	return run(A16, answer, err, errlen);
}

static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		len,
					k;
		uint32_t	cp;

		if (c == 0)
			return false;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
			(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += len;
	}
	return true;
}

bool
agent_validate_a15_markdown(const char *text, size_t len, char *err, size_t errlen)
{
	vctx		c = {err, errlen, false};
	size_t		i;
	bool		heading = false;

	if (err && errlen)
		err[0] = '\0';
	if (!text)
		return vfail(&c, "report", "missing");
	if (len > AGENT_MAX_REPORT)
		return vfail(&c, "report", "longer than %d bytes", AGENT_MAX_REPORT);
	if (!utf8_valid((const unsigned char *) text, len))
		return vfail(&c, "report", "not valid UTF-8 (or contains NUL)");
	for (i = 0; i < len && isspace((unsigned char) text[i]); i++)
		;
	if (i == len)
		return vfail(&c, "report", "empty");
	/* a heading: a line starting with 1-6 '#' and a space */
	for (i = 0; i < len && !heading; i++)
	{
		if (i == 0 || text[i - 1] == '\n')
		{
			size_t		h = 0;

			while (i + h < len && text[i + h] == '#' && h < 7)
				h++;
			if (h >= 1 && h <= 6 && i + h < len && text[i + h] == ' ')
				heading = true;
		}
	}
	if (!heading)
		return vfail(&c, "report", "no Markdown heading (\"# ...\")");
	return true;
}

bool
agent_validate(const char *agent, const json_t *answer, char *err, size_t errlen)
{
	vctx		c = {err, errlen, false};

	if (err && errlen)
		err[0] = '\0';
	if (!agent)
		return vfail(&c, "agent", "missing");
	if (strcmp(agent, "A10") == 0)
		return agent_validate_a10(answer, err, errlen);
	if (strcmp(agent, "A11") == 0)
		return agent_validate_a11(answer, err, errlen);
	if (strcmp(agent, "A12") == 0)
		return agent_validate_a12(answer, err, errlen);
	if (strcmp(agent, "A13") == 0)
		return agent_validate_a13(answer, err, errlen);
	if (strcmp(agent, "A14") == 0)
		return agent_validate_a14(answer, err, errlen);
	if (strcmp(agent, "A15") == 0)
	{
		if (!json_is_string(answer))
			return vfail(&c, "report", "expected string, got %s",
						 answer ? jtype(answer) : "nothing");
		return agent_validate_a15_markdown(json_string_value(answer),
										   json_string_length(answer), err, errlen);
	}
	if (strcmp(agent, "A16") == 0)
		return agent_validate_a16(answer, err, errlen);
	{
		char		q[64];

		quote_value(q, sizeof(q), agent);
		return vfail(&c, "agent", "\"%s\" is not one of A10, A11, A12, A13, A14, A15, A16", q);
	}
}

/* ---------------------------------------------------------------- */
/* prompt builder                                                   */

#define TRUNC_NOTE "…(truncated)"

typedef struct ph
{
	size_t		start,			/* '{' in the template */
				end;			/* one past '}' */
	const json_t *v;
	/* rendering */
	const char *text;			/* strings: the value; others: owned dump */
	char	   *owned;
	size_t		tlen;
	char	  **elems;			/* arrays: compact JSON of the first elements */
	size_t	   *elen;
	size_t		nrendered;
	size_t		ntotal;
	size_t		full;			/* bytes when not shortened (saturating) */
	size_t		alloc;			/* bytes granted */
} ph;

static size_t
sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t
omit_note_len(size_t n)
{
	char		buf[64];

	return (size_t) snprintf(buf, sizeof(buf), "\"…(%zu more omitted)\"", n);
}

/* Render p fully, except array elements past `limit` cumulative bytes. */
static bool
ph_render(ph *p, size_t limit)
{
	if (json_is_string(p->v))
	{
		p->text = json_string_value(p->v);
		p->tlen = strlen(p->text);
		p->full = p->tlen;
		return true;
	}
	if (json_is_array(p->v))
	{
		size_t		n = json_array_size(p->v),
					sum = 2;

		p->ntotal = n;
		p->elems = calloc(n ? n : 1, sizeof(char *));
		p->elen = calloc(n ? n : 1, sizeof(size_t));
		if (!p->elems || !p->elen)
			return false;
		for (size_t i = 0; i < n; i++)
		{
			if (sum > limit)
			{
				sum = SIZE_MAX; /* cannot fit anyway */
				break;
			}
			p->elems[i] = json_dumps(json_array_get(p->v, i),
									 JSON_COMPACT | JSON_ENCODE_ANY);
			if (!p->elems[i])
				return false;
			p->elen[i] = strlen(p->elems[i]);
			p->nrendered = i + 1;
			sum = sat_add(sum, p->elen[i] + (i > 0 ? 1 : 0));
		}
		p->full = sum;
		return true;
	}
	p->owned = json_dumps(p->v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!p->owned)
		return false;
	p->text = p->owned;
	p->tlen = strlen(p->owned);
	p->full = p->tlen;
	return true;
}

static size_t
utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Append p's text shortened to p->alloc bytes; returns bytes written. */
static size_t
ph_emit(ph *p, char *out, agent_prompt_info *info)
{
	size_t		o = 0;

	if (p->full <= p->alloc)
	{
		if (!json_is_array(p->v))
		{
			memcpy(out, p->text, p->tlen);
			return p->tlen;
		}
		out[o++] = '[';
		for (size_t i = 0; i < p->nrendered; i++)
		{
			if (i > 0)
				out[o++] = ',';
			memcpy(out + o, p->elems[i], p->elen[i]);
			o += p->elen[i];
		}
		out[o++] = ']';
		return o;
	}

	info->truncated++;
	if (!json_is_array(p->v))
	{
		size_t		nl = strlen(TRUNC_NOTE),
					keep;

		if (p->alloc <= nl)
			return 0;
		keep = utf8_cut(p->text, p->alloc - nl);
		memcpy(out, p->text, keep);
		memcpy(out + keep, TRUNC_NOTE, nl);
		return keep + nl;
	}
	else
	{
		/* largest k: "[" e0 "," ... e(k-1) "," note "]" fits */
		size_t		k = 0,
					used = 2;	/* brackets */

		while (k < p->nrendered &&
			   sat_add(sat_add(used, p->elen[k] + 1), omit_note_len(p->ntotal - k - 1)) <= p->alloc)
		{
			used += p->elen[k] + 1;
			k++;
		}
		if (used + omit_note_len(p->ntotal - k) > p->alloc)
		{
			if (p->alloc < 2)
				return 0;
			info->omitted_items += (long) p->ntotal;
			memcpy(out, "[]", 2);
			return 2;
		}
		out[o++] = '[';
		for (size_t i = 0; i < k; i++)
		{
			memcpy(out + o, p->elems[i], p->elen[i]);
			o += p->elen[i];
			out[o++] = ',';
		}
		o += (size_t) sprintf(out + o, "\"…(%zu more omitted)\"", p->ntotal - k);
		out[o++] = ']';
		info->omitted_items += (long) (p->ntotal - k);
		return o;
	}
}

static void
ph_free(ph *p)
{
	if (p->elems)
		for (size_t i = 0; i < p->nrendered; i++)
			free(p->elems[i]);
	free(p->elems);
	free(p->elen);
	free(p->owned);
}

static int
cmp_full(const void *a, const void *b)
{
	const ph   *x = *(ph * const *) a;
	const ph   *y = *(ph * const *) b;

	return (x->full > y->full) - (x->full < y->full);
}

char *
agent_build_prompt(const char *tmpl, const json_t *vars, size_t max_bytes,
				   agent_prompt_info *info_out)
{
	agent_prompt_info info = {0, 0, 0, 0};
	size_t		tlen,
				nph = 0,
				cap_ph,
				fixed,
				budget,
				need = 0,
				total,
				o = 0,
				pos = 0;
	ph		   *phs = NULL;
	ph		  **order = NULL;
	char	   *out = NULL;
	bool		ok = false;

	if (!tmpl || (vars && !json_is_object(vars)))
		return NULL;
	tlen = strlen(tmpl);
	if (tlen > AGENT_TEMPLATE_MAX)
		return NULL;
	if (max_bytes == 0)
		max_bytes = AGENT_PROMPT_DEFAULT_MAX;
	if (max_bytes > AGENT_PROMPT_HARD_MAX)
		max_bytes = AGENT_PROMPT_HARD_MAX;

	/* 1. find placeholders */
	cap_ph = tlen / 3 + 1;
	phs = calloc(cap_ph, sizeof(ph));
	if (!phs)
		goto done;
	fixed = tlen;
	for (size_t i = 0; i < tlen; i++)
	{
		size_t		j = i + 1;
		char		name[65];
		const json_t *v;

		if (tmpl[i] != '{' || !(isalpha((unsigned char) tmpl[j]) || tmpl[j] == '_'))
			continue;
		while (j < tlen && j - i - 1 < 64 &&
			   (isalnum((unsigned char) tmpl[j]) || tmpl[j] == '_'))
			j++;
		if (tmpl[j] != '}')
			continue;
		memcpy(name, tmpl + i + 1, j - i - 1);
		name[j - i - 1] = '\0';
		v = vars ? json_object_get(vars, name) : NULL;
		if (!v)
		{
			info.missing++;
			continue;
		}
		phs[nph].start = i;
		phs[nph].end = j + 1;
		phs[nph].v = v;
		fixed -= j + 1 - i;
		nph++;
		i = j;
	}

	/* 2. render, 3. share the budget */
	for (size_t k = 0; k < nph; k++)
	{
		if (!ph_render(&phs[k], max_bytes))
			goto done;
		need = sat_add(need, phs[k].full);
	}
	budget = fixed < max_bytes ? max_bytes - fixed : 0;
	if (need <= budget)
		for (size_t k = 0; k < nph; k++)
			phs[k].alloc = phs[k].full;
	else
	{
		size_t		left = budget;

		order = malloc((nph ? nph : 1) * sizeof(ph *));
		if (!order)
			goto done;
		for (size_t k = 0; k < nph; k++)
			order[k] = &phs[k];
		qsort(order, nph, sizeof(ph *), cmp_full);
		for (size_t k = 0; k < nph; k++)
		{
			size_t		share = left / (nph - k);

			order[k]->alloc = order[k]->full < share ? order[k]->full : share;
			left -= order[k]->alloc;
		}
	}

	/* 4. assemble */
	total = fixed;
	for (size_t k = 0; k < nph; k++)
		total += phs[k].alloc;
	out = malloc(total + 1);
	if (!out)
		goto done;
	for (size_t k = 0; k < nph; k++)
	{
		memcpy(out + o, tmpl + pos, phs[k].start - pos);
		o += phs[k].start - pos;
		o += ph_emit(&phs[k], out + o, &info);
		pos = phs[k].end;
		info.replaced++;
	}
	memcpy(out + o, tmpl + pos, tlen - pos);
	o += tlen - pos;
	if (o > max_bytes)			/* the template alone is too long */
		o = utf8_cut(out, max_bytes);
	out[o] = '\0';
	ok = true;

done:
	for (size_t k = 0; phs && k < nph; k++)
		ph_free(&phs[k]);
	free(phs);
	free(order);
	if (!ok)
	{
		free(out);
		return NULL;
	}
	if (info_out)
		*info_out = info;
	return out;
}
