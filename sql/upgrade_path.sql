-- S3: install the oldest shipped version and update step by step to the
-- default; the result must be the default version and the same schema as a
-- fresh install of it (functions, columns, defaults, indexes, constraints,
-- views, policies, triggers and privileges, compared by name).
\set QUIET on
SELECT min(version) AS oldest, (SELECT default_version FROM pg_available_extensions WHERE name = 'commhub') AS newest
  FROM pg_available_extension_versions WHERE name = 'commhub' \gset
CREATE TEMP VIEW commhub_schema_digest AS
SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(pg_get_functiondef(p.oid)) || ' ' || coalesce(p.proacl::text, '') AS d
  FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub') AND p.prokind IN ('f', 'p')
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text
       || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') || ' ' || coalesce(a.attacl::text, '')
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
 WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub') AND c.relkind IN ('r', 'v', 'm', 'p')
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub')
UNION ALL
SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub')
UNION ALL
SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' ' || c.relrowsecurity::text || ' ' || coalesce(c.relacl::text, '')
       || ' ' || CASE WHEN c.relkind IN ('v', 'm') THEN md5(pg_get_viewdef(c.oid)) ELSE '' END
  FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub') AND c.relkind IN ('r', 'v', 'm', 'p', 'S')
UNION ALL
SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '')
  FROM pg_policies WHERE schemaname = 'commhub'
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'commhub') AND NOT t.tgisinternal;
CREATE TEMP TABLE fresh AS SELECT d FROM commhub_schema_digest;
DROP EXTENSION commhub CASCADE;
CREATE EXTENSION commhub VERSION :'oldest';
ALTER EXTENSION commhub UPDATE;
CREATE TEMP TABLE upgraded AS SELECT d FROM commhub_schema_digest;
\set QUIET off
SELECT extversion = :'newest' AS at_default_version FROM pg_extension WHERE extname = 'commhub';
-- every update script between shipped versions is reachable from the oldest
SELECT count(*) = (SELECT count(*) FROM pg_available_extension_versions WHERE name = 'commhub') - 1 AS all_versions_reachable
  FROM pg_extension_update_paths('commhub') WHERE source = :'oldest' AND path IS NOT NULL;
SELECT count(*) > 100 AS compared_many_objects FROM fresh;
-- the updated schema is the fresh one: no row only on one side
(SELECT 'only fresh' AS side, d FROM fresh EXCEPT ALL SELECT 'only fresh', d FROM upgraded)
UNION ALL
(SELECT 'only upgraded', d FROM upgraded EXCEPT ALL SELECT 'only upgraded', d FROM fresh)
ORDER BY 1, 2;
