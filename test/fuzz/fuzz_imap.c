/*
 * fuzz_imap.c -- libFuzzer target for the IMAP answer parsers and name
 * helpers of src/core/imap.h (what a hostile or broken server can send).
 *
 * Properties asserted for every input (an exact-size heap copy, so ASan
 * sees any over-read; the parsers take a length and must not rely on NUL):
 *   - imap_parse_examine: a nonzero UIDVALIDITY whenever it succeeds;
 *   - imap_parse_fetch_sizes: UIDs strictly ascending, all above after_uid,
 *     never more entries than input lines;
 *   - imap_quote: output starts and ends with '"', holds no CR/LF, and every
 *     '"' or '\' inside is escaped; refuses input with CR/LF;
 *   - imap_url_folder: output only unreserved characters and %XX.
 * Build: make fuzz; run: test/fuzz/bin/fuzz_imap -max_total_time=120
 */
#include "imap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s\n", #c); abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char	   *buf = malloc(size ? size : 1);
	char	   *str = malloc(size + 1);
	uint32_t	v = 0,
				nx = 0;
	imap_msg   *m = NULL;
	size_t		n,
				lines = 1;
	uint32_t	after = size > 4 ? (uint32_t) data[0] | ((uint32_t) data[1] << 8) : 0;
	char		out[96];

	memcpy(buf, data, size);
	memcpy(str, data, size);
	str[size] = '\0';

	if (imap_parse_examine(buf, size, &v, &nx))
		CHECK(v != 0);

	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	n = imap_parse_fetch_sizes(buf, size, after, &m);
	CHECK(n <= lines);
	for (size_t i = 0; i < n; i++)
	{
		CHECK(m[i].uid > after);
		if (i > 0)
			CHECK(m[i].uid > m[i - 1].uid);
	}
	free(m);

	if (imap_quote(str, out, sizeof(out)))
	{
		size_t		l = strlen(out);

		CHECK(l >= 2 && out[0] == '"' && out[l - 1] == '"');
		CHECK(strchr(str, '\r') == NULL && strchr(str, '\n') == NULL);
		for (size_t i = 1; i + 1 < l; i++)
		{
			CHECK(out[i] != '\r' && out[i] != '\n');
			if (out[i] == '\\')
			{
				CHECK(out[i + 1] == '\\' || out[i + 1] == '"');
				i++;
			}
			else
				CHECK(out[i] != '"');
		}
	}
	if (imap_url_folder(str, out, sizeof(out)))
		for (const char *p = out; *p; p++)
		{
			if (*p == '%')
			{
				CHECK(isxdigit((unsigned char) p[1]) && isxdigit((unsigned char) p[2]));
				p += 2;
			}
			else
				CHECK(isalnum((unsigned char) *p) || *p == '-' || *p == '_' || *p == '.' || *p == '~');
		}
	free(buf);
	free(str);
	return 0;
}
