-- Administration functions a DBA or an application calls by hand get the
-- same treatment as ingest (I4): an SQLSTATE, a message naming the field, a
-- hint, and nothing written.  Found by calling every function of the schema
-- with NULLs, empty strings and out-of-range values.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; hint text;
BEGIN
    EXECUTE q;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ' | ' || msg || ' | hint: ' || coalesce(hint, '');
END $$;
SELECT count(*) AS grants_before FROM commhub.tenant_grants \gset
-- grant_tenant: a NULL tenant or role was a not-null violation, a role that
-- does not exist was granted silently (a grant to whoever creates it later)
SELECT pg_temp.try($$SELECT commhub.grant_tenant(NULL, 'postgres')$$);
SELECT pg_temp.try($$SELECT commhub.grant_tenant('  ', 'postgres')$$);
SELECT pg_temp.try($$SELECT commhub.grant_tenant(repeat('T', 65), 'postgres')$$);
SELECT pg_temp.try($$SELECT commhub.grant_tenant('T002', NULL)$$);
SELECT pg_temp.try($$SELECT commhub.grant_tenant('T002', 'no_such_role_xyz')$$);
SELECT count(*) = :grants_before AS nothing_granted FROM commhub.tenant_grants;
-- a real role still works, and twice is once
CREATE ROLE admin_bad_input_role;
SELECT pg_temp.try($$SELECT commhub.grant_tenant('T002', 'admin_bad_input_role')$$);
SELECT pg_temp.try($$SELECT commhub.grant_tenant('T002', 'admin_bad_input_role')$$);
SELECT tenant_id, role_name FROM commhub.tenant_grants WHERE role_name = 'admin_bad_input_role';
DELETE FROM commhub.tenant_grants WHERE role_name = 'admin_bad_input_role';
DROP ROLE admin_bad_input_role;
-- save_insight (what the agents store through): an insight about nobody or
-- of no type was stored
SELECT count(*) AS insights_before FROM commhub.communication_insights \gset
SELECT pg_temp.try($$SELECT commhub.save_insight(NULL, 'risk', 't', 'c', '{}', '[]', 1, now(), now(), 0.5, 5, 'test', NULL)$$);
SELECT pg_temp.try($$SELECT commhub.save_insight('', 'risk', 't', 'c', '{}', '[]', 1, now(), now(), 0.5, 5, 'test', NULL)$$);
SELECT pg_temp.try($$SELECT commhub.save_insight('C001', NULL, 't', 'c', '{}', '[]', 1, now(), now(), 0.5, 5, 'test', NULL)$$);
SELECT count(*) = :insights_before AS nothing_stored FROM commhub.communication_insights;
