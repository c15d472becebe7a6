/*
 * fuzz_agent_shapes.c -- fuzzes what a model (or a hostile endpoint) controls
 * on the way from HTTP body to stored insight: content -> JSON
 * (llm_parse_content_json: fences, prose) -> every agent validator; the
 * prompt builder with arbitrary templates, vars and caps; the A15 Markdown
 * check; Retry-After parsing.  Invariants checked (abort on violation):
 * validators return an error string iff they fail, the string is
 * NUL-terminated inside err and valid UTF-8; prompts never exceed
 * max_bytes; Retry-After stays within -1..86400000 ms.
 *
 * The first input byte picks the target; the rest is its input.
 *
 * libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *     test/fuzz/fuzz_agent_shapes.c src/core/agent_shapes.c src/core/llm_http.c \
 *     -lcurl -ljansson -o fuzz_agent_shapes && ./fuzz_agent_shapes -max_total_time=60
 * Without libFuzzer (any compiler; mutates built-in seeds with a fixed
 * PRNG, or replays files given as arguments), prints one TAP line:
 *   gcc -DFUZZ_STANDALONE -g -O1 -fsanitize=address,undefined -Isrc/core \
 *     test/fuzz/fuzz_agent_shapes.c src/core/agent_shapes.c src/core/llm_http.c \
 *     -lcurl -ljansson -o fuzz_sa && ./fuzz_sa [iterations | files...]
 */
#include "agent_shapes.h"
#include "llm_http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;

		if (n < 0)
			return false;
		p++;
		while (n-- > 0)
		{
			if ((*p & 0xC0) != 0x80)
				return false;
			p++;
		}
	}
	return true;
}

static void
check_validators(const json_t *j)
{
	static const char *const agents[] = {"A10", "A11", "A12", "A13", "A14", "A15", "A16"};
	char		err[160];

	for (size_t i = 0; i < sizeof(agents) / sizeof(agents[0]); i++)
	{
		bool		ok;

		memset(err, 'Z', sizeof(err));
		ok = agent_validate(agents[i], j, err, sizeof(err));
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		if (ok != (err[0] == '\0') || !utf8_ok(err))
			abort();
	}
	/* tiny buffers must stay terminated too */
	memset(err, 'Z', sizeof(err));
	(void) agent_validate("A10", j, err, 7);
	if (memchr(err, '\0', 7) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		sel;
	char		err[200];

	if (size == 0)
		return 0;
	sel = data[0];
	data++;
	size--;
	switch (sel % 5)
	{
		case 0:					/* model content -> JSON -> validators */
			{
				json_t	   *j = llm_parse_content_json((const char *) data, size, err, sizeof(err));

				if (j)
				{
					if (!json_is_object(j))
						abort();
					check_validators(j);
					json_decref(j);
				}
				else if (err[0] == '\0')
					abort();
				break;
			}
		case 1:					/* raw JSON -> validators */
			{
				json_t	   *j = json_loadb((const char *) data, size, JSON_DECODE_ANY, NULL);

				if (j)
				{
					check_validators(j);
					json_decref(j);
				}
				break;
			}
		case 2:					/* prompt builder: template \0 vars */
			{
				const uint8_t *nul = memchr(data, 0, size);
				size_t		tlen = nul ? (size_t) (nul - data) : size / 2;
				char	   *tmpl = malloc(tlen + 1);
				json_t	   *vars;
				size_t		max = 1 + (size_t) sel * 13 % 3000;
				agent_prompt_info info;
				char	   *out;

				if (!tmpl)
					return 0;
				memcpy(tmpl, data, tlen);
				tmpl[tlen] = '\0';
				vars = json_loadb((const char *) data + tlen + (nul ? 1 : 0),
								  size - tlen - (nul ? 1 : 0), 0, NULL);
				out = agent_build_prompt(tmpl, vars, max, &info);
				if (out && strlen(out) > max)
					abort();
				if (!out && json_is_object(vars))
					abort();	/* only a non-object vars (or OOM) gives NULL */
				free(out);
				json_decref(vars);
				free(tmpl);
				break;
			}
		case 3:					/* Retry-After */
			{
				char		v[256];
				size_t		n = size < sizeof(v) - 1 ? size : sizeof(v) - 1;
				long		ms;

				memcpy(v, data, n);
				v[n] = '\0';
				ms = llm_parse_retry_after(v, 1700000000);
				if (ms < -1 || ms > 86400000L)
					abort();
				break;
			}
		case 4:					/* A15 Markdown */
			{
				bool		ok = agent_validate_a15_markdown((const char *) data, size, err, sizeof(err));

				if (ok != (err[0] == '\0') || !utf8_ok(err))
					abort();
				break;
			}
	}
	return 0;
}

#ifdef FUZZ_STANDALONE

static const char *const seeds[] = {
	"\x00```json\n{\"intent\":{\"category\":\"inquiry\",\"detail\":\"询价\",\"confidence\":0.9},"
	"\"key_info\":{\"products\":[\"PCR-ABS-1000\"],\"price\":null,\"quantity\":\"50吨/月\","
	"\"timeline\":\"7月\",\"competitors\":[]},\"sentiment\":{\"overall\":\"positive\",\"score\":0.7,"
	"\"mood\":\"好\"},\"urgency\":{\"level\":\"high\",\"reason\":\"急\"},\"follow_up\":[\"样品\"],"
	"\"quality_score\":8,\"suggestions\":[\"回复\"]}\n```",
	"\x01{\"relationship_health\":{\"score\":85,\"trend\":\"upward\"},\"lifecycle_stage\":\"成长客户\","
	"\"key_contacts\":[{\"name\":\"张\",\"influence\":0.9}],\"risks\":[{\"type\":\"价\",\"level\":\"low\"}]}",
	"\x01{\"opportunities\":[{\"type\":\"explicit\",\"description\":\"d\",\"estimated_value\":1,"
	"\"probability\":0.5}],\"cross_sell_opportunities\":[{\"product\":\"p\",\"potential_value\":2}]}",
	"\x01{\"customer_segment\":\"VIP\",\"marketing_strategy\":{\"approach\":\"a\",\"key_messages\":[]},"
	"\"channel_strategy\":{\"primary\":\"企业微信\"}}",
	"\x01{\"risk_alerts\":[{\"risk_type\":\"churn_risk\",\"risk_level\":\"high\",\"risk_score\":75,"
	"\"indicators\":[\"x\"],\"recommended_actions\":[\"y\"]}],\"early_warning_signals\":{\"a\":{\"detected\":true}}}",
	"\x01{\"analysis_summary\":{\"total_records\":3,\"channels\":{\"wechat\":2}},\"action_plan\":"
	"{\"immediate\":[\"a\"],\"short_term\":[{\"x\":1}],\"long_term\":[]},\"risk_alerts\":{\"risk_alerts\":[]}}",
	"\x02客户: {customer_name}\n记录: {records}\n{\"intent\": {x}}\x00{\"customer_name\":\"宁波奥克斯\","
	"\"records\":[\"第一条记录内容很长很长\",{\"id\":2,\"t\":\"询价\"},3,null,[1,2]]}",
	"\x03Sun, 06 Nov 1994 08:49:37 GMT",
	"\x03Sunday, 06-Nov-94 08:49:37 GMT",
	"\x03 120 ",
	"\x04# 报告\n\n## 商机\n- 一\n",
	"\x00好的：{\"a\":{\"b\":[1,2,{\"c\":\"```\"}]}} 谢谢",
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) (rng >> 11);
}

static size_t
seed_size(const char *s)
{
	/* seeds may contain one embedded NUL after the selector (prompt case) */
	size_t		n = 1 + strlen(s + 1);

	if (s[0] == '\x02')
		n += 1 + strlen(s + n + 1);
	return n;
}

static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	int			rounds = 1 + (int) (next_rand() % 8);

	for (int k = 0; k < rounds; k++)
	{
		size_t		pos = len ? next_rand() % len : 0;

		switch (next_rand() % 7)
		{
			case 0:				/* flip a byte */
				if (len > 1)
					buf[1 + pos % (len - 1)] ^= (uint8_t) (1u << (next_rand() % 8));
				break;
			case 1:				/* random byte */
				if (len > 1)
					buf[1 + pos % (len - 1)] = (uint8_t) next_rand();
				break;
			case 2:				/* delete a run */
				if (len > 2)
				{
					size_t		p = 1 + pos % (len - 1);
					size_t		n = 1 + next_rand() % 16;

					if (n > len - p)
						n = len - p;
					memmove(buf + p, buf + p + n, len - p - n);
					len -= n;
				}
				break;
			case 3:				/* insert interesting bytes */
				{
					static const char *const tok[] = {"{", "}", "[", "]", "\"", ",", ":", "```", "null",
						"1e308", "-0", "1.7", "\xe5\xae", "\\u0000", "{name}", "{records}", "true", "#"};
					const char *t = tok[next_rand() % (sizeof(tok) / sizeof(tok[0]))];
					size_t		n = strlen(t);
					size_t		p = len ? 1 + pos % len : 1;

					if (p > len)
						p = len;
					if (len + n <= cap)
					{
						memmove(buf + p + n, buf + p, len - p);
						memcpy(buf + p, t, n);
						len += n;
					}
					break;
				}
			case 4:				/* duplicate a run (grows lists) */
				{
					size_t		p = pos;
					size_t		n = 1 + next_rand() % 64;

					if (n > len - p)
						n = len - p;
					if (len + n <= cap)
					{
						memmove(buf + p + n, buf + p, len - p);
						len += n;
					}
					break;
				}
			case 5:				/* change the selector */
				buf[0] = (uint8_t) next_rand();
				break;
			case 6:				/* truncate */
				if (len > 1)
					len = 1 + pos % len;
				break;
		}
	}
	return len;
}

static int
run_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	uint8_t    *buf;
	size_t		n;

	if (!f)
		return -1;
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	long		iters = 200000;
	size_t		nseeds = sizeof(seeds) / sizeof(seeds[0]);
	uint8_t    *buf;
	const size_t cap = 65536;

	if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9')
		iters = atol(argv[1]);
	else if (argc > 1)
	{
		for (int i = 1; i < argc; i++)
			if (run_file(argv[i]) != 0)
			{
				printf("not ok 1 - cannot read %s\n", argv[i]);
				return 1;
			}
		printf("ok 1 - replayed %d inputs\n", argc - 1);
		return 0;
	}
	buf = malloc(cap);
	if (!buf)
		return 1;
	for (size_t s = 0; s < nseeds; s++)
		LLVMFuzzerTestOneInput((const uint8_t *) seeds[s], seed_size(seeds[s]));
	for (long i = 0; i < iters; i++)
	{
		const char *s = seeds[next_rand() % nseeds];
		size_t		len = seed_size(s);

		memcpy(buf, s, len);
		len = mutate(buf, len, cap);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
	printf("ok 1 - %ld mutated inputs through content parsing, validators, prompt builder, "
		   "Retry-After and Markdown checks\n", iters);
	return 0;
}
#endif
