/*
 * channels.c -- chn_normalize() / chn_merge() of channels.h.
 *
 * CONTRACT (read channels.h first; this file implements it exactly).
 * Server independent: libc + jansson + normalize.h / sha256.h / mime.h only.
 * The payload is borrowed, never modified; the result is a new reference.
 * Shapes are detected from keys only.  Numbers may arrive as JSON strings
 * (and ids as numbers); times as epoch s/ms/us (number or string), ISO 8601
 * with/without zone, RFC 5322, or wall-clock Asia/Shanghai ("2024-06-15
 * 09:30"); an integer time is read as its decimal string would be, so a
 * compact 20240615093000 is accepted as a number too.  A time of 0 / "0" / "" / "0000-00-00 ..." counts as absent.
 *
 * Accepted shapes (key fields) per channel:
 *   wechat  WeCom session archive {msgid, action, from, tolist, roomid, msgtime,
 *           msgtype, <msgtype>{...}} (news and markdown also with a top-level
 *           info{...} instead, as the archive API sends them); seed callback
 *           {msg_id, msg_type, from_user, to_user, content, create_time}; XML callback as JSON {MsgId, MsgType,
 *           FromUserName, ToUserName, CreateTime, Content}.       -> wechat_work
 *   phone   Asterisk CDR {uniqueid|linkedid, calldate|start, disposition, ...}
 *           (sid linkedid, enrich); FreeSWITCH JSON CDR {variables{uuid, ...},
 *           callflow} (sid originating_leg_uuid else uuid, enrich); 400 carrier
 *           push {call_sn, tel, caller_id, callee_id, start_time, ...} (replace).
 *   mobile  {number|phone, type, start|start_time|date, duration, salesperson|
 *           staff, note|notes, name, id|call_id}; without id the sid is
 *           "sha256:" + 57 hex of "<salesperson>|<normalized number>|<time us>".
 *   email   seed {message_id, from, to, subject, body, date, attachments[{name,
 *           url, size}]} and mailparser {messageId, inReplyTo, references, from{
 *           value[]}, to, cc, subject, text, html, date, attachments[{filename,
 *           contentType, size, checksum}]}; no Message-ID -> sid "sha256:" + 57
 *           hex of "<from address>|<date as ISO UTC>|<subject>".
 *   video   Tencent Meeting {meeting_id, meeting_code, start_time, record_files,
 *           transcript{paragraphs}, participants[{user_name(base64)}]} (enrich),
 *           also meeting_info_list[0] and webhook {event, payload[{meeting_info}]};
 *           Zoom webhook {event, payload{object{uuid, ...}}} (enrich); Teams
 *           callRecord {id, version, startDateTime, ...} or {"value":[one]}
 *           (version); seed {meeting_id, platform, start_time, ...} (replace).
 *   visit   seed visit report {visit_id, visit_date, location, sales_person, ...}.
 *   meeting {meeting_id|id, title|subject, start_time|meeting_time, end_time|
 *           duration_minutes, location, attendees, minutes|content, action_items}.
 *   form    {submission_id|id|form_id, form_name, submitted_at|submit_time|
 *           created_at, fields{..}|fields[{label,value}]|flat keys}.
 *   webchat {session_id|chat_id, visitor{}, agent|staff, started_at, ended_at,
 *           messages[{from, text, time}]}: one record per session; duration is
 *           ended_at - start when ended_at is given, else last - first message.
 * Every payload may carry customer_id, contact_id, project_id, opportunity_id
 * (copied; a string id over 64 bytes is an error 22023, contact_id must be an
 * integer or a numeric string, else 22P02).
 * merge_policy is always set ("replace" unless stated above).
 * Phone direction_hint: an explicit direction/call_type, else from the numbers
 * (an extension of <= 6 digits or a 400/800 number is ours; Asterisk dcontext
 * from-trunk/from-pstn/from-did means inbound); call_number is the caller for
 * inbound (or unknown) calls, the callee for outbound ones.  WeCom: an
 * external_userid (wo.../wm...) sender is inbound, staff writing to one is
 * outbound.  Errors: first problem wins; field is the JSON path.
 *
 * chn_merge: replace -> copy of b; version -> the higher source_version wins
 * whole (ties: b); enrich -> a with earliest time, max duration, b's non-null
 * scalars filling a's gaps (subject and direction_hint of an answered leg win
 * over a missed one), content lines of b not yet in a appended, attachments,
 * participants, addresses, references, follow_up_items unioned
 * (follow_up_details by item), extra merged
 * key by key (latest "event" in the meeting's life cycle, whatever the
 * arrival order), missed only if every leg was missed,
 * media_pending dropped when the newer part brings content without it.
 *
 * Every loop is bounded by the input (array sizes, string lengths) or by a
 * constant cap; no recursion deeper than a small constant.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "channels.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "normalize.h"
#include "sha256.h"

#define INT4_MAX_VALUE 2147483647LL	/* file_size, duration: int4 columns */
#define MAX_ITEMS 10000			/* array elements looked at */
#define MAX_LIST 1000			/* participants/addresses/attachments kept */
#define SB_MAX (16u * 1024 * 1024)	/* generated text cap */

/* gi() takes integers within +-9e15 (exact in a double); a bigger one is a
 * unit or typing mistake, never a real count */
#define RANGE_HINT "%s must be a whole number within +-9000000000000000 (durations are seconds, sizes bytes)."
#define TIME_HINT "Use epoch seconds or milliseconds (number or string), ISO 8601 such as 2024-06-15T09:30:00+08:00, or Asia/Shanghai local time such as 2024-06-15 09:30."

static const char *const known_channels[] = {
	"phone", "mobile", "wechat", "email", "meeting", "visit", "video", "form", "webchat"
};

/* ====================================================================
 * string builder
 * ================================================================== */
typedef struct SB
{
	char	   *d;
	size_t		n,
				cap;
} SB;

static void
sb_putn(SB *b, const char *s, size_t len)
{
	if (s == NULL || len == 0 || b->n + len + 1 > SB_MAX)
		return;
	if (b->n + len + 1 > b->cap)
	{
		size_t		nc = b->cap ? b->cap : 128;
		char	   *nd;

		while (nc < b->n + len + 1)
			nc *= 2;
		nd = realloc(b->d, nc);
		if (nd == NULL)
			return;
		b->d = nd;
		b->cap = nc;
	}
	memcpy(b->d + b->n, s, len);
	b->n += len;
	b->d[b->n] = '\0';
}

static void
sb_puts(SB *b, const char *s)
{
	if (s)
		sb_putn(b, s, strlen(s));
}

static void sb_printf(SB *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static void
sb_printf(SB *b, const char *fmt,...)
{
	char	   *tmp = NULL;
	va_list		ap;
	int			k;

	va_start(ap, fmt);
	k = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (k > 0 && tmp)
		sb_putn(b, tmp, (size_t) k);
	if (k >= 0)
		free(tmp);
}

/* newline before the next line when there is text already */
static void
sb_nl(SB *b)
{
	if (b->n > 0 && b->d[b->n - 1] != '\n')
		sb_putn(b, "\n", 1);
}

static const char *
sb_str(const SB *b)
{
	return b->d ? b->d : "";
}

static void
sb_free(SB *b)
{
	free(b->d);
	b->d = NULL;
	b->n = b->cap = 0;
}

/* ====================================================================
 * context, errors, typed getters
 * ================================================================== */
typedef struct Ctx
{
	chn_error  *err;
	json_t	   *out;
	bool		failed;
	const char *shape;			/* "WeCom archive message" ... for messages */
	char		prefix[96];		/* JSON path prefix of the object being read */
	char		pathbuf[192];
	char	  **strs;			/* arena of strings freed at the end */
	size_t		nstrs,
				capstrs;
} Ctx;

static const char *
keep(Ctx *c, char *s)
{
	if (s == NULL)
		return NULL;
	if (c->nstrs == c->capstrs)
	{
		size_t		nc = c->capstrs ? c->capstrs * 2 : 32;
		char	  **ns = realloc(c->strs, nc * sizeof(char *));

		if (ns == NULL)
		{
			free(s);
			return NULL;
		}
		c->strs = ns;
		c->capstrs = nc;
	}
	c->strs[c->nstrs++] = s;
	return s;
}

static const char *
keepdup(Ctx *c, const char *s)
{
	return s ? keep(c, strdup(s)) : NULL;
}

static const char *keepf(Ctx *c, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static const char *
keepf(Ctx *c, const char *fmt,...)
{
	char	   *tmp = NULL;
	va_list		ap;
	int			k;

	va_start(ap, fmt);
	k = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	return k >= 0 ? keep(c, tmp) : NULL;
}

static void
ctx_free(Ctx *c)
{
	for (size_t i = 0; i < c->nstrs; i++)
		free(c->strs[i]);
	free(c->strs);
	c->strs = NULL;
	c->nstrs = c->capstrs = 0;
}

static void
set_err(chn_error *e, const char *state, const char *field, const char *hint, const char *msg)
{
	snprintf(e->sqlstate, sizeof e->sqlstate, "%s", state);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	snprintf(e->message, sizeof e->message, "%s", msg ? msg : "");
	snprintf(e->hint, sizeof e->hint, "%s", hint ? hint : "");
}

static bool fail(Ctx *c, const char *state, const char *field, const char *hint, const char *fmt,...) __attribute__((format(printf, 5, 6)));
static bool
fail(Ctx *c, const char *state, const char *field, const char *hint, const char *fmt,...)
{
	char		msg[512];
	va_list		ap;

	if (c->failed)
		return false;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_err(c->err, state, field, hint, msg);
	return false;
}

static const char *
path(Ctx *c, const char *key)
{
	snprintf(c->pathbuf, sizeof c->pathbuf, "%s%s", c->prefix, key);
	return keepdup(c, c->pathbuf);
}

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v))
	{
		case JSON_OBJECT:
			return "an object";
		case JSON_ARRAY:
			return "an array";
		case JSON_STRING:
			return "a string";
		case JSON_INTEGER:
		case JSON_REAL:
			return "a number";
		case JSON_TRUE:
		case JSON_FALSE:
			return "a boolean";
		default:
			return "null";
	}
}

static json_t *
jget(const json_t *o, const char *key)
{
	json_t	   *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static bool
missing(Ctx *c, const char *key, const char *hint)
{
	const char *p = path(c, key);

	return fail(c, "22023", p, hint, "The %s has no \"%s\"; that field is required.", c->shape, p ? p : key);
}

static bool starts_with(const char *s, const char *p);

/*
 * A wrong JSON type is the sender's mistake, so the hint says what the field
 * should look like; hint NULL builds one from the field and the wanted type
 * (a caller that knows the field better passes its own).
 */
static bool
bad_type_hint(Ctx *c, const char *key, const json_t *v, const char *want, const char *hint)
{
	const char *p = path(c, key);
	const char *f = p ? p : key;
	char		h[256];

	if (hint == NULL)
	{
		if (strcmp(want, "an array") == 0)
			snprintf(h, sizeof h, "%s must be a JSON array [...] (one item is sent as a one-element array), not %s.", f, jtype(v));
		else if (strcmp(want, "an object") == 0)
			snprintf(h, sizeof h, "%s must be a JSON object {\"key\": value, ...} as the source system sends it, not %s.", f, jtype(v));
		else if (strcmp(want, "a string") == 0)
			snprintf(h, sizeof h, "%s must be a JSON string (or a plain number), e.g. \"%s\": \"...\".", f, key);
		else if (strcmp(want, "a number") == 0)
			snprintf(h, sizeof h, "%s must be a plain number such as 95 or a numeric string such as \"95\".", f);
		else if (starts_with(want, "a time"))
			snprintf(h, sizeof h, "%s", TIME_HINT);
		else
			snprintf(h, sizeof h, "Give %s as %s.", f, want);
		hint = h;
	}
	return fail(c, "22P02", p, hint, "Field \"%s\" of the %s must be %s, not %s.", f, c->shape, want, jtype(v));
}

static bool
bad_type(Ctx *c, const char *key, const json_t *v, const char *want)
{
	return bad_type_hint(c, key, v, want, NULL);
}

/* scalar as string: strings as is ("" = absent), numbers formatted;
 * bool/object/array -> 22P02. */
static const char *
gs(Ctx *c, const json_t *o, const char *key)
{
	json_t	   *v = jget(o, key);
	char		b[48];

	if (c->failed || v == NULL)
		return NULL;
	if (json_is_string(v))
	{
		const char *s = json_string_value(v);

		return (s && *s) ? s : NULL;
	}
	if (json_is_integer(v))
	{
		snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return keepdup(c, b);
	}
	if (json_is_real(v))
	{
		double		d = json_real_value(v);

		if (d == floor(d) && fabs(d) < 1e17)
			snprintf(b, sizeof b, "%.0f", d);
		else
			snprintf(b, sizeof b, "%.17g", d);
		return keepdup(c, b);
	}
	bad_type(c, key, v, "a string");
	return NULL;
}

/* first present of a NULL-terminated key list; *which = its key */
static const char *
gs_first(Ctx *c, const json_t *o, const char **which,...)
{
	va_list		ap;
	const char *k;
	const char *r = NULL;

	va_start(ap, which);
	while ((k = va_arg(ap, const char *)) != NULL)
	{
		r = gs(c, o, k);
		if (r || c->failed)
		{
			if (which)
				*which = k;
			break;
		}
	}
	va_end(ap);
	return r;
}

/* integer: number or numeric string; returns true when present */
static bool
gi(Ctx *c, const json_t *o, const char *key, long long *out)
{
	json_t	   *v = jget(o, key);
	double		d;

	if (c->failed || v == NULL)
		return false;
	if (json_is_integer(v))
	{
		json_int_t	iv = json_integer_value(v);

		if (iv > 9000000000000000LL || iv < -9000000000000000LL)
		{
			const char *p = path(c, key);

			fail(c, "22P02", p, keepf(c, RANGE_HINT, p ? p : key),
				 "Field \"%s\" of the %s is out of range.", p ? p : key, c->shape);
			return false;
		}
		*out = (long long) iv;
		return true;
	}
	if (json_is_real(v))
		d = json_real_value(v);
	else if (json_is_string(v))
	{
		const char *s = json_string_value(v);
		char	   *end;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return false;
		d = strtod(s, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == s || *end != '\0')
		{
			const char *p = path(c, key);

			fail(c, "22P02", p, "Give a plain number such as 95 or \"95\".",
				 "Field \"%s\" of the %s is not a number: \"%.60s\".", p ? p : key, c->shape, json_string_value(v));
			return false;
		}
	}
	else
	{
		bad_type(c, key, v, "a number");
		return false;
	}
	if (!isfinite(d) || d > 9e15 || d < -9e15)
	{
		const char *p = path(c, key);

		fail(c, "22P02", p, keepf(c, RANGE_HINT, p ? p : key),
			 "Field \"%s\" of the %s is out of range.", p ? p : key, c->shape);
		return false;
	}
	*out = (long long) d;
	return true;
}

/* a call duration: what gnn takes, or a string such as "1:05", "00:01:05",
 * "1分05秒" (norm_parse_duration) */
static bool gnn(Ctx *c, const json_t *o, const char *key, long long *out);
static bool
gdur(Ctx *c, const json_t *o, const char *key, long long *out)
{
	json_t	   *v = jget(o, key);

	if (!c->failed && json_is_string(v) && norm_parse_duration(json_string_value(v), out))
		return true;
	return gnn(c, o, key, out);
}

/* non-negative integer (durations, sizes) */
static bool
gnn(Ctx *c, const json_t *o, const char *key, long long *out)
{
	if (!gi(c, o, key, out))
		return false;
	if (*out < 0)
	{
		const char *p = path(c, key);

		fail(c, "22023", p, "Durations and sizes are counts of seconds or bytes, 0 or more.",
			 "Field \"%s\" of the %s must not be negative.", p ? p : key, c->shape);
		return false;
	}
	return true;
}

/* time: 1 present, 0 absent (also 0, "0", "", "0000-00-00..."), -1 error */
/* A time in 1970 is a system's "unset" (epoch 0, written in UTC or, by a
 * Chinese carrier, as 1970-01-01 08:00:00 local), not when anything
 * happened: it counts as absent, like 0 and "0000-00-00". */
static inline bool
unset_time(int64_t us)
{
	return us < INT64_C(31536000000000);	/* 1971-01-01 */
}

static int
gt(Ctx *c, const json_t *o, const char *key, int64_t *us)
{
	json_t	   *v = jget(o, key);

	if (c->failed)
		return -1;
	if (v == NULL)
		return 0;
	if (json_is_integer(v))
	{
		/* read like its decimal string: an epoch in s/ms/us, or a compact
		 * local time such as 20240615093000 that vendors send as a number */
		char		b[32];

		if (json_integer_value(v) == 0)
			return 0;
		snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		if (norm_parse_time(b, us))
			return unset_time(*us) ? 0 : 1;
	}
	else if (json_is_real(v))
	{
		double		d = json_real_value(v);

		if (d == 0)
			return 0;
		if (norm_epoch_to_us(d, us))
			return unset_time(*us) ? 0 : 1;
	}
	else if (json_is_string(v))
	{
		const char *s = json_string_value(v);

		if (*s == '\0' || strcmp(s, "0") == 0 || strncmp(s, "0000-00-00", 10) == 0)
			return 0;
		if (norm_parse_time(s, us))
			return unset_time(*us) ? 0 : 1;
	}
	else
	{
		bad_type(c, key, v, "a time (string or number)");
		return -1;
	}
	{
		const char *p = path(c, key);
		char		shown[100];

		if (json_is_string(v))
			snprintf(shown, sizeof shown, "\"%.80s\"", json_string_value(v));
		else
			snprintf(shown, sizeof shown, "%.17g", json_number_value(v));
		fail(c, "22007", p, TIME_HINT, "Field \"%s\" of the %s is not a recognizable time: %s.",
			 p ? p : key, c->shape, shown);
	}
	return -1;
}

/* first present time of a NULL-terminated key list */
static int
gt_first(Ctx *c, const json_t *o, int64_t *us,...)
{
	va_list		ap;
	const char *k;
	int			r = 0;

	va_start(ap, us);
	while ((k = va_arg(ap, const char *)) != NULL)
	{
		r = gt(c, o, k, us);
		if (r != 0)
			break;
	}
	va_end(ap);
	return r;
}

static bool
time_missing(Ctx *c, const char *key)
{
	const char *p = path(c, key);

	return fail(c, "22007", p, TIME_HINT, "The %s has no time: field \"%s\" is missing or empty.", c->shape, p ? p : key);
}

static json_t *
ga(Ctx *c, const json_t *o, const char *key)
{
	json_t	   *v = jget(o, key);

	if (c->failed || v == NULL)
		return NULL;
	if (!json_is_array(v))
	{
		bad_type(c, key, v, "an array");
		return NULL;
	}
	return v;
}

static json_t *
go(Ctx *c, const json_t *o, const char *key)
{
	json_t	   *v = jget(o, key);

	if (c->failed || v == NULL)
		return NULL;
	if (!json_is_object(v))
	{
		bad_type(c, key, v, "an object");
		return NULL;
	}
	return v;
}

/* set the path prefix for nested reads; returns the old length */
static size_t
push_prefix(Ctx *c, const char *fmt,...)
{
	size_t		old = strlen(c->prefix);
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->prefix + old, sizeof c->prefix - old, fmt, ap);
	va_end(ap);
	return old;
}

static void
pop_prefix(Ctx *c, size_t old)
{
	if (old < sizeof c->prefix)
		c->prefix[old] = '\0';
}

/* ====================================================================
 * output helpers
 * ================================================================== */
static void
put_s(Ctx *c, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(c->out, key, json_string(s));
}

static void
put_i(Ctx *c, const char *key, long long v)
{
	json_object_set_new(c->out, key, json_integer((json_int_t) v));
}

/*
 * The record's duration in seconds.  The row's duration is an int4, and
 * nothing lasts longer than that (68 years): such a value is a unit mistake
 * (milliseconds sent as seconds) or a wrong start or end time, so the
 * payload is rejected here, naming the field it came from, instead of
 * failing later in the server with a bare "integer out of range".
 */
static void
put_dur(Ctx *c, const char *field, long long s)
{
	if (s > INT4_MAX_VALUE)
	{
		fail(c, "22003", field ? field : "duration",
			 "A duration is at most 2147483647 seconds (68 years): check the unit (milliseconds sent as seconds?) and the start and end times.",
			 "Field \"%s\" of the %s gives a duration of %lld seconds (over 68 years), which no communication lasts.",
			 field ? field : "duration", c->shape, s);
		return;
	}
	put_i(c, "duration", s);
}

/* the first key of a NULL-terminated list present (non-null) in o, else
 * the first key: names the field a computed value came from */
static const char *
present_key(const json_t *o, const char *first,...)
{
	va_list		ap;
	const char *k;
	const char *r = first;

	if (jget(o, first))
		return first;
	va_start(ap, first);
	while ((k = va_arg(ap, const char *)) != NULL)
	{
		if (jget(o, k))
		{
			r = k;
			break;
		}
	}
	va_end(ap);
	return r;
}

static void
put_subject(Ctx *c, const char *s, size_t maxchars)
{
	char	   *t;

	if (s == NULL || *s == '\0')
		return;
	t = norm_utf8_truncate(s, maxchars);
	if (t)
	{
		char	   *w = t;

		for (char *r = t; *r; r++)
		{
			char		ch = (*r == '\n' || *r == '\r' || *r == '\t') ? ' ' : *r;

			if (ch == ' ' && (w == t || w[-1] == ' '))
				continue;
			*w++ = ch;
		}
		while (w > t && w[-1] == ' ')
			w--;
		*w = '\0';
	}
	if (t && *t)
		json_object_set_new(c->out, "subject", json_string(t));
	free(t);
}

static json_t *
out_array(Ctx *c, const char *key)
{
	json_t	   *a = json_object_get(c->out, key);

	if (!json_is_array(a))
	{
		a = json_array();
		json_object_set_new(c->out, key, a);
	}
	return a;
}

static json_t *
extra(Ctx *c)
{
	json_t	   *e = json_object_get(c->out, "extra");

	if (!json_is_object(e))
	{
		e = json_object();
		json_object_set_new(c->out, "extra", e);
	}
	return e;
}

static void
put_extra_s(Ctx *c, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(extra(c), key, json_string(s));
}

static void
put_extra(Ctx *c, const char *key, const json_t *v)
{
	if (v && !json_is_null(v))
		json_object_set_new(extra(c), key, json_deep_copy(v));
}

/* source_record_id: <= 64 bytes as is, else "sha256:" + first 57 hex */
static void
set_sid(Ctx *c, const char *natural)
{
	if (strlen(natural) <= 64)
		put_s(c, "source_record_id", natural);
	else
	{
		char		hex[65];

		sha256_hex(natural, strlen(natural), hex);
		hex[57] = '\0';
		json_object_set_new(c->out, "source_record_id", json_sprintf("sha256:%s", hex));
	}
}

static void
set_sid_hash(Ctx *c, const char *material)
{
	char		hex[65];

	sha256_hex(material, strlen(material), hex);
	hex[57] = '\0';
	json_object_set_new(c->out, "source_record_id", json_sprintf("sha256:%s", hex));
}

static bool
str_in_array(const json_t *a, const char *s)
{
	size_t		i;
	json_t	   *v;

	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

static void
add_participant(Ctx *c, const char *s)
{
	json_t	   *a;

	if (s == NULL || *s == '\0' || strlen(s) > 512)
		return;
	a = out_array(c, "participants");
	if (json_array_size(a) < MAX_LIST && !str_in_array(a, s))
		json_array_append_new(a, json_string(s));
}

static void
add_str_item(Ctx *c, const char *key, const char *s)
{
	json_t	   *a;

	if (s == NULL || *s == '\0')
		return;
	a = out_array(c, key);
	if (json_array_size(a) < MAX_LIST && !str_in_array(a, s))
		json_array_append_new(a, json_string(s));
}

static bool
starts_with(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

static bool
ieq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	for (; *a && *b; a++, b++)
	{
		char		x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		char		y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

/* normalized address (email/phone/meeting) into buf; false if unusable */
static bool
norm_addr(const char *kind, const char *raw, char *buf, size_t buflen)
{
	if (raw == NULL || *raw == '\0')
		return false;
	if (strcmp(kind, "email") == 0)
		return norm_email_address(raw, buf, buflen);
	if (strcmp(kind, "phone") == 0)
		return norm_phone(raw, buf, buflen);
	if (strcmp(kind, "meeting") == 0 && strchr(raw, '@'))
		return norm_email_address(raw, buf, buflen);
	if (strlen(raw) >= buflen)
		return false;
	snprintf(buf, buflen, "%s", raw);
	return true;
}

static bool
add_addr(Ctx *c, const char *kind, const char *raw, const char *role)
{
	char		buf[320];
	json_t	   *a,
			   *v,
			   *o;
	size_t		i;

	if (!norm_addr(kind, raw, buf, sizeof buf))
		return false;
	a = out_array(c, "addresses");
	if (json_array_size(a) >= MAX_LIST)
		return true;
	json_array_foreach(a, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0 &&
			strcmp(json_string_value(json_object_get(v, "value")), buf) == 0 &&
			strcmp(json_string_value(json_object_get(v, "role")), role) == 0)
			return true;
	}
	o = json_object();
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "value", json_string(buf));
	json_object_set_new(o, "role", json_string(role));
	json_array_append_new(a, o);
	return true;
}

/* lower-case file extension of a name or URL path ("" if none) */
static void
file_ext(const char *name, char *out, size_t outlen)
{
	const char *end,
			   *dot = NULL,
			   *p;
	size_t		n;

	out[0] = '\0';
	if (name == NULL)
		return;
	end = name + strcspn(name, "?#");
	for (p = name; p < end; p++)
	{
		if (*p == '/' || *p == '\\')
			dot = NULL;
		else if (*p == '.')
			dot = p;
	}
	if (dot == NULL || dot + 1 >= end)
		return;
	n = (size_t) (end - dot - 1);
	if (n > 10 || n + 1 > outlen)
		return;
	for (size_t i = 0; i < n; i++)
	{
		char		ch = dot[1 + i];

		if (ch >= 'A' && ch <= 'Z')
			ch += 32;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
		{
			out[0] = '\0';
			return;
		}
		out[i] = ch;
	}
	out[n] = '\0';
	if (strcmp(out, "jpeg") == 0)
		strcpy(out, "jpg");
}

static const struct
{
	const char *ext;
	const char *ctype;
}			ctypes[] = {
	{"pdf", "application/pdf"}, {"jpg", "image/jpeg"}, {"png", "image/png"}, {"gif", "image/gif"},
	{"webp", "image/webp"}, {"bmp", "image/bmp"}, {"heic", "image/heic"},
	{"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xls", "application/vnd.ms-excel"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt", "application/vnd.ms-powerpoint"},
	{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	{"txt", "text/plain"}, {"csv", "text/csv"}, {"html", "text/html"}, {"zip", "application/zip"},
	{"rar", "application/vnd.rar"}, {"7z", "application/x-7z-compressed"},
	{"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"}, {"amr", "audio/amr"}, {"silk", "audio/silk"},
	{"wav", "audio/wav"}, {"mp4", "video/mp4"}, {"mov", "video/quicktime"}, {"vtt", "text/vtt"},
	{"dwg", "image/vnd.dwg"}, {"eml", "message/rfc822"}, {"json", "application/json"},
};

static const char *
ctype_of_ext(const char *ext)
{
	for (size_t i = 0; ext && *ext && i < sizeof ctypes / sizeof ctypes[0]; i++)
		if (strcmp(ctypes[i].ext, ext) == 0)
			return ctypes[i].ctype;
	return NULL;
}

static const char *
ext_of_ctype(const char *ct)
{
	size_t		n;

	if (ct == NULL)
		return NULL;
	n = strcspn(ct, "; ");
	for (size_t i = 0; i < sizeof ctypes / sizeof ctypes[0]; i++)
		if (strlen(ctypes[i].ctype) == n && strncmp(ctypes[i].ctype, ct, n) == 0)
			return ctypes[i].ext;
	return NULL;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* last URL path segment, percent-decoded when that yields valid UTF-8 */
static const char *
url_name(Ctx *c, const char *s, size_t n)
{
	char	   *out = malloc(n + 1);
	size_t		o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
	{
		if (s[i] == '%' && i + 2 < n &&
			hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
		{
			out[o++] = (char) (hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		}
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	if (o == 0 || memchr(out, '\0', o) || !norm_utf8_valid(out, o))
	{
		free(out);
		return keep(c, strndup(s, n));
	}
	return keep(c, out);
}

/* hash: vendor md5 (32 hex) -> "md5:<hex>", sha256 (64 hex) -> hex */
static const char *
norm_hash(Ctx *c, const char *h, bool assume_md5)
{
	size_t		n;
	char		b[80];

	if (h == NULL)
		return NULL;
	if (starts_with(h, "md5:") || starts_with(h, "sha256:"))
		return strlen(h) <= 64 ? h : NULL;
	n = strlen(h);
	if ((n != 32 && n != 64) || strspn(h, "0123456789abcdefABCDEF") != n)
		return NULL;
	for (size_t i = 0; i < n; i++)
		b[i] = (h[i] >= 'A' && h[i] <= 'F') ? h[i] + 32 : h[i];
	b[n] = '\0';
	if (n == 32 || assume_md5)
		return keepf(c, "md5:%s", b);
	return keepdup(c, b);
}

/*
 * A media size the int4 file_size column cannot hold: " (3.0 GB)" appended
 * to the placeholder line, so the reader still sees how big it is, and the
 * exact byte count in extra.file_size (kept with the record) for the
 * message itself (depth 0).  Smaller sizes change nothing.
 */
static void
note_big_size(Ctx *c, SB *content, long long size, int depth)
{
	if (size <= INT4_MAX_VALUE)
		return;
	if (size >= 1024LL * 1024 * 1024 * 1024)
		sb_printf(content, " (%.1f TB)", (double) size / (1024.0 * 1024 * 1024 * 1024));
	else
		sb_printf(content, " (%.1f GB)", (double) size / (1024.0 * 1024 * 1024));
	if (depth == 0)
		json_object_set_new(extra(c), "file_size", json_integer(size));
}

static void
add_attachment(Ctx *c, const char *name, const char *type, long long size,
			   const char *url, const char *hash, const char *ctype)
{
	json_t	   *a = out_array(c, "attachments");
	json_t	   *o;
	char		ext[16];

	if (json_array_size(a) >= MAX_LIST)
		return;
	ext[0] = '\0';
	if (type && *type)
	{
		snprintf(ext, sizeof ext, "%s", type);
		for (char *p = ext; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 32;
		if (strcmp(ext, "jpeg") == 0)
			strcpy(ext, "jpg");
	}
	if (!ext[0])
		file_ext(name, ext, sizeof ext);
	if (!ext[0])
		file_ext(url, ext, sizeof ext);
	if (!ext[0] && ext_of_ctype(ctype))
		snprintf(ext, sizeof ext, "%s", ext_of_ctype(ctype));
	if (name == NULL && url)
	{
		const char *e = url + strcspn(url, "?#");
		const char *s = e;

		while (s > url && s[-1] != '/')
			s--;
		if (e > s)
			name = url_name(c, s, (size_t) (e - s));
	}
	o = json_object();
	if (name)
		json_object_set_new(o, "file_name", json_string(name));
	if (ext[0])
		json_object_set_new(o, "file_type", json_string(ext));
	/* the row's file_size is an int4: a bigger file (a 3 GB video is real)
	 * keeps its size in size_bytes, never fails the message */
	if (size > INT4_MAX_VALUE)
		json_object_set_new(o, "size_bytes", json_integer(size));
	else if (size >= 0)
		json_object_set_new(o, "file_size", json_integer(size));
	if (url)
		json_object_set_new(o, "file_url", json_string(url));
	if (hash)
		json_object_set_new(o, "file_hash", json_string(hash));
	if (ctype == NULL)
		ctype = ctype_of_ext(ext);
	if (ctype)
		json_object_set_new(o, "content_type", json_string(ctype));
	json_array_append_new(a, o);
}

/* "15分钟", "1分35秒", "45秒", "1小时5分钟" */
static void
fmt_dur(long long s, char *buf, size_t n)
{
	if (s < 60)
		snprintf(buf, n, "%lld秒", s);
	else if (s < 3600)
	{
		if (s % 60 == 0)
			snprintf(buf, n, "%lld分钟", s / 60);
		else
			snprintf(buf, n, "%lld分%lld秒", s / 60, s % 60);
	}
	else if ((s % 3600) / 60 == 0)
		snprintf(buf, n, "%lld小时", s / 3600);
	else
		snprintf(buf, n, "%lld小时%lld分钟", s / 3600, (s % 3600) / 60);
}

/* "HH:MM" in Asia/Shanghai */
static void
fmt_hhmm(int64_t us, char *buf, size_t n)
{
	long long	sec = (long long) (us / 1000000) + NORM_DEFAULT_TZ_OFFSET_SEC;
	long long	d = ((sec % 86400) + 86400) % 86400;

	snprintf(buf, n, "%02lld:%02lld", d / 3600, (d % 3600) / 60);
}

/* explicit ids every payload may carry */
static void
copy_explicit(Ctx *c, const json_t *p)
{
	long long	cid;
	const char *s;

	static const char *const ids[] = {"customer_id", "project_id", "opportunity_id"};

	for (size_t i = 0; i < 3; i++)
	{
		s = gs(c, p, ids[i]);
		if (s && strlen(s) > 64)
		{
			fail(c, "22023", ids[i], "Explicit ids are at most 64 bytes.",
				 "Field \"%s\" is longer than 64 bytes.", ids[i]);
			return;
		}
		put_s(c, ids[i], s);
	}
	if (gi(c, p, "contact_id", &cid))
		put_i(c, "contact_id", cid);
}

/* strings or {name,...} in an array -> participants */
static const char *
person_label(Ctx *c, const json_t *v, const char **email, const char **phone)
{
	const char *name,
			   *em,
			   *ph;

	*email = *phone = NULL;
	if (json_is_string(v))
	{
		const char *s = json_string_value(v);

		if (strchr(s, '@'))
			*email = s;
		return *s ? s : NULL;
	}
	if (!json_is_object(v))
		return NULL;
	name = json_string_value(json_object_get(v, "name"));
	if (!name)
		name = json_string_value(json_object_get(v, "displayName"));
	if (!name)
		name = json_string_value(json_object_get(v, "user_name"));
	em = json_string_value(json_object_get(v, "email"));
	if (!em)
		em = json_string_value(json_object_get(v, "address"));
	ph = json_string_value(json_object_get(v, "phone"));
	if (!ph)
		ph = json_string_value(json_object_get(v, "mobile"));
	*email = (em && *em) ? em : NULL;
	*phone = (ph && *ph) ? ph : NULL;
	if (name && *name && *email)
		return keepf(c, "%s <%s>", name, *email);
	if (name && *name)
		return name;
	if (*email)
		return *email;
	return *phone;
}

/*
 * The instant an action item is due, from its due / deadline / due_date
 * value: any time commhub reads (local times are Asia/Shanghai).  A date
 * without a time of day ("2024-06-18", "2024年6月18日", 20240618) means the
 * end of that working day, 18:00 local, as the analyzer's deadlines do.
 * false when absent or unreadable ("下周五"): the item keeps its text only.
 */
static bool
due_instant(const json_t *v, int64_t *us)
{
	char		b[32];
	const char *s;
	long long	local;
	bool		digits = true;

	if (json_is_integer(v))
	{
		snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = b;
	}
	else if (json_is_real(v))
		return json_real_value(v) > 0 && norm_epoch_to_us(json_real_value(v), us);
	else if (json_is_string(v))
		s = json_string_value(v);
	else
		return false;
	/* 0 / "0" / "0000-00-00" mean "no date", as for every other time */
	if (*s == '\0' || strcmp(s, "0") == 0 || strncmp(s, "0000-00-00", 10) == 0 || !norm_parse_time(s, us))
		return false;
	/* date only: local midnight, no clock time written, not an epoch */
	local = (long long) (*us / 1000000) + NORM_DEFAULT_TZ_OFFSET_SEC;
	for (const char *q = s; *q; q++)
		digits = digits && *q >= '0' && *q <= '9';
	if (*us % 1000000 == 0 && ((local % 86400) + 86400) % 86400 == 0 &&
		strchr(s, ':') == NULL && strstr(s, "点") == NULL && strstr(s, "时") == NULL &&
		(!digits || strlen(s) == 8))
		*us += (int64_t) 18 * 3600 * 1000000;
	return true;
}

/*
 * action items: strings or {item|content|task|text|title|description,
 * owner|assignee, due|deadline|due_date}.  follow_up_items keeps one line
 * per item with the owner and due date in its text (what the task title
 * shows).  An item with an owner or a readable due time also gets an entry in
 * follow_up_details {item (the follow_up_items line), title, owner, due (ISO
 * 8601 UTC)}, so the task row can be due when the payload says instead of
 * a default.
 */
static void
add_follow_ups(Ctx *c, const json_t *arr)
{
	size_t		i;
	json_t	   *v;

	json_array_foreach(arr, i, v)
	{
		if (i >= MAX_LIST)
			break;
		if (json_is_string(v))
			add_str_item(c, "follow_up_items", json_string_value(v));
		else if (json_is_object(v))
		{
			const char *t = NULL,
					   *owner,
					   *due,
					   *item;
			const json_t *dv = NULL;
			int64_t		dus = 0;
			bool		has_due;
			static const char *const keys[] = {"item", "content", "task", "text", "title", "description"};
			static const char *const due_keys[] = {"due", "deadline", "due_date"};

			for (size_t k = 0; k < 6 && !t; k++)
				t = json_string_value(json_object_get(v, keys[k]));
			owner = json_string_value(json_object_get(v, "owner"));
			if (!owner)
				owner = json_string_value(json_object_get(v, "assignee"));
			due = json_string_value(json_object_get(v, "due"));
			if (!due)
				due = json_string_value(json_object_get(v, "deadline"));
			if (!due)
				due = json_string_value(json_object_get(v, "due_date"));
			for (size_t k = 0; k < 3 && !dv; k++)
				dv = jget(v, due_keys[k]);
			if (!t || !*t)
				continue;
			if (owner && due)
				item = keepf(c, "%s(负责人: %s, 截止: %s)", t, owner, due);
			else if (owner)
				item = keepf(c, "%s(负责人: %s)", t, owner);
			else if (due)
				item = keepf(c, "%s(截止: %s)", t, due);
			else
				item = t;
			add_str_item(c, "follow_up_items", item);
			has_due = due_instant(dv, &dus);
			if (item && ((owner && *owner) || has_due))
			{
				json_t	   *a = out_array(c, "follow_up_details");
				json_t	   *d;
				size_t		j;
				json_t	   *e;
				bool		dup = false;

				json_array_foreach(a, j, e)
				{
					const char *x = json_string_value(json_object_get(e, "item"));

					dup = dup || (x && strcmp(x, item) == 0);
				}
				if (dup || json_array_size(a) >= MAX_LIST)
					continue;
				d = json_object();
				json_object_set_new(d, "item", json_string(item));
				json_object_set_new(d, "title", json_string(t));
				if (owner && *owner)
					json_object_set_new(d, "owner", json_string(owner));
				if (has_due)
				{
					char		iso[40];

					norm_format_time_utc(dus, iso, sizeof iso);
					json_object_set_new(d, "due", json_string(iso));
				}
				json_array_append_new(a, d);
			}
		}
	}
}

static void
base_record(Ctx *c, const char *type, const char *channel, const char *system, const char *policy)
{
	put_s(c, "communication_type", type);
	put_s(c, "channel", channel);
	put_s(c, "source_system", system);
	put_s(c, "merge_policy", policy);
}

/* ====================================================================
 * wechat
 * ================================================================== */
#define WX_TOLIST_HINT "tolist must be a JSON array of user ids (strings), e.g. [\"wangming\"] or [\"wangming\", \"wmAUXzhangJL8765\"]."
#define WX_HINT "wechat accepts a WeCom archive message {msgid, action, from, tolist, roomid, msgtime, msgtype}, a callback {msg_id, msg_type, from_user, to_user, content, create_time} or an XML callback as JSON {MsgId, MsgType, FromUserName, CreateTime}."

static bool
wx_external(const char *id)
{
	return starts_with(id, "wo") || starts_with(id, "wm");
}

static void
wx_chat_key(Ctx *c, const char *roomid, const char *a, const char *b)
{
	if (roomid && *roomid)
		json_object_set_new(c->out, "chat_key", json_sprintf("room:%s", roomid));
	else if (a && b)
	{
		if (strcmp(a, b) > 0)
		{
			const char *t = a;

			a = b;
			b = t;
		}
		json_object_set_new(c->out, "chat_key", json_sprintf("pair:%s|%s", a, b));
	}
}

/* direction from WeCom ids: external sender -> inbound, internal sender
 * writing to an external contact -> outbound */
static void
wx_direction(Ctx *c, const char *from, const json_t *tolist, const char *to1)
{
	size_t		i;
	json_t	   *v;
	bool		ext_to = wx_external(to1);

	json_array_foreach(tolist, i, v)
		ext_to = ext_to || wx_external(json_string_value(v));
	if (wx_external(from))
		put_s(c, "direction_hint", "inbound");
	else if (from && ext_to)
		put_s(c, "direction_hint", "outbound");
}

/* a coordinate given as a number or a numeric string ("29.868388") */
static bool
coord(const json_t *v, double *out)
{
	const char *s;
	char	   *end;

	if (json_is_number(v))
	{
		*out = json_number_value(v);
		return isfinite(*out);
	}
	s = json_string_value(v);
	if (s == NULL || *s == '\0')
		return false;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*out);
}

/* one rendered media/message item of the archive (top level or inside
 * mixed/chatrecord); appends to content, may set media_pending and
 * attachments; returns a subject label (static) */
static const char *
wx_render(Ctx *c, const char *msgtype, const json_t *obj, SB *content, int depth)
{
	long long	n = -1,
				size = -1;
	const char *s;

	if (strcmp(msgtype, "text") == 0)
	{
		s = json_string_value(json_object_get(obj, "content"));
		sb_puts(content, s);
		return NULL;
	}
	if (strcmp(msgtype, "markdown") == 0)
	{
		s = json_string_value(json_object_get(obj, "content"));
		if (!s)
			s = json_string_value(json_object_get(json_object_get(obj, "info"), "content"));
		sb_puts(content, s);
		return NULL;
	}
	if (strcmp(msgtype, "image") == 0 || strcmp(msgtype, "ChatRecordImage") == 0)
	{
		const char *md5 = json_string_value(json_object_get(obj, "md5sum"));

		gnn(c, obj, "filesize", &size);
		sb_puts(content, "[图片] 待识别");
		note_big_size(c, content, size, depth);
		put_s(c, "media_pending", "image");
		add_attachment(c, md5 ? keepf(c, "%s.jpg", md5) : "image.jpg", "jpg", size, NULL,
					   norm_hash(c, md5, true), "image/jpeg");
		return "[image]";
	}
	if (strcmp(msgtype, "voice") == 0 || strcmp(msgtype, "meeting_voice_call") == 0)
	{
		gnn(c, obj, "play_length", &n);
		if (n > 0)
			sb_printf(content, "[语音 %lld秒] 待转写", n);
		else
			sb_puts(content, "[语音] 待转写");
		if (depth == 0 && n > 0)
			put_dur(c, path(c, "play_length"), n);
		put_s(c, "media_pending", "voice");
		return "[voice]";
	}
	if (strcmp(msgtype, "video") == 0 || strcmp(msgtype, "ChatRecordVideo") == 0)
	{
		const char *md5 = json_string_value(json_object_get(obj, "md5sum"));

		gnn(c, obj, "play_length", &n);
		gnn(c, obj, "filesize", &size);
		if (n > 0)
			sb_printf(content, "[视频 %lld秒] 待识别", n);
		else
			sb_puts(content, "[视频] 待识别");
		note_big_size(c, content, size, depth);
		if (depth == 0 && n > 0)
			put_dur(c, path(c, "play_length"), n);
		put_s(c, "media_pending", "video");
		add_attachment(c, md5 ? keepf(c, "%s.mp4", md5) : "video.mp4", "mp4", size, NULL,
					   norm_hash(c, md5, true), "video/mp4");
		return "[video]";
	}
	if (strcmp(msgtype, "file") == 0 || strcmp(msgtype, "ChatRecordFile") == 0)
	{
		const char *name = json_string_value(json_object_get(obj, "filename"));
		const char *ext = json_string_value(json_object_get(obj, "fileext"));
		const char *md5 = json_string_value(json_object_get(obj, "md5sum"));

		gnn(c, obj, "filesize", &size);
		sb_printf(content, "[文件] %s", name ? name : "");
		note_big_size(c, content, size, depth);
		put_s(c, "media_pending", "file");
		add_attachment(c, name, ext, size, NULL, norm_hash(c, md5, true), NULL);
		return "[file]";
	}
	if (strcmp(msgtype, "link") == 0 || strcmp(msgtype, "ChatRecordLink") == 0)
	{
		const char *t = json_string_value(json_object_get(obj, "title"));
		const char *d = json_string_value(json_object_get(obj, "description"));
		const char *u = json_string_value(json_object_get(obj, "link_url"));

		sb_printf(content, "[链接] %s", t ? t : "");
		if (d && *d)
			sb_printf(content, "\n%s", d);
		if (u && *u)
		{
			sb_nl(content);
			sb_puts(content, u);
			if (depth == 0)
				put_extra_s(c, "link_url", u);
		}
		return "[link]";
	}
	if (strcmp(msgtype, "location") == 0)
	{
		const char *t = json_string_value(json_object_get(obj, "title"));
		const char *a = json_string_value(json_object_get(obj, "address"));
		double		lat,
					lng;

		sb_printf(content, "[位置] %s", t ? t : "");
		if (a && *a)
			sb_printf(content, " %s", a);
		if (coord(json_object_get(obj, "latitude"), &lat) && coord(json_object_get(obj, "longitude"), &lng))
			sb_printf(content, " (%.6f, %.6f)", lat, lng);
		if (depth == 0)
			put_extra(c, "location", obj);
		return "[location]";
	}
	if (strcmp(msgtype, "weapp") == 0)
	{
		const char *t = json_string_value(json_object_get(obj, "title"));
		const char *d = json_string_value(json_object_get(obj, "description"));
		const char *dn = json_string_value(json_object_get(obj, "displayname"));

		sb_printf(content, "[小程序] %s", t ? t : "");
		if (d && *d)
			sb_printf(content, " %s", d);
		if (dn && *dn)
			sb_printf(content, " (%s)", dn);
		return "[weapp]";
	}
	if (strcmp(msgtype, "card") == 0)
	{
		const char *corp = json_string_value(json_object_get(obj, "corpname"));
		const char *uid = json_string_value(json_object_get(obj, "userid"));

		sb_printf(content, "[名片] %s %s", corp ? corp : "", uid ? uid : "");
		return "[card]";
	}
	if (strcmp(msgtype, "news") == 0)
	{
		json_t	   *items = json_object_get(json_object_get(obj, "info"), "item");
		size_t		i;
		json_t	   *it;

		if (!json_is_array(items))
			items = json_object_get(obj, "item");
		sb_puts(content, "[图文]");
		json_array_foreach(items, i, it)
		{
			const char *t = json_string_value(json_object_get(it, "title"));
			const char *d = json_string_value(json_object_get(it, "description"));
			const char *u = json_string_value(json_object_get(it, "url"));

			if (i >= 100)
				break;
			sb_printf(content, "\n%s", t ? t : "");
			if (d && *d)
				sb_printf(content, " - %s", d);
			if (u && *u)
				sb_printf(content, " %s", u);
		}
		return "[news]";
	}
	if ((strcmp(msgtype, "mixed") == 0 || strcmp(msgtype, "chatrecord") == 0) && depth < 2)
	{
		json_t	   *items = json_object_get(obj, "item");
		const char *title = json_string_value(json_object_get(obj, "title"));
		bool		chat = strcmp(msgtype, "chatrecord") == 0;
		size_t		i;
		json_t	   *it;

		if (chat)
			sb_printf(content, "[聊天记录] %s", title ? title : "");
		json_array_foreach(items, i, it)
		{
			const char *type = json_string_value(json_object_get(it, "type"));
			const char *raw = json_string_value(json_object_get(it, "content"));
			json_t	   *inner = NULL;
			const char *t;

			if (i >= 500)
				break;
			if (!type)
				continue;
			if (raw && *raw == '{')
				inner = json_loads(raw, 0, NULL);
			else if (json_is_object(json_object_get(it, "content")))
				/* SDK wrappers that decode the item's JSON string for us */
				inner = json_incref(json_object_get(it, "content"));
			if (starts_with(type, "ChatRecord") && !json_is_object(inner))
			{
				json_decref(inner);
				inner = NULL;
			}
			t = type;
			if (strcmp(type, "ChatRecordText") == 0)
				t = "text";
			else if (strcmp(type, "ChatRecordMixed") == 0)
				t = "mixed";
			sb_nl(content);
			if (json_is_object(inner))
				wx_render(c, t, inner, content, depth + 1);
			else if (strcmp(t, "text") == 0 && raw)
				sb_puts(content, raw);
			else
				sb_printf(content, "[%s]", type);
			json_decref(inner);
		}
		return chat ? "[chatrecord]" : NULL;
	}
	if (strcmp(msgtype, "emotion") == 0)
	{
		sb_puts(content, "[表情]");
		return "[emotion]";
	}
	if (strcmp(msgtype, "revoke") == 0)
	{
		sb_puts(content, "[撤回消息]");
		return "[revoke]";
	}
	/* other types (agree, vote, todo, calendar, docmsg, redpacket, ...) */
	sb_printf(content, "[%s]", msgtype);
	s = json_string_value(json_object_get(obj, "title"));
	if (!s)
		s = json_string_value(json_object_get(obj, "content"));
	if (!s)
		s = json_string_value(json_object_get(obj, "topic"));
	if (s && *s)
		sb_printf(content, " %s", s);
	return NULL;
}

/* subject: text -> first 50 chars, else the "[type]" label (+ name/title) */
static void
wx_subject(Ctx *c, const char *label, const char *text)
{
	if (label == NULL)
		put_subject(c, text, 50);
	else
		put_subject(c, label, 50);
}

static bool
wx_archive(Ctx *c, const json_t *p)
{
	const char *msgid,
			   *action,
			   *from,
			   *roomid,
			   *msgtype,
			   *objkey,
			   *label;
	const char *to1 = NULL;
	json_t	   *tolist,
			   *obj;
	int64_t		us;
	size_t		i;
	json_t	   *v;
	SB			content = {0};

	c->shape = "WeCom archive message";
	action = gs(c, p, "action");
	if (action && strcmp(action, "switch") == 0)
		return fail(c, "22023", "action",
					"Switch events (a user logging in on another device) are not communications: skip records with action \"switch\".",
					"WeCom archive record has action \"switch\", which is not a message.");
	if (action && strcmp(action, "send") != 0 && strcmp(action, "recall") != 0)
		return fail(c, "22023", "action", "action must be send or recall (switch records are skipped).",
					"Field \"action\" of the WeCom archive message has an unknown value \"%.40s\".", action);
	if (!(msgid = gs(c, p, "msgid")))
		return c->failed ? false : missing(c, "msgid", "Every archived message carries its msgid.");
	if (!(from = gs(c, p, "from")))
		return c->failed ? false : missing(c, "from", "The sender's userid (staff) or external_userid (wo.../wm...).");
	if (jget(p, "tolist") && !json_is_array(jget(p, "tolist")))
		return bad_type_hint(c, "tolist", jget(p, "tolist"), "an array", WX_TOLIST_HINT);
	tolist = ga(c, p, "tolist");
	roomid = gs(c, p, "roomid");
	if (c->failed)
		return false;
	if (gt(c, p, "msgtime", &us) <= 0)
		return c->failed ? false : time_missing(c, "msgtime");
	if (!(msgtype = gs(c, p, "msgtype")))
		return c->failed ? false : missing(c, "msgtype", "text, image, voice, video, file, link, location, weapp, card, news, mixed, chatrecord, revoke ...");

	base_record(c, "wechat", "企业微信", "wechat_work", "replace");
	set_sid(c, msgid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	put_s(c, "initiated_by", from);
	add_participant(c, from);
	add_addr(c, "wecom", from, "from");
	json_array_foreach(tolist, i, v)
	{
		if (i >= MAX_LIST)
			break;
		if (!json_is_string(v))
		{
			char		k[32];

			snprintf(k, sizeof k, "tolist[%zu]", i);
			return fail(c, "22P02", k, WX_TOLIST_HINT, "Field \"%s\" of the WeCom archive message must be a string, not %s.", k, jtype(v));
		}
		if (!to1)
			to1 = json_string_value(v);
		add_participant(c, json_string_value(v));
		add_addr(c, "wecom", json_string_value(v), "to");
	}
	wx_chat_key(c, roomid, from, to1);
	wx_direction(c, from, tolist, NULL);
	if (wx_external(from) && to1 && !wx_external(to1) && json_array_size(tolist) == 1 && !roomid)
		put_s(c, "handled_by", to1);

	if (strcmp(msgtype, "revoke") == 0 || (action && strcmp(action, "recall") == 0))
	{
		const char *pre;
		size_t		old = push_prefix(c, "revoke.");

		pre = gs(c, jget(p, "revoke"), "pre_msgid");
		if (!pre && !c->failed)
			missing(c, "pre_msgid", "A recall names the recalled message in revoke.pre_msgid.");
		pop_prefix(c, old);
		if (c->failed)
			return false;
		if (strlen(pre) <= 64)
			put_s(c, "recall_of", pre);
		else
		{
			char		hex[65];

			sha256_hex(pre, strlen(pre), hex);
			hex[57] = '\0';
			json_object_set_new(c->out, "recall_of", json_sprintf("sha256:%s", hex));
		}
		put_s(c, "content", "[撤回消息]");
		put_subject(c, "[revoke]", 50);
		return true;
	}
	obj = jget(p, msgtype);
	if (obj && !json_is_object(obj))
		return bad_type_hint(c, msgtype, obj, "an object",
							 keepf(c, "%.40s must be the message object named by msgtype, e.g. \"text\": {\"content\": \"...\"} "
								   "or \"file\": {\"filename\": \"...\", \"filesize\": 1024, \"md5sum\": \"...\"}.", msgtype));

	/*
	 * The archive API puts a news or markdown message's payload in a
	 * top-level "info" ({"msgtype":"news","info":{"item":[...]}}), not
	 * under the msgtype as for the other types; read it from there when
	 * the message has no msgtype object.
	 */
	objkey = msgtype;
	if (obj == NULL && (strcmp(msgtype, "news") == 0 || strcmp(msgtype, "markdown") == 0) && jget(p, "info"))
	{
		obj = jget(p, "info");
		if (!json_is_object(obj))
			return bad_type_hint(c, "info", obj, "an object",
								 strcmp(msgtype, "news") == 0
								 ? "info of a news message must be an object {\"item\": [{\"title\", \"description\", \"url\", \"picurl\"}]}."
								 : "info of a markdown message must be an object {\"content\": \"...\"}.");
		objkey = "info";
	}
	{
		size_t		old = push_prefix(c, "%s.", objkey);

		label = wx_render(c, msgtype, obj, &content, 0);
		pop_prefix(c, old);
	}
	if (c->failed)
	{
		sb_free(&content);
		return false;
	}
	put_s(c, "content", sb_str(&content));
	if (strcmp(msgtype, "mixed") == 0)
	{
		/* first 50 chars of the first text line, else "[mixed]" */
		const char *t = sb_str(&content);

		while (*t == '[' || *t == '\n')
		{
			const char *nl = strchr(t, '\n');

			if (nl == NULL)
			{
				t = "";
				break;
			}
			t = nl + 1;
		}
		put_subject(c, *t ? keep(c, strndup(t, strcspn(t, "\n"))) : "[mixed]", 50);
	}
	else
		wx_subject(c, label ? label : (strcmp(msgtype, "text") == 0 || strcmp(msgtype, "markdown") == 0) ? NULL :
				   keepf(c, "[%s]", msgtype), sb_str(&content));
	if (strcmp(msgtype, "file") == 0)
	{
		const char *fn = json_string_value(json_object_get(obj, "filename"));

		if (fn && *fn)
			put_subject(c, keepf(c, "[file] %s", fn), 50);
	}
	sb_free(&content);
	put_extra_s(c, "msgtype", msgtype);
	put_extra_s(c, "roomid", roomid);
	if (obj && json_is_string(json_object_get(obj, "sdkfileid")))
		put_extra(c, "sdkfileid", json_object_get(obj, "sdkfileid"));
	return true;
}

/* the seed's callback {msg_type, from_user, to_user, content, create_time, msg_id, ...} */
static bool
wx_callback(Ctx *c, const json_t *p, bool xml)
{
	const char *msgid,
			   *type,
			   *from,
			   *to,
			   *text;
	int64_t		us;
	SB			content = {0};
	const char *label = NULL;

	c->shape = xml ? "WeCom XML callback" : "WeCom callback message";
	if (xml)
	{
		type = gs(c, p, "MsgType");
		if (type && strcmp(type, "event") == 0)
			return fail(c, "22023", "MsgType", "Event callbacks (subscribe, enter_agent, click, change_external_contact ...) are not messages; skip them.",
						"WeCom XML callback of MsgType \"event\" is not a message.");
		msgid = gs(c, p, "MsgId");
		from = gs(c, p, "FromUserName");
		to = gs(c, p, "ToUserName");
		text = gs(c, p, "Content");
	}
	else
	{
		type = gs(c, p, "msg_type");
		msgid = gs(c, p, "msg_id");
		from = gs(c, p, "from_user");
		to = gs(c, p, "to_user");
		text = gs(c, p, "content");
	}
	if (c->failed)
		return false;
	if (!msgid)
		return missing(c, xml ? "MsgId" : "msg_id", "The message id WeCom assigned (unique per message).");
	if (!from)
		return missing(c, xml ? "FromUserName" : "from_user", "The sender's userid or external_userid.");
	if (gt(c, p, xml ? "CreateTime" : "create_time", &us) <= 0)
		return c->failed ? false : time_missing(c, xml ? "CreateTime" : "create_time");
	if (!type)
		type = "text";

	base_record(c, "wechat", "企业微信", "wechat_work", "replace");
	set_sid(c, msgid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	put_s(c, "initiated_by", from);
	add_participant(c, from);
	add_addr(c, "wecom", from, "from");
	wx_chat_key(c, NULL, from, to);
	if (xml && to && (starts_with(to, "ww") || starts_with(to, "wx")) && strlen(to) == 18)
	{
		put_extra_s(c, "corp_id", to);
		put_extra_s(c, "agent_id", gs(c, p, "AgentID"));
		to = NULL;
	}
	add_participant(c, to);
	add_addr(c, "wecom", to, "to");
	wx_direction(c, from, NULL, to);
	if (to && !wx_external(to))
		put_s(c, "handled_by", to);

	if (strcmp(type, "text") == 0)
		sb_puts(&content, text);
	else if (strcmp(type, "image") == 0)
	{
		const char *url = xml ? gs(c, p, "PicUrl") : gs(c, p, "image_url");

		sb_puts(&content, "[图片] 待识别");
		put_s(c, "media_pending", "image");
		if (url)
			add_attachment(c, NULL, NULL, -1, url, NULL, NULL);
		label = "[image]";
	}
	else if (strcmp(type, "voice") == 0)
	{
		const char *url = xml ? NULL : gs(c, p, "voice_url");
		const char *recog = xml ? gs(c, p, "Recognition") : NULL;
		long long	n = -1;
		const char *nkey = "duration";

		if (!gnn(c, p, "duration", &n))
		{
			nkey = "play_length";
			gnn(c, p, "play_length", &n);
		}
		if (recog)
			sb_printf(&content, "[语音] %s", recog);
		else
		{
			if (n > 0)
				sb_printf(&content, "[语音 %lld秒] 待转写", n);
			else
				sb_puts(&content, "[语音] 待转写");
			put_s(c, "media_pending", "voice");
		}
		if (n > 0)
			put_dur(c, nkey, n);
		put_s(c, "recording_url", url);
		label = "[voice]";
	}
	else if (strcmp(type, "video") == 0)
	{
		const char *url = xml ? NULL : gs(c, p, "video_url");

		sb_puts(&content, "[视频] 待识别");
		put_s(c, "media_pending", "video");
		if (url)
			add_attachment(c, NULL, NULL, -1, url, NULL, NULL);
		label = "[video]";
	}
	else if (strcmp(type, "file") == 0)
	{
		const char *url = xml ? NULL : gs(c, p, "file_url");
		const char *name = gs_first(c, p, NULL, "file_name", "filename", "FileName", NULL);
		long long	size = -1;

		gnn(c, p, "file_size", &size);
		if (!name && url)
		{
			add_attachment(c, NULL, NULL, size, url, NULL, NULL);
			name = json_string_value(json_object_get(json_array_get(json_object_get(c->out, "attachments"), 0), "file_name"));
		}
		else
			add_attachment(c, name, NULL, size, url, NULL, NULL);
		if (!name)
			name = text;
		sb_printf(&content, "[文件] %s", name ? name : "");
		note_big_size(c, &content, size, 0);
		put_s(c, "media_pending", "file");
		label = name ? keepf(c, "[file] %s", name) : "[file]";
	}
	else if (strcmp(type, "location") == 0)
	{
		const char *lbl = xml ? gs(c, p, "Label") : gs(c, p, "address");
		const char *x = gs_first(c, p, NULL, "Location_X", "latitude", NULL);
		const char *y = gs_first(c, p, NULL, "Location_Y", "longitude", NULL);

		sb_printf(&content, "[位置] %s", lbl ? lbl : "");
		if (x && y)
			sb_printf(&content, " (%s, %s)", x, y);
		label = "[location]";
	}
	else if (strcmp(type, "link") == 0)
	{
		const char *t = gs_first(c, p, NULL, "Title", "title", NULL);
		const char *d = gs_first(c, p, NULL, "Description", "description", NULL);
		const char *u = gs_first(c, p, NULL, "Url", "url", "link_url", NULL);

		sb_printf(&content, "[链接] %s", t ? t : "");
		if (d)
			sb_printf(&content, "\n%s", d);
		if (u)
		{
			sb_printf(&content, "\n%s", u);
			put_extra_s(c, "link_url", u);
		}
		label = "[link]";
	}
	else
	{
		sb_printf(&content, "[%s]", type);
		if (text)
			sb_printf(&content, " %s", text);
		label = keepf(c, "[%s]", type);
	}
	if (c->failed)
	{
		sb_free(&content);
		return false;
	}
	put_s(c, "content", sb_str(&content));
	wx_subject(c, label, sb_str(&content));
	sb_free(&content);
	put_extra_s(c, "msgtype", type);
	return true;
}

static bool
norm_wechat(Ctx *c, const json_t *p)
{
	if (jget(p, "msgid") || (jget(p, "action") && jget(p, "msgtype")) ||
		(jget(p, "action") && !jget(p, "msg_id") && !jget(p, "MsgId")))
		return wx_archive(c, p);
	if (jget(p, "MsgType") || jget(p, "MsgId") || jget(p, "FromUserName"))
		return wx_callback(c, p, true);
	if (jget(p, "msg_id") || jget(p, "msg_type") || jget(p, "from_user"))
		return wx_callback(c, p, false);
	return fail(c, "22023", "", WX_HINT, "The wechat payload has an unrecognized shape (no msgid, msg_id or MsgId).");
}

/* ====================================================================
 * phone (400 hotline) and mobile
 * ================================================================== */
#define PHONE_HINT "phone accepts an Asterisk CDR {uniqueid|linkedid, calldate|start, src, dst, disposition, billsec}, a FreeSWITCH JSON CDR {variables{uuid, start_epoch, billsec, hangup_cause}} or a 400 carrier push {call_sn, tel, caller_id, start_time}."

typedef enum
{
	NUM_NONE, NUM_INTERNAL, NUM_EXTERNAL
} numclass;

/* an extension (<= 6 digits) or a 400/800 hotline number is ours */
static numclass
num_class(const char *norm)
{
	size_t		n;

	if (norm == NULL || *norm == '\0')
		return NUM_NONE;
	n = strlen(norm);
	if (n <= 6 && strspn(norm, "0123456789") == n)
		return NUM_INTERNAL;
	if (n == 10 && (starts_with(norm, "400") || starts_with(norm, "800")))
		return NUM_INTERNAL;
	return NUM_EXTERNAL;
}

static const char *
guess_direction(const char *caller, const char *callee)
{
	numclass	a = num_class(caller),
				b = num_class(callee);

	if (a == NUM_EXTERNAL && b != NUM_EXTERNAL)
		return "inbound";
	if (a == NUM_INTERNAL && b == NUM_EXTERNAL)
		return "outbound";
	return NULL;
}

/* "inbound"/"outbound" from in|out|inbound|outbound|呼入|呼出|1|2 */
static const char *
parse_direction(const char *s)
{
	if (s == NULL)
		return NULL;
	if (ieq(s, "in") || ieq(s, "inbound") || ieq(s, "incoming") || strcmp(s, "1") == 0 ||
		strcmp(s, "呼入") == 0 || strcmp(s, "来电") == 0)
		return "inbound";
	if (ieq(s, "out") || ieq(s, "outbound") || ieq(s, "outgoing") || strcmp(s, "2") == 0 ||
		strcmp(s, "呼出") == 0 || strcmp(s, "去电") == 0 || strcmp(s, "外呼") == 0)
		return "outbound";
	return NULL;
}

typedef struct CallInfo
{
	const char *caller;			/* raw */
	const char *callee;
	const char *dir;			/* inbound/outbound/NULL */
	long long	talk;			/* billsec, -1 unknown */
	const char *talk_field;		/* JSON path talk came from (errors) */
	bool		missed;
	const char *recording;
	const char *note;
	const char *prefix;			/* subject prefix: "400" or "手机" */
} CallInfo;

/* subject, content, call_number, addresses, duration, missed */
static void
call_finish(Ctx *c, const CallInfo *ci)
{
	char		a[40],
				b[40],
				d[40];
	const char *na = ci->caller,
			   *nb = ci->callee;
	const char *num;
	SB			s = {0};

	if (ci->caller && norm_phone(ci->caller, a, sizeof a))
		na = a;
	if (ci->callee && norm_phone(ci->callee, b, sizeof b))
		nb = b;
	if (ci->dir)
		put_s(c, "direction_hint", ci->dir);
	num = (ci->dir && strcmp(ci->dir, "outbound") == 0) ? nb : na;
	if (num == na && na != a)
		num = NULL;
	if (num == nb && nb != b)
		num = NULL;
	if (num)
		put_s(c, "call_number", num);
	add_addr(c, "phone", ci->caller, "from");
	add_addr(c, "phone", ci->callee, "to");
	if (ci->talk >= 0)
		put_dur(c, ci->talk_field, ci->talk);
	json_object_set_new(c->out, "missed", json_boolean(ci->missed));
	put_s(c, "recording_url", ci->recording);

	/* content line */
	if (ci->dir && strcmp(ci->dir, "inbound") == 0)
		sb_puts(&s, ci->missed ? "未接来电" : "来电");
	else if (ci->dir)
		sb_puts(&s, ci->missed ? "未接通去电" : "去电");
	else
		sb_puts(&s, ci->missed ? "未接通电话" : "电话");
	if (na)
		sb_printf(&s, " %s", na);
	if (nb)
		sb_printf(&s, " → %s", nb);
	if (!ci->missed && ci->talk >= 0)
	{
		fmt_dur(ci->talk, d, sizeof d);
		sb_printf(&s, ",通话 %s", d);
	}
	if (ci->recording)
		sb_puts(&s, ",已录音");
	if (ci->note)
		sb_printf(&s, "\n%s", ci->note);
	put_s(c, "content", sb_str(&s));
	sb_free(&s);
	/* the analyzer reads what a person wrote or said, not the line above */
	json_object_set_new(c->out, "analysis_text", json_string(ci->note ? ci->note : ""));

	/* subject */
	if (ci->dir && strcmp(ci->dir, "inbound") == 0)
		put_subject(c, keepf(c, "%s %s", ci->missed ? "未接来电" : keepf(c, "%s来电", ci->prefix), na ? na : ""), 256);
	else if (ci->dir)
		put_subject(c, keepf(c, "%s %s", ci->missed ? "未接通去电" : keepf(c, "%s去电", ci->prefix), nb ? nb : ""), 256);
	else
		put_subject(c, keepf(c, "%s电话 %s → %s", ci->prefix, na ? na : "?", nb ? nb : "?"), 256);
}

static bool
phone_asterisk(Ctx *c, const json_t *p)
{
	const char *uniqueid,
			   *linkedid,
			   *disp,
			   *dcontext,
			   *which = "calldate";
	int64_t		us,
				ans = 0;
	int			has_ans;
	long long	billsec = -1,
				dur = -1;
	CallInfo	ci = {0};

	c->shape = "Asterisk CDR";
	uniqueid = gs(c, p, "uniqueid");
	linkedid = gs(c, p, "linkedid");
	if (c->failed)
		return false;
	if (!uniqueid && !linkedid)
		return missing(c, "uniqueid", "An Asterisk CDR is keyed by linkedid (all legs of one call) or uniqueid.");
	if (jget(p, "start") && !jget(p, "calldate"))
		which = "start";
	if (gt_first(c, p, &us, "calldate", "start", NULL) <= 0)
		return c->failed ? false : time_missing(c, which);
	has_ans = gt(c, p, "answer", &ans);
	{
		int64_t		endus;

		if (gt(c, p, "end", &endus) > 0)
		{
			char		iso[40];

			norm_format_time_utc(endus, iso, sizeof iso);
			put_extra_s(c, "end_time", iso);
		}
	}
	gnn(c, p, "billsec", &billsec);
	gnn(c, p, "duration", &dur);
	disp = gs(c, p, "disposition");
	dcontext = gs(c, p, "dcontext");
	ci.caller = gs(c, p, "src");
	ci.callee = gs(c, p, "dst");
	ci.recording = gs(c, p, "recordingfile");
	ci.note = gs(c, p, "userfield");
	if (c->failed)
		return false;
	if (disp && !(ieq(disp, "ANSWERED") || ieq(disp, "NO ANSWER") || ieq(disp, "BUSY") ||
				  ieq(disp, "FAILED") || ieq(disp, "CONGESTION")))
		return fail(c, "22023", "disposition", "ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION.",
					"Field \"disposition\" of the Asterisk CDR has an unknown value \"%.40s\".", disp);
	base_record(c, "phone", "400电话", "asterisk", "enrich");
	set_sid(c, linkedid ? linkedid : uniqueid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	ci.talk = billsec;
	ci.talk_field = "billsec";
	if (disp)
		ci.missed = !ieq(disp, "ANSWERED");
	else
		ci.missed = billsec <= 0 && has_ans <= 0;
	if (dcontext && (strstr(dcontext, "from-trunk") || strstr(dcontext, "from-pstn") ||
					 strstr(dcontext, "from-did") || strstr(dcontext, "ext-did") ||
					 strstr(dcontext, "incoming") || strstr(dcontext, "inbound")))
		ci.dir = "inbound";
	else
	{
		char		nb[40];

		ci.dir = guess_direction(ci.caller && norm_phone(ci.caller, nb, sizeof nb) ? keepdup(c, nb) : NULL,
								 ci.callee && norm_phone(ci.callee, nb, sizeof nb) ? keepdup(c, nb) : NULL);
	}
	ci.prefix = "400";
	call_finish(c, &ci);
	put_extra_s(c, "uniqueid", uniqueid);
	put_extra_s(c, "disposition", disp);
	put_extra_s(c, "dcontext", dcontext);
	put_extra_s(c, "channel", gs(c, p, "channel"));
	put_extra_s(c, "dstchannel", gs(c, p, "dstchannel"));
	put_extra_s(c, "accountcode", gs(c, p, "accountcode"));
	put_extra_s(c, "clid", gs(c, p, "clid"));
	if (dur >= 0)
		json_object_set_new(extra(c), "total_duration", json_integer(dur));
	return !c->failed;
}

/* caller_profile of the first dialplan pass (lowest profile_index) */
static const json_t *
fs_caller_profile(const json_t *p)
{
	const json_t *cf = jget(p, "callflow");
	const json_t *best = NULL;
	long long	besti = 0;
	size_t		i;
	json_t	   *v;

	if (json_is_object(cf))
		return json_is_object(json_object_get(cf, "caller_profile")) ? json_object_get(cf, "caller_profile") : NULL;
	json_array_foreach(cf, i, v)
	{
		const json_t *prof = json_object_get(v, "caller_profile");
		const char *pi = json_string_value(json_object_get(v, "profile_index"));
		long long	idx = pi ? atoll(pi) : (long long) i;

		if (i >= 100)
			break;
		if (!json_is_object(prof))
			continue;
		if (best == NULL || idx < besti)
		{
			best = prof;
			besti = idx;
		}
	}
	if (best == NULL && json_is_object(jget(p, "caller_profile")))
		best = jget(p, "caller_profile");
	return best;
}

static bool
phone_freeswitch(Ctx *c, const json_t *p)
{
	const json_t *v,
			   *cp;
	const char *uuid,
			   *orig,
			   *cause,
			   *dirv;
	int64_t		us,
				ans = 0,
				endus = 0;
	int			has_ans,
				has_end;
	long long	billsec = -1,
				dur = -1;
	CallInfo	ci = {0};
	static const char *const missed_causes[] = {
		"NO_ANSWER", "ORIGINATOR_CANCEL", "USER_BUSY", "NO_USER_RESPONSE", "CALL_REJECTED",
		"LOSE_RACE", "USER_NOT_REGISTERED", "SUBSCRIBER_ABSENT"
	};

	c->shape = "FreeSWITCH JSON CDR";
	v = go(c, p, "variables");
	if (c->failed)
		return false;
	cp = fs_caller_profile(p);
	push_prefix(c, "variables.");
	uuid = gs_first(c, v, NULL, "uuid", "call_uuid", NULL);
	if (!uuid && !c->failed)
		uuid = json_string_value(json_object_get(cp, "uuid"));
	if (!uuid && !c->failed)
		return missing(c, "uuid", "The channel uuid of the CDR (variables.uuid).");
	orig = gs_first(c, v, NULL, "originating_leg_uuid", "originator", NULL);
	if (gt_first(c, v, &us, "start_uepoch", "start_epoch", "start_stamp", NULL) <= 0)
		return c->failed ? false : time_missing(c, "start_epoch");
	has_ans = gt_first(c, v, &ans, "answer_uepoch", "answer_epoch", "answer_stamp", NULL);
	has_end = gt_first(c, v, &endus, "end_uepoch", "end_epoch", "end_stamp", NULL);
	gnn(c, v, "billsec", &billsec);
	gnn(c, v, "duration", &dur);
	cause = gs(c, v, "hangup_cause");
	dirv = gs_first(c, v, NULL, "call_direction", "direction", NULL);
	ci.caller = gs_first(c, v, NULL, "caller_id_number", NULL);
	if (!ci.caller)
		ci.caller = json_string_value(json_object_get(cp, "caller_id_number"));
	if (!ci.caller)
		ci.caller = gs_first(c, v, NULL, "sip_from_user", "ani", NULL);
	ci.callee = gs_first(c, v, NULL, "destination_number", NULL);
	if (!ci.callee)
		ci.callee = json_string_value(json_object_get(cp, "destination_number"));
	if (!ci.callee)
		ci.callee = gs_first(c, v, NULL, "sip_to_user", "sip_req_user", "dialed_user", "callee_id_number", NULL);
	ci.recording = gs_first(c, v, NULL, "record_path", "recording_file", "record_file", "recording_path", NULL);
	ci.note = gs_first(c, v, NULL, "userfield", "call_note", NULL);
	if (c->failed)
		return false;
	pop_prefix(c, 0);
	if (ci.caller && !*ci.caller)
		ci.caller = NULL;
	if (ci.callee && !*ci.callee)
		ci.callee = NULL;

	base_record(c, "phone", "400电话", "freeswitch", "enrich");
	set_sid(c, orig ? orig : uuid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	ci.talk_field = "variables.billsec";
	if (billsec < 0 && has_ans > 0 && has_end > 0 && endus >= ans)
	{
		billsec = (endus - ans) / 1000000;
		ci.talk_field = keepf(c, "variables.%s", present_key(v, "end_uepoch", "end_epoch", "end_stamp", NULL));
	}
	ci.talk = billsec;
	ci.missed = billsec <= 0 && has_ans <= 0;
	for (size_t i = 0; cause && i < sizeof missed_causes / sizeof missed_causes[0]; i++)
		if (strcmp(cause, missed_causes[i]) == 0 && billsec <= 0)
			ci.missed = true;
	{
		char		na[40],
					nb[40];

		ci.dir = guess_direction(ci.caller && norm_phone(ci.caller, na, sizeof na) ? na : NULL,
								 ci.callee && norm_phone(ci.callee, nb, sizeof nb) ? nb : NULL);
		if (ci.dir)
			ci.dir = keepdup(c, ci.dir);
	}
	if (!ci.dir)
		ci.dir = parse_direction(dirv);
	ci.prefix = "400";
	call_finish(c, &ci);
	put_extra_s(c, "uuid", uuid);
	put_extra_s(c, "hangup_cause", cause);
	put_extra_s(c, "switchname", json_string_value(jget(p, "switchname")));
	put_extra_s(c, "sip_call_id", json_string_value(json_object_get(v, "sip_call_id")));
	put_extra_s(c, "fs_direction", dirv);
	if (dur >= 0)
		json_object_set_new(extra(c), "total_duration", json_integer(dur));
	return !c->failed;
}

static bool
phone_carrier(Ctx *c, const json_t *p)
{
	const char *sn,
			   *tel,
			   *state,
			   *dirs,
			   *agent;
	int64_t		us,
				ans = 0,
				endus = 0;
	int			has_ans,
				has_end;
	long long	dur = -1;
	CallInfo	ci = {0};
	char		nt[40];

	c->shape = "400 carrier call push";
	if (!(sn = gs(c, p, "call_sn")))
		return c->failed ? false : missing(c, "call_sn", "The carrier's call serial number identifies the call.");
	if (gt(c, p, "start_time", &us) <= 0)
		return c->failed ? false : time_missing(c, "start_time");
	has_ans = gt(c, p, "answer_time", &ans);
	has_end = gt(c, p, "end_time", &endus);
	gdur(c, p, "call_duration", &dur);
	tel = gs(c, p, "tel");
	state = gs(c, p, "state");
	dirs = gs_first(c, p, NULL, "direction", "call_type", NULL);
	ci.caller = gs(c, p, "caller_id");
	ci.callee = gs(c, p, "callee_id");
	ci.recording = gs_first(c, p, NULL, "tape_url", "record_url", NULL);
	ci.note = gs_first(c, p, NULL, "remark", "note", NULL);
	agent = gs_first(c, p, NULL, "agent_name", "agent", "staff", NULL);
	if (c->failed)
		return false;
	if (dirs && !parse_direction(dirs))
		return fail(c, "22023", jget(p, "direction") ? "direction" : "call_type",
					"1 / in / inbound / 呼入 for incoming calls, 2 / out / outbound / 呼出 for outgoing calls.",
					"The 400 carrier call push has an unknown call direction \"%.40s\".", dirs);

	base_record(c, "phone", "400电话", "carrier_400", "replace");
	set_sid(c, sn);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	ci.talk_field = "call_duration";
	if (dur < 0 && has_ans > 0 && has_end > 0 && endus >= ans)
	{
		dur = (endus - ans) / 1000000;
		ci.talk_field = "end_time";
	}
	ci.talk = dur;
	if (state)
	{
		if (ieq(state, "answered") || strcmp(state, "已接") == 0 || strcmp(state, "接通") == 0 ||
			strcmp(state, "已接通") == 0 || ieq(state, "success") || strcmp(state, "1") == 0)
			ci.missed = false;
		else if (ieq(state, "noanswer") || ieq(state, "no_answer") || ieq(state, "missed") ||
				 ieq(state, "busy") || ieq(state, "failed") || ieq(state, "cancel") ||
				 strcmp(state, "未接") == 0 || strcmp(state, "未接通") == 0 || strcmp(state, "漏接") == 0 ||
				 strcmp(state, "忙") == 0 || strcmp(state, "占线") == 0 || strcmp(state, "0") == 0)
			ci.missed = true;
		else
			ci.missed = has_ans <= 0 && dur <= 0;
	}
	else
		ci.missed = has_ans <= 0 && dur <= 0;
	ci.dir = parse_direction(dirs);
	if (!ci.dir)
	{
		char		na[40];

		if (ci.caller && norm_phone(ci.caller, na, sizeof na) &&
			(num_class(na) == NUM_INTERNAL || (tel && norm_phone(tel, nt, sizeof nt) && strcmp(na, nt) == 0)))
			ci.dir = "outbound";
		else
			ci.dir = "inbound";
	}
	if (strcmp(ci.dir, "inbound") == 0 && tel)
	{
		/* customer -> 400 number (forwarded to callee_id, a staff phone) */
		CallInfo	c2 = ci;

		c2.callee = tel;
		c2.prefix = "400";
		call_finish(c, &c2);
		add_addr(c, "phone", ci.callee, "to");
		if (agent)
			put_s(c, "handled_by", agent);
	}
	else
	{
		ci.prefix = "400";
		call_finish(c, &ci);
		if (agent)
			put_s(c, "initiated_by", agent);
	}
	put_extra_s(c, "tel", tel);
	put_extra_s(c, "state", state);
	put_extra_s(c, "callee_id", ci.callee);
	return !c->failed;
}

static bool
norm_phone_channel(Ctx *c, const json_t *p)
{
	if (jget(p, "variables"))
		return phone_freeswitch(c, p);
	if (jget(p, "call_sn") || (jget(p, "tel") && jget(p, "caller_id")))
		return phone_carrier(c, p);
	if (jget(p, "uniqueid") || jget(p, "linkedid") ||
		(jget(p, "disposition") && (jget(p, "billsec") || jget(p, "dcontext") || jget(p, "calldate"))))
		return phone_asterisk(c, p);
	return fail(c, "22023", "", PHONE_HINT, "The phone payload has an unrecognized shape (no uniqueid/linkedid, variables or call_sn).");
}

static bool
norm_mobile(Ctx *c, const json_t *p)
{
	const char *number,
			   *type,
			   *staff,
			   *note,
			   *name,
			   *id,
			   *tkey = "start";
	int64_t		us;
	long long	dur = -1;
	CallInfo	ci = {0};
	char		nn[40];
	const char *dir = NULL;
	bool		missed = false;

	c->shape = "mobile call log entry";
	number = gs_first(c, p, NULL, "number", "phone", "phone_number", NULL);
	type = gs_first(c, p, NULL, "type", "call_type", NULL);
	staff = gs_first(c, p, NULL, "salesperson", "staff", "sales_person", NULL);
	note = gs_first(c, p, NULL, "note", "notes", NULL);
	name = gs_first(c, p, NULL, "name", "contact_name", NULL);
	id = gs_first(c, p, NULL, "id", "call_id", NULL);
	if (c->failed)
		return false;
	if (!number)
		return missing(c, "number", "The other party's phone number (number or phone).");
	if (!jget(p, "start") && jget(p, "start_time"))
		tkey = "start_time";
	else if (!jget(p, "start") && jget(p, "date"))
		tkey = "date";
	if (gt_first(c, p, &us, "start", "start_time", "date", NULL) <= 0)
		return c->failed ? false : time_missing(c, tkey);
	gdur(c, p, "duration", &dur);
	if (c->failed)
		return false;
	if (type)
	{
		if (ieq(type, "in") || ieq(type, "incoming") || ieq(type, "inbound") || strcmp(type, "1") == 0 || strcmp(type, "呼入") == 0 || strcmp(type, "来电") == 0)
			dir = "inbound";
		else if (ieq(type, "out") || ieq(type, "outgoing") || ieq(type, "outbound") || strcmp(type, "2") == 0 || strcmp(type, "呼出") == 0 || strcmp(type, "去电") == 0)
			dir = "outbound";
		else if (ieq(type, "missed") || strcmp(type, "3") == 0 || strcmp(type, "未接") == 0 ||
				 strcmp(type, "未接来电") == 0 || ieq(type, "rejected") || strcmp(type, "5") == 0 ||
				 strcmp(type, "拒接") == 0)
		{
			dir = "inbound";
			missed = true;
		}
		else if (strcmp(type, "4") == 0 || ieq(type, "voicemail") || strcmp(type, "6") == 0 || ieq(type, "blocked"))
		{
			dir = "inbound";
			missed = true;
		}
		else
			return fail(c, "22023", path(c, jget(p, "type") ? "type" : "call_type"),
						"in / out / missed, 呼入 / 呼出 / 未接, or Android CallLog types 1 (incoming), 2 (outgoing), 3 (missed), 5 (rejected).",
						"The mobile call log entry has an unknown call type \"%.40s\".", type);
	}
	if (dir && strcmp(dir, "outbound") == 0 && dur == 0)
		missed = true;

	base_record(c, "mobile", "移动电话", "mobile_log", "replace");
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (id)
		set_sid(c, id);
	else
	{
		const char *nv = norm_phone(number, nn, sizeof nn) ? nn : number;

		set_sid_hash(c, keepf(c, "%s|%s|%lld", staff ? staff : "", nv, (long long) us));
	}
	if (dir)
		put_s(c, "direction_hint", dir);
	if (norm_phone(number, nn, sizeof nn))
		put_s(c, "call_number", nn);
	add_addr(c, "phone", number, (dir && strcmp(dir, "outbound") == 0) ? "to" : "from");
	{
		const char *own = gs_first(c, p, NULL, "own_number", "staff_phone", NULL);

		if (own)
			add_addr(c, "phone", own, (dir && strcmp(dir, "outbound") == 0) ? "from" : "to");
	}
	if (dur >= 0)
		put_dur(c, path(c, "duration"), dur);
	json_object_set_new(c->out, "missed", json_boolean(missed));
	if (staff)
	{
		put_s(c, "handled_by", staff);
		if (dir && strcmp(dir, "outbound") == 0)
			put_s(c, "initiated_by", staff);
		add_participant(c, staff);
	}
	{
		const char *shown = norm_phone(number, nn, sizeof nn) ? keepdup(c, nn) : number;
		const char *who = name ? keepf(c, "%s %s", name, shown) : shown;
		const char *verb = dir == NULL ? (missed ? "未接通电话" : "电话") :
			strcmp(dir, "inbound") == 0 ? (missed ? "未接来电" : "来电") : (missed ? "未接通去电" : "去电");
		SB			s = {0};

		add_participant(c, name ? keepf(c, "%s <%s>", name, shown) : shown);
		sb_printf(&s, "%s %s", verb, who);
		if (!missed && dur > 0)
		{
			char		d[40];

			fmt_dur(dur, d, sizeof d);
			sb_printf(&s, ",通话 %s", d);
		}
		put_s(c, "content", note ? note : sb_str(&s));
		/* the analyzer reads the salesperson's note, not the line above */
		json_object_set_new(c->out, "analysis_text", json_string(note ? note : ""));
		sb_free(&s);
		if (missed)
			put_subject(c, keepf(c, "%s %s", verb, who), 256);
		else
			put_subject(c, keepf(c, "手机%s %s", dir ? verb : "通话", who), 256);
	}
	(void) ci;
	return !c->failed;
}

/* ====================================================================
 * email
 * ================================================================== */
/* Message-ID without <> and surrounding blanks */
static const char *
strip_angle(Ctx *c, const char *s)
{
	const char *b,
			   *e;

	if (s == NULL)
		return NULL;
	b = s;
	while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
		b++;
	if (*b == '<')
		b++;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	if (e > b && e[-1] == '>')
		e--;
	if (e <= b)
		return NULL;
	return keep(c, strndup(b, (size_t) (e - b)));
}

/* split "a <x@y>, \"B, C\" <z@w>" on commas outside quotes and <> */
static void
email_add_list_string(Ctx *c, const char *s, const char *role, const char **first)
{
	size_t		n = strlen(s),
				start = 0;
	bool		inq = false;
	int			angle = 0;

	for (size_t i = 0; i <= n; i++)
	{
		char		ch = s[i];

		if (ch == '"')
			inq = !inq;
		else if (ch == '<' && !inq)
			angle++;
		else if (ch == '>' && !inq && angle > 0)
			angle--;
		if ((ch == '\0' || ((ch == ',' || ch == ';') && !inq && angle == 0)) && i > start)
		{
			char	   *piece = strndup(s + start, i - start);
			char		addr[320];
			char	   *b = piece,
					   *e;

			while (*b == ' ' || *b == '\t')
				b++;
			e = b + strlen(b);
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			if (*b && norm_email_address(b, addr, sizeof addr))
			{
				add_addr(c, "email", addr, role);
				add_participant(c, b);
				if (first && !*first)
					*first = keepdup(c, addr);
			}
			free(piece);
			start = i + 1;
		}
	}
}

static void
email_add_one(Ctx *c, const json_t *o, const char *role, const char **first)
{
	const char *a = json_string_value(json_object_get(o, "address"));
	const char *nm = json_string_value(json_object_get(o, "name"));
	char		addr[320];

	if (!a)
		a = json_string_value(json_object_get(o, "email"));
	if (!a || !norm_email_address(a, addr, sizeof addr))
		return;
	add_addr(c, "email", addr, role);
	add_participant(c, (nm && *nm) ? keepf(c, "%s <%s>", nm, addr) : addr);
	if (first && !*first)
		*first = keepdup(c, addr);
}

/* from/to/cc: string, [strings|{address,name}], {value:[...], text}, {address,name} */
static bool
email_addresses(Ctx *c, const json_t *p, const char *key, const char *role, const char **first)
{
	json_t	   *v = jget(p, key);
	size_t		i;
	json_t	   *e;

	if (v == NULL)
		return true;
	if (json_is_string(v))
		email_add_list_string(c, json_string_value(v), role, first);
	else if (json_is_array(v))
	{
		json_array_foreach(v, i, e)
		{
			if (i >= MAX_LIST)
				break;
			if (json_is_string(e))
				email_add_list_string(c, json_string_value(e), role, first);
			else if (json_is_object(e))
			{
				if (json_is_array(json_object_get(e, "value")))
				{
					size_t		j;
					json_t	   *x;

					json_array_foreach(json_object_get(e, "value"), j, x)
					{
						if (j >= MAX_LIST)
							break;
						email_add_one(c, x, role, first);
					}
				}
				else
					email_add_one(c, e, role, first);
			}
			else
				return bad_type(c, keepf(c, "%s[%zu]", key, i), e, "an address string or {address, name}");
		}
	}
	else if (json_is_object(v))
	{
		json_t	   *val = json_object_get(v, "value");

		if (json_is_array(val))
		{
			json_array_foreach(val, i, e)
			{
				if (i >= MAX_LIST)
					break;
				email_add_one(c, e, role, first);
			}
		}
		else if (json_is_string(json_object_get(v, "address")) || json_is_string(json_object_get(v, "email")))
			email_add_one(c, v, role, first);
		else if (json_is_string(json_object_get(v, "text")))
			email_add_list_string(c, json_string_value(json_object_get(v, "text")), role, first);
	}
	else
		return bad_type(c, key, v, "an address string, an array or {value: [...]}");
	return true;
}

static bool
norm_email(Ctx *c, const json_t *p)
{
	const char *mid,
			   *subject,
			   *body,
			   *html,
			   *irt,
			   *from = NULL;
	int64_t		us;
	json_t	   *refs,
			   *atts;
	char		iso[40];
	size_t		i;
	json_t	   *a;

	c->shape = "email";
	mid = strip_angle(c, gs_first(c, p, NULL, "message_id", "messageId", "Message-ID", NULL));
	subject = gs(c, p, "subject");
	body = gs_first(c, p, NULL, "body", "text", NULL);
	html = gs(c, p, "html");
	irt = strip_angle(c, gs_first(c, p, NULL, "in_reply_to", "inReplyTo", NULL));
	if (c->failed)
		return false;
	if (gt(c, p, "date", &us) <= 0)
		return c->failed ? false : time_missing(c, "date");

	base_record(c, "email", "Email", "email", "replace");
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (!email_addresses(c, p, "from", "from", &from) ||
		!email_addresses(c, p, "to", "to", NULL) ||
		!email_addresses(c, p, "cc", "cc", NULL))
		return false;
	norm_format_time_utc(us, iso, sizeof iso);
	if (mid)
	{
		set_sid(c, mid);
		put_s(c, "message_id", mid);
	}
	else
		set_sid_hash(c, keepf(c, "%s|%s|%s", from ? from : "", iso, subject ? subject : ""));
	put_s(c, "in_reply_to", irt);
	refs = jget(p, "references");
	if (json_is_string(refs))
	{
		const char *s = json_string_value(refs);
		size_t		n = strlen(s),
					k = 0;

		while (k < n)
		{
			size_t		b,
						e;

			while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n' || s[k] == ','))
				k++;
			b = k;
			while (k < n && !(s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n' || s[k] == ','))
				k++;
			e = k;
			if (e > b)
			{
				char	   *t = strndup(s + b, e - b);

				add_str_item(c, "references", strip_angle(c, t));
				free(t);
			}
		}
	}
	else if (json_is_array(refs))
	{
		json_array_foreach(refs, i, a)
		{
			if (i >= MAX_LIST)
				break;
			if (!json_is_string(a))
				return bad_type(c, keepf(c, "references[%zu]", i), a, "a string");
			add_str_item(c, "references", strip_angle(c, json_string_value(a)));
		}
	}
	else if (refs)
		return bad_type(c, "references", refs, "a string or an array of strings");
	put_s(c, "initiated_by", from);
	put_subject(c, subject, 256);
	if (body)
		put_s(c, "content", body);
	else if (html)
	{
		char	   *t = mime_html_to_text(html, strlen(html));

		put_s(c, "content", t);
		free(t);
	}
	atts = ga(c, p, "attachments");
	if (c->failed)
		return false;
	json_array_foreach(atts, i, a)
	{
		const char *name,
				   *url,
				   *ct,
				   *hash;
		long long	size = -1;
		size_t		old;

		if (i >= MAX_LIST)
			break;
		if (!json_is_object(a))
			return bad_type(c, keepf(c, "attachments[%zu]", i), a, "an object");
		old = push_prefix(c, "attachments[%zu].", i);
		name = gs_first(c, a, NULL, "filename", "name", "file_name", NULL);
		url = gs_first(c, a, NULL, "url", "file_url", NULL);
		ct = gs_first(c, a, NULL, "contentType", "content_type", NULL);
		hash = gs_first(c, a, NULL, "checksum", "file_hash", "md5", NULL);
		gnn(c, a, "size", &size);
		if (!c->failed && size > CHN_MAX_ATTACHMENT_BYTES)
		{
			const char *pp = path(c, "size");

			fail(c, "22001", pp, "Attachments over 50 MB (52428800 bytes) are not stored; send a link to the file instead.",
				 "Attachment %zu of the email (%s) is %lld bytes, over the 50 MB limit.", i + 1, pp ? pp : "size", size);
		}
		pop_prefix(c, old);
		if (c->failed)
			return false;
		add_attachment(c, name, NULL, size, url, norm_hash(c, hash, false), ct);
		if (json_is_boolean(json_object_get(a, "related")))
			json_object_set(json_array_get(out_array(c, "attachments"), json_array_size(out_array(c, "attachments")) - 1),
							"related", json_object_get(a, "related"));
	}
	if (json_is_array(jget(p, "mimeWarnings")) && json_array_size(jget(p, "mimeWarnings")) > 0)
		put_extra(c, "mime_warnings", jget(p, "mimeWarnings"));
	if (json_is_object(jget(p, "headers")) && json_object_size(jget(p, "headers")) > 0)
		put_extra(c, "headers", jget(p, "headers"));
	return !c->failed;
}

/* ====================================================================
 * video
 * ================================================================== */
#define VIDEO_HINT "video accepts Tencent Meeting {meeting_id, meeting_code, start_time, participants, record_files, transcript}, a Zoom webhook {event, payload{object{uuid}}}, a Teams callRecord {id, version, startDateTime} or {meeting_id, platform, start_time}."

static int
b64val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* Tencent Meeting base64 user_name -> UTF-8 when it decodes to printable
 * UTF-8, else the string as given */
static const char *
tm_name(Ctx *c, const char *s)
{
	size_t		n,
				o = 0;
	unsigned char *out;
	unsigned	acc = 0;
	int			bits = 0;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (strlen(s) % 4 != 0 || n == 0 || n > 4096)
		return s;
	out = malloc(n + 1);
	if (out == NULL)
		return s;
	for (size_t i = 0; i < n; i++)
	{
		int			v = b64val((unsigned char) s[i]);

		if (v < 0)
		{
			free(out);
			return s;
		}
		acc = (acc << 6) | (unsigned) v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			out[o++] = (unsigned char) ((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	for (size_t i = 0; i < o; i++)
	{
		if (out[i] < 0x20 || out[i] == 0x7f)
		{
			free(out);
			return s;
		}
	}
	if (o == 0 || !norm_utf8_valid((const char *) out, o))
	{
		free(out);
		return s;
	}
	/*
	 * Webhooks send plain names, which may be valid base64 too: "Lily"
	 * decodes to ".)r", "Nick" to "6'$".  A decoding without a non-ASCII
	 * character counts only when it reads as a name (letters, digits,
	 * blanks, . - _ ') and the given string is no plain word (it has
	 * padding, a digit, + or /).
	 */
	{
		bool		ascii = true,
					namelike = true,
					plain = strpbrk(s, "=+/0123456789") == NULL;

		for (size_t i = 0; i < o; i++)
		{
			if (out[i] >= 0x80)
				ascii = false;
			else if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' && out[i] <= 'Z') ||
					   (out[i] >= '0' && out[i] <= '9') || strchr(" .-_'", out[i])))
				namelike = false;
		}
		if (ascii && (!namelike || plain))
		{
			free(out);
			return s;
		}
	}
	return keep(c, (char *) out);
}

static const char *
tm_speaker(Ctx *c, const json_t *par)
{
	const json_t *sp = json_object_get(par, "speaker");
	const json_t *si = json_object_get(par, "speaker_info");
	const char *s;

	if (json_is_string(sp))
		return tm_name(c, json_string_value(sp));
	if (!json_is_object(si) && json_is_object(sp))
		si = sp;
	if (json_is_object(si))
	{
		s = json_string_value(json_object_get(si, "username"));
		if (!s)
			s = json_string_value(json_object_get(si, "user_name"));
		if (!s)
			s = json_string_value(json_object_get(si, "name"));
		if (!s)
			s = json_string_value(json_object_get(si, "userid"));
		if (s && *s)
			return tm_name(c, s);
	}
	s = json_string_value(json_object_get(par, "user_name"));
	if (!s)
		s = json_string_value(json_object_get(par, "username"));
	if (!s)
		s = json_string_value(json_object_get(par, "userid"));
	return (s && *s) ? tm_name(c, s) : NULL;
}

static void
words_text(const json_t *words, SB *sb)
{
	size_t		i;
	json_t	   *w;

	json_array_foreach(words, i, w)
	{
		if (i >= 100000)
			break;
		if (json_is_string(w))
			sb_puts(sb, json_string_value(w));
		else
			sb_puts(sb, json_string_value(json_object_get(w, "text")));
	}
}

/* transcript: {paragraphs:[...]}, {minutes:{paragraphs}}, [paragraphs],
 * a string, or [{speaker, text}] */
static void
transcript_text(Ctx *c, const json_t *tr, SB *out)
{
	const json_t *pars = tr;
	size_t		i;
	json_t	   *par;

	if (json_is_string(tr))
	{
		sb_puts(out, json_string_value(tr));
		return;
	}
	if (json_is_object(tr))
	{
		pars = json_object_get(tr, "paragraphs");
		if (!pars && json_is_object(json_object_get(tr, "minutes")))
			pars = json_object_get(json_object_get(tr, "minutes"), "paragraphs");
		if (!pars && json_is_string(json_object_get(tr, "text")))
		{
			sb_puts(out, json_string_value(json_object_get(tr, "text")));
			return;
		}
	}
	json_array_foreach(pars, i, par)
	{
		SB			line = {0};
		const char *sp;

		if (i >= 100000)
			break;
		if (json_is_string(par))
		{
			sb_nl(out);
			sb_puts(out, json_string_value(par));
			continue;
		}
		if (json_is_string(json_object_get(par, "text")))
			sb_puts(&line, json_string_value(json_object_get(par, "text")));
		else if (json_is_string(json_object_get(par, "content")))
			sb_puts(&line, json_string_value(json_object_get(par, "content")));
		else if (json_is_array(json_object_get(par, "sentences")))
		{
			size_t		j;
			json_t	   *s;

			json_array_foreach(json_object_get(par, "sentences"), j, s)
			{
				if (j >= 100000)
					break;
				if (json_is_string(json_object_get(s, "text")))
					sb_puts(&line, json_string_value(json_object_get(s, "text")));
				else
					words_text(json_object_get(s, "words"), &line);
			}
		}
		else
			words_text(json_object_get(par, "words"), &line);
		if (line.n > 0)
		{
			sp = tm_speaker(c, par);
			sb_nl(out);
			if (sp)
				sb_printf(out, "%s: ", sp);
			sb_puts(out, sb_str(&line));
		}
		sb_free(&line);
	}
}

static void
meeting_line(SB *s, const char *label, const char *topic, long long dur, size_t npart)
{
	char		d[40];

	sb_printf(s, "%s「%s」", label, topic ? topic : "");
	if (dur > 0)
	{
		fmt_dur(dur, d, sizeof d);
		sb_printf(s, ",时长 %s", d);
	}
	if (npart > 0)
		sb_printf(s, ",参会 %zu人", npart);
}

static bool
video_tencent(Ctx *c, const json_t *p, const json_t *wrap)
{
	const char *mid,
			   *code,
			   *subject,
			   *creator = NULL,
			   *sub,
			   *tkey = "start_time";
	const json_t *cr,
			   *parts,
			   *files,
			   *tr;
	int64_t		us,
				endus = 0;
	bool		occurrence;
	size_t		i;
	json_t	   *v;
	SB			content = {0};

	c->shape = "Tencent Meeting record";
	sub = NULL;
	mid = gs(c, p, "meeting_id");
	code = gs(c, p, "meeting_code");
	subject = gs(c, p, "subject");
	if (c->failed)
		return false;
	if (!mid)
		return missing(c, "meeting_id", "The Tencent Meeting meeting_id.");
	/* One occurrence of a recurring meeting (周期性会议): every occurrence
	 * shares the meeting_id; sub_meeting_id and its own times tell them
	 * apart, so each is a record of its own. */
	sub = gs(c, p, "sub_meeting_id");
	if (c->failed)
		return false;
	occurrence = sub && jget(p, "sub_meeting_start_time");
	if (!jget(p, "start_time") && jget(p, "schedule_start_time"))
		tkey = "schedule_start_time";
	if (occurrence)
	{
		tkey = "sub_meeting_start_time";
		if (gt(c, p, "sub_meeting_start_time", &us) <= 0)
			return c->failed ? false : time_missing(c, tkey);
	}
	else if (gt_first(c, p, &us, "start_time", "schedule_start_time", "record_start_time", NULL) <= 0)
	{
		/* a record-file or transcript part may carry only the file's times */
		const json_t *rf = json_array_get(jget(wrap ? wrap : p, "record_files"), 0);

		if (c->failed || !json_is_object(rf) || gt(c, rf, "record_start_time", &us) <= 0)
			return c->failed ? false : time_missing(c, tkey);
	}
	if (occurrence)
	{
		if (gt(c, p, "sub_meeting_end_time", &endus) < 0)
			return false;
	}
	else if (gt_first(c, p, &endus, "end_time", "schedule_end_time", NULL) < 0)
		return false;

	base_record(c, "video", "腾讯会议", "tencent_meeting", "enrich");
	set_sid(c, sub ? keepf(c, "%s/%s", mid, sub) : mid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (endus > us)
		put_dur(c, path(c, occurrence ? "sub_meeting_end_time"
						: present_key(p, "end_time", "schedule_end_time", NULL)), (endus - us) / 1000000);
	put_subject(c, subject, 256);
	put_extra_s(c, "meeting_code", code);

	cr = jget(p, "creator");
	if (!cr && json_is_array(jget(p, "hosts")))
		cr = json_array_get(jget(p, "hosts"), 0);
	if (json_is_object(cr))
	{
		const char *uid = json_string_value(json_object_get(cr, "userid"));
		const char *nm = tm_name(c, json_string_value(json_object_get(cr, "user_name")));

		creator = nm ? nm : uid;
		if (uid)
			add_addr(c, "meeting", uid, "from");
	}
	else if (json_is_string(cr))
		creator = json_string_value(cr);
	if (!creator)
		creator = gs_first(c, p, NULL, "creator_userid", "userid", NULL);
	if (!cr && creator)
		add_addr(c, "meeting", creator, "from");
	put_s(c, "initiated_by", creator);
	if (creator && !json_is_object(cr))
		add_participant(c, creator);
	else if (creator)
		add_participant(c, creator);

	parts = jget(p, "participants");
	if (!parts && wrap)
		parts = jget(wrap, "participants");
	if (parts && !json_is_array(parts))
		return bad_type(c, "participants", parts, "an array");
	json_array_foreach(parts, i, v)
	{
		const char *uid,
				   *nm,
				   *em;

		if (i >= MAX_LIST)
			break;
		if (!json_is_object(v))
			continue;
		uid = json_string_value(json_object_get(v, "userid"));
		nm = tm_name(c, json_string_value(json_object_get(v, "user_name")));
		em = json_string_value(json_object_get(v, "email"));
		if (em && add_addr(c, "meeting", em, "to"))
		{
			char		ea[320];

			if (norm_email_address(em, ea, sizeof ea))
				em = keepdup(c, ea);
			add_participant(c, nm ? keepf(c, "%s <%s>", nm, em) : em);
		}
		else
			add_participant(c, nm ? nm : uid);
		if (uid && !(json_is_object(cr) && json_is_string(json_object_get(cr, "userid")) &&
					 strcmp(uid, json_string_value(json_object_get(cr, "userid"))) == 0))
			add_addr(c, "meeting", uid, "to");
		if (json_is_string(json_object_get(v, "phone")))
			add_addr(c, "phone", json_string_value(json_object_get(v, "phone")), "to");
	}

	files = jget(p, "record_files");
	if (!files && wrap)
		files = jget(wrap, "record_files");
	if (!files && wrap)
		files = jget(wrap, "recording_files");
	if (files && !json_is_array(files))
		return bad_type(c, "record_files", files, "an array");
	json_array_foreach(files, i, v)
	{
		const char *fid = json_string_value(json_object_get(v, "record_file_id"));
		static const char *const urlkeys[] = {"view_address", "sharing_url", "download_address", "download_url", "url"};

		if (i >= MAX_LIST)
			break;
		if (fid)
			add_str_item(c, "__record_file_ids", fid);
		for (size_t k = 0; k < 5 && !json_object_get(c->out, "recording_url"); k++)
			put_s(c, "recording_url", json_string_value(json_object_get(v, urlkeys[k])));
	}
	if (json_object_get(c->out, "__record_file_ids"))
	{
		json_object_set(extra(c), "record_file_ids", json_object_get(c->out, "__record_file_ids"));
		json_object_del(c->out, "__record_file_ids");
	}
	if (!json_object_get(c->out, "recording_url"))
		put_s(c, "recording_url", gs(c, p, "recording_url"));

	tr = jget(p, "transcript");
	if (!tr && wrap)
		tr = jget(wrap, "transcript");
	if (!tr)
		tr = jget(p, "minutes");
	transcript_text(c, tr, &content);
	if (content.n == 0)
		meeting_line(&content, "腾讯会议", subject, endus > us ? (endus - us) / 1000000 : 0,
					 json_array_size(json_object_get(c->out, "participants")));
	put_s(c, "content", sb_str(&content));
	sb_free(&content);
	put_s(c, "summary", gs_first(c, p, NULL, "summary", "ai_summary", NULL));
	add_follow_ups(c, jget(p, "action_items"));
	return !c->failed;
}

static bool
video_zoom(Ctx *c, const json_t *p)
{
	const char *event,
			   *uuid,
			   *topic,
			   *host_email,
			   *host_id;
	const json_t *obj,
			   *files,
			   *pl;
	int64_t		us,
				endus = 0;
	long long	dur = -1;
	size_t		i;
	json_t	   *v;
	SB			content = {0};
	SB			kinds = {0};
	bool		has_tr = false;

	c->shape = "Zoom webhook event";
	event = gs(c, p, "event");
	pl = go(c, p, "payload");
	if (c->failed)
		return false;
	strcpy(c->prefix, "payload.");
	obj = go(c, pl, "object");
	if (c->failed)
		return false;
	if (!obj)
		return missing(c, "object", "Zoom events carry the meeting in payload.object.");
	strcpy(c->prefix, "payload.object.");
	uuid = gs(c, obj, "uuid");
	topic = gs(c, obj, "topic");
	host_email = gs(c, obj, "host_email");
	host_id = gs(c, obj, "host_id");
	if (c->failed)
		return false;
	if (!uuid)
		return missing(c, "uuid", "The meeting instance uuid (payload.object.uuid) keys all events of one meeting.");
	if (gt(c, obj, "start_time", &us) <= 0)
		return c->failed ? false : time_missing(c, "start_time");
	if (gt(c, obj, "end_time", &endus) < 0)
		return false;
	gnn(c, obj, "duration", &dur);
	if (c->failed)
		return false;

	base_record(c, "video", "Zoom", "zoom", "enrich");
	set_sid(c, uuid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (endus > us)
		put_dur(c, path(c, "end_time"), (endus - us) / 1000000);
	else if (dur > 0)
		put_dur(c, path(c, "duration"), dur * 60);
	put_subject(c, topic, 256);
	put_s(c, "initiated_by", host_email ? host_email : host_id);
	if (host_email)
	{
		add_addr(c, "meeting", host_email, "from");
		add_participant(c, host_email);
	}
	{
		const json_t *pt = json_object_get(obj, "participant");

		if (json_is_object(pt))
		{
			const char *nm = json_string_value(json_object_get(pt, "user_name"));
			const char *em = json_string_value(json_object_get(pt, "email"));

			if (em && *em && add_addr(c, "meeting", em, "to"))
				add_participant(c, nm && *nm ? keepf(c, "%s <%s>", nm, em) : em);
			else
				add_participant(c, nm);
		}
	}
	/* A participant list (report API or an integration's enrichment). */
	json_array_foreach(jget(obj, "participants"), i, v)
	{
		const char *nm = json_string_value(json_object_get(v, "user_name"));
		const char *em = json_string_value(json_object_get(v, "email"));

		if (i >= MAX_LIST || !json_is_object(v))
			break;
		if (!em || !*em)
			em = json_string_value(json_object_get(v, "user_email"));
		if (em && *em && add_addr(c, "meeting", em, "to"))
			add_participant(c, nm && *nm ? keepf(c, "%s <%s>", nm, em) : em);
		else if (nm && *nm)
			add_participant(c, nm);
	}
	sb_printf(&content, "Zoom会议「%s」", topic ? topic : "");
	/* Transcript text fetched from the VTT by the integration, when given. */
	{
		const char *tr = json_string_value(json_object_get(obj, "transcript"));

		if (tr && *tr)
			sb_printf(&content, "\n%s", tr);
	}
	if (event && strcmp(event, "meeting.ended") == 0)
	{
		long long	d = endus > us ? (endus - us) / 1000000 : (dur > 0 ? dur * 60 : 0);
		char		b[40];

		fmt_dur(d, b, sizeof b);
		sb_printf(&content, "\n会议结束,时长 %s", b);
	}
	files = jget(obj, "recording_files");
	json_array_foreach(files, i, v)
	{
		const char *ft = json_string_value(json_object_get(v, "file_type"));
		const char *play = json_string_value(json_object_get(v, "play_url"));
		const char *dl = json_string_value(json_object_get(v, "download_url"));
		json_t	   *rf;

		if (i >= MAX_LIST)
			break;
		if (!ft)
			continue;
		if ((strcmp(ft, "TRANSCRIPT") == 0 || strcmp(ft, "VTT") == 0 || strcmp(ft, "CC") == 0))
			has_tr = true;
		else
		{
			if (kinds.n)
				sb_puts(&kinds, ", ");
			sb_puts(&kinds, ft);
		}
		if ((strcmp(ft, "MP4") == 0 || strcmp(ft, "M4A") == 0) && !json_object_get(c->out, "recording_url"))
			put_s(c, "recording_url", play ? play : dl);
		rf = json_object();
		json_object_set_new(rf, "file_type", json_string(ft));
		if (json_is_string(json_object_get(v, "id")))
			json_object_set(rf, "id", json_object_get(v, "id"));
		if (dl)
			json_object_set_new(rf, "download_url", json_string(dl));
		json_array_append_new(out_array(c, "__files"), rf);
	}
	if (json_object_get(c->out, "__files"))
	{
		json_object_set(extra(c), "recording_files", json_object_get(c->out, "__files"));
		json_object_del(c->out, "__files");
	}
	if (kinds.n)
		sb_printf(&content, "\n录制完成: %s", sb_str(&kinds));
	if (has_tr)
		sb_puts(&content, "\n转写完成");
	put_s(c, "content", sb_str(&content));
	sb_free(&content);
	sb_free(&kinds);
	put_extra_s(c, "event", event);
	put_extra_s(c, "zoom_meeting_id", gs(c, obj, "id"));
	put_extra_s(c, "host_id", host_id);
	put_extra_s(c, "share_url", json_string_value(json_object_get(obj, "share_url")));
	put_extra_s(c, "account_id", json_string_value(json_object_get(pl, "account_id")));
	c->prefix[0] = '\0';
	return !c->failed;
}

static bool
video_teams(Ctx *c, const json_t *p)
{
	const char *id,
			   *type,
			   *org = NULL;
	long long	ver = -1;
	int64_t		us,
				endus = 0;
	const json_t *parts,
			   *mods;
	size_t		i;
	json_t	   *v;
	SB			s = {0};
	SB			names = {0};

	c->shape = "Teams callRecord";
	id = gs(c, p, "id");
	type = gs(c, p, "type");
	gi(c, p, "version", &ver);
	if (c->failed)
		return false;
	if (!id)
		return missing(c, "id", "The callRecord id from Microsoft Graph.");
	if (gt(c, p, "startDateTime", &us) <= 0)
		return c->failed ? false : time_missing(c, "startDateTime");
	if (gt(c, p, "endDateTime", &endus) < 0)
		return false;
	base_record(c, "video", "Teams", "teams", "version");
	set_sid(c, id);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (ver >= 0)
		put_i(c, "source_version", ver);
	if (endus > us)
		put_dur(c, path(c, "endDateTime"), (endus - us) / 1000000);
	{
		const json_t *ou = json_object_get(jget(p, "organizer"), "user");

		if (json_is_object(ou))
		{
			const char *upn = json_string_value(json_object_get(ou, "userPrincipalName"));

			org = json_string_value(json_object_get(ou, "displayName"));
			if (!org)
				org = json_string_value(json_object_get(ou, "id"));
			add_addr(c, "meeting", upn ? upn : json_string_value(json_object_get(ou, "id")), "from");
		}
	}
	put_s(c, "initiated_by", org);
	add_participant(c, org);
	parts = jget(p, "participants");
	if (parts && !json_is_array(parts))
		return bad_type(c, "participants", parts, "an array");
	json_array_foreach(parts, i, v)
	{
		const json_t *u = json_object_get(v, "user");
		const json_t *ph = json_object_get(v, "phone");
		const char *nm = NULL;

		if (i >= MAX_LIST)
			break;
		if (json_is_object(u))
		{
			const char *upn = json_string_value(json_object_get(u, "userPrincipalName"));
			const char *em = json_string_value(json_object_get(u, "email"));
			const char *uid = json_string_value(json_object_get(u, "id"));
			const char *oid = json_string_value(json_object_get(json_object_get(jget(p, "organizer"), "user"), "id"));

			nm = json_string_value(json_object_get(u, "displayName"));
			if (!nm)
				nm = uid;
			if (!(uid && oid && strcmp(uid, oid) == 0) && !add_addr(c, "meeting", em ? em : upn, "to"))
				add_addr(c, "meeting", uid, "to");
		}
		else if (json_is_object(ph))
		{
			nm = json_string_value(json_object_get(ph, "displayName"));
			if (!nm)
				nm = json_string_value(json_object_get(ph, "id"));
			add_addr(c, "phone", json_string_value(json_object_get(ph, "id")), "to");
		}
		if (nm && *nm)
		{
			add_participant(c, nm);
			if (names.n)
				sb_puts(&names, ", ");
			sb_puts(&names, nm);
		}
	}
	if (type && strcmp(type, "peerToPeer") == 0)
		sb_puts(&s, "Teams 通话(peerToPeer)");
	else
		sb_printf(&s, "Teams 会议(%s)", type ? type : "groupCall");
	if (endus > us)
	{
		char		d[40];

		fmt_dur((endus - us) / 1000000, d, sizeof d);
		sb_printf(&s, ",时长 %s", d);
	}
	if (names.n)
		sb_printf(&s, "\n参与者: %s", sb_str(&names));
	mods = jget(p, "modalities");
	if (json_is_array(mods) && json_array_size(mods) > 0)
	{
		sb_puts(&s, "\n方式: ");
		json_array_foreach(mods, i, v)
		{
			if (i >= 20)
				break;
			if (i)
				sb_puts(&s, ", ");
			sb_puts(&s, json_string_value(v));
		}
		put_extra(c, "modalities", mods);
	}
	put_s(c, "content", sb_str(&s));
	put_subject(c, keepf(c, "%s - %s", (type && strcmp(type, "peerToPeer") == 0) ? "Teams 通话" : "Teams 会议",
						 org ? org : "?"), 256);
	sb_free(&s);
	sb_free(&names);
	put_extra_s(c, "call_type", type);
	put_extra_s(c, "join_web_url", json_string_value(jget(p, "joinWebUrl")));
	return !c->failed;
}

static bool
video_seed(Ctx *c, const json_t *p)
{
	const char *mid,
			   *platform,
			   *topic,
			   *rec,
			   *channel = NULL,
			   *system = NULL,
			   *org = NULL;
	const json_t *orgj,
			   *parts;
	int64_t		us,
				endus = 0;
	size_t		i;
	json_t	   *v;
	SB			content = {0};
	static const struct
	{
		const char *name,
				   *channel,
				   *system;
	}			plats[] = {
		{"tencent_meeting", "腾讯会议", "tencent_meeting"}, {"tencent", "腾讯会议", "tencent_meeting"},
		{"腾讯会议", "腾讯会议", "tencent_meeting"}, {"dingtalk", "钉钉", "dingtalk"}, {"钉钉", "钉钉", "dingtalk"},
		{"zoom", "Zoom", "zoom"}, {"teams", "Teams", "teams"}, {"microsoft_teams", "Teams", "teams"},
	};

	c->shape = "video meeting";
	mid = gs(c, p, "meeting_id");
	platform = gs(c, p, "platform");
	topic = gs_first(c, p, NULL, "topic", "subject", "title", NULL);
	rec = gs(c, p, "recording_url");
	if (c->failed)
		return false;
	if (!mid)
		return missing(c, "meeting_id", "The platform's meeting id.");
	if (!platform)
		return missing(c, "platform", "tencent_meeting, dingtalk, zoom or teams.");
	for (size_t k = 0; k < sizeof plats / sizeof plats[0]; k++)
		if (ieq(platform, plats[k].name))
		{
			channel = plats[k].channel;
			system = plats[k].system;
		}
	if (!channel)
		return fail(c, "22023", "platform", "tencent_meeting, dingtalk, zoom or teams.",
					"Field \"platform\" of the video meeting has an unknown value \"%.40s\".", platform);
	if (gt(c, p, "start_time", &us) <= 0)
		return c->failed ? false : time_missing(c, "start_time");
	if (gt(c, p, "end_time", &endus) < 0)
		return false;
	base_record(c, "video", channel, system, "replace");
	set_sid(c, mid);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (endus > us)
		put_dur(c, path(c, "end_time"), (endus - us) / 1000000);
	else
	{
		long long	dm;

		if (gnn(c, p, "duration_minutes", &dm))
			put_dur(c, path(c, "duration_minutes"), dm * 60);
	}
	put_subject(c, topic, 256);
	put_s(c, "recording_url", rec);
	orgj = jget(p, "organizer");
	if (json_is_string(orgj))
	{
		org = json_string_value(orgj);
		if (strchr(org, '@'))
			add_addr(c, "meeting", org, "from");
	}
	else if (json_is_object(orgj))
	{
		const char *em,
				   *ph;

		org = person_label(c, orgj, &em, &ph);
		if (em)
			add_addr(c, "meeting", em, "from");
		if (ph)
			add_addr(c, "phone", ph, "from");
	}
	else if (orgj)
		return bad_type(c, "organizer", orgj, "a string or {name, email}");
	put_s(c, "initiated_by", org);
	add_participant(c, org);
	parts = jget(p, "participants");
	if (parts && !json_is_array(parts))
		return bad_type(c, "participants", parts, "an array");
	json_array_foreach(parts, i, v)
	{
		const char *em,
				   *ph,
				   *lbl;

		if (i >= MAX_LIST)
			break;
		lbl = person_label(c, v, &em, &ph);
		add_participant(c, lbl);
		if (em)
			add_addr(c, "meeting", em, "to");
		if (ph)
			add_addr(c, "phone", ph, "to");
	}
	transcript_text(c, jget(p, "transcript"), &content);
	if (content.n == 0)
		meeting_line(&content, channel, topic, endus > us ? (endus - us) / 1000000 : 0,
					 json_array_size(json_object_get(c->out, "participants")));
	put_s(c, "content", sb_str(&content));
	sb_free(&content);
	put_s(c, "summary", gs(c, p, "summary"));
	add_follow_ups(c, jget(p, "action_items"));
	put_extra_s(c, "platform", platform);
	return !c->failed;
}

static bool
norm_video(Ctx *c, const json_t *p)
{
	const json_t *ev = jget(p, "event");
	const json_t *pl = jget(p, "payload");

	if (json_is_string(ev) && json_is_object(pl))
		return video_zoom(c, p);
	if (json_is_string(ev) && json_is_array(pl))
	{
		/* Tencent Meeting webhook: payload[0]{meeting_info{...}, recording_files} */
		const json_t *first = json_array_get(pl, 0);
		const json_t *mi = json_object_get(first, "meeting_info");

		if (json_is_object(mi))
		{
			strcpy(c->prefix, "payload[0].meeting_info.");
			if (!video_tencent(c, mi, first))
				return false;
			c->prefix[0] = '\0';
			return true;
		}
		return fail(c, "22023", "payload[0].meeting_info", VIDEO_HINT,
					"The Tencent Meeting webhook has no payload[0].meeting_info.");
	}
	if (json_is_array(jget(p, "value")))
	{
		const json_t *arr = jget(p, "value");

		if (json_array_size(arr) != 1)
			return fail(c, "22023", "value", "Send each callRecord of a Graph list separately (ingest_batch takes an array).",
						"The Teams list response holds %zu callRecords; exactly one is expected.", json_array_size(arr));
		if (!json_is_object(json_array_get(arr, 0)))
			return bad_type(c, "value[0]", json_array_get(arr, 0), "an object");
		strcpy(c->prefix, "value[0].");
		if (!video_teams(c, json_array_get(arr, 0)))
			return false;
		c->prefix[0] = '\0';
		return true;
	}
	if (jget(p, "platform"))
		return video_seed(c, p);
	if (json_is_array(jget(p, "meeting_info_list")) && json_is_object(json_array_get(jget(p, "meeting_info_list"), 0)))
	{
		strcpy(c->prefix, "meeting_info_list[0].");
		if (!video_tencent(c, json_array_get(jget(p, "meeting_info_list"), 0), p))
			return false;
		c->prefix[0] = '\0';
		return true;
	}
	if (jget(p, "meeting_code") || (jget(p, "meeting_id") && (jget(p, "record_files") || jget(p, "transcript") ||
															 jget(p, "creator") || jget(p, "userid") || jget(p, "minutes"))))
		return video_tencent(c, p, NULL);
	if (jget(p, "startDateTime") || jget(p, "modalities") || jget(p, "joinWebUrl") ||
		(json_is_string(jget(p, "@odata.type")) && strstr(json_string_value(jget(p, "@odata.type")), "callRecord")))
		return video_teams(c, p);
	if (jget(p, "meeting_id"))
		return video_seed(c, p);
	return fail(c, "22023", "", VIDEO_HINT, "The video payload has an unrecognized shape.");
}

/* ====================================================================
 * visit, meeting
 * ================================================================== */
static void
add_people(Ctx *c, const json_t *arr, const char *role, const char *email_kind)
{
	size_t		i;
	json_t	   *v;

	json_array_foreach(arr, i, v)
	{
		const char *em,
				   *ph,
				   *lbl;

		if (i >= MAX_LIST)
			break;
		lbl = person_label(c, v, &em, &ph);
		add_participant(c, lbl);
		if (em)
			add_addr(c, email_kind, em, role);
		if (ph)
			add_addr(c, "phone", ph, role);
	}
}

/*
 * The first present of a visit's clock-time keys (NULL-terminated): a time
 * of day ("14:30", "9:05:00") is read on the day of visit_date when that
 * is a bare date; anything else is read as a full time.  1 found, 0 none,
 * -1 error (reported).
 */
static int
visit_clock(Ctx *c, const json_t *p, int64_t *us,...)
{
	va_list		ap;
	const char *k;
	int			r = 0;

	const char *day = json_string_value(jget(p, "visit_date"));

	va_start(ap, us);
	while (r == 0 && (k = va_arg(ap, const char *)) != NULL)
	{
		json_t	   *v = jget(p, k);
		const char *s = json_string_value(v);

		if (v == NULL)
			continue;
		if (s && day && norm_is_clock_time(s))
		{
			char		b[64];
			size_t		n = strspn(day, "0123456789-/.");

			if (n < 8 || n > 10 || day[n] != '\0')
				continue;		/* visit_date has its own time: it stands */
			snprintf(b, sizeof b, "%s %s", day, s);
			if (!norm_parse_time(b, us))
			{
				const char *pp = path(c, k);

				fail(c, "22007", pp, TIME_HINT, "Field \"%s\" of the %s is not a recognizable time of day: \"%.40s\".",
					 pp ? pp : k, c->shape, s);
				r = -1;
			}
			else
				r = 1;
		}
		else
			r = gt(c, p, k, us);
	}
	va_end(ap);
	return r;
}

static bool
norm_visit(Ctx *c, const json_t *p)
{
	const char *id,
			   *loc,
			   *sales,
			   *text;
	const json_t *cps,
			   *photos;
	int64_t		us;
	long long	dm;
	int64_t		dur_from_clock;
	size_t		i;
	json_t	   *v;

	c->shape = "visit report";
	dur_from_clock = 0;
	id = gs(c, p, "visit_id");
	loc = gs(c, p, "location");
	sales = gs_first(c, p, NULL, "sales_person", "salesperson", NULL);
	text = gs_first(c, p, NULL, "content", "report", NULL);
	cps = ga(c, p, "customer_participants");
	photos = ga(c, p, "photos");
	if (c->failed)
		return false;
	if (!id)
		return missing(c, "visit_id", "The CRM's visit report id.");
	if (gt(c, p, "visit_date", &us) <= 0)
		return c->failed ? false : time_missing(c, "visit_date");
	/* A CRM's visit often carries the day and the check-in / check-out
	 * clock times apart: {"visit_date":"2024-06-15","start_time":"14:30",
	 * "end_time":"16:00"} is 14:30 to 16:00 that day. */
	{
		int64_t		t0 = 0,
					t1 = 0;
		int			r0 = visit_clock(c, p, &t0, "start_time", "checkin_time", "check_in_time", "arrive_time", NULL),
					r1 = r0 < 0 ? -1 : visit_clock(c, p, &t1, "end_time", "checkout_time", "check_out_time", "leave_time", NULL);

		if (r0 < 0 || r1 < 0)
			return false;
		if (r0 > 0)
			us = t0;
		if (r0 > 0 && r1 > 0 && t1 > t0 && !jget(p, "duration_minutes"))
			dur_from_clock = (t1 - t0) / 1000000;
	}
	base_record(c, "visit", "商务拜访", "crm_visit", "replace");
	set_sid(c, id);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	put_s(c, "direction_hint", "outbound");
	if (gnn(c, p, "duration_minutes", &dm))
		put_dur(c, path(c, "duration_minutes"), dm * 60);
	else if (dur_from_clock > 0)
		put_dur(c, path(c, "end_time"), dur_from_clock);
	put_s(c, "initiated_by", sales);
	put_s(c, "handled_by", sales);
	add_people(c, cps, "to", "email");
	put_subject(c, loc ? keepf(c, "商务拜访 - %s", loc) : "商务拜访", 256);
	put_s(c, "content", text);
	put_s(c, "summary", gs(c, p, "summary"));
	json_array_foreach(photos, i, v)
	{
		if (i >= MAX_LIST)
			break;
		if (json_is_string(v))
			add_attachment(c, NULL, NULL, -1, json_string_value(v), NULL, NULL);
		else if (json_is_object(v))
		{
			const char *url = json_string_value(json_object_get(v, "url"));
			const char *nm = json_string_value(json_object_get(v, "name"));

			if (url || nm)
				add_attachment(c, nm, NULL, -1, url, NULL, NULL);
		}
	}
	add_follow_ups(c, jget(p, "follow_up_items"));
	add_follow_ups(c, jget(p, "action_items"));
	add_follow_ups(c, jget(p, "next_steps"));
	put_extra_s(c, "location", loc);
	return !c->failed;
}

static bool
norm_meeting(Ctx *c, const json_t *p)
{
	const char *id,
			   *title,
			   *loc,
			   *text,
			   *org,
			   *tkey = "start_time";
	const json_t *att;
	int64_t		us,
				endus = 0;
	long long	dm;

	c->shape = "meeting minutes";
	id = gs_first(c, p, NULL, "meeting_id", "id", NULL);
	title = gs_first(c, p, NULL, "title", "subject", "topic", NULL);
	loc = gs(c, p, "location");
	text = gs_first(c, p, NULL, "minutes", "content", NULL);
	org = gs_first(c, p, NULL, "organizer", "host", "recorder", NULL);
	att = ga(c, p, "attendees");
	if (c->failed)
		return false;
	if (!id)
		return missing(c, "meeting_id", "The CRM's meeting id (meeting_id or id).");
	if (!jget(p, "start_time") && jget(p, "meeting_time"))
		tkey = "meeting_time";
	if (gt_first(c, p, &us, "start_time", "meeting_time", NULL) <= 0)
		return c->failed ? false : time_missing(c, tkey);
	if (gt(c, p, "end_time", &endus) < 0)
		return false;
	base_record(c, "meeting", "会议", "crm_meeting", "replace");
	set_sid(c, id);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (endus > us)
		put_dur(c, path(c, "end_time"), (endus - us) / 1000000);
	else if (gnn(c, p, "duration_minutes", &dm))
		put_dur(c, path(c, "duration_minutes"), dm * 60);
	{
		/* The organizer speaks first (C2: a meeting our staff organised is
		 * outbound); given as an address, the attendee of that address
		 * names them and is listed once. */
		const char *who = org;
		char		pn[64];
		bool		listed = false;
		size_t		i;
		json_t	   *v;

		if (org && strchr(org, '@'))
		{
			add_addr(c, "email", org, "from");
			json_array_foreach(att, i, v)
			{
				const char *em = json_string_value(json_object_get(v, "email"));
				const char *nm = json_string_value(json_object_get(v, "name"));

				if (i < MAX_LIST && em && ieq(em, org))
				{
					listed = true;
					if (nm && *nm)
						who = nm;
				}
			}
		}
		else if (org && norm_phone(org, pn, sizeof pn))
			add_addr(c, "phone", org, "from");
		put_s(c, "initiated_by", who);
		if (!listed)
			add_participant(c, org);
	}
	add_people(c, att, "to", "email");
	put_subject(c, title ? title : (loc ? keepf(c, "会议 - %s", loc) : "会议"), 256);
	put_s(c, "content", text);
	put_s(c, "summary", gs(c, p, "summary"));
	add_follow_ups(c, jget(p, "action_items"));
	put_extra_s(c, "location", loc);
	return !c->failed;
}

/* ====================================================================
 * form
 * ================================================================== */
static const char *const form_meta[] = {
	"form_id", "submission_id", "id", "form_name", "submitted_at", "submit_time", "created_at",
	"customer_id", "contact_id", "project_id", "opportunity_id", "fields", "page_url", "source",
	"referrer", "user_agent", "ip", "utm_source", "utm_medium", "utm_campaign", NULL
};

static bool
key_in(const char *k, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (ieq(k, list[i]))
			return true;
	return false;
}

static const char *const f_name[] = {"name", "姓名", "联系人", "contact", "contact_name", "称呼", NULL};
static const char *const f_company[] = {"company", "公司", "公司名称", "company_name", "单位", NULL};
static const char *const f_phone[] = {"phone", "mobile", "手机", "手机号", "电话", "联系电话", "tel", "telephone", NULL};
static const char *const f_email[] = {"email", "邮箱", "e-mail", "mail", "电子邮箱", NULL};
static const char *const f_msg[] = {"message", "留言", "需求", "内容", "content", "remark", "备注", "inquiry", "咨询内容", "需求描述", NULL};
static const char *const f_product[] = {"product", "产品", "意向产品", NULL};

/* scalar field value as text (arrays joined with 、) */
static const char *
form_value(Ctx *c, const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return keepf(c, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return keepf(c, "%g", json_real_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "是" : "否";
	if (json_is_array(v))
	{
		SB			s = {0};
		size_t		i;
		json_t	   *e;

		json_array_foreach(v, i, e)
		{
			const char *t = (i < 100 && !json_is_array(e) && !json_is_object(e)) ? form_value(c, e) : NULL;

			if (t && *t)
			{
				if (s.n)
					sb_puts(&s, "、");
				sb_puts(&s, t);
			}
		}
		return keep(c, s.d ? s.d : strdup(""));
	}
	return NULL;
}

static bool
norm_form(Ctx *c, const json_t *p)
{
	const char *id,
			   *fname,
			   *tkey = "submitted_at";
	const char *name = NULL,
			   *company = NULL,
			   *phone = NULL,
			   *email = NULL,
			   *msg = NULL,
			   *product = NULL;
	const json_t *fields;
	json_t	   *flat = json_object();
	int64_t		us;
	SB			s = {0};
	const char *k;
	json_t	   *v;

	c->shape = "form submission";
	id = gs_first(c, p, NULL, "submission_id", "id", "form_id", NULL);
	fname = gs(c, p, "form_name");
	if (c->failed)
		goto bad;
	if (!id)
	{
		missing(c, "submission_id", "The submission's id (submission_id, id or form_id).");
		goto bad;
	}
	if (!jget(p, "submitted_at") && jget(p, "submit_time"))
		tkey = "submit_time";
	else if (!jget(p, "submitted_at") && jget(p, "created_at"))
		tkey = "created_at";
	if (gt_first(c, p, &us, "submitted_at", "submit_time", "created_at", NULL) <= 0)
	{
		if (!c->failed)
			time_missing(c, tkey);
		goto bad;
	}
	fields = jget(p, "fields");
	if (json_is_object(fields))
	{
		json_object_foreach((json_t *) fields, k, v)
		{
			const char *t = form_value(c, v);

			if (t && *t && json_object_size(flat) < MAX_LIST)
				json_object_set_new(flat, k, json_string(t));
		}
	}
	else if (json_is_array(fields))
	{
		size_t		i;

		json_array_foreach(fields, i, v)
		{
			const char *lbl = json_string_value(json_object_get(v, "label"));
			const char *t;

			if (i >= MAX_LIST)
				break;
			if (!lbl)
				lbl = json_string_value(json_object_get(v, "name"));
			if (!lbl)
				lbl = json_string_value(json_object_get(v, "key"));
			t = form_value(c, json_object_get(v, "value"));
			if (lbl && *lbl && t && *t)
				json_object_set_new(flat, lbl, json_string(t));
		}
	}
	else if (fields)
	{
		bad_type(c, "fields", fields, "an object or an array of {label, value}");
		goto bad;
	}
	else
	{
		json_object_foreach((json_t *) p, k, v)
		{
			const char *t;

			if (key_in(k, form_meta) || json_object_size(flat) >= MAX_LIST)
				continue;
			t = form_value(c, v);
			if (t && *t)
				json_object_set_new(flat, k, json_string(t));
		}
	}
	json_object_foreach(flat, k, v)
	{
		const char *t = json_string_value(v);

		if (!name && key_in(k, f_name))
			name = t;
		else if (!company && key_in(k, f_company))
			company = t;
		else if (!phone && key_in(k, f_phone))
			phone = t;
		else if (!email && key_in(k, f_email))
			email = t;
		else if (!msg && key_in(k, f_msg))
			msg = t;
		else if (!product && key_in(k, f_product))
			product = t;
	}

	base_record(c, "form", "表单", "web_form", "replace");
	set_sid(c, id);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	put_s(c, "direction_hint", "inbound");
	add_addr(c, "email", email, "from");
	add_addr(c, "phone", phone, "from");
	put_s(c, "initiated_by", name ? name : company);
	if (name)
	{
		char		ea[320];

		add_participant(c, (email && norm_email_address(email, ea, sizeof ea)) ? keepf(c, "%s <%s>", name, ea) : name);
	}
	sb_puts(&s, msg);
	json_object_foreach(flat, k, v)
	{
		if (json_string_value(v) == msg)
			continue;
		sb_nl(&s);
		sb_printf(&s, "%s: ", k);
		sb_puts(&s, json_string_value(v));
	}
	put_s(c, "content", sb_str(&s));
	sb_free(&s);
	{
		const char *who = company ? company : name;

		if (fname && who)
			put_subject(c, keepf(c, "表单 - %s - %s", fname, who), 256);
		else if (fname || who)
			put_subject(c, keepf(c, "表单 - %s", fname ? fname : who), 256);
		else
			put_subject(c, "表单提交", 256);
	}
	put_extra_s(c, "form_name", fname);
	put_extra_s(c, "form_id", gs(c, p, "form_id"));
	put_extra_s(c, "page_url", json_string_value(jget(p, "page_url")));
	put_extra_s(c, "product", product);
	json_object_set_new(extra(c), "fields", flat);
	return !c->failed;
bad:
	json_decref(flat);
	return false;
}

/* ====================================================================
 * webchat
 * ================================================================== */
static const char *
chat_role(const char *from)
{
	if (from == NULL)
		return NULL;
	if (ieq(from, "visitor") || ieq(from, "customer") || ieq(from, "user") || ieq(from, "guest") ||
		strcmp(from, "访客") == 0 || strcmp(from, "客户") == 0)
		return "访客";
	if (ieq(from, "agent") || ieq(from, "staff") || ieq(from, "service") || ieq(from, "kf") ||
		strcmp(from, "客服") == 0)
		return "客服";
	if (ieq(from, "robot") || ieq(from, "bot") || strcmp(from, "机器人") == 0)
		return "机器人";
	if (ieq(from, "system") || strcmp(from, "系统") == 0)
		return "系统";
	return NULL;
}

static bool
norm_webchat(Ctx *c, const json_t *p)
{
	const char *id,
			   *agent = NULL,
			   *vname = NULL,
			   *vphone = NULL,
			   *vemail = NULL,
			   *first_visitor = NULL;
	const json_t *vis,
			   *msgs,
			   *ag;
	int64_t		us = 0,
				endus = 0,
				first = 0,
				last = 0;
	int			has_start,
				has_end;
	size_t		i;
	json_t	   *m;
	SB			s = {0};

	c->shape = "web chat session";
	id = gs_first(c, p, NULL, "session_id", "chat_id", NULL);
	vis = go(c, p, "visitor");
	msgs = ga(c, p, "messages");
	if (c->failed)
		return false;
	if (!id)
		return missing(c, "session_id", "The chat session id (session_id or chat_id).");
	has_start = gt(c, p, "started_at", &us);
	has_end = gt(c, p, "ended_at", &endus);
	if (has_start < 0 || has_end < 0)
		return false;
	ag = jget(p, "agent");
	if (!ag)
		ag = jget(p, "staff");
	if (json_is_string(ag))
		agent = json_string_value(ag);
	else if (json_is_object(ag))
	{
		agent = json_string_value(json_object_get(ag, "name"));
		if (!agent)
			agent = json_string_value(json_object_get(ag, "id"));
	}
	else if (ag)
		return bad_type(c, jget(p, "agent") ? "agent" : "staff", ag, "a string or {name, id}");
	if (vis)
	{
		strcpy(c->prefix, "visitor.");
		vname = gs(c, vis, "name");
		vphone = gs_first(c, vis, NULL, "phone", "mobile", NULL);
		vemail = gs(c, vis, "email");
		c->prefix[0] = '\0';
		if (c->failed)
			return false;
	}
	json_array_foreach(msgs, i, m)
	{
		const char *from,
				   *text,
				   *role;
		int64_t		t = 0;
		int			ht;
		size_t		old;

		if (i >= 100000)
			break;
		if (!json_is_object(m))
		{
			sb_free(&s);
			return bad_type(c, keepf(c, "messages[%zu]", i), m, "an object");
		}
		old = push_prefix(c, "messages[%zu].", i);
		from = gs_first(c, m, NULL, "from", "sender", "role", NULL);
		text = gs_first(c, m, NULL, "text", "content", "msg", NULL);
		ht = gt_first(c, m, &t, "time", "timestamp", NULL);
		pop_prefix(c, old);
		if (c->failed)
		{
			sb_free(&s);
			return false;
		}
		if (ht > 0)
		{
			if (first == 0 || t < first)
				first = t;
			if (t > last)
				last = t;
		}
		role = chat_role(from);
		if (!role)
			role = from ? from : "?";
		if (!text)
			continue;
		if (!first_visitor && strcmp(role, "访客") == 0)
			first_visitor = text;
		sb_nl(&s);
		if (ht > 0)
		{
			char		hm[16];

			fmt_hhmm(t, hm, sizeof hm);
			sb_printf(&s, "[%s] ", hm);
		}
		sb_printf(&s, "%s: ", role);
		sb_puts(&s, text);
	}
	if (has_start <= 0)
	{
		if (first == 0)
		{
			sb_free(&s);
			return time_missing(c, "started_at");
		}
		us = first;
	}
	/*
	 * Chat systems deliver a session again as it grows (and retry old
	 * deliveries): a snapshot replaces the stored one only when it goes
	 * further -- a later last message, then more messages, then ended.
	 * An older snapshot arriving late is a duplicate and drops nothing.
	 */
	base_record(c, "webchat", "官网咨询", "webchat", "version");
	{
		int64_t		reach = last > 0 ? last : us;
		size_t		nmsg = json_array_size(msgs);

		if (has_end > 0 && endus > reach)
			reach = endus;
		put_i(c, "source_version", (long long) (reach / 1000) * 1000 +
			  (long long) (nmsg > 499 ? 499 : nmsg) * 2 + (has_end > 0 ? 1 : 0));
	}
	set_sid(c, id);
	json_object_set_new(c->out, "communication_time", json_integer(us));
	if (has_end > 0 && endus >= us)
		put_dur(c, path(c, "ended_at"), (endus - us) / 1000000);
	else if (last > first && first > 0)
		put_dur(c, path(c, "messages"), (last - first) / 1000000);
	put_s(c, "direction_hint", "inbound");
	add_addr(c, "phone", vphone, "from");
	add_addr(c, "email", vemail, "from");
	put_s(c, "initiated_by", vname);
	put_s(c, "handled_by", agent);
	add_participant(c, vname);
	add_participant(c, agent);
	put_s(c, "content", sb_str(&s));
	sb_free(&s);
	if (first_visitor)
		put_subject(c, first_visitor, 50);
	else
		put_subject(c, vname ? keepf(c, "官网咨询 - %s", vname) : "官网咨询", 50);
	if (vis)
	{
		put_extra_s(c, "visitor_ip", json_string_value(json_object_get(vis, "ip")));
		put_extra_s(c, "visitor_name", vname);
	}
	put_extra_s(c, "page_url", json_string_value(jget(p, "page_url")));
	if (msgs)
		json_object_set_new(extra(c), "message_count", json_integer((json_int_t) json_array_size(msgs)));
	return !c->failed;
}

/* ====================================================================
 * entry points
 * ================================================================== */
bool
chn_known_channel(const char *channel)
{
	if (channel == NULL)
		return false;
	for (size_t i = 0; i < sizeof known_channels / sizeof known_channels[0]; i++)
		if (strcmp(channel, known_channels[i]) == 0)
			return true;
	return false;
}

json_t *
chn_normalize(const char *channel, json_t *payload, chn_error *err)
{
	chn_error	dummy;
	Ctx			c;
	bool		ok;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof *err);
	if (!chn_known_channel(channel))
	{
		char		msg[160];

		snprintf(msg, sizeof msg, "Unknown channel \"%.60s\".", channel ? channel : "(null)");
		set_err(err, "22023", "channel", "phone, mobile, wechat, email, meeting, visit, video, form or webchat.", msg);
		return NULL;
	}
	if (!json_is_object(payload))
	{
		char		msg[160];

		snprintf(msg, sizeof msg, "The %s payload must be a JSON object, not %s.", channel,
				 payload ? jtype(payload) : "nothing");
		set_err(err, "22023", "", "Send one JSON object per communication (ingest_batch takes an array of them).", msg);
		return NULL;
	}
	memset(&c, 0, sizeof c);
	c.err = err;
	c.out = json_object();
	c.shape = "payload";
	if (c.out == NULL)
	{
		set_err(err, "53200", "", NULL, "out of memory");
		return NULL;
	}
	if (strcmp(channel, "wechat") == 0)
		ok = norm_wechat(&c, payload);
	else if (strcmp(channel, "phone") == 0)
		ok = norm_phone_channel(&c, payload);
	else if (strcmp(channel, "mobile") == 0)
		ok = norm_mobile(&c, payload);
	else if (strcmp(channel, "email") == 0)
		ok = norm_email(&c, payload);
	else if (strcmp(channel, "video") == 0)
		ok = norm_video(&c, payload);
	else if (strcmp(channel, "visit") == 0)
		ok = norm_visit(&c, payload);
	else if (strcmp(channel, "meeting") == 0)
		ok = norm_meeting(&c, payload);
	else if (strcmp(channel, "form") == 0)
		ok = norm_form(&c, payload);
	else
		ok = norm_webchat(&c, payload);
	c.prefix[0] = '\0';
	if (ok && !c.failed)
	{
		copy_explicit(&c, payload);
		/* a wrapped record (Graph list) carries the ids inside */
		if (json_is_array(json_object_get(payload, "value")))
			copy_explicit(&c, json_array_get(json_object_get(payload, "value"), 0));
	}
	if (!ok || c.failed)
	{
		if (!c.failed)
			set_err(err, "22023", "", "Check the payload against the shapes this channel accepts (see channels.h).",
					"The payload could not be normalized.");
		json_decref(c.out);
		ctx_free(&c);
		return NULL;
	}
	ctx_free(&c);
	return c.out;
}

/* ====================================================================
 * merge
 * ================================================================== */
static bool
json_list_has(const json_t *arr, const json_t *v, const char *const *idkeys)
{
	size_t		i;
	json_t	   *e;

	json_array_foreach(arr, i, e)
	{
		if (idkeys == NULL)
		{
			if (json_equal(e, (json_t *) v))
				return true;
			continue;
		}
		for (size_t k = 0; idkeys[k]; k++)
		{
			json_t	   *x = json_object_get(e, idkeys[k]);
			json_t	   *y = json_object_get(v, idkeys[k]);

			if (x && y)
			{
				if (json_equal(x, y))
					return true;
				break;			/* first key both have decides */
			}
		}
		if (json_equal(e, (json_t *) v))
			return true;
	}
	return false;
}

static void
union_array(json_t *r, const json_t *b, const char *key, const char *const *idkeys)
{
	json_t	   *bb = json_object_get(b, key);
	json_t	   *ra;
	size_t		i;
	json_t	   *v;

	if (!json_is_array(bb) || json_array_size(bb) == 0)
		return;
	ra = json_object_get(r, key);
	if (!json_is_array(ra))
	{
		json_object_set_new(r, key, json_deep_copy(bb));
		return;
	}
	json_array_foreach(bb, i, v)
	{
		if (json_array_size(ra) >= MAX_LIST)
			break;
		if (!json_list_has(ra, v, idkeys))
			json_array_append_new(ra, json_deep_copy(v));
	}
}

/* set of the lines of a text (open addressing on FNV-1a hashes) */
typedef struct LineSet
{
	const char *base;
	size_t		cap;
	struct
	{
		uint64_t	h;
		size_t		off,
					len;
		bool		used;
	}		   *slot;
} LineSet;

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t	h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char) p[i]) * 1099511628211ULL;
	return h;
}

static bool
lineset_find(const LineSet *ls, const char *p, size_t len, uint64_t h, bool insert_off, size_t off)
{
	size_t		i = (size_t) (h % ls->cap);

	for (size_t probe = 0; probe < ls->cap; probe++, i = (i + 1) % ls->cap)
	{
		if (!ls->slot[i].used)
		{
			if (insert_off)
			{
				ls->slot[i].used = true;
				ls->slot[i].h = h;
				ls->slot[i].off = off;
				ls->slot[i].len = len;
			}
			return false;
		}
		if (ls->slot[i].h == h && ls->slot[i].len == len && memcmp(ls->base + ls->slot[i].off, p, len) == 0)
			return true;
	}
	return false;
}

/* a, then the lines of nb that are not already whole lines of a (malloc'd) */
static char *
merge_text(const char *a, const char *nb)
{
	SB			s = {0};
	LineSet		ls = {0};
	const char *p,
			   *end;
	size_t		nlines = 1;

	if (a == NULL || *a == '\0')
		return strdup(nb);
	if (strstr(a, nb))
		return strdup(a);
	if (strstr(nb, a))
		return strdup(nb);
	for (p = a; *p; p++)
		nlines += *p == '\n';
	ls.base = a;
	ls.cap = nlines * 2 + 1;
	ls.slot = calloc(ls.cap, sizeof *ls.slot);
	if (ls.slot == NULL)
		return strdup(a);
	end = a + strlen(a);
	for (p = a; p <= end;)
	{
		const char *e = memchr(p, '\n', (size_t) (end - p));
		size_t		len = e ? (size_t) (e - p) : (size_t) (end - p);

		lineset_find(&ls, p, len, fnv1a(p, len), true, (size_t) (p - a));
		p += len + 1;
	}
	sb_puts(&s, a);
	end = nb + strlen(nb);
	for (p = nb; p < end;)
	{
		const char *e = memchr(p, '\n', (size_t) (end - p));
		size_t		len = e ? (size_t) (e - p) : (size_t) (end - p);

		if (len > 0 && !lineset_find(&ls, p, len, fnv1a(p, len), false, 0))
		{
			sb_nl(&s);
			sb_putn(&s, p, len);
		}
		p += len + 1;
	}
	free(ls.slot);
	return s.d ? s.d : strdup(a);
}

static json_int_t
jint(const json_t *o, const char *k, json_int_t dflt)
{
	json_t	   *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/*
 * Zoom event a comes later in a meeting's life than b.  "Latest" is by
 * the life cycle, not by arrival: webhooks arrive out of order and are
 * re-delivered, and folding an event already folded must change nothing
 * (an identical re-delivery is a duplicate).  Ties: the greater name.
 */
static int
event_rank(const char *e)
{
	static const char *const order[] = {
		"meeting.created", "meeting.started", "meeting.participant_joined", "meeting.participant_left",
		"meeting.ended", "recording.started", "recording.stopped", "recording.completed",
		"recording.transcript_completed"
	};

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strcmp(e, order[i]) == 0)
			return (int) i + 1;
	return 0;
}

static bool
event_later(const char *a, const char *b)
{
	int			ra = event_rank(a),
				rb = event_rank(b);

	return ra != rb ? ra > rb : strcmp(a, b) > 0;
}

json_t *
chn_merge(const json_t *a, const json_t *b)
{
	const char *policy;
	json_t	   *r;
	const char *k;
	json_t	   *v;
	static const char *const att_ids[] = {"file_hash", "file_url", NULL};
	static const char *const fu_ids[] = {"item", NULL};

	if (!json_is_object(b))
		return json_is_object(a) ? json_deep_copy(a) : json_object();
	if (!json_is_object(a))
		return json_deep_copy(b);
	policy = json_string_value(json_object_get(b, "merge_policy"));
	if (!policy)
		policy = json_string_value(json_object_get(a, "merge_policy"));
	if (!policy || strcmp(policy, "replace") == 0 ||
		(strcmp(policy, "version") != 0 && strcmp(policy, "enrich") != 0))
		return json_deep_copy(b);
	if (strcmp(policy, "version") == 0)
	{
		json_int_t	va = jint(a, "source_version", -1);
		json_int_t	vb = jint(b, "source_version", -1);

		return json_deep_copy(vb >= va ? b : a);
	}

	/* enrich */
	r = json_deep_copy(a);
	if (r == NULL)
		return NULL;
	{
		json_t	   *ta = json_object_get(a, "communication_time");
		json_t	   *tb = json_object_get(b, "communication_time");

		if (json_is_integer(tb) && (!json_is_integer(ta) || json_integer_value(tb) < json_integer_value(ta)))
			json_object_set(r, "communication_time", tb);
	}
	{
		json_t	   *da = json_object_get(a, "duration");
		json_t	   *db = json_object_get(b, "duration");

		if (json_is_integer(db) && (!json_is_integer(da) || json_integer_value(db) > json_integer_value(da)))
			json_object_set(r, "duration", db);
	}
	{
		json_t	   *ma = json_object_get(a, "missed");
		json_t	   *mb = json_object_get(b, "missed");

		if (ma || mb)
		{
			bool		missed = json_is_true(ma) && json_is_true(mb);

			/* the answered leg's subject describes the call */
			if (json_is_true(ma) && !missed && json_is_string(json_object_get(b, "subject")))
				json_object_set(r, "subject", json_object_get(b, "subject"));
			if (json_is_true(ma) && !missed && json_is_string(json_object_get(b, "direction_hint")))
				json_object_set(r, "direction_hint", json_object_get(b, "direction_hint"));
			json_object_set_new(r, "missed", json_boolean(missed));
		}
	}
	{
		json_t	   *va = json_object_get(a, "source_version");
		json_t	   *vb = json_object_get(b, "source_version");

		if (json_is_integer(vb) && (!json_is_integer(va) || json_integer_value(vb) > json_integer_value(va)))
			json_object_set(r, "source_version", vb);
	}
	{
		const char *ca = json_string_value(json_object_get(a, "content"));
		const char *cb = json_string_value(json_object_get(b, "content"));

		if (cb && *cb)
		{
			char	   *m = merge_text(ca, cb);

			if (m)
				json_object_set_new(r, "content", json_string(m));
			free(m);
		}
	}
	union_array(r, b, "attachments", att_ids);
	union_array(r, b, "participants", NULL);
	union_array(r, b, "addresses", NULL);
	union_array(r, b, "references", NULL);
	union_array(r, b, "follow_up_items", NULL);
	union_array(r, b, "follow_up_details", fu_ids);
	{
		json_t	   *eb = json_object_get(b, "extra");
		json_t	   *er = json_object_get(r, "extra");

		if (json_is_object(eb))
		{
			if (!json_is_object(er))
				json_object_set_new(r, "extra", json_deep_copy(eb));
			else
			{
				json_object_foreach(eb, k, v)
				{
					json_t	   *x = json_object_get(er, k);

					if (json_is_array(x) && json_is_array(v))
						union_array(er, eb, k, NULL);
					else if (x == NULL || json_is_null(x))
						json_object_set_new(er, k, json_deep_copy(v));
					else if (strcmp(k, "event") == 0 && json_is_string(v) && json_is_string(x) &&
							 event_later(json_string_value(v), json_string_value(x)))
						json_object_set(er, k, v);	/* latest event */
				}
			}
		}
	}
	/* remaining scalars of b fill a's gaps */
	json_object_foreach((json_t *) b, k, v)
	{
		json_t	   *x = json_object_get(r, k);

		if (json_is_null(v) || json_is_array(v) || json_is_object(v))
			continue;
		if (x == NULL || json_is_null(x) || (json_is_string(x) && *json_string_value(x) == '\0'))
			json_object_set(r, k, v);
	}
	/* a placeholder resolved by the newer part */
	if (json_object_get(r, "media_pending") && !json_object_get(b, "media_pending") &&
		json_object_get(b, "content"))
		json_object_del(r, "media_pending");
	return r;
}
