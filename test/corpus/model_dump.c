/*
 * model_dump.c -- what the intent trainer reads (test/corpus/train_intent.py):
 * for every item of the given dev corpora, one tab-separated line
 *   corpus  id  gold  rule_cat  final_cat  votes(9, comma)  model(9, comma)
 *   features(hex hashes, space)  other(JSON: sentiment, urgency, key_info)
 * The features are those az_model_features computes on the analyzer's own
 * folded text, so training and inference see the same features.  The last
 * column lets a change be checked to leave everything but intent as it was.
 * Uses the internal API (analyzer_internal.h).  Never run on the held-out.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_internal.h"

static const char *const intents[] = {
	"inquiry", "complaint", "technical", "cooperation", "order", "payment",
	"delivery", "after_sales", "other"
};

static long
days_from_civil(int y, int m, int d)
{
	long		era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long) doe - 719468;
}

/* "2024-06-15T09:30:00+08:00" / "...Z" / no zone = +08:00. 0 on error. */
static int64_t
parse_time(const char *s)
{
	int			y,
				mo,
				d,
				h = 0,
				mi = 0,
				se = 0,
				n = 0;
	long		off = 8 * 3600;
	const char *z;

	if (!s || sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) != 3)
		return 0;
	z = s + n;
	if (*z == 'T' || *z == ' ')
	{
		int			k = 0;

		if (sscanf(z + 1, "%d:%d:%d%n", &h, &mi, &se, &k) == 3)
			z += 1 + k;
		else if (sscanf(z + 1, "%d:%d%n", &h, &mi, &k) == 2)
			z += 1 + k;
	}
	if (*z == '.')
		while (*++z >= '0' && *z <= '9')
			;
	if (*z == 'Z')
		off = 0;
	else if (*z == '+' || *z == '-')
	{
		int			oh = 0,
					om = 0;

		if (sscanf(z + 1, "%d:%d", &oh, &om) >= 1)
		{
			if (oh > 100)
			{
				om = oh % 100;
				oh /= 100;
			}
			off = (oh * 3600L + om * 60L) * (*z == '-' ? -1 : 1);
		}
	}
	return ((int64_t) days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off) *
		1000000;
}

static const char *
sget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

int
main(int argc, char **argv)
{
	az_lexicon *lex = az_lexicon_default();
	static char text[1 << 20];
	static uint32_t feats[1 << 20];
	int			a;

	if (!lex)
		return 2;
	for (a = 1; a < argc; a++)
	{
		FILE	   *f = fopen(argv[a], "r");
		char	   *line = NULL;
		size_t		cap = 0;
		const char *base = strrchr(argv[a], '/');

		if (!f)
		{
			perror(argv[a]);
			return 2;
		}
		base = base ? base + 1 : argv[a];
		while (getline(&line, &cap, f) > 0)
		{
			json_error_t err;
			json_t	   *g = json_loads(line, 0, &err),
					   *r,
					   *o;
			az_trace	tr;
			const char *content,
					   *channel;
			size_t		nf,
						i;
			char	   *js;
			int			c;

			if (!g)
				continue;
			memset(&tr, 0, sizeof(tr));
			tr.text = text;
			tr.text_cap = sizeof(text);
			content = sget(g, "content");
			channel = json_string_value(json_object_get(g, "channel"));
			r = az_analyze_trace(lex, content, strlen(content), channel,
								 json_string_value(json_object_get(g, "subject")),
								 parse_time(json_string_value(json_object_get(g, "time"))), &tr);
			if (!r)
				return 2;
			printf("%.*s\t%s\t%s\t%s\t%s\t", (int) (strlen(base) - 6), base, sget(g, "id"),
				   sget(g, "intent"), intents[tr.rule_cat], intents[tr.final_cat]);
			for (c = 0; c < AZI_N; c++)
				printf("%s%.4f", c ? "," : "", tr.votes[c]);
			printf("\t");
			for (c = 0; c < AZI_N; c++)
				printf("%s%.4f", c ? "," : "", tr.model[c]);
			printf("\t");
			nf = az_model_features(tr.text, tr.text_len, channel, feats, sizeof(feats) / sizeof(feats[0]));
			for (i = 0; i < nf; i++)
				printf("%s%08x", i ? " " : "", feats[i]);
			o = json_object();
			json_object_set(o, "sentiment", json_object_get(r, "sentiment"));
			json_object_set(o, "urgency", json_object_get(r, "urgency"));
			json_object_set(o, "key_info", json_object_get(r, "key_info"));
			js = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
			printf("\t%s\n", js);
			free(js);
			json_decref(o);
			json_decref(r);
			json_decref(g);
		}
		free(line);
		fclose(f);
	}
	az_lexicon_free(lex);
	return 0;
}
