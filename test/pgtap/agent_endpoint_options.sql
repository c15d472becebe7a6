-- set_endpoint checks the type and range of every option (N3).  A value the
-- workers cannot read (e.g. "retry_bad_answers": "sometimes") used to be
-- stored as given: each claim that reached a job of that endpoint then
-- failed to cast it, the worker exited, restarted 5 s later and failed
-- again -- no job of any endpoint or tenant ran.  A bad number reached the
-- table's CHECK (23514 naming a constraint) or a cast error naming nothing.
BEGIN;
SELECT plan(23);

SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"retry_bad_answers": "sometimes"}')$$,
                 '22023', 'endpoint option "retry_bad_answers" must be true or false, not "sometimes"',
                 'retry_bad_answers must be a JSON boolean');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"retry_bad_answers": "false"}')$$,
                 '22023', 'endpoint option "retry_bad_answers" must be true or false, not "false"',
                 'retry_bad_answers as a string is refused too');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"timeout_ms": "abc"}')$$,
                 '22023', 'endpoint option "timeout_ms" must be an integer from 100 to 3600000, not "abc"',
                 'timeout_ms as text: 22023 naming the option (was 22P02 naming nothing)');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"timeout_ms": 50}')$$,
                 '22023', 'endpoint option "timeout_ms" must be an integer from 100 to 3600000, not 50',
                 'timeout_ms below its range (was 23514 from the table)');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"timeout_ms": 1500.5}')$$,
                 '22023', 'endpoint option "timeout_ms" must be an integer from 100 to 3600000, not 1500.5',
                 'timeout_ms must be integral');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"connect_timeout_ms": 700000}')$$,
                 '22023', 'endpoint option "connect_timeout_ms" must be an integer from 100 to 600000, not 700000',
                 'connect_timeout_ms above its range');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"max_inflight": 0}')$$,
                 '22023', 'endpoint option "max_inflight" must be an integer from 1 to 1024, not 0',
                 'max_inflight 0');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"max_attempts": 51}')$$,
                 '22023', 'endpoint option "max_attempts" must be an integer from 1 to 50, not 51',
                 'max_attempts 51');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"requests_per_minute": 0}')$$,
                 '22023', 'endpoint option "requests_per_minute" must be an integer from 1 to 1000000 (or null: no limit), not 0',
                 'requests_per_minute 0');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"max_response_bytes": -1}')$$,
                 '22023', 'endpoint option "max_response_bytes" must be an integer from 1024 to 67108864, not -1',
                 'max_response_bytes negative (the engine took it as its 64 MiB cap)');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"temperature": "hot"}')$$,
                 '22023', 'endpoint option "temperature" must be a number from 0 to 2, not "hot"',
                 'temperature as text');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"extra_body": "enable_thinking"}')$$,
                 '22023', 'endpoint option "extra_body" must be a JSON object, not "enable_thinking"',
                 'extra_body must be an object (every job failed with "extra_body_json is not a JSON object")');
SELECT throws_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"max_inflight": true}')$$,
                 '22023', 'endpoint option "max_inflight" must be an integer from 1 to 1024, not true',
                 'a boolean where a number goes');

-- the hint says what the option takes
CREATE FUNCTION pg_temp.hint_of(opts jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
    PERFORM commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, opts);
    RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    RETURN h;
END $$;
SELECT alike(pg_temp.hint_of('{"retry_bad_answers": 1}'), '%retry_bad_answers%true%',
            'the hint of a bad option says what it takes');

SELECT is((SELECT count(*)::int FROM commhub.agent_endpoints WHERE name = 'tap-opt'), 0, 'nothing was stored by the refused calls');

-- good values are stored as before
SELECT lives_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL,
                  '{"timeout_ms": 1500, "connect_timeout_ms": 100, "max_inflight": 1024, "max_attempts": 50,
                    "requests_per_minute": 120, "max_response_bytes": 2048, "temperature": 0,
                    "extra_body": {"enable_thinking": false}, "retry_bad_answers": false}')$$,
                'every option at a valid value is accepted');
SELECT is((SELECT row(timeout_ms, connect_timeout_ms, max_inflight, max_attempts, requests_per_minute, max_response_bytes, temperature)::text
             FROM commhub.agent_endpoints WHERE name = 'tap-opt'),
          '(1500,100,1024,50,120,2048,0)', 'and stored in their columns');
SELECT lives_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, '{"requests_per_minute": null, "temperature": 1.3, "timeout_ms": 3600000.0}')$$,
                'requests_per_minute null (no limit), a real temperature and an integral real are accepted');
SELECT is((SELECT row(timeout_ms, requests_per_minute IS NULL, temperature)::text FROM commhub.agent_endpoints WHERE name = 'tap-opt'),
          '(3600000,t,1.3)', 'stored');
SELECT lives_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL,
                  '{"timeout_ms": null, "retry_bad_answers": null, "extra_body": null, "temperature": null}')$$,
                'a null option means its default, as before');
SELECT lives_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm', NULL, NULL)$$, 'NULL options mean none');
SELECT lives_ok($$SELECT commhub.set_endpoint('tap-opt', 'http://127.0.0.1:9/v1', 'm')$$, 'no options at all');
SELECT is((SELECT timeout_ms FROM commhub.agent_endpoints WHERE name = 'tap-opt'), 120000, 'defaults apply again');

SELECT * FROM finish();
ROLLBACK;
