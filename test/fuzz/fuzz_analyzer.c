/*
 * fuzz_analyzer.c -- libFuzzer target for az_analyze (analyzer.h).
 *
 * The input is split by its first bytes: byte 0 picks the channel and
 * whether a subject is used, bytes 1..4 perturb the communication time
 * (including 0 = no time and far-away years), and the rest is cut at the
 * first 0x01 byte into subject and content.  Every output must serialize
 * to JSON (all strings valid UTF-8), keep the documented types, and a
 * summary of at most 60 code points.  The default lexicon is built once;
 * a second, small custom lexicon with odd aliases (one byte, overlapping,
 * full-width) is built from the input's first bytes every 64th run to
 * exercise az_lexicon_build as well.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core
 *        test/fuzz/fuzz_analyzer.c src/core/analyzer*.c -ljansson -lm
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

static az_lexicon *LEX;

static void
check_output(json_t *r)
{
	char	   *d;
	json_t	   *ki,
			   *s;
	const char *sum;
	size_t		i,
				cps = 0;

	if (!r)
		abort();
	d = json_dumps(r, 0);
	if (!d)
		abort();				/* invalid UTF-8 somewhere */
	free(d);
	ki = json_object_get(r, "key_info");
	if (!json_is_object(ki) || !json_is_array(json_object_get(ki, "products")) ||
		!json_is_array(json_object_get(ki, "competitors")) ||
		!json_is_array(json_object_get(ki, "timeline_dates")))
		abort();
	s = json_object_get(json_object_get(r, "intent"), "category");
	if (!json_is_string(s))
		abort();
	sum = json_string_value(json_object_get(r, "summary"));
	if (!sum)
		abort();
	for (i = 0; sum[i]; i++)
		if (((unsigned char) sum[i] & 0xC0) != 0x80)
			cps++;
	if (cps > 60)
		abort();
	i = (size_t) json_integer_value(json_object_get(r, "quality_score"));
	if (i < 1 || i > 10)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const channels[] = {
		NULL, "phone", "mobile", "wechat", "email", "visit", "video", "form", "webchat"
	};
	static unsigned long runs;
	const char *channel;
	int64_t		t = 1718415000000000LL;
	char	   *subject = NULL;
	const uint8_t *body;
	size_t		blen,
				i;
	json_t	   *r;

	if (!LEX)
		LEX = az_lexicon_default();
	if (size < 5)
		return 0;
	channel = channels[data[0] % 9];
	switch (data[1] % 4)
	{
		case 0:
			t = 0;
			break;
		case 1:
			t += (int64_t) ((int8_t) data[2]) * 86400LL * 1000000LL * (data[3] + 1);
			break;
		case 2:
			t = (int64_t) ((int32_t) ((uint32_t) data[2] << 24 | (uint32_t) data[3] << 16 |
									  (uint32_t) data[4] << 8)) * 1000000LL * 1000LL;
			break;
		default:
			break;
	}
	body = data + 5;
	blen = size - 5;
	if (data[0] & 0x80)
	{
		for (i = 0; i < blen && body[i] != 0x01; i++)
			;
		subject = malloc(i + 1);
		memcpy(subject, body, i);
		subject[i] = '\0';		/* may contain earlier NULs: fine */
		if (i < blen)
			i++;
		body += i;
		blen -= i;
	}
	r = az_analyze(LEX, (const char *) body, blen, channel, subject, t);
	check_output(r);
	json_decref(r);

	if (++runs % 64 == 0)
	{
		az_lexicon *lex = az_lexicon_new();
		char		alias[16];
		size_t		k = blen < 8 ? blen : 8;

		memcpy(alias, body, k);
		alias[k] = '\0';
		az_lexicon_add_product(lex, "X", alias, NULL);
		az_lexicon_add_product(lex, "X", "ｘ", "cat");
		az_lexicon_add_competitor(lex, "Y", k > 1 ? alias + 1 : "y");
		az_lexicon_add_competitor(lex, "Y", "a");
		if (az_lexicon_build(lex) == 0)
		{
			r = az_analyze(lex, (const char *) body, blen, channel, subject, t);
			check_output(r);
			json_decref(r);
		}
		az_lexicon_free(lex);
	}
	free(subject);
	return 0;
}
