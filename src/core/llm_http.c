/*
 * llm_http.c -- one curl multi handle, many chat-completion / webhook
 * transfers, one classified result per transfer (contract in llm_http.h).
 *
 * Shape of the code, after pg_net's curl-multi loop but without its batch:
 *
 *   submit   validate everything (scheme, sizes, header-safe key, UTF-8
 *            prompts), build the JSON body with jansson, create an easy
 *            handle and add it to the multi handle at once.  Nothing is
 *            queued inside the engine: a full engine says LLM_SUBMIT_FULL
 *            and the caller keeps the job.
 *   run      curl_multi_perform, then drain curl_multi_info_read: each
 *            finished transfer is removed, its slot freed, its result built
 *            and handed to the callback right there -- so a slow transfer
 *            never delays the callbacks of fast ones, and a callback that
 *            submits gets its transfer started in the same run.  Then
 *            curl_multi_poll for what is left of wait_ms (curl's own timers
 *            bound the poll), until time is up, nothing is in flight, the
 *            interrupt callback says stop or llm_engine_wakeup was called.
 *   finish   classify: curl code first (connect / timeout / dropped /
 *            over cap), then HTTP status (429, 408, 5xx, other 4xx, 3xx),
 *            then the body (JSON, choices[0].message.content, usage,
 *            content JSON for expect_json; errcode for webhooks).
 *
 * Secrets: the key exists in the Authorization header list and in one copy
 * kept for scrubbing; both are wiped with explicit_bzero when the transfer
 * is freed.  Every message passes through msg_finish(): scrub key and URL
 * query fragments, then force valid UTF-8 without control characters (the
 * message ends up in a text column).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* memmem, timegm, explicit_bzero */
#endif
#include "llm_http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LLM_USER_AGENT		"commhub/1.0"
#define LLM_SNIPPET_BYTES	160
#define LLM_SECRET_FRAGMENT 6

typedef struct llm_xfer
{
	struct llm_xfer *prev,
			   *next;
	CURL	   *easy;
	struct curl_slist *headers;
	llm_kind	kind;
	bool		expect_json;
	void	   *user;
	char	   *url;
	char	   *body;
	size_t		body_len;
	char	   *secret;			/* api key copy, for scrubbing; wiped */
	char	   *url_query;		/* query string of url, for scrubbing; wiped */
	char		idem[80];		/* "Idempotency-Key: ..." or "" */
	long		total_timeout_ms;
	size_t		cap;			/* max response bytes */
	char	   *resp;
	size_t		resp_len;
	size_t		resp_alloc;
	bool		over_cap;
	long		retry_after_ms;
	char		errbuf[CURL_ERROR_SIZE];
} llm_xfer;

struct llm_engine
{
	CURLM	   *multi;
	int			max_inflight;
	int			inflight;
	llm_xfer   *head;
	atomic_int	wake;
	bool		in_run;
	llm_interrupt_cb intr;
	void	   *intr_arg;
	char		last_error[LLM_MESSAGE_BYTES];
};

static void llm_set_error(llm_engine *eng, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- */
/* global init                                                      */

bool
llm_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void
llm_global_cleanup(void)
{
	curl_global_cleanup();
}

void
llm_request_init(llm_request *req)
{
	memset(req, 0, sizeof(*req));
	req->kind = LLM_KIND_CHAT;
	req->temperature = -1.0;
	req->max_tokens = 0;
}

/* ---------------------------------------------------------------- */
/* small string helpers                                             */

static void
llm_set_error(llm_engine *eng, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(eng->last_error, sizeof(eng->last_error), fmt, ap);
	va_end(ap);
}

static void
wipe_free(char *s)
{
	if (s)
	{
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * Mask every run of msg that is a substring of secret and at least
 * min(LLM_SECRET_FRAGMENT, strlen(secret)) bytes long.  Quadratic, but msg
 * is at most LLM_MESSAGE_BYTES and secret at most a few KB.
 */
static void
scrub_secret(char *msg, const char *secret)
{
	size_t		slen,
				need,
				n,
				i;

	if (!secret || !*secret)
		return;
	slen = strlen(secret);
	need = slen < LLM_SECRET_FRAGMENT ? slen : LLM_SECRET_FRAGMENT;
	n = strlen(msg);
	i = 0;
	while (i < n)
	{
		size_t		len = 0;

		while (i + len < n && len < slen &&
			   memmem(secret, slen, msg + i, len + 1) != NULL)
			len++;
		if (len >= need)
		{
			memset(msg + i, '*', len);
			i += len;
		}
		else
			i++;
	}
}

/* Length of a valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t		len,
				k;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
	{
		len = 2;
		cp = c & 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		len = 3;
		cp = c & 0x0F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		len = 4;
		cp = c & 0x07;
	}
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++)
	{
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/* Replace invalid UTF-8 and control characters by '?', in place. */
static void
sanitize_text(char *s)
{
	size_t		n = strlen(s),
				i = 0;

	while (i < n)
	{
		unsigned char c = (unsigned char) s[i];
		size_t		l;

		if (c < 0x20 || c == 0x7F)
		{
			s[i++] = (c == '\n' || c == '\t') ? ' ' : '?';
			continue;
		}
		l = utf8_seq_len((const unsigned char *) s + i, n - i);
		if (l == 0)
		{
			s[i++] = '?';
			continue;
		}
		i += l;
	}
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static void
utf8_truncate(char *s, size_t max)
{
	size_t		n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

static void
msg_finish(char *msg, const llm_xfer *x)
{
	scrub_secret(msg, x->secret);
	scrub_secret(msg, x->url_query);
	sanitize_text(msg);
}

/* ---------------------------------------------------------------- */
/* URL handling                                                     */

bool
llm_url_allowed(const char *url)
{
	const unsigned char *p;

	if (!url)
		return false;
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return false;
	if (strnlen(url, LLM_MAX_URL_BYTES + 1) > LLM_MAX_URL_BYTES)
		return false;
	for (p = (const unsigned char *) url; *p; p++)
		if (*p <= 0x20 || *p == 0x7F)
			return false;
	/* a host must follow the scheme */
	p = (const unsigned char *) strstr(url, "//") + 2;
	return *p != '\0' && *p != '/' && *p != '?' && *p != '#';
}

bool
llm_chat_url(const char *base_url, char *out, size_t outlen)
{
	size_t		n;
	int			w;

	if (!base_url)
		return false;
	n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (n > INT_MAX)
		return false;
	w = snprintf(out, outlen, "%.*s/chat/completions", (int) n, base_url);
	return w >= 0 && (size_t) w < outlen;
}

/* The query string (between '?' and '#') of url, or NULL. */
static char *
url_query_copy(const char *url)
{
	const char *q = strchr(url, '?');
	size_t		n;
	char	   *r;

	if (!q || !q[1])
		return NULL;
	q++;
	n = strcspn(q, "#");
	r = malloc(n + 1);
	if (r)
	{
		memcpy(r, q, n);
		r[n] = '\0';
	}
	return r;
}

/* ---------------------------------------------------------------- */
/* Retry-After                                                      */

static int
month_index(const char *s)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int			i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

/* Read exactly ndig digits (or 1..ndig when ndig < 0: up to -ndig). */
static bool
read_num(const char **pp, int ndig, int *out)
{
	const char *p = *pp;
	int			v = 0,
				k = 0,
				maxd = ndig < 0 ? -ndig : ndig;

	while (k < maxd && isdigit((unsigned char) p[k]))
	{
		v = v * 10 + (p[k] - '0');
		k++;
	}
	if (k == 0 || (ndig > 0 && k != ndig))
		return false;
	*pp = p + k;
	*out = v;
	return true;
}

static bool
read_hms(const char **pp, struct tm *tm)
{
	const char *p = *pp;

	if (!read_num(&p, 2, &tm->tm_hour) || *p++ != ':' ||
		!read_num(&p, 2, &tm->tm_min) || *p++ != ':' ||
		!read_num(&p, 2, &tm->tm_sec))
		return false;
	*pp = p;
	return tm->tm_hour < 24 && tm->tm_min < 60 && tm->tm_sec <= 60;
}

/* HTTP-date, locale independent: IMF-fixdate, RFC 850, asctime. */
static bool
parse_http_date(const char *s, time_t *out)
{
	struct tm	tm;
	const char *p;
	int			mon;

	memset(&tm, 0, sizeof(tm));
	p = s;
	while (isalpha((unsigned char) *p))
		p++;
	if (p == s)
		return false;
	if (*p == ',')
	{
		p++;
		while (*p == ' ')
			p++;
		if (!read_num(&p, 2, &tm.tm_mday))
			return false;
		if (*p == ' ')
		{
			/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
			p++;
			if ((mon = month_index(p)) < 0)
				return false;
			p += 3;
			if (*p++ != ' ' || !read_num(&p, 4, &tm.tm_year))
				return false;
			tm.tm_year -= 1900;
		}
		else if (*p == '-')
		{
			/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
			p++;
			if ((mon = month_index(p)) < 0)
				return false;
			p += 3;
			if (*p++ != '-' || !read_num(&p, 2, &tm.tm_year))
				return false;
			if (tm.tm_year < 70)
				tm.tm_year += 100;
		}
		else
			return false;
		if (*p++ != ' ' || !read_hms(&p, &tm))
			return false;
		while (*p == ' ')
			p++;
		if (strncmp(p, "GMT", 3) != 0)
			return false;
		p += 3;
	}
	else if (*p == ' ')
	{
		/* asctime: Sun Nov  6 08:49:37 1994 */
		p++;
		if ((mon = month_index(p)) < 0)
			return false;
		p += 3;
		while (*p == ' ')
			p++;
		if (!read_num(&p, -2, &tm.tm_mday) || *p++ != ' ' || !read_hms(&p, &tm) ||
			*p++ != ' ' || !read_num(&p, 4, &tm.tm_year))
			return false;
		tm.tm_year -= 1900;
	}
	else
		return false;
	while (*p == ' ')
		p++;
	if (*p != '\0' || tm.tm_mday < 1 || tm.tm_mday > 31)
		return false;
	tm.tm_mon = mon;
	*out = timegm(&tm);
	return *out != (time_t) -1;
}

long
llm_parse_retry_after(const char *value, time_t now)
{
	char		buf[96];
	size_t		n;
	const char *p;
	time_t		when;
	const long	max_ms = 86400L * 1000;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n > 0 && isspace((unsigned char) value[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, value, n);
	buf[n] = '\0';

	for (p = buf; isdigit((unsigned char) *p); p++)
		;
	if (*p == '\0')
	{
		long		secs = 0;

		for (p = buf; *p; p++)
		{
			secs = secs * 10 + (*p - '0');
			if (secs > 86400)
				return max_ms;
		}
		return secs * 1000;
	}
	if (!parse_http_date(buf, &when))
		return -1;
	if (when <= now)
		return 0;
	if (when - now > 86400)
		return max_ms;
	return (long) (when - now) * 1000;
}

/* ---------------------------------------------------------------- */
/* backoff and classes                                              */

long
llm_backoff_ms(int attempt, long base_ms, long max_ms, long retry_after_ms,
			   uint32_t rand)
{
	long		cap;
	long		delay;
	int			i;

	if (attempt < 1)
		attempt = 1;
	if (base_ms < 0)
		base_ms = 0;
	if (max_ms < 0)
		max_ms = 0;
	cap = base_ms < max_ms ? base_ms : max_ms;
	for (i = 1; i < attempt && cap < max_ms; i++)
		cap = cap > max_ms / 2 ? max_ms : cap * 2;
	if (cap > max_ms)
		cap = max_ms;
	delay = (long) ((uint64_t) rand % ((uint64_t) cap + 1));
	if (retry_after_ms >= 0 && delay < retry_after_ms)
		delay = retry_after_ms;
	return delay;
}

const char *
llm_class_name(llm_error_class c)
{
	switch (c)
	{
		case LLM_OK:
			return "ok";
		case LLM_RETRY_RATE_LIMIT:
			return "rate_limit";
		case LLM_RETRY_SERVER:
			return "server_error";
		case LLM_RETRY_TIMEOUT:
			return "timeout";
		case LLM_RETRY_CONNECT:
			return "connect_error";
		case LLM_FAIL_CLIENT:
			return "client_error";
		case LLM_FAIL_RESPONSE:
			return "bad_response";
		case LLM_FAIL_SHAPE:
			return "bad_shape";
		case LLM_CANCELLED:
			return "cancelled";
		case LLM_FAIL_INTERNAL:
			return "internal_error";
	}
	return "unknown";
}

bool
llm_class_retryable(llm_error_class c, bool retry_bad_answers)
{
	switch (c)
	{
		case LLM_RETRY_RATE_LIMIT:
		case LLM_RETRY_SERVER:
		case LLM_RETRY_TIMEOUT:
		case LLM_RETRY_CONNECT:
		case LLM_CANCELLED:
			return true;
		case LLM_FAIL_RESPONSE:
		case LLM_FAIL_SHAPE:
			return retry_bad_answers;
		default:
			return false;
	}
}

/* ---------------------------------------------------------------- */
/* content JSON                                                     */

static json_t *
load_object(const char *s, size_t n, json_error_t *jerr)
{
	json_t	   *j = json_loadb(s, n, 0, jerr);

	if (j && !json_is_object(j))
	{
		json_decref(j);
		snprintf(jerr->text, sizeof(jerr->text), "not a JSON object");
		return NULL;
	}
	return j;
}

size_t
llm_skip_reasoning(const char *content, size_t len)
{
	const char *s = content,
			   *e = content + len,
			   *end;

	if (!content)
		return 0;
	if (e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (s < e && isspace((unsigned char) *s))
		s++;
	if (e - s < 15 || memcmp(s, "<think>", 7) != 0 ||
		(end = memmem(s + 7, (size_t) (e - s - 7), "</think>", 8)) == NULL)
		return 0;
	s = end + 8;
	while (s < e && isspace((unsigned char) *s))
		s++;
	return (size_t) (s - content);
}

json_t *
llm_parse_content_json(const char *content, size_t len, char *err, size_t errlen)
{
	const char *s = content,
			   *e;
	const char *open,
			   *close;
	json_error_t jerr;
	json_t	   *j;

	if (err && errlen)
		err[0] = '\0';
	if (!content)
	{
		if (err)
			snprintf(err, errlen, "content is missing");
		return NULL;
	}
	e = s + len;
	if (e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (s < e && isspace((unsigned char) *s))
		s++;
	while (e > s && isspace((unsigned char) e[-1]))
		e--;
	if (s == e)
	{
		if (err)
			snprintf(err, errlen, "content is empty");
		return NULL;
	}

	/*
	 * A reasoning model's thinking often restates the prompt's JSON example:
	 * its braces and fences would be taken for the answer.
	 */
	if (llm_skip_reasoning(s, (size_t) (e - s)) > 0)
	{
		s += llm_skip_reasoning(s, (size_t) (e - s));
		if (s == e)
		{
			if (err)
				snprintf(err, errlen, "content is empty after the <think> block");
			return NULL;
		}
	}

	/* A ```lang fence anywhere: take what is inside the first fence. */
	open = memmem(s, (size_t) (e - s), "```", 3);
	if (open)
	{
		const char *in = open + 3;
		const char *nl = memchr(in, '\n', (size_t) (e - in));

		/* language tag: letters up to the end of the line */
		if (nl)
		{
			const char *t = in;

			while (t < nl && (isalnum((unsigned char) *t) || *t == ' ' || *t == '\r'))
				t++;
			if (t == nl)
				in = nl + 1;
		}
		close = memmem(in, (size_t) (e - in), "```", 3);
		j = load_object(in, (size_t) ((close ? close : e) - in), &jerr);
		if (j)
			return j;
	}

	j = load_object(s, (size_t) (e - s), &jerr);
	if (j)
		return j;

	/* Prose around one object: first '{' to last '}'. */
	open = memchr(s, '{', (size_t) (e - s));
	close = NULL;
	for (const char *p = e; p > s; p--)
		if (p[-1] == '}')
		{
			close = p;
			break;
		}
	if (open && close && close > open)
	{
		json_error_t jerr2;

		j = load_object(open, (size_t) (close - open), &jerr2);
		if (j)
			return j;
	}
	if (err)
		snprintf(err, errlen, "content is not a JSON object: %s (line %d, column %d)",
				 jerr.text, jerr.line, jerr.column);
	return NULL;
}

/* ---------------------------------------------------------------- */
/* curl callbacks                                                   */

static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	llm_xfer   *x = ud;
	size_t		n = size * nmemb;

	if (n > x->cap - x->resp_len)
	{
		x->over_cap = true;
		return 0;				/* CURLE_WRITE_ERROR: transfer aborted */
	}
	if (x->resp_len + n + 1 > x->resp_alloc)
	{
		size_t		na = x->resp_alloc ? x->resp_alloc : 16384;
		char	   *nr;

		while (na < x->resp_len + n + 1)
			na *= 2;
		if (na > x->cap + 1)
			na = x->cap + 1;
		nr = realloc(x->resp, na);
		if (!nr)
			return 0;
		x->resp = nr;
		x->resp_alloc = na;
	}
	memcpy(x->resp + x->resp_len, ptr, n);
	x->resp_len += n;
	x->resp[x->resp_len] = '\0';
	return n;
}

static size_t
on_header(char *buf, size_t size, size_t nitems, void *ud)
{
	llm_xfer   *x = ud;
	size_t		n = size * nitems;

	if (n >= 5 && strncasecmp(buf, "HTTP/", 5) == 0)
		x->retry_after_ms = -1; /* a new response (after 100 Continue) */
	else if (n > 12 && strncasecmp(buf, "Retry-After:", 12) == 0)
	{
		char		v[96];
		size_t		vl = n - 12;

		if (vl >= sizeof(v))
			vl = sizeof(v) - 1;
		memcpy(v, buf + 12, vl);
		v[vl] = '\0';
		x->retry_after_ms = llm_parse_retry_after(v, time(NULL));
	}
	return n;
}

/* ---------------------------------------------------------------- */
/* engine                                                           */

llm_engine *
llm_engine_new(int max_inflight)
{
	llm_engine *eng;

	if (!llm_global_init())
		return NULL;
	eng = calloc(1, sizeof(*eng));
	if (!eng)
	{
		llm_global_cleanup();
		return NULL;
	}
	if (max_inflight < 1)
		max_inflight = 1;
	if (max_inflight > LLM_MAX_INFLIGHT)
		max_inflight = LLM_MAX_INFLIGHT;
	eng->max_inflight = max_inflight;
	atomic_init(&eng->wake, 0);
	eng->multi = curl_multi_init();
	if (!eng->multi)
	{
		free(eng);
		llm_global_cleanup();
		return NULL;
	}
	/* keep idle connections for the next requests to the same endpoint */
	curl_multi_setopt(eng->multi, CURLMOPT_MAXCONNECTS, (long) max_inflight * 2);
	return eng;
}

const char *
llm_engine_last_error(const llm_engine *eng)
{
	return eng->last_error;
}

int
llm_engine_inflight(const llm_engine *eng)
{
	return eng->inflight;
}

int
llm_engine_free_slots(const llm_engine *eng)
{
	return eng->inflight < eng->max_inflight ? eng->max_inflight - eng->inflight : 0;
}

void
llm_engine_set_max_inflight(llm_engine *eng, int max_inflight)
{
	if (max_inflight < 1)
		max_inflight = 1;
	if (max_inflight > LLM_MAX_INFLIGHT)
		max_inflight = LLM_MAX_INFLIGHT;
	if (max_inflight == eng->max_inflight)
		return;
	eng->max_inflight = max_inflight;
	curl_multi_setopt(eng->multi, CURLMOPT_MAXCONNECTS, (long) max_inflight * 2);
}

void
llm_engine_set_interrupt(llm_engine *eng, llm_interrupt_cb fn, void *arg)
{
	eng->intr = fn;
	eng->intr_arg = arg;
}

void
llm_engine_wakeup(llm_engine *eng)
{
	atomic_store(&eng->wake, 1);
	curl_multi_wakeup(eng->multi);
}

static void
xfer_free(llm_xfer *x)
{
	struct curl_slist *h;

	if (x->easy)
		curl_easy_cleanup(x->easy);
	for (h = x->headers; h; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(x->headers);
	wipe_free(x->secret);
	wipe_free(x->url_query);
	free(x->url);
	free(x->body);
	free(x->resp);
	free(x);
}

/* Check a string option: present, bounded, valid for a JSON string. */
static bool
text_ok(llm_engine *eng, const char *what, const char *s, size_t max, bool required)
{
	if (!s)
	{
		if (required)
			llm_set_error(eng, "%s is missing", what);
		return !required;
	}
	if (required && !*s)
	{
		llm_set_error(eng, "%s is empty", what);
		return false;
	}
	if (strnlen(s, max + 1) > max)
	{
		llm_set_error(eng, "%s is longer than %zu bytes", what, max);
		return false;
	}
	return true;
}

static char *
build_chat_body(llm_engine *eng, const llm_request *req, bool *nomem_out)
{
	json_t	   *body,
			   *msgs,
			   *m;
	char	   *out = NULL;

	body = json_object();
	msgs = json_array();
	if (!body || !msgs)
		goto nomem;
	if (json_object_set_new(body, "model", json_string(req->model)) != 0)
	{
		llm_set_error(eng, "model is not valid UTF-8");
		goto fail;
	}
	if (req->system_prompt && *req->system_prompt)
	{
		m = json_pack("{s:s,s:s}", "role", "system", "content", req->system_prompt);
		if (!m)
		{
			llm_set_error(eng, "system prompt is not valid UTF-8");
			goto fail;
		}
		json_array_append_new(msgs, m);
	}
	m = json_pack("{s:s,s:s}", "role", "user", "content", req->user_prompt);
	if (!m)
	{
		llm_set_error(eng, "user prompt is not valid UTF-8");
		goto fail;
	}
	json_array_append_new(msgs, m);
	json_object_set_new(body, "messages", msgs);
	msgs = NULL;
	if (req->temperature >= 0)
		json_object_set_new(body, "temperature", json_real(req->temperature));
	if (req->max_tokens > 0)
		json_object_set_new(body, "max_tokens", json_integer(req->max_tokens));
	if (req->json_mode)
		json_object_set_new(body, "response_format",
							json_pack("{s:s}", "type", "json_object"));
	json_object_set_new(body, "stream", json_false());
	if (req->extra_body_json && *req->extra_body_json)
	{
		json_error_t jerr;
		json_t	   *extra = json_loads(req->extra_body_json, 0, &jerr);

		if (!extra || !json_is_object(extra))
		{
			json_decref(extra);
			llm_set_error(eng, "extra_body_json is not a JSON object");
			goto fail;
		}
		json_object_update(body, extra);
		json_decref(extra);
	}
	out = json_dumps(body, JSON_COMPACT);
	if (!out)
		goto nomem;
	json_decref(body);
	return out;

nomem:
	llm_set_error(eng, "out of memory building the request");
	*nomem_out = true;
fail:
	json_decref(msgs);
	json_decref(body);
	return NULL;
}

/* Request headers; the Authorization line is built in a buffer that is
 * wiped at once (curl keeps its own copy, wiped in xfer_free). */
static bool
build_headers(llm_xfer *x)
{
	static const char *const fixed[] = {
		"Content-Type: application/json; charset=utf-8",
		"Accept: application/json",
		"Expect:",				/* no 100-continue round trip */
	};
	struct curl_slist *t;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
	{
		if (!(t = curl_slist_append(x->headers, fixed[i])))
			return false;
		x->headers = t;
	}
	if (x->idem[0])
	{
		if (!(t = curl_slist_append(x->headers, x->idem)))
			return false;
		x->headers = t;
	}
	if (x->secret)
	{
		size_t		al = strlen(x->secret) + sizeof("Authorization: Bearer ");
		char	   *auth = malloc(al);

		if (!auth)
			return false;
		snprintf(auth, al, "Authorization: Bearer %s", x->secret);
		t = curl_slist_append(x->headers, auth);
		explicit_bzero(auth, al);
		free(auth);
		if (!t)
			return false;
		x->headers = t;
	}
	return true;
}

int
llm_engine_submit(llm_engine *eng, const llm_request *req, void *user)
{
	llm_xfer   *x;
	size_t		urlmax;
	long		connect_ms,
				total_ms;
	bool		ok;
	int			rc = LLM_SUBMIT_INVALID;

	if (!req)
	{
		llm_set_error(eng, "request is NULL");
		return LLM_SUBMIT_INVALID;
	}
	if (eng->inflight >= eng->max_inflight)
	{
		llm_set_error(eng, "engine is full (%d transfers in flight)", eng->inflight);
		return LLM_SUBMIT_FULL;
	}
	if (req->kind != LLM_KIND_CHAT && req->kind != LLM_KIND_WEBHOOK)
	{
		llm_set_error(eng, "unknown request kind %d", (int) req->kind);
		return LLM_SUBMIT_INVALID;
	}
	if (!req->url || !llm_url_allowed(req->url))
	{
		/* never quote the URL: it may carry a key */
		llm_set_error(eng, "URL refused: only http:// and https:// URLs without "
					  "spaces or control characters, up to %d bytes, are allowed",
					  LLM_MAX_URL_BYTES);
		return LLM_SUBMIT_INVALID;
	}
	if (!text_ok(eng, "api_key", req->api_key, LLM_MAX_KEY_BYTES, false))
		return LLM_SUBMIT_INVALID;
	if (req->api_key)
		for (const unsigned char *p = (const unsigned char *) req->api_key; *p; p++)
			if (*p < 0x21 || *p == 0x7F)
			{
				llm_set_error(eng, "api_key contains spaces or control characters");
				return LLM_SUBMIT_INVALID;
			}
	if (req->idempotency_key)
	{
		size_t		n = strlen(req->idempotency_key);

		if (n < 1 || n > 64 || strspn(req->idempotency_key,
									  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != n)
		{
			llm_set_error(eng, "idempotency_key must be 1-64 characters of A-Z a-z 0-9 . _ : -");
			return LLM_SUBMIT_INVALID;
		}
	}
	if (req->kind == LLM_KIND_CHAT)
	{
		if (!text_ok(eng, "model", req->model, LLM_MAX_MODEL_BYTES, true) ||
			!text_ok(eng, "user prompt", req->user_prompt, LLM_MAX_REQUEST_BYTES / 2, true) ||
			!text_ok(eng, "system prompt", req->system_prompt, LLM_MAX_REQUEST_BYTES / 2, false) ||
			!text_ok(eng, "extra_body_json", req->extra_body_json, 65536, false))
			return LLM_SUBMIT_INVALID;
	}
	else if (!text_ok(eng, "webhook body", req->body_json, LLM_MAX_REQUEST_BYTES, true))
		return LLM_SUBMIT_INVALID;
	else
	{
		json_error_t jerr;
		json_t	   *j = json_loads(req->body_json, 0, &jerr);

		if (!j)
		{
			llm_set_error(eng, "webhook body is not JSON: %s", jerr.text);
			return LLM_SUBMIT_INVALID;
		}
		json_decref(j);
	}

	connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : LLM_DEFAULT_CONNECT_TIMEOUT_MS;
	total_ms = req->total_timeout_ms > 0 ? req->total_timeout_ms : LLM_DEFAULT_TOTAL_TIMEOUT_MS;
	if (connect_ms > LLM_MAX_TIMEOUT_MS)
		connect_ms = LLM_MAX_TIMEOUT_MS;
	if (total_ms > LLM_MAX_TIMEOUT_MS)
		total_ms = LLM_MAX_TIMEOUT_MS;

	x = calloc(1, sizeof(*x));
	if (!x)
	{
		llm_set_error(eng, "out of memory");
		return LLM_SUBMIT_NOMEM;
	}
	x->kind = req->kind;
	x->expect_json = req->kind == LLM_KIND_CHAT && (req->json_mode || req->expect_json);
	x->user = user;
	x->retry_after_ms = -1;
	x->total_timeout_ms = total_ms;
	x->cap = req->max_response_bytes > 0 ? req->max_response_bytes : LLM_DEFAULT_RESPONSE_CAP;
	if (x->cap > LLM_MAX_RESPONSE_CAP)
		x->cap = LLM_MAX_RESPONSE_CAP;

	rc = LLM_SUBMIT_NOMEM;
	urlmax = strlen(req->url) + sizeof("/chat/completions");
	x->url = malloc(urlmax);
	if (!x->url)
		goto nomem;
	if (req->kind == LLM_KIND_CHAT)
		llm_chat_url(req->url, x->url, urlmax);
	else
		memcpy(x->url, req->url, strlen(req->url) + 1);
	x->url_query = url_query_copy(x->url);
	if (req->idempotency_key)
		snprintf(x->idem, sizeof(x->idem), "Idempotency-Key: %s", req->idempotency_key);
	if (req->api_key && *req->api_key)
	{
		x->secret = strdup(req->api_key);
		if (!x->secret)
			goto nomem;
	}

	if (req->kind == LLM_KIND_CHAT)
	{
		bool		nomem = false;

		x->body = build_chat_body(eng, req, &nomem);
		if (!x->body)
		{
			rc = nomem ? LLM_SUBMIT_NOMEM : LLM_SUBMIT_INVALID;
			goto fail;
		}
	}
	else if (!(x->body = strdup(req->body_json)))
		goto nomem;
	x->body_len = strlen(x->body);
	if (x->body_len > LLM_MAX_REQUEST_BYTES)
	{
		llm_set_error(eng, "request body is larger than %u bytes", LLM_MAX_REQUEST_BYTES);
		rc = LLM_SUBMIT_INVALID;
		goto fail;
	}

	if (!build_headers(x))
		goto nomem;

	x->easy = curl_easy_init();
	if (!x->easy)
		goto nomem;
	ok = curl_easy_setopt(x->easy, CURLOPT_URL, x->url) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS, 0L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_POST, 1L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) x->body_len) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_USERAGENT, LLM_USER_AGENT) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_write) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) x->cap) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x) == CURLE_OK;
	if (ok && req->low_speed_secs > 0 && req->low_speed_bytes > 0)
		ok = curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_LIMIT, req->low_speed_bytes) == CURLE_OK &&
			curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_TIME, req->low_speed_secs) == CURLE_OK;
	if (!ok)
	{
		llm_set_error(eng, "curl refused a transfer option");
		goto fail;
	}
	if (curl_multi_add_handle(eng->multi, x->easy) != CURLM_OK)
	{
		llm_set_error(eng, "curl_multi_add_handle failed");
		goto fail;
	}

	x->next = eng->head;
	if (eng->head)
		eng->head->prev = x;
	eng->head = x;
	eng->inflight++;
	return LLM_SUBMIT_OK;

nomem:
	llm_set_error(eng, "out of memory");
fail:
	xfer_free(x);
	return rc;
}

/* ---------------------------------------------------------------- */
/* results                                                          */

/* A short, human-readable error from an error body (OpenAI / DashScope /
 * WeCom / FastAPI style), else the start of the body. */
static void
error_snippet(const char *body, size_t len, json_t *j, char *out, size_t outlen)
{
	const char *s = NULL;

	out[0] = '\0';
	if (json_is_object(j))
	{
		json_t	   *e = json_object_get(j, "error");

		if (json_is_object(e))
			s = json_string_value(json_object_get(e, "message"));
		else if (json_is_string(e))
			s = json_string_value(e);
		if (!s)
			s = json_string_value(json_object_get(j, "message"));
		if (!s)
			s = json_string_value(json_object_get(j, "errmsg"));
		if (!s)
			s = json_string_value(json_object_get(j, "detail"));
	}
	if (s)
		snprintf(out, outlen, "%s", s);
	else if (body && len > 0)
		snprintf(out, outlen, "%.*s", (int) (len < outlen ? len : outlen - 1), body);
	utf8_truncate(out, LLM_SNIPPET_BYTES);
}

static void
set_msg(llm_result *r, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
set_msg(llm_result *r, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	utf8_truncate(r->message, sizeof(r->message) - 1);
}

static void
classify_curl(llm_xfer *x, CURLcode cc, llm_result *r)
{
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);
	long		request_bytes = 0;

	r->curl_code = (int) cc;
	switch (cc)
	{
		case CURLE_OPERATION_TIMEDOUT:
			/* nothing sent: we never got a connection (a reused
			 * connection reports connect time 0, so do not use that) */
			curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &request_bytes);
			if (request_bytes == 0 && r->http_status == 0)
			{
				r->err = LLM_RETRY_CONNECT;
				set_msg(r, "connect timed out: %s", detail);
			}
			else
			{
				r->err = LLM_RETRY_TIMEOUT;
				set_msg(r, "timed out (limit %ld ms): %s", x->total_timeout_ms, detail);
			}
			break;
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		case CURLE_SSL_INVALIDCERTSTATUS:
		case CURLE_SSL_CRL_BADFILE:
		case CURLE_USE_SSL_FAILED:
			r->err = LLM_RETRY_CONNECT;
			set_msg(r, "cannot connect: %s", detail);
			break;
		case CURLE_GOT_NOTHING:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
		case CURLE_PARTIAL_FILE:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
		case CURLE_HTTP3:
		case CURLE_BAD_CONTENT_ENCODING:
			r->err = LLM_RETRY_SERVER;
			set_msg(r, "connection failed during the exchange: %s", detail);
			break;
		case CURLE_WRITE_ERROR:
		case CURLE_FILESIZE_EXCEEDED:
			if (x->over_cap || cc == CURLE_FILESIZE_EXCEEDED)
			{
				r->err = LLM_FAIL_RESPONSE;
				set_msg(r, "response exceeds the %zu-byte cap; transfer aborted", x->cap);
			}
			else
			{
				r->err = LLM_FAIL_INTERNAL;
				set_msg(r, "out of memory receiving the response");
			}
			break;
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
		case CURLE_TOO_MANY_REDIRECTS:
			r->err = LLM_FAIL_CLIENT;
			set_msg(r, "request refused by curl: %s", detail);
			break;
		default:
			r->err = LLM_FAIL_INTERNAL;
			set_msg(r, "curl error %d: %s", (int) cc, detail);
			break;
	}
}

static long
get_count(json_t *usage, const char *key)
{
	json_t	   *v = json_object_get(usage, key);

	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		json_integer_value(v) <= LONG_MAX)
		return (long) json_integer_value(v);
	return -1;
}

/* Chat completion body of a 2xx response. */
static void
finish_chat(llm_xfer *x, json_t *body, llm_result *r)
{
	json_t	   *choices,
			   *c0,
			   *msg,
			   *content,
			   *usage;
	char		snip[LLM_SNIPPET_BYTES + 1];
	char		perr[200];

	if (!body)
	{
		r->err = LLM_FAIL_RESPONSE;
		error_snippet(x->resp, x->resp_len, NULL, snip, sizeof(snip));
		set_msg(r, "HTTP %d but the body is not JSON: %s", r->http_status, snip);
		return;
	}
	usage = json_object_get(body, "usage");
	if (json_is_object(usage))
	{
		r->prompt_tokens = get_count(usage, "prompt_tokens");
		r->completion_tokens = get_count(usage, "completion_tokens");
		r->total_tokens = get_count(usage, "total_tokens");
		if (r->total_tokens < 0 && r->prompt_tokens >= 0 && r->completion_tokens >= 0)
			r->total_tokens = r->prompt_tokens + r->completion_tokens;
	}
	r->model = json_string_value(json_object_get(body, "model"));

	choices = json_object_get(body, "choices");
	c0 = json_array_get(choices, 0);
	if (!json_is_object(c0))
	{
		r->err = LLM_FAIL_RESPONSE;
		error_snippet(NULL, 0, body, snip, sizeof(snip));
		set_msg(r, "response has no choices%s%s", snip[0] ? ": " : "", snip);
		return;
	}
	r->finish_reason = json_string_value(json_object_get(c0, "finish_reason"));
	msg = json_object_get(c0, "message");
	content = json_object_get(msg, "content");
	if (!json_is_string(content))
	{
		r->err = LLM_FAIL_RESPONSE;
		set_msg(r, "choices[0].message.content is missing or not a string");
		return;
	}
	r->content = json_string_value(content);
	r->content_len = json_string_length(content);
	if (!x->expect_json)
	{
		r->err = LLM_OK;
		set_msg(r, "ok");
		return;
	}
	r->parsed = llm_parse_content_json(r->content, r->content_len, perr, sizeof(perr));
	if (!r->parsed)
	{
		r->err = LLM_FAIL_RESPONSE;
		if (r->finish_reason && strcmp(r->finish_reason, "length") == 0)
			set_msg(r, "answer truncated at max_tokens (finish_reason length); %s", perr);
		else
			set_msg(r, "%s", perr);
		return;
	}
	r->err = LLM_OK;
	set_msg(r, "ok");
}

/* Webhook body of a 2xx response: WeCom says {"errcode":0,"errmsg":"ok"}. */
static void
finish_webhook(llm_xfer *x, json_t *body, llm_result *r)
{
	json_t	   *ec = json_object_get(body, "errcode");

	r->content = x->resp;
	r->content_len = x->resp_len;
	r->parsed = json_incref(body);
	if (json_is_integer(ec) && json_integer_value(ec) != 0)
	{
		const char *em = json_string_value(json_object_get(body, "errmsg"));
		char		snip[LLM_SNIPPET_BYTES + 1];

		r->webhook_errcode = (long) json_integer_value(ec);
		snprintf(snip, sizeof(snip), "%s", em ? em : "");
		utf8_truncate(snip, LLM_SNIPPET_BYTES);
		/* -1 system busy, 45009 API frequency limit: transient */
		if (r->webhook_errcode == 45009)
			r->err = LLM_RETRY_RATE_LIMIT;
		else if (r->webhook_errcode == -1)
			r->err = LLM_RETRY_SERVER;
		else
			r->err = LLM_FAIL_CLIENT;
		set_msg(r, "webhook errcode %ld: %s", r->webhook_errcode, snip);
		return;
	}
	r->err = LLM_OK;
	set_msg(r, "ok");
}

/*
 * Build x's result into r; *body_out receives the parsed response body
 * (owned by the caller, freed after the callback since r points into it).
 */
static void
build_result(llm_xfer *x, CURLcode cc, llm_result *r, json_t **body_out)
{
	long		status = 0;
	curl_off_t	total_us = 0;
	json_t	   *body = NULL;
	json_error_t jerr;
	char		snip[LLM_SNIPPET_BYTES + 1];

	memset(r, 0, sizeof(*r));
	r->kind = x->kind;
	r->retry_after_ms = x->retry_after_ms;
	r->prompt_tokens = r->completion_tokens = r->total_tokens = -1;
	r->response_bytes = x->resp_len;
	*body_out = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us);
	r->http_status = (int) status;
	r->latency_ms = (long) (total_us / 1000);
	r->curl_code = (int) cc;

	if (cc != CURLE_OK)
	{
		classify_curl(x, cc, r);
		goto done;
	}
	if (x->resp_len > 0)
		body = json_loadb(x->resp, x->resp_len, 0, &jerr);
	*body_out = body;

	if (status >= 200 && status < 300)
	{
		if (x->kind == LLM_KIND_CHAT)
			finish_chat(x, body, r);
		else
			finish_webhook(x, body, r);
		goto done;
	}
	error_snippet(x->resp, x->resp_len, body, snip, sizeof(snip));
	if (status == 429)
		r->err = LLM_RETRY_RATE_LIMIT;
	else if (status == 408)
		r->err = LLM_RETRY_TIMEOUT;
	else if (status >= 500 && status < 600)
		r->err = LLM_RETRY_SERVER;
	else if (status >= 300 && status < 400)
	{
		r->err = LLM_FAIL_CLIENT;
		set_msg(r, "HTTP %ld: redirects are not followed; configure the final URL", status);
		goto done;
	}
	else
		r->err = LLM_FAIL_CLIENT;
	if (r->retry_after_ms >= 0)
		set_msg(r, "HTTP %ld (retry after %ld ms): %s", status, r->retry_after_ms, snip);
	else
		set_msg(r, "HTTP %ld: %s", status, snip);

done:
	msg_finish(r->message, x);
}

/* Remove a transfer from the engine (its slot is free from here on). */
static void
xfer_detach(llm_engine *eng, llm_xfer *x)
{
	curl_multi_remove_handle(eng->multi, x->easy);
	if (x->prev)
		x->prev->next = x->next;
	else
		eng->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
	eng->inflight--;
}

static void
xfer_complete(llm_engine *eng, llm_xfer *x, CURLcode cc, llm_done_cb cb)
{
	llm_result	r;
	json_t	   *body;

	xfer_detach(eng, x);
	build_result(x, cc, &r, &body);
	if (cb)
		cb(x->user, &r);
	json_decref(r.parsed);
	json_decref(body);
	xfer_free(x);
}

static int
drain(llm_engine *eng, llm_done_cb cb)
{
	CURLMsg    *m;
	int			left,
				n = 0;

	while ((m = curl_multi_info_read(eng->multi, &left)) != NULL)
	{
		llm_xfer   *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **) &x);
		if (!x)
			continue;
		xfer_complete(eng, x, m->data.result, cb);
		n++;
	}
	return n;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
should_return(llm_engine *eng)
{
	if (atomic_exchange(&eng->wake, 0))
		return true;
	return eng->intr && eng->intr(eng->intr_arg);
}

int
llm_engine_run(llm_engine *eng, int wait_ms, llm_done_cb cb)
{
	long		deadline;
	int			done = 0;

	if (eng->in_run)
	{
		llm_set_error(eng, "llm_engine_run called from its own callback");
		return -1;
	}
	if (wait_ms < 0)
		wait_ms = 0;
	deadline = now_ms() + wait_ms;
	eng->in_run = true;
	for (;;)
	{
		int			running;
		long		left;
		CURLMcode	mc;

		mc = curl_multi_perform(eng->multi, &running);
		if (mc != CURLM_OK)
		{
			llm_set_error(eng, "curl_multi_perform: %s", curl_multi_strerror(mc));
			done = -1;
			break;
		}
		done += drain(eng, cb);
		if (eng->inflight == 0 || should_return(eng))
			break;
		left = deadline - now_ms();
		if (left <= 0)
			break;
		mc = curl_multi_poll(eng->multi, NULL, 0, (int) left, NULL);
		if (mc != CURLM_OK)
		{
			llm_set_error(eng, "curl_multi_poll: %s", curl_multi_strerror(mc));
			done = -1;
			break;
		}
	}
	eng->in_run = false;
	return done;
}

int
llm_engine_abort_all(llm_engine *eng, llm_done_cb cb)
{
	llm_xfer   *list = NULL;
	int			n = 0;

	if (eng->in_run)
		return 0;
	/* detach everything first: transfers a callback submits stay running */
	while (eng->head)
	{
		llm_xfer   *x = eng->head;

		xfer_detach(eng, x);
		x->next = list;
		list = x;
	}
	eng->in_run = true;			/* a callback must not re-enter */
	while (list)
	{
		llm_xfer   *x = list;
		llm_result	r;
		curl_off_t	total_us = 0;

		list = x->next;
		x->next = NULL;
		memset(&r, 0, sizeof(r));
		r.kind = x->kind;
		r.err = LLM_CANCELLED;
		r.retry_after_ms = -1;
		r.prompt_tokens = r.completion_tokens = r.total_tokens = -1;
		curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us);
		r.latency_ms = (long) (total_us / 1000);
		set_msg(&r, "cancelled before the transfer finished");
		if (cb)
			cb(x->user, &r);
		xfer_free(x);
		n++;
	}
	eng->in_run = false;
	return n;
}

void
llm_engine_free(llm_engine *eng)
{
	if (!eng)
		return;
	while (eng->head)
	{
		llm_xfer   *x = eng->head;

		xfer_detach(eng, x);
		xfer_free(x);
	}
	curl_multi_cleanup(eng->multi);
	free(eng);
	llm_global_cleanup();
}
