/*
 * jansson_shim.c -- json_object() without symbol interposition.
 *
 * The postgres executable exports an SQL function named json_object().
 * Executables come first in the dynamic linker's global scope, so a call to
 * json_object() from this library would run PostgreSQL's function, not
 * jansson's (jansson's own internal calls are bound locally and are fine).
 * The module is compiled with -Djson_object=commhub_jansson_object, and this
 * file -- compiled with the same flag -- builds an empty object through
 * json_pack(), whose name does not collide.
 */
#include <jansson.h>

json_t	   *commhub_jansson_object(void);

json_t *
commhub_jansson_object(void)
{
	return json_pack("{}");
}
