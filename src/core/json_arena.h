/* json_arena.h -- jansson values from a bump arena for a while (json_arena.c) */
#ifndef COMMHUB_JSON_ARENA_H
#define COMMHUB_JSON_ARENA_H

#include <stdbool.h>

/* From now on jansson allocates from the arena (nests). */
extern void json_arena_enter(void);

/* Back to malloc/free; everything allocated inside is gone (outermost leave). */
extern void json_arena_leave(void);

extern bool json_arena_active(void);

/* Free a string jansson returned (json_dumps) with jansson's current free. */
extern void json_arena_free(void *p);

/* Give the kept blocks back to the system (outside the arena only). */
extern void json_arena_release(void);

#endif
