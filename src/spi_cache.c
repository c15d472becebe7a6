/* spi_cache.c -- see spi_cache.h. */
#include "postgres.h"

#include "spi_cache.h"

int
commhub_spi_run(CachedStmt *stmt, Datum *args, const char *nulls, bool read_only, long count)
{
	if (stmt->plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(stmt->sql, stmt->nargs, stmt->types);

		if (p == NULL)
			elog(ERROR, "commhub: could not prepare statement: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "commhub: could not keep plan");
		stmt->plan = p;
	}
	return SPI_execute_plan(stmt->plan, args, nulls, read_only, count);
}
