/*
 * fuzz_mime.c -- libFuzzer target for the raw-mail parser.
 *
 * Invariants checked on every input: mime_parse never returns NULL below
 * the size limit (no OOM expected at fuzz sizes), every string in the
 * result is valid UTF-8 without NUL (jansson re-validates on dump/load),
 * and the helpers mime_to_utf8 / mime_html_to_text return valid UTF-8.
 * The first input byte also picks a charset label for mime_to_utf8 so the
 * conversion paths are exercised directly.
 *
 * Build: clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *          -Isrc/core test/fuzz/fuzz_mime.c src/core/mime.c src/core/sha256.c \
 *          -ljansson -o fuzz_mime
 */
#include "mime.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
check_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *) s;

	while (*u)
	{
		int			k;
		uint32_t	c;

		if (*u < 0x80)
		{
			u++;
			continue;
		}
		if (*u >= 0xC2 && *u <= 0xDF)
			k = 2;
		else if (*u >= 0xE0 && *u <= 0xEF)
			k = 3;
		else if (*u >= 0xF0 && *u <= 0xF4)
			k = 4;
		else
			abort();
		c = *u & (0x7F >> k);
		for (int i = 1; i < k; i++)
		{
			if ((u[i] & 0xC0) != 0x80)
				abort();
			c = (c << 6) | (u[i] & 0x3F);
		}
		if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
			(c >= 0xD800 && c <= 0xDFFF))
			abort();
		u += k;
	}
}

static void
walk(json_t *j, int depth)
{
	if (depth > 64)
		abort();
	if (json_is_string(j))
	{
		const char *s = json_string_value(j);

		if (strlen(s) != json_string_length(j))
			abort();			/* embedded NUL */
		check_utf8(s);
	}
	else if (json_is_object(j))
	{
		const char *k;
		json_t	   *v;

		json_object_foreach(j, k, v) walk(v, depth + 1);
	}
	else if (json_is_array(j))
	{
		size_t		i;
		json_t	   *v;

		json_array_foreach(j, i, v) walk(v, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = {
		"utf-8", "gb2312", "big5", "us-ascii", "unicodebig", "utf-16",
		"iso-2022-jp", "ks_c_5601-1987", "koi8-r", "windows-1252",
		"unknown-8bit", "x-gbk", NULL, "shift_jis", "utf-7", "garbage//x"
	};
	char		err[256];
	json_t	   *j = mime_parse((const char *) data, size, err, sizeof(err));
	char	   *s;

	if (!j)
		abort();
	walk(j, 0);
	json_decref(j);

	if (size > 0)
	{
		s = mime_to_utf8((const char *) data + 1, size - 1, labels[data[0] & 15]);
		if (!s)
			abort();
		check_utf8(s);
		free(s);
	}
	s = mime_html_to_text((const char *) data, size);
	if (!s)
		abort();
	check_utf8(s);
	free(s);
	return 0;
}
