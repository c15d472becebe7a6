-- commhub 0.8.0 -> 0.9.0
\echo Use "ALTER EXTENSION commhub UPDATE TO '0.9.0'" to load this file. \quit

-- grant_tenant: an empty or too long tenant, a NULL role and a role that
-- does not exist are errors naming the field (22023, 22004, 42704) instead
-- of a constraint violation or a grant to nobody.
CREATE OR REPLACE FUNCTION commhub.grant_tenant(tenant_id text, role_name name) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tenant_id IS NULL OR btrim(tenant_id) = '' OR length(tenant_id) > 64 THEN
        RAISE EXCEPTION 'tenant_id must be 1 to 64 characters'
            USING ERRCODE = '22023', HINT = 'Pass the tenant the role may use, e.g. T002.';
    END IF;
    IF role_name IS NULL THEN
        RAISE EXCEPTION 'role_name must not be null'
            USING ERRCODE = '22004', HINT = 'Pass the role that may use the tenant, e.g. ''sales_app''.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name) THEN
        RAISE EXCEPTION 'role_name: role "%" does not exist', role_name
            USING ERRCODE = '42704', HINT = 'Create the role first (CREATE ROLE), then grant it the tenant.';
    END IF;
    INSERT INTO commhub.tenant_grants AS g (tenant_id, role_name) VALUES (grant_tenant.tenant_id, grant_tenant.role_name)
    ON CONFLICT DO NOTHING;
END
$$;

-- save_insight: an empty customer_id or a NULL insight_type is refused
-- (22023) instead of storing an insight about nobody or of no type.
CREATE OR REPLACE FUNCTION commhub.save_insight(customer_id text, insight_type text, title text, content text, data jsonb,
                                     related_records jsonb, record_count integer,
                                     since timestamptz, until timestamptz,
                                     confidence numeric, importance integer,
                                     generated_by text, dedupe_key text)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_id text;
BEGIN
    IF customer_id IS NULL OR customer_id = '' THEN
        RAISE EXCEPTION 'customer_id must not be empty'
            USING ERRCODE = '22023', HINT = 'Pass the customer the insight is about, e.g. C001.';
    END IF;
    IF insight_type IS NULL OR insight_type NOT IN ('relationship', 'opportunity', 'suggestion', 'risk', 'summary', 'trend') THEN
        RAISE EXCEPTION 'insight_type "%" is not one of relationship, opportunity, suggestion, risk, summary, trend', insight_type
            USING ERRCODE = '22023', HINT = 'Use the seed''s insight types.';
    END IF;
    INSERT INTO commhub.communication_insights AS i
           (insight_id, customer_id, insight_type, insight_title, insight_content, insight_data,
            related_records, record_count, time_range, confidence, importance_score, generated_by,
            tenant_id, dedupe_key, status, created_at, updated_at)
    VALUES ('INS-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
                   || left(replace(gen_random_uuid()::text, '-', ''), 12),
            save_insight.customer_id, save_insight.insight_type, left(title, 256), content, data,
            coalesce(save_insight.related_records, '[]'), save_insight.record_count,
            jsonb_build_object('since', since, 'until', until),
            round(greatest(0, least(1, save_insight.confidence)), 2),
            greatest(1, least(10, importance)), left(save_insight.generated_by, 64),
            commhub.current_tenant(), left(save_insight.dedupe_key, 128), 'new', now(), now())
    ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET
        insight_type = EXCLUDED.insight_type,
        insight_title = EXCLUDED.insight_title,
        insight_content = EXCLUDED.insight_content,
        insight_data = EXCLUDED.insight_data,
        related_records = EXCLUDED.related_records,
        record_count = EXCLUDED.record_count,
        time_range = EXCLUDED.time_range,
        confidence = EXCLUDED.confidence,
        importance_score = EXCLUDED.importance_score,
        generated_by = EXCLUDED.generated_by,
        status = CASE WHEN EXCLUDED.importance_score > i.importance_score THEN 'new' ELSE i.status END,
        updated_at = now()
     WHERE i.insight_title IS DISTINCT FROM EXCLUDED.insight_title
        OR i.insight_content IS DISTINCT FROM EXCLUDED.insight_content
        OR i.insight_data IS DISTINCT FROM EXCLUDED.insight_data
        OR i.related_records IS DISTINCT FROM EXCLUDED.related_records
        OR i.importance_score IS DISTINCT FROM EXCLUDED.importance_score
    RETURNING i.insight_id INTO v_id;
    IF v_id IS NULL THEN            -- unchanged: the row was left alone
        SELECT i.insight_id INTO v_id FROM commhub.communication_insights i
         WHERE i.tenant_id = commhub.current_tenant() AND i.dedupe_key = left(save_insight.dedupe_key, 128);
    END IF;
    RETURN v_id;
END
$$;
