/*
 * mime.c -- raw RFC 5322 / MIME mail to the "mailparser" JSON shape.
 *
 * Contract: see mime.h.  This file is server independent (libc, glibc
 * iconv, jansson, sha256.c) so it can be unit-tested and fuzzed alone.
 *
 * Design, in the order the work happens:
 *
 *  1. Header block: lines up to the first empty line; folded lines are
 *     unfolded; a line that cannot be a header (no colon, space inside the
 *     name) ends the block and starts the body, as Python's email package
 *     and mime4j do.  An mbox "From " line in front is skipped.  Header
 *     count, value length and total bytes per entity are capped.
 *  2. Body tree: parse_entity() recurses through multipart/... up to
 *     MIME_MAX_DEPTH and MIME_MAX_PARTS.  Delimiters are only recognised at
 *     the start of a line and only when followed by "--" or whitespace, so a
 *     boundary that is a prefix of another one, or appears mid-line, does not
 *     split.  A missing close delimiter or a multipart without any delimiter
 *     degrades with a warning.  Leaves are either body text (text/plain,
 *     text/html that are not attachments) or attachments (everything else,
 *     including message/rfc822, whose text is not the body).  In
 *     multipart/alternative the last alternative carrying text/plain gives
 *     the text and the last one carrying HTML gives the html; when there is
 *     no plain text at all, the text is the HTML reduced by
 *     mime_html_to_text().
 *  3. Charsets: everything is converted to UTF-8.  Labels are mapped to
 *     glibc iconv names (supersets for the Chinese ones: gb2312 -> GB18030,
 *     big5 -> BIG5-HKSCS/CP950).  Labels lie in real mail, so: bytes that
 *     are valid UTF-8 win over a declared 8-bit charset (a GB18030 decoder
 *     would happily turn UTF-8 Chinese into other Chinese); UTF-8 that is
 *     really Latin-1 mojibake of a CJK charset is recovered; undeclared,
 *     unknown or us-ascii-labelled 8-bit data is sniffed: UTF-8, then the
 *     hint charset (body charset for raw 8-bit headers), then GB18030 or
 *     Big5 -- whichever gives fewer rare characters -- and finally
 *     windows-1252.  Every string put into the JSON passes through a
 *     sanitiser: valid UTF-8, U+FFFD for anything invalid, no NUL.
 *  4. Headers are decoded last, because the body charset is the hint for
 *     raw 8-bit header bytes.
 *
 * Memory: all allocations are checked; on failure mime_parse returns NULL.
 * Work is linear in the input per nesting level.
 */
#include "mime.h"
#include "normalize.h"
#include "sha256.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIME_MAX_HEADERS		1000	/* header fields per entity */
#define MIME_MAX_HEADER_VALUE	(64 * 1024) /* bytes of one unfolded field */
#define MIME_MAX_HEADER_TOTAL	(256 * 1024)	/* bytes of all fields of one entity */
#define MIME_MAX_PARAMS			64		/* parameters per Content-Type */
#define MIME_MAX_CONTINUATIONS	100		/* RFC 2231 name*0..name*99 */
#define MIME_MAX_ADDRESSES		1000	/* mailboxes per address header */
#define MIME_MAX_REFERENCES		500
#define MIME_MAX_WARNINGS		32
#define MIME_CHARSET_LEN		64

/* Set by any failed allocation; checked before mime_parse returns. */
static __thread bool mime_oom;

/* ------------------------------------------------------------------ */
/* Growable byte buffer, always NUL-terminated when p != NULL.         */
/* ------------------------------------------------------------------ */

typedef struct sbuf
{
	char	   *p;
	size_t		len;
	size_t		cap;
} sbuf;

static bool
sb_reserve(sbuf *b, size_t add)
{
	size_t		need,
				ncap;
	char	   *np;

	if (add > SIZE_MAX / 2 - b->len)
	{
		mime_oom = true;
		return false;
	}
	need = b->len + add + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np)
	{
		mime_oom = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

static void
sb_add(sbuf *b, const void *d, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_addc(sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

static void
sb_adds(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_add_cp(sbuf *b, uint32_t cp)
{
	char		t[4];

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
		cp = 0xFFFD;
	if (cp < 0x80)
		sb_addc(b, (char) cp);
	else if (cp < 0x800)
	{
		t[0] = (char) (0xC0 | (cp >> 6));
		t[1] = (char) (0x80 | (cp & 0x3F));
		sb_add(b, t, 2);
	}
	else if (cp < 0x10000)
	{
		t[0] = (char) (0xE0 | (cp >> 12));
		t[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char) (0x80 | (cp & 0x3F));
		sb_add(b, t, 3);
	}
	else
	{
		t[0] = (char) (0xF0 | (cp >> 18));
		t[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char) (0x80 | (cp & 0x3F));
		sb_add(b, t, 4);
	}
}

static void
sb_free(sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static const char *
sb_str(const sbuf *b)
{
	return b->p ? b->p : "";
}

/* Hand the buffer's memory to the caller (never NULL unless OOM). */
static char *
sb_take(sbuf *b)
{
	char	   *r;

	if (!b->p)
		sb_reserve(b, 0);
	r = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return r;
}

/* ------------------------------------------------------------------ */
/* Small string helpers                                                */
/* ------------------------------------------------------------------ */

static bool
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
trim(const char **s, size_t *n)
{
	while (*n && is_wsp((unsigned char) **s))
	{
		(*s)++;
		(*n)--;
	}
	while (*n && is_wsp((unsigned char) (*s)[*n - 1]))
		(*n)--;
}

/* Case-insensitive search for needle in s[0..n). */
static const char *
ci_find(const char *s, size_t n, const char *needle)
{
	size_t		k = strlen(needle),
				i;

	if (k == 0 || n < k)
		return NULL;
	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static int
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	c;
	int			k,
				i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
	{
		k = 2;
		c &= 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		k = 3;
		c &= 0x0F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		k = 4;
		c &= 0x07;
	}
	else
		return 0;
	if ((size_t) k > n)
		return 0;
	for (i = 1; i < k; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
		(c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return k;
}

/*
 * Scan: counts of valid multibyte sequences and invalid bytes; returns true
 * when the whole input is valid UTF-8.
 */
static bool
utf8_scan(const char *s, size_t n, size_t *multi, size_t *bad)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0,
				m = 0,
				e = 0;

	while (i < n)
	{
		uint32_t	cp;
		int			k = utf8_seq(u + i, n - i, &cp);

		if (k == 0)
		{
			e++;
			i++;
		}
		else
		{
			if (k > 1)
				m++;
			i += k;
		}
	}
	if (multi)
		*multi = m;
	if (bad)
		*bad = e;
	return e == 0;
}

static bool
all_ascii(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if ((unsigned char) s[i] >= 0x80)
			return false;
	return true;
}

/*
 * Append s as valid UTF-8: invalid bytes become U+FFFD, NUL is dropped,
 * a leading BOM is dropped, CR LF becomes LF when crlf is set.
 */
static void
sb_add_clean(sbuf *out, const char *s, size_t n, bool crlf)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0,
				run = 0;

	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		i = 3;
	run = i;
	while (i < n)
	{
		uint32_t	cp;
		int			k;

		if (u[i] >= 0x20 && u[i] < 0x80)
		{
			i++;
			continue;
		}
		k = utf8_seq(u + i, n - i, &cp);
		if (k > 0 && u[i] != 0 && !(crlf && u[i] == '\r' && i + 1 < n && u[i + 1] == '\n'))
		{
			i += k;
			continue;
		}
		sb_add(out, s + run, i - run);
		if (k == 0)
			sb_add_cp(out, 0xFFFD);
		i += k ? k : 1;
		run = i;
	}
	sb_add(out, s + run, n - run);
}

/* ------------------------------------------------------------------ */
/* Charsets                                                            */
/* ------------------------------------------------------------------ */

typedef enum cs_kind
{
	CS_UNKNOWN,					/* missing, unknown or garbage: sniff */
	CS_ASCII,					/* us-ascii: 8-bit content is a lie, sniff */
	CS_UTF8,
	CS_CP1252,					/* latin-1/windows-1252, own table */
	CS_BIG5,					/* BIG5-HKSCS, then CP950, then BIG5 */
	CS_ICONV					/* any other label iconv knows */
} cs_kind;

typedef struct cs_info
{
	cs_kind		kind;
	char		name[MIME_CHARSET_LEN];	/* iconv name for CS_ICONV */
	bool		dbcs;			/* CJK double-byte: mojibake recovery applies */
	bool		wide;			/* UTF-16/32: bytes may look like anything */
	bool		ascii_compat;	/* pure ASCII input converts to itself */
} cs_info;

static const struct
{
	const char *label;
	cs_kind		kind;
	const char *name;
	bool		dbcs;
	bool		wide;
}			cs_table[] = {
	{"utf-8", CS_UTF8, "", false, false},
	{"utf8", CS_UTF8, "", false, false},
	{"x-utf-8", CS_UTF8, "", false, false},
	{"us-ascii", CS_ASCII, "", false, false},
	{"ascii", CS_ASCII, "", false, false},
	{"ansi_x3.4-1968", CS_ASCII, "", false, false},
	{"iso-ir-6", CS_ASCII, "", false, false},
	{"646", CS_ASCII, "", false, false},
	{"iso-8859-1", CS_CP1252, "", false, false},
	{"iso8859-1", CS_CP1252, "", false, false},
	{"iso_8859-1", CS_CP1252, "", false, false},
	{"latin1", CS_CP1252, "", false, false},
	{"latin-1", CS_CP1252, "", false, false},
	{"l1", CS_CP1252, "", false, false},
	{"cp819", CS_CP1252, "", false, false},
	{"windows-1252", CS_CP1252, "", false, false},
	{"cp1252", CS_CP1252, "", false, false},
	{"x-cp1252", CS_CP1252, "", false, false},
	{"gb2312", CS_ICONV, "GB18030", true, false},
	{"gb_2312-80", CS_ICONV, "GB18030", true, false},
	{"csgb2312", CS_ICONV, "GB18030", true, false},
	{"euc-cn", CS_ICONV, "GB18030", true, false},
	{"x-euc-cn", CS_ICONV, "GB18030", true, false},
	{"gbk", CS_ICONV, "GB18030", true, false},
	{"x-gbk", CS_ICONV, "GB18030", true, false},
	{"cp936", CS_ICONV, "GB18030", true, false},
	{"ms936", CS_ICONV, "GB18030", true, false},
	{"windows-936", CS_ICONV, "GB18030", true, false},
	{"chinese", CS_ICONV, "GB18030", true, false},
	{"gb18030", CS_ICONV, "GB18030", true, false},
	{"big5", CS_BIG5, "", true, false},
	{"big-5", CS_BIG5, "", true, false},
	{"x-big5", CS_BIG5, "", true, false},
	{"cn-big5", CS_BIG5, "", true, false},
	{"csbig5", CS_BIG5, "", true, false},
	{"big5-hkscs", CS_BIG5, "", true, false},
	{"big5hkscs", CS_BIG5, "", true, false},
	{"cp950", CS_BIG5, "", true, false},
	{"x-x-big5", CS_BIG5, "", true, false},
	{"ks_c_5601-1987", CS_ICONV, "CP949", true, false},
	{"ks_c_5601", CS_ICONV, "CP949", true, false},
	{"ksc5601", CS_ICONV, "CP949", true, false},
	{"ksc_5601", CS_ICONV, "CP949", true, false},
	{"euc-kr", CS_ICONV, "CP949", true, false},
	{"x-euc-kr", CS_ICONV, "CP949", true, false},
	{"cp949", CS_ICONV, "CP949", true, false},
	{"windows-949", CS_ICONV, "CP949", true, false},
	{"korean", CS_ICONV, "CP949", true, false},
	{"shift_jis", CS_ICONV, "CP932", true, false},
	{"shift-jis", CS_ICONV, "CP932", true, false},
	{"sjis", CS_ICONV, "CP932", true, false},
	{"x-sjis", CS_ICONV, "CP932", true, false},
	{"ms_kanji", CS_ICONV, "CP932", true, false},
	{"windows-31j", CS_ICONV, "CP932", true, false},
	{"cp932", CS_ICONV, "CP932", true, false},
	{"euc-jp", CS_ICONV, "EUC-JP", true, false},
	{"x-euc-jp", CS_ICONV, "EUC-JP", true, false},
	{"iso-2022-jp", CS_ICONV, "ISO-2022-JP-2", false, false},
	{"iso-2022-jp-1", CS_ICONV, "ISO-2022-JP-2", false, false},
	{"iso-2022-jp-2", CS_ICONV, "ISO-2022-JP-2", false, false},
	{"csiso2022jp", CS_ICONV, "ISO-2022-JP-2", false, false},
	{"unicodebig", CS_ICONV, "UTF-16BE", false, true},
	{"unicodebigunmarked", CS_ICONV, "UTF-16BE", false, true},
	{"unicodefffe", CS_ICONV, "UTF-16BE", false, true},
	{"unicode", CS_ICONV, "UTF-16", false, true},
	{"unicodelittle", CS_ICONV, "UTF-16LE", false, true},
	{"ucs-2", CS_ICONV, "UTF-16", false, true},
	{"utf-16", CS_ICONV, "UTF-16", false, true},
	{"utf-16be", CS_ICONV, "UTF-16BE", false, true},
	{"utf-16le", CS_ICONV, "UTF-16LE", false, true},
	{"utf-32", CS_ICONV, "UTF-32", false, true},
	{"utf-32be", CS_ICONV, "UTF-32BE", false, true},
	{"utf-32le", CS_ICONV, "UTF-32LE", false, true},
	{"iso-8859-8-i", CS_ICONV, "ISO-8859-8", false, false},
	{"tis-620", CS_ICONV, "TIS-620", false, false},
	{"windows-874", CS_ICONV, "CP874", false, false},
};

static void
cs_lookup(const char *label, cs_info *ci)
{
	char		l[MIME_CHARSET_LEN];
	size_t		n = 0,
				i;
	const char *s = label ? label : "";
	size_t		sl = strlen(s);

	memset(ci, 0, sizeof(*ci));
	ci->kind = CS_UNKNOWN;
	ci->ascii_compat = true;
	trim(&s, &sl);
	/* Strip quotes and an RFC 2231 language suffix ("utf-8*en"). */
	while (sl && (*s == '"' || *s == '\''))
	{
		s++;
		sl--;
	}
	for (i = 0; i < sl && s[i] != '"' && s[i] != '\'' && s[i] != '*'; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (n + 1 >= sizeof(l))
			return;				/* absurdly long: unknown */
		/* Anything outside this set is garbage, never passed to iconv. */
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':'))
			return;
		l[n++] = (char) tolower(c);
	}
	l[n] = '\0';
	if (n == 0)
		return;
	for (i = 0; i < sizeof(cs_table) / sizeof(cs_table[0]); i++)
	{
		if (strcmp(l, cs_table[i].label) == 0)
		{
			ci->kind = cs_table[i].kind;
			snprintf(ci->name, sizeof(ci->name), "%s", cs_table[i].name);
			ci->dbcs = cs_table[i].dbcs;
			ci->wide = cs_table[i].wide;
			ci->ascii_compat = !ci->wide && strstr(ci->name, "2022") == NULL;
			return;
		}
	}
	if (strcmp(l, "unknown-8bit") == 0 || strcmp(l, "x-unknown") == 0 ||
		strcmp(l, "unknown") == 0 || strcmp(l, "default") == 0 ||
		strncmp(l, "x-user-defined", 14) == 0)
		return;
	/* Any other label glibc knows (iso-8859-x, windows-125x, koi8-r...). */
	{
		iconv_t		cd = iconv_open("UTF-8", l);

		if (cd == (iconv_t) -1)
			return;
		iconv_close(cd);
		ci->kind = CS_ICONV;
		snprintf(ci->name, sizeof(ci->name), "%s", l);
		/* Stateful 7-bit encodings and UTF-7 must be converted even if ASCII. */
		ci->ascii_compat = strstr(l, "2022") == NULL && strstr(l, "utf-7") == NULL &&
			strstr(l, "utf7") == NULL && strncmp(l, "hz", 2) != 0 &&
			strncmp(l, "utf-16", 6) != 0 && strncmp(l, "utf-32", 6) != 0 &&
			strncmp(l, "ucs", 3) != 0 && strncmp(l, "cp037", 5) != 0 &&
			strncmp(l, "ibm", 3) != 0 && strncmp(l, "ebcdic", 6) != 0;
		ci->wide = strncmp(l, "utf-16", 6) == 0 || strncmp(l, "utf-32", 6) == 0 ||
			strncmp(l, "ucs", 3) == 0;
	}
}

/*
 * Run iconv from `from` to UTF-8.  strict: fail (return false, out
 * untouched) on any invalid or incomplete input; lossy: U+FFFD per bad
 * byte.  Returns false also when the converter cannot be opened.
 */
static bool
iconv_conv(const char *from, const char *s, size_t n, sbuf *out, bool strict)
{
	iconv_t		cd;
	size_t		start = out->len;
	char	   *in = (char *) s;
	size_t		inleft = n;
	bool		ok = true;

	cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t) -1)
		return false;
	for (;;)
	{
		char	   *op;
		size_t		oleft,
					r;
		size_t		chunk = inleft * 4 + 64;

		if (chunk > 1 << 20)
			chunk = 1 << 20;
		if (!sb_reserve(out, chunk))
		{
			ok = false;
			break;
		}
		op = out->p + out->len;
		oleft = out->cap - out->len - 1;
		if (inleft == 0)
		{
			/* end of input: flush any shift state */
			r = iconv(cd, NULL, NULL, &op, &oleft);
			out->len = (size_t) (op - out->p);
			out->p[out->len] = '\0';
			if (r == (size_t) -1 && errno == E2BIG)
				continue;
			break;
		}
		r = iconv(cd, &in, &inleft, &op, &oleft);
		out->len = (size_t) (op - out->p);
		out->p[out->len] = '\0';
		if (r != (size_t) -1 || errno == E2BIG)
			continue;
		if (strict)
		{
			ok = false;
			break;
		}
		/* EILSEQ, or EINVAL for a sequence truncated at the end */
		sb_add_cp(out, 0xFFFD);
		if (errno == EINVAL)
			break;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	if (!ok)
	{
		out->len = start;
		if (out->p)
			out->p[start] = '\0';
	}
	return ok;
}

/* windows-1252 with the five undefined bytes mapped as Latin-1 does. */
static void
conv_cp1252(const char *s, size_t n, sbuf *out)
{
	static const uint16_t hi[32] = {
		0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
		0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
	};
	size_t		i;

	if (!sb_reserve(out, n * 3))
		return;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x80)
			sb_addc(out, (char) c);
		else if (c < 0xA0)
			sb_add_cp(out, hi[c - 0x80]);
		else
			sb_add_cp(out, c);
	}
}

static bool
conv_big5(const char *s, size_t n, sbuf *out, bool strict)
{
	if (iconv_conv("BIG5-HKSCS", s, n, out, true) ||
		iconv_conv("CP950", s, n, out, true) ||
		iconv_conv("BIG5", s, n, out, true))
		return true;
	if (strict)
		return false;
	return iconv_conv("BIG5-HKSCS", s, n, out, false);
}

/* Convert with a known charset; strict decides failure behaviour. */
static bool
conv_known(const cs_info *ci, const char *s, size_t n, sbuf *out, bool strict)
{
	switch (ci->kind)
	{
		case CS_CP1252:
			conv_cp1252(s, n, out);
			return true;
		case CS_BIG5:
			return conv_big5(s, n, out, strict);
		case CS_ICONV:
			if (strcmp(ci->name, "UTF-16") == 0 || strcmp(ci->name, "UTF-32") == 0)
			{
				/* RFC 2781: BOM decides, big-endian without one (glibc
				 * would use the host order). */
				cs_info		e = *ci;
				const unsigned char *u = (const unsigned char *) s;
				bool		w32 = ci->name[4] == '3';

				size_t		bom = 0;

				snprintf(e.name, sizeof(e.name), w32 ? "UTF-32BE" : "UTF-16BE");
				if (!w32 && n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
				{
					snprintf(e.name, sizeof(e.name), "UTF-16LE");
					bom = 2;
				}
				else if (!w32 && n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
					bom = 2;
				else if (w32 && n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
				{
					snprintf(e.name, sizeof(e.name), "UTF-32LE");
					bom = 4;
				}
				else if (w32 && n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
					bom = 4;
				return conv_known(&e, s + bom, n - bom, out, strict);
			}
			if (iconv_conv(ci->name, s, n, out, true))
				return true;
			if (strict)
				return false;
			if (iconv_conv(ci->name, s, n, out, false))
				return true;
			conv_cp1252(s, n, out);
			return true;
		case CS_UTF8:
		case CS_ASCII:
			if (strict && !utf8_scan(s, n, NULL, NULL))
				return false;
			sb_add_clean(out, s, n, false);
			return true;
		case CS_UNKNOWN:
			break;
	}
	return false;
}

/*
 * Rare-character score of s read as GB18030 (big5=false) or Big5.
 * Frequent hanzi live in GB2312 level 1/2 (both bytes A1-FE, lead B0-F7)
 * and in Big5 level 1 (lead A4-C6); text in the other encoding lands in
 * the rare zones (GBK trail bytes below A1; Big5 leads C7-F9).  *chars
 * counts the double-byte characters seen.
 */
static size_t
dbcs_rare(const unsigned char *s, size_t n, bool big5, size_t *chars)
{
	size_t		i = 0,
				rare = 0,
				nc = 0;

	while (i < n)
	{
		unsigned char c = s[i];

		if (c < 0x80)
		{
			i++;
			continue;
		}
		nc++;
		if (i + 1 >= n)
		{
			rare += 2;
			break;
		}
		{
			unsigned char t = s[i + 1];

			if (!big5)
			{
				if (c >= 0x81 && c <= 0xFE && t >= 0x30 && t <= 0x39)
				{
					rare++;		/* four-byte GB18030 */
					i += 4;
					continue;
				}
				if (c < 0x81 || c == 0xFF || t < 0x40 || t == 0x7F || t == 0xFF)
					rare += 2;
				else if (!(c >= 0xA1 && c <= 0xF7 && t >= 0xA1))
					rare++;
			}
			else
			{
				bool		tok = (t >= 0x40 && t <= 0x7E) || (t >= 0xA1 && t <= 0xFE);

				if (!tok || c < 0x81 || c == 0xFF)
					rare += 2;
				else if (!(c >= 0xA1 && c <= 0xC6))
					rare++;
			}
			i += 2;
		}
	}
	*chars = nc;
	return rare;
}

/* Count code points >= U+2E80 (CJK and friends) in UTF-8 text. */
static size_t
count_cjk(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0,
				c = 0;

	while (i < n)
	{
		uint32_t	cp;
		int			k = utf8_seq(u + i, n - i, &cp);

		if (k == 0)
			k = 1;
		else if (cp >= 0x2E80 && cp != 0xFFFD)
			c++;
		i += k;
	}
	return c;
}

/*
 * s is valid UTF-8; if every code point is <= U+00FF and the Latin-1
 * bytes decode strictly in the CJK charset to CJK text, s was Latin-1
 * mojibake of that charset: append the recovered text and return true.
 */
static bool
recover_mojibake(const char *s, size_t n, const cs_info *ci, sbuf *out)
{
	const unsigned char *u = (const unsigned char *) s;
	sbuf		raw = {0},
				dec = {0};
	size_t		i = 0,
				high = 0;
	bool		ok = false;

	while (i < n)
	{
		uint32_t	cp;
		int			k = utf8_seq(u + i, n - i, &cp);

		if (k == 0 || cp > 0xFF)
			goto done;
		if (cp >= 0x80)
			high++;
		sb_addc(&raw, (char) cp);
		i += k;
	}
	if (high < 2 || mime_oom)
		goto done;
	if (!conv_known(ci, raw.p, raw.len, &dec, true))
		goto done;
	if (count_cjk(dec.p, dec.len) * 2 < high / 2)
		goto done;
	sb_add(out, dec.p, dec.len);
	ok = true;
done:
	sb_free(&raw);
	sb_free(&dec);
	return ok;
}

/* Undeclared or untrustworthy 8-bit bytes: guess.  hint may be NULL. */
static void
sniff_conv(const char *s, size_t n, const cs_info *hint, sbuf *out)
{
	size_t		multi,
				bad;

	if (all_ascii(s, n))
	{
		sb_add_clean(out, s, n, false);
		return;
	}
	if (utf8_scan(s, n, &multi, &bad))
	{
		if (hint && hint->dbcs && recover_mojibake(s, n, hint, out))
			return;
		sb_add(out, s, n);
		return;
	}
	/* Mostly UTF-8 with a stray byte or two (truncated names). */
	if (multi >= 2 && bad * 4 <= multi)
	{
		sb_add_clean(out, s, n, false);
		return;
	}
	if (hint && hint->kind != CS_UNKNOWN && hint->kind != CS_ASCII &&
		hint->kind != CS_UTF8 && !hint->wide && conv_known(hint, s, n, out, true))
		return;
	{
		size_t		gchars,
					bchars;
		size_t		grare = dbcs_rare((const unsigned char *) s, n, false, &gchars);
		size_t		brare = dbcs_rare((const unsigned char *) s, n, true, &bchars);
		bool		prefer_big5 = brare < grare;
		cs_info		gb = {CS_ICONV, "GB18030", true, false, true};
		cs_info		b5 = {CS_BIG5, "", true, false, true};

		/* Accept a CJK reading only if rare characters stay a minority. */
		if (prefer_big5 && brare * 4 <= bchars && conv_known(&b5, s, n, out, true))
			return;
		if (grare * 4 <= gchars && conv_known(&gb, s, n, out, true))
			return;
		if (!prefer_big5 && brare * 4 <= bchars && conv_known(&b5, s, n, out, true))
			return;
	}
	conv_cp1252(s, n, out);
}

/*
 * The one conversion entry point: bytes in the declared label (may be
 * NULL/empty) to UTF-8 appended to out (not yet sanitised).
 */
static void
conv_to_utf8(const char *s, size_t n, const char *label, const cs_info *hint, sbuf *out)
{
	cs_info		ci;
	size_t		multi,
				bad;

	cs_lookup(label, &ci);
	if (ci.kind == CS_UNKNOWN || ci.kind == CS_ASCII)
	{
		sniff_conv(s, n, hint, out);
		return;
	}
	if (ci.kind == CS_UTF8)
	{
		/* a few bad bytes are damage (U+FFFD); many mean another charset */
		if (utf8_scan(s, n, &multi, &bad) || bad < 3 || bad <= multi * 2)
			sb_add_clean(out, s, n, false);
		else
			sniff_conv(s, n, NULL, out);	/* "utf-8" that plainly is not */
		return;
	}
	if (ci.ascii_compat && all_ascii(s, n))
	{
		sb_add(out, s, n);
		return;
	}
	/* Valid UTF-8 with 8-bit content beats an 8-bit label (lying label). */
	if (!ci.wide && !all_ascii(s, n) && utf8_scan(s, n, &multi, &bad) && multi > 0)
	{
		if (ci.dbcs && recover_mojibake(s, n, &ci, out))
			return;
		sb_add(out, s, n);
		return;
	}
	if (conv_known(&ci, s, n, out, true))
		return;
	if (ci.dbcs)
	{
		/* Declared CJK charset fails: maybe it is the other CJK charset. */
		size_t		gchars,
					bchars;
		size_t		grare = dbcs_rare((const unsigned char *) s, n, false, &gchars);
		size_t		brare = dbcs_rare((const unsigned char *) s, n, true, &bchars);
		cs_info		other;

		if (ci.kind == CS_BIG5 && grare < brare)
			cs_lookup("gb18030", &other);
		else if (ci.kind != CS_BIG5 && brare < grare)
			cs_lookup("big5", &other);
		else
			other.kind = CS_UNKNOWN;
		if (other.kind != CS_UNKNOWN && conv_known(&other, s, n, out, true))
			return;
	}
	conv_known(&ci, s, n, out, false);
}

char *
mime_to_utf8(const char *data, size_t len, const char *charset)
{
	sbuf		raw = {0},
				out = {0};

	if (!data)
		len = 0;
	conv_to_utf8(data ? data : "", len, charset, NULL, &raw);
	sb_add_clean(&out, sb_str(&raw), raw.len, false);
	sb_free(&raw);
	return sb_take(&out);
}

/* ------------------------------------------------------------------ */
/* Transfer encodings                                                  */
/* ------------------------------------------------------------------ */

static void
decode_base64(const char *s, size_t n, sbuf *out)
{
	uint32_t	acc = 0;
	int			bits = 0;
	size_t		i;

	if (!sb_reserve(out, n / 4 * 3 + 3))
		return;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		int			v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
		{
			/* Padding ends a quantum; concatenated encodings restart. */
			if (c == '=')
			{
				acc = 0;
				bits = 0;
			}
			continue;
		}
		acc = (acc << 6) | (uint32_t) v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			out->p[out->len++] = (char) ((acc >> bits) & 0xFF);
		}
	}
	out->p[out->len] = '\0';
}

/*
 * Quoted-printable.  header: RFC 2047 "Q" ('_' is space, no soft breaks).
 * Bad escapes are kept literally, as RFC 2045 6.7 recommends.
 */
static void
decode_qp(const char *s, size_t n, sbuf *out, bool header)
{
	size_t		i = 0;

	if (!sb_reserve(out, n))
		return;
	while (i < n)
	{
		char		c = s[i];

		if (c == '=' && i + 2 < n + 0 && hexval((unsigned char) s[i + 1]) >= 0 &&
			hexval((unsigned char) s[i + 2]) >= 0)
		{
			out->p[out->len++] = (char) (hexval((unsigned char) s[i + 1]) * 16 +
										 hexval((unsigned char) s[i + 2]));
			i += 3;
			continue;
		}
		if (c == '=' && !header)
		{
			/* Soft line break: '=' then optional trailing blanks then EOL. */
			size_t		j = i + 1;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j < n && s[j] == '\r' && j + 1 < n && s[j + 1] == '\n')
			{
				i = j + 2;
				continue;
			}
			if (j < n && s[j] == '\n')
			{
				i = j + 1;
				continue;
			}
			if (j == n)
			{
				i = n;
				continue;
			}
		}
		if (c == '_' && header)
			c = ' ';
		out->p[out->len++] = c;
		i++;
	}
	out->p[out->len] = '\0';
}

/* ------------------------------------------------------------------ */
/* RFC 2047 encoded words                                              */
/* ------------------------------------------------------------------ */

/*
 * If an encoded word starts at s[i], return its end index and fill
 * charset / encoding / text span; else return 0.
 */
static size_t
ew_match(const char *s, size_t n, size_t i, char *cs, size_t cslen,
		 char *enc, size_t *ts, size_t *te)
{
	size_t		j,
				k,
				c0;

	if (i + 1 >= n || s[i] != '=' || s[i + 1] != '?')
		return 0;
	c0 = i + 2;
	for (j = c0; j < n && j - c0 < 64; j++)
	{
		unsigned char c = (unsigned char) s[j];

		if (c == '?' || c <= ' ' || c >= 0x7F)
			break;
	}
	if (j >= n || s[j] != '?' || j == c0 || j - c0 >= cslen)
		return 0;
	if (j + 2 >= n || s[j + 2] != '?')
		return 0;
	*enc = (char) toupper((unsigned char) s[j + 1]);
	if (*enc != 'B' && *enc != 'Q')
		return 0;
	memcpy(cs, s + c0, j - c0);
	cs[j - c0] = '\0';
	*ts = j + 3;
	/*
	 * Encoded text: up to "?=", no white space (RFC 2047 section 5), at
	 * most 2048 bytes -- longer than the RFC's 75 because real clients
	 * exceed it, bounded so that a value full of "=?" stays cheap.
	 */
	for (k = *ts; k + 1 < n && k - *ts < 2048; k++)
	{
		if (s[k] == '?' && s[k + 1] == '=')
		{
			*te = k;
			return k + 2;
		}
		if (is_wsp((unsigned char) s[k]))
			return 0;
	}
	return 0;
}

/*
 * Decode RFC 2047 words anywhere in s (also inside quotes and parameter
 * values, as real clients put them).  Whitespace between two encoded words
 * is dropped; consecutive words with the same charset are decoded to bytes
 * first and converted together, so a character split across words
 * survives.  Raw 8-bit text outside words is sniffed with the hint.
 * Output is UTF-8 (unsanitised; callers sanitise).
 */
static void
decode_2047(const char *s, size_t n, const cs_info *hint, sbuf *out)
{
	sbuf		pend = {0};
	char		pend_cs[MIME_CHARSET_LEN] = "";
	bool		have_pend = false;
	size_t		i = 0,
				lit = 0;
	size_t		nwords = 0;

	while (i < n)
	{
		char		cs[MIME_CHARSET_LEN],
					enc;
		size_t		ts,
					te,
					end;

		end = (s[i] == '=') ? ew_match(s, n, i, cs, sizeof(cs), &enc, &ts, &te) : 0;
		if (end == 0 || nwords >= 10000)
		{
			i++;
			continue;
		}
		nwords++;
		/* Literal between the previous word (or start) and this word. */
		if (i > lit)
		{
			bool		blank = true;
			size_t		k;

			for (k = lit; k < i; k++)
				if (!is_wsp((unsigned char) s[k]))
					blank = false;
			if (!(blank && have_pend))
			{
				if (have_pend)
				{
					conv_to_utf8(sb_str(&pend), pend.len, pend_cs, hint, out);
					pend.len = 0;
					have_pend = false;
				}
				conv_to_utf8(s + lit, i - lit, NULL, hint, out);
			}
		}
		/* An RFC 2231 language suffix is not part of the charset. */
		{
			char	   *star = strchr(cs, '*');

			if (star)
				*star = '\0';
		}
		if (have_pend && strcasecmp(cs, pend_cs) != 0)
		{
			conv_to_utf8(sb_str(&pend), pend.len, pend_cs, hint, out);
			pend.len = 0;
			have_pend = false;
		}
		if (!have_pend)
		{
			snprintf(pend_cs, sizeof(pend_cs), "%s", cs);
			have_pend = true;
		}
		if (enc == 'B')
			decode_base64(s + ts, te - ts, &pend);
		else
			decode_qp(s + ts, te - ts, &pend, true);
		i = lit = end;
	}
	if (have_pend)
		conv_to_utf8(sb_str(&pend), pend.len, pend_cs, hint, out);
	if (lit < n)
		conv_to_utf8(s + lit, n - lit, NULL, hint, out);
	sb_free(&pend);
}

/* ------------------------------------------------------------------ */
/* Header block                                                        */
/* ------------------------------------------------------------------ */

typedef struct mhdr
{
	char		name[64];		/* lowercased, truncated */
	sbuf		val;			/* unfolded raw bytes */
} mhdr;

typedef struct mhdrs
{
	mhdr	   *h;
	int			n;
	int			cap;
	size_t		total;
	bool		truncated;
} mhdrs;

static void
hdrs_free(mhdrs *hs)
{
	int			i;

	for (i = 0; i < hs->n; i++)
		sb_free(&hs->h[i].val);
	free(hs->h);
	memset(hs, 0, sizeof(*hs));
}

static void
hdr_append(mhdrs *hs, const char *s, size_t n)
{
	mhdr	   *h;

	if (hs->n == 0)
		return;
	h = &hs->h[hs->n - 1];
	if (h->val.len + n > MIME_MAX_HEADER_VALUE || hs->total + n > MIME_MAX_HEADER_TOTAL)
	{
		hs->truncated = true;
		return;
	}
	sb_add(&h->val, s, n);
	hs->total += n;
}

/* Does p[pos..end) look like "name:" with a valid field name? */
static bool
line_is_field(const char *p, size_t pos, size_t end)
{
	size_t		k;

	for (k = pos; k < end; k++)
	{
		unsigned char c = (unsigned char) p[k];

		if (c == ':' || c == ' ' || c == '\t' || c < 0x20 || c == 0x7F)
			break;
	}
	if (k == pos)
		return false;
	while (k < end && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return k < end && p[k] == ':';
}

/*
 * A non-field line met inside a header block: true when the next lines
 * (at most 50) are all field-like (fields, continuations, lines with a
 * colon after a malformed name) up to an empty line.  Real generators
 * emit such lines (names with blanks, stray dumps); Python's email would
 * end the headers there and lose the Subject that follows.
 */
static bool
garbage_line_in_headers(const char *p, size_t pos, size_t n)
{
	int			lines;

	for (lines = 0; lines < 50 && pos < n; lines++)
	{
		const char *nl = memchr(p + pos, '\n', n - pos);
		size_t		eol = nl ? (size_t) (nl - p) : n;
		size_t		end = eol;

		if (end > pos && p[end - 1] == '\r')
			end--;
		if (end == pos)
			return nl != NULL;
		/* fields, continuations, and "name with junk: value" lines */
		if (p[pos] != ' ' && p[pos] != '\t' && !line_is_field(p, pos, end) &&
			!memchr(p + pos, ':', end - pos))
			return false;
		pos = nl ? eol + 1 : n;
	}
	return false;
}

/*
 * Parse the header block of p[0..n); return the offset where the body
 * starts.  A line that cannot be a header field ends the block and is
 * the first body line.
 */
static size_t
parse_headers(const char *p, size_t n, mhdrs *hs)
{
	size_t		pos = 0;
	bool		current = false;	/* continuation lines attach to it */

	while (pos < n)
	{
		const char *nl = memchr(p + pos, '\n', n - pos);
		size_t		eol = nl ? (size_t) (nl - p) : n;
		size_t		next = nl ? eol + 1 : n;
		size_t		end = eol;
		size_t		k;

		if (end > pos && p[end - 1] == '\r')
			end--;
		if (end == pos)
			return next;		/* the empty line */
		if (p[pos] == ' ' || p[pos] == '\t')
		{
			if (current)
				hdr_append(hs, p + pos, end - pos);
			pos = next;
			continue;
		}
		/* field-name: printable except ':'; obsolete blanks before ':' */
		for (k = pos; k < end; k++)
		{
			unsigned char c = (unsigned char) p[k];

			if (c == ':' || c == ' ' || c == '\t' || c < 0x20 || c == 0x7F)
				break;
		}
		{
			size_t		name_end = k;

			while (k < end && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (k >= end || p[k] != ':' || name_end == pos)
			{
				/*
				 * Not a field.  Inside a header block that clearly goes on
				 * (only fields up to an empty line follow) it is garbage to
				 * skip; otherwise the body starts here.
				 */
				if (hs->n > 0 && garbage_line_in_headers(p, next, n))
				{
					current = false;
					pos = next;
					continue;
				}
				return pos;
			}
			current = false;
			if (hs->n >= MIME_MAX_HEADERS)
			{
				hs->truncated = true;
				pos = next;
				continue;
			}
			if (hs->n == hs->cap)
			{
				int			ncap = hs->cap ? hs->cap * 2 : 16;
				mhdr	   *nh = realloc(hs->h, (size_t) ncap * sizeof(mhdr));

				if (!nh)
				{
					mime_oom = true;
					return n;
				}
				hs->h = nh;
				hs->cap = ncap;
			}
			{
				mhdr	   *h = &hs->h[hs->n++];
				size_t		nl2 = name_end - pos,
							j;

				memset(h, 0, sizeof(*h));
				if (nl2 >= sizeof(h->name))
					nl2 = sizeof(h->name) - 1;
				for (j = 0; j < nl2; j++)
					h->name[j] = (char) tolower((unsigned char) p[pos + j]);
				h->name[nl2] = '\0';
				current = true;
				k++;			/* past ':' */
				while (k < end && (p[k] == ' ' || p[k] == '\t'))
					k++;
				sb_reserve(&h->val, 0);
				hdr_append(hs, p + k, end - k);
			}
		}
		pos = next;
	}
	return n;
}

static const sbuf *
hdr_get(const mhdrs *hs, const char *name)
{
	int			i;

	for (i = 0; i < hs->n; i++)
		if (strcmp(hs->h[i].name, name) == 0)
			return &hs->h[i].val;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Structured header values: Content-Type / Content-Disposition        */
/* ------------------------------------------------------------------ */

typedef struct mparam
{
	char		name[48];		/* lowercased, RFC 2231 suffix removed */
	int			idx;			/* -1 plain, -2 "name*", >=0 continuation */
	bool		enc;			/* percent-encoded (trailing '*') */
	sbuf		val;
} mparam;

typedef struct mfield
{
	char		value[128];		/* "type/subtype" or disposition, lowercased */
	mparam		p[MIME_MAX_PARAMS];
	int			n;
} mfield;

static void
field_free(mfield *f)
{
	int			i;

	for (i = 0; i < f->n; i++)
		sb_free(&f->p[i].val);
	f->n = 0;
}

static void
parse_field(const char *s, size_t n, mfield *f)
{
	size_t		i = 0,
				k = 0;

	memset(f, 0, sizeof(*f));
	while (i < n && is_wsp((unsigned char) s[i]))
		i++;
	/* main value: up to ';', whitespace or a comment */
	while (i < n && s[i] != ';' && !is_wsp((unsigned char) s[i]) && s[i] != '(')
	{
		if (k + 1 < sizeof(f->value))
			f->value[k++] = (char) tolower((unsigned char) s[i]);
		i++;
	}
	f->value[k] = '\0';
	/* A media type or disposition is ASCII tokens; anything else is junk. */
	for (k = 0; f->value[k]; k++)
		if ((unsigned char) f->value[k] <= ' ' || (unsigned char) f->value[k] >= 0x7F ||
			strchr("\"()<>@,;:\\[]?=", f->value[k]))
		{
			f->value[0] = '\0';
			break;
		}
	while (i < n && s[i] != ';')
		i++;
	while (i < n && f->n < MIME_MAX_PARAMS)
	{
		size_t		ns,
					ne;
		mparam	   *pm;

		while (i < n && (s[i] == ';' || is_wsp((unsigned char) s[i])))
			i++;
		ns = i;
		while (i < n && s[i] != '=' && s[i] != ';')
			i++;
		if (i >= n || s[i] == ';')
			continue;			/* attribute without value: ignore */
		ne = i;
		while (ne > ns && is_wsp((unsigned char) s[ne - 1]))
			ne--;
		i++;					/* '=' */
		while (i < n && is_wsp((unsigned char) s[i]))
			i++;
		pm = &f->p[f->n];
		memset(pm, 0, sizeof(*pm));
		pm->idx = -1;
		{
			size_t		l = ne - ns,
						j;

			if (l >= sizeof(pm->name))
				l = sizeof(pm->name) - 1;
			for (j = 0; j < l; j++)
				pm->name[j] = (char) tolower((unsigned char) s[ns + j]);
			pm->name[l] = '\0';
			/* RFC 2231: name*, name*N, name*N* */
			l = strlen(pm->name);
			if (l > 0 && pm->name[l - 1] == '*')
			{
				pm->enc = true;
				pm->name[--l] = '\0';
				pm->idx = -2;
			}
			{
				char	   *st = strrchr(pm->name, '*');

				if (st && st[1] != '\0' && strspn(st + 1, "0123456789") == strlen(st + 1) &&
					strlen(st + 1) <= 3)
				{
					pm->idx = atoi(st + 1);
					*st = '\0';
				}
			}
		}
		sb_reserve(&pm->val, 0);
		if (i < n && s[i] == '"')
		{
			i++;
			while (i < n && s[i] != '"')
			{
				if (s[i] == '\\' && i + 1 < n)
					i++;
				/* unfolded CR/LF inside a quoted value are dropped */
				if (s[i] != '\r' && s[i] != '\n')
					sb_addc(&pm->val, s[i]);
				i++;
			}
			if (i < n)
				i++;
			while (i < n && s[i] != ';')
				i++;
		}
		else
		{
			size_t		vs = i,
						ve;

			while (i < n && s[i] != ';')
				i++;
			ve = i;
			while (ve > vs && is_wsp((unsigned char) s[ve - 1]))
				ve--;
			sb_add(&pm->val, s + vs, ve - vs);
		}
		if (pm->name[0] == '\0')
			sb_free(&pm->val);
		else
			f->n++;
	}
}

static void
percent_decode(const char *s, size_t n, sbuf *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (s[i] == '%' && i + 2 < n + 0 && hexval((unsigned char) s[i + 1]) >= 0 &&
			hexval((unsigned char) s[i + 2]) >= 0)
		{
			sb_addc(out, (char) (hexval((unsigned char) s[i + 1]) * 16 +
								 hexval((unsigned char) s[i + 2])));
			i += 2;
		}
		else
			sb_addc(out, s[i]);
	}
}

/* Split "charset'lang'rest"; returns offset of rest, fills charset. */
static size_t
split_2231(const char *s, size_t n, char *cs, size_t cslen)
{
	const char *q1 = memchr(s, '\'', n);
	const char *q2;
	size_t		l;

	cs[0] = '\0';
	if (!q1)
		return 0;
	q2 = memchr(q1 + 1, '\'', n - (size_t) (q1 + 1 - s));
	if (!q2)
		return 0;
	l = (size_t) (q1 - s);
	if (l >= cslen)
		l = cslen - 1;
	memcpy(cs, s, l);
	cs[l] = '\0';
	return (size_t) (q2 + 1 - s);
}

/*
 * Assemble parameter `name` as bytes (RFC 2231 continuations and
 * percent-encoding resolved).  *ext is set when the RFC 2231 form was
 * used, with its charset in cs.  Extended forms win over plain ones.
 */
static bool
param_raw(const mfield *f, const char *name, sbuf *out, bool *ext, char *cs, size_t cslen)
{
	int			i,
				k;
	bool		any = false;

	*ext = false;
	cs[0] = '\0';
	for (i = 0; i < f->n; i++)
	{
		const mparam *pm = &f->p[i];

		if (pm->idx == -2 && strcmp(pm->name, name) == 0)
		{
			size_t		off = split_2231(sb_str(&pm->val), pm->val.len, cs, cslen);

			percent_decode(sb_str(&pm->val) + off, pm->val.len - off, out);
			*ext = true;
			return true;
		}
	}
	for (k = 0; k < MIME_MAX_CONTINUATIONS; k++)
	{
		const mparam *found = NULL;

		for (i = 0; i < f->n; i++)
			if (f->p[i].idx == k && strcmp(f->p[i].name, name) == 0)
			{
				found = &f->p[i];
				break;
			}
		if (!found)
			break;
		any = true;
		if (found->enc)
		{
			size_t		off = 0;

			if (k == 0)
			{
				off = split_2231(sb_str(&found->val), found->val.len, cs, cslen);
				*ext = true;
			}
			percent_decode(sb_str(&found->val) + off, found->val.len - off, out);
		}
		else
			sb_add(out, sb_str(&found->val), found->val.len);
	}
	if (any)
		return true;
	for (i = 0; i < f->n; i++)
		if (f->p[i].idx == -1 && strcmp(f->p[i].name, name) == 0)
		{
			sb_add(out, sb_str(&f->p[i].val), f->p[i].val.len);
			return true;
		}
	return false;
}

/* Parameter as UTF-8 text (RFC 2231 charset, else RFC 2047 / sniffing). */
static bool
param_text(const mfield *f, const char *name, const cs_info *hint, sbuf *out)
{
	sbuf		raw = {0},
				dec = {0};
	bool		ext;
	char		cs[MIME_CHARSET_LEN];

	if (!param_raw(f, name, &raw, &ext, cs, sizeof(cs)))
	{
		sb_free(&raw);
		return false;
	}
	if (ext && cs[0])
		conv_to_utf8(sb_str(&raw), raw.len, cs, hint, &dec);
	else
		decode_2047(sb_str(&raw), raw.len, hint, &dec);
	sb_add_clean(out, sb_str(&dec), dec.len, false);
	sb_free(&raw);
	sb_free(&dec);
	return true;
}

static void
param_charset(const mfield *f, char *cs, size_t cslen)
{
	sbuf		raw = {0};
	bool		ext;
	char		c2[MIME_CHARSET_LEN];

	cs[0] = '\0';
	if (param_raw(f, "charset", &raw, &ext, c2, sizeof(c2)))
		snprintf(cs, cslen, "%s", sb_str(&raw));
	sb_free(&raw);
}

/* ------------------------------------------------------------------ */
/* JSON output helpers                                                 */
/* ------------------------------------------------------------------ */

static void
jset(json_t *obj, const char *key, json_t *v)
{
	if (!v)
	{
		mime_oom = true;
		return;
	}
	if (json_object_set_new(obj, key, v) != 0)
		mime_oom = true;
}

static void
jappend(json_t *arr, json_t *v)
{
	if (!v)
	{
		mime_oom = true;
		return;
	}
	if (json_array_append_new(arr, v) != 0)
		mime_oom = true;
}

/* A JSON string from arbitrary bytes, sanitised to valid UTF-8. */
static json_t *
jstr(const char *s, size_t n)
{
	sbuf		c = {0};
	json_t	   *j;

	sb_add_clean(&c, s, n, false);
	j = json_stringn(sb_str(&c), c.len);
	sb_free(&c);
	return j;
}

/* Collapse whitespace runs to one space and trim (subjects, names). */
static void
collapse_ws(sbuf *b)
{
	size_t		i,
				o = 0;
	bool		sp = false;

	for (i = 0; i < b->len; i++)
	{
		unsigned char c = (unsigned char) b->p[i];

		if (is_wsp(c))
		{
			sp = o > 0;
			continue;
		}
		if (sp)
			b->p[o++] = ' ';
		sp = false;
		b->p[o++] = (char) c;
	}
	b->len = o;
	if (b->p)
		b->p[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Parse context and warnings                                          */
/* ------------------------------------------------------------------ */

typedef struct mctx
{
	json_t	   *attachments;
	json_t	   *warnings;
	int			nparts;
	bool		parts_exhausted;
	char		hint_cs[MIME_CHARSET_LEN];	/* first declared text charset */
} mctx;

typedef struct collector
{
	sbuf		text;
	sbuf		html;
} collector;

static void
warn(mctx *c, const char *msg)
{
	size_t		i;

	for (i = 0; i < json_array_size(c->warnings); i++)
		if (strcmp(json_string_value(json_array_get(c->warnings, i)), msg) == 0)
			return;
	if (json_array_size(c->warnings) < MIME_MAX_WARNINGS)
		jappend(c->warnings, json_string(msg));
}

/* Append body text with a newline separator between pieces. */
static void
collect_add(sbuf *dst, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (dst->len > 0 && dst->p[dst->len - 1] != '\n')
		sb_addc(dst, '\n');
	sb_add(dst, s, n);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

static const struct
{
	const char *name;
	uint32_t	cp;
}			html_entities[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"nbsp", ' '}, {"ensp", ' '}, {"emsp", ' '}, {"thinsp", ' '},
	{"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"hellip", 0x2026},
	{"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
	{"ldquo", 0x201C}, {"rdquo", 0x201D}, {"sbquo", 0x201A}, {"bdquo", 0x201E},
	{"bull", 0x2022}, {"middot", 0xB7}, {"times", 0xD7}, {"divide", 0xF7},
	{"yen", 0xA5}, {"euro", 0x20AC}, {"pound", 0xA3}, {"cent", 0xA2},
	{"laquo", 0xAB}, {"raquo", 0xBB}, {"deg", 0xB0}, {"plusmn", 0xB1},
	{"sect", 0xA7}, {"para", 0xB6}, {"iexcl", 0xA1}, {"iquest", 0xBF},
	{"shy", 0xAD}, {"macr", 0xAF}, {"acute", 0xB4}, {"micro", 0xB5},
	{"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"sup2", 0xB2},
	{"sup3", 0xB3}, {"auml", 0xE4}, {"ouml", 0xF6}, {"uuml", 0xFC},
	{"Auml", 0xC4}, {"Ouml", 0xD6}, {"Uuml", 0xDC}, {"szlig", 0xDF},
	{"eacute", 0xE9}, {"egrave", 0xE8}, {"agrave", 0xE0}, {"aacute", 0xE1},
	{"ccedil", 0xE7}, {"ntilde", 0xF1}, {"oacute", 0xF3}, {"iacute", 0xED},
	{"uacute", 0xFA}, {"Eacute", 0xC9}, {"larr", 0x2190}, {"rarr", 0x2192},
	{"uarr", 0x2191}, {"darr", 0x2193}, {"zwnj", 0x200C}, {"zwj", 0x200D},
	{"lrm", 0x200E}, {"rlm", 0x200F},
};

/* Decode an entity at s[0]=='&'; returns bytes consumed (0 = not one). */
static size_t
html_entity(const char *s, size_t n, uint32_t *cp)
{
	size_t		i = 1;

	if (n < 3)
		return 0;
	if (s[1] == '#')
	{
		uint32_t	v = 0;
		bool		hex = (n > 2 && (s[2] == 'x' || s[2] == 'X'));
		size_t		digits = 0;

		i = hex ? 3 : 2;
		for (; i < n && digits < 8; i++, digits++)
		{
			int			d = hex ? hexval((unsigned char) s[i]) :
				(s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (uint32_t) d;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		/* windows-1252 numeric references are what HTML5 does for 128-159 */
		if (v >= 0x80 && v < 0xA0)
		{
			sbuf		t = {0};
			char		b = (char) v;

			conv_cp1252(&b, 1, &t);
			if (t.len)
			{
				uint32_t	c2;

				if (utf8_seq((const unsigned char *) t.p, t.len, &c2))
					v = c2;
			}
			sb_free(&t);
		}
		*cp = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? 0xFFFD : v;
		return i;
	}
	while (i < n && i < 12 && isalnum((unsigned char) s[i]))
		i++;
	if (i < n && s[i] == ';')
	{
		size_t		k;

		for (k = 0; k < sizeof(html_entities) / sizeof(html_entities[0]); k++)
			if (strlen(html_entities[k].name) == i - 1 &&
				strncmp(html_entities[k].name, s + 1, i - 1) == 0)
			{
				*cp = html_entities[k].cp;
				return i + 1;
			}
	}
	return 0;
}

static bool
tag_is(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/*
 * The '>' that ends the tag whose attributes start at s[j], or NULL.  A
 * quoted attribute value may hold '>' (alt="价格>1万"), so quotes count
 * where HTML starts one: right after '=' and optional blanks.  An
 * unclosed quote falls back to the first '>' rather than eating the rest
 * of the document.
 */
static const char *
tag_end(const char *s, size_t j, size_t len)
{
	size_t		q = j;

	while (q < len && s[q] != '>')
	{
		if (s[q] == '=')
		{
			size_t		v = q + 1;

			while (v < len && is_wsp((unsigned char) s[v]))
				v++;
			if (v < len && (s[v] == '"' || s[v] == '\''))
			{
				const char *cq = memchr(s + v + 1, s[v], len - v - 1);

				if (!cq)
					return memchr(s + j, '>', len - j);
				q = (size_t) (cq - s) + 1;
				continue;
			}
			q = v;
			continue;
		}
		q++;
	}
	return q < len ? s + q : NULL;
}

char *
mime_html_to_text(const char *html, size_t len)
{
	static const char *const block[] = {
		"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3",
		"h4", "h5", "h6", "blockquote", "pre", "hr", "section", "article",
		"header", "footer", "dd", "dt", "dl", "address", "center", "form",
		"fieldset", "nav", "aside", "main", "figure", "figcaption", "tbody",
		"thead", "tfoot", "caption", "body", "html", NULL
	};
	static const char *const skip[] = {
		"script", "style", "head", "title", "noscript", "template", "xml", NULL
	};
	sbuf		raw = {0},
				out = {0};
	size_t		i = 0;
	const char *s = html ? html : "";

	if (!html)
		len = 0;
	while (i < len)
	{
		char		c = s[i];

		if (c == '<')
		{
			char		name[16];
			size_t		j = i + 1,
						k = 0;
			bool		closing = false;
			const char *gt;

			if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
			{
				const char *e = NULL;
				size_t		q;

				for (q = i + 4; q + 2 < len; q++)
					if (s[q] == '-' && s[q + 1] == '-' && s[q + 2] == '>')
					{
						e = s + q;
						break;
					}
				i = e ? (size_t) (e - s) + 3 : len;
				continue;
			}
			if (j < len && s[j] == '/')
			{
				closing = true;
				j++;
			}
			if (j >= len || !(isalpha((unsigned char) s[j]) || s[j] == '!' || s[j] == '?'))
			{
				sb_addc(&raw, c);	/* a lone '<' in text */
				i++;
				continue;
			}
			while (j < len && (isalnum((unsigned char) s[j]) || s[j] == '!' ||
							   s[j] == '?' || s[j] == ':') && k + 1 < sizeof(name))
				name[k++] = (char) tolower((unsigned char) s[j++]);
			name[k] = '\0';
			gt = tag_end(s, j, len);
			if (!gt)
				break;			/* unterminated tag: drop the rest */
			i = (size_t) (gt - s) + 1;
			if (!closing && tag_is(name, skip))
			{
				/* skip to the matching close tag */
				char		close[24];
				const char *e;

				snprintf(close, sizeof(close), "</%s", name);
				e = ci_find(s + i, len - i, close);
				if (!e)
				{
					i = len;
					break;
				}
				gt = memchr(e, '>', len - (size_t) (e - s));
				i = gt ? (size_t) (gt - s) + 1 : len;
				continue;
			}
			if (tag_is(name, block))
				sb_addc(&raw, '\n');
			else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
				sb_addc(&raw, ' ');
			continue;
		}
		if (c == '&')
		{
			uint32_t	cp;
			size_t		used = html_entity(s + i, len - i, &cp);

			if (used)
			{
				if (cp == ' ')
					sb_addc(&raw, '\x01');	/* nbsp: a space that survives */
				else
					sb_add_cp(&raw, cp);
				i += used;
				continue;
			}
		}
		if (c == '\n' || c == '\r' || c == '\t' || c == '\f')
			c = ' ';
		sb_addc(&raw, c);
		i++;
	}
	/* Collapse: a run of blanks is one space; newlines survive, max two. */
	{
		size_t		k = 0;

		sb_reserve(&out, raw.len);
		while (k < raw.len)
		{
			size_t		nls = 0;
			bool		blank = false;

			while (k < raw.len && (raw.p[k] == ' ' || raw.p[k] == '\n'))
			{
				if (raw.p[k] == '\n')
					nls++;
				blank = true;
				k++;
			}
			if (blank && out.len > 0 && k < raw.len)
			{
				if (nls >= 2)
					sb_adds(&out, "\n\n");
				else if (nls == 1)
					sb_addc(&out, '\n');
				else
					sb_addc(&out, ' ');
			}
			if (k < raw.len)
			{
				sb_addc(&out, raw.p[k] == '\x01' ? ' ' : raw.p[k]);
				k++;
			}
		}
	}
	sb_free(&raw);
	{
		sbuf		clean = {0};

		sb_add_clean(&clean, sb_str(&out), out.len, true);
		sb_free(&out);
		return sb_take(&clean);
	}
}

/* charset from <meta charset=...> or <meta http-equiv content="...charset=..."> */
static bool
html_meta_charset(const char *s, size_t n, char *cs, size_t cslen)
{
	size_t		lim = n < 8192 ? n : 8192;
	const char *p = s;

	while (lim > 0)
	{
		const char *m = ci_find(p, lim, "<meta");
		const char *gt,
				   *c;
		size_t		tl;

		if (!m)
			return false;
		lim -= (size_t) (m - p);
		gt = memchr(m, '>', lim);
		tl = gt ? (size_t) (gt - m) : lim;
		c = ci_find(m, tl, "charset");
		if (c)
		{
			size_t		k = 0,
						rest = tl - (size_t) (c - m) - 7;

			c += 7;
			while (rest && (*c == ' ' || *c == '='))
			{
				c++;
				rest--;
			}
			while (rest && (*c == '"' || *c == '\''))
			{
				c++;
				rest--;
			}
			while (rest && k + 1 < cslen &&
				   (isalnum((unsigned char) *c) || *c == '-' || *c == '_' || *c == '.' || *c == ':'))
			{
				cs[k++] = *c++;
				rest--;
			}
			cs[k] = '\0';
			if (k > 0)
				return true;
		}
		p = m + 5;
		lim -= 5;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Entities and the multipart tree                                     */
/* ------------------------------------------------------------------ */

typedef struct part_env
{
	int			depth;
	bool		in_related;
	bool		in_alternative;
	bool		digest;			/* parent is multipart/digest */
	char		inherit_cs[MIME_CHARSET_LEN];
} part_env;

static void parse_entity(mctx *c, const char *p, size_t n, const part_env *env, collector *col);

/* Does parameter name have the value want (case-insensitive, trimmed)? */
static bool
param_is(const mfield *f, const char *name, const char *want)
{
	sbuf		raw = {0};
	bool		ext,
				is = false;
	char		x[MIME_CHARSET_LEN];

	if (param_raw(f, name, &raw, &ext, x, sizeof(x)))
	{
		const char *v = sb_str(&raw);
		size_t		l = raw.len;

		trim(&v, &l);
		is = l == strlen(want) && strncasecmp(v, want, l) == 0;
	}
	sb_free(&raw);
	return is;
}

/*
 * Undo RFC 3676 format=flowed on UTF-8 text with LF line ends.  A line
 * ending in a space is soft-broken and joins the next line of the same
 * quote depth (delsp=yes: the space was added by the sender and goes).
 * Quote marks are taken off before joining and put back in front of the
 * joined line; one space after them, or at the start of an unquoted line,
 * is stuffing and is removed.  The "-- " signature separator is never
 * joined, in either direction.
 */
static void
unflow(const char *s, size_t n, bool delsp, sbuf *out)
{
	size_t		pos = 0;
	bool		open = false;	/* the previous line was flowed */
	int			open_depth = 0;

	while (pos < n)
	{
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t		eol = nl ? (size_t) (nl - s) : n;
		size_t		b = pos,
					cut;
		int			depth = 0;
		bool		sig,
					flowed;

		while (b < eol && s[b] == '>')
		{
			depth++;
			b++;
		}
		/* flowed is decided before unstuffing: " " alone is a soft break */
		flowed = eol > b && s[eol - 1] == ' ';
		if (b < eol && s[b] == ' ')
			b++;				/* space-stuffing */
		sig = eol - b == 3 && memcmp(s + b, "-- ", 3) == 0;
		if (sig)
			flowed = false;
		cut = flowed && delsp && eol > b ? 1 : 0;

		/* a soft break that the next line cannot continue ends here */
		if (open && (depth != open_depth || sig))
		{
			sb_addc(out, '\n');
			open = false;
		}
		if (!open && depth > 0)
		{
			int			d;

			for (d = 0; d < depth; d++)
				sb_addc(out, '>');
			if (eol > b || flowed)
				sb_addc(out, ' ');
		}
		sb_add(out, s + b, eol - b - cut);
		open = flowed;
		open_depth = depth;
		if (!open && nl)
			sb_addc(out, '\n');
		pos = nl ? eol + 1 : n;
	}
	if (open && n > 0 && s[n - 1] == '\n')
		sb_addc(out, '\n');
}

static void
decode_cte(const char *cte, const char *s, size_t n, sbuf *out)
{
	if (strcmp(cte, "base64") == 0)
		decode_base64(s, n, out);
	else if (strcmp(cte, "quoted-printable") == 0)
		decode_qp(s, n, out, false);
	else
		sb_add(out, s, n);		/* 7bit, 8bit, binary, unknown: raw */
}

/*
 * Is there a delimiter line for boundary b at p[ls..le)?  Returns 0 no,
 * 1 delimiter, 2 close delimiter.
 */
static int
delim_kind(const char *p, size_t ls, size_t le, const char *b, size_t bl)
{
	size_t		k;

	if (le - ls < bl + 2 || p[ls] != '-' || p[ls + 1] != '-' ||
		memcmp(p + ls + 2, b, bl) != 0)
		return 0;
	k = ls + 2 + bl;
	if (k + 2 <= le && p[k] == '-' && p[k + 1] == '-')
		return 2;
	for (; k < le; k++)
		if (!is_wsp((unsigned char) p[k]))
			return 0;
	return 1;
}

static void
add_attachment(mctx *c, const mhdrs *hs, const mfield *ct, const mfield *cd,
			   const char *bytes, size_t blen, const part_env *env, const char *ctype)
{
	json_t	   *a = json_object();
	sbuf		fn = {0};
	cs_info		hint;
	char		hex[65];
	const sbuf *cid = hdr_get(hs, "content-id");
	bool		has_cid = false;

	if (!a)
	{
		mime_oom = true;
		return;
	}
	cs_lookup(c->hint_cs, &hint);
	if (!param_text(cd, "filename", &hint, &fn))
		param_text(ct, "name", &hint, &fn);
	collapse_ws(&fn);
	if (fn.len == 0 && (strcmp(ctype, "message/rfc822") == 0 ||
						strcmp(ctype, "message/global") == 0))
	{
		/* Name an attached message after its subject, as mail clients do. */
		mhdrs		inner = {0};
		const sbuf *subj;

		parse_headers(bytes, blen, &inner);
		subj = hdr_get(&inner, "subject");
		if (subj)
		{
			sbuf		d = {0};

			decode_2047(sb_str(subj), subj->len, &hint, &d);
			sb_add_clean(&fn, sb_str(&d), d.len, false);
			sb_free(&d);
			collapse_ws(&fn);
		}
		if (fn.len == 0)
			sb_adds(&fn, "message");
		sb_adds(&fn, ".eml");
		hdrs_free(&inner);
	}
	if (fn.len > 0)
		jset(a, "filename", jstr(fn.p, fn.len));
	jset(a, "contentType", jstr(ctype, strlen(ctype)));
	jset(a, "size", json_integer((json_int_t) blen));
	sha256_hex(bytes, blen, hex);
	jset(a, "checksum", json_string(hex));
	if (cid)
	{
		const char *s = sb_str(cid);
		size_t		l = cid->len;

		trim(&s, &l);
		if (l > 0)
		{
			has_cid = true;
			jset(a, "contentId", jstr(s, l));
		}
	}
	jset(a, "related", json_boolean(has_cid && (env->in_related ||
												strcmp(cd->value, "attachment") != 0)));
	jappend(c->attachments, a);
	sb_free(&fn);
}

/* Only blanks: ASCII whitespace, NBSP, ideographic space, BOM (UTF-8). */
static bool
blank_text(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	while (i < n)
	{
		if (is_wsp(u[i]) || u[i] == '\f' || u[i] == '\v')
			i++;
		else if (i + 1 < n && u[i] == 0xC2 && u[i + 1] == 0xA0)
			i += 2;
		else if (i + 2 < n && ((u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) ||
							   (u[i] == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF)))
			i += 3;
		else
			return false;
	}
	return true;
}

/*
 * Keep one rendering of a multipart/alternative: later parts are the
 * preferred ones (RFC 2046 5.1.4), but a blank plain part does not
 * displace a non-blank one.
 */
static void
alt_take(collector *best, collector *sub)
{
	if (sub->text.len && (best->text.len == 0 || !blank_text(sub->text.p, sub->text.len)))
	{
		sb_free(&best->text);
		best->text = sub->text;
	}
	else
		sb_free(&sub->text);
	if (sub->html.len)
	{
		sb_free(&best->html);
		best->html = sub->html;
	}
	else
		sb_free(&sub->html);
}

static void
parse_multipart(mctx *c, const char *body, size_t n, const char *subtype,
				const char *boundary, size_t bl, const part_env *env, collector *col)
{
	size_t		pos = 0;
	size_t		part_start = 0;
	bool		in_part = false,
				closed = false;
	int			idx = 0;
	part_env	cenv = *env;
	bool		alt = strcmp(subtype, "alternative") == 0;
	collector	best = {{0}, {0}};

	cenv.depth = env->depth + 1;
	cenv.in_related = env->in_related || strcmp(subtype, "related") == 0;
	cenv.in_alternative = alt;
	cenv.digest = strcmp(subtype, "digest") == 0;

	while (pos <= n && !closed)
	{
		const char *nl = pos < n ? memchr(body + pos, '\n', n - pos) : NULL;
		size_t		eol = nl ? (size_t) (nl - body) : n;
		size_t		next = nl ? eol + 1 : n;
		size_t		le = eol;
		int			kind;

		if (le > pos && body[le - 1] == '\r')
			le--;
		kind = delim_kind(body, pos, le, boundary, bl);
		if (kind)
		{
			if (in_part)
			{
				/* the line break before the delimiter belongs to it */
				size_t		pe = pos;

				if (pe > part_start && body[pe - 1] == '\n')
					pe--;
				if (pe > part_start && body[pe - 1] == '\r')
					pe--;
				if (alt)
				{
					collector	sub = {{0}, {0}};

					parse_entity(c, body + part_start, pe - part_start, &cenv, &sub);
					alt_take(&best, &sub);
				}
				else
					parse_entity(c, body + part_start, pe - part_start, &cenv, col);
				idx++;
			}
			if (kind == 2)
			{
				closed = true;
				in_part = false;
				break;
			}
			in_part = true;
			part_start = next;
			if (c->parts_exhausted)
				break;
		}
		if (next >= n)
			break;
		pos = next;
	}
	if (in_part && !c->parts_exhausted)
	{
		warn(c, "missing final boundary");
		if (alt)
		{
			collector	sub = {{0}, {0}};

			parse_entity(c, body + part_start, n - part_start, &cenv, &sub);
			alt_take(&best, &sub);
		}
		else
			parse_entity(c, body + part_start, n - part_start, &cenv, col);
		idx++;
	}
	if (alt)
	{
		/*
		 * A blank plain part next to HTML (some webmail sends spaces or
		 * NBSPs as the plain rendering) counts as absent, like an empty
		 * one, so the text is reduced from the HTML.
		 */
		if (best.html.len > 0 && blank_text(best.text.p, best.text.len))
			sb_free(&best.text);
		collect_add(&col->text, sb_str(&best.text), best.text.len);
		collect_add(&col->html, sb_str(&best.html), best.html.len);
		sb_free(&best.text);
		sb_free(&best.html);
	}
	if (idx == 0 && !c->parts_exhausted)
	{
		/* No delimiter at all: keep the content as plain text. */
		sbuf		t = {0};
		cs_info		hint;

		warn(c, "multipart without boundary delimiters");
		cs_lookup(c->hint_cs, &hint);
		conv_to_utf8(body, n, env->inherit_cs, &hint, &t);
		{
			sbuf		cl = {0};

			sb_add_clean(&cl, sb_str(&t), t.len, true);
			collect_add(&col->text, sb_str(&cl), cl.len);
			sb_free(&cl);
		}
		sb_free(&t);
	}
}

static void
parse_entity(mctx *c, const char *p, size_t n, const part_env *env, collector *col)
{
	mhdrs		hs = {0};
	mfield		ct,
				cd;
	size_t		body_off;
	const sbuf *h;
	char		cte[32] = "";
	char		ctype[128];
	char		charset[MIME_CHARSET_LEN];
	const char *body;
	size_t		blen;
	bool		has_ct;

	if (c->nparts >= MIME_MAX_PARTS)
	{
		if (!c->parts_exhausted)
			warn(c, "too many MIME parts; the rest was ignored");
		c->parts_exhausted = true;
		return;
	}
	c->nparts++;
	body_off = parse_headers(p, n, &hs);
	if (hs.truncated)
		warn(c, "header fields truncated at the size or count limit");
	body = p + body_off;
	blen = n - body_off;

	h = hdr_get(&hs, "content-type");
	has_ct = h != NULL;
	if (h)
		parse_field(sb_str(h), h->len, &ct);
	else
		parse_field("", 0, &ct);
	h = hdr_get(&hs, "content-disposition");
	if (h)
		parse_field(sb_str(h), h->len, &cd);
	else
		parse_field("", 0, &cd);
	h = hdr_get(&hs, "content-transfer-encoding");
	if (h)
	{
		const char *s = sb_str(h);
		size_t		l = h->len,
					k;

		trim(&s, &l);
		for (k = 0; k < l && k + 1 < sizeof(cte) && !is_wsp((unsigned char) s[k]) && s[k] != ';'; k++)
			cte[k] = (char) tolower((unsigned char) s[k]);
		cte[k] = '\0';
	}
	/* Media type: missing or malformed means text/plain (RFC 2045 5.2). */
	if (strchr(ct.value, '/') && ct.value[0] != '/' && ct.value[strlen(ct.value) - 1] != '/')
		snprintf(ctype, sizeof(ctype), "%s", ct.value);
	else if (!has_ct && env->digest)
		snprintf(ctype, sizeof(ctype), "message/rfc822");
	else
		snprintf(ctype, sizeof(ctype), "text/plain");
	param_charset(&ct, charset, sizeof(charset));
	if (charset[0] && c->hint_cs[0] == '\0' && strncmp(ctype, "text/", 5) == 0)
	{
		cs_info		ci;

		cs_lookup(charset, &ci);
		if (ci.kind != CS_UNKNOWN && ci.kind != CS_ASCII)
			snprintf(c->hint_cs, sizeof(c->hint_cs), "%s", charset);
	}

	if (strncmp(ctype, "multipart/", 10) == 0)
	{
		sbuf		b = {0};
		bool		ext;
		char		bcs[MIME_CHARSET_LEN];

		param_raw(&ct, "boundary", &b, &ext, bcs, sizeof(bcs));
		if (env->depth >= MIME_MAX_DEPTH)
		{
			warn(c, "MIME nesting deeper than MIME_MAX_DEPTH; inner part kept as attachment");
			add_attachment(c, &hs, &ct, &cd, body, blen, env, ctype);
		}
		else if (b.len == 0 || b.len > 200)
		{
			sbuf		t = {0},
						cl = {0};
			cs_info		hint;

			warn(c, "multipart without a usable boundary parameter");
			cs_lookup(c->hint_cs, &hint);
			conv_to_utf8(body, blen, charset[0] ? charset : env->inherit_cs, &hint, &t);
			sb_add_clean(&cl, sb_str(&t), t.len, true);
			collect_add(&col->text, sb_str(&cl), cl.len);
			sb_free(&t);
			sb_free(&cl);
		}
		else
		{
			part_env	e2 = *env;

			/* multipart/signed carries charset= for its unlabelled child */
			if (charset[0])
				snprintf(e2.inherit_cs, sizeof(e2.inherit_cs), "%s", charset);
			parse_multipart(c, body, blen, ctype + 10, sb_str(&b), b.len, &e2, col);
		}
		sb_free(&b);
	}
	else
	{
		sbuf		dec = {0};
		bool		is_plain = strcmp(ctype, "text/plain") == 0;
		bool		is_html = strcmp(ctype, "text/html") == 0;
		bool		named;
		sbuf		tmp = {0};

		if (strncmp(ctype, "message/", 8) == 0 && strcmp(cte, "base64") != 0 &&
			strcmp(cte, "quoted-printable") != 0)
			sb_add(&dec, body, blen);
		else
			decode_cte(cte, body, blen, &dec);
		if (cte[0] && strcmp(cte, "7bit") && strcmp(cte, "8bit") && strcmp(cte, "binary") &&
			strcmp(cte, "base64") && strcmp(cte, "quoted-printable"))
			warn(c, "unknown Content-Transfer-Encoding kept undecoded");
		{
			bool		ext;
			char		x[MIME_CHARSET_LEN];

			named = param_raw(&cd, "filename", &tmp, &ext, x, sizeof(x)) ||
				param_raw(&ct, "name", &tmp, &ext, x, sizeof(x));
			sb_free(&tmp);
		}
		if ((is_plain || is_html) && strcmp(cd.value, "attachment") != 0 && !named)
		{
			sbuf		u = {0},
						cl = {0};
			cs_info		hint;
			char		cs[MIME_CHARSET_LEN];

			snprintf(cs, sizeof(cs), "%s", charset[0] ? charset : env->inherit_cs);
			if (!cs[0] && is_html)
				html_meta_charset(sb_str(&dec), dec.len, cs, sizeof(cs));
			cs_lookup(c->hint_cs, &hint);
			conv_to_utf8(sb_str(&dec), dec.len, cs, &hint, &u);
			sb_add_clean(&cl, sb_str(&u), u.len, true);
			if (is_plain && param_is(&ct, "format", "flowed"))
			{
				sbuf		fl = {0};

				unflow(sb_str(&cl), cl.len, param_is(&ct, "delsp", "yes"), &fl);
				sb_free(&cl);
				cl = fl;
			}
			collect_add(is_plain ? &col->text : &col->html, sb_str(&cl), cl.len);
			sb_free(&u);
			sb_free(&cl);
		}
		else if (env->in_alternative && strncmp(ctype, "text/", 5) == 0 &&
				 strcmp(ctype, "text/calendar") != 0 && !named &&
				 strcmp(cd.value, "attachment") != 0)
		{
			/* text/enriched etc.: another rendering of the same body */
		}
		else
			add_attachment(c, &hs, &ct, &cd, sb_str(&dec), dec.len, env, ctype);
		sb_free(&dec);
	}
	field_free(&ct);
	field_free(&cd);
	hdrs_free(&hs);
}

/* ------------------------------------------------------------------ */
/* Address lists, message ids, dates                                   */
/* ------------------------------------------------------------------ */

/* Decode a display name: unquote, RFC 2047, sniff raw bytes, tidy. */
static void
decode_name(const char *s, size_t n, const cs_info *hint, sbuf *out)
{
	sbuf		unq = {0},
				dec = {0};
	size_t		i;

	trim(&s, &n);
	for (i = 0; i < n; i++)
	{
		if (s[i] == '"')
			continue;
		if (s[i] == '\\' && i + 1 < n)
			i++;
		sb_addc(&unq, s[i]);
	}
	decode_2047(sb_str(&unq), unq.len, hint, &dec);
	sb_add_clean(out, sb_str(&dec), dec.len, false);
	collapse_ws(out);
	/* Outlook wraps names in single quotes: 'Zhang San' */
	if (out->len >= 2 && out->p[0] == '\'' && out->p[out->len - 1] == '\'')
	{
		memmove(out->p, out->p + 1, out->len - 2);
		out->len -= 2;
		out->p[out->len] = '\0';
		collapse_ws(out);
	}
	sb_free(&unq);
	sb_free(&dec);
}

/* True when s (trimmed) begins with a complete encoded word. */
static bool
ew_starts_chunk(const char *s, size_t n)
{
	char		cs[MIME_CHARSET_LEN],
				enc;
	size_t		ts,
				te;

	trim(&s, &n);
	return ew_match(s, n, 0, cs, sizeof(cs), &enc, &ts, &te) != 0;
}

static void
add_mailbox(const char *s, size_t n, const cs_info *hint, json_t *arr, bool nested)
{
	size_t		i,
				lt = SIZE_MAX,
				gt = SIZE_MAX;
	int			q = 0,
				cm = 0;
	sbuf		addr = {0},
				name = {0};
	json_t	   *o;

	trim(&s, &n);
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
	{
		char		ch = s[i];

		if (q)
		{
			if (ch == '\\')
				i++;
			else if (ch == '"')
				q = 0;
			continue;
		}
		if (cm)
		{
			if (ch == '\\')
				i++;
			else if (ch == '(')
				cm++;
			else if (ch == ')')
				cm--;
			continue;
		}
		if (ch == '"')
			q = 1;
		else if (ch == '(')
			cm = 1;
		else if (ch == '<')
		{
			lt = i;
			gt = SIZE_MAX;
		}
		else if (ch == '>' && lt != SIZE_MAX && gt == SIZE_MAX)
			gt = i;
	}
	if (lt != SIZE_MAX)
	{
		size_t		ae = gt != SIZE_MAX && gt > lt ? gt : n;
		const char *a = s + lt + 1;
		size_t		al = ae - lt - 1;
		const char *colon = memchr(a, ':', al);

		/* obsolete source route "<@a,@b:user@host>" */
		if (colon && al > 0 && a[0] == '@')
		{
			al -= (size_t) (colon + 1 - a);
			a = colon + 1;
		}
		for (i = 0; i < al; i++)
			if (!is_wsp((unsigned char) a[i]))
				sb_addc(&addr, a[i]);
		decode_name(s, lt, hint, &name);
	}
	else if (!nested && ci_find(s, n, "=?") && ew_starts_chunk(s, n))
	{
		/*
		 * The whole mailbox hidden in one encoded word ("=?x?q?=22A=22_=3Ca@b=3E?="):
		 * decode it and parse the result once.
		 */
		sbuf		d = {0};

		decode_2047(s, n, hint, &d);
		if (memchr(sb_str(&d), '@', d.len))
		{
			add_mailbox(sb_str(&d), d.len, hint, arr, true);
			sb_free(&d);
			return;
		}
		sb_free(&d);
		for (i = 0; i < n; i++)
			if (!is_wsp((unsigned char) s[i]))
				sb_addc(&addr, s[i]);
	}
	else
	{
		/* addr-spec, perhaps with a "(Real Name)" comment */
		size_t		cs = SIZE_MAX,
					ce = SIZE_MAX;
		int			depth = 0;

		q = 0;
		for (i = 0; i < n; i++)
		{
			char		ch = s[i];

			if (!depth && ch == '"')
				q = !q;
			if (q)
			{
				sb_addc(&addr, ch);
				continue;
			}
			if (ch == '(')
			{
				if (depth++ == 0 && cs == SIZE_MAX)
					cs = i + 1;
				continue;
			}
			if (ch == ')' && depth > 0)
			{
				if (--depth == 0 && ce == SIZE_MAX)
					ce = i;
				continue;
			}
			if (!depth && !is_wsp((unsigned char) ch))
				sb_addc(&addr, ch);
		}
		if (cs != SIZE_MAX && ce != SIZE_MAX && ce > cs)
			decode_name(s + cs, ce - cs, hint, &name);
	}
	o = json_object();
	if (!o)
		mime_oom = true;
	else
	{
		sbuf		a2 = {0};

		/* raw 8-bit in an address (EAI, or lying clients) */
		conv_to_utf8(sb_str(&addr), addr.len, NULL, hint, &a2);
		jset(o, "address", jstr(sb_str(&a2), a2.len));
		jset(o, "name", jstr(sb_str(&name), name.len));
		sb_free(&a2);
		if (addr.len == 0 && name.len == 0)
			json_decref(o);
		else
			jappend(arr, o);
	}
	sb_free(&addr);
	sb_free(&name);
}

/* Split an address list at top-level ',' and ';'; drop group names. */
static void
parse_addresses(const char *s, size_t n, const cs_info *hint, json_t *arr)
{
	size_t		i,
				start = 0;
	int			q = 0,
				cm = 0,
				ang = 0;

	for (i = 0; i < n && json_array_size(arr) < MIME_MAX_ADDRESSES; i++)
	{
		char		ch = s[i];

		if (q)
		{
			if (ch == '\\')
				i++;
			else if (ch == '"')
				q = 0;
			continue;
		}
		if (cm)
		{
			if (ch == '\\')
				i++;
			else if (ch == '(')
				cm++;
			else if (ch == ')')
				cm--;
			continue;
		}
		if (ch == '=' && i + 1 < n && s[i + 1] == '?')
		{
			char		cs[MIME_CHARSET_LEN],
						enc;
			size_t		ts,
						te,
						end = ew_match(s, n, i, cs, sizeof(cs), &enc, &ts, &te);

			if (end)
			{
				i = end - 1;	/* encoded words are atoms */
				continue;
			}
		}
		if (ch == '"')
			q = 1;
		else if (ch == '(')
			cm = 1;
		else if (ch == '<')
			ang = 1;
		else if (ch == '>')
			ang = 0;
		else if (ang)
			continue;
		else if (ch == ':')
			start = i + 1;		/* "group-name:" -- members follow */
		else if (ch == ',' || ch == ';')
		{
			add_mailbox(s + start, i - start, hint, arr, false);
			start = i + 1;
		}
	}
	if (start < n && json_array_size(arr) < MIME_MAX_ADDRESSES)
		add_mailbox(s + start, n - start, hint, arr, false);
}

static void
add_address_header(json_t *root, const char *key, const mhdrs *hs, const char *hname,
				   const cs_info *hint)
{
	json_t	   *arr = json_array();
	int			i;

	if (!arr)
	{
		mime_oom = true;
		return;
	}
	/* Repeated fields ("Cc:" and "cc:") are merged. */
	for (i = 0; i < hs->n; i++)
		if (strcmp(hs->h[i].name, hname) == 0)
			parse_addresses(sb_str(&hs->h[i].val), hs->h[i].val.len, hint, arr);
	if (json_array_size(arr) == 0)
	{
		json_decref(arr);
		return;
	}
	{
		json_t	   *o = json_object();

		if (!o)
		{
			json_decref(arr);
			mime_oom = true;
			return;
		}
		jset(o, "value", arr);
		jset(root, key, o);
	}
}

/* Collect message ids "<...>" (whitespace inside removed). */
static void
msg_ids(const char *s, size_t n, json_t *arr, size_t max)
{
	size_t		i = 0;

	while (i < n && json_array_size(arr) < max)
	{
		const char *lt = memchr(s + i, '<', n - i);
		const char *gt;
		sbuf		id = {0};
		size_t		k;

		if (!lt)
			break;
		k = (size_t) (lt - s);
		gt = memchr(lt, '>', n - k);
		if (!gt)
			break;
		sb_addc(&id, '<');
		for (k = k + 1; k < (size_t) (gt - s); k++)
			if (!is_wsp((unsigned char) s[k]) && s[k] != '<')
				sb_addc(&id, s[k]);
		sb_addc(&id, '>');
		if (id.len > 2 && id.len < 1000)
			jappend(arr, jstr(id.p, id.len));
		sb_free(&id);
		i = (size_t) (gt - s) + 1;
	}
	if (json_array_size(arr) == 0)
	{
		/* No angle brackets: bare ids that look like one (a@b). */
		i = 0;
		while (i < n && json_array_size(arr) < max)
		{
			size_t		st;

			while (i < n && (is_wsp((unsigned char) s[i]) || s[i] == ','))
				i++;
			st = i;
			while (i < n && !is_wsp((unsigned char) s[i]) && s[i] != ',')
				i++;
			if (i > st && memchr(s + st, '@', i - st) && i - st < 998)
			{
				sbuf		id = {0};

				sb_addc(&id, '<');
				sb_add(&id, s + st, i - st);
				sb_addc(&id, '>');
				jappend(arr, jstr(id.p, id.len));
				sb_free(&id);
			}
		}
	}
}


/*
 * A signed numeric zone at t ('+' or '-' first) to minutes east of UTC.
 * RFC 5322 has only "+hhmm"; "+hh:mm" is what ISO 8601 minded mailers
 * write.  After a glued "GMT"/"UTC" (Java, some Chinese webmail) the
 * hour alone ("GMT+8", "UTC+08") is common too, so short allows it.
 */
static bool
zone_offset(const char *t, bool short_ok, int *offmin)
{
	size_t		tl = strlen(t);
	int			h,
				m = 0;

	if (t[0] != '+' && t[0] != '-')
		return false;
	if (tl == 5 && strspn(t + 1, "0123456789") == 4)
	{
		h = (t[1] - '0') * 10 + (t[2] - '0');
		m = (t[3] - '0') * 10 + (t[4] - '0');
	}
	else if (tl == 6 && t[3] == ':' && isdigit((unsigned char) t[1]) &&
			 isdigit((unsigned char) t[2]) && strspn(t + 4, "0123456789") == 2)
	{
		h = (t[1] - '0') * 10 + (t[2] - '0');
		m = (t[4] - '0') * 10 + (t[5] - '0');
	}
	else if (short_ok && (tl == 2 || tl == 3) && strspn(t + 1, "0123456789") == tl - 1)
		h = atoi(t + 1);
	else
		return false;
	/* out of range values are left to the caller's final check */
	*offmin = t[0] == '-' ? -(h * 60 + m) : h * 60 + m;
	return true;
}

/* "GMT+08:00", "UTC+8" ...: the offset after a glued GMT or UTC. */
static bool
glued_zone(const char *t, int *offmin)
{
	if (strncasecmp(t, "gmt", 3) == 0 || strncasecmp(t, "utc", 3) == 0)
		return zone_offset(t + 3, true, offmin);
	return false;
}

/*
 * RFC 5322 date-time (and the usual deviations: missing weekday or
 * seconds, two-digit years, asctime order, named zones, "+hh:mm" and
 * "GMT+8" style zones) to ISO 8601 UTC.
 */
static bool
parse_date(const char *s, size_t n, char out[64])
{
	static const char *const mon[] = {"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"};
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char		tok[12][24];
	int			nt = 0,
				i;
	size_t		k = 0;
	int			month = 0,
				day = -1,
				hh = -1,
				mi = -1,
				ss = 0,
				nums[4],
				nnum = 0,
				numlen[4];
	int64_t		year = -1;
	int			offmin = 0,
				comment_off = 0;
	bool		zone_seen = false,
				comment_zone = false;

	/* tokenise on blanks and commas; drop comments */
	while (k < n && nt < 12)
	{
		size_t		l = 0;

		while (k < n && (is_wsp((unsigned char) s[k]) || s[k] == ','))
			k++;
		if (k < n && s[k] == '(')
		{
			int			depth = 0;
			size_t		cst = k + 1;

			for (; k < n; k++)
			{
				if (s[k] == '(')
					depth++;
				else if (s[k] == ')' && --depth == 0)
				{
					k++;
					break;
				}
			}

			/*
			 * Some webmail puts the only zone in a comment, Windows style:
			 * "09:05:07 (GMT+08:00) Beijing".  Kept as a fallback for when
			 * no zone stands outside comments.
			 */
			if (!comment_zone)
			{
				char		ct[24];
				size_t		cl = 0;

				while (cst < k && cl + 1 < sizeof(ct) &&
					   !is_wsp((unsigned char) s[cst]) && s[cst] != ')' && s[cst] != '(')
					ct[cl++] = s[cst++];
				ct[cl] = '\0';
				comment_zone = glued_zone(ct, &comment_off);
			}
			continue;
		}
		while (k < n && !is_wsp((unsigned char) s[k]) && s[k] != ',' && s[k] != '(')
		{
			if (l + 1 < sizeof(tok[0]))
				tok[nt][l++] = s[k];
			k++;
		}
		if (l == 0)
			continue;
		tok[nt][l] = '\0';
		nt++;
	}
	for (i = 0; i < nt; i++)
	{
		char	   *t = tok[i];
		size_t		tl = strlen(t);

		/*
		 * Before the time test: "+08:00" and "GMT+08:00" have a ':' but
		 * are zones.  An explicit offset wins over a named zone, as
		 * "+0800" always has.
		 */
		if (zone_offset(t, false, &offmin) || glued_zone(t, &offmin))
		{
			zone_seen = true;
			continue;
		}
		if (strchr(t, ':'))
		{
			if (sscanf(t, "%d:%d:%d", &hh, &mi, &ss) < 2)
				return false;
			continue;
		}
		if (strspn(t, "0123456789") == tl)
		{
			if (nnum < 4)
			{
				numlen[nnum] = (int) tl;
				nums[nnum++] = tl > 6 ? -1 : atoi(t);
			}
			continue;
		}
		if (isalpha((unsigned char) t[0]))
		{
			int			j,
						found = -1;

			if (month == 0 && tl >= 3)
				for (j = 0; j < 12 && found < 0; j++)
					if (strncasecmp(t, mon[j], 3) == 0 &&
						(tl == 3 || isalpha((unsigned char) t[3]) || t[3] == '.'))
						found = j;
			if (found >= 0)
			{
				month = found + 1;
				continue;
			}
			if (!zone_seen)
			{
				static const struct
				{
					const char *n;
					int			h;
				}			zones[] = {
					{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0}, {"est", -5}, {"edt", -4},
					{"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}
				};
				size_t		z;

				for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
					if (strcasecmp(t, zones[z].n) == 0)
					{
						offmin = zones[z].h * 60;
						zone_seen = true;
					}
			}
			continue;
		}
		/* "15-Jun-2024" style */
		if (isdigit((unsigned char) t[0]) && strchr(t, '-'))
		{
			int			d2,
						y2;
			char		m3[4];

			if (sscanf(t, "%d-%3[A-Za-z]-%d", &d2, m3, &y2) == 3)
			{
				int			j;

				for (j = 0; j < 12; j++)
					if (strncasecmp(m3, mon[j], 3) == 0)
						month = j + 1;
				day = d2;
				year = y2;
			}
		}
	}
	if (year < 0 && nnum >= 2)
	{
		/* RFC order is day year; a 3- or 4-digit first number is the year */
		int			yi = numlen[0] >= 3 ? 0 : 1;

		year = nums[yi];
		day = nums[1 - yi];
		if (numlen[yi] <= 2)
			year += year < 50 ? 2000 : 1900;
		else if (numlen[yi] == 3)
			year += 1900;
	}
	else if (year >= 0 && year < 100)
		year += year < 50 ? 2000 : 1900;
	if (!zone_seen && comment_zone)
		offmin = comment_off;
	if (month == 0 || day < 1 || year < 1900 || year > 9999 || hh < 0 || hh > 23 ||
		mi < 0 || mi > 59 || ss < 0 || ss > 60 || offmin <= -24 * 60 || offmin >= 24 * 60)
		return false;
	if (day > mdays[month - 1] ||
		(month == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)))
		return false;
	if (ss == 60)
		ss = 59;
	{
		int64_t		t = norm_days_from_civil(year, month, day) * 86400 + hh * 3600 + mi * 60 + ss -
			(int64_t) offmin * 60;
		int64_t		days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
		int64_t		rem = t - days * 86400;
		int64_t		y;
		int			m,
					d;

		norm_civil_from_days(days, &y, &m, &d);
		snprintf(out, 64, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long) y, m, d,
				 (int) (rem / 3600), (int) (rem % 3600 / 60), (int) (rem % 60));
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */
/* ------------------------------------------------------------------ */

/* Header fields worth keeping verbatim (decoded) under "headers". */
static const char *const kept_headers[] = {
	"x-mailer", "user-agent", "x-originating-ip", "organization", "list-id",
	"auto-submitted", "precedence", "thread-topic", "thread-index", "importance",
	"x-priority", "content-language", "return-path", "disposition-notification-to",
	"x-original-to", "delivered-to", NULL
};

json_t *
mime_parse(const char *data, size_t len, char *errbuf, size_t errlen)
{
	mctx		c;
	collector	col = {{0}, {0}};
	mhdrs		hs = {0};
	json_t	   *root;
	const char *p = data ? data : "";
	size_t		n = data ? len : 0;
	part_env	env;
	cs_info		hint;
	const sbuf *h;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if ((long long) len > MIME_MAX_MESSAGE_BYTES)
	{
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
					 "raw message is %zu bytes, larger than the limit of %lld bytes (MIME_MAX_MESSAGE_BYTES, 50 MB)",
					 len, (long long) MIME_MAX_MESSAGE_BYTES);
		return NULL;
	}
	mime_oom = false;
	memset(&c, 0, sizeof(c));
	root = json_object();
	c.attachments = json_array();
	c.warnings = json_array();
	if (!root || !c.attachments || !c.warnings)
		goto oom;

	/* mbox "From " separator line in front of the headers */
	if (n >= 5 && (memcmp(p, "From ", 5) == 0 || (n >= 6 && memcmp(p, ">From ", 6) == 0)))
	{
		const char *nl = memchr(p, '\n', n);
		size_t		skip = nl ? (size_t) (nl - p) + 1 : n;

		p += skip;
		n -= skip;
	}

	/* Body first: its charset is the hint for raw 8-bit header bytes. */
	memset(&env, 0, sizeof(env));
	parse_entity(&c, p, n, &env, &col);
	parse_headers(p, n, &hs);
	cs_lookup(c.hint_cs, &hint);

	h = hdr_get(&hs, "subject");
	if (h)
	{
		sbuf		d = {0},
					cl = {0};

		decode_2047(sb_str(h), h->len, &hint, &d);
		sb_add_clean(&cl, sb_str(&d), d.len, false);
		collapse_ws(&cl);
		jset(root, "subject", jstr(sb_str(&cl), cl.len));
		sb_free(&d);
		sb_free(&cl);
	}
	h = hdr_get(&hs, "message-id");
	if (h)
	{
		json_t	   *a = json_array();

		if (a)
		{
			msg_ids(sb_str(h), h->len, a, 1);
			if (json_array_size(a))
				jset(root, "messageId", json_incref(json_array_get(a, 0)));
			json_decref(a);
		}
	}
	h = hdr_get(&hs, "in-reply-to");
	if (h)
	{
		json_t	   *a = json_array();

		if (a)
		{
			msg_ids(sb_str(h), h->len, a, 1);
			if (json_array_size(a))
				jset(root, "inReplyTo", json_incref(json_array_get(a, 0)));
			json_decref(a);
		}
	}
	{
		json_t	   *refs = json_array();
		int			i;

		if (!refs)
			goto oom;
		for (i = 0; i < hs.n; i++)
			if (strcmp(hs.h[i].name, "references") == 0)
				msg_ids(sb_str(&hs.h[i].val), hs.h[i].val.len, refs, MIME_MAX_REFERENCES);
		if (json_array_size(refs))
			jset(root, "references", refs);
		else
			json_decref(refs);
	}
	h = hdr_get(&hs, "date");
	if (h)
	{
		char		iso[64];

		if (parse_date(sb_str(h), h->len, iso))
			jset(root, "date", json_string(iso));
		else
			warn(&c, "invalid Date header ignored");
	}
	/* No usable Date: the newest Received header says when the mail
	 * arrived ("...; Tue, 4 Jun 2024 09:30:00 +0800"). */
	if (json_object_get(root, "date") == NULL)
	{
		for (int ri = 0; ri < (int) hs.n; ri++)
		{
			if (strcmp(hs.h[ri].name, "received") == 0)
			{
				const char *v = sb_str(&hs.h[ri].val);
				size_t		vl = hs.h[ri].val.len;
				const char *semi = NULL;

				for (size_t k = vl; k > 0; k--)
					if (v[k - 1] == ';')
					{
						semi = v + k - 1;
						break;
					}
				char		iso[64];

				if (semi && parse_date(semi + 1, vl - (size_t) (semi + 1 - v), iso))
				{
					jset(root, "date", json_string(iso));
					warn(&c, "no valid Date header: time taken from the newest Received header");
				}
				break;
			}
		}
	}
	add_address_header(root, "from", &hs, "from", &hint);
	add_address_header(root, "to", &hs, "to", &hint);
	add_address_header(root, "cc", &hs, "cc", &hint);
	add_address_header(root, "bcc", &hs, "bcc", &hint);
	add_address_header(root, "replyTo", &hs, "reply-to", &hint);
	add_address_header(root, "sender", &hs, "sender", &hint);

	if (col.text.len == 0 && col.html.len > 0)
	{
		char	   *t = mime_html_to_text(col.html.p, col.html.len);

		if (!t)
			goto oom;
		jset(root, "text", json_string(t));
		free(t);
	}
	else
		jset(root, "text", jstr(sb_str(&col.text), col.text.len));
	if (col.html.len > 0)
		jset(root, "html", jstr(col.html.p, col.html.len));
	jset(root, "attachments", c.attachments);
	c.attachments = NULL;
	{
		json_t	   *hk = json_object();
		int			i;

		if (!hk)
			goto oom;
		for (i = 0; kept_headers[i]; i++)
		{
			h = hdr_get(&hs, kept_headers[i]);
			if (h)
			{
				sbuf		d = {0},
							cl = {0};

				decode_2047(sb_str(h), h->len, &hint, &d);
				sb_add_clean(&cl, sb_str(&d), d.len, false);
				collapse_ws(&cl);
				jset(hk, kept_headers[i], jstr(sb_str(&cl), cl.len));
				sb_free(&d);
				sb_free(&cl);
			}
		}
		jset(root, "headers", hk);
	}
	jset(root, "mimeWarnings", c.warnings);
	c.warnings = NULL;
	if (mime_oom)
		goto oom;
	hdrs_free(&hs);
	sb_free(&col.text);
	sb_free(&col.html);
	return root;

oom:
	hdrs_free(&hs);
	sb_free(&col.text);
	sb_free(&col.html);
	json_decref(root);
	json_decref(c.attachments);
	json_decref(c.warnings);
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory while parsing a raw message");
	return NULL;
}
