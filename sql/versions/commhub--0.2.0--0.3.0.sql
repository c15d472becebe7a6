-- commhub 0.2.0 -> 0.3.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.3.0'" to load this file. \quit

-- current_tenant() in C (tenant.c): it runs in every row security check and
-- column default.  Same rules and errors; grants are read once per
-- transaction instead of a PL/pgSQL call with a search_path switch per use.
CREATE OR REPLACE FUNCTION commhub.current_tenant() RETURNS varchar
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'commhub_current_tenant_sql';
