/*
 * fuzz_channels.c -- libFuzzer target for chn_normalize() / chn_merge().
 *
 * Contract: the input is parsed as JSON (any value).  Every one of the nine
 * channels normalizes it (and, when it is an array, each of its first
 * elements); every successful result is merged with itself and with the
 * previous result of the same channel (as the glue folds event lists), and
 * every failure must leave a SQLSTATE in the error.  Crashes, leaks and
 * sanitizer reports are bugs; invariants of the normalized record
 * (communication_type, channel, source_system, source_record_id <= 64 bytes,
 * integer communication_time) are checked with abort().
 *
 * Build: make fuzz (clang -fsanitize=fuzzer,address,undefined).
 * Run:   test/fuzz/bin/fuzz_channels -max_total_time=180 test/unit/payloads
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"

static const char *const channels[] = {
	"phone", "mobile", "wechat", "email", "meeting", "visit", "video", "form", "webchat"
};

static void
check(const json_t *n, const chn_error *err)
{
	const char *sid;

	if (n == NULL)
	{
		if (strlen(err->sqlstate) != 5 || err->message[0] == '\0')
			abort();
		return;
	}
	sid = json_string_value(json_object_get(n, "source_record_id"));
	if (!json_is_string(json_object_get(n, "communication_type")) ||
		!json_is_string(json_object_get(n, "channel")) ||
		!json_is_string(json_object_get(n, "source_system")) ||
		sid == NULL || strlen(sid) > 64 || *sid == '\0' ||
		!json_is_integer(json_object_get(n, "communication_time")))
		abort();
}

static void
fold(const char *ch, json_t *v, json_t **acc)
{
	chn_error	err;
	json_t	   *n = chn_normalize(ch, v, &err);
	json_t	   *m;

	check(n, &err);
	if (n == NULL)
		return;
	m = chn_merge(n, n);
	if (m == NULL)
		abort();
	json_decref(m);
	if (*acc)
	{
		m = chn_merge(*acc, n);
		if (m == NULL)
			abort();
		json_decref(*acc);
		json_decref(n);
		*acc = m;
	}
	else
		*acc = n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t	   *j = json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr);

	if (j == NULL)
		return 0;
	for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++)
	{
		json_t	   *acc = NULL;

		fold(channels[c], j, &acc);
		if (json_is_array(j))
			for (size_t i = 0; i < json_array_size(j) && i < 8; i++)
				fold(channels[c], json_array_get(j, i), &acc);
		json_decref(acc);
	}
	{
		chn_error	err;
		json_t	   *n = chn_normalize("nope", j, &err);

		if (n != NULL || strcmp(err.sqlstate, "22023") != 0)
			abort();
	}
	json_decref(j);
	return 0;
}
