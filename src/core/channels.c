/*
 * channels.c -- chn_normalize() / chn_merge() of channels.h.
 *
 * CONTRACT (read channels.h first; this file implements it exactly).
 * Server independent: libc + jansson + normalize.h / sha256.h / mime.h only.
 * The payload is borrowed, never modified; the result is a new reference.
 * Shapes are detected from keys only.  Numbers may arrive as JSON strings
 * (and ids as numbers); times as epoch s/ms/us (number or string), ISO 8601
 * with/without zone, RFC 5322, or wall-clock Asia/Shanghai ("2024-06-15
 * 09:30").  A time of 0 / "0" / "" / "0000-00-00 ..." counts as absent.
 *
 * Accepted shapes (key fields) per channel:
 *   wechat  WeCom session archive {msgid, action, from, tolist, roomid, msgtime,
 *           msgtype, <msgtype>{...}}; seed callback {msg_id, msg_type, from_user,
 *           to_user, content, create_time}; XML callback as JSON {MsgId, MsgType,
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
 * Every payload may carry customer_id, contact_id, project_id, opportunity_id.
 * merge_policy is always set ("replace" unless stated above).
 *
 * chn_merge: replace -> copy of b; version -> the higher source_version wins
 * whole (ties: b); enrich -> a with earliest time, max duration, b's non-null
 * scalars filling a's gaps (subject/content line of an answered leg win over a
 * missed one), content lines of b not yet in a appended, attachments,
 * participants, addresses, references, follow_up_items unioned, extra merged
 * key by key, missed only if every leg was missed.
 *
 * Every loop is bounded by the input (array sizes, string lengths) or by a
 * constant cap; no recursion deeper than a small constant.
 */
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

#define MAX_ITEMS 10000			/* array elements looked at */
#define MAX_LIST 1000			/* participants/addresses/attachments kept */
#define SB_MAX (16u * 1024 * 1024)	/* generated text cap */

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
	char		tmp[1024];
	va_list		ap;
	int			k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (k > 0)
		sb_putn(b, tmp, (size_t) k < sizeof tmp ? (size_t) k : sizeof tmp - 1);
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
	char		tmp[2048];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	return keepdup(c, tmp);
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

static bool
bad_type(Ctx *c, const char *key, const json_t *v, const char *want)
{
	const char *p = path(c, key);

	return fail(c, "22P02", p, NULL, "Field \"%s\" of the %s must be %s, not %s.", p ? p : key, c->shape, want, jtype(v));
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
		*out = (long long) json_integer_value(v);
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

		fail(c, "22P02", p, NULL, "Field \"%s\" of the %s is out of range.", p ? p : key, c->shape);
		return false;
	}
	*out = (long long) d;
	return true;
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
static int
gt(Ctx *c, const json_t *o, const char *key, int64_t *us)
{
	json_t	   *v = jget(o, key);

	if (c->failed)
		return -1;
	if (v == NULL)
		return 0;
	if (json_is_number(v))
	{
		double		d = json_number_value(v);

		if (d == 0)
			return 0;
		if (norm_epoch_to_us(d, us))
			return 1;
	}
	else if (json_is_string(v))
	{
		const char *s = json_string_value(v);

		if (*s == '\0' || strcmp(s, "0") == 0 || strncmp(s, "0000-00-00", 10) == 0)
			return 0;
		if (norm_parse_time(s, us))
			return 1;
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

static void
put_subject(Ctx *c, const char *s, size_t maxchars)
{
	char	   *t;

	if (s == NULL || *s == '\0')
		return;
	t = norm_utf8_truncate(s, maxchars);
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
			name = keep(c, strndup(s, (size_t) (e - s)));
	}
	o = json_object();
	if (name)
		json_object_set_new(o, "file_name", json_string(name));
	if (ext[0])
		json_object_set_new(o, "file_type", json_string(ext));
	if (size >= 0)
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

	s = gs(c, p, "customer_id");
	if (s && strlen(s) <= 64)
		put_s(c, "customer_id", s);
	s = gs(c, p, "project_id");
	if (s && strlen(s) <= 64)
		put_s(c, "project_id", s);
	s = gs(c, p, "opportunity_id");
	if (s && strlen(s) <= 64)
		put_s(c, "opportunity_id", s);
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

/* action items: strings or {item|content|task|text|title, owner, due} */
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
					   *due;
			static const char *const keys[] = {"item", "content", "task", "text", "title", "description"};

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
			if (!t || !*t)
				continue;
			if (owner && due)
				add_str_item(c, "follow_up_items", keepf(c, "%s(负责人: %s, 截止: %s)", t, owner, due));
			else if (owner)
				add_str_item(c, "follow_up_items", keepf(c, "%s(负责人: %s)", t, owner));
			else if (due)
				add_str_item(c, "follow_up_items", keepf(c, "%s(截止: %s)", t, due));
			else
				add_str_item(c, "follow_up_items", t);
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
			put_i(c, "duration", n);
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
		if (depth == 0 && n > 0)
			put_i(c, "duration", n);
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
		json_t	   *lat = json_object_get(obj, "latitude");
		json_t	   *lng = json_object_get(obj, "longitude");

		sb_printf(content, "[位置] %s", t ? t : "");
		if (a && *a)
			sb_printf(content, " %s", a);
		if (json_is_number(lat) && json_is_number(lng))
			sb_printf(content, " (%.6f, %.6f)", json_number_value(lat), json_number_value(lng));
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
			return fail(c, "22P02", k, NULL, "Field \"%s\" of the WeCom archive message must be a string, not %s.", k, jtype(v));
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
		return bad_type(c, msgtype, obj, "an object");
	{
		size_t		old = push_prefix(c, "%s.", msgtype);

		label = wx_render(c, msgtype, obj, &content, 0);
		pop_prefix(c, old);
	}
	if (c->failed)
	{
		sb_free(&content);
		return false;
	}
	put_s(c, "content", sb_str(&content));
	wx_subject(c, label ? label : (strcmp(msgtype, "text") == 0 || strcmp(msgtype, "markdown") == 0 ||
								   strcmp(msgtype, "mixed") == 0) ? NULL : keepf(c, "[%s]", msgtype),
			   sb_str(&content));
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
	add_participant(c, to);
	add_addr(c, "wecom", from, "from");
	add_addr(c, "wecom", to, "to");
	wx_chat_key(c, NULL, from, to);
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

		if (!gnn(c, p, "duration", &n))
			gnn(c, p, "play_length", &n);
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
			put_i(c, "duration", n);
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
