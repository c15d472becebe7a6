-- S3: install the oldest shipped version and update step by step to the
-- default; the result must be the default version with every object.
\set QUIET on
SELECT min(version) AS oldest, (SELECT default_version FROM pg_available_extensions WHERE name = 'commhub') AS newest
  FROM pg_available_extension_versions WHERE name = 'commhub' \gset
DROP EXTENSION commhub CASCADE;
CREATE EXTENSION commhub VERSION :'oldest';
ALTER EXTENSION commhub UPDATE;
\set QUIET off
SELECT extversion = :'newest' AS at_default_version FROM pg_extension WHERE extname = 'commhub';
-- every update script between shipped versions is reachable from the oldest
SELECT count(*) = (SELECT count(*) FROM pg_available_extension_versions WHERE name = 'commhub') - 1 AS all_versions_reachable
  FROM pg_extension_update_paths('commhub') WHERE source = :'oldest' AND path IS NOT NULL;
SELECT count(*) > 0 AS has_tables FROM pg_tables WHERE schemaname = 'commhub';
