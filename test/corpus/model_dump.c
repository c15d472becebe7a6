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

#include "corpus_time.h"

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
