/*
 * test_json_arena.c -- jansson values from the bump arena (json_arena.c):
 * values built inside read back intact; memory from before the arena freed
 * inside really is freed (LeakSanitizer in the ASan run would report it
 * otherwise); big values get blocks of their own, freed early; leaving
 * drops everything at once and jansson is back on malloc/free; nesting.
 * TAP-style output; exit status 1 on any failure.
 */
#include "json_arena.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	n_tests = 0;
static int	n_fail = 0;

static void
check(int ok, const char *desc)
{
	n_tests++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_tests, desc);
}

static json_t *
record(int i)
{
	return json_pack("{s:s, s:i, s:[s, s], s:{s:s, s:f}}", "record_id", "wx-20240615-abcdef", "n", i,
					 "tags", "询价", "紧急", "ai", "intent", "inquiry", "confidence", 0.8);
}

int
main(void)
{
	json_malloc_t m0;
	json_free_t f0,
				f1;
	json_t	   *before = record(-1);
	json_t	   *arr;
	char	   *big;
	char	   *s;
	int			ok;

	json_get_alloc_funcs(&m0, &f0);
	check(!json_arena_active(), "not active at start");

	json_arena_enter();
	check(json_arena_active(), "active after enter");
	json_get_alloc_funcs(NULL, &f1);
	check(f1 != f0, "jansson uses the arena's functions inside");
	arr = json_array();
	for (int i = 0; i < 20000; i++)		/* many blocks' worth */
		json_array_append_new(arr, record(i));
	ok = json_array_size(arr) == 20000;
	for (int i = 0; ok && i < 20000; i += 997)
		ok = json_integer_value(json_object_get(json_array_get(arr, i), "n")) == i &&
			strcmp(json_string_value(json_object_get(json_object_get(json_array_get(arr, i), "ai"), "intent")), "inquiry") == 0;
	check(ok, "20,000 records built in the arena read back intact");
	s = json_dumps(json_array_get(arr, 7), JSON_COMPACT | JSON_SORT_KEYS);
	check(s && strstr(s, "\"n\":7") != NULL, "json_dumps inside the arena");
	json_arena_free(s);
	/* made before entering, freed inside: must reach free() (else LSan) */
	json_decref(before);
	check(1, "a value from before the arena freed inside");
	/* a big string: a block of its own, freed as soon as it is dropped */
	big = malloc(300 * 1024);
	memset(big, 'x', 300 * 1024 - 1);
	big[300 * 1024 - 1] = '\0';
	{
		json_t	   *b = json_string(big);
		json_t	   *b2 = json_string(big);

		check(b && strlen(json_string_value(b)) == 300 * 1024 - 1, "a 300 kB string in the arena");
		json_decref(b);			/* freed at once */
		json_object_set_new(json_array_get(arr, 0), "body", b2);	/* kept till leave */
	}
	free(big);
	/* nesting: an inner leave keeps the outer arena */
	json_arena_enter();
	json_arena_leave();
	check(json_arena_active() && json_integer_value(json_object_get(json_array_get(arr, 19999), "n")) == 19999,
		  "an inner enter/leave pair leaves the outer arena intact");
	json_decref(arr);			/* a no-op walk; allowed */
	json_arena_leave();
	check(!json_arena_active(), "not active after the outermost leave");
	json_get_alloc_funcs(NULL, &f1);
	check(f1 == f0, "jansson is back on its own free()");

	/* a second round reuses the kept blocks */
	json_arena_enter();
	arr = json_array();
	for (int i = 0; i < 5000; i++)
		json_array_append_new(arr, record(i));
	check(json_integer_value(json_object_get(json_array_get(arr, 4999), "n")) == 4999, "a second round in the reused arena");
	json_arena_leave();

	/* outside: ordinary malloc'd values */
	arr = record(1);
	s = json_dumps(arr, JSON_COMPACT);
	check(s != NULL && strstr(s, "inquiry") != NULL, "outside the arena jansson works as before");
	json_arena_free(s);
	json_decref(arr);
	json_arena_leave();			/* unbalanced: ignored */
	check(!json_arena_active(), "an unbalanced leave is ignored");
	json_arena_release();
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
