-- bench/analyzer.sql: MB/s of mixed Chinese text through commhub.analyze_text
-- over a table vs SELECT length(content) over the same rows, same run.
-- Rows are the labeled corpora's texts repeated to about :size x 40 bytes
-- (4 MB at the default size), at least 2 MB.  Targets: >= 20 MB/s per core
-- and <= 3x the plain scan.  The table is a temporary one, so neither side
-- runs as a parallel plan.
\set QUIET on
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
SET jit = off;
CREATE TEMP TABLE corpus (content text);
\set corpus_path `pwd`/test/corpus/a10_corpus.jsonl
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/corpus/a10_corpus.jsonl' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
\copy raw FROM 'test/corpus/dev_corpus.jsonl' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
INSERT INTO corpus SELECT line::jsonb->>'content' FROM raw;
SELECT greatest(2 * 1024 * 1024, :size * 40) AS target_bytes, sum(octet_length(content)) AS one_pass FROM corpus \gset
INSERT INTO corpus SELECT c.content FROM corpus c, generate_series(1, (:target_bytes / :one_pass)::int);
VACUUM ANALYZE corpus;
SELECT sum(octet_length(content)) AS bytes, count(*) AS rows FROM corpus \gset
SELECT clock_timestamp() AS t0 \gset
SELECT sum(length(content)) FROM corpus \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS scan_s \gset
-- The lexicon is built once per backend, at its first analysis (about 17 ms
-- for the shipped catalogue); that is not throughput, so it happens here.
SELECT commhub.analyze_text('预热') IS NOT NULL AS warm \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(commhub.analyze_text(content)) FROM corpus \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS analyze_s \gset
\set QUIET off
SELECT :rows AS rows, round(:bytes / 1048576.0, 1) AS mb,
       round(:bytes / 1048576.0 / :analyze_s, 1) AS "analyze_text MB/s (target >= 20)",
       round(:bytes / 1048576.0 / :scan_s, 1) AS "length() scan MB/s",
       round((:analyze_s / :scan_s)::numeric, 2) AS "analyze / scan (target <= 3)";
