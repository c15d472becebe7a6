/*
 * analyzer_bench.c -- throughput of the embedded analyzer (SPEC N1 speed
 * target: >= 20 MB/s per core of mixed Chinese text).
 *
 * Usage: analyzer_bench [corpus.jsonl] [seconds]
 * Reads the "content" of every line of the corpus (default
 * test/corpus/dev_corpus.jsonl), then runs az_analyze over the records
 * round-robin for the given time (default 3 s) on one thread, and prints
 * side by side: records/s and MB/s for (a) whole records as they come
 * (short chat lines to long mails), (b) one long text made of all records
 * joined (the automaton and scanners alone dominate), and the cost of
 * building the default lexicon.  JSON serialisation is not included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "test/corpus/dev_corpus.jsonl";
	double		secs = argc > 2 ? atof(argv[2]) : 3.0;
	FILE	   *f = fopen(path, "r");
	char	   *line = NULL,
			  **texts = NULL,
			   *joined;
	size_t	   *lens = NULL;
	size_t		cap = 0,
				n = 0,
				total = 0,
				i,
				jl = 0;
	az_lexicon *lex;
	double		t0,
				t1,
				el;
	long		iters;
	size_t		bytes;

	if (!f)
	{
		perror(path);
		return 2;
	}
	while (getline(&line, &cap, f) > 0)
	{
		json_t	   *j = json_loads(line, 0, NULL);
		const char *c = json_string_value(json_object_get(j, "content"));

		if (c)
		{
			texts = realloc(texts, (n + 1) * sizeof(char *));
			lens = realloc(lens, (n + 1) * sizeof(size_t));
			lens[n] = strlen(c);
			texts[n++] = strdup(c);
			total += strlen(c);
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
	if (n == 0)
	{
		fprintf(stderr, "no records in %s\n", path);
		return 2;
	}

	t0 = now_s();
	for (i = 0; i < 5; i++)
		az_lexicon_free(az_lexicon_default());
	t1 = now_s();
	printf("lexicon build: %.2f ms\n", (t1 - t0) / 5 * 1000);
	lex = az_lexicon_default();

	/* (a) records one by one */
	iters = 0;
	bytes = 0;
	t0 = now_s();
	do
	{
		for (i = 0; i < n; i++)
		{
			json_t	   *r = az_analyze(lex, texts[i], lens[i], "wechat", NULL,
									   1718415000000000LL);

			json_decref(r);
			bytes += lens[i];
		}
		iters += (long) n;
		t1 = now_s();
	} while (t1 - t0 < secs / 2);
	el = t1 - t0;
	printf("records: %zu, avg %.0f bytes\n", n, (double) total / n);
	printf("per record : %10.0f records/s  %7.1f MB/s\n", iters / el, bytes / el / 1e6);

	/* (b) one long text */
	joined = malloc(total + n + 1);
	for (i = 0; i < n; i++)
	{
		memcpy(joined + jl, texts[i], lens[i]);
		jl += lens[i];
		joined[jl++] = '\n';
	}
	joined[jl] = '\0';
	iters = 0;
	bytes = 0;
	t0 = now_s();
	do
	{
		json_t	   *r = az_analyze(lex, joined, jl, NULL, NULL, 1718415000000000LL);

		json_decref(r);
		bytes += jl;
		iters++;
		t1 = now_s();
	} while (t1 - t0 < secs / 2);
	el = t1 - t0;
	printf("long text  : %10.0f texts/s    %7.1f MB/s  (%zu bytes each)\n", iters / el,
		   bytes / el / 1e6, jl);

	free(joined);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	az_lexicon_free(lex);
	return 0;
}
