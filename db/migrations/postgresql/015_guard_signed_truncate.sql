-- PostgreSQL variant of ../015_guard_signed_truncate.sql (db/migrate.py): row triggers (migrations
-- 003, 011, 014) do not fire on TRUNCATE, which emptied decision, plan_item and plan_item_text of
-- signed decisions where DuckDB refuses it. A statement trigger refuses TRUNCATE of a table that
-- holds a row of a signed decision, as DuckDB's DELETE guards do.
CREATE FUNCTION signed_truncate_refused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_TABLE_NAME = 'decision' AND EXISTS (SELECT 1 FROM decision WHERE status = 'signed'))
        OR (TG_TABLE_NAME = 'plan_item' AND EXISTS (
            SELECT 1 FROM plan_item p JOIN decision d ON d.decision_id = p.decision_id WHERE d.status = 'signed'))
        OR (TG_TABLE_NAME = 'plan_item_text' AND EXISTS (
            SELECT 1 FROM plan_item_text t JOIN plan_item p ON p.plan_item_id = t.plan_item_id
            JOIN decision d ON d.decision_id = p.decision_id WHERE d.status = 'signed'))
        OR (TG_TABLE_NAME = 'emergency_decision' AND EXISTS (
            SELECT 1 FROM emergency_decision e JOIN decision d ON d.decision_id = e.decision_id WHERE d.status = 'signed'))
    THEN
        RAISE EXCEPTION 'a signed decision is immutable: amend it instead';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER decision_signed_no_truncate BEFORE TRUNCATE ON decision FOR EACH STATEMENT
    EXECUTE FUNCTION signed_truncate_refused();
CREATE TRIGGER plan_item_signed_no_truncate BEFORE TRUNCATE ON plan_item FOR EACH STATEMENT
    EXECUTE FUNCTION signed_truncate_refused();
CREATE TRIGGER plan_item_text_signed_no_truncate BEFORE TRUNCATE ON plan_item_text FOR EACH STATEMENT
    EXECUTE FUNCTION signed_truncate_refused();
CREATE TRIGGER emergency_decision_signed_no_truncate BEFORE TRUNCATE ON emergency_decision FOR EACH STATEMENT
    EXECUTE FUNCTION signed_truncate_refused();
