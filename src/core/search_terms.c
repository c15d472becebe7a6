/*
 * search_terms.c -- see search_terms.h.  One pass over UTF-8; invalid bytes
 * end the current word.
 */
#include "search_terms.h"

#include <stdint.h>
#include <string.h>

/* Decode one code point; returns its byte length (1 for invalid bytes, cp = 0xFFFD). */
static size_t
utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && len >= 2 && (s[1] & 0xC0) == 0x80)
	{
		*cp = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && len >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
	{
		*cp = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && len >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80)
	{
		*cp = ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

static int
is_cjk(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
		(c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

size_t
search_terms(const char *text, size_t len, size_t max_terms,
			 void (*emit) (const char *term, size_t len, void *arg), void *arg)
{
	const unsigned char *s = (const unsigned char *) text;
	size_t		i = 0;
	size_t		n = 0;
	char		word[64];
	size_t		wlen = 0;
	size_t		prev_cjk_at = (size_t) -1;	/* byte offset of the previous CJK char */
	size_t		prev_cjk_len = 0;

	while (i < len && n < max_terms)
	{
		uint32_t	cp;
		size_t		l = utf8_next(s + i, len - i, &cp);

		if (cp >= 0xFF01 && cp <= 0xFF5E)	/* full-width ASCII */
			cp -= 0xFEE0;
		if (cp < 0x80 && ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')))
		{
			if (wlen < sizeof(word))
				word[wlen++] = (char) ((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
			prev_cjk_at = (size_t) -1;
		}
		else
		{
			if (wlen >= 2 && wlen <= sizeof(word))
			{
				emit(word, wlen, arg);
				n++;
			}
			wlen = 0;
			if (is_cjk(cp))
			{
				if (prev_cjk_at != (size_t) -1 && n < max_terms)
				{
					emit(text + prev_cjk_at, prev_cjk_len + l, arg);
					n++;
				}
				prev_cjk_at = i;
				prev_cjk_len = l;
			}
			else
				prev_cjk_at = (size_t) -1;
		}
		i += l;
	}
	if (wlen >= 2 && n < max_terms)
	{
		emit(word, wlen, arg);
		n++;
	}
	return n;
}
