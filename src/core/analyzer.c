/*
 * analyzer.c -- the embedded A10 analyzer: one communication in, the
 * seed's A10 JSON out (contract in analyzer.h).
 *
 * Phases of az_analyze, each linear in the text (or in the hits):
 *   1. fold subject + "\n" + content into one scratch buffer (full-width to
 *      half-width, offset map kept) -- analyzer_ac.c;
 *   2. one Aho-Corasick pass finds every lexicon hit; overlaps are
 *      resolved longest-first (then leftmost), so 不满意 beats 满意,
 *      质量问题 beats 问题 and PCR-ABS-1000 beats PCR-ABS;
 *   3. a small hand-written scanner finds product codes that are not in
 *      the catalogue (PA6-GF30, PC/PBT) -- longest match wins against the
 *      catalogue too, and codes are not numbers;
 *   4. number tokens, then dates (which consume their tokens), then prices
 *      and quantities -- analyzer_numbers.c, analyzer_dates.c;
 *   5. one walk over the hits in text order scores intent (weighted votes,
 *      subject x2 unless it is an inherited "Re:" subject; a negated topic
 *      such as 没有浮纤 votes little), sentiment (polarity x intensifier,
 *      flipped or damped by a negation within three words of the same
 *      clause; a subject names a topic, so it counts half), urgency cues
 *      (a negated urgency cue means "not urgent"), follow-up triggers,
 *      explicit requests, products and competitors.  In a sentence with
 *      但是/不过/but/however the part after it weighs more than the part
 *      before, for intent as for sentiment.  Negative words in a clause
 *      about a competitor (金发的料不稳定) are not held against us;
 *   6. decisions: a delivery/after-sales/order/payment matter spoken with
 *      clear dissatisfaction is a complaint; a product asked about or an
 *      amount named leans to an inquiry; confidence comes from the vote
 *      margin and strength, lowered by hedges; urgency is the strongest of
 *      cue and deadline (<= 3 days high, <= 14 days medium, a month-level
 *      date within a month medium) unless the customer says there is no
 *      hurry.  A date is a deadline only when something is tied to it
 *      (之前/内/by, a need, a request or a question): "预计后天到达"
 *      reports, it does not press;
 *   7. the JSON object: intent, key_info, sentiment, urgency, follow_up,
 *      quality_score, suggestions, summary, tags, language.
 * Deterministic, no global state, the lexicon is only read.  Input beyond
 * AZ_MAX_INPUT bytes is ignored; all loops are bounded by the text, the
 * hit count or small constants.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "analyzer_internal.h"

static const char *const intent_names[AZI_N] = {
	"inquiry", "complaint", "technical", "cooperation", "order", "payment",
	"delivery", "after_sales", "other"
};

static const char *const intent_labels[AZI_N] = {
	"询价", "投诉", "技术支持", "合作洽谈", "订单确认", "付款", "交货", "售后", "其他"
};

/* ---- small text helpers -------------------------------------------- */

/* Bytes that may start a break: \n \r ! ? ; , . space and the lead bytes of
 * 。 、 (E3) and … (E2). */
static const uint8_t break_lead[256] = {
	['\n'] = 1,['\r'] = 1,['!'] = 1,['?'] = 1,[';'] = 1,[','] = 1,['.'] = 1,[' '] = 1,
	[0xE2] = 1,[0xE3] = 1,
};

/* break_at() past its first test (t[p] may start a break). */
static size_t
break_at_lead(const char *t, size_t n, size_t p, bool sentence_only)
{
	unsigned char c = (unsigned char) t[p];

	switch (c)
	{
		case '\n':
		case '\r':
		case '!':
		case '?':
		case ';':
			return 1;
		case ',':
			return sentence_only ? 0 : 1;
		case ' ':
			/* "样品测试过了 效果不错 准备下单": in chat lines a space
			 * between Chinese words is a comma */
			return !sentence_only && p > 0 && p + 1 < n &&
				(unsigned char) t[p - 1] >= 0x80 && (unsigned char) t[p + 1] >= 0xE3 ? 1 : 0;
		case '.':
			if (p > 0 && p + 1 < n && az_isdigit((unsigned char) t[p - 1]) &&
				az_isdigit((unsigned char) t[p + 1]))
				return 0;
			if (p + 1 < n && az_isalnum((unsigned char) t[p + 1]))
				return 0;		/* "No.5", "e.g" */
			return 1;
		case 0xE3:
			if (p + 2 < n && (unsigned char) t[p + 1] == 0x80 &&
				((unsigned char) t[p + 2] == 0x82))
				return 3;		/* 。 */
			if (!sentence_only && p + 2 < n && (unsigned char) t[p + 1] == 0x80 &&
				(unsigned char) t[p + 2] == 0x81)
				return 3;		/* 、 */
			return 0;
		case 0xE2:
			if (p + 2 < n && (unsigned char) t[p + 1] == 0x80 &&
				(unsigned char) t[p + 2] == 0xA6)
				return 3;		/* … */
			return 0;
		default:
			return 0;
	}
}

/* Width of a clause/sentence break at t[p] (0 if none).  Inline is only
 * the test that settles nearly every byte. */
static inline size_t
break_at(const char *t, size_t n, size_t p, bool sentence_only)
{
	if (!break_lead[(unsigned char) t[p]])
		return 0;
	return break_at_lead(t, n, p, sentence_only);
}

bool
az_clause_break(const az_ctx *ctx, size_t a, size_t b)
{
	size_t		p;

	if (b > ctx->n)
		b = ctx->n;
	for (p = a; p < b; p++)
		if (break_at(ctx->t, ctx->n, p, false))
			return true;
	return false;
}


void
az_clause_bounds(const az_ctx *ctx, size_t p, size_t *cs, size_t *ce)
{
	size_t		a = p,
				b = p,
				steps;

	if (p > ctx->n)
		p = a = b = ctx->n;
	for (steps = 0; a > 0 && steps < 400; steps++)
	{
		size_t		q = a - 1;

		while (q > 0 && ((unsigned char) ctx->t[q] & 0xC0) == 0x80)
			q--;
		if (break_at(ctx->t, ctx->n, q, false))
			break;
		a = q;
	}
	for (steps = 0; b < ctx->n && steps < 400; steps++)
	{
		if (break_at(ctx->t, ctx->n, b, false))
			break;
		b += az_u8len((unsigned char) ctx->t[b]);
	}
	if (b > ctx->n)
		b = ctx->n;
	*cs = a;
	*ce = b;
}

/* Clause and sentence breaks in t[a..b). */
static void
gap_breaks(const az_ctx *ctx, size_t a, size_t b, bool *clause, bool *sentence)
{
	size_t		p;

	*clause = *sentence = false;
	if (b > ctx->n)
		b = ctx->n;
	for (p = a; p < b; p++)
	{
		if (!break_lead[(unsigned char) ctx->t[p]])
			continue;
		if (break_at(ctx->t, ctx->n, p, true))
		{
			*clause = *sentence = true;
			return;
		}
		if (break_at(ctx->t, ctx->n, p, false))
			*clause = true;
	}
}

/* Sentence bounds around p (。 ! ? ; newline). */
static void
sentence_bounds(const az_ctx *ctx, size_t p, size_t *ss, size_t *se)
{
	size_t		a = p,
				b = p,
				steps;

	if (p > ctx->n)
		p = a = b = ctx->n;
	for (steps = 0; a > 0 && steps < 800; steps++)
	{
		size_t		q = a - 1;

		while (q > 0 && ((unsigned char) ctx->t[q] & 0xC0) == 0x80)
			q--;
		if (break_at(ctx->t, ctx->n, q, true))
			break;
		a = q;
	}
	for (steps = 0; b < ctx->n && steps < 800; steps++)
	{
		size_t		w = break_at(ctx->t, ctx->n, b, true);

		if (w)
		{
			b += w;				/* keep the terminator: "?" asks */
			break;
		}
		b += az_u8len((unsigned char) ctx->t[b]);
	}
	if (b > ctx->n)
		b = ctx->n;
	*ss = a;
	*se = b;
}

size_t
az_hit_lower_bound(const az_ctx *ctx, uint32_t p)
{
	size_t		lo = 0,
				hi = ctx->nhits;

	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (ctx->hits[mid].s < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const az_feat *
az_hit_feat(const az_ctx *ctx, const az_hit *h, uint16_t kind)
{
	const az_pat *p;
	uint32_t	i;

	if (kind < 64 && !(ctx->lex->pat_kinds[h->pat] >> kind & 1))
		return NULL;
	p = &ctx->lex->pat[h->pat];
	for (i = 0; i < p->nfeat; i++)
		if (ctx->lex->feat[p->feat_off + i].kind == kind)
			return &ctx->lex->feat[p->feat_off + i];
	return NULL;
}

/* Words between a and b (CJK char = 1, ASCII word = 1); stops at a clause
 * break (returns 99) or when more than max. */
static int
units_between(const az_ctx *ctx, size_t a, size_t b, int max)
{
	const char *t = ctx->t;
	int			u = 0;
	size_t		p = a;

	if (b > ctx->n || a > b)
		return 99;
	while (p < b)
	{
		unsigned char c = (unsigned char) t[p];

		if (break_at(t, ctx->n, p, false))
			return 99;
		if (c == ' ' || c == '\t' || c == '\'' || c == '"')
		{
			p++;
			continue;
		}
		if (az_isalnum(c))
		{
			while (p < b && az_isalnum((unsigned char) t[p]))
				p++;
		}
		else
			p += az_u8len(c);
		if (++u > max)
			return 99;
	}
	return u;
}

/* Number of code points in t[a..b), counted up to max (the callers only
 * compare it with a small bound). */
static size_t
cp_count(const char *t, size_t a, size_t b, size_t max)
{
	size_t		k = 0,
				p;

	for (p = a; p < b && k < max; p++)
		if (((unsigned char) t[p] & 0xC0) != 0x80)
			k++;
	return k;
}

/* Byte length of the first max code points of s[0..len). */
static size_t
cp_prefix(const char *s, size_t len, size_t max)
{
	size_t		p = 0,
				k = 0;

	while (p < len && k < max)
	{
		p += az_u8len((unsigned char) s[p]);
		k++;
	}
	return p > len ? len : p;
}

/* Trim spaces and leading/trailing punctuation from [*a, *b). */
static void
trim_span(const char *t, size_t n, size_t *a, size_t *b)
{
	for (;;)
	{
		if (*a >= *b)
			return;
		if (t[*a] == ' ' || t[*a] == '\t' || t[*a] == ':' || t[*a] == '"' ||
			break_at(t, n, *a, false))
			*a += break_at(t, n, *a, false) ? break_at(t, n, *a, false) : 1;
		else
			break;
	}
	while (*b > *a)
	{
		size_t		q = *b - 1;

		while (q > *a && ((unsigned char) t[q] & 0xC0) == 0x80)
			q--;
		if (t[q] == ' ' || t[q] == '\t' || t[q] == ':' || t[q] == '"' || break_at(t, n, q, false))
			*b = q;
		else
			break;
	}
}

/* ---- growable string ----------------------------------------------- */

/* any: something appended may not be valid UTF-8 (see sb_put_any); when
 * false the text is valid as it stands -- what is appended by sb_put and
 * sb_puts must be: literals, spans of the original when it was valid,
 * numbers -- and needs no check on its way into the result */
typedef struct sbuf
{
	char		b[512];
	size_t		len;
	bool		any;
} sbuf;

static void
sb_put(sbuf *s, const char *p, size_t n)
{
	/* never cut a UTF-8 character */
	if (s->len + n >= sizeof(s->b))
	{
		size_t		room = sizeof(s->b) - 1 - s->len,
					k = 0;

		while (k < n)
		{
			size_t		l = az_u8len((unsigned char) p[k]);

			if (k + l > room)
				break;
			k += l;
		}
		n = k;
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
	s->b[s->len] = '\0';
}

static void
sb_puts(sbuf *s, const char *p)
{
	sb_put(s, p, strlen(p));
}

static bool utf8_valid(const char *s, size_t n);

/* a piece that may not be valid UTF-8 (a catalogue name, a unit): valid
 * pieces make a valid text (and sb_put cuts a valid piece only between
 * characters); else the text is checked when it is used */
static void
sb_put_any(sbuf *s, const char *p, size_t n)
{
	if (!s->any && !utf8_valid(p, n))
		s->any = true;
	sb_put(s, p, n);
}

static void
sb_puts_any(sbuf *s, const char *p)
{
	sb_put_any(s, p, strlen(p));
}

/* another buffer's text, or the first cut bytes of it (a prefix of whole
 * characters when it is valid) */
static void
sb_cat(sbuf *s, const sbuf *from, size_t cut)
{
	sb_put(s, from->b, cut);
	if (from->any)
		s->any = true;
}

static void
sb_clear(sbuf *s)
{
	s->len = 0;
	s->b[0] = '\0';
	s->any = false;
}

/* Cut to at most max code points. */
static void
sb_limit(sbuf *s, size_t max)
{
	s->len = cp_prefix(s->b, s->len, max);
	s->b[s->len] = '\0';
}

/* Cut to at most max code points without splitting an ASCII word
 * ("confirm the order of 20 tons" rather than "... 20 tons P"). */
static void
sb_limit_words(sbuf *s, size_t max)
{
	size_t		cut = cp_prefix(s->b, s->len, max);

	if (cut < s->len && az_isalnum((unsigned char) s->b[cut]) && cut > 0 &&
		az_isalnum((unsigned char) s->b[cut - 1]))
	{
		size_t		b = cut;

		while (b > 0 && az_isalnum((unsigned char) s->b[b - 1]))
			b--;
		if (b > 0)
			cut = b;
	}
	while (cut > 0 && (s->b[cut - 1] == ' ' || s->b[cut - 1] == ','))
		cut--;
	s->len = cut;
	s->b[cut] = '\0';
}

/* Is s[0..n) valid UTF-8 by jansson's rules (no overlongs, surrogates or
 * code points above U+10FFFF; NUL allowed)?  The same test json_stringn()
 * makes, without its call per character; mostly ASCII and CJK here. */
static bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	while (i < n)
	{
		unsigned	c = u[i];

		if (c < 0x80)
		{
			uint64_t	w;

			i++;
			/* an ASCII run, 8 bytes at a time */
			while (i + 8 <= n && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ULL) == 0))
				i += 8;
		}
		else if (c >= 0xE1 && c <= 0xEF && c != 0xED)
		{
			/* 3 bytes whose code point is in range whatever follows
			 * (U+1000..U+CFFF, U+E000..U+FFFF): CJK */
			if (n - i < 3 || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80)
				return false;
			i += 3;
		}
		else if (c >= 0xC2 && c <= 0xDF)
		{
			if (n - i < 2 || (u[i + 1] & 0xC0) != 0x80)
				return false;
			i += 2;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			uint32_t	cp;

			if (n - i < 3 || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80)
				return false;
			cp = ((c & 0x0F) << 12) | ((uint32_t) (u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3F);
			if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
				return false;
			i += 3;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			uint32_t	cp;

			if (n - i < 4 || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80 ||
				(u[i + 3] & 0xC0) != 0x80)
				return false;
			cp = ((c & 0x07) << 18) | ((uint32_t) (u[i + 1] & 0x3F) << 12) |
				((uint32_t) (u[i + 2] & 0x3F) << 6) | (u[i + 3] & 0x3F);
			if (cp < 0x10000 || cp > 0x10FFFF)
				return false;
			i += 4;
		}
		else
			return false;
	}
	return true;
}

/* ---- the result tree ------------------------------------------------ */

/*
 * The analysis is built as a tree of az_val (analyzer.h) in one bump
 * arena per call: a few dozen values and their strings, freed at once.
 * The builders below keep jansson's semantics, so that the tree turned into
 * jansson (az_val_to_json) is what the jansson calls made before: a string
 * that is not valid UTF-8 and a real that is not finite are no value
 * (NULL), and setting or appending no value does nothing.
 */
#define AZR_CHUNK 4096

typedef struct az_chunk
{
	struct az_chunk *next;
	_Alignas(16) char data[];
} az_chunk;

struct az_result
{
	az_val	   *root;
	char	   *cur,
			   *end;
	az_chunk   *chunks;
	bool		oom;
	_Alignas(16) char first[6144];
};

/* r_alloc() when the current chunk has no room for n (rounded) bytes */
static void * __attribute__((noinline))
r_alloc_chunk(az_result *R, size_t n)
{
	size_t		sz = n > AZR_CHUNK ? n : AZR_CHUNK;
	az_chunk   *c = malloc(sizeof(az_chunk) + sz);

	if (!c)
	{
		R->oom = true;
		return NULL;
	}
	c->next = R->chunks;
	R->chunks = c;
	R->cur = c->data + n;
	R->end = c->data + sz;
	return c->data;
}

static inline void *
r_alloc(az_result *R, size_t n)
{
	void	   *p;

	n = (n + 15) & ~(size_t) 15;
	if ((size_t) (R->end - R->cur) < n)
		return r_alloc_chunk(R, n);
	p = R->cur;
	R->cur += n;
	return p;
}

/* the last result freed, kept for the next call of the thread (6 kB: an
 * allocation past what malloc keeps at hand for small sizes) */
static __thread az_result *r_spare = NULL;

static az_result *
r_new(void)
{
	az_result  *R = r_spare;

	if (R)
		r_spare = NULL;
	else if ((R = malloc(sizeof(az_result))) == NULL)
		return NULL;
	R->root = NULL;
	R->cur = R->first;
	R->end = R->first + sizeof(R->first);
	R->chunks = NULL;
	R->oom = false;
	return R;
}

void
az_result_free(az_result *R)
{
	if (!R)
		return;
	while (R->chunks)
	{
		az_chunk   *c = R->chunks;

		R->chunks = c->next;
		free(c);
	}
	if (r_spare == NULL)
		r_spare = R;
	else
		free(R);
}

const az_val *
az_result_root(const az_result *R)
{
	return R ? R->root : NULL;
}

static inline __attribute__((always_inline)) az_val *
v_new(az_result *R, az_vtype type)
{
	az_val	   *v = r_alloc(R, sizeof(az_val));

	if (v)
	{
		memset(v, 0, sizeof(*v));
		v->type = type;
	}
	return v;
}

static az_val *
v_object(az_result *R)
{
	return v_new(R, AZV_OBJECT);
}

static az_val *
v_array(az_result *R)
{
	return v_new(R, AZV_ARRAY);
}

static az_val *
v_null(az_result *R)
{
	return v_new(R, AZV_NULL);
}

static az_val *
v_integer(az_result *R, long long x)
{
	az_val	   *v = v_new(R, AZV_INTEGER);

	if (v)
		v->u.i = x;
	return v;
}

/* json_real(): no value for NaN and infinities */
static az_val *
v_real(az_result *R, double x)
{
	az_val	   *v;

	if (isnan(x) || isinf(x))
		return NULL;
	v = v_new(R, AZV_REAL);
	if (v)
		v->u.d = x;
	return v;
}

/* json_stringn_nocheck(): a copy of s[0..n) */
static az_val *
v_stringn(az_result *R, const char *s, size_t n)
{
	az_val	   *v = v_new(R, AZV_STRING);
	char	   *c;

	if (!v)
		return NULL;
	c = r_alloc(R, n + 1);
	if (!c)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	v->u.s = c;
	v->len = n;
	return v;
}

/* json_string(): no value for NULL or invalid UTF-8 */
static az_val *
v_string(az_result *R, const char *s)
{
	size_t		n;

	if (!s)
		return NULL;
	n = strlen(s);
	return utf8_valid(s, n) ? v_stringn(R, s, n) : NULL;
}

/* a string known to be valid UTF-8 that outlives the result (a literal,
 * a static table's entry): not copied */
static az_val *
v_static(az_result *R, const char *s)
{
	az_val	   *v = v_new(R, AZV_STRING);

	if (v)
	{
		v->u.s = s;
		v->len = strlen(s);
	}
	return v;
}

static void
v_link(az_val *c, az_val *v)
{
	if (c->u.c.last)
		c->u.c.last->next = v;
	else
		c->u.c.first = v;
	c->u.c.last = v;
	c->len++;
}

/* json_object_set_new() of a new key (every key is set once); keys are
 * ASCII literals */
static void
v_setn(az_val *o, const char *k, size_t klen, az_val *v)
{
	if (!o || !v)
		return;
	v->key = k;
	v->klen = (uint32_t) klen;
	v_link(o, v);
}
#define v_set(o, k, v) v_setn((o), "" k "", sizeof("" k "") - 1, (v))

static void
v_append(az_val *a, az_val *v)
{
	if (!a || !v)
		return;
	v_link(a, v);
}

static size_t
v_size(const az_val *a)
{
	return a ? a->len : 0;
}

/* json_string_value() */
static const char *
v_str(const az_val *v)
{
	return v && v->type == AZV_STRING ? v->u.s : NULL;
}

/* json_object_get() */
static const az_val *
v_getn(const az_val *o, const char *k, size_t klen)
{
	const az_val *v;

	if (!o || o->type != AZV_OBJECT)
		return NULL;
	for (v = o->u.c.first; v; v = v->next)
		if (v->klen == klen && memcmp(v->key, k, klen) == 0)
			return v;
	return NULL;
}
#define v_get(o, k) v_getn((o), "" k "", sizeof("" k "") - 1)

json_t *
az_val_to_json(const az_val *v)
{
	json_t	   *j;
	const az_val *c;

	if (!v)
		return NULL;
	switch (v->type)
	{
		case AZV_STRING:
			return json_stringn_nocheck(v->u.s, v->len);
		case AZV_INTEGER:
			return json_integer((json_int_t) v->u.i);
		case AZV_REAL:
			return json_real(v->u.d);
		case AZV_OBJECT:
			j = json_object();
			for (c = v->u.c.first; c && j; c = c->next)
#if JANSSON_VERSION_HEX >= 0x020e00
				json_object_setn_new_nocheck(j, c->key, c->klen, az_val_to_json(c));
#else
				json_object_set_new_nocheck(j, c->key, az_val_to_json(c));
#endif
			return j;
		case AZV_ARRAY:
			j = json_array();
			for (c = v->u.c.first; c && j; c = c->next)
				json_array_append_new(j, az_val_to_json(c));
			return j;
		default:
			return json_null();
	}
}

/* A string of s[0..n), "" when it is not valid UTF-8 (as json_stringn()
 * would refuse it). */
static az_val *
jstr(az_result *R, const char *s, size_t n)
{
	az_val	   *j = s && utf8_valid(s, n) ? v_stringn(R, s, n) : NULL;

	return j ? j : v_static(R, "");
}

/* jstr() of a buffer's text, checked only when it may be invalid */
#define jstr_sb(R, sb) ((sb)->any ? jstr((R), (sb)->b, (sb)->len) : jstr_valid((R), (sb)->b, (sb)->len))

static az_val *
jstr_valid(az_result *R, const char *s, size_t n)
{
	az_val	   *j = v_stringn(R, s, n);

	return j ? j : v_static(R, "");
}

/* Decimal digits of x at the end of buf[0..end): returns where they start
 * (x < 10^20 always fits 20 bytes). */
static char *
put_digits(char *end, uint64_t x, int min_digits)
{
	char	   *p = end;

	do
	{
		*--p = (char) ('0' + x % 10);
		x /= 10;
		min_digits--;
	} while (x > 0 || min_digits > 0);
	return p;
}

/* snprintf(buf, sz, "%d", x) without printf. */
static void
fmt_int(char *buf, size_t sz, long long x)
{
	char		tmp[24],
			   *p = put_digits(tmp + sizeof(tmp), x < 0 ? 0 - (uint64_t) x : (uint64_t) x, 1);
	size_t		l;

	if (x < 0)
		*--p = '-';
	l = (size_t) (tmp + sizeof(tmp) - p);
	if (l >= sz)
		l = sz - 1;
	memcpy(buf, p, l);
	buf[l] = '\0';
}

/* snprintf(buf, sz, "%04d-%02d-%02d", y, m, d) without printf (sz >= 11). */
static void
fmt_ymd(char *buf, size_t sz, int y, int m, int d)
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99 || sz < 11)
	{
		snprintf(buf, sz, "%04d-%02d-%02d", y, m, d);
		return;
	}
	put_digits(buf + 4, (uint64_t) y, 4);
	buf[4] = '-';
	put_digits(buf + 7, (uint64_t) m, 2);
	buf[7] = '-';
	put_digits(buf + 10, (uint64_t) d, 2);
	buf[10] = '\0';
}

static void
fmt_num(char *buf, size_t sz, double v)
{
	if (fabs(v - floor(v + 0.5)) < 1e-9 && fabs(v) < 1e15)
	{
		/* "%.0f": the nearest integer (v is within 1e-9 of it), "-0" for
		 * a negative v that rounds to 0 */
		long long	r = llround(v);

		if (r == 0 && signbit(v))
			snprintf(buf, sz, "-0");
		else
			fmt_int(buf, sz, r);
	}
	else
	{
		size_t		l;

		snprintf(buf, sz, "%.4f", v);
		l = strlen(buf);
		while (l > 0 && buf[l - 1] == '0')
			buf[--l] = '\0';
		if (l > 0 && buf[l - 1] == '.')
			buf[--l] = '\0';
	}
}

static double
round2(double v)
{
	return floor(v * 100 + 0.5) / 100;
}

/* The span [a, b) of the folded text as the customer wrote it (original
 * bytes through the offset map when the input was clean UTF-8). */
static void
span_orig(const az_ctx *ctx, size_t a, size_t b, sbuf *out)
{
	sb_clear(out);
	if (a >= b || b > ctx->n)
		return;
	if (ctx->orig_valid)
	{
		uint32_t	oa = ctx->map[a];
		uint32_t	ob = b < ctx->n ? ctx->map[b] :
			(uint32_t) (ctx->subj_len + 1 + ctx->content_len);

		if (ob > oa)
		{
			if (oa < ctx->subj_len && ob <= ctx->subj_len)
			{
				sb_put(out, ctx->subj + oa, ob - oa);
				return;
			}
			if (oa > ctx->subj_len && ob - ctx->subj_len - 1 <= ctx->content_len)
			{
				sb_put(out, ctx->content + (oa - ctx->subj_len - 1), ob - oa);
				return;
			}
		}
	}
	/* the folded text is valid, but a and b need not be where its
	 * characters begin */
	sb_put_any(out, ctx->t + a, b - a);
}

/* ---- product codes not in the catalogue ----------------------------- */

static bool
code_stopword(const char *g, size_t len)
{
	/* sorted bytewise (strcmp order): a binary search */
	static const char *const stop[] = {
		"5VA", "AM", "AND", "APP", "ASAP", "ASTM", "ATTN", "BATCH", "BCC", "BL", "BY", "CAD",
		"CC", "CE", "CEO", "CFR", "CIF", "CN", "CNC", "CNY", "COA", "COM", "COVID", "CRM", "CST",
		"CTI", "DAP", "DDP", "DHL", "DIN", "DN", "DOC", "DOCX", "DP", "DR", "EMS", "ERP", "ETA",
		"ETC", "ETD", "EU", "EUR", "EXW", "FAI", "FAX", "FDA", "FEDEX", "FOB", "FOR", "FW",
		"FWD", "GB", "GM", "GMT", "GRN", "GST", "H1", "H2", "HB", "HDT", "HK", "HKD", "HR",
		"HTTP", "HTTPS", "IATF", "IATF16949", "ID", "INV", "ISO", "ISO14001", "ISO9001", "IT",
		"JIS", "JPG", "KG", "KPI", "LC", "LCD", "LED", "LOT", "MFI", "MFR", "MOQ", "MR", "MS",
		"MSDS", "MT", "N", "NA", "NG", "NO", "ODM", "OEM", "OK", "OR", "PCS", "PDF", "PM", "PNG",
		"PO", "PPAP", "PV3900", "Q1", "Q2", "Q3", "Q4", "QA", "QC", "QQ", "RE", "REACH", "REF",
		"RFQ", "RMA", "RMB", "ROHS", "SF", "SGS", "SKU", "SMS", "SO", "SOP", "T", "TBD", "TDS",
		"TEL", "THE", "TNT", "TO", "TT", "UK", "UL", "UL94", "UPS", "US", "USB", "USD", "UTC",
		"V0", "V1", "V2", "VAT", "VIP", "VP", "VS", "WECHAT", "WWW", "XLS", "XLSX", "YT", "ZIP",
		"ZTO"
	};
	size_t		lo = 0,
				hi = sizeof(stop) / sizeof(stop[0]);

	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;
		int			c = strncmp(stop[mid], g, len);

		if (c == 0)
		{
			if (stop[mid][len] == '\0')
				return true;
			c = 1;				/* stop[mid] is longer: after g */
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* A product code at p: 2-8 upper-case letters/digits per group, 2-4
 * groups joined by - or /, the first starting with a letter, some group
 * with a letter; no lower case, no stop word, no long digit group.  A
 * single group counts when letters and digits interleave (A3WG6): a
 * letter run after a digit is what tells a grade code from a standard or
 * a number (UL94, ISO9001, PV3900, PO20240615, PA66).  Returns its end or
 * p. */
static size_t
scan_code(const char *t, size_t n, size_t p)
{
	size_t		q = p,
				groups = 0,
				gsv[5],
				glv[5],
				g;
	bool		any_alpha = false;

	if (!(t[p] >= 'A' && t[p] <= 'Z'))
		return p;
	if (p > 0 && (az_isalnum((unsigned char) t[p - 1]) || t[p - 1] == '-' ||
				  t[p - 1] == '/' || t[p - 1] == '.'))
		return p;
	while (groups < 5)
	{
		size_t		gs = q,
					alpha = 0,
					digit = 0;

		while (q < n && ((t[q] >= 'A' && t[q] <= 'Z') || az_isdigit((unsigned char) t[q])))
		{
			if (az_isdigit((unsigned char) t[q]))
				digit++;
			else
				alpha++;
			q++;
		}
		if (q < n && t[q] >= 'a' && t[q] <= 'z')
			return p;			/* mixed case word: not a code */
		if (q - gs < 2 || q - gs > 8)
			return p;
		if (alpha == 0 && digit >= 5)
			return p;			/* an id or a phone number part */
		if (alpha)
			any_alpha = true;
		gsv[groups] = gs;
		glv[groups] = q - gs;
		groups++;
		if (q + 1 < n && (t[q] == '-' || t[q] == '/') &&
			((t[q + 1] >= 'A' && t[q + 1] <= 'Z') || az_isdigit((unsigned char) t[q + 1])))
		{
			q++;
			continue;
		}
		break;
	}
	if (groups == 1 && glv[0] >= 4)
	{
		size_t		x;
		bool		letter_after_digit = false,
					seen_digit = false;

		for (x = gsv[0]; x < gsv[0] + glv[0]; x++)
		{
			if (az_isdigit((unsigned char) t[x]))
				seen_digit = true;
			else if (seen_digit)
				letter_after_digit = true;
		}
		if (!letter_after_digit || !seen_digit)
			return p;
	}
	else if (groups < 2 || groups > 4 || !any_alpha)
		return p;
	if (q < n && (az_isalnum((unsigned char) t[q]) || t[q] == '-' || t[q] == '/'))
		return p;
	for (g = 0; g < groups; g++)
		if (code_stopword(t + gsv[g], glv[g]))
			return p;
	return q;
}

/* ---- hit resolution -------------------------------------------------- */

static int
cmp_len_desc(const void *a, const void *b)
{
	const az_hit *x = a,
			   *y = b;
	uint32_t	lx = x->e - x->s,
				ly = y->e - y->s;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

static int
cmp_start(const void *a, const void *b)
{
	const az_hit *x = a,
			   *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->e > y->e ? -1 : x->e < y->e;
}

/* Keep the longest non-overlapping hits (ties: leftmost); returns the
 * kept count, sorted by start.  The automaton reports hits by end
 * position, so sorting by start is an insertion sort over a nearly sorted
 * array; overlaps only matter inside clusters of mutually overlapping
 * hits, each resolved on its own (a cluster is tiny except on degenerate
 * input, where it falls back to qsort).  occ has one byte per text byte
 * and is only cleared over each cluster's span. */
static size_t
resolve_overlaps(az_hit *h, size_t cnt, uint8_t *occ)
{
	size_t		i,
				k = 0,
				cs,
				shifts = 0;

	for (i = 1; i < cnt; i++)
	{
		az_hit		x = h[i];
		size_t		j = i;

		while (j > 0 && (h[j - 1].s > x.s || (h[j - 1].s == x.s && h[j - 1].e < x.e)))
		{
			h[j] = h[j - 1];
			j--;
			shifts++;
		}
		h[j] = x;
		if (shifts > 16 * cnt + 1024)
		{
			/* not nearly sorted after all (degenerate lexicon/input) */
			qsort(h, cnt, sizeof(*h), cmp_start);
			break;
		}
	}
	for (cs = 0; cs < cnt;)
	{
		size_t		ce = cs + 1,
					j;
		uint32_t	maxe = h[cs].e,
					mins = h[cs].s;

		while (ce < cnt && h[ce].s < maxe)
		{
			if (h[ce].e > maxe)
				maxe = h[ce].e;
			ce++;
		}
		if (ce - cs == 1)
		{
			h[k++] = h[cs];
			cs = ce;
			continue;
		}
		/* longest first inside the cluster */
		if (ce - cs > 64)
			qsort(h + cs, ce - cs, sizeof(*h), cmp_len_desc);
		else
			for (i = cs + 1; i < ce; i++)
			{
				az_hit		x = h[i];

				j = i;
				while (j > cs && cmp_len_desc(&h[j - 1], &x) > 0)
				{
					h[j] = h[j - 1];
					j--;
				}
				h[j] = x;
			}
		memset(occ + mins, 0, maxe - mins);
		{
			size_t		first = k;

			for (i = cs; i < ce; i++)
			{
				uint32_t	p;
				bool		free_span = true;

				for (p = h[i].s; p < h[i].e; p++)
					if (occ[p])
					{
						free_span = false;
						break;
					}
				if (!free_span)
					continue;
				memset(occ + h[i].s, 1, h[i].e - h[i].s);
				h[k++] = h[i];
			}
			/* back to start order (kept hits of a cluster do not overlap) */
			if (k - first > 64)
				qsort(h + first, k - first, sizeof(*h), cmp_start);
			else
				for (i = first + 1; i < k; i++)
				{
					az_hit		x = h[i];

					j = i;
					while (j > first && h[j - 1].s > x.s)
					{
						h[j] = h[j - 1];
						j--;
					}
					h[j] = x;
				}
		}
		cs = ce;
	}
	if (k > AZ_MAX_HITS)
		k = AZ_MAX_HITS;
	return k;
}

/* ---- the analysis ---------------------------------------------------- */

#define MAX_NAMES 32
#define MAX_REQ 4
#ifndef AZ_NEG_COMPLAINT
#define AZ_NEG_COMPLAINT 3.0
#endif
#ifndef AZ_QTY_INQ
#define AZ_QTY_INQ 1.0
#endif
#ifndef AZ_SHIP_ASKED
#define AZ_SHIP_ASKED 2.0
#endif
#ifndef AZ_SARCASM_COMPLAINT
#define AZ_SARCASM_COMPLAINT 2.5
#endif
#ifndef AZ_QTY_ORDER
#define AZ_QTY_ORDER 1.5
#endif
/* a negated problem word ("不用担心", "没什么问题", "不影响") cancels the
 * problem; it is no praise.  Positive phrasings of it that do read as
 * glad (问题不大, 没毛病) are lexicon rows of their own */
#ifndef AZ_NEGNEG
#define AZ_NEGNEG 0.0
#endif
#ifndef AZ_CALM_FEELING
#define AZ_CALM_FEELING 0.3
#endif
#ifndef AZ_THANKS_POS
#define AZ_THANKS_POS 0.75
#endif
#ifndef AZ_POLITE_DAMP
#define AZ_POLITE_DAMP 0.5
#endif
#ifndef AZ_APOLOGY_DAMP
#define AZ_APOLOGY_DAMP 0.3
#endif
#ifndef AZ_FACT_DAMP
#define AZ_FACT_DAMP 0.5
#endif
#ifndef AZ_QUOTE_W
#define AZ_QUOTE_W 0.3
#endif
#ifndef AZ_RESUBJ_W
#define AZ_RESUBJ_W 0.5
#endif
#ifndef AZ_FWD_W
#define AZ_FWD_W 0.6
#endif
#ifndef AZ_THREAT_COMPLAINT
#define AZ_THREAT_COMPLAINT 1.5
/* a notice to everyone with nothing asked of this reader leans to other */
#define AZ_BROADCAST_OTHER 2.0
#define AZ_SELFINTRO_OTHER 0.8
#endif

typedef struct name_ref
{
	size_t		pos;
	int32_t		idx;			/* catalogue index, or -1 for a written code */
	uint32_t	s,
				e;				/* span of a written code */
} name_ref;

typedef struct scores
{
	double		votes[AZI_N];
	double		top_cue_w[AZI_N];
	uint32_t	top_cue_s[AZI_N],
				top_cue_e[AZI_N];
	double		sent_total;
	double		neg_mag;		/* sum of negative sentiment magnitudes */
	double		pos_mag;
	double		pos_topic;		/* praise damped as a condition or a request (AZK_IF) */
	double		neg_mood;		/* negative weight of mood-only words (AZK_MOODONLY) */
	double		top_neg_w,
				top_pos_w;
	uint32_t	top_neg_s,
				top_neg_e,
				top_pos_s,
				top_pos_e;
	double		urg_w[3];
	uint32_t	urg_s[3],
				urg_e[3];
	bool		urg_negated_high;
	int			hedges;
	bool		follow[AZF_N];
	size_t		req_pos[MAX_REQ];
	int			nreq;
	name_ref	prod[MAX_NAMES];
	int			nprod;
	name_ref	comp[MAX_NAMES];
	int			ncomp;
	int			npriceq;
	int			nquestion;
	int			nthreat;
	bool		haggled;
	int			nhorizon;		/* "next year", "长期规划": a far horizon */
	double		fact_neg;		/* negative weight of defect / problem words */
	int			ndisclaim;		/* 不是投诉 / not a complaint */
	int			nresolved;		/* 已解决 / 整改有效 / close the case */
	int			nresched;		/* 原订 / 改到 / reschedule: a date moved */
	uint32_t	last_q_e;		/* end of the last question cue */
	uint32_t	last_res_s;		/* start of the last settled-matter cue */
	int			nanota;			/* A-not-A questions */
	uint32_t	threat_s,
				threat_e;
	int			ncause;			/* asks for the cause of a problem (AZK_CAUSEQ) */
	int			ndun;			/* collection words (AZK_DUN) */
	int			ndun_live;		/* collection words of the new text (not quoted, not a Re: subject) */
	int			napology;		/* the writer apologises (AZK_APOLOGY) */
	int			nwon;			/* business won (AZK_WON) */
	int			ncheckok;		/* a check passed (AZK_CHECKOK) */
	double		mild_neg;		/* negative weight of words milder than anger */
	uint32_t	disclaim_end;	/* end of the last "不是投诉" */
	uint32_t	closing_start;	/* sign-off block of an e-mail (UINT32_MAX: none) */
	bool		ordered;		/* a quantity tied to an order verb (再下20吨) */
	int			nanswered;		/* 已告知 / 已婉拒 (AZK_ANSWERED) */
	uint32_t	last_ans_e;		/* end of the last answered cue */
	int			nreturn;		/* 退货 / 换货 / replacement (AZK_RETURN) */
	int			nsentdoc;		/* a signed document sent back (AZK_SENTDOC) */
	double		thanks_pos;		/* positive weight of thanks words (AZK_THANKS) */
	int			nrepeat;		/* a fault repeated (AZK_REPEAT) */
	int			njoint;			/* developing or processing together (AZK_JOINT) */
	int			nhaggle;		/* price talk (AZK_HAGGLE) */
	int			nsarcasm;		/* sarcastic praise (AZK_SARCASM) */
	int			nsettled;		/* a price stated as a settled term (AZK_SETTLED), not asked */
	uint32_t	cond_from,		/* the first condition's consequent: [cond_from, cond_to) */
				cond_to;
	int			ncondorder;		/* order cues in the consequent of a condition ("若能到X就下单") */
	double		condorder_w;	/* their order votes (moved to inquiry) */
	double		coop_gen;		/* cooperation votes of generic partnership words (AZK_COOPGEN) */
	int			noccasion;		/* events, invitations, wishes (AZK_OCCASION) */
	int			naccept;		/* material in use found acceptable (AZK_ACCEPT) */
	bool		broadcast;		/* addressed to everyone ("各位客户："), at the opening */
	bool		selfintro;		/* the writer introduces itself, opening the text */
	int			ntechq;			/* technical cues in a clause that asks ("干燥条件是多少?") */
	bool		followup;		/* a note opening with 回访: a post-sale follow-up */
} scores;

static void
add_name(name_ref *arr, int *cnt, size_t pos, int32_t idx, uint32_t s, uint32_t e)
{
	int			i;

	if (idx >= 0)
		for (i = 0; i < *cnt; i++)
			if (arr[i].idx == idx)
				return;
	if (*cnt >= MAX_NAMES)
		return;
	arr[*cnt].pos = pos;
	arr[*cnt].idx = idx;
	arr[*cnt].s = s;
	arr[*cnt].e = e;
	(*cnt)++;
}

static int
cmp_name_pos(const void *a, const void *b)
{
	const name_ref *x = a,
			   *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Does the clause around p speak to us (你们, 贵司, your)? */
static bool
addresses_us(const az_ctx *ctx, size_t p)
{
	size_t		cs,
				ce,
				q;

	az_clause_bounds(ctx, p, &cs, &ce);
	for (q = cs; q < ce; q++)
		if (az_at(ctx->t, ce, q, "你们") || az_at(ctx->t, ce, q, "贵司") ||
			az_at(ctx->t, ce, q, "贵公司") || az_at(ctx->t, ce, q, "your") ||
			az_at(ctx->t, ce, q, "you "))
			return true;
	return false;
}

/* Unhappy about the price is still haggling (an inquiry): in a sentence
 * that talks price, most complaint votes go to inquiry. */
static void
haggle_shift(double *votes)
{
	double		moved = votes[AZI_COMPLAINT] * 0.7;

	votes[AZI_COMPLAINT] -= moved;
	votes[AZI_INQUIRY] += moved;
}

/* A chat line: short enough that its fragments are one utterance
 * (bytes of folded content, about 40 Chinese characters). */
#define AZ_CHAT_LINE 120
/* order votes of a price stated as a settled term (AZK_SETTLED) */
#define AZ_SETTLED_ORDER 1.0

/* Only complaint (or inquiry) votes in a sentence: a grumble with no
 * topic of its own. */
static bool
single_grumble(const double *votes)
{
	int			c;

	for (c = 0; c < AZI_N; c++)
		if (c != AZI_COMPLAINT && c != AZI_INQUIRY && votes[c] > 0)
			return false;
	return true;
}

/* Does the clause around p ask (a question word in it, or it ends with
 * '?')?  A positive word in a question ("质量稳定吗", "批次稳定性怎么
 * 保证") names the topic asked about, not the customer's mood. */
static bool
clause_asks(const az_ctx *ctx, size_t p)
{
	size_t		cs,
				ce,
				j;

	az_clause_bounds(ctx, p, &cs, &ce);
	if (ce < ctx->n && ctx->t[ce] == '?')
		return true;
	for (j = az_hit_lower_bound(ctx, (uint32_t) cs); j < ctx->nhits && ctx->hits[j].s < ce; j++)
		if (ctx->hits[j].s != p && az_hit_feat(ctx, &ctx->hits[j], AZK_QUESTION))
			return true;
	return false;
}

/* "能不能靠谱一点", "可不可以专业点": a positive quality asked for with
 * 能不能 … 一点 is a reproach (the quality is missing), not praise. */
static bool
is_reproach(const az_ctx *ctx, const az_hit *h)
{
	static const char *const ask[] = {"能不能", "能否", "可不可以", "就不能", "希望", "下次",
	"could you be"};
	static const char *const more[] = {"一点", "一些", "点", "些", "more"};
	size_t		cs,
				ce,
				q,
				k,
				p;
	bool		asked = false;

	/* the cheap test first: 一点/点/些 right after the word */
	p = az_skip_sp(ctx->t, ctx->n, h->e);
	for (k = 0; k < sizeof(more) / sizeof(more[0]); k++)
		if (az_at(ctx->t, ctx->n, p, more[k]))
			break;
	if (k == sizeof(more) / sizeof(more[0]))
		return false;
	/* then 能不能 a few characters before it, in the same clause */
	az_clause_bounds(ctx, h->s, &cs, &ce);
	if (h->s > cs + 30)
		cs = h->s - 30;
	for (q = cs; q < h->s && !asked; q++)
		for (k = 0; k < sizeof(ask) / sizeof(ask[0]); k++)
			if (az_at(ctx->t, h->s, q, ask[k]))
			{
				asked = true;
				break;
			}
	return asked;
}

/* A competitor after "比"/"than" is the yardstick of a comparison about
 * us ("价格比科思创贵了点"): what follows is about us, not about them. */
static bool
compared_to(const az_ctx *ctx, const az_hit *h)
{
	return (h->s >= 3 && az_at(ctx->t, ctx->n, h->s - 3, "比")) ||
		(h->s >= 5 && az_at(ctx->t, ctx->n, h->s - 5, "than "));
}

/* The sign-off block of an e-mail: the short lines after the last long
 * line of the content ("谢谢！", "顺祝新春愉快", "Best regards,", a name).
 * Their thanks and wishes are formulas, not the writer's mood.  Only for
 * e-mails with at least three lines; UINT32_MAX when there is none. */
static uint32_t
closing_block(const az_ctx *ctx, const char *channel)
{
	size_t		p,
				line_end,
				nlines = 0,
				last_long_end = 0;
	size_t		ncp = 0;

	if (!channel || strcmp(channel, "email") != 0)
		return UINT32_MAX;
	line_end = ctx->n;
	for (p = ctx->n; p > ctx->content_start; p--)
	{
		unsigned char c = (unsigned char) ctx->t[p - 1];

		if (c == '\n')
		{
			if (ncp > 20 && last_long_end == 0)
				last_long_end = line_end;
			nlines++;
			ncp = 0;
			line_end = p - 1;
		}
		else if ((c & 0xC0) != 0x80)
			ncp++;
	}
	if (nlines < 2 || last_long_end == 0 || last_long_end >= ctx->n)
		return UINT32_MAX;
	return (uint32_t) last_long_end;
}

/* Quantities tied to a verb: "再下20吨", "追加8吨", "改成15吨" place or
 * change an order; "样品3公斤", "2公斤样品" ask for a sample (an inquiry). */
static void
quantity_verbs(const az_ctx *ctx, scores *sc)
{
	static const char *const ord[] = {
		"追加", "加订", "再要", "再来", "再拉", "再发", "再订", "再下", "再给我们发", "再给我发",
		"改成", "改为", "加到", "减到", "增加到", "减少到", "订购", "订", "下",
		"先来", "先拉", "下单", "来", "先要", "就要", "订了",
	};
	static const char *const not_xia[] = {
		"剩", "以", "一", "上", "留", "放", "写", "底", "接", "拿", "打",
	};
	bool		ordered = false,
				sampled = false;
	size_t		i,
				k;

	for (i = 0; i < ctx->nnums && !(ordered && sampled); i++)
	{
		const az_num *x = &ctx->nums[i];
		const char *norm = NULL;
		size_t		p,
					ul,
					b = x->s;

		if (x->flags & (AZN_USED | AZN_PCT))
			continue;
		if (x->s >= ctx->quote_start && !ctx->quote_fwd)
			continue;
		p = az_skip_sp(ctx->t, ctx->n, x->e);
		ul = az_match_unit(ctx->t, ctx->n, p, &norm);
		if (ul == 0 || !norm || (strcmp(norm, "吨") != 0 && strcmp(norm, "公斤") != 0 &&
								 strcmp(norm, "包") != 0 && strcmp(norm, "件") != 0 &&
								 strcmp(norm, "袋") != 0))
			continue;
		while (b > 0 && ctx->t[b - 1] == ' ')
			b--;
		for (k = 0; !ordered && k < sizeof(ord) / sizeof(ord[0]); k++)
		{
			size_t		l = strlen(ord[k]),
						j;
			bool		skip = false;

			if (b < l || memcmp(ctx->t + b - l, ord[k], l) != 0)
				continue;
			if (strcmp(ord[k], "下") == 0)
				for (j = 0; j < sizeof(not_xia) / sizeof(not_xia[0]); j++)
					if (b >= l + 3 && memcmp(ctx->t + b - l - 3, not_xia[j], 3) == 0)
						skip = true;
			if (skip)
				break;
			/* "若能到15900,本月即可下单30吨": a conditional order asks */
			if (x->s >= sc->cond_from && x->s < sc->cond_to)
			{
				sc->votes[AZI_INQUIRY] += 1.5;
				sc->ncondorder++;
				ordered = true;
				break;
			}
			sc->votes[AZI_ORDER] += 2.5;
			ordered = true;
			sc->ordered = true;
		}
		if (!sampled)
		{
			size_t		a = b > 12 ? b - 12 : 0,
						e = p + ul + 9 < ctx->n ? p + ul + 9 : ctx->n;

			for (; a + 3 <= b; a++)
				if (memcmp(ctx->t + a, "样", 3) == 0)
					sampled = true;
			for (a = p + ul; !sampled && a + 3 <= e; a++)
				if (memcmp(ctx->t + a, "样", 3) == 0)
					sampled = true;
			if (sampled)
				sc->votes[AZI_INQUIRY] += 2.0;
		}
	}
}

/* Quoted earlier messages in an e-mail or a chat: the first line that
 * starts with '>', or a reply / forward header line ("-----原始邮件-----",
 * "在 2024-03-02 14:20，王磊 写道:", "On 3 Jun, Sarah wrote:", "From: …",
 * "发件人: …", "---------- Forwarded message ----------").  Everything after
 * it is the older conversation.  Only when the writer's own words come
 * first (a few characters at least): a message that is all quote has no
 * newer words to prefer. */
/* Does t[a..b) contain lit (ASCII letters in any case, as az_at)?  Runs
 * for every line and literal: starts whose first and last bytes match are
 * found 16 at a time (SSE2; bytewise elsewhere) before az_at confirms --
 * in Chinese text a lead byte alone matches every few characters. */
static bool
find_lit_n(const char *t, size_t a, size_t b, const char *lit, size_t l)
{
	unsigned char c0 = (unsigned char) lit[0],
				cl;
	unsigned char f0,
				fl;				/* 0x20 when the byte is a lower-case letter */

	if (l == 0)
		return true;
	if (a + l > b)
		return false;
	/* candidates: first and last bytes match (case-folded for letters, as
	 * az_at folds the text); az_at confirms */
	cl = (unsigned char) lit[l - 1];
	f0 = c0 >= 'a' && c0 <= 'z' ? 0x20 : 0;
	fl = cl >= 'a' && cl <= 'z' ? 0x20 : 0;
#ifdef __SSE2__
	{
		const __m128i v0 = _mm_set1_epi8((char) c0),
					vl = _mm_set1_epi8((char) cl),
					m0 = _mm_set1_epi8((char) f0),
					ml = _mm_set1_epi8((char) fl);

		/* 16 starts at a time, the last block flush with the end (it may
		 * look at some starts twice); every byte read is in [a, b) */
		if (a + l + 15 <= b)
		{
			size_t		last = b - l - 15;

			for (;;)
			{
				__m128i		x0 = _mm_or_si128(_mm_loadu_si128((const __m128i *) (t + a)), m0);
				__m128i		xl = _mm_or_si128(_mm_loadu_si128((const __m128i *) (t + a + l - 1)), ml);
				unsigned	mask = (unsigned) _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x0, v0),
																			  _mm_cmpeq_epi8(xl, vl)));

				while (mask)
				{
					if (az_at(t, b, a + (size_t) __builtin_ctz(mask), lit))
						return true;
					mask &= mask - 1;
				}
				if (a == last)
					return false;
				a = a + 16 <= last ? a + 16 : last;
			}
		}
	}
#endif
	for (; a + l <= b; a++)
		if ((((unsigned char) t[a]) | f0) == c0 &&
			(((unsigned char) t[a + l - 1]) | fl) == cl && az_at(t, b, a, lit))
			return true;
	return false;
}

/* the literal's length is folded where it is a literal */
static inline __attribute__((always_inline)) bool
find_lit(const char *t, size_t a, size_t b, const char *lit)
{
	return find_lit_n(t, a, b, lit, strlen(lit));
}

/* A-not-A questions: "接不接", "有没有货", "可以不可以", "到没到": the
 * same word on both sides of 不/没 asks, whatever the word is.  The few
 * fixed phrases of that shape that do not ask (动不动 "at every turn",
 * 时不时 "now and then") are skipped.  Counts them in the new text (a
 * quoted message was answered already). */
/* Offset of the first 不 or 没 in t[a..b), b if none (16 starts at a time
 * with SSE2). */
static size_t
next_bu_mei(const char *t, size_t a, size_t b)
{
	const unsigned char *u = (const unsigned char *) t;

#ifdef __SSE2__
	if (a + 18 <= b)
	{
		const __m128i e4 = _mm_set1_epi8((char) 0xE4),
					b8 = _mm_set1_epi8((char) 0xB8),
					x8d = _mm_set1_epi8((char) 0x8D),
					e6 = _mm_set1_epi8((char) 0xE6),
					b2 = _mm_set1_epi8((char) 0xB2),
					a1 = _mm_set1_epi8((char) 0xA1);

		for (; a + 18 <= b; a += 16)
		{
			__m128i		x0 = _mm_loadu_si128((const __m128i *) (t + a)),
						x1 = _mm_loadu_si128((const __m128i *) (t + a + 1)),
						x2 = _mm_loadu_si128((const __m128i *) (t + a + 2));
			__m128i		bu = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x0, e4), _mm_cmpeq_epi8(x1, b8)),
										   _mm_cmpeq_epi8(x2, x8d)),
						mei = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x0, e6), _mm_cmpeq_epi8(x1, b2)),
											_mm_cmpeq_epi8(x2, a1));
			unsigned	mask = (unsigned) _mm_movemask_epi8(_mm_or_si128(bu, mei));

			if (mask)
				return a + (size_t) __builtin_ctz(mask);
		}
	}
#endif
	for (; a + 3 <= b; a++)
		if ((u[a] == 0xE4 && u[a + 1] == 0xB8 && u[a + 2] == 0x8D) ||
			(u[a] == 0xE6 && u[a + 1] == 0xB2 && u[a + 2] == 0xA1))
			return a;
	return b;
}

static int
a_not_a_questions(const az_ctx *ctx)
{
	/* 能不能/可不可以 are request cues of the lexicon already */
	static const char *const not_ask[] = {"动", "时", "了", "不", "没", "一", "能", "可"};
	size_t		p,
				end = ctx->quote_start < ctx->n && !ctx->quote_fwd ? ctx->quote_start : ctx->n,
				next = 0;		/* the first 不/没 at or after p + 3 */
	int			n = 0;

	for (p = 0; p + 9 <= end; p += az_u8len((unsigned char) ctx->t[p]))
	{
		unsigned char c;
		size_t		l,
					k;

		/* only a 不/没 at p + 3 or p + 6 asks: go on from the first
		 * character that can have one there */
		if (next < p + 3)
			next = next_bu_mei(ctx->t, p + 3, end);
		if (next >= end)
			break;
		if (next > p + 6)
		{
			p = next - 6;
			while (((unsigned char) ctx->t[p] & 0xC0) == 0x80)
				p++;
			if (p + 9 > end)
				break;
		}
		c = (unsigned char) ctx->t[p];
		if (c < 0xE4 || c > 0xE9)
			continue;
		for (l = 3; l <= 6; l += 3)
		{
			if (p + 2 * l + 3 > end)
				break;
			if (l == 6 && ((unsigned char) ctx->t[p + 3] < 0xE4 ||
						   (unsigned char) ctx->t[p + 3] > 0xE9))
				break;
			if (!az_at(ctx->t, end, p + l, "不") && !az_at(ctx->t, end, p + l, "没"))
				continue;
			if (memcmp(ctx->t + p, ctx->t + p + l + 3, l) != 0)
				continue;
			for (k = 0; k < sizeof(not_ask) / sizeof(not_ask[0]); k++)
				if (az_at(ctx->t, end, p, not_ask[k]))
					break;
			if (l == 3 && k < sizeof(not_ask) / sizeof(not_ask[0]))
				continue;
			n++;
			p += l;				/* past 不: "接不接" counts once */
			break;
		}
	}
	return n;
}

/* Itemised minutes ("纪要： 1. … 2. … 3. …"): a record of what was
 * said and decided.  A request recorded there ("客户要求每车随货附COA",
 * "我方负责场地") is a standing arrangement, not one waiting for a reply;
 * only a deadline, an urgency word or a complaint makes it pressing. */
static bool
itemised_minutes(const az_ctx *ctx, const char *channel)
{
	size_t		p;
	bool		one = false,
				two = false;

	if (!(channel && (strcmp(channel, "meeting") == 0 || strcmp(channel, "video") == 0)) &&
		!find_lit(ctx->t, 0, ctx->n, "纪要") && !find_lit(ctx->t, 0, ctx->n, "minutes"))
		return false;
	for (p = ctx->content_start; p + 1 < ctx->n; p++)
	{
		unsigned char c = (unsigned char) ctx->t[p],
					prev = p > 0 ? (unsigned char) ctx->t[p - 1] : '\n';

		if ((c != '1' && c != '2') || az_isalnum(prev) || prev == '.')
			continue;
		if (!(ctx->t[p + 1] == '.' || ctx->t[p + 1] == ')' ||
			  az_at(ctx->t, ctx->n, p + 1, "、")))
			continue;
		if (ctx->t[p + 1] == '.' && p + 2 < ctx->n && az_isdigit((unsigned char) ctx->t[p + 2]))
			continue;			/* 1.5mm */
		if (c == '1')
			one = true;
		else if (one)
			two = true;
	}
	return two;
}

/* find_quote's line literals (folded text, ASCII letters lower case), by
 * group: a forward, a quote header anywhere in a short line, a legal
 * footer */
enum
{
	QL_FWD = 1,
	QL_ANY = 2,
	QL_FOOTER = 4
};
static const struct
{
	const char *s;
	uint8_t		group;
}			quote_lits[] = {
	{"转发的邮件", QL_FWD}, {"转发邮件", QL_FWD}, {"forwarded message", QL_FWD},
	{"begin forwarded", QL_FWD},
	{"原始邮件", QL_ANY}, {"原邮件", QL_ANY}, {"original message", QL_ANY}, {"写道:", QL_ANY},
	{" wrote:", QL_ANY},
	{"confidential", QL_FOOTER}, {"intended recipient", QL_FOOTER}, {"disclaimer", QL_FOOTER},
	{"保密", QL_FOOTER}, {"指定收件人", QL_FOOTER}, {"误收", QL_FOOTER}, {"收件人以外", QL_FOOTER},
	{"机密", QL_FOOTER},
};

/* The groups (QL_*, of those in want) that have a literal in t[a..b): one
 * pass over the line for all of them instead of one per literal.  With
 * SSE2, 16 starts at a time are candidates when their first two bytes are
 * those of a wanted literal (case-folded for letters, as az_at folds the
 * text); az_at confirms. */
static unsigned
quote_groups(const char *t, size_t a, size_t b, unsigned want)
{
	unsigned	found = 0;
	size_t		k;

#ifdef __SSE2__
	char		pad[32];
	const char *base = t + a;
	size_t		len = b - a,
				at = 0,
				last;

	if (len < 6)				/* shorter than any literal */
		return 0;
	if (len < 17)
	{
		/* one block from a zero-padded copy */
		memset(pad, 0, sizeof(pad));
		memcpy(pad, base, len);
		base = pad;
		last = 0;
	}
	else
		last = len - 17;
	for (;;)
	{
		const __m128i lc = _mm_set1_epi8(0x20);
		__m128i		x0 = _mm_loadu_si128((const __m128i *) (base + at)),
					x1 = _mm_loadu_si128((const __m128i *) (base + at + 1)),
					f0 = _mm_or_si128(x0, lc),
					f1 = _mm_or_si128(x1, lc),
					m = _mm_setzero_si128();
		unsigned	mask;

#define QPAIR(y0, y1, c0, c1) _mm_and_si128(_mm_cmpeq_epi8(y0, _mm_set1_epi8((char) (c0))), \
											_mm_cmpeq_epi8(y1, _mm_set1_epi8((char) (c1))))
		if (want & QL_FWD)		/* 转 forwarded begin */
			m = _mm_or_si128(m, _mm_or_si128(QPAIR(x0, x1, 0xE8, 0xBD),
											 _mm_or_si128(QPAIR(f0, f1, 'f', 'o'), QPAIR(f0, f1, 'b', 'e'))));
		if (want & QL_ANY)		/* 原 original 写 " wrote" */
			m = _mm_or_si128(m, _mm_or_si128(_mm_or_si128(QPAIR(x0, x1, 0xE5, 0x8E), QPAIR(f0, f1, 'o', 'r')),
											 _mm_or_si128(QPAIR(x0, x1, 0xE5, 0x86), QPAIR(x0, f1, ' ', 'w'))));
		if (want & QL_FOOTER)	/* confidential intended disclaimer 保 指 误 收 机 */
			m = _mm_or_si128(m, _mm_or_si128(_mm_or_si128(_mm_or_si128(QPAIR(f0, f1, 'c', 'o'), QPAIR(f0, f1, 'i', 'n')),
														  _mm_or_si128(QPAIR(f0, f1, 'd', 'i'), QPAIR(x0, x1, 0xE4, 0xBF))),
											 _mm_or_si128(_mm_or_si128(QPAIR(x0, x1, 0xE6, 0x8C), QPAIR(x0, x1, 0xE8, 0xAF)),
														  _mm_or_si128(QPAIR(x0, x1, 0xE6, 0x94), QPAIR(x0, x1, 0xE6, 0x9C)))));
#undef QPAIR
		mask = (unsigned) _mm_movemask_epi8(m);
		while (mask)
		{
			size_t		p = a + at + (size_t) __builtin_ctz(mask);

			for (k = 0; k < sizeof(quote_lits) / sizeof(quote_lits[0]); k++)
				if ((want & ~found & quote_lits[k].group) && az_at(t, b, p, quote_lits[k].s))
					found |= quote_lits[k].group;
			mask &= mask - 1;
		}
		if (at == last)
			break;
		at = at + 16 <= last ? at + 16 : last;
	}
#else
	for (k = 0; k < sizeof(quote_lits) / sizeof(quote_lits[0]); k++)
		if ((want & ~found & quote_lits[k].group) && find_lit(t, a, b, quote_lits[k].s))
			found |= quote_lits[k].group;
#endif
	return found;
}

static void
find_quote(az_ctx *ctx)
{
	static const char *const lead[] = {
		">", "发件人:", "from:", "寄件者:", "寄件人:",
	};
	size_t		p = ctx->content_start,
				own = 0;

	ctx->quote_start = UINT32_MAX;
	ctx->quote_fwd = false;
	while (p < ctx->n)
	{
		size_t		e = p,
					q,
					k;
		bool		hit = false,
					is_fwd = false,
					is_footer = false;

		{
			const char *nl = memchr(ctx->t + p, '\n', ctx->n - p);

			e = nl ? (size_t) (nl - ctx->t) : ctx->n;
		}
		q = az_skip_sp(ctx->t, e, p);
		for (k = 0; !hit && k < sizeof(lead) / sizeof(lead[0]); k++)
			if (az_at(ctx->t, e, q, lead[k]))
				hit = true;
		if (!hit)
		{
			/* forward and quote headers in a short line; a legal footer
			 * under a signature (boilerplate, muted like a quote) only in
			 * the last 2 KB (a long e-mail's "请保密" in its body is not a
			 * footer, and a 25 KB text is not scanned again) */
			unsigned	want = (e - q < 80 ? QL_FWD : 0) | (e - q < 120 ? QL_ANY : 0) |
				(own >= 4 && ctx->n - p <= 2048 ? QL_FOOTER : 0),
						found = want ? quote_groups(ctx->t, q, e, want) : 0;

			if (found & QL_FWD)
				hit = is_fwd = true;
			else if (found & QL_ANY)
				hit = true;
			else if (found & QL_FOOTER)
				hit = is_footer = true;
		}
		if (hit)
		{
			if (own >= 4)
			{
				ctx->quote_start = (uint32_t) p;
				ctx->quote_fwd = !is_footer && (is_fwd || ctx->fwd_subject);
			}
			return;
		}
		/* own is only ever compared with 4 */
		for (; q < e && own < 4; q += az_u8len((unsigned char) ctx->t[q]))
			if (ctx->t[q] != ' ')
				own++;
		p = e + 1;
	}
}

/* a feature's weight in tenths, w / 10.0, for -128 <= w < 128 (the
 * divisions done by the compiler, exactly as at run time) */
#define W10_4(i) (i) / 10.0, (i + 1) / 10.0, (i + 2) / 10.0, (i + 3) / 10.0
#define W10_16(i) W10_4(i), W10_4(i + 4), W10_4(i + 8), W10_4(i + 12)
static const double w10[256] = {
	W10_16(-128), W10_16(-112), W10_16(-96), W10_16(-80),
	W10_16(-64), W10_16(-48), W10_16(-32), W10_16(-16),
	W10_16(0), W10_16(16), W10_16(32), W10_16(48),
	W10_16(64), W10_16(80), W10_16(96), W10_16(112)
};
#undef W10_16
#undef W10_4

/*
 * A contract or an invoice that its clause reports done ("合同已盖章",
 * "发票收到了", "invoice received") asks for no contract or invoice work:
 * the next step is the one the rest of the message names (delivery,
 * payment).  A question or a "not yet" ("合同签好了吗", "发票还没收到")
 * is not done.
 */
static bool
follow_done(const az_ctx *ctx, size_t p)
{
	static const char *const done[] = {
		"已盖章", "盖好章", "盖好了", "章已盖", "已签", "已经签", "签好了", "签完了",
		"已回签", "已回传", "收到了", "已收到", "已经收到", "已开", "已经开", "开好了",
		"signed", "received", NULL
	};
	size_t		cs,
				ce;

	az_clause_bounds(ctx, p, &cs, &ce);
	if ((ce < ctx->n && ctx->t[ce] == '?') || find_lit(ctx->t, cs, ce, "吗") ||
		find_lit(ctx->t, cs, ce, "没") || find_lit(ctx->t, cs, ce, "未") ||
		find_lit(ctx->t, cs, ce, "not "))
		return false;
	for (int i = 0; done[i]; i++)
		if (find_lit(ctx->t, cs, ce, done[i]))
			return true;
	return false;
}

/* Walk the hits once (phase 5). */
static void
score_hits(az_ctx *ctx, scores *sc)
{
	const az_lexicon *lex = ctx->lex;
	size_t		i;
	uint32_t	neg_end = UINT32_MAX,
				comp_end = UINT32_MAX,
				neg_start = 0,
				nota_end = UINT32_MAX,
				intens_end = UINT32_MAX,
				switch_end = UINT32_MAX,
				cond_end = UINT32_MAX,
				if_end = UINT32_MAX,
				req_end = UINT32_MAX,
				anota_end = UINT32_MAX,
				cond_sent_end = UINT32_MAX,	/* an IF cue: its clause and the next */
				intro_end = UINT32_MAX,	/* end of a self-introduction clause */
				prev_end = 0;
	double		neg_w = 1.0,
				intens_mult = 1.0,
				sent_cur = 0,
				boost = 1.0,
				vboost = 1.0,	/* the same for the intent votes */
				votes_cur[AZI_N],
				prev_sent = 0,
				prev_votes[AZI_N];
	int			c,
				cond_clauses = 0,
				hits_in_sentence = 0;
	bool		in_subject,
				haggle = false,
				haggle_prev = false,
				named_complaint = false,
				mistake = false,
				about_competitor,
				gap_clause,
				gap_sentence,
				comp_us = false,
				comp_us_known = false;

	for (i = 0; i < ctx->nhits; i++)
	{
		const az_hit *h = &ctx->hits[i];
		const az_pat *p = &lex->pat[h->pat];
		uint32_t	k;
		bool		negated = false,
					cond_praise = false,
					intensified = false,
					cue = false,
					conditional = false,
					in_quote = h->s >= ctx->quote_start,
					muted = in_quote && !ctx->quote_fwd;
		/* the older messages under a reply say what the matter was; the
		 * new words say what it is now */
		double		qf = !in_quote ? 1.0 : ctx->quote_fwd ? AZ_FWD_W : AZ_QUOTE_W;

		/* sentence boundary since the previous hit closes the sentence */
		if (i == 0)
		{
			memset(votes_cur, 0, sizeof(votes_cur));
			memset(prev_votes, 0, sizeof(prev_votes));
		}
		/* one look at the gap since the previous hit: a clause break ends
		 * the reach of a negation, an intensifier and a competitor mention;
		 * a sentence break also closes the sentence */
		gap_breaks(ctx, prev_end, h->s, &gap_clause, &gap_sentence);
		/* a condition reaches its own clause and the next ("若能到15900，
		 * 本月即可下单30吨"), not what is said after that */
		if ((gap_clause || gap_sentence) && cond_sent_end != UINT32_MAX &&
			(gap_sentence || ++cond_clauses > 1))
		{
			if (sc->cond_to == UINT32_MAX)
				sc->cond_to = h->s;
			cond_sent_end = UINT32_MAX;
		}
		if (gap_clause)
		{
			neg_end = intens_end = nota_end = comp_end = switch_end = cond_end = anota_end = UINT32_MAX;
			if_end = req_end = UINT32_MAX;
			comp_us_known = false;
		}
		if (gap_sentence)
		{
			prev_sent = sent_cur * boost;
			sc->sent_total += prev_sent;
			/* price words in a sentence about an invoice, a payment, an
			 * order or a contract are a billing or contract matter, not
			 * haggling */
			/* "投诉我们业务员…要个报价等了三天": a complaint named
			 * as such is not haggling because a quote is mentioned */
			if (haggle && !mistake && !named_complaint && votes_cur[AZI_PAYMENT] <= 0 &&
				votes_cur[AZI_ORDER] <= 0)
			{
				haggle_shift(votes_cur);
				sc->haggled = true;
			}
			/* "价格太高了 金发才13000 你们13500 差太多了吧": a chat
			 * fragment after price talk that only grumbles goes on
			 * haggling */
			else if (!haggle && haggle_prev && !named_complaint && votes_cur[AZI_COMPLAINT] > 0 &&
					 single_grumble(votes_cur) && ctx->n - ctx->content_start < AZ_CHAT_LINE)
				haggle_shift(votes_cur);
			else if (!single_grumble(votes_cur))
				haggle_prev = false;	/* a topic of its own */
			if (haggle && !mistake && !named_complaint)
				haggle_prev = true;
			haggle = false;
			mistake = false;
			named_complaint = false;
			for (c = 0; c < AZI_N; c++)
			{
				prev_votes[c] = votes_cur[c] * vboost;
				sc->votes[c] += prev_votes[c];
			}
			memset(votes_cur, 0, sizeof(votes_cur));
			sent_cur = 0;
			boost = vboost = 1.0;
			hits_in_sentence = 0;
		}
		hits_in_sentence++;
		prev_end = h->e;
		in_subject = ctx->content_start > 0 && h->s < ctx->content_start && !ctx->reply_subject;
		/* "RE: 关于上批料黑点问题" names the thread, like the quote under it */
		if (ctx->reply_subject && h->s < ctx->content_start && ctx->n > ctx->content_start + 12)
			qf = AZ_RESUBJ_W;

		if (neg_end != UINT32_MAX && h->s >= neg_end &&
			units_between(ctx, neg_end, h->s, 3) <= 3)
			negated = true;
		if (intens_end != UINT32_MAX && h->s >= intens_end &&
			units_between(ctx, intens_end, h->s, 2) <= 2)
			intensified = true;

		/* "今天必须到,不然停线": after 不然/否则 an urgency word (停线,
		 * 断料) is what would happen to the writer, a reason for urgency,
		 * not a complaint or a mood; a threat there ("否则索赔", "不然这单
		 * 就给会通了") still counts */
		if (cond_end != UINT32_MAX && h->s >= cond_end && az_hit_feat(ctx, h, AZK_URG) &&
			!az_hit_feat(ctx, h, AZK_THREAT))
			conditional = true;
		/* "明天十点前必须到 不然要扣款了": a penalty announced for a
		 * failure that has not happened yet, with nothing wrong so far,
		 * is a reason for urgency, not a complaint */
		if (cond_end != UINT32_MAX && h->s >= cond_end && az_hit_feat(ctx, h, AZK_THREAT) &&
			sc->fact_neg <= 0 && sc->neg_mag <= 0 && sc->votes[AZI_COMPLAINT] <= 0 &&
			votes_cur[AZI_COMPLAINT] <= 0)
			conditional = true;

		/* negative words in a clause about a competitor ("金发的料质量不稳定")
		 * are not a complaint to us, unless the clause also addresses us */
		about_competitor = false;
		if (comp_end != UINT32_MAX && h->s >= comp_end)
		{
			if (!comp_us_known)
			{
				comp_us = addresses_us(ctx, h->s);
				comp_us_known = true;
			}
			about_competitor = !comp_us;
		}

		for (k = 0; k < p->nfeat; k++)
		{
			const az_feat *f = &lex->feat[p->feat_off + k];
			double		w = f->w >= -128 && f->w < 128 ? w10[f->w + 128] : f->w / 10.0;

			/* asks, threats, price talk and urgency of a quoted message
			 * were answered already */
			if (muted && f->kind != AZK_INTENT && f->kind != AZK_SENT &&
				f->kind != AZK_NEG && f->kind != AZK_NOTA && f->kind != AZK_INTENS &&
				f->kind != AZK_CONTRAST && f->kind != AZK_PRODUCT &&
				f->kind != AZK_COMPETITOR && f->kind != AZK_FOLLOW)
				continue;
			switch (f->kind)
			{
				case AZK_NEG:
					/* "接不接", "有没有": an A-not-A question asks, it does
					 * not negate */
					if (h->e - h->s == 3 && h->s >= 3 && h->e + 3 <= ctx->n &&
						(unsigned char) ctx->t[h->s - 3] >= 0xE3 &&
						memcmp(ctx->t + h->s - 3, ctx->t + h->e, 3) == 0)
					{
						anota_end = h->e;
						break;
					}
					neg_start = h->s;
					neg_end = h->e;
					neg_w = w;
					break;
				case AZK_NOTA:
					neg_start = h->s;
					nota_end = h->e;
					neg_end = h->e;
					neg_w = 1.0;
					break;
				case AZK_INTENS:
					intens_end = h->e;
					intens_mult = w;
					break;
				case AZK_CONTRAST:
					/* "我不是要投诉，但…": a strong contrast right after a
					 * disclaimer takes the disclaimer back */
					if (f->w >= 10 && sc->ndisclaim > 0 && h->s >= sc->disclaim_end &&
						h->s - sc->disclaim_end <= 30)
						sc->ndisclaim--;
					/* the clause after 但是/but carries the point; opening a
					 * sentence ("However, ..."), it answers the previous one.
					 * A candour marker (说实话, 唯一的问题是) weighs the mood
					 * of what follows, not its topic */
					sent_cur *= 0.5;
					if (hits_in_sentence == 1)
					{
						sc->sent_total -= 0.5 * prev_sent;
						prev_sent = 0;
					}
					boost = 1.4;
					if (az_hit_feat(ctx, h, AZK_MOODONLY))
						break;
					for (c = 0; c < AZI_N; c++)
						votes_cur[c] *= 0.6;
					if (hits_in_sentence == 1)
					{
						for (c = 0; c < AZI_N; c++)
							sc->votes[c] -= 0.4 * prev_votes[c];
						memset(prev_votes, 0, sizeof(prev_votes));
					}
					vboost = 1.4;
					break;
				case AZK_HEDGE:
					sc->hedges++;
					break;
				case AZK_SENT:
					cue = true;
					cond_praise = false;
					/* "有没有兴趣一起…": the mood asked about is the
					 * reader's, not the writer's */
					if (w > 0 && anota_end != UINT32_MAX && h->s >= anota_end &&
						units_between(ctx, anota_end, h->s, 2) <= 2)
						w = 0;
					if (w > 0 && !negated && !in_subject)
					{
						if (is_reproach(ctx, h))
						{
							/* the quality is missing: a reproach */
							w = -1.5;
							votes_cur[AZI_COMPLAINT] += 2.0;
						}
						else if (clause_asks(ctx, h->s))
							w *= 0.3;	/* the topic asked about */
						/* "如果测试通过,我们就下单", "if the trial goes
						 * well": a condition, not a mood */
						else if (if_end != UINT32_MAX && h->s >= if_end)
						{
							w *= 0.3;
							cond_praise = true;
						}
						/* "请继续按时对账", "希望贵司交期稳定", "please keep
						 * the colour consistent": the quality asked for */
						else if (req_end != UINT32_MAX && h->s >= req_end &&
								 !az_hit_feat(ctx, h, AZK_THANKS))
						{
							w *= 0.3;
							cond_praise = true;
						}
					}
					if (intensified)
						w *= intens_mult;
					if (negated)
						w = w > 0 ? -w * 0.9 * neg_w : -w * AZ_NEGNEG * neg_w;
					if (in_subject)
						w *= 0.5;	/* a subject names a topic, not a mood */
					if (h->s >= sc->closing_start)
						w *= 0.4;	/* "顺祝商祺", "Thanks, Tom": a formula */
					if (about_competitor)
						w *= w < 0 ? 0.2 : 0.3;	/* their merits or faults */
					if (conditional && w < 0)
						w *= 0.2;
					w *= qf;
					sent_cur += w;
#ifdef AZ_DEBUG_VOTES
					fprintf(stderr, "  sent %.*s %.2f%s\n", (int) (h->e - h->s), ctx->t + h->s, w,
							negated ? " (negated)" : "");
#endif
					/* thanks after a request or a question closes it */
					if (w > 0 && (sc->nreq > 0 || sc->nquestion > 0) &&
						az_hit_feat(ctx, h, AZK_THANKS))
						sc->thanks_pos += w;
					/* a defect or problem word (not an emotion word, not a
					 * negated positive) */
					if (w < 0 && !negated && f->w >= -15)
						sc->fact_neg += -w;
					if (w < 0 && !negated && f->w >= -20 && f->w < 0)
						sc->mild_neg += -w;
					if (w < 0 && az_hit_feat(ctx, h, AZK_MOODONLY) &&
						!az_hit_feat(ctx, h, AZK_CONTRAST))
						sc->neg_mood += -w;
					if (w < 0)
					{
						sc->neg_mag += -w;
						if (-w > sc->top_neg_w)
						{
							sc->top_neg_w = -w;
							sc->top_neg_s = h->s;
							sc->top_neg_e = h->e;
						}
					}
					else
					{
						sc->pos_mag += w;
						/* praise as a condition or the thing asked for is
						 * no mood, but it still tells what the matter is
						 * about: the intent weighs it as before */
						if (cond_praise)
							sc->pos_topic += w / 0.3 * 0.7;
						if (w > sc->top_pos_w)
						{
							sc->top_pos_w = w;
							sc->top_pos_s = h->s;
							sc->top_pos_e = h->e;
						}
					}
					break;
				case AZK_INTENT:
					cue = true;
					if (f->arg >= 0 && f->arg < AZI_N)
					{
						if (in_subject)
							w *= 2.0;
						if (nota_end != UINT32_MAX && h->s >= nota_end &&
							units_between(ctx, nota_end, h->s, 3) <= 3)
							w *= 0.3;
						/* "没有浮纤", "没有采购计划": the topic is absent; a
						 * missing delivery or payment is still the topic */
						else if (negated && f->arg != AZI_DELIVERY &&
								 f->arg != AZI_PAYMENT && f->arg != AZI_AFTER_SALES)
							w *= f->arg == AZI_COMPLAINT ? 0.2 : 0.3;
						/* "SABIC最近缺货,交期要两个月": their delivery, not ours */
						if (about_competitor && f->arg != AZI_INQUIRY &&
							f->arg != AZI_COOPERATION)
							w *= 0.2;
						if (conditional && f->arg == AZI_COMPLAINT)
							w *= 0.2;
						/* a parameter asked about; "你们的料是不是又换配方了?"
						 * asks the supplier to account for its batch */
						if (intro_end != UINT32_MAX && h->s < intro_end && f->arg != AZI_OTHER)
							w *= 0.2;
						if (f->arg == AZI_TECHNICAL && !negated && !muted && w > 0 &&
							clause_asks(ctx, h->s) && !addresses_us(ctx, h->s))
							sc->ntechq++;
						if (f->arg == AZI_COOPERATION && az_hit_feat(ctx, h, AZK_COOPGEN))
							sc->coop_gen += w * qf;
						/* "若能到15900,本月即可下单30吨", "要涨的话我们先备
						 * 20吨": an order in the consequent of a condition is
						 * not placed; the customer is still asking */
						if (f->arg == AZI_ORDER && cond_sent_end != UINT32_MAX &&
							h->s >= cond_sent_end && !negated && !muted)
						{
							sc->ncondorder++;
							votes_cur[AZI_INQUIRY] += 0.7 * w * qf;
							w *= 0.3;
						}
						/* "打了三次都没人接" in our own call note: the
						 * customer does not answer us */
						if (ctx->own_note && f->arg == AZI_COMPLAINT &&
							az_hit_feat(ctx, h, AZK_NOREPLY))
							w *= 0.2;
						w *= qf;
						votes_cur[f->arg] += w;
						if (w > sc->top_cue_w[f->arg])
						{
							sc->top_cue_w[f->arg] = w;
							sc->top_cue_s[f->arg] = h->s;
							sc->top_cue_e[f->arg] = h->e;
						}
					}
					break;
				case AZK_URG:
					cue = true;
					if (f->arg >= AZU_LOW && f->arg <= AZU_HIGH)
					{
						int			lvl = f->arg;

						if (negated && lvl != AZU_LOW)
						{
							lvl = AZU_LOW;
							sc->urg_negated_high = true;
						}
						if (in_quote)
							w *= qf;
						if (sc->urg_w[lvl] == 0)
						{
							/* name the negation too: 不用马上 */
							sc->urg_s[lvl] = negated && f->arg != AZU_LOW ? neg_start : h->s;
							sc->urg_e[lvl] = h->e;
						}
						sc->urg_w[lvl] += w;
					}
					break;
				case AZK_FOLLOW:
					if (f->arg > 0 && f->arg < AZF_N && !negated &&
						!((f->arg == AZF_CONTRACT || f->arg == AZF_INVOICE) && follow_done(ctx, h->s)))
						sc->follow[f->arg] = true;
					if (f->arg == AZF_COMPLAINT && !negated && !muted)
						named_complaint = true;
					break;
				case AZK_REQUEST:
					/* a weak request cue (a sentence-final 吧: "分批送吧")
					 * asks only at the end of a clause or a chat fragment */
					if (f->w < 10)
					{
						unsigned char nc = h->e < ctx->n ? (unsigned char) ctx->t[h->e] : 0;

						if (!(nc == 0 || nc == ' ' || nc == '~' || nc >= 0xF0 ||
							  break_at(ctx->t, ctx->n, h->e, false)))
							break;
					}
					if (sc->nreq < MAX_REQ)
						sc->req_pos[sc->nreq++] = h->e;
					if (!negated)
						req_end = h->e;
					break;
				case AZK_IF:
					if_end = h->e;
					if (!negated && !muted && sc->cond_from == UINT32_MAX)
					{
						cond_sent_end = h->e;
						/* "要涨的话我们先备20吨": after 的话 the consequent
						 * is the rest of the clause; after 如果/若 it may be
						 * the next clause */
						cond_clauses = h->e - h->s == 6 &&
							memcmp(ctx->t + h->s, "的话", 6) == 0 ? 1 : 0;
						if (sc->cond_from == UINT32_MAX)
							sc->cond_from = h->e;
					}
					break;
				case AZK_SETTLED:
					/* "价格按老的走", "同样价格", "按上次价格": the price is
					 * a term agreed before, not asked ("老价格?" asks) */
					if (!negated && !muted && !clause_asks(ctx, h->s))
						sc->nsettled++;
					break;
				case AZK_COOPGEN:
					break;
				case AZK_SELFINTRO:
					/* "我们是做节能改造的", "我是送快递的", "来电人自称物流
					 * 公司的": who the writer is; the trade it names is not
					 * what it wants from us */
					if (!negated && !muted)
					{
						size_t		cs,
									ce;

						az_clause_bounds(ctx, h->s, &cs, &ce);
						/* "We are a compounder in Poland and see good
						 * potential for cooperation": an English sentence
						 * goes on after the noun phrase that says who */
						if ((unsigned char) ctx->t[h->s] < 0x80 && ce > h->e + 36)
							ce = h->e + 36;
						intro_end = (uint32_t) ce;
						if (h->s >= ctx->content_start && h->s < ctx->content_start + 30)
							sc->selfintro = true;
					}
					break;
				case AZK_BROADCAST:
					if (h->s >= ctx->content_start && h->s < ctx->content_start + 12)
						sc->broadcast = true;
					break;
				case AZK_ACCEPT:
					if (!negated && !muted)
						sc->naccept++;
					break;
				case AZK_OCCASION:
					if (!negated && !muted)
						sc->noccasion++;
					break;
				case AZK_PRODUCT:
					add_name(sc->prod, &sc->nprod, h->s, f->arg, h->s, h->e);
					break;
				case AZK_COMPETITOR:
					add_name(sc->comp, &sc->ncomp, h->s, f->arg, h->s, h->e);
					/* "考虑把一部分量转给普利特": moving business to a
					 * competitor is a threat to switch suppliers */
					if (switch_end != UINT32_MAX && h->s >= switch_end &&
						units_between(ctx, switch_end, h->s, 6) <= 6)
					{
						if (sc->nthreat == 0)
						{
							sc->threat_s = h->s;
							sc->threat_e = h->e;
						}
						sc->nthreat++;
						votes_cur[AZI_COMPLAINT] += 2.5;
						sent_cur -= 1.5;
						sc->neg_mag += 1.5;
						switch_end = UINT32_MAX;
					}
					/* "比科思创贵": a comparison about us */
					if (!compared_to(ctx, h))
					{
						comp_end = h->e;
						comp_us_known = false;
					}
					break;
				case AZK_SWITCH:
					if (!negated)
						switch_end = h->e;
					break;
				case AZK_COND:
					cond_end = h->e;
					break;
				case AZK_RESCHED:
					if (!negated && !in_quote)
						sc->nresched++;
					break;
				case AZK_CAUSEQ:
					if (!negated)
						sc->ncause++;
					break;
				case AZK_DUN:
					sc->ndun++;
					if (qf == 1.0 && !negated)
						sc->ndun_live++;
					break;
				case AZK_APOLOGY:
					if (!negated && !muted)
						sc->napology++;
					break;
				case AZK_WON:
					if (!negated && !muted)
						sc->nwon++;
					break;
				case AZK_CHECKOK:
					if (!negated && !muted)
						sc->ncheckok++;
					break;
				case AZK_ANSWERED:
					if (!negated && !in_quote)
					{
						sc->nanswered++;
						sc->last_ans_e = h->e;
					}
					break;
				case AZK_SENTDOC:
					if (!negated && !muted)
						sc->nsentdoc++;
					break;
				case AZK_RETURN:
					if (!negated && !muted)
						sc->nreturn++;
					break;
				case AZK_QUESTION:
					sc->nquestion++;
					sc->last_q_e = h->e;
					/* a question mark ends what a request or a condition
					 * reaches, however the next clause starts */
					if (h->e - h->s == 1)
						if_end = req_end = UINT32_MAX;
					break;
				case AZK_DISCLAIM:
					sc->ndisclaim++;
					sc->disclaim_end = h->e;
					break;
				case AZK_HORIZON:
					if (!negated)
						sc->nhorizon++;
					break;
				case AZK_RESOLVED:
					if (!negated)
					{
						sc->nresolved++;
						sc->last_res_s = h->s;
					}
					break;
				case AZK_HAGGLE:
					haggle = true;
					sc->nhaggle++;
					break;
				case AZK_REPEAT:
					if (!negated && !muted)
						sc->nrepeat++;
					break;
				case AZK_JOINT:
					if (!negated)
						sc->njoint++;
					break;
				case AZK_SARCASM:
					if (!negated && !muted)
						sc->nsarcasm++;
					break;
				case AZK_MISTAKE:
					/* "报价单价格写错了", "三天报了三个价": our mistake
					 * about a price is a complaint, not haggling */
					if (!negated && !muted)
						mistake = true;
					break;
				case AZK_THREAT:
					if (!negated && !conditional)
					{
						if (sc->nthreat == 0)
						{
							sc->threat_s = h->s;
							sc->threat_e = h->e;
						}
						sc->nthreat++;
					}
					break;
				case AZK_PRICEWORD:
					/* a price word in a question clause: an inquiry */
					if (sc->npriceq < 16)
					{
						size_t		cs,
									ce,
									j;

						sc->npriceq++;
						az_clause_bounds(ctx, h->s, &cs, &ce);
						for (j = az_hit_lower_bound(ctx, (uint32_t) cs);
							 j < ctx->nhits && ctx->hits[j].s < ce && j < i + 24; j++)
							if (az_hit_feat(ctx, &ctx->hits[j], AZK_QUESTION))
							{
								sc->votes[AZI_INQUIRY] += in_subject ? 3.0 : 1.5;
								break;
							}
					}
					break;
				default:
					break;
			}
		}
		/* a negation reaches the first cue after it ("若未到账将暂停发货":
		 * 未 negates 到账, not 暂停) */
		if (negated && cue)
			neg_end = UINT32_MAX;
	}
	if (sc->cond_from != UINT32_MAX && sc->cond_to == UINT32_MAX)
		sc->cond_to = (uint32_t) ctx->n;
	sc->sent_total += sent_cur * boost;
	if (haggle && !mistake && !named_complaint && votes_cur[AZI_PAYMENT] <= 0 &&
		votes_cur[AZI_ORDER] <= 0)
	{
		haggle_shift(votes_cur);
		sc->haggled = true;
	}
	else if (!haggle && haggle_prev && !named_complaint && votes_cur[AZI_COMPLAINT] > 0 &&
			 single_grumble(votes_cur) && ctx->n - ctx->content_start < AZ_CHAT_LINE)
		haggle_shift(votes_cur);
	if (ctx->nhits > 0)
		for (c = 0; c < AZI_N; c++)
			sc->votes[c] += votes_cur[c] * vboost;
}

/* Which clause-level context makes a date not a deadline (already done). */
static bool
date_is_past_context(const az_ctx *ctx, const az_date *d)
{
	size_t		cs,
				ce,
				j;

	/* "说好今天回电话", "不是说好这周发吗": a promise made earlier, now
	 * overdue -- a reproach, not a deadline */
	{
		static const char *const promised[] = {"说好的", "说好", "答应", "承诺", "promised"};
		size_t		k,
					b = d->s;

		while (b > 0 && ctx->t[b - 1] == ' ')
			b--;
		for (k = 0; k < sizeof(promised) / sizeof(promised[0]); k++)
		{
			size_t		l = strlen(promised[k]);

			if (b >= l && memcmp(ctx->t + b - l, promised[k], l) == 0)
				return true;
		}
	}
	az_clause_bounds(ctx, d->s, &cs, &ce);
	/* "unless payment is received by tomorrow": a need word right before
	 * the date makes it a deadline whatever else the clause says */
	for (j = az_hit_lower_bound(ctx, (uint32_t) cs); j < ctx->nhits && ctx->hits[j].s < d->s; j++)
		if (az_hit_feat(ctx, &ctx->hits[j], AZK_NEED) &&
			units_between(ctx, ctx->hits[j].e, d->s, 2) <= 1)
			return false;
	for (j = az_hit_lower_bound(ctx, (uint32_t) cs); j < ctx->nhits && ctx->hits[j].s < ce; j++)
		if (az_hit_feat(ctx, &ctx->hits[j], AZK_PAST))
			return true;
	/* 了 after today's date in its clause: "今天到货了" ("明天就要用了" is
	 * still ahead) */
	for (j = d->e; d->rel <= 0 && j + 3 <= ce; j++)
		if (az_at(ctx->t, ctx->n, j, "了"))
			return true;
	return false;
}

/* Does a date name a weekend day (周末, 周六, 星期日, Saturday)? */
static bool
is_weekend_word(const az_ctx *ctx, const az_date *d)
{
	static const char *const we[] = {
		"周末", "周六", "周日", "周天", "星期六", "星期日", "星期天", "礼拜六", "礼拜天", "礼拜日",
		"本周末", "这周末", "weekend", "this weekend", "saturday", "sunday",
	};
	size_t		k,
				len = d->e - d->s;

	for (k = 0; k < sizeof(we) / sizeof(we[0]); k++)
		if (len == strlen(we[k]) && az_at(ctx->t, ctx->n, d->s, we[k]))
			return true;
	return false;
}

/* Narrow a clause [*cs, *ce) around p to its chat fragment: in WeCom a
 * space between two Chinese characters separates fragments like a comma
 * ("我们要跟客户交代 周五前给个结论吧"). */
static void
fragment_bounds(const az_ctx *ctx, size_t p, size_t *cs, size_t *ce)
{
	size_t		q;

	for (q = *cs; q < *ce; q++)
	{
		if (ctx->t[q] != ' ' || q < 3 || q + 1 >= ctx->n ||
			(unsigned char) ctx->t[q - 3] < 0xE4 || (unsigned char) ctx->t[q - 3] > 0xE9 ||
			(unsigned char) ctx->t[q + 1] < 0xE4 || (unsigned char) ctx->t[q + 1] > 0xE9)
			continue;
		if (q < p)
			*cs = q + 1;
		else
		{
			*ce = q;
			break;
		}
	}
}

/* Is a date a deadline?  It is when the customer ties something to it:
 * "8月5日之前", "三天内", "by Friday", or a clause that asks or needs
 * ("希望下周三拿到", "明天能送到吗").  A date that only reports ("预计后天
 * 到达", "原件明天快递过去") sets no urgency. */
static bool
date_is_deadline(const az_ctx *ctx, const az_date *d)
{
	static const char *const after[] = {
		"前", "之前", "以前", "之内", "以内", "内", "为止", "截止", "到位", "务必", "必须",
	};
	size_t		cs,
				ce,
				j,
				p = az_skip_sp(ctx->t, ctx->n, d->e);
	bool		own = false;

	/* "样品我们周三之前安排测试", "订单今天下午发您": the writer's own plan is
	 * not the customer's deadline unless someone asks or needs */
	az_clause_bounds(ctx, d->s, &cs, &ce);
	{
		size_t		fs = cs,
					fe = ce;

		fragment_bounds(ctx, d->s, &fs, &fe);
		for (j = az_hit_lower_bound(ctx, (uint32_t) fs); j < ctx->nhits && ctx->hits[j].s < fe; j++)
			if (az_hit_feat(ctx, &ctx->hits[j], AZK_SELF) && !az_hit_feat(ctx, &ctx->hits[j], AZK_NEED))
				own = true;
	}
	for (j = 0; !own && j < sizeof(after) / sizeof(after[0]); j++)
		if (az_at(ctx->t, ctx->n, p, after[j]))
			return true;
	/* "明早几点到": asks for the hour of an arrival, an ETA */
	if (az_at(ctx->t, ctx->n, p, "几点"))
		return false;
	/* "能否周末送货", "周六有人收吗": asking whether a weekend day works
	 * is about availability, not a deadline, unless something is needed */
	if (is_weekend_word(ctx, d))
	{
		for (j = az_hit_lower_bound(ctx, (uint32_t) cs); j < ctx->nhits && ctx->hits[j].s < ce; j++)
			if (az_hit_feat(ctx, &ctx->hits[j], AZK_NEED))
				return true;
		return false;
	}
	if (ce < ctx->n && ctx->t[ce] == '?')
		return true;
	for (j = az_hit_lower_bound(ctx, (uint32_t) cs); !own && j < ctx->nhits && ctx->hits[j].s < ce; j++)
		if (az_hit_feat(ctx, &ctx->hits[j], AZK_REQUEST))
			return true;
	sentence_bounds(ctx, d->s, &cs, &ce);
	for (j = az_hit_lower_bound(ctx, (uint32_t) cs); j < ctx->nhits && ctx->hits[j].s < ce; j++)
	{
		const az_feat *u;

		if (az_hit_feat(ctx, &ctx->hits[j], AZK_NEED) ||
			(!own && az_hit_feat(ctx, &ctx->hits[j], AZK_QUESTION)))
			return true;
		u = az_hit_feat(ctx, &ctx->hits[j], AZK_URG);
		if (u && u->arg != AZU_LOW)
			return true;
	}
	return false;
}

/* Language from the counts of CJK characters and English words (codes
 * and numbers excluded), taken during the product-code walk. */
static const char *
detect_language(size_t cjk, size_t words)
{
	if (cjk == 0 && words == 0)
		return "zh";
	if (cjk == 0)
		return "en";
	if (words == 0)
		return "zh";
	{
		double		r = (double) words / ((double) words + (double) cjk / 2.0);

		if (r < 0.15)
			return "zh";
		if (r > 0.85)
			return "en";
		return "mixed";
	}
}

static az_val *
name_json(az_result *R, const az_ctx *ctx, const name_ref *r, bool product, sbuf *tmp)
{
	if (r->idx >= 0)
		return v_string(R, product ? ctx->lex->prod[r->idx] : ctx->lex->comp[r->idx]);
	span_orig(ctx, r->s, r->e, tmp);
	return jstr_sb(R, tmp);
}

static void
name_text(const az_ctx *ctx, const name_ref *r, sbuf *out)
{
	if (r->idx >= 0)
		sb_puts_any(out, ctx->lex->prod[r->idx]);
	else
	{
		sbuf		tmp;

		span_orig(ctx, r->s, r->e, &tmp);
		sb_cat(out, &tmp, tmp.len);
	}
}

/* Append a follow-up / suggestion unless already there: s checked
 * (PUSH_CHECK), known valid (PUSH_VALID: copied) or known valid and lasting
 * as long as the result (PUSH_STATIC: a literal, a string of the result). */
enum
{
	PUSH_CHECK,
	PUSH_VALID,
	PUSH_STATIC
};

static void
push_unique_as(az_result *R, az_val *arr, const char *s, size_t max, int how)
{
	const az_val *e;

	if (!arr || v_size(arr) >= max || !s || !*s)
		return;
	for (e = arr->u.c.first; e; e = e->next)
		if (strcmp(e->u.s, s) == 0)
			return;
	v_append(arr, how == PUSH_STATIC ? v_static(R, s) :
			 how == PUSH_VALID ? v_stringn(R, s, strlen(s)) : jstr(R, s, strlen(s)));
}
#define push_unique(R, arr, s, max) push_unique_as((R), (arr), (s), (max), PUSH_STATIC)
#define push_unique_sb(R, arr, sb, max) \
	push_unique_as((R), (arr), (sb)->b, (max), (sb)->any ? PUSH_CHECK : PUSH_VALID)

/* A byte of an ASCII word (letters, digits, and the '-' or '\'' inside
 * one: "PBT-GF15", "week's"). */
static inline bool
word_byte(char c)
{
	return az_isalnum((unsigned char) c) || c == '-' || c == '\'' || c == '_';
}

/* Does the folded span contain the literal? */
static inline __attribute__((always_inline)) bool
span_has(const az_ctx *ctx, size_t a, size_t b, const char *lit)
{
	return find_lit(ctx->t, a, b, lit);
}

static az_result *analyze(const az_lexicon *lex, const char *content, size_t len,
						  const char *channel, const char *subject, int64_t comm_time_us,
						  az_trace *tr);

/* the tree as jansson (NULL for no tree) */
static json_t *
result_json(az_result *R)
{
	json_t	   *j = R ? az_val_to_json(R->root) : NULL;

	az_result_free(R);
	return j;
}

json_t *
az_analyze(const az_lexicon *lex, const char *content, size_t len,
		   const char *channel, const char *subject, int64_t comm_time_us)
{
	return result_json(analyze(lex, content, len, channel, subject, comm_time_us, NULL));
}

json_t *
az_analyze_trace(const az_lexicon *lex, const char *content, size_t len,
				 const char *channel, const char *subject, int64_t comm_time_us,
				 az_trace *tr)
{
	return result_json(analyze(lex, content, len, channel, subject, comm_time_us, tr));
}

az_result *
az_analyze_result(const az_lexicon *lex, const char *content, size_t len,
				  const char *channel, const char *subject, int64_t comm_time_us)
{
	return analyze(lex, content, len, channel, subject, comm_time_us, NULL);
}

static az_result *
analyze(const az_lexicon *lex, const char *content, size_t len,
		const char *channel, const char *subject, int64_t comm_time_us,
		az_trace *tr)
{
	az_result  *R = NULL;
	az_ctx		ctx;
	scores		sc;
	az_hit	   *raw = NULL;
	uint8_t    *occ = NULL;
	char	   *scratch = NULL;
	long		nraw;
	size_t		slen = 0,
				total,
				i,
				n_cjk = 0,
				n_words = 0;
	az_val	   *out = NULL,
			   *intent,
			   *key,
			   *sent,
			   *urg,
			   *follow,
			   *sugg,
			   *tags,
			   *prods,
			   *comps,
			   *tdates;
	int			cat,
				final_cat = AZI_OTHER,
				rule_cat,
				urg_level;
	double		confidence,
				score;
	const char *overall;
	bool		glad_plans = false;	/* positive, and not only for business won */
	bool		own_record;
	sbuf		tmp,
				line,
				prodname;
	int			tl_idx = -1;
	az_lexicon	empty;

	memset(&ctx, 0, sizeof(ctx));
	ctx.own_note = channel && strcmp(channel, "mobile") == 0;
	memset(&sc, 0, sizeof(sc));
	sc.cond_from = sc.cond_to = UINT32_MAX;
	ctx.quote_start = UINT32_MAX;
	if (!lex)
	{
		memset(&empty, 0, sizeof(empty));
		lex = &empty;
	}
	ctx.lex = lex;
	if (!content)
		len = 0;
	/* a subject that is only a channel's type label ("[voice]", "[image]",
	 * "[revoke]") says nothing the content does not: no subject (its
	 * letters would be n-grams of "invoice" to the model) */
	if (subject && subject[0] == '[')
	{
		size_t		k = 1;

		while (az_isalpha((unsigned char) subject[k]) || subject[k] == '_')
			k++;
		if (k > 1 && subject[k] == ']' && subject[k + 1] == '\0')
			subject = NULL;
	}
	if (subject)
		slen = strnlen(subject, AZ_MAX_INPUT);
	if (len > AZ_MAX_INPUT)
		len = AZ_MAX_INPUT;
	if (slen + len > AZ_MAX_INPUT)
		slen = AZ_MAX_INPUT - len;
	total = slen + 1 + len;
	ctx.subj = subject;
	ctx.subj_len = slen;
	ctx.content = content;
	ctx.content_len = len;
	/* one scratch block: map | text | mark | occ (number tokens grow on
	 * their own, from a size that keeps small records in small bins) */
	scratch = malloc((total + 1) * sizeof(uint32_t) + 3 * (total + 1));
	ctx.nums_cap = 16;
	ctx.nums = malloc(ctx.nums_cap * sizeof(az_num));
	R = r_new();
	if (!scratch || !ctx.nums || !R)
		goto done;
	ctx.map = (uint32_t *) scratch;
	ctx.t = scratch + (total + 1) * sizeof(uint32_t);
	ctx.mark = (uint8_t *) ctx.t + total + 1;
	occ = ctx.mark + total + 1;
	memset(ctx.mark, 0, total + 1);

	/* 1. fold */
	ctx.orig_valid = true;
	if (slen > 0)
	{
		if (!az_fold_append(&ctx, subject, slen, 0))
			ctx.orig_valid = false;
		ctx.t[ctx.n] = '\n';
		ctx.map[ctx.n] = (uint32_t) slen;
		ctx.n++;
		ctx.t[ctx.n] = '\0';
	}
	ctx.content_start = ctx.n;
	if (slen > 0)
	{
		static const char *const re[] = {"re:", "re :", "fw:", "fwd:", "回复:", "答复:", "转发:"};
		size_t		k,
					p0 = az_skip_sp(ctx.t, ctx.n, 0);

		for (k = 0; k < sizeof(re) / sizeof(re[0]); k++)
			if (az_at(ctx.t, ctx.n, p0, re[k]))
			{
				ctx.reply_subject = true;
				if (k >= 2 && k != 4 && k != 5)
					ctx.fwd_subject = true;
			}
	}
	if (len > 0 && !az_fold_append(&ctx, content, len, (uint32_t) (slen + 1)))
		ctx.orig_valid = false;
	ctx.t[ctx.n] = '\0';
	if (comm_time_us != 0)
	{
		int64_t		secs = comm_time_us / 1000000 + 8 * 3600;
		int64_t		day = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);

		if (day > -1000000 && day < 1000000)
		{
			ctx.has_time = true;
			ctx.today = (int32_t) day;
		}
	}

	/* 2. lexicon hits */
	nraw = az_automaton_scan(lex, ctx.t, ctx.n, &raw);
	if (nraw < 0)
		goto done;
	ctx.hits = raw;
	ctx.nhits = resolve_overlaps(raw, (size_t) nraw, occ);

	/* 3. written product codes; longest wins against catalogue hits */
	{
		size_t		p = 0;

		/* the same walk counts CJK characters and English words for the
		 * language (codes and numbers are not words) */
		while (p < ctx.n)
		{
			unsigned char c = (unsigned char) ctx.t[p];
			size_t		e;

			if (c >= 0xE4 && c <= 0xE9)
			{
				n_cjk++;
				p += 3;
				continue;
			}
			if (!az_isalpha(c))
			{
				p += az_u8len(c);
				continue;
			}
			e = scan_code(ctx.t, ctx.n, p);
			if (e == p)
			{
				size_t		s0 = p;
				bool		lower = false,
							digit = false;

				while (p < ctx.n && az_isalnum((unsigned char) ctx.t[p]))
				{
					if (ctx.t[p] >= 'a' && ctx.t[p] <= 'z')
						lower = true;
					if (az_isdigit((unsigned char) ctx.t[p]))
						digit = true;
					p++;
				}
				if (p - s0 >= 2 && lower && !digit)
					n_words++;
				continue;
			}
			{
				size_t		j,
							lo;
				bool		covered = false;

				/* catalogue hits overlapping [p, e) */
				lo = az_hit_lower_bound(&ctx, (uint32_t) (p > 64 ? p - 64 : 0));
				for (j = lo; j < ctx.nhits && ctx.hits[j].s < e; j++)
				{
					az_hit	   *h = &ctx.hits[j];

					if (h->e <= p || !az_hit_feat(&ctx, h, AZK_PRODUCT))
						continue;
					if (h->s <= p && h->e >= e)
						covered = true;
				}
				if (!covered)
				{
					/* the code wins: drop the catalogue hits inside it */
					for (j = lo; j < ctx.nhits && ctx.hits[j].s < e; j++)
					{
						az_hit	   *h = &ctx.hits[j];

						if (h->s >= p && h->e <= e && az_hit_feat(&ctx, h, AZK_PRODUCT))
							h->e = h->s;	/* disabled below */
					}
					add_name(sc.prod, &sc.nprod, p, -1, (uint32_t) p, (uint32_t) e);
				}
				memset(ctx.mark + p, 1, e - p);
				p = e;
			}
		}
		/* remove disabled hits, mark catalogue product spans */
		{
			size_t		k = 0;

			for (i = 0; i < ctx.nhits; i++)
			{
				if (ctx.hits[i].e == ctx.hits[i].s)
					continue;
				if (az_hit_feat(&ctx, &ctx.hits[i], AZK_PRODUCT))
					memset(ctx.mark + ctx.hits[i].s, 1, ctx.hits[i].e - ctx.hits[i].s);
				ctx.hits[k++] = ctx.hits[i];
			}
			ctx.nhits = k;
		}
	}

	/* 4. numbers, dates, prices, quantities */
	az_scan_numbers(&ctx);
	az_find_dates(&ctx);
	az_find_money_qty(&ctx);

#ifdef AZ_DEBUG_VOTES
	for (i = 0; i < ctx.nhits; i++)
	{
		const az_pat *pp = &lex->pat[ctx.hits[i].pat];
		uint32_t	k;

		fprintf(stderr, "hit [%.*s]", (int) (ctx.hits[i].e - ctx.hits[i].s), ctx.t + ctx.hits[i].s);
		for (k = 0; k < pp->nfeat; k++)
			fprintf(stderr, " %d/%d/%d", lex->feat[pp->feat_off + k].kind,
					(int) lex->feat[pp->feat_off + k].arg, (int) lex->feat[pp->feat_off + k].w);
		fprintf(stderr, "\n");
	}
#endif
	/* our own records: call notes, hotline notes, visit reports */
	own_record = channel && (strcmp(channel, "mobile") == 0 || strcmp(channel, "phone") == 0 ||
							 strcmp(channel, "visit") == 0);
	/* 5. one walk over the hits */
	sc.closing_start = closing_block(&ctx, channel);
	find_quote(&ctx);
	score_hits(&ctx, &sc);
	sc.nanota = a_not_a_questions(&ctx);
	sc.nquestion += sc.nanota;
	quantity_verbs(&ctx, &sc);
	/* a call note or visit report that opens with 回访 ("回访佛山XX，…",
	 * "电话回访：…") records a post-sale follow-up; plans mentioned on
	 * the way (下月加到30吨, 下季度照旧) are what the follow-up found */
	/* ... also when a note names the visit after the customer ("到东莞捷晟
	 *做使用情况回访：…", "去宏达售后回访") */
	if (ctx.n > ctx.content_start &&
		find_lit(ctx.t, ctx.content_start,
				 ctx.content_start + (own_record ? 54 : 18) < ctx.n ?
				 ctx.content_start + (own_record ? 54 : 18) : ctx.n, "回访"))
	{
		sc.votes[AZI_AFTER_SALES] += 2.5;
		sc.followup = true;
	}
	/* a product asked about, or an amount named, leans to an inquiry */
	/* ... unless it is goods asked to be shipped ("今天下午能不能先送3吨
	 * PC/ABS过来", "那30吨什么时候能发") */
	if (sc.nprod > 0 && sc.nquestion > 0 && sc.votes[AZI_DELIVERY] < AZ_SHIP_ASKED)
		sc.votes[AZI_INQUIRY] += 1.5;
	/* a WeCom line that names a quantity of goods and asks nothing
	 * ("这批照旧发10吨", "月底前到就行 PCR-ABS 1000 8吨", "是要15吨 不是5吨")
	 * places or corrects an order; goods going back are after-sales */
	if (ctx.qty.found && channel && strcmp(channel, "wechat") == 0 &&
		ctx.n - ctx.content_start < AZ_CHAT_LINE && sc.nquestion == 0 && sc.npriceq == 0 &&
		sc.nreturn == 0 && sc.nhaggle == 0)
		sc.votes[AZI_ORDER] += AZ_QTY_ORDER;
	else if (ctx.qty.found && sc.votes[AZI_DELIVERY] < AZ_SHIP_ASKED)
		sc.votes[AZI_INQUIRY] += AZ_QTY_INQ;
	if (channel)
	{
		if (strcmp(channel, "form") == 0 || strcmp(channel, "webchat") == 0)
			sc.votes[AZI_INQUIRY] += 0.5;
		else if (strcmp(channel, "visit") == 0)
			sc.votes[AZI_COOPERATION] += 0.5;
	}

	out = v_object(R);
	if (!out)
		goto done;

	/* 6a. intent */
	{
		double		neg = sc.neg_mag - sc.neg_mood - 0.3 * (sc.pos_mag + sc.pos_topic);
		double		top = 0,
					second = 0;
		int			c;

		/* a delivery / after-sales / order / quality matter with clear
		 * dissatisfaction is a complaint */
		/* "这不是投诉" frames the defects as feedback; a settled case
		 * ("整改有效", "问题已解决") is a follow-up, not a new complaint */
		if (sc.ndisclaim > 0)
		{
			/* feedback framed as not a complaint is after-sales; with a
			 * processing question it is technical */
			double		moved = sc.votes[AZI_COMPLAINT] * 0.7;

			sc.votes[AZI_COMPLAINT] -= moved;
			sc.votes[sc.nquestion > 0 ? AZI_TECHNICAL : AZI_AFTER_SALES] += moved;
		}
		else if (sc.nresolved > 0)
			sc.votes[AZI_COMPLAINT] *= 0.5;
		/* "是材料问题还是设计问题?", "有没有遇到过类似情况?": a defect
		 * with a question about its cause, without anger or threats, is a
		 * technical question */
		if (sc.ncause > 0 && sc.nthreat == 0 && sc.ndisclaim == 0 &&
			sc.neg_mag - sc.fact_neg < 2.0)
		{
			double		moved = sc.votes[AZI_COMPLAINT] * 0.7;

			sc.votes[AZI_COMPLAINT] -= moved;
			sc.votes[AZI_TECHNICAL] += moved;
		}
		/* "干燥条件是多少？我们现在120度4小时，还是有气泡", "熔指多少，他们
		 * 在试模，薄壁件打不满": a defect met in the customer's own
		 * processing, with a question about a parameter, and no anger,
		 * repeated fault or threat, is a technical matter; a demand about
		 * the batch ("你们怎么处理?", "这个怎么解释?") stays a complaint */
		if (sc.ncause == 0 && sc.ntechq > 0 && sc.nthreat == 0 &&
			sc.ndisclaim == 0 && sc.nrepeat == 0 && sc.nreturn == 0 && sc.nsarcasm == 0 &&
			sc.neg_mag - sc.fact_neg < 2.0 && sc.neg_mood <= 0 &&
			sc.votes[AZI_COMPLAINT] > 0 && sc.votes[AZI_TECHNICAL] >= 0.5 * sc.votes[AZI_COMPLAINT])
		{
			double		moved = sc.votes[AZI_COMPLAINT] * 0.7;

			sc.votes[AZI_COMPLAINT] -= moved;
			sc.votes[AZI_TECHNICAL] += moved;
			sc.ncause++;		/* as a question about a cause: no anger added below */
		}
		if (sc.haggled || sc.ndisclaim > 0 || sc.nresolved > 0 ||
			(sc.napology > 0 && sc.nthreat == 0 && sc.votes[AZI_COMPLAINT] < 3.0) ||
			(sc.ncause > 0 && sc.nthreat == 0 && sc.neg_mag - sc.fact_neg < 2.0) ||
			(sc.nreturn > 0 && sc.nthreat == 0 && sc.neg_mag - sc.fact_neg < 2.0) ||
			(sc.ndun > 0 && sc.nthreat == 0 && sc.votes[AZI_PAYMENT] > sc.votes[AZI_COMPLAINT]))
			;					/* unhappy about a price: still haggling; a
								 * return or a replacement asked for without
								 * anger or threats: after-sales business */
		else if ((neg >= 2.0 && sc.votes[AZI_COMPLAINT] > 0) ||
			(neg >= 3.0 && (sc.votes[AZI_DELIVERY] > 0 || sc.votes[AZI_AFTER_SALES] > 0 ||
							sc.votes[AZI_ORDER] > 0 || sc.votes[AZI_TECHNICAL] > 0 ||
							sc.votes[AZI_PAYMENT] > 0)))
			sc.votes[AZI_COMPLAINT] += neg * 0.8;
		/* sarcastic praise of our delivery, logistics or service is a
		 * reproach: the topic it names is what the complaint is about */
		if (sc.nsarcasm > 0 && sc.nhaggle == 0 && sc.ndisclaim == 0 && sc.nresolved == 0)
			sc.votes[AZI_COMPLAINT] += AZ_SARCASM_COMPLAINT;
		/* a threat (法律程序, 不会再从你们这里订) on top of a grievance makes
		 * the matter a complaint, whatever it is about -- unless it is our
		 * own dunning letter */
		if (sc.nthreat > 0 && sc.ndun == 0 && !sc.haggled && sc.ndisclaim == 0 &&
			neg >= 2.0 && sc.votes[AZI_COMPLAINT] > 0)
			sc.votes[AZI_COMPLAINT] += AZ_THREAT_COMPLAINT;
		/* "这批料颜色比上次深一点 不过能用 跟你说一声", "试用下来整体还可
		 * 以…也能用": material in use reported as acceptable, asking
		 * nothing, is post-delivery feedback (a processing fix that worked,
		 * "按您建议…好了", stays technical); the
		 * properties it names (颜色, 流动性) are its subject, not a
		 * technical question */
		if (sc.naccept > 0 && sc.nquestion == 0 && sc.nreq == 0 &&
			sc.nthreat == 0 && sc.votes[AZI_TECHNICAL] > sc.votes[AZI_AFTER_SALES])
		{
			double		moved = sc.votes[AZI_TECHNICAL] * 0.6;

			sc.votes[AZI_TECHNICAL] -= moved;
			sc.votes[AZI_AFTER_SALES] += moved;
		}
		/* "合作伙伴大会…诚邀贵司参加", "新公司开业了…有机会合作", "祝贵司
		 * 生意兴隆, 明年合作更上一层楼": on an occasion (an event, an
		 * invitation, wishes) generic words of partnership address partners
		 * or close wishes; with nothing of substance (代理, 框架协议, 联合开
		 * 发, 长期供货) they propose no cooperation */
		if (sc.noccasion > 0 && sc.coop_gen > 0 && sc.coop_gen >= 0.7 * sc.votes[AZI_COOPERATION] &&
			sc.njoint == 0)
		{
			double		moved = sc.coop_gen * 0.7;

			sc.votes[AZI_COOPERATION] -= moved;
			sc.votes[AZI_OTHER] += moved;
		}
		/* "价格按老的走,下月要30吨", "同样价格 再加5吨": a price stated as a
		 * settled term with goods or an order is part of the order; the
		 * price words name a term, they do not ask */
		if (sc.nsettled > 0 && (ctx.qty.found || sc.votes[AZI_ORDER] > 0) &&
			sc.ncondorder == 0 && sc.votes[AZI_COMPLAINT] < 3.0)
		{
			double		moved = sc.votes[AZI_INQUIRY] * 0.7;

			sc.votes[AZI_INQUIRY] -= moved;
			sc.votes[AZI_ORDER] += moved + AZ_SETTLED_ORDER;
		}
		/* "PO…单价16500,数量24吨,12月5号前到厂", "这次20吨按15900,下周一送
		 * 到": goods, their price and the date they are wanted, with nothing
		 * asked, are the terms of an order; the delivery date is one of
		 * them, not a shipping matter of its own */
		if (ctx.qty.found && (ctx.price.found || sc.nsettled > 0) && sc.nquestion == 0 &&
			sc.nreturn == 0 && sc.ncondorder == 0 && sc.votes[AZI_DELIVERY] > sc.votes[AZI_ORDER] &&
			sc.votes[AZI_COMPLAINT] < sc.votes[AZI_DELIVERY])
		{
			double		moved = sc.votes[AZI_DELIVERY] * 0.6;

			sc.votes[AZI_DELIVERY] -= moved;
			sc.votes[AZI_ORDER] += moved;
		}
		/* "原订8月交货的5吨改为10月", "PO-0618交期从6月20日改到7月5日":
		 * moving the date of an order changes the order; delivery words
		 * only name what is moved */
		/* "那20吨推到月底再发": a named quantity moved is an order too */
		if (sc.nresched > 0 && (sc.votes[AZI_ORDER] > 0 || ctx.qty.found) &&
			sc.votes[AZI_DELIVERY] > sc.votes[AZI_ORDER])
		{
			double		moved = sc.votes[AZI_DELIVERY] * 0.6;

			sc.votes[AZI_DELIVERY] -= moved;
			sc.votes[AZI_ORDER] += moved;
		}
		/* "多送的10包麻烦安排车拉回去", "换的料什么时候到", "补发的那两包到了
		 * 没": goods going back, or coming as a replacement, move by truck
		 * like any goods; the shipping words say how the return or the
		 * replacement is done, not that it is a delivery matter of its own
		 * (a document sent again, "补发一份COA", names no goods).
		 * Without anger, threats or repeated faults it stays after-sales */
		if (sc.nreturn > 0 && ctx.qty.found && sc.nthreat == 0 && sc.nrepeat == 0 && sc.nsarcasm == 0 &&
			sc.votes[AZI_AFTER_SALES] > 0 && sc.votes[AZI_DELIVERY] >= sc.votes[AZI_AFTER_SALES] &&
			sc.neg_mag - sc.fact_neg < 2.0)
		{
			double		moved = sc.votes[AZI_DELIVERY] * 0.6;

			sc.votes[AZI_DELIVERY] -= moved;
			sc.votes[AZI_AFTER_SALES] += moved;
		}
		/* "联合开发低气味PP，我们出配方", "OEM代工 我们有配方": developing
		 * or processing together is a partnership; the recipes, schemes
		 * and specs it names are its subject, not a technical question */
		if (sc.njoint > 0 && sc.nthreat == 0)
		{
			double		moved = sc.votes[AZI_TECHNICAL] * 0.6;

			sc.votes[AZI_TECHNICAL] -= moved;
			sc.votes[AZI_COOPERATION] += moved;
		}
		/* "各位客户：我司新推出…欢迎索取样品", "各位供应商：我司SRM系统周六
		 * 停机，期间无法确认订单", "Dear partners, our office will be
		 * closed": a notice sent to everyone names business words for all
		 * its readers; with no goods, no price, no dunning and no question
		 * it asks nothing of this reader.  A notice that asks everyone
		 * for something ("请各位确认本月需求量") keeps enough of its topic */
		/* a writer that introduces itself first is mostly a stranger (a
		 * seller, a courier, a job seeker) or a new contact */
		if (sc.selfintro)
			sc.votes[AZI_OTHER] += AZ_SELFINTRO_OTHER;
		if (sc.broadcast && !ctx.qty.found && !ctx.price.found && sc.ndun == 0 &&
			sc.nthreat == 0 && sc.nquestion == 0)
		{
			for (c = 0; c < AZI_N; c++)
				if (c != AZI_OTHER)
					sc.votes[c] *= 0.4;
			sc.votes[AZI_OTHER] += AZ_BROADCAST_OTHER;
		}
		cat = AZI_OTHER;
		for (c = 0; c < AZI_N; c++)
		{
			if (sc.votes[c] > top)
			{
				second = top;
				top = sc.votes[c];
				cat = c;
			}
			else if (sc.votes[c] > second)
				second = sc.votes[c];
		}
#ifdef AZ_DEBUG_VOTES
		fprintf(stderr, "votes:");
		for (c = 0; c < AZI_N; c++)
			fprintf(stderr, " %s=%.2f", intent_names[c], sc.votes[c]);
		fprintf(stderr, " techq=%d mood=%.2f", sc.ntechq, sc.neg_mood);
		fprintf(stderr, " neg=%.2f pos=%.2f sent=%.2f fact=%.2f thr=%d req=%d q=%d\n",
				sc.neg_mag, sc.pos_mag, sc.sent_total, sc.fact_neg, sc.nthreat, sc.nreq, sc.nquestion);
#endif
		if (top < 1.2 && cat != AZI_OTHER)
			cat = AZI_OTHER;
		/* no topic, but clearly unhappy ("你们最近的料真的不行"): a
		 * complaint rather than small talk */
		if (cat == AZI_OTHER && sc.votes[AZI_OTHER] < 1.2 && neg >= AZ_NEG_COMPLAINT &&
			sc.ndisclaim == 0 && sc.nresolved == 0)
		{
			cat = AZI_COMPLAINT;
			top = neg;
		}
		if (cat == AZI_OTHER && top <= 0)
			confidence = 0.5;
		else
		{
			double		margin = top > 0 ? (top - second) / top : 0;
			double		strength = top / 6.0 > 1 ? 1 : top / 6.0;

			confidence = 0.5 + 0.48 * (0.6 * margin + 0.4 * strength);
			if (cat == AZI_OTHER && sc.votes[AZI_OTHER] < top)
				confidence = 0.45;
		}
		confidence -= 0.05 * (sc.hedges > 3 ? 3 : sc.hedges);
		if (confidence < 0.3)
			confidence = 0.3;
		if (confidence > 0.98)
			confidence = 0.98;
		/* the learned model (analyzer_model.c) weighs in */
		{
			double		ms[AZI_N];
			bool		known;

			final_cat = az_model_intent(lex, ctx.t, ctx.n, channel, sc.votes, cat,
										&confidence, ms, &known);
			if (tr)
			{
				memcpy(tr->votes, sc.votes, sizeof(tr->votes));
				tr->rule_cat = cat;
				memcpy(tr->model, ms, sizeof(tr->model));
				tr->model_known = known;
				tr->final_cat = final_cat;
				if (tr->text_cap > 0)
				{
					tr->text_len = ctx.n < tr->text_cap - 1 ? ctx.n : tr->text_cap - 1;
					memcpy(tr->text, ctx.t, tr->text_len);
					tr->text[tr->text_len] = '\0';
				}
			}
		}
	}

	/* 6b. sentiment */
	{
		double		raw_s = sc.sent_total;
		bool		apology = sc.napology > 0 && cat != AZI_COMPLAINT && sc.ndun == 0 &&
			sc.nthreat == 0;

		/* outside a complaint or a collection matter, defect and problem
		 * words mostly describe facts (a return, a processing question, a
		 * resolved case), not the customer's mood: damp them.  Urgency
		 * does not change that when the customer asks ("我们断料了 今天能
		 * 发吗", "停线等待 请今天联系我"): a stressed but polite request;
		 * an urgent after-sales matter (a defect to inspect at once) is
		 * left as it is */
		/* a fault repeated ("发票金额有误，已经是第二次了", "3rd time the
		 * truck came without the COA") is a grievance, however polite */
		if (cat != AZI_COMPLAINT && (cat != AZI_PAYMENT || sc.ndun == 0) && sc.nthreat == 0 &&
			(sc.nrepeat == 0 || sc.fact_neg <= 0 || sc.ndisclaim > 0) &&
			(sc.urg_w[AZU_HIGH] <= 0 ||
			 ((sc.nreq > 0 || sc.nquestion > 0) && cat != AZI_AFTER_SALES)) && !sc.haggled)
			raw_s += sc.ndisclaim > 0 || sc.nresolved > 0 ? 0.7 * sc.neg_mag :
				sc.nreq > 0 ? AZ_POLITE_DAMP * sc.mild_neg :
				AZ_FACT_DAMP * sc.fact_neg;
		/* the writer apologises for its own news ("不好意思，订单先暂停，项目
		 *推迟了", "delayed by 3 days. Sorry for the inconvenience"): bad
		 * news told politely, not a grievance -- unless it is a complaint,
		 * a threat or our dunning */
		if (apology && raw_s < 0)
			raw_s *= AZ_APOLOGY_DAMP;
		score = 0.5 + 0.5 * tanh(raw_s / 3.5);
		/* thanks with nothing asked ("样品收到了,谢谢!") is a positive
		 * note; thanks closing a request stays neutral */
		if (raw_s >= 1.0 + (apology ? 1.0 : 0) ||
			(raw_s >= AZ_THANKS_POS && sc.nreq == 0 && sc.nquestion == 0 && !apology &&
			 cat != AZI_ORDER && cat != AZI_INQUIRY))
			overall = "positive";
		else if (raw_s <= -1.2)
			overall = "negative";
		else
			overall = "neutral";
		/* receipts and checks in a billing matter ("发票收到了 谢谢 这周付",
		 * "对账单核过了 没问题", "双方确认无误") are routine courtesy, not a
		 * glad mood; only what goes beyond the passed check ("合作愉快")
		 * counts */
		if (cat == AZI_PAYMENT && raw_s - 2.0 * sc.ncheckok < 1.2 &&
			strcmp(overall, "positive") == 0)
			overall = "neutral";
		/* thanks closing a request or a question ("请查收并回复确认。非常
		 * 感谢!", "Could you send the MSDS? Thanks a lot!") is courtesy:
		 * positive only when something besides the thanks is glad */
		if ((sc.nreq > 0 || sc.nquestion > 0) && raw_s - sc.thanks_pos < 0.8 &&
			strcmp(overall, "positive") == 0)
			overall = "neutral";
		/* a complaint is dissatisfaction by definition: thanks and
		 * emojis in it are politeness or sarcasm ("辛苦了，又延期了哈 👍") */
		/* ... unless nothing in it is a feeling: only defect or problem
		 * words, no anger, no threat, no fault repeated, no sarcasm, and
		 * the writer asks, disclaims, reports it settled or apologises
		 * ("浇口有轻微流痕, 是模温还是注射速度的问题?", "发票抬头写错了 是
		 * 我们这边给的信息有误"): then the mood is what the words weigh,
		 * and a matter-of-fact report reads neutral */
		if (cat == AZI_COMPLAINT &&
			!(sc.neg_mag - sc.fact_neg < AZ_CALM_FEELING && sc.nthreat == 0 && sc.nrepeat == 0 &&
			  sc.nsarcasm == 0 &&
			  (sc.nquestion > 0 || sc.ncause > 0 || sc.ndisclaim > 0 || sc.nresolved > 0 ||
			   sc.napology > 0)))
		{
			overall = "negative";
			if (score > 0.4)
				score = 0.4;
		}
		score = round2(score);
		/* the urgency of business won is that of the order it brings */
		glad_plans = strcmp(overall, "positive") == 0 &&
			(sc.nwon == 0 || raw_s - 1.2 * sc.nwon >= 1.0);
	}

	/* 6c. urgency */
	{
		int			date_level = -1;
		int			date_idx = -1;
		bool		minutes = itemised_minutes(&ctx, channel);
		bool		near_date = false;	/* any date in the next two weeks */
		bool		far_deadline = false;	/* a dated deadline weeks away */
		bool		answered = false;	/* the note's question answered on the call */

		for (i = 0; i < ctx.ndates; i++)
		{
			const az_date *d = &ctx.dates[i];
			int			lvl = -1;
			int			rel;

			if (!d->rel_known || d->rel < 0 || date_is_past_context(&ctx, d))
				continue;
			if (d->s >= ctx.quote_start && !ctx.quote_fwd)
				continue;	/* a date of a quoted message */
			if (d->rel <= 16)
				near_date = true;
			if (!date_is_deadline(&ctx, d))
				continue;
			/* <= 3 days high, within about two weeks medium, beyond about
			 * three weeks low; a month or a quarter is never "high" */
			rel = d->rel;
			if (d->gran <= 1)
				lvl = rel <= 3 ? AZU_HIGH : rel <= 16 ? AZU_MEDIUM : AZU_LOW;
			else
				lvl = rel <= 16 ? AZU_MEDIUM : AZU_LOW;
			/* a bare "下周"/"next week" starts in a few days but runs a
			 * week: not a deadline within three days */
			if (lvl == AZU_HIGH && d->gran == 1 &&
				(az_at(ctx.t, ctx.n, d->s, "下") || az_at(ctx.t, ctx.n, d->s, "next")))
				lvl = AZU_MEDIUM;
			/* "请在30天内完成整改并回复": the request is tied to a date
			 * weeks away (a request elsewhere still needs a reply now) */
			if (d->gran <= 1 && rel >= 25)
			{
				size_t		ss,
							se;
				int			r;
				bool		elsewhere = false;

				az_clause_bounds(&ctx, d->s, &ss, &se);
				for (r = 0; r < sc.nreq; r++)
					if (sc.req_pos[r] <= ss || sc.req_pos[r] > se)
						elsewhere = true;
				if (!elsewhere)
					far_deadline = true;
			}
			if (lvl > date_level)
			{
				date_level = lvl;
				date_idx = (int) i;
			}
		}
		/* "客户问…,已告知…": a call note whose question was answered on the
		 * call, with nothing asked or dated after the answer */
		if (sc.nanswered > 0 && sc.last_ans_e >= sc.last_q_e)
		{
			int			r;

			answered = true;
			for (r = 0; r < sc.nreq; r++)
				if (sc.req_pos[r] > sc.last_ans_e)
					answered = false;
			for (i = 0; i < ctx.ndates; i++)
				if (ctx.dates[i].s >= sc.last_ans_e &&
					!(ctx.dates[i].rel_known && ctx.dates[i].rel > 16))
					answered = false;	/* a date told weeks away is information */
			/* "已告知明天回复": an action of ours still pending */
			{
				static const char *const pend[] = {"明天", "后天", "下周", "稍后", "晚点", "回头",
				"回复", "回电", "再", "会"};
				size_t		pi;

				for (pi = 0; pi < sizeof(pend) / sizeof(pend[0]); pi++)
					if (span_has(&ctx, sc.last_ans_e, ctx.n, pend[pi]))
						answered = false;
			}
		}
		if (sc.urg_w[AZU_LOW] > 0 && sc.urg_w[AZU_HIGH] <= sc.urg_w[AZU_LOW])
			urg_level = AZU_LOW;
		else if (sc.urg_w[AZU_HIGH] > 0)
			urg_level = AZU_HIGH;
		else if (cat == AZI_COMPLAINT && sc.nthreat > 0)
			urg_level = AZU_HIGH;	/* a serious complaint: claim, threat, rejection */
		else if (date_level == AZU_HIGH)
			urg_level = AZU_HIGH;
		else if (sc.urg_w[AZU_MEDIUM] > 0 || date_level == AZU_MEDIUM)
			urg_level = AZU_MEDIUM;
		else if (cat == AZI_COMPLAINT)
			urg_level = AZU_MEDIUM;
		else if (cat == AZI_OTHER)
			urg_level = AZU_LOW;	/* small talk, job seekers, sellers, notices:
									 * a question there asks nothing of the
									 * business (a near date or an urgent word
									 * was counted above) */
		else if (date_level == AZU_LOW && far_deadline)
			urg_level = AZU_LOW;	/* the only deadline is weeks away */
		else if (minutes && !near_date)
			urg_level = AZU_LOW;	/* itemised minutes: arrangements on record;
									 * anything due within two weeks, ours
									 * included ("我方于本周五前回签"), is pending */
		else if (sc.nresolved > 0 && sc.nreq == 0 && sc.nanota == 0 &&
				 sc.last_res_s >= sc.last_q_e && cat != AZI_COMPLAINT)
			urg_level = AZU_LOW;	/* "已回复 客户表示满意 无其他问题": the question
									 * reported was answered */
		else if (answered && cat != AZI_COMPLAINT)
			urg_level = AZU_LOW;	/* "问是否招聘,已告知人事电话": answered */
		else if (sc.nreq > 0 || sc.nquestion > 0)
			urg_level = AZU_MEDIUM;	/* a request that needs a reply or an action */
		else if (sc.nhorizon > 0 && !sc.ordered)
			urg_level = AZU_LOW;	/* "next year", "到时候再说", "有结果告诉你":
									 * nothing asked now */
		else if (sc.nsentdoc > 0 && cat != AZI_COMPLAINT)
			urg_level = AZU_LOW;	/* "合同签好了,扫描件发你了": a document sent
									 * back, nothing asked */
		else if (sc.ndisclaim > 0 && sc.nreturn == 0 && cat != AZI_COMPLAINT)
			urg_level = AZU_LOW;	/* "不是投诉,就反馈一下,下批注意": feedback
									 * on record, nothing asked */
		else if (sc.followup && cat == AZI_AFTER_SALES)
			urg_level = AZU_LOW;	/* "回访…用着稳定,下月加到30吨": what a
									 * follow-up found, nothing asked */
		else if (sc.nresolved == 0 && cat == AZI_PAYMENT && sc.ndun_live > 0)
			urg_level = sc.nthreat > 0 ? AZU_HIGH : AZU_MEDIUM;	/* money overdue:
									 * collection to follow up; a legal step
									 * threatened makes it pressing */
		else if (sc.nresolved == 0 && (sc.ordered ||
				 (!glad_plans &&
				  (cat == AZI_INQUIRY || cat == AZI_ORDER || cat == AZI_AFTER_SALES))))
			urg_level = AZU_MEDIUM;	/* an order or an inquiry needs handling;
									 * glad news of plans does not, an order
									 * placed gladly ("先来10吨") does */
		else
			urg_level = AZU_LOW;	/* information, thanks, greetings, notices */

		urg = v_object(R);
		v_set(urg, "level", v_static(R, urg_level == AZU_HIGH ? "high" :
													   urg_level == AZU_MEDIUM ? "medium" : "low"));
		sb_clear(&line);
		if (urg_level == AZU_LOW && sc.urg_w[AZU_LOW] > 0)
		{
			span_orig(&ctx, sc.urg_s[AZU_LOW], sc.urg_e[AZU_LOW], &tmp);
			sb_puts(&line, "客户表示“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, "”,时间不紧迫");
		}
		else if (urg_level != AZU_LOW && sc.urg_w[urg_level] > 0)
		{
			span_orig(&ctx, sc.urg_s[urg_level], sc.urg_e[urg_level], &tmp);
			sb_puts(&line, "客户提到“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, urg_level == AZU_HIGH ? "”,需要立即响应" : "”,需尽快跟进");
		}
		else if (date_idx >= 0 && date_level == urg_level)
		{
			const az_date *d = &ctx.dates[date_idx];
			char		nb[48];

			span_orig(&ctx, d->s, d->e, &tmp);
			sb_puts(&line, "客户提到“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, "”");
			if (d->resolved)
			{
				int			y,
							m,
							dd;

				az_civil_from_days(d->day, &y, &m, &dd);
				nb[0] = '(';
				fmt_ymd(nb + 1, sizeof(nb) - 2, y, m, dd);
				strcat(nb, ")");
				sb_puts(&line, nb);
			}
			strcpy(nb, ",距今");
			fmt_int(nb + strlen(nb), sizeof(nb) - strlen(nb) - 3, (int) d->rel);
			strcat(nb, "天");
			sb_puts(&line, nb);
			sb_puts(&line, urg_level == AZU_HIGH ? ",时间紧迫" :
					urg_level == AZU_MEDIUM ? ",需按期跟进" : ",时间较充裕");
		}
		else if (cat == AZI_COMPLAINT && urg_level == AZU_HIGH && sc.nthreat > 0)
		{
			span_orig(&ctx, sc.threat_s, sc.threat_e, &tmp);
			sb_puts(&line, "严重投诉:客户提到“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, "”,需立即处理");
		}
		else if (cat == AZI_COMPLAINT)
			sb_puts(&line, "客户投诉,需尽快给出处理方案");
		else if (urg_level == AZU_MEDIUM)
			sb_puts(&line, "客户有明确诉求,需要回复或安排跟进");
		else if (date_idx >= 0)
			sb_puts(&line, "提到的时间节点较远,按计划跟进");
		else
			sb_puts(&line, "未发现明确的时间要求");
		sb_limit(&line, 128);
		v_set(urg, "reason", jstr_sb(R, &line));
	}

	/* products and competitors in order of first mention */
	qsort(sc.prod, (size_t) sc.nprod, sizeof(name_ref), cmp_name_pos);
	qsort(sc.comp, (size_t) sc.ncomp, sizeof(name_ref), cmp_name_pos);
	prods = v_array(R);
	for (i = 0; i < (size_t) sc.nprod; i++)
	{
		az_val	   *js = name_json(R, &ctx, &sc.prod[i], true, &tmp);
		const az_val *e;
		bool		dup = false;

		/* json_equal(): the same string (no value equals nothing) */
		for (e = prods ? prods->u.c.first : NULL; e && js; e = e->next)
			if (e->len == js->len && memcmp(e->u.s, js->u.s, js->len) == 0)
				dup = true;
		if (!dup)
			v_append(prods, js);
	}
	comps = v_array(R);
	for (i = 0; i < (size_t) sc.ncomp; i++)
		v_append(comps, name_json(R, &ctx, &sc.comp[i], false, &tmp));
	sb_clear(&prodname);
	if (sc.nprod > 0)
		name_text(&ctx, &sc.prod[0], &prodname);

	/* timeline: first date not in the past */
	for (i = 0; i < ctx.ndates; i++)
		if (!ctx.dates[i].rel_known || ctx.dates[i].rel >= 0)
		{
			tl_idx = (int) i;
			break;
		}
	if (tl_idx < 0 && ctx.ndates > 0)
		tl_idx = 0;

	/* intent: sentiment and urgency above read the rule engine's decision;
	 * what is reported (and the detail, follow-ups, tags) is the combined one;
	 * the mood line describes the sentiment, so it keeps the rules' reading */
	rule_cat = cat;
	cat = final_cat;
	intent = v_object(R);
	v_set(intent, "category", v_static(R, intent_names[cat]));
	sb_clear(&line);
	sb_puts(&line, intent_labels[cat]);
	if (prodname.len)
		sb_cat(&line, &prodname, prodname.len);
	else if (cat != AZI_OTHER && sc.top_cue_w[cat] > 0)
	{
		/* no product: name the strongest cue, "投诉:色差" */
		span_orig(&ctx, sc.top_cue_s[cat], sc.top_cue_e[cat], &tmp);
		if (!(tmp.len == strlen(intent_labels[cat]) &&
			  memcmp(tmp.b, intent_labels[cat], tmp.len) == 0))
		{
			sb_puts(&line, ":");
			sb_cat(&line, &tmp, tmp.len);
		}
	}
	sb_limit(&line, 128);
	v_set(intent, "detail", jstr_sb(R, &line));
	v_set(intent, "confidence", v_real(R, round2(confidence)));
	v_set(out, "intent", intent);

	/* key_info */
	key = v_object(R);
	v_set(key, "products", prods);
	if (ctx.price.found)
	{
		span_orig(&ctx, ctx.price.s, ctx.price.e, &tmp);
		v_set(key, "price", jstr_sb(R, &tmp));
		v_set(key, "price_value", v_real(R, ctx.price.v));
		v_set(key, "price_unit", v_string(R, ctx.price.unit));
	}
	else
	{
		v_set(key, "price", v_null(R));
		v_set(key, "price_value", v_null(R));
		v_set(key, "price_unit", v_null(R));
	}
	if (ctx.qty.found)
	{
		span_orig(&ctx, ctx.qty.s, ctx.qty.e, &tmp);
		if (ctx.qty.period[0] && !ctx.qty.period_in_span)
		{
			sb_puts(&tmp, "/");
			sb_puts_any(&tmp, ctx.qty.period);
		}
		v_set(key, "quantity", jstr_sb(R, &tmp));
		if (fabs(ctx.qty.v - floor(ctx.qty.v)) < 1e-9 && fabs(ctx.qty.v) < 9e15)
			v_set(key, "quantity_value", v_integer(R, (json_int_t) ctx.qty.v));
		else
			v_set(key, "quantity_value", v_real(R, ctx.qty.v));
		v_set(key, "quantity_unit", v_string(R, ctx.qty.unit));
	}
	else
	{
		v_set(key, "quantity", v_null(R));
		v_set(key, "quantity_value", v_null(R));
		v_set(key, "quantity_unit", v_null(R));
	}
	tdates = v_array(R);
	if (tl_idx >= 0)
	{
		const az_date *d = &ctx.dates[tl_idx];
		size_t		cs,
					ce;

		az_clause_bounds(&ctx, d->s, &cs, &ce);
		if (cp_count(ctx.t, cs, ce, 31) > 30)
		{
			size_t		a = d->s,
						b = d->e,
						k;

			for (k = 0; k < 10 && a > cs; k++)
			{
				a--;
				while (a > cs && ((unsigned char) ctx.t[a] & 0xC0) == 0x80)
					a--;
			}
			for (k = 0; k < 12 && b < ce; k++)
				b += az_u8len((unsigned char) ctx.t[b]);
			if (b > ce)
				b = ce;
			/* English: whole words ("to last week's order", not
			 * "T-GF15 to last week's order"); a cut word is left out */
			if (a > cs && word_byte(ctx.t[a - 1]) && word_byte(ctx.t[a]))
			{
				while (a < d->s && word_byte(ctx.t[a]))
					a++;
			}
			if (b < ce && word_byte(ctx.t[b - 1]) && word_byte(ctx.t[b]))
			{
				while (b > d->e && word_byte(ctx.t[b - 1]))
					b--;
				while (b > d->e && (ctx.t[b - 1] == '(' || ctx.t[b - 1] == '[' || ctx.t[b - 1] == ' '))
					b--;
			}
			cs = a;
			ce = b;
		}
		trim_span(ctx.t, ctx.n, &cs, &ce);
		span_orig(&ctx, cs, ce, &tmp);
		sb_limit_words(&tmp, 60);
		v_set(key, "timeline", jstr_sb(R, &tmp));
	}
	else
		v_set(key, "timeline", v_null(R));
	for (i = 0; i < ctx.ndates && v_size(tdates) < 8; i++)
		if (ctx.dates[i].resolved)
		{
			char		iso[16];
			int			y,
						m,
						dd;
			const az_val *e;
			bool		dup = false;

			az_civil_from_days(ctx.dates[i].day, &y, &m, &dd);
			fmt_ymd(iso, sizeof(iso), y, m, dd);
			for (e = tdates ? tdates->u.c.first : NULL; e; e = e->next)
				if (strcmp(e->u.s, iso) == 0)
					dup = true;
			if (!dup)
				v_append(tdates, v_string(R, iso));
		}
	v_set(key, "timeline_dates", tdates);
	v_set(key, "competitors", comps);
	v_set(out, "key_info", key);

	/* sentiment */
	sent = v_object(R);
	v_set(sent, "overall", v_static(R, overall));
	v_set(sent, "score", v_real(R, score));
	sb_clear(&line);
	if (strcmp(overall, "positive") == 0)
	{
		sb_puts(&line, score >= 0.8 ? "客户态度非常积极" : "客户态度积极");
		if (rule_cat == AZI_INQUIRY || rule_cat == AZI_ORDER || rule_cat == AZI_COOPERATION)
			sb_puts(&line, ctx.qty.found || sc.nprod > 0 ? ",有明确采购意向" : ",合作意愿较强");
		else if (sc.top_pos_w > 0)
		{
			span_orig(&ctx, sc.top_pos_s, sc.top_pos_e, &tmp);
			sb_puts(&line, ",表达了“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, "”");
		}
	}
	else if (strcmp(overall, "negative") == 0)
	{
		sb_puts(&line, score <= 0.2 ? "客户情绪激动,强烈不满" : "客户有不满情绪");
		if (sc.top_neg_w > 0)
		{
			span_orig(&ctx, sc.top_neg_s, sc.top_neg_e, &tmp);
			sb_puts(&line, ",提到“");
			sb_cat(&line, &tmp, tmp.len);
			sb_puts(&line, "”");
		}
	}
	else
		sb_puts(&line, sc.hedges > 0 ? "客户态度平和,仍在观望考虑" : "客户态度平和,以信息沟通为主");
	v_set(sent, "mood", jstr_sb(R, &line));
	v_set(out, "sentiment", sent);
	v_set(out, "urgency", urg);

	/* follow_up */
	follow = v_array(R);
	if (cat == AZI_COMPLAINT || sc.follow[AZF_COMPLAINT])
		push_unique(R, follow, "24小时内回复投诉处理方案", 8);
	if (sc.follow[AZF_SAMPLE])
	{
		sb_clear(&line);
		sb_puts(&line, "准备");
		sb_cat(&line, &prodname, prodname.len);
		sb_puts(&line, "样品");
		push_unique_sb(R, follow, &line, 8);
	}
	if (sc.follow[AZF_QUOTE] || (cat == AZI_INQUIRY && !sc.follow[AZF_SAMPLE] &&
								 !sc.follow[AZF_TECH]))
	{
		sb_clear(&line);
		sb_puts(&line, "提供");
		sb_cat(&line, &prodname, prodname.len);
		sb_puts(&line, "报价单");
		push_unique_sb(R, follow, &line, 8);
	}
	if (sc.follow[AZF_TECH])
		push_unique(R, follow, "提供技术参数表", 8);
	else if (cat == AZI_TECHNICAL)
		push_unique(R, follow, "安排技术工程师解答技术问题", 8);
	if (sc.follow[AZF_VISIT])
		push_unique(R, follow, "确认参观/拜访行程安排", 8);
	if (sc.follow[AZF_CONTRACT])
		push_unique(R, follow, "准备合同文本并确认条款", 8);
	if (sc.follow[AZF_INVOICE])
		push_unique(R, follow, "核对并开具发票", 8);
	if (sc.follow[AZF_MEETING])
		push_unique(R, follow, "确认会议时间并准备议程", 8);
	/* The customer's requests, each the rest of its clause after the cue. */
	{
		size_t		req_a[MAX_REQ],
					req_e[MAX_REQ];
		int			nkept = 0;
		bool		tl_asked = false;

		for (i = 0; i < (size_t) sc.nreq; i++)
		{
			size_t		a = sc.req_pos[i],
						cs,
						ce;

			az_clause_bounds(&ctx, a, &cs, &ce);
			if (a >= ce)
				continue;
			/* strip 您/你/贵司/帮忙/一下 openers */
			for (;;)
			{
				if (az_at(ctx.t, ce, a, "您"))
					a += 3;
				else if (az_at(ctx.t, ce, a, "你们"))
					a += 6;
				else if (az_at(ctx.t, ce, a, "你"))
					a += 3;
				else if (az_at(ctx.t, ce, a, "贵司"))
					a += 6;
				else if (az_at(ctx.t, ce, a, "帮忙"))
					a += 6;
				else if (az_at(ctx.t, ce, a, " "))
					a += 1;
				else
					break;
			}
			trim_span(ctx.t, ctx.n, &a, &ce);
			if (cp_count(ctx.t, a, ce, 4) < 4)
				continue;
			if ((sc.follow[AZF_SAMPLE] && span_has(&ctx, a, ce, "样")) ||
				(sc.follow[AZF_QUOTE] && span_has(&ctx, a, ce, "报价")) ||
				(sc.follow[AZF_TECH] && span_has(&ctx, a, ce, "参数")))
				continue;
			req_a[nkept] = a;
			req_e[nkept++] = ce;
			/* "请安排21号发货": the request names the date; a second item
			 * "跟进请安排21号发货" would say the same */
			if (tl_idx >= 0 && ctx.dates[tl_idx].s >= cs && ctx.dates[tl_idx].s < ce)
				tl_asked = true;
		}
		if (tl_idx >= 0 && !tl_asked)
		{
			const char *tl = v_str(v_get(key, "timeline"));

			sb_clear(&line);
			sb_puts(&line, "跟进");
			if (tl)
				sb_puts(&line, tl);
			sb_limit_words(&line, 40);
			push_unique_sb(R, follow, &line, 8);
		}
		for (int k = 0; k < nkept; k++)
		{
			span_orig(&ctx, req_a[k], req_e[k], &tmp);
			sb_limit_words(&tmp, 40);
			push_unique_sb(R, follow, &tmp, 8);
		}
	}
	if (v_size(follow) == 0)
	{
		static const char *const by_intent[AZI_N] = {
			"回复客户询价", "24小时内回复投诉处理方案", "安排技术工程师解答技术问题",
			"准备合作方案并安排洽谈", "确认订单细节并安排生产排期", "核对账期与回款信息",
			"跟进物流并告知客户预计到货时间", "安排售后人员跟进处理", "保持联系,定期回访"
		};

		/* "换货的料收到了,这次没问题了,辛苦!", "改了浇口 好了 谢谢": a
		 * technical or after-sales matter the customer reports settled,
		 * pleased and asking nothing, needs keeping in touch, not an
		 * engineer or an after-sales visit */
		bool		settled = (cat == AZI_TECHNICAL || cat == AZI_AFTER_SALES) &&
			strcmp(overall, "positive") == 0 && sc.nreq == 0 &&
			memchr(ctx.t + ctx.content_start, '?', ctx.n - ctx.content_start) == NULL &&
			!find_lit(ctx.t, ctx.content_start, ctx.n, "申请");

		push_unique(R, follow, settled ? by_intent[AZI_OTHER] : by_intent[cat], 8);
	}
	for (i = 0; i < (size_t) sc.ncomp && i < 2; i++)
	{
		sb_clear(&line);
		sb_puts(&line, "分析竞品");
		sb_puts_any(&line, lex->comp[sc.comp[i].idx]);
		sb_puts(&line, "的价格与方案");
		push_unique_sb(R, follow, &line, 8);
	}
	v_set(out, "follow_up", follow);

	/* quality score: how much usable information the record carries */
	{
		int			q = 2;
		size_t		ncp = cp_count(ctx.t, ctx.content_start, ctx.n, 40);

		if (cat != AZI_OTHER)
			q += 2;
		if (sc.nprod > 0)
			q++;
		if (ctx.price.found)
			q++;
		if (ctx.qty.found)
			q++;
		if (tl_idx >= 0)
			q++;
		if (sc.ncomp > 0)
			q++;
		if (ncp >= 40)
			q++;
		if (sc.nreq > 0 || sc.follow[AZF_SAMPLE] || sc.follow[AZF_QUOTE] || sc.follow[AZF_TECH])
			q++;
		if (ncp < 8)
			q -= 2;
		if (q < 1)
			q = 1;
		if (q > 10)
			q = 10;
		v_set(out, "quality_score", v_integer(R, q));
	}

	/* suggestions */
	sugg = v_array(R);
	if (urg_level == AZU_HIGH)
		push_unique(R, sugg, sc.follow[AZF_SAMPLE] ? "建议24小时内回复样品安排" :
					cat == AZI_COMPLAINT ? "建议24小时内给出投诉处理方案并电话安抚客户" :
					"建议24小时内回复客户需求", 4);
	switch (cat)
	{
		case AZI_INQUIRY:
			push_unique(R, sugg, ctx.qty.found ? "建议尽快发送正式报价,可按需求量提供阶梯价格" :
						"建议尽快发送正式报价并附技术资料", 4);
			if (strcmp(overall, "positive") == 0)
				push_unique(R, sugg, "客户意向明确,建议推进样品测试与商务洽谈", 4);
			break;
		case AZI_COMPLAINT:
			push_unique(R, sugg, "建议质量部门介入调查原因并出具8D报告", 4);
			push_unique(R, sugg, "由客户经理当日电话回访,安抚客户情绪", 4);
			break;
		case AZI_TECHNICAL:
			push_unique(R, sugg, "安排技术工程师对接,提供应用案例与测试数据", 4);
			break;
		case AZI_COOPERATION:
			push_unique(R, sugg, "邀请客户参观工厂增强信任", 4);
			push_unique(R, sugg, "准备合作方案,明确供货与服务承诺", 4);
			break;
		case AZI_ORDER:
			push_unique(R, sugg, "确认交期与产能,及时同步生产进度", 4);
			break;
		case AZI_PAYMENT:
			push_unique(R, sugg, "财务与销售协同跟进账期与回款", 4);
			break;
		case AZI_DELIVERY:
			push_unique(R, sugg, "主动同步物流进度,避免交付延误", 4);
			break;
		case AZI_AFTER_SALES:
			push_unique(R, sugg, "建立售后跟踪记录,确认问题闭环", 4);
			break;
		default:
			push_unique(R, sugg, "保持定期联系,维护客户关系", 4);
			break;
	}
	if (sc.ncomp > 0)
	{
		sb_clear(&line);
		sb_puts(&line, "关注竞品");
		sb_puts_any(&line, lex->comp[sc.comp[0].idx]);
		sb_puts(&line, "动态,突出我方质量与服务优势");
		push_unique_sb(R, sugg, &line, 4);
	}
	if (strcmp(overall, "negative") == 0 && cat != AZI_COMPLAINT)
		push_unique(R, sugg, "客户有不满情绪,建议客户经理尽快回访", 4);
	v_set(out, "suggestions", sugg);

	/* summary: one line, <= 60 code points */
	sb_clear(&line);
	sb_puts(&line, intent_labels[cat]);
	sb_cat(&line, &prodname, prodname.len);
	{
		bool		more = false;
		char		nb[48];

		if (ctx.qty.found)
		{
			const char *per = ctx.qty.period;

			sb_puts(&line, ",");
			if (strcmp(per, "月") == 0)
				sb_puts(&line, "月需求");
			else if (strcmp(per, "年") == 0)
				sb_puts(&line, "年需求");
			else if (strcmp(per, "周") == 0)
				sb_puts(&line, "周需求");
			else if (strcmp(per, "天") == 0)
				sb_puts(&line, "日需求");
			fmt_num(nb, sizeof(nb), ctx.qty.v);
			sb_puts(&line, nb);
			sb_puts_any(&line, ctx.qty.unit);
			more = true;
		}
		if (ctx.price.found)
		{
			span_orig(&ctx, ctx.price.s, ctx.price.e, &tmp);
			sb_puts(&line, ",价格");
			sb_cat(&line, &tmp, tmp.len);
			more = true;
		}
		if (tl_idx >= 0)
		{
			const char *tl = v_str(v_get(key, "timeline"));

			if (tl)
			{
				sb_puts(&line, ",");
				sb_put(&line, tl, cp_prefix(tl, strlen(tl), 16));
				more = true;
			}
		}
		if (!more && prodname.len == 0)
		{
			/* nothing structured: the first clause of the content */
			size_t		a = ctx.content_start,
						cs,
						ce;

			az_clause_bounds(&ctx, a, &cs, &ce);
			cs = a;
			trim_span(ctx.t, ctx.n, &cs, &ce);
			if (ce > cs)
			{
				span_orig(&ctx, cs, ce, &tmp);
				sb_puts(&line, ":");
				sb_cat(&line, &tmp, cp_prefix(tmp.b, tmp.len, 40));
			}
		}
	}
	sb_limit_words(&line, 60);
	v_set(out, "summary", jstr_sb(R, &line));

	/* tags */
	tags = v_array(R);
	push_unique(R, tags, intent_labels[cat], 12);
	{
		const az_val *e;

		for (e = prods ? prods->u.c.first : NULL; e; e = e->next)
			push_unique(R, tags, e->u.s, 12);
	}
	for (i = 0; i < (size_t) sc.ncomp; i++)
	{
		sb_clear(&line);
		sb_puts(&line, "竞品:");
		sb_puts_any(&line, lex->comp[sc.comp[i].idx]);
		push_unique_sb(R, tags, &line, 12);
	}
	if (urg_level == AZU_HIGH)
		push_unique(R, tags, "紧急", 12);
	if (strcmp(overall, "negative") == 0)
		push_unique(R, tags, "负面情绪", 12);
	if (sc.follow[AZF_SAMPLE])
		push_unique(R, tags, "样品", 12);
	v_set(out, "tags", tags);
	v_set(out, "language", v_static(R, detect_language(n_cjk, n_words)));

done:
	free(raw);
	free(ctx.nums);
	free(scratch);
	if (R && (out == NULL || R->oom))
	{
		az_result_free(R);
		return NULL;
	}
	if (R)
		R->root = out;
	return R;
}
