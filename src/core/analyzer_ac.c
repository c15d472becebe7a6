/*
 * analyzer_ac.c -- text folding and the Aho-Corasick automaton of the
 * embedded analyzer.
 *
 * Folding.  Before matching, the subject and content are copied into one
 * scratch buffer: full-width ASCII (Ａ-Ｚ ０-９ ，：／ ...) becomes
 * half-width, the ideographic space and NBSP become a space, ￥ becomes
 * ¥, curly quotes and dashes become ASCII, Traditional Chinese characters
 * become Simplified (analyzer_t2s.c: 詢價 matches 询价), NUL/control bytes
 * and invalid UTF-8 become ' ' or '?'.  Folding never makes text longer (every
 * replacement is no longer than what it replaces), so the buffer is
 * sized once.  A parallel offset map gives, for every folded byte, the
 * offset of the character it came from, so spans can be reported as the
 * customer wrote them.  The folded text is always valid UTF-8, which is
 * what jansson needs for the output strings.
 *
 * Matching.  Patterns are folded the same way and lower-cased; the
 * automaton works on byte classes (bytes used by some pattern get a class,
 * upper-case ASCII shares the class of its lower-case letter, everything
 * else is class 0), so matching is ASCII case-insensitive at no cost.
 * Identical surfaces are merged into one pattern carrying all their
 * features.  The trie is built from the sorted surfaces, so the node
 * count is known exactly before allocation (1 + sum of len - lcp).  The
 * failure function is folded into a complete DFA table whose entries are
 * just the target node; nodes are numbered breadth-first, those with output
 * (a pattern ends there or on their suffix chain) last, so "has output" is
 * "node >= out_first": the scan loop is one table load per byte and only
 * touches the output chain when a pattern ends there.  With at most 65536
 * nodes the entries are 16-bit (32-bit beyond), and rows are padded to a
 * power of two (a shift, not a multiply, on the per-byte path).  Byte classes are numbered lead bytes first, then ASCII,
 * then UTF-8 continuation bytes, so the entries read after a whole
 * character (a lead byte or ASCII comes next) share a row's first cache
 * line.  The table is several MB: its cache footprint is what the scan
 * costs.
 * Patterns that begin (end) with an ASCII letter or digit only match at
 * an ASCII word boundary ("po" is not found in "report").
 *
 * Inheritance.  The analyzer keeps only the longest of overlapping hits,
 * so a longer surface must carry what the shorter ones inside it mean:
 * after the DFA is built, every pattern is run through the automaton and
 * takes over the context features of the patterns it contains when it has
 * none of that kind itself (比较感兴趣 keeps the inquiry vote of 感兴趣,
 * 价格多少 the price word and the question, 今天之内 the date of 今天).
 * Neutral blockers, negations and catalogue names inherit nothing --
 * shadowing is their job, a name is not a cue -- and intensity, requests
 * and follow-ups are never inherited.  A sentiment weight of 0 in the
 * table stops sentiment inheritance (投诉处理 is not a complaint mood).
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "analyzer_internal.h"

/* Fold one buffer; o/m must have room for len bytes.  Returns bytes
 * written; *clean is cleared when something had to be replaced. */
static inline __attribute__((always_inline)) size_t
fold_core(const unsigned char *s, size_t len, char *o, uint32_t *m,
		  uint32_t base, bool *clean)
{
	size_t		i = 0,
				k = 0;

	while (i < len)
	{
		unsigned	c = s[i];
		uint32_t	cp;
		size_t		cl;

		/* the common cases first: printable ASCII, and a CJK character
		 * (U+4000..U+9FFF: nothing below replaces it) that has no
		 * simplified form */
		if (c >= 0x20 && c < 0x7f)
		{
#ifdef __SSE2__
			/* a run of printable ASCII, up to 16 bytes at a time: the 16
			 * bytes and offsets are stored whole (room: o and m take len
			 * bytes and entries from here, and k <= i), those past the run
			 * are written again by what follows */
			if (m && i + 16 <= len)
			{
				__m128i		x = _mm_loadu_si128((const __m128i *) (s + i)),
							bi = _mm_add_epi32(_mm_set1_epi32((int) (base + (uint32_t) i)),
											   _mm_setr_epi32(0, 1, 2, 3)),
							four = _mm_set1_epi32(4);
				unsigned	ok = (unsigned) _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)),
																		   _mm_cmplt_epi8(x, _mm_set1_epi8(0x7F))));
				size_t		run = (size_t) __builtin_ctz(~ok | 0x10000u);

				_mm_storeu_si128((__m128i *) (o + k), x);
				_mm_storeu_si128((__m128i *) (m + k), bi);
				bi = _mm_add_epi32(bi, four);
				_mm_storeu_si128((__m128i *) (m + k + 4), bi);
				bi = _mm_add_epi32(bi, four);
				_mm_storeu_si128((__m128i *) (m + k + 8), bi);
				bi = _mm_add_epi32(bi, four);
				_mm_storeu_si128((__m128i *) (m + k + 12), bi);
				k += run;
				i += run;
				continue;
			}
#endif
			if (m)
				m[k] = base + (uint32_t) i;
			o[k++] = (char) c;
			i++;
			continue;
		}
		/* (and the CJK characters that follow it, without going round) */
		while (c - 0xE4 < 6 && i + 2 < len)
		{
			unsigned	c1 = s[i + 1],
						c2 = s[i + 2];

			if (((c1 ^ 0x80) | (c2 ^ 0x80)) >= 0x40)
				break;			/* not two continuation bytes */
			cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
			if (az_t2s_has(cp) && az_t2s(cp) != cp)
				break;
			if (m)
			{
				m[k] = base + (uint32_t) i;
				m[k + 1] = base + (uint32_t) i;
				m[k + 2] = base + (uint32_t) i;
			}
			o[k] = (char) c;
			o[k + 1] = (char) c1;
			o[k + 2] = (char) c2;
			k += 3;
			i += 3;
			if (i >= len)
				break;
			c = s[i];
		}
		if (i >= len)
			break;
		if (c >= 0x20 && c < 0x7f)
			continue;			/* the top takes ASCII */
		if (c < 0x80)
		{
			if (c == 0 || c == 0x7f || (c < 0x20 && c != '\n' && c != '\t' && c != '\r'))
			{
				c = ' ';
				*clean = false;
			}
			if (m)
				m[k] = base + (uint32_t) i;
			o[k++] = (char) c;
			i++;
			continue;
		}
		/* strict UTF-8 decode: no overlongs, no surrogates, <= U+10FFFF */
		if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80)
		{
			cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
			cl = 2;
		}
		else if (c >= 0xE0 && c <= 0xEF && i + 2 < len &&
				 (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80)
		{
			cp = ((c & 0x0F) << 12) | ((uint32_t) (s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
			cl = 3;
			if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
				cl = 0;
		}
		else if (c >= 0xF0 && c <= 0xF4 && i + 3 < len &&
				 (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
				 (s[i + 3] & 0xC0) == 0x80)
		{
			cp = ((c & 0x07) << 18) | ((uint32_t) (s[i + 1] & 0x3F) << 12) |
				((uint32_t) (s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
			cl = 4;
			if (cp < 0x10000 || cp > 0x10FFFF)
				cl = 0;
		}
		else
			cl = 0;

		if (cl == 0)
		{
			if (m)
				m[k] = base + (uint32_t) i;
			o[k++] = '?';
			i++;
			*clean = false;
			continue;
		}

		{
			int			repl = -1;	/* single ASCII byte replacement */

			if (cp >= 0xFF01 && cp <= 0xFF5E)
				repl = (int) (cp - 0xFEE0);
			else if (cp == 0x3000 || cp == 0x00A0 || cp == 0x2002 || cp == 0x2003 ||
					 cp == 0x2009 || cp == 0x200B || cp == 0xFEFF)
				repl = ' ';
			else if (cp == 0x2018 || cp == 0x2019)
				repl = '\'';
			else if (cp == 0x201C || cp == 0x201D)
				repl = '"';
			else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212 || cp == 0xFE63)
				repl = '-';
			else if (cp == 0x301C)
				repl = '~';

			if (repl >= 0)
			{
				if (m)
					m[k] = base + (uint32_t) i;
				o[k++] = (char) repl;
			}
			else if (cl == 3 && az_t2s_has(cp) && az_t2s(cp) != cp)
			{
				uint32_t	sc = az_t2s(cp);	/* 3-byte to 3-byte */

				if (m)
				{
					m[k] = base + (uint32_t) i;
					m[k + 1] = base + (uint32_t) i;
					m[k + 2] = base + (uint32_t) i;
				}
				o[k++] = (char) (0xE0 | (sc >> 12));
				o[k++] = (char) (0x80 | ((sc >> 6) & 0x3F));
				o[k++] = (char) (0x80 | (sc & 0x3F));
			}
			else if (cp == 0xFFE5)
			{
				/* ￥ -> ¥ (U+00A5) */
				if (m)
				{
					m[k] = base + (uint32_t) i;
					m[k + 1] = base + (uint32_t) i;
				}
				o[k++] = (char) 0xC2;
				o[k++] = (char) 0xA5;
			}
			else
			{
				size_t		j;

				for (j = 0; j < cl; j++)
				{
					if (m)
						m[k] = base + (uint32_t) i;
					o[k++] = (char) s[i + j];
				}
			}
		}
		i += cl;
	}
	return k;
}

bool
az_fold_append(az_ctx *ctx, const char *src, size_t len, uint32_t base)
{
	bool		clean = true;
	size_t		k;

	k = fold_core((const unsigned char *) src, len, ctx->t + ctx->n,
				  ctx->map + ctx->n, base, &clean);
	ctx->n += k;
	ctx->t[ctx->n] = '\0';
	return clean;
}

char *
az_fold_pattern(const char *s)
{
	size_t		len = strlen(s),
				k,
				i;
	bool		clean = true;
	char	   *o = malloc(len + 1);

	if (!o)
		return NULL;
	k = fold_core((const unsigned char *) s, len, o, NULL, 0, &clean);
	o[k] = '\0';
	for (i = 0; i < k; i++)
		if (o[i] >= 'A' && o[i] <= 'Z')
			o[i] = (char) (o[i] - 'A' + 'a');
	return o;
}

/* ---- automaton build ------------------------------------------------ */

/* Kinds a longer surface takes over from the surfaces inside it. */
static bool
inheritable(uint16_t kind)
{
	switch (kind)
	{
		case AZK_INTENT:
		case AZK_URG:
		case AZK_DATE:
		case AZK_PRICEWORD:
		case AZK_NEED:
		case AZK_QUESTION:
		case AZK_PERIOD:
		case AZK_HEDGE:
		case AZK_PAST:
		case AZK_SENT:
			return true;
		default:
			return false;
	}
}

static bool
pat_has_kind(const az_feat *f, uint32_t nf, uint16_t kind)
{
	uint32_t	i;

	for (i = 0; i < nf; i++)
		if (f[i].kind == kind)
			return true;
	return false;
}

/* See "Inheritance" above.  Rebuilds lex->feat; returns -1 on OOM. */
static int
inherit_features(az_lexicon *lex, const char **pstr)
{
	az_feat    *nf = NULL;
	size_t		cap = (size_t) lex->nfeat * 2 + 16,
				cnt = 0;
	uint32_t	pi,
			   *noff,
			   *ncnt;

	nf = malloc(cap * sizeof(*nf));
	noff = malloc((lex->npat + 1) * sizeof(uint32_t));
	ncnt = malloc((lex->npat + 1) * sizeof(uint32_t));
	if (!nf || !noff || !ncnt)
	{
		free(nf);
		free(noff);
		free(ncnt);
		return -1;
	}
	for (pi = 0; pi < lex->npat; pi++)
	{
		az_pat	   *p = &lex->pat[pi];
		const az_feat *own = &lex->feat[p->feat_off];
		uint32_t	nown = p->nfeat,
					k;
		size_t		start = cnt;
		bool		closed = pat_has_kind(own, nown, AZK_BLOCK) ||
			pat_has_kind(own, nown, AZK_NEG) || pat_has_kind(own, nown, AZK_NOTA) ||
			pat_has_kind(own, nown, AZK_PRODUCT) || pat_has_kind(own, nown, AZK_COMPETITOR);
		az_hit	   *h = NULL;
		long		nh = 0,
					j;

		if (cnt + nown + 64 > cap)
		{
			az_feat    *g;

			cap = (cnt + nown + 64) * 2;
			g = realloc(nf, cap * sizeof(*nf));
			if (!g)
			{
				free(nf);
				free(noff);
				free(ncnt);
				return -1;
			}
			nf = g;
		}
		for (k = 0; k < nown; k++)
			nf[cnt++] = own[k];
		if (!closed)
			nh = az_automaton_scan(lex, pstr[pi], strlen(pstr[pi]), &h);
		if (nh < 0)
		{
			free(nf);
			free(noff);
			free(ncnt);
			return -1;
		}
		for (j = 0; j < nh; j++)
		{
			const az_pat *q = &lex->pat[h[j].pat];
			uint32_t	m;

			if (h[j].pat == pi)
				continue;
			for (m = 0; m < q->nfeat && cnt < cap; m++)
			{
				const az_feat *f = &lex->feat[q->feat_off + m];
				size_t		x;
				bool		dup = false;

				if (!inheritable(f->kind) || pat_has_kind(own, nown, f->kind))
					continue;
				if (f->kind == AZK_DATE && !pat_has_kind(own, nown, AZK_URG))
					continue;
				/* one feature per kind (INTENT: per category) */
				for (x = start; x < cnt; x++)
					if (nf[x].kind == f->kind &&
						(f->kind != AZK_INTENT || nf[x].arg == f->arg))
					{
						if (f->kind == AZK_INTENT && f->w > nf[x].w)
							nf[x].w = f->w;
						dup = true;
					}
				if (!dup && cnt - start < 60)
					nf[cnt++] = *f;
			}
		}
		free(h);
		noff[pi] = (uint32_t) start;
		ncnt[pi] = (uint32_t) (cnt - start);
	}
	/* switch to the new table only now: the scans above read the old one */
	for (pi = 0; pi < lex->npat; pi++)
	{
		lex->pat[pi].feat_off = noff[pi];
		lex->pat[pi].nfeat = (uint16_t) ncnt[pi];
	}
	free(noff);
	free(ncnt);
	free(lex->feat);
	lex->feat = nf;
	lex->nfeat = (uint32_t) cnt;
	return 0;
}

typedef struct sort_item
{
	const char *s;
	size_t		idx;
} sort_item;

static int
cmp_item(const void *a, const void *b)
{
	const sort_item *x = a,
			   *y = b;
	int			c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * The transition table, zeroed: several MB, every page of it written by
 * the build.  Page by page on first touch (read first: twice) that is
 * thousands of page faults, a good part of the build; on Linux a large
 * table is mapped with MAP_POPULATE, its pages made in one go.
 */
static void *
table_alloc(size_t bytes, size_t *mapped)
{
	*mapped = 0;
#if defined(__linux__) && defined(MAP_POPULATE)
	if (bytes >= ((size_t) 1 << 20))
	{
		void	   *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
							 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p != MAP_FAILED)
		{
			*mapped = bytes;
			return p;
		}
	}
#endif
	return calloc(1, bytes);
}

static void
table_free(void *p, size_t mapped)
{
	if (p == NULL)
		return;
#if defined(__linux__) && defined(MAP_POPULATE)
	if (mapped)
	{
		munmap(p, mapped);
		return;
	}
#endif
	free(p);
}

void
az_automaton_free(az_lexicon *lex)
{
	table_free(lex->delta ? (void *) lex->delta : (void *) lex->delta16, lex->delta_mapped);
	lex->delta_mapped = 0;
	lex->out_first = 0;
	free(lex->node_pat);
	free(lex->dict);
	free(lex->pat);
	free(lex->pat_kinds);
	free(lex->feat);
	lex->delta = NULL;
	lex->delta16 = NULL;
	lex->max_depth = 0;
	lex->node_pat = NULL;
	lex->dict = NULL;
	lex->pat = NULL;
	lex->pat_kinds = NULL;
	lex->feat = NULL;
	lex->nnodes = lex->npat = lex->nfeat = 0;
	lex->built = false;
}

/* the build's access to its own table (in trie order; the lexicon's table
 * is made from it at the end), whichever its width */
#define DIDX(u, c)	(((size_t) (u) << shift) + (c))
#define DGET(i)		(narrow ? (uint32_t) tab16[i] : tab32[i])
#define DSET(i, v)	do { if (narrow) tab16[i] = (uint16_t) (v); \
						 else tab32[i] = (v); } while (0)

int
az_automaton_build(az_lexicon *lex)
{
	sort_item  *it = NULL;
	const char **pstr = NULL;
	size_t		n = lex->nent,
				i,
				nodes,
				npat;
	uint32_t	nclass,
				shift = 0,
			   *fail = NULL,
			   *queue = NULL,
			   *tab32 = NULL,
			   *perm = NULL;
	uint16_t   *tab16 = NULL;
	void	   *tab = NULL;
	size_t		tab_mapped = 0;
	bool		used[256],
				narrow;
	int			b;

	az_automaton_free(lex);
	it = malloc((n ? n : 1) * sizeof(*it));
	if (!it)
		return -1;
	for (i = 0; i < n; i++)
	{
		it[i].s = lex->ent[i].s;
		it[i].idx = i;
	}
	qsort(it, n, sizeof(*it), cmp_item);

	/* byte classes and exact node count */
	memset(used, 0, sizeof(used));
	nodes = 1;
	npat = 0;
	for (i = 0; i < n; i++)
	{
		const unsigned char *p = (const unsigned char *) it[i].s;
		size_t		lcp = 0;

		for (; *p; p++)
			used[*p] = true;
		if (i > 0)
		{
			const char *a = it[i - 1].s,
					   *c = it[i].s;

			while (a[lcp] && a[lcp] == c[lcp])
				lcp++;
			if (a[lcp] == '\0' && c[lcp] == '\0')
				continue;		/* duplicate surface */
		}
		nodes += strlen(it[i].s) - lcp;
		npat++;
	}
	nclass = 1;
	memset(lex->cls, 0, sizeof(lex->cls));
	for (i = 0; i < 256; i++)
	{
		/* lead bytes 0xC0.., then ASCII, then continuation bytes */
		b = (int) ((i + 0xC0) & 0xFF);
		if (used[b] && !(b >= 'A' && b <= 'Z'))
			lex->cls[b] = (uint8_t) nclass++;
	}
	for (b = 'A'; b <= 'Z'; b++)
		lex->cls[b] = lex->cls[b - 'A' + 'a'];
	if (nclass > 256)
		nclass = 256;			/* cannot happen: at most 230 classes */

	lex->nclass = nclass;
	lex->nnodes = (uint32_t) nodes;
	while (((size_t) 1 << shift) < nclass)
		shift++;
	lex->row_shift = shift;
	narrow = nodes <= 65536;	/* node numbers fit in 16 bits */
	tab = table_alloc((nodes << shift) * (narrow ? sizeof(uint16_t) : sizeof(uint32_t)),
					  &tab_mapped);
	tab16 = tab;
	tab32 = tab;
	lex->node_pat = malloc(nodes * sizeof(int32_t));
	lex->dict = calloc(nodes, sizeof(uint32_t));
	lex->pat = calloc(npat ? npat : 1, sizeof(az_pat));
	lex->feat = malloc((n ? n : 1) * sizeof(az_feat));
	fail = calloc(nodes, sizeof(uint32_t));
	queue = malloc(nodes * sizeof(uint32_t));
	pstr = malloc((npat ? npat : 1) * sizeof(char *));
	perm = malloc(nodes * sizeof(uint32_t));
	if (!tab || !lex->node_pat || !lex->dict || !lex->pat ||
		!lex->feat || !fail || !queue || !pstr || !perm)
		goto oom;
	for (i = 0; i < nodes; i++)
		lex->node_pat[i] = -1;

	/* insert the sorted, merged surfaces */
	{
		uint32_t	next = 1,
					pi = 0,
					fi = 0;

		for (i = 0; i < n;)
		{
			const char *s = it[i].s;
			uint32_t	u = 0;
			size_t		j = i,
						len = strlen(s),
						k;
			bool		prefix = false;
			az_pat	   *pp = &lex->pat[pi];

			for (k = 0; k < len; k++)
			{
				uint32_t	c = lex->cls[(unsigned char) s[k]];
				size_t		di = DIDX(u, c);

				if (DGET(di) == 0)
					DSET(di, next++);
				u = DGET(di);
			}
			pp->feat_off = fi;
			while (j < n && strcmp(it[j].s, s) == 0)
			{
				const az_entry *e = &lex->ent[it[j].idx];
				uint32_t	x;
				bool		dup = false;

				/* a surface listed twice for the same meaning counts once,
				 * with the stronger weight */
				for (x = pp->feat_off; x < fi; x++)
					if (lex->feat[x].kind == e->f.kind && lex->feat[x].arg == e->f.arg)
					{
						if (abs(e->f.w) > abs(lex->feat[x].w))
							lex->feat[x].w = e->f.w;
						dup = true;
					}
				if (!dup)
					lex->feat[fi++] = e->f;
				if (e->prefix)
					prefix = true;
				j++;
			}
			pp->nfeat = (uint16_t) (fi - pp->feat_off);
			pp->len = (uint16_t) (len > 65535 ? 65535 : len);
			if (len > lex->max_depth)
				lex->max_depth = len > UINT32_MAX ? UINT32_MAX : (uint32_t) len;
			pp->lbound = len > 0 && az_isalnum((unsigned char) s[0]);
			pp->rbound = !prefix && len > 0 && az_isalnum((unsigned char) s[len - 1]);
			lex->node_pat[u] = (int32_t) pi;
			pstr[pi] = s;
			pi++;
			i = j;
		}
		lex->npat = pi;
		lex->nfeat = fi;
	}

	/* breadth-first: failure links, complete the DFA, output chain */
	{
		size_t		qh = 0,
					qt = 0;
		uint32_t	a;

		/* a node's dict link is set when it is found, from its failure
		 * node, which is shallower and so found before it.  A row is
		 * completed from its failure node's row, which is earlier in
		 * breadth-first order and so complete already; until then its
		 * non-zero entries are its trie edges. */
		for (a = 0; a < nclass; a++)
		{
			uint32_t	v = DGET(a);

			if (v)
			{
				fail[v] = 0;
				lex->dict[v] = lex->node_pat[0] >= 0 ? 0 : lex->dict[0];
				queue[qt++] = v;
			}
		}
		while (qh < qt)
		{
			uint32_t	u = queue[qh++];
			uint32_t	f = fail[u];

			for (a = 0; a < nclass; a++)
			{
				size_t		di = DIDX(u, a);
				uint32_t	d = DGET(di);

				if (d)
				{
					uint32_t	fd = DGET(DIDX(f, a));

					fail[d] = fd;
					lex->dict[d] = lex->node_pat[fd] >= 0 ? fd : lex->dict[fd];
					queue[qt++] = d;
				}
				else
					DSET(di, DGET(DIDX(f, a)));
			}
		}

		/*
		 * The lexicon's table: nodes numbered anew, breadth-first (the
		 * shallow nodes, where the scan mostly is, close together), those
		 * without output first, so that "has output" is "number >=
		 * out_first" and an entry is just the target's number -- 16 bits
		 * up to 65536 nodes.  The root stays 0 and never reports.
		 */
		{
			uint32_t	next = 1,
						u;
			int32_t    *np = NULL;
			uint32_t   *nd = NULL;
			size_t		k,
						e;

#define HAS_OUT(v)	((v) != 0 && (lex->node_pat[v] >= 0 || lex->dict[v] != 0))
			perm[0] = 0;
			for (k = 0; k < qt; k++)
				if (!HAS_OUT(queue[k]))
					perm[queue[k]] = next++;
			lex->out_first = next;
			for (k = 0; k < qt; k++)
				if (HAS_OUT(queue[k]))
					perm[queue[k]] = next++;
#undef HAS_OUT
			if (next != nodes)
				goto oom;		/* cannot happen: every node is reached */
			if (narrow)
				lex->delta16 = table_alloc((nodes << shift) * sizeof(uint16_t), &lex->delta_mapped);
			else
				lex->delta = table_alloc((nodes << shift) * sizeof(uint32_t), &lex->delta_mapped);
			np = malloc(nodes * sizeof(int32_t));
			nd = malloc(nodes * sizeof(uint32_t));
			if ((!lex->delta16 && !lex->delta) || !np || !nd)
			{
				free(np);
				free(nd);
				goto oom;
			}
			for (u = 0; u < nodes; u++)
			{
				size_t		from = (size_t) u << shift,
							at = (size_t) perm[u] << shift;

				if (narrow)
					for (e = 0; e < nclass; e++)
						lex->delta16[at + e] = (uint16_t) perm[tab16[from + e]];
				else
					for (e = 0; e < nclass; e++)
						lex->delta[at + e] = perm[tab32[from + e]];
				np[perm[u]] = lex->node_pat[u];
				nd[perm[u]] = lex->dict[u] ? perm[lex->dict[u]] : 0;
			}
			free(lex->node_pat);
			free(lex->dict);
			lex->node_pat = np;
			lex->dict = nd;
		}
	}
	table_free(tab, tab_mapped);
	tab = NULL;
	free(perm);
	perm = NULL;
	lex->built = true;
	if (inherit_features(lex, pstr) != 0)
		goto oom;
	/* which kinds each pattern carries: az_hit_feat() answers "none" from
	 * one word, without reading the features */
	lex->pat_kinds = calloc(lex->npat ? lex->npat : 1, sizeof(uint64_t));
	if (!lex->pat_kinds)
		goto oom;
	for (i = 0; i < lex->npat; i++)
	{
		uint32_t	k;

		for (k = 0; k < lex->pat[i].nfeat; k++)
		{
			uint16_t	kind = lex->feat[lex->pat[i].feat_off + k].kind;

			lex->pat_kinds[i] |= kind < 64 ? (uint64_t) 1 << kind : 0;
		}
	}
	free(fail);
	free(queue);
	free(pstr);
	free(it);
	return 0;

oom:
	table_free(tab, tab_mapped);
	free(perm);
	free(fail);
	free(queue);
	free(pstr);
	free(it);
	az_automaton_free(lex);
	return -1;
}

#undef DIDX
#undef DGET
#undef DSET

/* Record the patterns ending at node s (text position i); false when the
 * hit cap is reached.  Returns -1 on OOM. */
static int
scan_output(const az_lexicon *lex, const unsigned char *u, size_t n, size_t i,
			uint32_t s, az_hit **hp, size_t *cap, size_t *cnt)
{
	uint32_t	v;
	int			guard = 0;

	for (v = s; v != 0 && guard < 4096; v = lex->dict[v], guard++)
	{
		int32_t		pi = lex->node_pat[v];
		const az_pat *p;
		size_t		st;

		if (pi < 0)
			continue;
		p = &lex->pat[pi];
		st = i + 1 - p->len;
		if (p->lbound && st > 0 && az_isalnum(u[st - 1]))
			continue;
		if (p->rbound && i + 1 < n && az_isalnum(u[i + 1]))
			continue;
		if (*cnt == *cap)
		{
			az_hit	   *nh;

			if (*cap >= (size_t) AZ_MAX_HITS * 4)
				return 0;
			nh = realloc(*hp, *cap * 2 * sizeof(az_hit));
			if (!nh)
				return -1;
			*hp = nh;
			*cap *= 2;
		}
		(*hp)[*cnt].s = (uint32_t) st;
		(*hp)[*cnt].e = (uint32_t) (i + 1);
		(*hp)[*cnt].pat = (uint32_t) pi;
		(*cnt)++;
	}
	return 1;
}

/*
 * The scan in K interleaved streams (2 for a short text, 4 from
 * AZ_SPLIT4 bytes): each byte's table load waits for the previous one, so
 * one stream is bound by the load latency; independent streams overlap
 * their loads.  The state after a byte is the longest suffix of the text
 * that is a trie path, so a stream started from the root a few bytes
 * before its part is, where its part begins, nearly always in the state
 * the stream before it reaches there: whenever that state is no deeper
 * than the warm-up.  Each stream but the first warms up over
 * AZ_SEAM_WARMUP bytes, remembers its state there and reports from the
 * start of its part on; where the stream before it ended in another state
 * (a long partial match across the seam), its part is scanned again from
 * that state.  Equal states give equal futures, so the hits, part by part,
 * are those of one sequential scan, in the same order.  Returns -2 when
 * the hit cap was reached (the caller scans sequentially, which stops
 * where it always did), -1 on OOM.
 */
#ifndef AZ_SEAM_WARMUP
#define AZ_SEAM_WARMUP 16
#endif
#define AZ_MAX_STREAMS 4
#ifndef AZ_SPLIT2
#define AZ_SPLIT2 48
#endif
#ifndef AZ_SPLIT4
#define AZ_SPLIT4 96
#endif

/* entry of the 16- or 32-bit table */
#define DELTA(i)	(wide ? delta32[i] : (uint32_t) delta16[i])

static inline __attribute__((always_inline)) long
scan_streams(const az_lexicon *lex, const unsigned char *u, size_t n, az_hit **out,
			 const int K, const bool wide)
{
	enum
	{
		W = AZ_SEAM_WARMUP
	};
	const uint16_t *delta16 = lex->delta16;
	const uint32_t *delta32 = lex->delta;
	const uint8_t *cls = lex->cls;
	const uint32_t shift = lex->row_shift,
				of = lex->out_first;
	size_t		b[AZ_MAX_STREAMS + 1],	/* stream k reports hits ending in [b[k], b[k+1]) */
				len = (n + (K - 1) * W + K - 1) / K,	/* bytes per stream */
				cap[AZ_MAX_STREAMS],
				cnt[AZ_MAX_STREAMS],
				total = 0,
				j;
	size_t		o[AZ_MAX_STREAMS];	/* stream k reads u[o[k] + j] */
	uint32_t	s[AZ_MAX_STREAMS],
				seam[AZ_MAX_STREAMS];
	az_hit	   *h[AZ_MAX_STREAMS];
	int			r = 1,
				k;

	b[0] = 0;
	for (k = 1; k < K; k++)
		b[k] = b[k - 1] + len - (k > 1 ? W : 0);
	b[K] = n;
	for (k = 0; k < K; k++)
	{
		o[k] = k ? b[k] - W : 0;
		s[k] = 0;
		cap[k] = 48;
		cnt[k] = 0;
		h[k] = malloc(cap[k] * sizeof(az_hit));
		if (!h[k])
			r = -1;
	}
	/* all streams; all but the first warming up (before their start) */
	for (j = 0; j < W && r > 0; j++)
	{
		uint32_t	d[AZ_MAX_STREAMS];

#pragma GCC unroll 8
		for (k = 0; k < K; k++)
			d[k] = DELTA(((size_t) s[k] << shift) + cls[u[o[k] + j]]);
#pragma GCC unroll 8
		for (k = 0; k < K; k++)
			s[k] = d[k];
		if (d[0] >= of)
			r = scan_output(lex, u, n, j, s[0], &h[0], &cap[0], &cnt[0]);
	}
	for (k = 0; k < K; k++)
		seam[k] = s[k];
	/* all streams while the first has bytes (it is the longest but for
	 * the last, which may be shorter) */
	for (; j < b[1] && r > 0; j++)
	{
		uint32_t	d[AZ_MAX_STREAMS];

#pragma GCC unroll 8
		for (k = 0; k < K - 1; k++)
			d[k] = DELTA(((size_t) s[k] << shift) + cls[u[o[k] + j]]);
		if (o[K - 1] + j < n)
			d[K - 1] = DELTA(((size_t) s[K - 1] << shift) + cls[u[o[K - 1] + j]]);
		else
			d[K - 1] = 0;		/* past its end: its state is not read again
								 * (its seam was taken after the warm-up) */
#pragma GCC unroll 8
		for (k = 0; k < K; k++)
		{
			s[k] = d[k];
			if (d[k] >= of && r > 0)
				r = scan_output(lex, u, n, o[k] + j, s[k], &h[k], &cap[k], &cnt[k]);
		}
	}
	/* the seams: a stream whose warm-up ended in another state than the
	 * stream before it reached there scans its part again from that state */
	for (k = 1; k < K && r > 0; k++)
	{
		size_t		i;

		if (seam[k] == s[k - 1])
			continue;
		cnt[k] = 0;
		s[k] = s[k - 1];
		for (i = b[k]; i < b[k + 1] && r > 0; i++)
		{
			uint32_t	d = DELTA(((size_t) s[k] << shift) + cls[u[i]]);

			s[k] = d;
			if (d >= of)
				r = scan_output(lex, u, n, i, s[k], &h[k], &cap[k], &cnt[k]);
		}
	}
	for (k = 0; k < K; k++)
		total += cnt[k];
	if (r <= 0 || total > (size_t) AZ_MAX_HITS * 4)
	{
		for (k = 0; k < K; k++)
			free(h[k]);
		return r < 0 ? -1 : -2;
	}
	if (total > cap[0])
	{
		az_hit	   *nh = realloc(h[0], total * sizeof(az_hit));

		if (!nh)
		{
			for (k = 0; k < K; k++)
				free(h[k]);
			return -1;
		}
		h[0] = nh;
	}
	total = cnt[0];
	for (k = 1; k < K; k++)
	{
		memcpy(h[0] + total, h[k], cnt[k] * sizeof(az_hit));
		total += cnt[k];
		free(h[k]);
	}
	*out = h[0];
	return (long) total;
}

#undef DELTA

static long __attribute__((noinline))
scan_2(const az_lexicon *lex, const unsigned char *u, size_t n, az_hit **out)
{
	return scan_streams(lex, u, n, out, 2, false);
}

static long __attribute__((noinline))
scan_4(const az_lexicon *lex, const unsigned char *u, size_t n, az_hit **out)
{
	return scan_streams(lex, u, n, out, 4, false);
}

/* the same over the 32-bit table (a lexicon of more than 32768 nodes) */
static long __attribute__((noinline))
scan_2w(const az_lexicon *lex, const unsigned char *u, size_t n, az_hit **out)
{
	return scan_streams(lex, u, n, out, 2, true);
}

static long __attribute__((noinline))
scan_4w(const az_lexicon *lex, const unsigned char *u, size_t n, az_hit **out)
{
	return scan_streams(lex, u, n, out, 4, true);
}

long
az_automaton_scan(const az_lexicon *lex, const char *t, size_t n, az_hit **out)
{
	const uint8_t *cls = lex->cls;
	const uint32_t shift = lex->row_shift,
				of = lex->out_first;
	const unsigned char *u = (const unsigned char *) t;
	size_t		cap = 48,
				cnt = 0,
				i;
	uint32_t	s = 0;
	az_hit	   *h;
	int			r = 1;

	*out = NULL;
	if (!lex->built || lex->nnodes == 0)
		return 0;
	if (n >= AZ_SPLIT2)
	{
		long		r2 = lex->delta16 ?
			(n >= AZ_SPLIT4 ? scan_4(lex, u, n, out) : scan_2(lex, u, n, out)) :
			(n >= AZ_SPLIT4 ? scan_4w(lex, u, n, out) : scan_2w(lex, u, n, out));

		if (r2 != -2)
			return r2;
	}
	h = malloc(cap * sizeof(*h));
	if (!h)
		return -1;
	if (lex->delta16)
	{
		const uint16_t *delta = lex->delta16;

		for (i = 0; i < n && r > 0; i++)
		{
			uint32_t	d = delta[((size_t) s << shift) + cls[u[i]]];

			s = d;
			if (d >= of)
				r = scan_output(lex, u, n, i, s, &h, &cap, &cnt);
		}
	}
	else
	{
		const uint32_t *delta = lex->delta;

		for (i = 0; i < n && r > 0; i++)
		{
			uint32_t	d = delta[((size_t) s << shift) + cls[u[i]]];

			s = d;
			if (d >= of)
				r = scan_output(lex, u, n, i, s, &h, &cap, &cnt);
		}
	}
	if (r < 0)
	{
		free(h);
		return -1;
	}
	*out = h;
	return (long) cnt;
}
