/*
 * normalize.c -- the normalizers of normalize.h: time, phone, email,
 * subject, fingerprint text, simhash and UTF-8 helpers.
 *
 * Contract: see normalize.h.  Everything here runs on every ingested record
 * (target 100k records/s), so the design rules are:
 *   - no heap allocation except the strings handed back to the caller;
 *     scratch space is fixed-size and on the stack (inputs that cannot fit
 *     a fixed buffer, e.g. a 300-byte "timestamp", are rejected, not
 *     truncated);
 *   - one forward pass over the input where possible; every loop is bounded
 *     by the input length (look-aheads are bounded by a small constant
 *     number of lines or bytes);
 *   - UTF-8 is decoded with one strict decoder (u8_decode) that reports
 *     ill-formed input by "maximal subpart" (Unicode ch. 3, WHATWG), so an
 *     ill-formed sequence is consumed as one unit everywhere;
 *   - nothing depends on the process locale (no ctype.h, no strcasecmp),
 *     so results are the same in the backend and in the unit tests.
 *
 * Unicode data (display width) was generated from Python 3.11's
 * unicodedata (Unicode 14.0):
 *   zero width: general category Mn, Me or Cf (except U+00AD SOFT HYPHEN),
 *               plus conjoining Hangul jamo U+1160..11FF and U+D7B0..D7FF;
 *   wide:       East_Asian_Width W or F, plus the CJK ranges that are W even
 *               where unassigned (3400..4DBF, 4E00..9FFF, F900..FAFF,
 *               20000..2FFFD, 30000..3FFFD).
 * Ambiguous-width characters (box drawing │├─, Greek, Cyrillic) count 1,
 * as terminals outside CJK legacy locales render them.
 */
#include "normalize.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned char uchar;

/* ======================================================================
 * Small ASCII helpers (locale independent)
 * ==================================================================== */

static inline bool
a_isdigit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static inline bool
a_isalpha(unsigned c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline unsigned
a_lower(unsigned c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Case-insensitive (ASCII) match of literal lit (lower case) at s[0..n). */
static bool
ci_prefix(const uchar *s, size_t n, const char *lit)
{
	size_t		i;

	for (i = 0; lit[i]; i++)
	{
		if (i >= n || a_lower(s[i]) != (uchar) lit[i])
			return false;
	}
	return true;
}

/* Exact byte prefix (for UTF-8 literals). */
static bool
byte_prefix(const uchar *s, size_t n, const char *lit)
{
	size_t		l = strlen(lit);

	return l <= n && memcmp(s, lit, l) == 0;
}

/* Case-insensitive ASCII suffix match of lit at the end of s[0..n). */
static bool
ci_suffix(const uchar *s, size_t n, const char *lit)
{
	size_t		l = strlen(lit);

	return l <= n && ci_prefix(s + n - l, l, lit);
}

/*
 * Whitespace for subjects and fingerprints: ASCII blanks and every other
 * C0 control or DEL (a subject collapses them all to one space, so they
 * must also count as space when matching "Re :"), NBSP, U+3000, BOM.
 */
static size_t
ws_len(const uchar *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] <= 0x20 || s[0] == 0x7F)
		return s[0] != 0;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
				   (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)))
		return 3;
	return 0;
}

static size_t
skip_ws(const uchar *s, size_t i, size_t n)
{
	size_t		l;

	while (i < n && (l = ws_len(s + i, n - i)) > 0)
		i += l;
	return i;
}

/* ======================================================================
 * UTF-8
 * ==================================================================== */

#define U8_BAD 0xFFFFFFFFu

/*
 * Decode one code point from s[0..n), n >= 1.  Returns the number of bytes
 * consumed (>= 1).  On ill-formed input *cp = U8_BAD and the return value
 * is the length of the maximal subpart, so "E4 B8" followed by ASCII is one
 * error, not two, and the ASCII byte is never swallowed.
 */
static inline size_t
u8_decode(const uchar *s, size_t n, uint32_t *cp)
{
	unsigned	c = s[0];
	unsigned	lo = 0x80,
				hi = 0xBF;
	size_t		need,
				i;
	uint32_t	v;

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
	{
		need = 1;
		v = c & 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;			/* no overlongs */
		else if (c == 0xED)
			hi = 0x9F;			/* no surrogates */
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;			/* <= U+10FFFF */
	}
	else
	{
		*cp = U8_BAD;
		return 1;
	}
	for (i = 1; i <= need; i++)
	{
		unsigned	b;

		if (i >= n)
		{
			*cp = U8_BAD;
			return i;
		}
		b = s[i];
		if (b < lo || b > hi)
		{
			*cp = U8_BAD;
			return i;
		}
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return need + 1;
}

static inline size_t
u8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* 8 bytes at a time: all ASCII and no NUL?  (The classic has-zero trick.) */
static inline bool
word_is_ascii_nonzero(const uchar *s)
{
	uint64_t	v;

	memcpy(&v, s, 8);
	if (v & UINT64_C(0x8080808080808080))
		return false;
	return ((v - UINT64_C(0x0101010101010101)) & ~v & UINT64_C(0x8080808080808080)) == 0;
}

bool
norm_utf8_valid(const char *str, size_t len)
{
	const uchar *s = (const uchar *) str;
	size_t		i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len)
	{
		uint32_t	cp;

		if (len - i >= 8 && word_is_ascii_nonzero(s + i))
		{
			i += 8;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		if (cp == U8_BAD || cp == 0)
			return false;
	}
	return true;
}

/* Number of ill-formed subparts in s[0..n) (each becomes one U+FFFD). */
static size_t
u8_count_bad(const uchar *s, size_t n)
{
	size_t		i = 0,
				bad = 0;

	while (i < n)
	{
		uint32_t	cp;

		if (n - i >= 8 && word_is_ascii_nonzero(s + i))
		{
			i += 8;
			continue;
		}
		i += u8_decode(s + i, n - i, &cp);
		if (cp == U8_BAD)
			bad++;
	}
	return bad;
}

char *
norm_utf8_truncate(const char *str, size_t maxchars)
{
	const uchar *s = (const uchar *) (str ? str : "");
	size_t		n = strlen((const char *) s);
	size_t		i = 0,
				chars = 0,
				outlen = 0,
				o = 0;
	char	   *out;

	/* Pass 1: exact output size (ill-formed subparts grow to 3 bytes). */
	while (i < n && chars < maxchars)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, n - i, &cp);

		outlen += (cp == U8_BAD) ? 3 : l;
		i += l;
		chars++;
	}
	out = malloc(outlen + 1);
	if (out == NULL)
		return NULL;
	/* Pass 2: copy. */
	i = 0;
	chars = 0;
	while (i < n && chars < maxchars)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, n - i, &cp);

		if (cp == U8_BAD)
			o += u8_encode(0xFFFD, out + o);
		else
		{
			memcpy(out + o, s + i, l);
			o += l;
		}
		i += l;
		chars++;
	}
	out[o] = '\0';
	return out;
}

/* ---- display width -------------------------------------------------- */

struct u_range
{
	uint32_t	lo,
				hi;
};

/* Generated; see the file comment for the derivation. */
static const struct u_range u_zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0600, 0x0605},
	{0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670},
	{0x06D6, 0x06DD}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
	{0x070F, 0x070F}, {0x0711, 0x0711}, {0x0730, 0x074A}, {0x07A6, 0x07B0},
	{0x07EB, 0x07F3}, {0x07FD, 0x07FD}, {0x0816, 0x0819}, {0x081B, 0x0823},
	{0x0825, 0x0827}, {0x0829, 0x082D}, {0x0859, 0x085B}, {0x0890, 0x0891},
	{0x0898, 0x089F}, {0x08CA, 0x0902}, {0x093A, 0x093A}, {0x093C, 0x093C},
	{0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957}, {0x0962, 0x0963},
	{0x0981, 0x0981}, {0x09BC, 0x09BC}, {0x09C1, 0x09C4}, {0x09CD, 0x09CD},
	{0x09E2, 0x09E3}, {0x09FE, 0x09FE}, {0x0A01, 0x0A02}, {0x0A3C, 0x0A3C},
	{0x0A41, 0x0A42}, {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D}, {0x0A51, 0x0A51},
	{0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A82}, {0x0ABC, 0x0ABC},
	{0x0AC1, 0x0AC5}, {0x0AC7, 0x0AC8}, {0x0ACD, 0x0ACD}, {0x0AE2, 0x0AE3},
	{0x0AFA, 0x0AFF}, {0x0B01, 0x0B01}, {0x0B3C, 0x0B3C}, {0x0B3F, 0x0B3F},
	{0x0B41, 0x0B44}, {0x0B4D, 0x0B4D}, {0x0B55, 0x0B56}, {0x0B62, 0x0B63},
	{0x0B82, 0x0B82}, {0x0BC0, 0x0BC0}, {0x0BCD, 0x0BCD}, {0x0C00, 0x0C00},
	{0x0C04, 0x0C04}, {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C40}, {0x0C46, 0x0C48},
	{0x0C4A, 0x0C4D}, {0x0C55, 0x0C56}, {0x0C62, 0x0C63}, {0x0C81, 0x0C81},
	{0x0CBC, 0x0CBC}, {0x0CBF, 0x0CBF}, {0x0CC6, 0x0CC6}, {0x0CCC, 0x0CCD},
	{0x0CE2, 0x0CE3}, {0x0D00, 0x0D01}, {0x0D3B, 0x0D3C}, {0x0D41, 0x0D44},
	{0x0D4D, 0x0D4D}, {0x0D62, 0x0D63}, {0x0D81, 0x0D81}, {0x0DCA, 0x0DCA},
	{0x0DD2, 0x0DD4}, {0x0DD6, 0x0DD6}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
	{0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECD},
	{0x0F18, 0x0F19}, {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39},
	{0x0F71, 0x0F7E}, {0x0F80, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0F97},
	{0x0F99, 0x0FBC}, {0x0FC6, 0x0FC6}, {0x102D, 0x1030}, {0x1032, 0x1037},
	{0x1039, 0x103A}, {0x103D, 0x103E}, {0x1058, 0x1059}, {0x105E, 0x1060},
	{0x1071, 0x1074}, {0x1082, 0x1082}, {0x1085, 0x1086}, {0x108D, 0x108D},
	{0x109D, 0x109D}, {0x1160, 0x11FF}, {0x135D, 0x135F}, {0x1712, 0x1714},
	{0x1732, 0x1733}, {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17B5},
	{0x17B7, 0x17BD}, {0x17C6, 0x17C6}, {0x17C9, 0x17D3}, {0x17DD, 0x17DD},
	{0x180B, 0x180F}, {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x1920, 0x1922},
	{0x1927, 0x1928}, {0x1932, 0x1932}, {0x1939, 0x193B}, {0x1A17, 0x1A18},
	{0x1A1B, 0x1A1B}, {0x1A56, 0x1A56}, {0x1A58, 0x1A5E}, {0x1A60, 0x1A60},
	{0x1A62, 0x1A62}, {0x1A65, 0x1A6C}, {0x1A73, 0x1A7C}, {0x1A7F, 0x1A7F},
	{0x1AB0, 0x1ACE}, {0x1B00, 0x1B03}, {0x1B34, 0x1B34}, {0x1B36, 0x1B3A},
	{0x1B3C, 0x1B3C}, {0x1B42, 0x1B42}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B81},
	{0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9}, {0x1BAB, 0x1BAD}, {0x1BE6, 0x1BE6},
	{0x1BE8, 0x1BE9}, {0x1BED, 0x1BED}, {0x1BEF, 0x1BF1}, {0x1C2C, 0x1C33},
	{0x1C36, 0x1C37}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8},
	{0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF8, 0x1CF9}, {0x1DC0, 0x1DFF},
	{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F},
	{0x20D0, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF},
	{0x302A, 0x302D}, {0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D},
	{0xA69E, 0xA69F}, {0xA6F0, 0xA6F1}, {0xA802, 0xA802}, {0xA806, 0xA806},
	{0xA80B, 0xA80B}, {0xA825, 0xA826}, {0xA82C, 0xA82C}, {0xA8C4, 0xA8C5},
	{0xA8E0, 0xA8F1}, {0xA8FF, 0xA8FF}, {0xA926, 0xA92D}, {0xA947, 0xA951},
	{0xA980, 0xA982}, {0xA9B3, 0xA9B3}, {0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD},
	{0xA9E5, 0xA9E5}, {0xAA29, 0xAA2E}, {0xAA31, 0xAA32}, {0xAA35, 0xAA36},
	{0xAA43, 0xAA43}, {0xAA4C, 0xAA4C}, {0xAA7C, 0xAA7C}, {0xAAB0, 0xAAB0},
	{0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1},
	{0xAAEC, 0xAAED}, {0xAAF6, 0xAAF6}, {0xABE5, 0xABE5}, {0xABE8, 0xABE8},
	{0xABED, 0xABED}, {0xD7B0, 0xD7FF}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x101FD, 0x101FD},
	{0x102E0, 0x102E0}, {0x10376, 0x1037A}, {0x10A01, 0x10A03},
	{0x10A05, 0x10A06}, {0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A},
	{0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27},
	{0x10EAB, 0x10EAC}, {0x10F46, 0x10F50}, {0x10F82, 0x10F85},
	{0x11001, 0x11001}, {0x11038, 0x11046}, {0x11070, 0x11070},
	{0x11073, 0x11074}, {0x1107F, 0x11081}, {0x110B3, 0x110B6},
	{0x110B9, 0x110BA}, {0x110BD, 0x110BD}, {0x110C2, 0x110C2},
	{0x110CD, 0x110CD}, {0x11100, 0x11102}, {0x11127, 0x1112B},
	{0x1112D, 0x11134}, {0x11173, 0x11173}, {0x11180, 0x11181},
	{0x111B6, 0x111BE}, {0x111C9, 0x111CC}, {0x111CF, 0x111CF},
	{0x1122F, 0x11231}, {0x11234, 0x11234}, {0x11236, 0x11237},
	{0x1123E, 0x1123E}, {0x112DF, 0x112DF}, {0x112E3, 0x112EA},
	{0x11300, 0x11301}, {0x1133B, 0x1133C}, {0x11340, 0x11340},
	{0x11366, 0x1136C}, {0x11370, 0x11374}, {0x11438, 0x1143F},
	{0x11442, 0x11444}, {0x11446, 0x11446}, {0x1145E, 0x1145E},
	{0x114B3, 0x114B8}, {0x114BA, 0x114BA}, {0x114BF, 0x114C0},
	{0x114C2, 0x114C3}, {0x115B2, 0x115B5}, {0x115BC, 0x115BD},
	{0x115BF, 0x115C0}, {0x115DC, 0x115DD}, {0x11633, 0x1163A},
	{0x1163D, 0x1163D}, {0x1163F, 0x11640}, {0x116AB, 0x116AB},
	{0x116AD, 0x116AD}, {0x116B0, 0x116B5}, {0x116B7, 0x116B7},
	{0x1171D, 0x1171F}, {0x11722, 0x11725}, {0x11727, 0x1172B},
	{0x1182F, 0x11837}, {0x11839, 0x1183A}, {0x1193B, 0x1193C},
	{0x1193E, 0x1193E}, {0x11943, 0x11943}, {0x119D4, 0x119D7},
	{0x119DA, 0x119DB}, {0x119E0, 0x119E0}, {0x11A01, 0x11A0A},
	{0x11A33, 0x11A38}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47},
	{0x11A51, 0x11A56}, {0x11A59, 0x11A5B}, {0x11A8A, 0x11A96},
	{0x11A98, 0x11A99}, {0x11C30, 0x11C36}, {0x11C38, 0x11C3D},
	{0x11C3F, 0x11C3F}, {0x11C92, 0x11CA7}, {0x11CAA, 0x11CB0},
	{0x11CB2, 0x11CB3}, {0x11CB5, 0x11CB6}, {0x11D31, 0x11D36},
	{0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D45},
	{0x11D47, 0x11D47}, {0x11D90, 0x11D91}, {0x11D95, 0x11D95},
	{0x11D97, 0x11D97}, {0x11EF3, 0x11EF4}, {0x13430, 0x13438},
	{0x16AF0, 0x16AF4}, {0x16B30, 0x16B36}, {0x16F4F, 0x16F4F},
	{0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4}, {0x1BC9D, 0x1BC9E},
	{0x1BCA0, 0x1BCA3}, {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46},
	{0x1D167, 0x1D169}, {0x1D173, 0x1D182}, {0x1D185, 0x1D18B},
	{0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36},
	{0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84},
	{0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF}, {0x1E000, 0x1E006},
	{0x1E008, 0x1E018}, {0x1E01B, 0x1E021}, {0x1E023, 0x1E024},
	{0x1E026, 0x1E02A}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE},
	{0x1E2EC, 0x1E2EF}, {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A},
	{0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};
static const struct u_range u_wide[] = {
	{0x0378, 0x0379}, {0x0380, 0x0383}, {0x038B, 0x038B}, {0x038D, 0x038D},
	{0x03A2, 0x03A2}, {0x0530, 0x0530}, {0x0557, 0x0558}, {0x058B, 0x058C},
	{0x0590, 0x0590}, {0x05C8, 0x05CF}, {0x05EB, 0x05EE}, {0x05F5, 0x05FF},
	{0x070E, 0x070E}, {0x074B, 0x074C}, {0x07B2, 0x07BF}, {0x07FB, 0x07FC},
	{0x082E, 0x082F}, {0x083F, 0x083F}, {0x085C, 0x085D}, {0x085F, 0x085F},
	{0x086B, 0x086F}, {0x088F, 0x088F}, {0x0892, 0x0897}, {0x0984, 0x0984},
	{0x098D, 0x098E}, {0x0991, 0x0992}, {0x09A9, 0x09A9}, {0x09B1, 0x09B1},
	{0x09B3, 0x09B5}, {0x09BA, 0x09BB}, {0x09C5, 0x09C6}, {0x09C9, 0x09CA},
	{0x09CF, 0x09D6}, {0x09D8, 0x09DB}, {0x09DE, 0x09DE}, {0x09E4, 0x09E5},
	{0x09FF, 0x0A00}, {0x0A04, 0x0A04}, {0x0A0B, 0x0A0E}, {0x0A11, 0x0A12},
	{0x0A29, 0x0A29}, {0x0A31, 0x0A31}, {0x0A34, 0x0A34}, {0x0A37, 0x0A37},
	{0x0A3A, 0x0A3B}, {0x0A3D, 0x0A3D}, {0x0A43, 0x0A46}, {0x0A49, 0x0A4A},
	{0x0A4E, 0x0A50}, {0x0A52, 0x0A58}, {0x0A5D, 0x0A5D}, {0x0A5F, 0x0A65},
	{0x0A77, 0x0A80}, {0x0A84, 0x0A84}, {0x0A8E, 0x0A8E}, {0x0A92, 0x0A92},
	{0x0AA9, 0x0AA9}, {0x0AB1, 0x0AB1}, {0x0AB4, 0x0AB4}, {0x0ABA, 0x0ABB},
	{0x0AC6, 0x0AC6}, {0x0ACA, 0x0ACA}, {0x0ACE, 0x0ACF}, {0x0AD1, 0x0ADF},
	{0x0AE4, 0x0AE5}, {0x0AF2, 0x0AF8}, {0x0B00, 0x0B00}, {0x0B04, 0x0B04},
	{0x0B0D, 0x0B0E}, {0x0B11, 0x0B12}, {0x0B29, 0x0B29}, {0x0B31, 0x0B31},
	{0x0B34, 0x0B34}, {0x0B3A, 0x0B3B}, {0x0B45, 0x0B46}, {0x0B49, 0x0B4A},
	{0x0B4E, 0x0B54}, {0x0B58, 0x0B5B}, {0x0B5E, 0x0B5E}, {0x0B64, 0x0B65},
	{0x0B78, 0x0B81}, {0x0B84, 0x0B84}, {0x0B8B, 0x0B8D}, {0x0B91, 0x0B91},
	{0x0B96, 0x0B98}, {0x0B9B, 0x0B9B}, {0x0B9D, 0x0B9D}, {0x0BA0, 0x0BA2},
	{0x0BA5, 0x0BA7}, {0x0BAB, 0x0BAD}, {0x0BBA, 0x0BBD}, {0x0BC3, 0x0BC5},
	{0x0BC9, 0x0BC9}, {0x0BCE, 0x0BCF}, {0x0BD1, 0x0BD6}, {0x0BD8, 0x0BE5},
	{0x0BFB, 0x0BFF}, {0x0C0D, 0x0C0D}, {0x0C11, 0x0C11}, {0x0C29, 0x0C29},
	{0x0C3A, 0x0C3B}, {0x0C45, 0x0C45}, {0x0C49, 0x0C49}, {0x0C4E, 0x0C54},
	{0x0C57, 0x0C57}, {0x0C5B, 0x0C5C}, {0x0C5E, 0x0C5F}, {0x0C64, 0x0C65},
	{0x0C70, 0x0C76}, {0x0C8D, 0x0C8D}, {0x0C91, 0x0C91}, {0x0CA9, 0x0CA9},
	{0x0CB4, 0x0CB4}, {0x0CBA, 0x0CBB}, {0x0CC5, 0x0CC5}, {0x0CC9, 0x0CC9},
	{0x0CCE, 0x0CD4}, {0x0CD7, 0x0CDC}, {0x0CDF, 0x0CDF}, {0x0CE4, 0x0CE5},
	{0x0CF0, 0x0CF0}, {0x0CF3, 0x0CFF}, {0x0D0D, 0x0D0D}, {0x0D11, 0x0D11},
	{0x0D45, 0x0D45}, {0x0D49, 0x0D49}, {0x0D50, 0x0D53}, {0x0D64, 0x0D65},
	{0x0D80, 0x0D80}, {0x0D84, 0x0D84}, {0x0D97, 0x0D99}, {0x0DB2, 0x0DB2},
	{0x0DBC, 0x0DBC}, {0x0DBE, 0x0DBF}, {0x0DC7, 0x0DC9}, {0x0DCB, 0x0DCE},
	{0x0DD5, 0x0DD5}, {0x0DD7, 0x0DD7}, {0x0DE0, 0x0DE5}, {0x0DF0, 0x0DF1},
	{0x0DF5, 0x0E00}, {0x0E3B, 0x0E3E}, {0x0E5C, 0x0E80}, {0x0E83, 0x0E83},
	{0x0E85, 0x0E85}, {0x0E8B, 0x0E8B}, {0x0EA4, 0x0EA4}, {0x0EA6, 0x0EA6},
	{0x0EBE, 0x0EBF}, {0x0EC5, 0x0EC5}, {0x0EC7, 0x0EC7}, {0x0ECE, 0x0ECF},
	{0x0EDA, 0x0EDB}, {0x0EE0, 0x0EFF}, {0x0F48, 0x0F48}, {0x0F6D, 0x0F70},
	{0x0F98, 0x0F98}, {0x0FBD, 0x0FBD}, {0x0FCD, 0x0FCD}, {0x0FDB, 0x0FFF},
	{0x10C6, 0x10C6}, {0x10C8, 0x10CC}, {0x10CE, 0x10CF}, {0x1100, 0x115F},
	{0x1249, 0x1249}, {0x124E, 0x124F}, {0x1257, 0x1257}, {0x1259, 0x1259},
	{0x125E, 0x125F}, {0x1289, 0x1289}, {0x128E, 0x128F}, {0x12B1, 0x12B1},
	{0x12B6, 0x12B7}, {0x12BF, 0x12BF}, {0x12C1, 0x12C1}, {0x12C6, 0x12C7},
	{0x12D7, 0x12D7}, {0x1311, 0x1311}, {0x1316, 0x1317}, {0x135B, 0x135C},
	{0x137D, 0x137F}, {0x139A, 0x139F}, {0x13F6, 0x13F7}, {0x13FE, 0x13FF},
	{0x169D, 0x169F}, {0x16F9, 0x16FF}, {0x1716, 0x171E}, {0x1737, 0x173F},
	{0x1754, 0x175F}, {0x176D, 0x176D}, {0x1771, 0x1771}, {0x1774, 0x177F},
	{0x17DE, 0x17DF}, {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x181A, 0x181F},
	{0x1879, 0x187F}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF}, {0x191F, 0x191F},
	{0x192C, 0x192F}, {0x193C, 0x193F}, {0x1941, 0x1943}, {0x196E, 0x196F},
	{0x1975, 0x197F}, {0x19AC, 0x19AF}, {0x19CA, 0x19CF}, {0x19DB, 0x19DD},
	{0x1A1C, 0x1A1D}, {0x1A5F, 0x1A5F}, {0x1A7D, 0x1A7E}, {0x1A8A, 0x1A8F},
	{0x1A9A, 0x1A9F}, {0x1AAE, 0x1AAF}, {0x1ACF, 0x1AFF}, {0x1B4D, 0x1B4F},
	{0x1B7F, 0x1B7F}, {0x1BF4, 0x1BFB}, {0x1C38, 0x1C3A}, {0x1C4A, 0x1C4C},
	{0x1C89, 0x1C8F}, {0x1CBB, 0x1CBC}, {0x1CC8, 0x1CCF}, {0x1CFB, 0x1CFF},
	{0x1F16, 0x1F17}, {0x1F1E, 0x1F1F}, {0x1F46, 0x1F47}, {0x1F4E, 0x1F4F},
	{0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C}, {0x1F5E, 0x1F5E},
	{0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5}, {0x1FD4, 0x1FD5},
	{0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5}, {0x1FFF, 0x1FFF},
	{0x2065, 0x2065}, {0x2072, 0x2073}, {0x208F, 0x208F}, {0x209D, 0x209F},
	{0x20C1, 0x20CF}, {0x20F1, 0x20FF}, {0x218C, 0x218F}, {0x231A, 0x231B},
	{0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
	{0x2427, 0x243F}, {0x244B, 0x245F}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2B74, 0x2B75},
	{0x2B96, 0x2B96}, {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C},
	{0x2D2E, 0x2D2F}, {0x2D68, 0x2D6E}, {0x2D71, 0x2D7E}, {0x2D97, 0x2D9F},
	{0x2DA7, 0x2DA7}, {0x2DAF, 0x2DAF}, {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF},
	{0x2DC7, 0x2DC7}, {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7}, {0x2DDF, 0x2DDF},
	{0x2E5E, 0x3029}, {0x302E, 0x303E}, {0x3040, 0x3098}, {0x309B, 0x3247},
	{0x3250, 0x4DBF}, {0x4E00, 0xA4CF}, {0xA62C, 0xA63F}, {0xA6F8, 0xA6FF},
	{0xA7CB, 0xA7CF}, {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4}, {0xA7DA, 0xA7F1},
	{0xA82D, 0xA82F}, {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C6, 0xA8CD},
	{0xA8DA, 0xA8DF}, {0xA954, 0xA95E}, {0xA960, 0xA97F}, {0xA9CE, 0xA9CE},
	{0xA9DA, 0xA9DD}, {0xA9FF, 0xA9FF}, {0xAA37, 0xAA3F}, {0xAA4E, 0xAA4F},
	{0xAA5A, 0xAA5B}, {0xAAC3, 0xAADA}, {0xAAF7, 0xAB00}, {0xAB07, 0xAB08},
	{0xAB0F, 0xAB10}, {0xAB17, 0xAB1F}, {0xAB27, 0xAB27}, {0xAB2F, 0xAB2F},
	{0xAB6C, 0xAB6F}, {0xABEE, 0xABEF}, {0xABFA, 0xD7AF}, {0xF900, 0xFAFF},
	{0xFB07, 0xFB12}, {0xFB18, 0xFB1C}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D},
	{0xFB3F, 0xFB3F}, {0xFB42, 0xFB42}, {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2},
	{0xFD90, 0xFD91}, {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF}, {0xFE10, 0xFE1F},
	{0xFE30, 0xFE6F}, {0xFE75, 0xFE75}, {0xFEFD, 0xFEFE}, {0xFF00, 0xFF60},
	{0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9}, {0xFFD0, 0xFFD1}, {0xFFD8, 0xFFD9},
	{0xFFDD, 0xFFE7}, {0xFFEF, 0xFFF8}, {0xFFFE, 0xFFFF}, {0x1000C, 0x1000C},
	{0x10027, 0x10027}, {0x1003B, 0x1003B}, {0x1003E, 0x1003E},
	{0x1004E, 0x1004F}, {0x1005E, 0x1007F}, {0x100FB, 0x100FF},
	{0x10103, 0x10106}, {0x10134, 0x10136}, {0x1018F, 0x1018F},
	{0x1019D, 0x1019F}, {0x101A1, 0x101CF}, {0x101FE, 0x1027F},
	{0x1029D, 0x1029F}, {0x102D1, 0x102DF}, {0x102FC, 0x102FF},
	{0x10324, 0x1032C}, {0x1034B, 0x1034F}, {0x1037B, 0x1037F},
	{0x1039E, 0x1039E}, {0x103C4, 0x103C7}, {0x103D6, 0x103FF},
	{0x1049E, 0x1049F}, {0x104AA, 0x104AF}, {0x104D4, 0x104D7},
	{0x104FC, 0x104FF}, {0x10528, 0x1052F}, {0x10564, 0x1056E},
	{0x1057B, 0x1057B}, {0x1058B, 0x1058B}, {0x10593, 0x10593},
	{0x10596, 0x10596}, {0x105A2, 0x105A2}, {0x105B2, 0x105B2},
	{0x105BA, 0x105BA}, {0x105BD, 0x105FF}, {0x10737, 0x1073F},
	{0x10756, 0x1075F}, {0x10768, 0x1077F}, {0x10786, 0x10786},
	{0x107B1, 0x107B1}, {0x107BB, 0x107FF}, {0x10806, 0x10807},
	{0x10809, 0x10809}, {0x10836, 0x10836}, {0x10839, 0x1083B},
	{0x1083D, 0x1083E}, {0x10856, 0x10856}, {0x1089F, 0x108A6},
	{0x108B0, 0x108DF}, {0x108F3, 0x108F3}, {0x108F6, 0x108FA},
	{0x1091C, 0x1091E}, {0x1093A, 0x1093E}, {0x10940, 0x1097F},
	{0x109B8, 0x109BB}, {0x109D0, 0x109D1}, {0x10A04, 0x10A04},
	{0x10A07, 0x10A0B}, {0x10A14, 0x10A14}, {0x10A18, 0x10A18},
	{0x10A36, 0x10A37}, {0x10A3B, 0x10A3E}, {0x10A49, 0x10A4F},
	{0x10A59, 0x10A5F}, {0x10AA0, 0x10ABF}, {0x10AE7, 0x10AEA},
	{0x10AF7, 0x10AFF}, {0x10B36, 0x10B38}, {0x10B56, 0x10B57},
	{0x10B73, 0x10B77}, {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8},
	{0x10BB0, 0x10BFF}, {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF},
	{0x10CF3, 0x10CF9}, {0x10D28, 0x10D2F}, {0x10D3A, 0x10E5F},
	{0x10E7F, 0x10E7F}, {0x10EAA, 0x10EAA}, {0x10EAE, 0x10EAF},
	{0x10EB2, 0x10EFF}, {0x10F28, 0x10F2F}, {0x10F5A, 0x10F6F},
	{0x10F8A, 0x10FAF}, {0x10FCC, 0x10FDF}, {0x10FF7, 0x10FFF},
	{0x1104E, 0x11051}, {0x11076, 0x1107E}, {0x110C3, 0x110CC},
	{0x110CE, 0x110CF}, {0x110E9, 0x110EF}, {0x110FA, 0x110FF},
	{0x11135, 0x11135}, {0x11148, 0x1114F}, {0x11177, 0x1117F},
	{0x111E0, 0x111E0}, {0x111F5, 0x111FF}, {0x11212, 0x11212},
	{0x1123F, 0x1127F}, {0x11287, 0x11287}, {0x11289, 0x11289},
	{0x1128E, 0x1128E}, {0x1129E, 0x1129E}, {0x112AA, 0x112AF},
	{0x112EB, 0x112EF}, {0x112FA, 0x112FF}, {0x11304, 0x11304},
	{0x1130D, 0x1130E}, {0x11311, 0x11312}, {0x11329, 0x11329},
	{0x11331, 0x11331}, {0x11334, 0x11334}, {0x1133A, 0x1133A},
	{0x11345, 0x11346}, {0x11349, 0x1134A}, {0x1134E, 0x1134F},
	{0x11351, 0x11356}, {0x11358, 0x1135C}, {0x11364, 0x11365},
	{0x1136D, 0x1136F}, {0x11375, 0x113FF}, {0x1145C, 0x1145C},
	{0x11462, 0x1147F}, {0x114C8, 0x114CF}, {0x114DA, 0x1157F},
	{0x115B6, 0x115B7}, {0x115DE, 0x115FF}, {0x11645, 0x1164F},
	{0x1165A, 0x1165F}, {0x1166D, 0x1167F}, {0x116BA, 0x116BF},
	{0x116CA, 0x116FF}, {0x1171B, 0x1171C}, {0x1172C, 0x1172F},
	{0x11747, 0x117FF}, {0x1183C, 0x1189F}, {0x118F3, 0x118FE},
	{0x11907, 0x11908}, {0x1190A, 0x1190B}, {0x11914, 0x11914},
	{0x11917, 0x11917}, {0x11936, 0x11936}, {0x11939, 0x1193A},
	{0x11947, 0x1194F}, {0x1195A, 0x1199F}, {0x119A8, 0x119A9},
	{0x119D8, 0x119D9}, {0x119E5, 0x119FF}, {0x11A48, 0x11A4F},
	{0x11AA3, 0x11AAF}, {0x11AF9, 0x11BFF}, {0x11C09, 0x11C09},
	{0x11C37, 0x11C37}, {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F},
	{0x11C90, 0x11C91}, {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF},
	{0x11D07, 0x11D07}, {0x11D0A, 0x11D0A}, {0x11D37, 0x11D39},
	{0x11D3B, 0x11D3B}, {0x11D3E, 0x11D3E}, {0x11D48, 0x11D4F},
	{0x11D5A, 0x11D5F}, {0x11D66, 0x11D66}, {0x11D69, 0x11D69},
	{0x11D8F, 0x11D8F}, {0x11D92, 0x11D92}, {0x11D99, 0x11D9F},
	{0x11DAA, 0x11EDF}, {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF},
	{0x11FF2, 0x11FFE}, {0x1239A, 0x123FF}, {0x1246F, 0x1246F},
	{0x12475, 0x1247F}, {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF},
	{0x1342F, 0x1342F}, {0x13439, 0x143FF}, {0x14647, 0x167FF},
	{0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F}, {0x16A6A, 0x16A6D},
	{0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF}, {0x16AEE, 0x16AEF},
	{0x16AF6, 0x16AFF}, {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A},
	{0x16B62, 0x16B62}, {0x16B78, 0x16B7C}, {0x16B90, 0x16E3F},
	{0x16E9B, 0x16EFF}, {0x16F4B, 0x16F4E}, {0x16F88, 0x16F8E},
	{0x16FA0, 0x16FE3}, {0x16FE5, 0x1BBFF}, {0x1BC6B, 0x1BC6F},
	{0x1BC7D, 0x1BC7F}, {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B},
	{0x1BCA4, 0x1CEFF}, {0x1CF2E, 0x1CF2F}, {0x1CF47, 0x1CF4F},
	{0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF}, {0x1D127, 0x1D128},
	{0x1D1EB, 0x1D1FF}, {0x1D246, 0x1D2DF}, {0x1D2F4, 0x1D2FF},
	{0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF}, {0x1D455, 0x1D455},
	{0x1D49D, 0x1D49D}, {0x1D4A0, 0x1D4A1}, {0x1D4A3, 0x1D4A4},
	{0x1D4A7, 0x1D4A8}, {0x1D4AD, 0x1D4AD}, {0x1D4BA, 0x1D4BA},
	{0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4}, {0x1D506, 0x1D506},
	{0x1D50B, 0x1D50C}, {0x1D515, 0x1D515}, {0x1D51D, 0x1D51D},
	{0x1D53A, 0x1D53A}, {0x1D53F, 0x1D53F}, {0x1D545, 0x1D545},
	{0x1D547, 0x1D549}, {0x1D551, 0x1D551}, {0x1D6A6, 0x1D6A7},
	{0x1D7CC, 0x1D7CD}, {0x1DA8C, 0x1DA9A}, {0x1DAA0, 0x1DAA0},
	{0x1DAB0, 0x1DEFF}, {0x1DF1F, 0x1DFFF}, {0x1E007, 0x1E007},
	{0x1E019, 0x1E01A}, {0x1E022, 0x1E022}, {0x1E025, 0x1E025},
	{0x1E02B, 0x1E0FF}, {0x1E12D, 0x1E12F}, {0x1E13E, 0x1E13F},
	{0x1E14A, 0x1E14D}, {0x1E150, 0x1E28F}, {0x1E2AF, 0x1E2BF},
	{0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E7DF}, {0x1E7E7, 0x1E7E7},
	{0x1E7EC, 0x1E7EC}, {0x1E7EF, 0x1E7EF}, {0x1E7FF, 0x1E7FF},
	{0x1E8C5, 0x1E8C6}, {0x1E8D7, 0x1E8FF}, {0x1E94C, 0x1E94F},
	{0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70}, {0x1ECB5, 0x1ED00},
	{0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04}, {0x1EE20, 0x1EE20},
	{0x1EE23, 0x1EE23}, {0x1EE25, 0x1EE26}, {0x1EE28, 0x1EE28},
	{0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38}, {0x1EE3A, 0x1EE3A},
	{0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46}, {0x1EE48, 0x1EE48},
	{0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C}, {0x1EE50, 0x1EE50},
	{0x1EE53, 0x1EE53}, {0x1EE55, 0x1EE56}, {0x1EE58, 0x1EE58},
	{0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C}, {0x1EE5E, 0x1EE5E},
	{0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63}, {0x1EE65, 0x1EE66},
	{0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73}, {0x1EE78, 0x1EE78},
	{0x1EE7D, 0x1EE7D}, {0x1EE7F, 0x1EE7F}, {0x1EE8A, 0x1EE8A},
	{0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4}, {0x1EEAA, 0x1EEAA},
	{0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF}, {0x1F004, 0x1F004},
	{0x1F02C, 0x1F02F}, {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0},
	{0x1F0C0, 0x1F0C0}, {0x1F0CF, 0x1F0D0}, {0x1F0F6, 0x1F0FF},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AE, 0x1F1E5},
	{0x1F200, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
	{0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3},
	{0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
	{0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
	{0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
	{0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F},
	{0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
	{0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EF}, {0x1F6F4, 0x1F6FF},
	{0x1F774, 0x1F77F}, {0x1F7D9, 0x1F7FF}, {0x1F80C, 0x1F80F},
	{0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F},
	{0x1F8AE, 0x1F8AF}, {0x1F8B2, 0x1F8FF}, {0x1F90C, 0x1F93A},
	{0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA54, 0x1FA5F},
	{0x1FA6E, 0x1FAFF}, {0x1FB93, 0x1FB93}, {0x1FBCB, 0x1FBEF},
	{0x1FBFA, 0xE0000}, {0xE0002, 0xE001F}, {0xE0080, 0xE00FF},
	{0xE01F0, 0xEFFFF}, {0xFFFFE, 0xFFFFF}, {0x10FFFE, 0x10FFFF},
};

static bool
in_ranges(const struct u_range *r, size_t nr, uint32_t cp)
{
	size_t		lo = 0,
				hi = nr;

	if (cp < r[0].lo || cp > r[nr - 1].hi)
		return false;
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (cp > r[mid].hi)
			lo = mid + 1;
		else if (cp < r[mid].lo)
			hi = mid;
		else
			return true;
	}
	return false;
}

static int
cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;				/* C0/C1 controls print nothing */
	if (cp < 0x300)
		return 1;
	/* fast paths for the common CJK blocks */
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3))
		return 2;
	if (in_ranges(u_zero_width, sizeof(u_zero_width) / sizeof(u_zero_width[0]), cp))
		return 0;
	if (in_ranges(u_wide, sizeof(u_wide) / sizeof(u_wide[0]), cp))
		return 2;
	return 1;
}

int
norm_display_width(const char *str)
{
	const uchar *s = (const uchar *) str;
	size_t		n,
				i = 0;
	int64_t		w = 0;

	if (s == NULL)
		return 0;
	n = strlen(str);
	while (i < n)
	{
		uint32_t	cp;

		if (s[i] < 0x80)
		{
			w += (s[i] >= 0x20 && s[i] != 0x7F);
			i++;
			continue;
		}
		i += u8_decode(s + i, n - i, &cp);
		w += (cp == U8_BAD) ? 1 : cp_width(cp);	/* U+FFFD is narrow */
	}
	return w > INT_MAX ? INT_MAX : (int) w;
}

/* ======================================================================
 * Time
 * ==================================================================== */

#define US_PER_SEC INT64_C(1000000)
/* 2201-01-01T00:00:00Z: first instant after the accepted range. */
#define EPOCH_LIMIT_SEC INT64_C(7289654400)
#define EPOCH_LIMIT_US (EPOCH_LIMIT_SEC * US_PER_SEC)
#define YEAR_MIN 1970
#define YEAR_MAX 2200
/* A timestamp longer than this (after trimming) is not a timestamp. */
#define TIME_BUF 256

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
int64_t
norm_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
norm_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		era,
				doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap(y)) ? 29 : dm[m - 1];
}

/* Broken-down time being parsed; period is the AM/PM marker. */
enum period
{
	P_NONE, P_AM, P_PM, P_NOON
};

typedef struct tfields
{
	int			year,
				mon,
				day,
				hour,
				min,
				sec;
	int32_t		usec;			/* may be 1000000 after rounding */
	bool		has_zone;
	int32_t		off;			/* seconds east of UTC */
} tfields;

/* A cursor over the folded timestamp. */
typedef struct tcur
{
	const uchar *p,
			   *end;
} tcur;

static size_t
tc_left(const tcur *c)
{
	return (size_t) (c->end - c->p);
}

static bool
tc_lit(tcur *c, const char *lit)
{
	if (!byte_prefix(c->p, tc_left(c), lit))
		return false;
	c->p += strlen(lit);
	return true;
}

static bool
tc_ci(tcur *c, const char *lit)
{
	if (!ci_prefix(c->p, tc_left(c), lit))
		return false;
	c->p += strlen(lit);
	return true;
}

static void
tc_skip_spaces(tcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* A run of digits whose length is in [mind, maxd]; the run must end there. */
static bool
tc_digits(tcur *c, int mind, int maxd, int *val)
{
	int			k = 0,
				v = 0;

	while (c->p + k < c->end && a_isdigit(c->p[k]))
	{
		if (k >= maxd)
			return false;
		v = v * 10 + (c->p[k] - '0');
		k++;
	}
	if (k < mind)
		return false;
	c->p += k;
	*val = v;
	return true;
}

/* Exactly n digits, whatever follows (compact forms). */
static bool
tc_fixed(tcur *c, int n, int *val)
{
	int			k,
				v = 0;

	if (tc_left(c) < (size_t) n)
		return false;
	for (k = 0; k < n; k++)
	{
		if (!a_isdigit(c->p[k]))
			return false;
		v = v * 10 + (c->p[k] - '0');
	}
	c->p += n;
	*val = v;
	return true;
}

/* Fraction after '.' or ',': rounded to microseconds. */
static void
tc_fraction(tcur *c, tfields *t)
{
	int32_t		us = 0;
	int			k = 0;

	if (c->p + 1 < c->end && (*c->p == '.' || *c->p == ',') && a_isdigit(c->p[1]))
	{
		c->p++;
		while (c->p < c->end && a_isdigit(*c->p))
		{
			if (k < 6)
				us = us * 10 + (*c->p - '0');
			else if (k == 6 && *c->p >= '5')
				us++;			/* round half up on the 7th digit */
			k++;
			c->p++;
		}
		for (; k < 6; k++)
			us *= 10;
	}
	t->usec = us;
}

/* English AM/PM after a clock time: "am", "pm", "a.m.", "p.m.". */
static enum period
tc_ampm(tcur *c)
{
	tcur		save = *c;
	enum period p = P_NONE;

	tc_skip_spaces(c);
	if (tc_ci(c, "a.m.") || tc_ci(c, "am"))
		p = P_AM;
	else if (tc_ci(c, "p.m.") || tc_ci(c, "pm"))
		p = P_PM;
	if (p != P_NONE && c->p < c->end && a_isalpha(*c->p))
		p = P_NONE;				/* "amsterdam" is not "am" */
	if (p == P_NONE)
		*c = save;
	return p;
}

/* Chinese day-period words before a clock time. */
static enum period
tc_cn_period(tcur *c)
{
	if (tc_lit(c, "上午") || tc_lit(c, "早上") || tc_lit(c, "凌晨") || tc_lit(c, "早晨"))
		return P_AM;
	if (tc_lit(c, "下午") || tc_lit(c, "晚上") || tc_lit(c, "傍晚") || tc_lit(c, "夜里") || tc_lit(c, "夜间"))
		return P_PM;
	if (tc_lit(c, "中午"))
		return P_NOON;
	return P_NONE;
}

static bool
apply_period(tfields *t, enum period p)
{
	switch (p)
	{
		case P_NONE:
			break;
		case P_AM:
			if (t->hour > 12)
				return false;
			if (t->hour == 12)
				t->hour = 0;
			break;
		case P_PM:
			/* "下午14:30" is redundant but common: keep 13..23 as is. */
			if (t->hour == 0)
				return false;
			if (t->hour < 12)
				t->hour += 12;
			break;
		case P_NOON:
			if (t->hour >= 1 && t->hour <= 3)
				t->hour += 12;
			else if (t->hour < 10 || t->hour > 12)
				return false;
			break;
	}
	return true;
}

/*
 * Clock time: "9:30", "09:30:00.123", Chinese "9点30分", "9时30分15秒",
 * "9点半", "9点", optionally preceded by 上午/下午.. (cn) and followed by
 * AM/PM.  Validates ranges; a leap second 60 is accepted (it rolls over).
 */
static bool
tc_clock(tcur *c, tfields *t, bool cn)
{
	enum period per = P_NONE,
				suffix;

	t->min = t->sec = 0;
	t->usec = 0;
	if (cn)
	{
		per = tc_cn_period(c);
		if (per != P_NONE)
			tc_skip_spaces(c);
	}
	if (!tc_digits(c, 1, 2, &t->hour))
		return false;
	if (tc_lit(c, ":"))
	{
		if (!tc_digits(c, 2, 2, &t->min))
			return false;
		if (tc_lit(c, ":"))
		{
			if (!tc_digits(c, 2, 2, &t->sec))
				return false;
			tc_fraction(c, t);
		}
	}
	else if (cn && (tc_lit(c, "点") || tc_lit(c, "时")))
	{
		if (tc_lit(c, "半"))
			t->min = 30;
		else if (tc_lit(c, "整"))
			;
		else if (c->p < c->end && a_isdigit(*c->p))
		{
			if (!tc_digits(c, 1, 2, &t->min))
				return false;
			if (tc_lit(c, "分") && c->p < c->end && a_isdigit(*c->p))
			{
				if (!tc_digits(c, 1, 2, &t->sec))
					return false;
				tc_lit(c, "秒");
			}
		}
	}
	else
		return false;
	suffix = tc_ampm(c);
	if (suffix != P_NONE)
	{
		if (per != P_NONE)
			return false;
		per = suffix;
	}
	if (!apply_period(t, per))
		return false;
	return t->hour <= 23 && t->min <= 59 && t->sec <= 60;
}

/* Zone names: RFC 5322 obs-zone plus the zones Chinese partners use. */
static bool
zone_name(const uchar *w, size_t n, bool cst_is_china, int32_t *off)
{
	static const struct
	{
		const char *name;
		int32_t		off;
	}			zones[] = {
		{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
		{"est", -5 * 3600}, {"edt", -4 * 3600},
		{"cdt", -5 * 3600},
		{"mst", -7 * 3600}, {"mdt", -6 * 3600},
		{"pst", -8 * 3600}, {"pdt", -7 * 3600},
		{"bjt", 8 * 3600}, {"cct", 8 * 3600}, {"hkt", 8 * 3600},
		{"sgt", 8 * 3600}, {"jst", 9 * 3600}, {"kst", 9 * 3600},
	};
	size_t		k;

	if (n == 3 && ci_prefix(w, n, "cst"))
	{
		/*
		 * RFC 5322 defines CST as US Central (-0600).  Java's
		 * Date.toString() ("Sat Jun 15 09:30:00 CST 2024") and ISO-style
		 * strings from Chinese systems mean China Standard Time.
		 */
		*off = cst_is_china ? 8 * 3600 : -6 * 3600;
		return true;
	}
	for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
	{
		if (strlen(zones[k].name) == n && ci_prefix(w, n, zones[k].name))
		{
			*off = zones[k].off;
			return true;
		}
	}
	return false;
}

/* "+0800", "+08:00", "+08", "+8", "-0000"; c->p at the sign. */
static bool
tc_offset(tcur *c, int32_t *off)
{
	int			sign = (*c->p == '-') ? -1 : 1;
	int			hh = 0,
				mm = 0,
				k = 0;
	const uchar *q;

	c->p++;
	q = c->p;
	while (q + k < c->end && a_isdigit(q[k]) && k < 5)
		k++;
	if (k == 4)
	{
		hh = (q[0] - '0') * 10 + (q[1] - '0');
		mm = (q[2] - '0') * 10 + (q[3] - '0');
		c->p += 4;
	}
	else if (k == 1 || k == 2)
	{
		hh = (k == 1) ? q[0] - '0' : (q[0] - '0') * 10 + (q[1] - '0');
		c->p += k;
		if (tc_lit(c, ":") && !tc_digits(c, 2, 2, &mm))
			return false;
	}
	else
		return false;
	if (hh > 18 || mm > 59 || (hh == 18 && mm))
		return false;
	*off = sign * (hh * 3600 + mm * 60);
	return true;
}

/*
 * Optional zone after the clock: "Z", "+08:00", " +0800", " UTC",
 * " GMT+8", " CST".  Returns false on a malformed zone; absent is fine.
 */
static bool
tc_zone(tcur *c, tfields *t, bool cst_is_china)
{
	tcur		save = *c;
	const uchar *w;
	size_t		wl = 0;

	tc_skip_spaces(c);
	if (c->p >= c->end)
	{
		*c = save;
		return true;
	}
	if (*c->p == '+' || *c->p == '-')
	{
		if (!tc_offset(c, &t->off))
			return false;
		t->has_zone = true;
		return true;
	}
	w = c->p;
	while (w + wl < c->end && a_isalpha(w[wl]) && wl < 8)
		wl++;
	if (wl == 0 || (w + wl < c->end && a_isalpha(w[wl])))
	{
		*c = save;
		return true;
	}
	if (!zone_name(w, wl, cst_is_china, &t->off))
		return false;
	c->p += wl;
	t->has_zone = true;
	if ((ci_prefix(w, wl, "utc") || ci_prefix(w, wl, "gmt")) && wl == 3 &&
		c->p < c->end && (*c->p == '+' || *c->p == '-'))
		return tc_offset(c, &t->off);
	return true;
}

/* Skip RFC 5322 comments "(CST)" and spaces; bounded nesting. */
static bool
tc_skip_comments(tcur *c)
{
	for (;;)
	{
		int			depth = 0;

		tc_skip_spaces(c);
		if (c->p >= c->end || *c->p != '(')
			return true;
		while (c->p < c->end)
		{
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			else if (*c->p == '(')
			{
				if (++depth > 16)
					return false;
			}
			else if (*c->p == ')' && --depth == 0)
			{
				c->p++;
				break;
			}
			c->p++;
		}
		if (depth != 0)
			return false;
	}
}

/* Chinese weekday after a date: "星期六", "周六", "(周六)", "礼拜天". */
static void
tc_cn_weekday(tcur *c)
{
	tcur		save = *c;
	bool		paren;

	tc_skip_spaces(c);
	paren = tc_lit(c, "(");
	if (tc_lit(c, "星期") || tc_lit(c, "礼拜") || tc_lit(c, "周"))
	{
		if (tc_lit(c, "一") || tc_lit(c, "二") || tc_lit(c, "三") || tc_lit(c, "四") ||
			tc_lit(c, "五") || tc_lit(c, "六") || tc_lit(c, "日") || tc_lit(c, "天"))
		{
			if (!paren || tc_lit(c, ")"))
				return;
		}
	}
	*c = save;
}

static bool
date_valid(const tfields *t)
{
	return t->year >= YEAR_MIN && t->year <= YEAR_MAX &&
		t->mon >= 1 && t->mon <= 12 &&
		t->day >= 1 && t->day <= days_in_month(t->year, t->mon);
}

static bool
fields_to_us(const tfields *t, int64_t *out)
{
	int64_t		secs;

	if (!date_valid(t) || t->hour > 23 || t->min > 59 || t->sec > 60)
		return false;
	secs = norm_days_from_civil(t->year, t->mon, t->day) * 86400 +
		t->hour * 3600 + t->min * 60 + t->sec;
	secs -= t->has_zone ? t->off : NORM_DEFAULT_TZ_OFFSET_SEC;
	*out = secs * US_PER_SEC + t->usec;
	return true;
}

/*
 * ISO 8601 / RFC 3339 / Chinese forms starting with a 4-digit year:
 *   2024-06-15[(T| +)09:30[:00[.123]]][Z|+08:00| UTC]
 *   2024/06/15 09:30:00, 2024.06.15, 2024-6-5 9:30
 *   2024年6月15日[ 星期六][ 下午]09:30 | 9点30分 | 9时
 *   20240615T093000[Z]
 */
static bool
parse_ymd(tcur *c, tfields *t)
{
	bool		cn = false,
				basic = false,
				clock_needed = false;

	if (!tc_fixed(c, 4, &t->year))
		return false;
	if (c->p < c->end && (*c->p == '-' || *c->p == '/' || *c->p == '.'))
	{
		uchar		sep = *c->p++;

		if (!tc_digits(c, 1, 2, &t->mon) || c->p >= c->end || *c->p++ != sep ||
			!tc_digits(c, 1, 2, &t->day))
			return false;
	}
	else if (tc_lit(c, "年"))
	{
		cn = true;
		tc_skip_spaces(c);
		if (!tc_digits(c, 1, 2, &t->mon))
			return false;
		tc_skip_spaces(c);
		if (!tc_lit(c, "月"))
			return false;
		tc_skip_spaces(c);
		if (!tc_digits(c, 1, 2, &t->day))
			return false;
		if (!tc_lit(c, "日"))
			tc_lit(c, "号");
	}
	else
	{
		if (!tc_fixed(c, 2, &t->mon) || !tc_fixed(c, 2, &t->day))
			return false;
		basic = true;
	}
	if (!date_valid(t))
		return false;
	if (!basic)
		tc_cn_weekday(c);		/* "2024年6月15日周六", "2024-06-15 星期六" */

	/* separator between date and time */
	if (c->p < c->end && (*c->p == 'T' || *c->p == 't') && !cn)
	{
		c->p++;
		clock_needed = true;
	}
	else if (basic)
		return false;			/* bare 8 digits are handled as compact */
	else
	{
		const uchar *before = c->p;

		tc_skip_spaces(c);
		if (c->p == before && !cn && c->p < c->end)
			return false;		/* "2024-06-1509:30" */
		if (c->p < c->end && *c->p != '(')
			clock_needed = true;
	}

	if (clock_needed)
	{
		if (basic && c->p < c->end && a_isdigit(*c->p) &&
			!(tc_left(c) > 2 && c->p[2] == ':'))
		{
			/* basic-format time "093000[.123]" */
			t->min = t->sec = 0;
			t->usec = 0;
			if (!tc_fixed(c, 2, &t->hour) || !tc_fixed(c, 2, &t->min))
				return false;
			if (c->p < c->end && a_isdigit(*c->p))
			{
				if (!tc_fixed(c, 2, &t->sec))
					return false;
				tc_fraction(c, t);
			}
			if (t->hour > 23 || t->min > 59 || t->sec > 60)
				return false;
		}
		else if (!tc_clock(c, t, true))	/* "2024/6/15 下午 03:00:00" too */
			return false;
		if (!tc_zone(c, t, true))
			return false;
		/* RFC 9557 / Java ZonedDateTime: "+08:00[Asia/Shanghai]" */
		if (t->has_zone && c->p < c->end && *c->p == '[')
		{
			const uchar *rb = memchr(c->p, ']', tc_left(c));

			if (rb == NULL)
				return false;
			c->p = rb + 1;
		}
	}
	if (!tc_skip_comments(c))
		return false;
	return c->p == c->end;
}

/*
 * Textual dates with month names, tokens in any sensible order:
 *   RFC 5322   "Sat, 15 Jun 2024 09:30:00 +0800 (CST)", "15 Jun 24 09:30 GMT"
 *   IMAP       "15-Jun-2024 09:30:00 +0800"
 *   Java       "Sat Jun 15 09:30:00 CST 2024"
 *   US style   "May 8, 2005 1:17 PM", "Jun 15, 2024 at 9:30 AM"
 * Two- and three-digit years follow RFC 5322 4.3 (00-49 -> 20xx,
 * 50-99 -> 19xx, 3 digits + 1900).  The weekday is not checked against the
 * date: real mailers get it wrong and the date is what matters.
 */
static bool
parse_textual(tcur *c, tfields *t)
{
	static const char *const months[12][2] = {
		{"jan", "january"}, {"feb", "february"}, {"mar", "march"},
		{"apr", "april"}, {"may", "may"}, {"jun", "june"},
		{"jul", "july"}, {"aug", "august"}, {"sep", "september"},
		{"oct", "october"}, {"nov", "november"}, {"dec", "december"},
	};
	static const char *const wdays[7][2] = {
		{"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"},
		{"thu", "thursday"}, {"fri", "friday"}, {"sat", "saturday"},
		{"sun", "sunday"},
	};
	bool		have_wday = false,
				have_time = false,
				cst_pending = false;
	int			year_digits = 0;

	t->mon = 0;
	t->day = -1;
	t->year = -1;
	t->hour = t->min = t->sec = 0;
	t->usec = 0;

	/* each iteration consumes at least one byte or returns */
	while (c->p < c->end)
	{
		uchar		ch = *c->p;

		if (ch == ' ' || ch == '\t' || ch == ',' || ch == '.')
		{
			c->p++;
			continue;
		}
		if (ch == '(')
		{
			if (!tc_skip_comments(c))
				return false;
			continue;
		}
		if ((ch == '+' || ch == '-') && have_time && !t->has_zone &&
			c->p + 1 < c->end && a_isdigit(c->p[1]))
		{
			if (!tc_offset(c, &t->off))
				return false;
			t->has_zone = true;
			continue;
		}
		if (ch == '-')
		{
			c->p++;				/* "15-Jun-2024" */
			continue;
		}
		if (a_isdigit(ch))
		{
			const uchar *q = c->p;
			int			k = 0,
						v = 0;

			while (q + k < c->end && a_isdigit(q[k]) && k < 5)
			{
				v = v * 10 + (q[k] - '0');
				k++;
			}
			if (q + k < c->end && q[k] == ':')
			{
				if (have_time || !tc_clock(c, t, false))
					return false;
				have_time = true;
				continue;
			}
			if (q + k < c->end && a_isdigit(q[k]))
				return false;
			c->p += k;
			if (k == 4 && t->year < 0)
			{
				t->year = v;
				year_digits = 4;
			}
			else if (k <= 2 && t->day < 0)
				t->day = v;
			else if (k <= 3 && t->year < 0 && t->day >= 0)
			{
				t->year = v;
				year_digits = k;
			}
			else
				return false;
			continue;
		}
		if (a_isalpha(ch))
		{
			const uchar *w = c->p;
			size_t		wl = 0;
			int			m;
			bool		matched = false;

			while (w + wl < c->end && a_isalpha(w[wl]) && wl < 16)
				wl++;
			if (w + wl < c->end && a_isalpha(w[wl]))
				return false;
			c->p += wl;
			for (m = 0; m < 12 && !matched; m++)
			{
				if ((wl == 3 && ci_prefix(w, wl, months[m][0])) ||
					(wl == strlen(months[m][1]) && ci_prefix(w, wl, months[m][1])) ||
					(m == 8 && wl == 4 && ci_prefix(w, wl, "sept")))
				{
					if (t->mon)
						return false;
					t->mon = m + 1;
					matched = true;
				}
			}
			for (m = 0; m < 7 && !matched; m++)
			{
				if ((wl == 3 && ci_prefix(w, wl, wdays[m][0])) ||
					(wl == strlen(wdays[m][1]) && ci_prefix(w, wl, wdays[m][1])))
				{
					if (have_wday)
						return false;
					have_wday = true;
					matched = true;
				}
			}
			if (matched)
				continue;
			if (wl == 2 && ci_prefix(w, wl, "at"))
				continue;		/* "Jun 15, 2024 at 9:30 AM" */
			if (t->has_zone || !have_time)
				return false;	/* zones follow the clock in every format */
			if (wl == 1 && a_lower(*w) != 'j')
			{
				/* RFC 5322 military zones: "SHOULD be considered -0000" */
				t->off = 0;
			}
			else if (!zone_name(w, wl, false, &t->off))
				return false;
			t->has_zone = true;
			cst_pending = (wl == 3 && ci_prefix(w, wl, "cst") && t->year < 0);
			if (wl == 3 && (ci_prefix(w, wl, "utc") || ci_prefix(w, wl, "gmt")) &&
				c->p < c->end && (*c->p == '+' || *c->p == '-'))
			{
				if (!tc_offset(c, &t->off))
					return false;
			}
			continue;
		}
		return false;
	}
	if (t->mon == 0 || t->day < 0 || t->year < 0)
		return false;
	if (year_digits == 2)
		t->year += (t->year < 50) ? 2000 : 1900;
	else if (year_digits == 3)
		t->year += 1900;
	if (cst_pending)
		t->off = 8 * 3600;		/* Java Date.toString(): zone before year */
	return true;
}

bool
norm_epoch_to_us(double v, int64_t *out_us)
{
	double		us;

	if (out_us == NULL || !(v >= 0))	/* also rejects NaN */
		return false;
	if (v < 1e11)
		us = v * 1e6;
	else if (v < 1e14)
		us = v * 1e3;
	else
		us = v;
	if (!(us < (double) EPOCH_LIMIT_US))
		return false;
	*out_us = (int64_t) (us + 0.5);
	if (*out_us >= EPOCH_LIMIT_US)
		return false;
	return true;
}

/*
 * All-digit input with at most one '.': compact local time (8, 12 or 14
 * digits forming a valid date) or an epoch in s/ms/us by magnitude, done in
 * integers so 16-digit microsecond stamps stay exact.
 */
static bool
parse_numeric(const uchar *s, size_t n, int64_t *out)
{
	size_t		k;
	const uchar *dot = NULL;
	int64_t		ip = 0,
				us;

	for (k = 0; k < n; k++)
	{
		if (s[k] == '.')
		{
			if (dot)
				return false;
			dot = s + k;
		}
	}
	if (!dot && (n == 8 || n == 12 || n == 14))
	{
		tcur		c = {s, s + n};
		tfields		t = {0};

		tc_fixed(&c, 4, &t.year);
		tc_fixed(&c, 2, &t.mon);
		tc_fixed(&c, 2, &t.day);
		if (n >= 12)
		{
			tc_fixed(&c, 2, &t.hour);
			tc_fixed(&c, 2, &t.min);
		}
		if (n == 14)
			tc_fixed(&c, 2, &t.sec);
		if (date_valid(&t))
			return fields_to_us(&t, out);
		/* not a calendar date: fall through to an epoch */
	}
	{
		size_t		il = dot ? (size_t) (dot - s) : n;
		size_t		fl = dot ? n - il - 1 : 0;
		int64_t		scale,
					w;
		size_t		fd;

		if (il == 0 || il > 17 || (dot && (fl == 0 || il < 5)))
			return false;
		for (k = 0; k < il; k++)
			ip = ip * 10 + (s[k] - '0');
		if (ip < INT64_C(100000000000))
			scale = US_PER_SEC;
		else if (ip < INT64_C(100000000000000))
			scale = 1000;
		else
			scale = 1;
		if (ip > EPOCH_LIMIT_US / scale)
			return false;
		us = ip * scale;
		/* fraction of the unit, truncated at microseconds */
		for (fd = 0, w = scale / 10; fd < fl && w > 0; fd++, w /= 10)
			us += (s[il + 1 + fd] - '0') * w;
		if (us >= EPOCH_LIMIT_US)
			return false;
		*out = us;
		return true;
	}
}

/*
 * Fold the input into buf: trim, full-width ASCII (U+FF01..FF5E) to ASCII,
 * U+3000 / U+00A0 to space, U+2212 MINUS to '-'; other UTF-8 is copied.
 */
static bool
fold_time_input(const uchar *s, size_t n, uchar *buf, size_t *blen)
{
	size_t		i = 0,
				o = 0;

	while (i < n)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, n - i, &cp);

		if (cp == U8_BAD)
			return false;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		else if (cp == 0x3000 || cp == 0xA0 || cp == '\t' || cp == '\n' || cp == '\r')
			cp = ' ';
		else if (cp == 0x2212)
			cp = '-';
		if (cp < 0x80)
		{
			if (cp == ' ' && (o == 0 || buf[o - 1] == ' '))
			{
				i += l;
				continue;		/* trim leading, collapse runs */
			}
			if (o + 1 > TIME_BUF)
				return false;
			buf[o++] = (uchar) cp;
		}
		else
		{
			if (o + l > TIME_BUF)
				return false;
			memcpy(buf + o, s + i, l);
			o += l;
		}
		i += l;
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	*blen = o;
	return o > 0;
}

bool
norm_parse_duration(const char *s, long long *out)
{
	long long	part[3] = {0, 0, 0};
	int			np = 0;
	long long	total = 0;
	bool		unit = false;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	/* h:mm:ss / m:ss */
	if (strchr(s, ':'))
	{
		const char *q = s;

		while (np < 3)
		{
			int			n = 0;
			long long	v = 0;

			while (*q >= '0' && *q <= '9' && n < 9)
				v = v * 10 + (*q++ - '0'), n++;
			if (n == 0 || (np > 0 && n != 2))
				return false;
			part[np++] = v;
			if (*q != ':')
				break;
			q++;
		}
		while (*q == ' ')
			q++;
		if (*q != '\0' || np < 2)
			return false;
		if (np == 2)
			total = part[0] * 60 + part[1];
		else
			total = part[0] * 3600 + part[1] * 60 + part[2];
		if (part[np - 1] > 59 || (np == 3 && part[1] > 59))
			return false;
		*out = total;
		return true;
	}
	/* 1小时2分3秒, 3分钟, 65秒 */
	while (*s)
	{
		long long	v = 0;
		int			n = 0;
		static const struct
		{
			const char *u;
			int			mul;
		}			units[] = {{"小时", 3600}, {"时", 3600}, {"分钟", 60}, {"分", 60}, {"秒钟", 1}, {"秒", 1}};
		size_t		k;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		while (*s >= '0' && *s <= '9' && n < 9)
			v = v * 10 + (*s++ - '0'), n++;
		if (n == 0)
			return false;
		while (*s == ' ')
			s++;
		for (k = 0; k < sizeof units / sizeof units[0]; k++)
			if (strncmp(s, units[k].u, strlen(units[k].u)) == 0)
				break;
		if (k == sizeof units / sizeof units[0])
			return false;
		s += strlen(units[k].u);
		total += v * units[k].mul;
		unit = true;
	}
	if (!unit)
		return false;
	*out = total;
	return true;
}

bool
norm_is_clock_time(const char *s)
{
	int			h = 0,
				m = 0,
				sec = 0,
				n;

	while (*s == ' ')
		s++;
	for (n = 0; n < 2 && (*s >= '0' && *s <= '9'); n++, s++)
		h = h * 10 + (*s - '0');
	if (n == 0 || *s++ != ':')
		return false;
	for (n = 0; n < 2 && (*s >= '0' && *s <= '9'); n++, s++)
		m = m * 10 + (*s - '0');
	if (n != 2)
		return false;
	if (*s == ':')
	{
		s++;
		for (n = 0; n < 2 && (*s >= '0' && *s <= '9'); n++, s++)
			sec = sec * 10 + (*s - '0');
		if (n != 2)
			return false;
	}
	while (*s == ' ')
		s++;
	return *s == '\0' && h <= 23 && m <= 59 && sec <= 59;
}

bool
norm_parse_time(const char *str, int64_t *out_us)
{
	uchar		buf[TIME_BUF];
	size_t		n,
				k;
	bool		numeric = true;
	int			dots = 0;
	tfields		t = {0};
	tcur		c;
	int64_t		us;

	if (str == NULL || out_us == NULL)
		return false;
	n = strlen(str);
	if (n > 4 * TIME_BUF)
		return false;
	if (!fold_time_input((const uchar *) str, n, buf, &n))
		return false;

	for (k = 0; k < n && numeric; k++)
	{
		dots += buf[k] == '.';
		numeric = a_isdigit(buf[k]) || buf[k] == '.';
	}
	if (numeric && dots <= 1 && a_isdigit(buf[0]) && a_isdigit(buf[n - 1]))
	{
		if (!parse_numeric(buf, n, &us))
			return false;
		*out_us = us;
		return true;
	}

	c.p = buf;
	c.end = buf + n;
	if (n >= 5 && a_isdigit(buf[0]) && a_isdigit(buf[1]) && a_isdigit(buf[2]) &&
		a_isdigit(buf[3]) && !a_isdigit(buf[4]) && buf[4] != ' ' && buf[4] != ',' &&
		buf[4] != ':')
	{
		if (!parse_ymd(&c, &t))
			return false;
	}
	else if (n > 8 && (buf[8] == 'T' || buf[8] == 't'))
	{
		for (k = 0; k < 8; k++)
			if (!a_isdigit(buf[k]))
				return false;
		if (!parse_ymd(&c, &t))
			return false;
	}
	else if (!parse_textual(&c, &t))
		return false;
	if (!fields_to_us(&t, &us))
		return false;
	*out_us = us;
	return true;
}

void
norm_format_time_utc(int64_t us, char *buf, size_t buflen)
{
	char		tmp[64];
	int64_t		secs,
				frac,
				days,
				sod,
				y;
	int			m,
				d,
				len;

	if (buf == NULL || buflen == 0)
		return;
	secs = us / US_PER_SEC;
	frac = us % US_PER_SEC;
	if (frac < 0)
	{
		frac += US_PER_SEC;
		secs--;
	}
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0)
	{
		sod += 86400;
		days--;
	}
	norm_civil_from_days(days, &y, &m, &d);
	len = snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02dT%02d:%02d:%02d",
				   (long long) y, m, d, (int) (sod / 3600),
				   (int) (sod / 60 % 60), (int) (sod % 60));
	if (frac)
	{
		/* PostgreSQL style: microseconds with trailing zeros trimmed */
		int			digits = 6;

		while (frac % 10 == 0)
		{
			frac /= 10;
			digits--;
		}
		len += snprintf(tmp + len, sizeof(tmp) - (size_t) len, ".%0*lld",
						digits, (long long) frac);
	}
	tmp[len++] = 'Z';
	tmp[len] = '\0';
	if ((size_t) len >= buflen)
		len = (int) buflen - 1;
	memcpy(buf, tmp, (size_t) len);
	buf[len] = '\0';
}

/* ======================================================================
 * Phone numbers
 * ==================================================================== */

#define PHONE_MAX_DIGITS 20
#define PHONE_MAX_EXT 6			/* longest extension we split off */

/* Chinese mobile: 1[3-9] + 9 digits. */
static bool
cn_mobile(const char *d, size_t n)
{
	return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/*
 * Chinese landline with trunk prefix and area code: 010 and 02x take an
 * 8-digit subscriber number; 0[3-9]xx takes 7 or 8 digits.
 */
static bool
cn_landline(const char *d, size_t n)
{
	if (n < 11 || d[0] != '0')
		return false;
	if (d[1] == '1')
		return d[2] == '0' && n == 11;
	if (d[1] == '2')
		return n == 11;
	return d[1] >= '3' && d[1] <= '9' && n <= 12;
}

/* Nationwide 400/800 service numbers: 10 digits. */
static bool
cn_service(const char *d, size_t n)
{
	return n == 10 && (memcmp(d, "400", 3) == 0 || memcmp(d, "800", 3) == 0);
}

static bool
cn_recognized(const char *d, size_t n)
{
	return cn_mobile(d, n) || cn_landline(d, n) || cn_service(d, n);
}

static bool
phone_emit(char *out, size_t outlen, const char *prefix, const char *d, size_t n)
{
	size_t		pl = strlen(prefix);

	if (pl + n + 1 > outlen)
		return false;
	memcpy(out, prefix, pl);
	memcpy(out + pl, d, n);
	out[pl + n] = '\0';
	return true;
}

/* Separators people put inside numbers. */
static bool
phone_sep(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '-' || cp == '.' || cp == '(' ||
		cp == ')' || cp == 0xA0 || cp == 0x3000 ||
		(cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC;
}

/*
 * Extension marker at s[0..n): "ext", "ext.", "extension", "x", "#",
 * "转", "分机", "分机号".  Returns its length or 0.
 */
static size_t
phone_ext_marker(const uchar *s, size_t n)
{
	size_t		l = 0;

	if (ci_prefix(s, n, "extension"))
		l = 9;
	else if (ci_prefix(s, n, "ext"))
		l = 3;
	else if (ci_prefix(s, n, "x"))
		l = 1;
	else if (s[0] == '#')
		return 1;
	else if (byte_prefix(s, n, "分机号"))
		return strlen("分机号");
	else if (byte_prefix(s, n, "分机"))
		return strlen("分机");
	else if (byte_prefix(s, n, "转"))
		return strlen("转");
	else
		return 0;
	if (l < n && a_isalpha(s[l]))
		return 0;				/* a word, not a marker */
	return l;
}

/*
 * Canonical Chinese national number from digits d[start..nd), with a
 * trunk '0' put in front when add0.  When the result is not a known shape
 * and is too long, a trailing group the writer separated ("0574-87654321-
 * 8001", "138 0013 8000 12") is taken as an extension and dropped.
 */
static bool
phone_finish_cn(const char *d, size_t start, size_t nd, bool add0,
				const size_t *bounds, size_t nb, char *out, size_t outlen)
{
	char		c[PHONE_MAX_DIGITS + 2];
	size_t		cl = 0;

	if (add0)
		c[cl++] = '0';
	memcpy(c + cl, d + start, nd - start);
	cl += nd - start;
	if (!cn_recognized(c, cl) && cl > 12)
	{
		size_t		j;

		for (j = nb; j-- > 0;)
		{
			size_t		cb;

			if (bounds[j] <= start)
				break;
			cb = bounds[j] - start + (add0 ? 1 : 0);
			if (cb < cl && cl - cb <= PHONE_MAX_EXT && cn_recognized(c, cb))
			{
				cl = cb;
				break;
			}
		}
	}
	if (cl < 3)
		return false;
	return phone_emit(out, outlen, "", c, cl);
}

/* Digits after +86 / 0086 / 86: re-add the trunk 0 for landlines. */
static bool
phone_cn_after_cc(const char *d, size_t start, size_t nd,
				  const size_t *bounds, size_t nb, char *out, size_t outlen)
{
	const char *n = d + start;
	size_t		nl = nd - start;

	if (nl < 3)
		return false;
	if (n[0] == '0')
	{
		/* "+86 0574 ..." (trunk 0 written anyway); "+86 0138..." */
		if (nl == 12 && cn_mobile(n + 1, 11))
			return phone_finish_cn(d, start + 1, nd, false, bounds, nb, out, outlen);
		return phone_finish_cn(d, start, nd, false, bounds, nb, out, outlen);
	}
	if (n[0] == '1' && n[1] != '0')
		return phone_finish_cn(d, start, nd, false, bounds, nb, out, outlen);
	if (nl >= 3 && (memcmp(n, "400", 3) == 0 || memcmp(n, "800", 3) == 0) && nl <= 10 + PHONE_MAX_EXT)
		return phone_finish_cn(d, start, nd, false, bounds, nb, out, outlen);
	/* area code without its trunk 0: +86 10 ..., +86 574 ... */
	return phone_finish_cn(d, start, nd, true, bounds, nb, out, outlen);
}

bool
norm_phone(const char *in, char *out, size_t outlen)
{
	const uchar *s = (const uchar *) in;
	size_t		n,
				b = 0,
				e,
				i;
	char		d[PHONE_MAX_DIGITS + 1];
	size_t		nd = 0,
				total = 0;
	size_t		bounds[PHONE_MAX_DIGITS + 1];
	size_t		nb = 0;
	bool		plus = false,
				in_ext = false,
				last_digit = false,
				uri = false;
	static const char *const ip_prefixes[] = {"17951", "12593", "17911", "17909", "10193"};

	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (in == NULL)
		return false;
	n = strlen(in);
	e = n;

	/* "张经理" <13800138000>, "1001" <1001>: the number is in the brackets */
	{
		const uchar *lt = memchr(s, '<', n);

		if (lt)
		{
			const uchar *gt = memchr(lt + 1, '>', n - (size_t) (lt + 1 - s));

			if (gt == NULL)
				return false;
			b = (size_t) (lt + 1 - s);
			e = (size_t) (gt - s);
		}
	}
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	if (ci_prefix(s + b, e - b, "sip:"))
		b += 4, uri = true;
	else if (ci_prefix(s + b, e - b, "sips:"))
		b += 5, uri = true;
	else if (ci_prefix(s + b, e - b, "tel:"))
		b += 4, uri = true;
	/* user part of a SIP URI or "1001@10.10.10.204"; URI parameters */
	for (i = b; i < e; i++)
	{
		if (s[i] == '@' || (uri && (s[i] == ';' || s[i] == '?')))
		{
			e = i;
			break;
		}
	}

	i = b;
	while (i < e)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, e - i, &cp),
					ml;

		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;		/* full-width digits and punctuation */
		if (cp >= '0' && cp <= '9')
		{
			if (++total > PHONE_MAX_DIGITS)
				return false;
			if (!in_ext)
				d[nd++] = (char) cp;
			last_digit = true;
			i += l;
			continue;
		}
		if (in_ext)
		{
			if (!phone_sep(cp) && cp != ':')
				return false;
		}
		else if (cp == '+')
		{
			if (nd || plus)
				return false;
			plus = true;
		}
		else if (cp == '(' && plus && nd > 0 && e - i >= 3 &&
				 s[i + 1] == '0' && s[i + 2] == ')')
		{
			/* "+44 (0)20 ...": the national trunk 0 is not dialled */
			l = 3;
			if (last_digit && nb <= PHONE_MAX_DIGITS)
				bounds[nb++] = nd;
		}
		else if (phone_sep(cp))
		{
			if (last_digit && nb <= PHONE_MAX_DIGITS)
				bounds[nb++] = nd;
		}
		else if (cp == '/' || cp == ',' || cp == ';' || cp == 0x3001)
		{
			/* a list of numbers: keep the first complete one */
			if (nd >= 7)
				break;
			if (last_digit && nb <= PHONE_MAX_DIGITS)
				bounds[nb++] = nd;
		}
		else if ((ml = phone_ext_marker(s + i, e - i)) > 0)
		{
			if (nd < 3)
				return false;
			in_ext = true;
			l = ml;
		}
		else
			return false;
		last_digit = false;
		i += l;
	}
	if (nd < 3)
		return false;

	if (plus || (nd > 2 && d[0] == '0' && d[1] == '0'))
	{
		size_t		start = plus ? 0 : 2;

		if (nd - start >= 2 && d[start] == '8' && d[start + 1] == '6')
			return phone_cn_after_cc(d, start + 2, nd, bounds, nb, out, outlen);
		if (nd - start < 3)
			return false;
		return phone_emit(out, outlen, "+", d + start, nd - start);
	}
	/* "8613800138000", "8657487654321", "864008208820": country code without '+' */
	if ((nd == 12 || nd == 13) && d[0] == '8' && d[1] == '6')
	{
		char		tmp[PHONE_MAX_DIGITS + 2];

		if (cn_mobile(d + 2, nd - 2) || cn_service(d + 2, nd - 2))
			return phone_emit(out, outlen, "", d + 2, nd - 2);
		tmp[0] = '0';
		memcpy(tmp + 1, d + 2, nd - 2);
		if (cn_landline(tmp, nd - 1) && d[2] != '0')
			return phone_emit(out, outlen, "", tmp, nd - 1);
	}
	/* carrier IP-dialling prefixes: "17951 13800138000" */
	if (nd >= 15)
	{
		size_t		k;

		for (k = 0; k < sizeof(ip_prefixes) / sizeof(ip_prefixes[0]); k++)
		{
			if (memcmp(d, ip_prefixes[k], 5) == 0 &&
				(cn_mobile(d + 5, nd - 5) || cn_landline(d + 5, nd - 5)))
				return phone_emit(out, outlen, "", d + 5, nd - 5);
		}
	}
	/* "013800138000": a mobile dialled with the long-distance 0 */
	if (nd == 12 && d[0] == '0' && cn_mobile(d + 1, 11))
		return phone_emit(out, outlen, "", d + 1, 11);
	return phone_finish_cn(d, 0, nd, false, bounds, nb, out, outlen);
}

/* ======================================================================
 * Email addresses
 * ==================================================================== */

#define EMAIL_MAX 254

/* RFC 5322 atext plus '.', and UTF-8 (RFC 6532). */
static bool
email_local_char(uchar c)
{
	if (c >= 0x80 || a_isdigit(c) || a_isalpha(c))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

/*
 * Validate and copy the addr-spec s[b..e) into out, folding full-width
 * ASCII and lower-casing ASCII.
 */
static bool
email_copy_addr(const uchar *s, size_t b, size_t e, char *out, size_t outlen)
{
	char		buf[EMAIL_MAX + 8];
	size_t		o = 0,
				i = b,
				at = SIZE_MAX,
				k;
	bool		quoted = false;

	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (ci_prefix(s + b, e - b, "mailto:"))
		b += 7;
	/* obsolete source route "<@relay1,@relay2:user@host>" */
	if (b < e && s[b] == '@')
	{
		const uchar *colon = memchr(s + b, ':', e - b);

		if (colon == NULL)
			return false;
		b = (size_t) (colon + 1 - s);
	}
	/* fold into buf; a quoted local part is kept verbatim but lower-cased */
	for (i = b; i < e;)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, e - i, &cp);

		if (cp == U8_BAD || (cp >= 0x80 && cp <= 0xA0) || cp == 0x3000 ||
			(cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
			cp == 0xFEFF)
			return false;		/* C1 controls and Unicode spaces */
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;		/* ＠ ． typed on a Chinese IME */
		else if (cp == 0x3002 && at != SIZE_MAX)
			cp = '.';			/* 。 in the domain */
		if (cp == '?' && at != SIZE_MAX)
			break;				/* mailto:...?subject= */
		if (o + 4 > EMAIL_MAX)
			return false;
		if (cp == '"' && o == 0 && !quoted)
		{
			const uchar *q = s + i + 1;
			size_t		m = 0;

			/* copy the quoted string up to its closing quote */
			buf[o++] = '"';
			while (q + m < s + e && q[m] != '"')
			{
				uint32_t	qc;
				size_t		ql;

				if (q[m] == '\\' && q + m + 1 < s + e)
				{
					if (o + 2 > EMAIL_MAX)
						return false;
					buf[o++] = '\\';
					m++;
				}
				ql = u8_decode(q + m, (size_t) (s + e - (q + m)), &qc);
				if (o + ql + 2 > EMAIL_MAX || qc == U8_BAD || qc < 0x20 || qc == 0x7F)
					return false;
				if (ql == 1)
					buf[o++] = (char) a_lower(q[m]);
				else
				{
					memcpy(buf + o, q + m, ql);
					o += ql;
				}
				m += ql;
			}
			if (q + m >= s + e)
				return false;
			buf[o++] = '"';
			i += 1 + m + 1;
			quoted = true;
			continue;
		}
		if (quoted && at == SIZE_MAX && cp != '@')
			return false;		/* text after the closing quote */
		if (cp == '@')
		{
			if (at != SIZE_MAX)
				return false;
			at = o;
		}
		else if (cp < 0x80)
		{
			if (at == SIZE_MAX ? !email_local_char((uchar) cp)
				: !(a_isalpha(cp) || a_isdigit(cp) || cp == '-' || cp == '.' ||
					cp == '[' || cp == ']' || cp == ':' || cp == '_'))
				return false;
		}
		if (cp < 0x80)
			buf[o++] = (char) a_lower(cp);
		else
			o += u8_encode(cp, buf + o);
		i += l;
	}
	if (at == SIZE_MAX || at == 0)
		return false;
	/* domain: strip the root dot, no empty labels */
	while (o > at + 1 && buf[o - 1] == '.')
		o--;
	if (o == at + 1 || buf[at + 1] == '.')
		return false;
	if (buf[at + 1] == '[')
	{
		if (buf[o - 1] != ']')
			return false;
	}
	else
	{
		for (k = at + 1; k + 1 < o; k++)
			if (buf[k] == '.' && buf[k + 1] == '.')
				return false;
		for (k = at + 1; k < o; k++)
			if (buf[k] == '[' || buf[k] == ']' || buf[k] == ':')
				return false;
	}
	if (o + 1 > outlen)
		return false;
	memcpy(out, buf, o);
	out[o] = '\0';
	return true;
}

bool
norm_email_address(const char *in, char *out, size_t outlen)
{
	const uchar *s = (const uchar *) in;
	size_t		n,
				i,
				tok_b = SIZE_MAX,
				cand_b = SIZE_MAX,
				cand_e = 0;
	int			depth = 0;
	bool		inq = false,
				tok_at = false;

	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (in == NULL)
		return false;
	n = strlen(in);

	/*
	 * One scan over the first mailbox.  An angle-addr outside quotes and
	 * comments wins ("\"a@b\" <c@d>" and even the unquoted "a@b <c@d>" are
	 * c@d).  Without one, the first whitespace-delimited token holding an
	 * '@' outside quotes is the address ("x@y (Zhang)", "mailto:x@y").  A
	 * ',' or ';' ends the mailbox only once a candidate exists, so the
	 * unquoted "Zhang, San <z@x>" still works; "Team: a@b;" drops the
	 * group name.
	 */
	for (i = 0; i < n; i++)
	{
		uchar		c = s[i];
		bool		close = false;
		size_t		wl = 0;

		if (inq)
		{
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '"')
				inq = false;
			continue;
		}
		if (depth > 0)
		{
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (c == '<' || byte_prefix(s + i, n - i, "＜"))
		{
			size_t		b = i + (c == '<' ? 1 : 3),
						e;

			/* up to '>' or '＞' (one typed on a Chinese IME) */
			for (e = b; e < n && s[e] != '>' && !byte_prefix(s + e, n - e, "＞"); e++)
				;
			return email_copy_addr(s, b, e, out, outlen);
		}
		if (c == '(')
		{
			depth = 1;
			close = true;
		}
		else if ((wl = ws_len(s + i, n - i)) > 0 || c == ',' || c == ';')
		{
			close = true;
			if (wl > 1)
				i += wl - 1;	/* NBSP, U+3000 */
		}
		else if (c == ':' && tok_b != SIZE_MAX && !tok_at &&
				 !(i - tok_b == 6 && ci_prefix(s + tok_b, 6, "mailto")))
		{
			tok_b = SIZE_MAX;	/* group display name */
			continue;
		}
		else
		{
			if (tok_b == SIZE_MAX)
				tok_b = i;
			if (c == '"')
				inq = true;
			else if (c == '@' || byte_prefix(s + i, n - i, "＠"))
				tok_at = true;
			continue;
		}
		if (close)
		{
			if (tok_b != SIZE_MAX && tok_at && cand_b == SIZE_MAX)
			{
				cand_b = tok_b;
				cand_e = i;
			}
			tok_b = SIZE_MAX;
			tok_at = false;
			if ((c == ',' || c == ';') && cand_b != SIZE_MAX)
				break;
		}
	}
	if (cand_b == SIZE_MAX && tok_b != SIZE_MAX && tok_at)
	{
		cand_b = tok_b;
		cand_e = i < n ? i : n;
	}
	if (cand_b == SIZE_MAX)
		return false;
	return email_copy_addr(s, cand_b, cand_e, out, outlen);
}

const char *
norm_email_domain(const char *addr)
{
	const char *at;

	if (addr == NULL)
		return NULL;
	at = strrchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0')
		return NULL;
	return at + 1;
}

/*
 * The documented list plus a few unambiguous siblings (NetEase 88.com,
 * 188.com, vip.126.com; Microsoft live.cn, hotmail.co.uk; Yahoo ymail.com,
 * yahoo.co.jp; proton pm.me/protonmail.ch; gmx.net/.de; yandex.ru, mail.ru;
 * China Unicom wo.com.cn).  Every entry issues addresses to the public, so
 * it can never identify a company.
 */
static const char *const freemail_domains[] = {
	"qq.com", "vip.qq.com", "foxmail.com",
	"163.com", "vip.163.com", "126.com", "vip.126.com", "yeah.net",
	"188.com", "88.com",
	"sina.com", "sina.cn", "vip.sina.com", "sohu.com", "aliyun.com",
	"139.com", "189.cn", "wo.cn", "wo.com.cn",
	"263.net", "tom.com", "21cn.com",
	"gmail.com", "googlemail.com",
	"outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.cn", "msn.com",
	"yahoo.com", "yahoo.cn", "yahoo.com.cn", "yahoo.co.jp", "ymail.com",
	"icloud.com", "me.com", "mac.com", "aol.com",
	"proton.me", "protonmail.com", "protonmail.ch", "pm.me",
	"mail.com", "gmx.com", "gmx.net", "gmx.de",
	"yandex.com", "yandex.ru", "mail.ru", "zoho.com",
};

bool
norm_is_freemail_domain(const char *domain)
{
	char		buf[256];
	size_t		n,
				k;

	if (domain == NULL)
		return false;
	n = strlen(domain);
	while (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	for (k = 0; k < n; k++)
		buf[k] = (char) a_lower((uchar) domain[k]);
	buf[n] = '\0';
	for (k = 0; k < sizeof(freemail_domains) / sizeof(freemail_domains[0]); k++)
	{
		if (buf[0] == freemail_domains[k][0] && strcmp(buf, freemail_domains[k]) == 0)
			return true;
	}
	return false;
}

/* ======================================================================
 * Subjects
 * ==================================================================== */

/*
 * Reply/forward prefixes.  ASCII ones are case-insensitive and must end at
 * a word boundary: "Re:", "RE:", "Fwd:", "FW:", and the German, Nordic and
 * Dutch forms Outlook writes in those locales.  CJK ones are the Chinese
 * (simplified and traditional) and Japanese client strings.
 */
static const char *const subj_ascii_markers[] = {
	"re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw",
};
static const char *const subj_cjk_markers[] = {
	"回复", "答复", "转发", "回覆", "答覆", "轉發", "轉寄", "返信", "転送",
};

/* Marker + optional counter ("[2]", "(2)", "^2") + ':' or '：'. */
static size_t
subj_marker(const uchar *s, size_t n)
{
	size_t		k = 0,
				j;

	for (j = 0; j < sizeof(subj_ascii_markers) / sizeof(subj_ascii_markers[0]) && !k; j++)
	{
		size_t		l = strlen(subj_ascii_markers[j]);

		if (ci_prefix(s, n, subj_ascii_markers[j]) && !(l < n && a_isalpha(s[l])))
			k = l;
	}
	for (j = 0; j < sizeof(subj_cjk_markers) / sizeof(subj_cjk_markers[0]) && !k; j++)
	{
		if (byte_prefix(s, n, subj_cjk_markers[j]))
			k = strlen(subj_cjk_markers[j]);
	}
	if (!k)
		return 0;
	if (k < n && (s[k] == '[' || s[k] == '(' || s[k] == '^'))
	{
		uchar		close = s[k] == '[' ? ']' : s[k] == '(' ? ')' : 0;
		size_t		d = k + 1;

		while (d < n && a_isdigit(s[d]) && d - k <= 4)
			d++;
		if (d == k + 1 || (close && (d >= n || s[d] != close)))
			return 0;
		k = close ? d + 1 : d;
	}
	k = skip_ws(s, k, n);
	if (k < n && s[k] == ':')
		return k + 1;
	if (byte_prefix(s + k, n - k, "："))
		return k + 3;
	return 0;
}

/*
 * Bracket tag "[ext]", "[外部邮件]", "【外部】", "［外部］".  The content
 * limit counts non-space code points so that it is unaffected by the
 * whitespace collapsing done afterwards (keeps norm_subject idempotent).
 */
#define SUBJ_TAG_MAX 64

static size_t
subj_tag(const uchar *s, size_t n)
{
	const char *close;
	size_t		k,
				cps = 0;

	if (n && s[0] == '[')
		close = "]", k = 1;
	else if (byte_prefix(s, n, "【"))
		close = "】", k = 3;
	else if (byte_prefix(s, n, "［"))
		close = "］", k = 3;
	else
		return 0;
	while (k < n)
	{
		uint32_t	cp;
		size_t		l;

		if (byte_prefix(s + k, n - k, close))
			return cps ? k + strlen(close) : 0;
		if (s[k] == '[' || byte_prefix(s + k, n - k, "【") || byte_prefix(s + k, n - k, "［"))
			return 0;
		if ((l = ws_len(s + k, n - k)) > 0)
		{
			k += l;
			continue;
		}
		l = u8_decode(s + k, n - k, &cp);
		if (++cps > SUBJ_TAG_MAX)
			return 0;
		k += l;
	}
	return 0;
}

/*
 * Strip the leading markers and tags.  Returns the start of the thread key;
 * *is_reply tells whether a marker was seen.  If only tags were left
 * ("【报价】", "Re: [ext]"), the trailing tags are the key rather than "".
 */
static size_t
subj_strip(const uchar *s, size_t n, bool *is_reply)
{
	size_t		i = skip_ws(s, 0, n),
				tags_from = i;

	*is_reply = false;
	while (i < n)
	{
		size_t		l;

		if ((l = subj_marker(s + i, n - i)) > 0)
		{
			*is_reply = true;
			i = skip_ws(s, i + l, n);
			tags_from = i;
		}
		else if ((l = subj_tag(s + i, n - i)) > 0)
			i = skip_ws(s, i + l, n);
		else
			break;
	}
	return i < n ? i : tags_from;
}

char *
norm_subject(const char *subject)
{
	const uchar *s = (const uchar *) (subject ? subject : "");
	size_t		n = strlen((const char *) s),
				i,
				o = 0;
	bool		reply,
				pending_space = false;
	char	   *out;

	i = subj_strip(s, n, &reply);
	out = malloc(n - i + 2 * u8_count_bad(s + i, n - i) + 1);
	if (out == NULL)
		return NULL;
	while (i < n)
	{
		uint32_t	cp;
		size_t		l = ws_len(s + i, n - i);

		if (l > 0)
		{
			pending_space = o > 0;
			i += l;
			continue;
		}
		if (pending_space)
		{
			out[o++] = ' ';
			pending_space = false;
		}
		if (s[i] < 0x80)
		{
			out[o++] = (char) a_lower(s[i]);
			i++;
			continue;
		}
		l = u8_decode(s + i, n - i, &cp);
		if (cp == U8_BAD)
			o += u8_encode(0xFFFD, out + o);
		else
		{
			memcpy(out + o, s + i, l);
			o += l;
		}
		i += l;
	}
	out[o] = '\0';
	return out;
}

bool
norm_subject_is_reply(const char *subject)
{
	bool		reply;

	if (subject == NULL)
		return false;
	subj_strip((const uchar *) subject, strlen(subject), &reply);
	return reply;
}

/* ======================================================================
 * Fingerprint text
 * ==================================================================== */

/* Attribution line of a quoted reply ends with one of these. */
static bool
fp_attribution_end(const uchar *s, size_t n)
{
	return ci_suffix(s, n, "wrote:") || ci_suffix(s, n, "写道:") ||
		ci_suffix(s, n, "写道：") || ci_suffix(s, n, "寫道:") ||
		ci_suffix(s, n, "寫道：") || ci_suffix(s, n, "schrieb:") ||
		ci_suffix(s, n, "a écrit :") || ci_suffix(s, n, "a écrit:");
}

static bool
fp_has_digit_or_at(const uchar *s, size_t n)
{
	size_t		k;

	for (k = 0; k < n; k++)
		if (a_isdigit(s[k]) || s[k] == '@')
			return true;
	return false;
}

/* "Name:" / "Name :" / "Name：" at the start of a header-ish line. */
static bool
fp_header_name(const uchar *s, size_t n, const char *const *names, size_t nnames)
{
	size_t		j;

	if (n && s[0] == '*')		/* "*From:*" from HTML bold */
		s++, n--;
	for (j = 0; j < nnames; j++)
	{
		size_t		l = strlen(names[j]),
					k;

		if (!ci_prefix(s, n, names[j]))
			continue;
		k = l;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if ((k < n && s[k] == ':') || byte_prefix(s + k, n - k, "："))
			return true;
	}
	return false;
}

static const char *const fp_from_names[] = {"from", "发件人", "寄件者", "寄件人"};
static const char *const fp_next_names[] = {
	"sent", "date", "to", "cc", "subject",
	"发送时间", "时间", "日期", "收件人", "抄送", "主题",
	"寄件日期", "收件者", "副本", "主旨",
};

/* Separator phrases inside "-----Original Message-----" style lines. */
static const char *const fp_sep_phrases[] = {
	"original message", "forwarded message", "forwarded by",
	"原始邮件", "原始郵件", "邮件原件", "转发邮件", "转发的邮件", "轉寄郵件",
};

typedef struct fp_line
{
	size_t		b,
				e;				/* trimmed content */
	size_t		next;			/* start of the following line */
} fp_line;

/* Line starting at i: trimmed bounds and the start of the next line. */
static fp_line
fp_get_line(const uchar *s, size_t i, size_t n)
{
	fp_line		L;
	size_t		e = i;

	while (e < n && s[e] != '\n' && s[e] != '\r')
		e++;
	L.next = e;
	if (L.next < n)
		L.next += (s[L.next] == '\r' && L.next + 1 < n && s[L.next + 1] == '\n') ? 2 : 1;
	L.b = skip_ws(s, i, e);
	/* trailing: ASCII blanks, NBSP and U+3000 */
	while (e > L.b)
	{
		if (s[e - 1] == ' ' || s[e - 1] == '\t')
			e--;
		else if (e - L.b >= 2 && s[e - 2] == 0xC2 && s[e - 1] == 0xA0)
			e -= 2;
		else if (e - L.b >= 3 && s[e - 3] == 0xE3 && s[e - 2] == 0x80 && s[e - 1] == 0x80)
			e -= 3;
		else
			break;
	}
	L.e = e;
	return L;
}

enum fp_kind
{
	FP_TEXT, FP_SKIP, FP_CUT
};

#define FP_HEADER_LOOKAHEAD 4
#define FP_ATTRIB_MAX 400

static enum fp_kind
fp_classify(const uchar *s, size_t n, const fp_line *L)
{
	const uchar *p = s + L->b;
	size_t		len = L->e - L->b,
				j;

	if (len == 0)
		return FP_SKIP;
	if (p[0] == '>' || byte_prefix(p, len, "＞"))
		return FP_SKIP;			/* quoted line (inline replies survive) */
	if (len == 2 && p[0] == '-' && p[1] == '-')
		return FP_CUT;			/* signature separator "-- " */
	if (len <= 160 && len >= 2 &&
		((p[0] == '-' && p[1] == '-') || (p[0] == '_' && p[1] == '_') ||
		 (p[0] == '=' && p[1] == '=')))
	{
		for (j = 0; j < sizeof(fp_sep_phrases) / sizeof(fp_sep_phrases[0]); j++)
		{
			size_t		pl = strlen(fp_sep_phrases[j]),
						k;

			for (k = 2; k + pl <= len; k++)
				if (ci_prefix(p + k, len - k, fp_sep_phrases[j]))
					return FP_CUT;
		}
	}
	if (ci_prefix(p, len, "begin forwarded message") ||
		byte_prefix(p, len, "开始转发的邮件") || byte_prefix(p, len, "下面是被转发的邮件"))
		return FP_CUT;
	/* mobile client signatures */
	if (len <= 80 &&
		(ci_prefix(p, len, "sent from my ") || byte_prefix(p, len, "发自我的") ||
		 ci_prefix(p, len, "get outlook for ") ||
		 (byte_prefix(p, len, "从我的") && ci_suffix(p, len, "发送"))))
		return FP_CUT;
	/* "在 2024年6月15日 ... 写道：", "On ... wrote:" (possibly wrapped) */
	if (len <= FP_ATTRIB_MAX)
	{
		if (fp_attribution_end(p, len) && fp_has_digit_or_at(p, len))
			return FP_CUT;
		if ((ci_prefix(p, len, "on ") || byte_prefix(p, len, "在") ||
			 byte_prefix(p, len, "于")) && L->next < n)
		{
			fp_line		N = fp_get_line(s, L->next, n);
			size_t		nl = N.e - N.b;

			if (len + nl <= FP_ATTRIB_MAX && fp_attribution_end(s + N.b, nl) &&
				(fp_has_digit_or_at(p, len) || fp_has_digit_or_at(s + N.b, nl)))
				return FP_CUT;
		}
	}
	/* forwarded/replied header block: 发件人: / From: + Sent:/To:/.. */
	if (fp_header_name(p, len, fp_from_names, sizeof(fp_from_names) / sizeof(fp_from_names[0])))
	{
		size_t		at = L->next;
		int			seen;

		/* the next header follows within a few lines (blank ones count) */
		for (seen = 0; at < n && seen < FP_HEADER_LOOKAHEAD; seen++)
		{
			fp_line		N = fp_get_line(s, at, n);

			if (N.e > N.b &&
				fp_header_name(s + N.b, N.e - N.b, fp_next_names,
							   sizeof(fp_next_names) / sizeof(fp_next_names[0])))
				return FP_CUT;
			at = N.next;
		}
	}
	return FP_TEXT;
}

/* Code points dropped from fingerprints besides ASCII non-alphanumerics. */
static bool
fp_drop_cp(uint32_t cp)
{
	if (cp >= 0xA0 && cp <= 0xBF)
		return !(cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 ||
				 cp == 0xB9 || cp == 0xBA || (cp >= 0xBC && cp <= 0xBE));
	if (cp >= 0x2000 && cp <= 0x206F)
		return true;			/* General Punctuation, incl. zero-width */
	if (cp >= 0x2E00 && cp <= 0x2E7F)
		return true;			/* Supplemental Punctuation */
	if (cp >= 0x3000 && cp <= 0x303F)
		return !(cp == 0x3005 || cp == 0x3006 || cp == 0x3007 ||
				 (cp >= 0x3021 && cp <= 0x3029) || (cp >= 0x3031 && cp <= 0x3035) ||
				 (cp >= 0x3038 && cp <= 0x303C));
	if (cp >= 0xFE00 && cp <= 0xFE0F)
		return true;			/* variation selectors */
	if ((cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6B))
		return true;			/* vertical / small form punctuation */
	if (cp == 0xFEFF || (cp >= 0xFF5F && cp <= 0xFF65))
		return true;
	return false;
}

static size_t
fp_emit(const uchar *s, size_t b, size_t e, char *out, size_t o)
{
	size_t		i = b;

	while (i < e)
	{
		uint32_t	cp;
		size_t		l;

		if (s[i] < 0x80)
		{
			uchar		c = s[i++];

			if (a_isdigit(c) || a_isalpha(c))
				out[o++] = (char) a_lower(c);
			continue;
		}
		l = u8_decode(s + i, e - i, &cp);
		i += l;
		if (cp == U8_BAD)
			continue;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
		{
			cp -= 0xFEE0;
			if (a_isdigit(cp) || a_isalpha(cp))
				out[o++] = (char) a_lower(cp);
			continue;
		}
		if (cp < 0xA0 || fp_drop_cp(cp))
			continue;
		o += u8_encode(cp, out + o);
	}
	return o;
}

/* "- - - - - - - - - - - - - - -": WeChat/WeCom's quote separator. */
static bool
fp_dash_line(const uchar *s, const fp_line *L)
{
	size_t		k,
				dashes = 0;

	for (k = L->b; k < L->e; k++)
	{
		if (s[k] == '-')
			dashes++;
		else if (s[k] != ' ')
			return false;
	}
	return dashes >= 5;
}

#define FP_WECHAT_QUOTE_LINES 20

/*
 * WeChat/WeCom quote reply: the quoted message comes first,
 *   「张三：原消息」
 *   - - - - - - - - - - - - - - -
 *   reply text
 * Returns the start of the reply if a quote block starts at line L, else 0.
 */
static size_t
fp_wechat_quote(const uchar *s, size_t n, const fp_line *L)
{
	size_t		at = L->b;
	int			k;

	if (!byte_prefix(s + L->b, L->e - L->b, "「"))
		return 0;
	for (k = 0; k < FP_WECHAT_QUOTE_LINES && at < n; k++)
	{
		fp_line		Q = fp_get_line(s, at, n);

		if (Q.e - Q.b >= 3 && memcmp(s + Q.e - 3, "」", 3) == 0)
		{
			fp_line		D;

			if (Q.next >= n)
				return 0;
			D = fp_get_line(s, Q.next, n);
			return fp_dash_line(s, &D) ? D.next : 0;
		}
		at = Q.next;
	}
	return 0;
}

char *
norm_fingerprint_text(const char *text)
{
	const uchar *s = (const uchar *) (text ? text : "");
	size_t		n = strlen((const char *) s),
				i = 0,
				o = 0;
	char	   *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	/* every iteration advances i to the next line start */
	while (i < n)
	{
		fp_line		L = fp_get_line(s, i, n);
		enum fp_kind k = fp_classify(s, n, &L);
		size_t		reply;

		if (k == FP_TEXT && (reply = fp_wechat_quote(s, n, &L)) > 0)
		{
			i = reply;
			continue;
		}
		if (k == FP_CUT)
			break;
		if (k == FP_TEXT)
			o = fp_emit(s, L.b, L.e, out, o);
		i = L.next;
	}
	out[o] = '\0';
	return out;
}

/* ======================================================================
 * Simhash
 * ==================================================================== */

static inline uint64_t
splitmix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

/* FNV-1a over the three code points (little-endian 32-bit), then mixed. */
static inline uint64_t
gram_hash(const uint32_t *w)
{
	uint64_t	h = UINT64_C(0xCBF29CE484222325);
	int			k,
				b;

	for (k = 0; k < 3; k++)
		for (b = 0; b < 4; b++)
		{
			h ^= (w[k] >> (8 * b)) & 0xFF;
			h *= UINT64_C(0x100000001B3);
		}
	return splitmix64(h);
}

/*
 * Bit-sliced vote counting: acc[k] holds, in byte b, the number of grams
 * whose hash has bit 8*b+k set.  Eight adds per gram instead of 64; the
 * byte lanes are flushed into 64-bit totals every 255 grams.
 */
static void
simhash_flush(uint64_t *acc, uint64_t *ones)
{
	int			k,
				b;

	for (k = 0; k < 8; k++)
	{
		for (b = 0; b < 8; b++)
			ones[8 * b + k] += (acc[k] >> (8 * b)) & 0xFF;
		acc[k] = 0;
	}
}

uint64_t
norm_simhash(const char *normalized)
{
	const uchar *s = (const uchar *) normalized;
	size_t		n,
				i = 0,
				cps = 0,
				grams = 0;
	uint32_t	w[3] = {0, 0, 0};
	uint64_t	acc[8] = {0},
				ones[64] = {0},
				r = 0;
	int			batch = 0,
				k;

	if (s == NULL)
		return 0;
	n = strlen(normalized);
	while (i < n)
	{
		uint32_t	cp;
		size_t		l = u8_decode(s + i, n - i, &cp);

		if (cp == U8_BAD)
			cp = 0xDC00 | s[i];	/* keep ill-formed bytes distinguishable */
		i += l;
		w[0] = w[1];
		w[1] = w[2];
		w[2] = cp;
		if (++cps < 3)
			continue;
		{
			uint64_t	h = gram_hash(w);

			for (k = 0; k < 8; k++)
				acc[k] += (h >> k) & UINT64_C(0x0101010101010101);
		}
		grams++;
		if (++batch == 255)
		{
			simhash_flush(acc, ones);
			batch = 0;
		}
	}
	if (cps < 6)
		return 0;
	simhash_flush(acc, ones);
	for (k = 0; k < 64; k++)
		if (2 * ones[k] > grams)
			r |= UINT64_C(1) << k;
	return r;
}
