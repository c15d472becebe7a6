/*
 * spi_cache.h -- prepared SPI statements kept for the life of the backend.
 *
 * Ingest runs the same few statements for every record; planning them each
 * time cost more than executing them.  A CachedStmt is prepared on first use
 * and kept (SPI_keepplan); the plan cache re-plans it after DDL or when the
 * role (and so row-level security) changes.
 */
#ifndef COMMHUB_SPI_CACHE_H
#define COMMHUB_SPI_CACHE_H
#include "postgres.h"
#include "executor/spi.h"

typedef struct CachedStmt
{
	const char *sql;
	int			nargs;
	Oid			types[12];
	SPIPlanPtr	plan;
} CachedStmt;

/* SPI_execute_plan of the statement, preparing it on first use. */
extern int	commhub_spi_run(CachedStmt *stmt, Datum *args, const char *nulls, bool read_only, long count);

#endif

/*
 * SPI_CACHED: drop-in for SPI_execute_with_args with one kept plan per call
 * site (a GNU statement expression holding a static CachedStmt).  The SQL
 * of a call site must not change between calls.
 */
#define SPI_CACHED(sql_, nargs_, types_, args_, nulls_, ro_, count_) \
	__extension__ ({ \
		static CachedStmt cs_ = {0}; \
		if (cs_.plan == NULL) \
		{ \
			cs_.sql = (sql_); \
			cs_.nargs = (nargs_); \
			memcpy(cs_.types, (types_), sizeof(Oid) * (nargs_)); \
		} \
		commhub_spi_run(&cs_, (args_), (nulls_), (ro_), (count_)); \
	})
