/*
 * eval.c -- measure the embedded analyzer against a labeled JSONL corpus.
 *
 * Usage: eval CORPUS.jsonl [-v]
 * Each line: {"id","channel","subject","content","time" (ISO 8601 with
 * offset, e.g. 2024-06-15T09:30:00+08:00),"intent","sentiment","urgency",
 * "price_value" (number|null),"quantity_value" (number|null),
 * "quantity_unit","products":[canonical],"competitors":[canonical]}.
 *
 * Prints intent accuracy and macro-F1 (over the classes present in gold
 * or prediction), sentiment and urgency accuracy, price and quantity
 * exact-match rates over ALL items (null must match null; numbers equal
 * within 0.005; the quantity unit must match too when the gold has one),
 * and product / competitor micro-F1 over sets.  -v also lists every
 * mismatch and the intent confusion matrix.  Uses only the public API
 * (analyzer.h) with az_lexicon_default().  Exit 0 after a run, 2 when the
 * corpus cannot be read.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

static const char *const intents[] = {
	"inquiry", "complaint", "technical", "cooperation", "order", "payment",
	"delivery", "after_sales", "other"
};
#define NINT 9

static int
intent_idx(const char *s)
{
	int			i;

	for (i = 0; s && i < NINT; i++)
		if (strcmp(s, intents[i]) == 0)
			return i;
	return NINT - 1;
}

#include "corpus_time.h"

static bool
num_eq(json_t *a, json_t *b)
{
	bool		an = !a || json_is_null(a),
				bn = !b || json_is_null(b);

	if (an || bn)
		return an && bn;
	if (!json_is_number(a) || !json_is_number(b))
		return false;
	return fabs(json_number_value(a) - json_number_value(b)) <= 0.005;
}

static bool
in_array(json_t *arr, const char *s)
{
	size_t		i;

	for (i = 0; i < json_array_size(arr); i++)
		if (json_is_string(json_array_get(arr, i)) &&
			strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return true;
	return false;
}

/* Set comparison: adds to tp/fp/fn; returns true if equal. */
static bool
set_cmp(json_t *gold, json_t *pred, long *tp, long *fp, long *fn)
{
	size_t		i;
	bool		eq = true;

	for (i = 0; i < json_array_size(pred); i++)
	{
		const char *s = json_string_value(json_array_get(pred, i));

		if (!s)
			continue;
		if (in_array(gold, s))
			(*tp)++;
		else
		{
			(*fp)++;
			eq = false;
		}
	}
	for (i = 0; i < json_array_size(gold); i++)
	{
		const char *s = json_string_value(json_array_get(gold, i));

		if (s && !in_array(pred, s))
		{
			(*fn)++;
			eq = false;
		}
	}
	return eq;
}

static double
f1(long tp, long fp, long fn)
{
	if (tp == 0)
		return (fp == 0 && fn == 0) ? 1.0 : 0.0;
	return 2.0 * tp / (2.0 * tp + fp + fn);
}

static const char *
sget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* A 3x3 confusion table (rows gold, cols predicted). */
static void
print_conf3(const char *what, const char *const names[3], long conf[4][4])
{
	printf("%s confusion (rows gold, cols pred):\n%12s", what, "");
	for (int j = 0; j < 3; j++)
		printf(" %8s", names[j]);
	printf("\n");
	for (int i = 0; i < 3; i++)
	{
		printf("%12s", names[i]);
		for (int j = 0; j < 3; j++)
			printf(" %8ld", conf[i][j]);
		printf("\n");
	}
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *line = NULL;
	size_t		cap = 0;
	long		items = 0,
				ok_int = 0,
				ok_sent = 0,
				ok_urg = 0,
				ok_price = 0,
				ok_qty = 0,
				conf[NINT][NINT];
	long		ptp = 0,
				pfp = 0,
				pfn = 0,
				ctp = 0,
				cfp = 0,
				cfn = 0;
	bool		verbose = argc > 2 && strcmp(argv[2], "-v") == 0;
	/* -s: aggregate tables only (no item ids or texts) -- safe to look at
	 * on the held-out corpus */
	bool		summary = verbose || (argc > 2 && strcmp(argv[2], "-s") == 0);
	static const char *const moods[3] = {"positive", "neutral", "negative"};
	static const char *const levels[3] = {"high", "medium", "low"};
	static const char *const chans[9] = {"phone", "mobile", "wechat", "email", "meeting", "visit", "video", "form", "webchat"};
	long		sconf[4][4] = {{0}},
				uconf[4][4] = {{0}},
				ch_n[10] = {0},
				ch_int[10] = {0},
				ch_sent[10] = {0},
				ch_urg[10] = {0};
	az_lexicon *lex;
	double		macro = 0;
	int			ncls = 0,
				i,
				j;

	if (argc < 2)
	{
		fprintf(stderr, "usage: %s corpus.jsonl [-v | -s]\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f)
	{
		perror(argv[1]);
		return 2;
	}
	lex = az_lexicon_default();
	if (!lex)
	{
		fprintf(stderr, "cannot build the default lexicon\n");
		fclose(f);
		return 2;
	}
	memset(conf, 0, sizeof(conf));
	while (getline(&line, &cap, f) > 0)
	{
		json_error_t err;
		json_t	   *g = json_loads(line, 0, &err),
				   *r,
				   *ki;
		const char *content,
				   *subject;
		int			gi,
					pi;
		bool		qok,
					pok;

		if (!g)
			continue;			/* blank or malformed line */
		content = sget(g, "content");
		subject = json_string_value(json_object_get(g, "subject"));
		r = az_analyze(lex, content, strlen(content), json_string_value(json_object_get(g, "channel")),
					   subject, parse_time(json_string_value(json_object_get(g, "time"))));
		if (!r)
		{
			json_decref(g);
			continue;
		}
		items++;
		ki = json_object_get(r, "key_info");
		gi = intent_idx(sget(g, "intent"));
		pi = intent_idx(json_string_value(json_object_get(json_object_get(r, "intent"), "category")));
		conf[gi][pi]++;
		if (gi == pi)
			ok_int++;
		else if (verbose)
			printf("INTENT %s: gold %s pred %s\n", sget(g, "id"), intents[gi], intents[pi]);
		{
			int			c = 9,
						sg = 3,
						sp = 3,
						ug = 3,
						up = 3;

			for (int k = 0; k < 9; k++)
				if (strcmp(sget(g, "channel"), chans[k]) == 0)
					c = k;
			for (int k = 0; k < 3; k++)
			{
				if (strcmp(sget(g, "sentiment"), moods[k]) == 0)
					sg = k;
				if (strcmp(sget(json_object_get(r, "sentiment"), "overall"), moods[k]) == 0)
					sp = k;
				if (strcmp(sget(g, "urgency"), levels[k]) == 0)
					ug = k;
				if (strcmp(sget(json_object_get(r, "urgency"), "level"), levels[k]) == 0)
					up = k;
			}
			sconf[sg][sp]++;
			uconf[ug][up]++;
			ch_n[c]++;
			ch_int[c] += gi == pi;
			ch_sent[c] += sg == sp;
			ch_urg[c] += ug == up;
		}
		if (strcmp(sget(g, "sentiment"), sget(json_object_get(r, "sentiment"), "overall")) == 0)
			ok_sent++;
		else if (verbose)
			printf("SENT   %s: gold %s pred %s (%.2f)\n", sget(g, "id"), sget(g, "sentiment"),
				   sget(json_object_get(r, "sentiment"), "overall"),
				   json_number_value(json_object_get(json_object_get(r, "sentiment"), "score")));
		if (strcmp(sget(g, "urgency"), sget(json_object_get(r, "urgency"), "level")) == 0)
			ok_urg++;
		else if (verbose)
			printf("URG    %s: gold %s pred %s (%s)\n", sget(g, "id"), sget(g, "urgency"),
				   sget(json_object_get(r, "urgency"), "level"),
				   sget(json_object_get(r, "urgency"), "reason"));
		pok = num_eq(json_object_get(g, "price_value"), json_object_get(ki, "price_value"));
		if (pok)
			ok_price++;
		else if (verbose)
			printf("PRICE  %s: gold %g pred %g (%s)\n", sget(g, "id"),
				   json_number_value(json_object_get(g, "price_value")),
				   json_number_value(json_object_get(ki, "price_value")), sget(ki, "price"));
		qok = num_eq(json_object_get(g, "quantity_value"), json_object_get(ki, "quantity_value"));
		if (qok && json_is_number(json_object_get(g, "quantity_value")) &&
			json_is_string(json_object_get(g, "quantity_unit")) &&
			strcmp(sget(g, "quantity_unit"), sget(ki, "quantity_unit")) != 0)
			qok = false;
		if (qok)
			ok_qty++;
		else if (verbose)
			printf("QTY    %s: gold %g%s pred %g%s (%s)\n", sget(g, "id"),
				   json_number_value(json_object_get(g, "quantity_value")), sget(g, "quantity_unit"),
				   json_number_value(json_object_get(ki, "quantity_value")), sget(ki, "quantity_unit"),
				   sget(ki, "quantity"));
		if (!set_cmp(json_object_get(g, "products"), json_object_get(ki, "products"), &ptp, &pfp, &pfn)
			&& verbose)
		{
			char	   *a = json_dumps(json_object_get(g, "products"), JSON_COMPACT),
					   *b = json_dumps(json_object_get(ki, "products"), JSON_COMPACT);

			printf("PROD   %s: gold %s pred %s\n", sget(g, "id"), a ? a : "", b ? b : "");
			free(a);
			free(b);
		}
		if (!set_cmp(json_object_get(g, "competitors"), json_object_get(ki, "competitors"),
					 &ctp, &cfp, &cfn) && verbose)
		{
			char	   *a = json_dumps(json_object_get(g, "competitors"), JSON_COMPACT),
					   *b = json_dumps(json_object_get(ki, "competitors"), JSON_COMPACT);

			printf("COMP   %s: gold %s pred %s\n", sget(g, "id"), a ? a : "", b ? b : "");
			free(a);
			free(b);
		}
		json_decref(r);
		json_decref(g);
	}
	free(line);
	fclose(f);
	az_lexicon_free(lex);
	if (items == 0)
	{
		printf("items: 0\n");
		return 0;
	}
	for (i = 0; i < NINT; i++)
	{
		long		tp = conf[i][i],
					fp = 0,
					fn = 0;

		for (j = 0; j < NINT; j++)
			if (j != i)
			{
				fp += conf[j][i];
				fn += conf[i][j];
			}
		if (tp + fp + fn == 0)
			continue;
		macro += f1(tp, fp, fn);
		ncls++;
	}
	if (summary)
	{
		print_conf3("sentiment", moods, sconf);
		print_conf3("urgency", levels, uconf);
		printf("per channel (items: intent / sentiment / urgency right):\n");
		for (i = 0; i < 9; i++)
			if (ch_n[i])
				printf("%12s %4ld: %4ld / %4ld / %4ld\n", chans[i], ch_n[i], ch_int[i], ch_sent[i], ch_urg[i]);
		printf("confusion (rows gold, cols pred):\n%12s", "");
		for (j = 0; j < NINT; j++)
			printf(" %5.5s", intents[j]);
		printf("\n");
		for (i = 0; i < NINT; i++)
		{
			printf("%12s", intents[i]);
			for (j = 0; j < NINT; j++)
				printf(" %5ld", conf[i][j]);
			printf("\n");
		}
	}
	printf("items: %ld\n", items);
	printf("intent_accuracy: %.3f\n", (double) ok_int / items);
	printf("intent_macro_f1: %.3f\n", ncls ? macro / ncls : 0.0);
	printf("sentiment_accuracy: %.3f\n", (double) ok_sent / items);
	printf("urgency_accuracy: %.3f\n", (double) ok_urg / items);
	printf("price_exact: %.3f\n", (double) ok_price / items);
	printf("quantity_exact: %.3f\n", (double) ok_qty / items);
	printf("product_f1: %.3f\n", f1(ptp, pfp, pfn));
	printf("competitor_f1: %.3f\n", f1(ctp, cfp, cfn));
	return 0;
}
