/*
 * jansson_shim.c -- json_object() without symbol interposition.
 *
 * The postgres executable exports an SQL function named json_object().
 * Executables come first in the dynamic linker's global scope, so a call to
 * json_object() from this library would run PostgreSQL's function, not
 * jansson's (jansson's own internal calls are bound locally and are fine).
 * The module is compiled with -Djson_object=commhub_jansson_object, and this
 * file -- compiled with the same flag -- calls jansson's json_object()
 * through a pointer looked up in libjansson (json_pack("{}"), whose name
 * does not collide, if that fails).
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <jansson.h>

json_t	   *commhub_jansson_object(void);

/* jansson's own json_object(), looked up once in libjansson itself (a
 * lookup through the library's handle starts at the library, not at the
 * executable): an empty object without parsing a format string for each
 * (an analysis makes a handful).  json_pack() when it cannot be found. */
static json_t *(*real_object) (void) = NULL;
static bool looked_up = false;

json_t *
commhub_jansson_object(void)
{
	if (!looked_up)
	{
		void	   *h = dlopen("libjansson.so.4", RTLD_LAZY | RTLD_NOLOAD);

		looked_up = true;
		if (h)
			real_object = (json_t *(*) (void)) dlsym(h, "json_object");
	}
	return real_object ? real_object() : json_pack("{}");
}
