/*
 * fuzz_normalize.c -- libFuzzer target for src/core/normalize.c.
 *
 * Every function of normalize.h gets the input (as an exact-size
 * NUL-terminated heap copy, so ASan sees any over-read), and the
 * properties that must hold for all inputs are asserted:
 *   - parse_time: a parsed time formats and re-parses to the same instant;
 *   - phone: output is '+'? digits, <= 21 bytes, and fits any buffer size;
 *   - email: output is lower-case, has a domain, and is a fixed point;
 *   - subject: output is valid UTF-8 and a fixed point;
 *   - fingerprint: never longer than the input, valid UTF-8;
 *   - truncate: valid UTF-8 with at most maxchars code points; agrees
 *     with norm_utf8_valid (a valid string truncates to itself).
 * Build: clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *          -Isrc/core test/fuzz/fuzz_normalize.c src/core/normalize.c -lm
 */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
cp_count(const char *s)
{
	size_t		n = 0;

	for (; *s; s++)
		n += ((unsigned char) *s & 0xC0) != 0x80;
	return n;
}

static void
fuzz_time(const char *s)
{
	int64_t		us,
				us2;
	char		buf[40];

	if (norm_parse_time(s, &us))
	{
		norm_format_time_utc(us, buf, sizeof(buf));
		if (!norm_parse_time(buf, &us2) || us2 != us)
		{
			fprintf(stderr, "time round trip: '%s' -> %s\n", s, buf);
			abort();
		}
	}
}

static void
fuzz_phone(const char *s, size_t outlen)
{
	char	   *out = malloc(outlen);
	char		full[32];
	size_t		k;

	if (norm_phone(s, full, sizeof(full)))
	{
		size_t		l = strlen(full);

		if (l < 3 || l > 21)
			abort();
		for (k = 0; k < l; k++)
			if (!((full[k] >= '0' && full[k] <= '9') || (k == 0 && full[0] == '+')))
				abort();
		/* a smaller buffer either gets the same answer or "no" */
		if (norm_phone(s, out, outlen) && strcmp(out, full) != 0)
			abort();
	}
	else
		(void) norm_phone(s, out, outlen);
	free(out);
}

static void
fuzz_email(const char *s)
{
	char		out[300],
				again[300];
	const char *dom;
	size_t		k;

	if (!norm_email_address(s, out, sizeof(out)))
		return;
	for (k = 0; out[k]; k++)
		if (out[k] >= 'A' && out[k] <= 'Z')
			abort();
	dom = norm_email_domain(out);
	if (dom == NULL || !norm_utf8_valid(out, strlen(out)))
		abort();
	(void) norm_is_freemail_domain(dom);
	if (!norm_email_address(out, again, sizeof(again)) || strcmp(out, again) != 0)
	{
		fprintf(stderr, "email not a fixed point: '%s' -> '%s'\n", out, again);
		abort();
	}
}

static void
fuzz_subject(const char *s)
{
	char	   *a = norm_subject(s);
	char	   *b;

	if (a == NULL)
		abort();
	(void) norm_subject_is_reply(s);
	if (!norm_utf8_valid(a, strlen(a)))
		abort();
	b = norm_subject(a);
	if (b == NULL || strcmp(a, b) != 0)
	{
		fprintf(stderr, "subject not a fixed point: '%s' -> '%s'\n", a, b);
		abort();
	}
	free(a);
	free(b);
}

static void
fuzz_fingerprint(const char *s, size_t n)
{
	char	   *f = norm_fingerprint_text(s);

	if (f == NULL || strlen(f) > n || !norm_utf8_valid(f, strlen(f)))
		abort();
	(void) norm_simhash(f);
	(void) norm_simhash(s);
	free(f);
}

static void
fuzz_utf8(const char *s, const uint8_t *raw, size_t size, size_t maxc)
{
	char	   *t = norm_utf8_truncate(s, maxc);
	char	   *all;
	bool		valid = norm_utf8_valid((const char *) raw, size);

	if (t == NULL || !norm_utf8_valid(t, strlen(t)) || cp_count(t) > maxc)
		abort();
	free(t);
	all = norm_utf8_truncate(s, SIZE_MAX);
	if (all == NULL)
		abort();
	/* differential check of the validator against the truncating decoder */
	if (valid != (strlen(s) == size && strcmp(all, s) == 0))
		abort();
	free(all);
	if (norm_display_width(s) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	double		d;
	int64_t		us;
	char		buf[40];
	size_t		small = size ? (size_t) (data[0] % 40) + 1 : 1;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	fuzz_time(s);
	fuzz_phone(s, small);
	fuzz_email(s);
	fuzz_subject(s);
	fuzz_fingerprint(s, strlen(s));
	fuzz_utf8(s, data, size, size ? data[size - 1] % 64 : 0);

	if (size >= 8)
	{
		memcpy(&d, data, 8);
		if (norm_epoch_to_us(d, &us))
		{
			if (us < 0)
				abort();
		}
		memcpy(&us, data, 8);
		norm_format_time_utc(us, buf, small);
		if (strlen(buf) >= small)
			abort();
	}
	free(s);
	return 0;
}
