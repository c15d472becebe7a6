/*
 * json_arena.c -- a bump arena for jansson while ingest_batch works a chunk.
 *
 * A chunk of 500 payloads builds hundreds of thousands of small jansson
 * values (parsed payloads, normalized records, rows, analyses) and frees
 * them all at the chunk's end.  Through malloc/free that cost about a tenth
 * of ingest_batch's CPU: json_delete walking every object to free each key
 * and value, and glibc consolidating the freed chunks.  Between
 * json_arena_enter() and json_arena_leave(), jansson allocates small values
 * from 1 MB blocks by bumping a pointer, and freeing one does nothing;
 * leaving makes the whole arena reusable at once, so the caller drops its
 * references instead of json_decref-ing them.
 *
 * Rules that keep this safe:
 *  - nothing allocated inside may be used or freed after json_arena_leave():
 *    no static or cached json_t, no json_dumps() result kept;
 *  - memory allocated before json_arena_enter() and freed inside goes to
 *    free(): arena_free() only ignores pointers inside its own blocks;
 *  - a request over 64 kB (a long mail body) gets a malloc block of its own
 *    that is freed as soon as jansson frees it, so big garbage never piles
 *    up; whatever is left of those is freed on leaving;
 *  - strings jansson hands out (json_dumps) are freed with json_arena_free(),
 *    which calls whichever free jansson uses at the time.
 * Backend-private and single-threaded; plain malloc, so it never throws.
 * Enter/leave pairs nest; only the outermost leave empties the arena.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_arena.h"

#define ARENA_BLOCK		(1024 * 1024)	/* one standard block */
#define ARENA_BIG		(64 * 1024)		/* larger requests get a block of their own */
#define ARENA_KEEP		16				/* standard blocks kept for the next chunk */

typedef struct
{
	char	   *start;
	size_t		size;
}			ArenaBlock;

/* standard blocks: [0, nstd); cur is the one being filled, used its fill */
static ArenaBlock *std = NULL;
static int	nstd = 0,
			maxstd = 0,
			cur = -1;
static size_t used = 0;

/* blocks of one big request each, live ones only */
static ArenaBlock *own = NULL;
static int	nown = 0,
			maxown = 0;

static int	depth = 0;

static bool
grow(ArenaBlock **arr, int *max, int n)
{
	if (n == *max)
	{
		int			m = *max ? *max * 2 : 32;
		ArenaBlock *b = realloc(*arr, sizeof(ArenaBlock) * m);

		if (b == NULL)
			return false;
		*arr = b;
		*max = m;
	}
	return true;
}

static void *
arena_malloc(size_t size)
{
	size = size ? (size + 15) & ~(size_t) 15 : 16;
	if (size > ARENA_BIG)
	{
		char	   *p;

		if (!grow(&own, &maxown, nown) || (p = malloc(size)) == NULL)
			return NULL;
		own[nown].start = p;
		own[nown].size = size;
		nown++;
		return p;
	}
	if (cur < 0 || ARENA_BLOCK - used < size)
	{
		/* the next standard block: one kept from an earlier chunk, or new */
		if (cur + 1 >= nstd)
		{
			char	   *p;

			if (!grow(&std, &maxstd, nstd) || (p = malloc(ARENA_BLOCK)) == NULL)
				return NULL;
			std[nstd].start = p;
			std[nstd].size = ARENA_BLOCK;
			nstd++;
		}
		cur++;
		used = 0;
	}
	used += size;
	return std[cur].start + used - size;
}

static void
arena_free(void *ptr)
{
	const char *p = ptr;

	if (p == NULL)
		return;
	/* newest first: what is freed was mostly allocated lately */
	for (int i = cur; i >= 0; i--)
		if (p >= std[i].start && p < std[i].start + std[i].size)
			return;
	for (int i = nown - 1; i >= 0; i--)
		if (p == own[i].start)
		{
			free(own[i].start);
			own[i] = own[--nown];
			return;
		}
	free(ptr);					/* from before the arena was entered */
}

void
json_arena_enter(void)
{
	if (depth++ > 0)
		return;
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void
json_arena_leave(void)
{
	if (depth == 0 || --depth > 0)
		return;
	json_set_alloc_funcs(malloc, free);
	for (int i = 0; i < nown; i++)
		free(own[i].start);
	nown = 0;
	for (int i = ARENA_KEEP; i < nstd; i++)
		free(std[i].start);
	if (nstd > ARENA_KEEP)
		nstd = ARENA_KEEP;
	cur = -1;
	used = 0;
}

bool
json_arena_active(void)
{
	return depth > 0;
}

void
json_arena_free(void *p)
{
	json_free_t f;

	json_get_alloc_funcs(NULL, &f);
	(f ? f : free) (p);
}

void
json_arena_release(void)
{
	if (depth > 0)
		return;
	for (int i = 0; i < nstd; i++)
		free(std[i].start);
	free(std);
	free(own);
	std = own = NULL;
	nstd = maxstd = nown = maxown = 0;
	cur = -1;
}
