-- PostgreSQL variant of ../003_protect_signed_decisions.sql (db/migrate.py): a signed decision is
-- never edited, by any code path (SECURITY.md, Requirements 2; 21 CFR 11). Amendments are new
-- decision rows naming their predecessor. Plan items of a signed decision are frozen with it.
CREATE FUNCTION decision_signed_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed decision is immutable: amend it instead';
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION signed_child_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_decision BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_decision := NEW.decision_id;
    ELSE
        row_decision := OLD.decision_id;
    END IF;
    IF EXISTS (SELECT 1 FROM decision d WHERE d.decision_id = row_decision AND d.status = 'signed') THEN
        RAISE EXCEPTION 'a signed decision is immutable: amend it instead';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER decision_signed_no_update AFTER UPDATE ON decision FOR EACH ROW
    EXECUTE FUNCTION decision_signed_frozen();
CREATE TRIGGER decision_signed_no_delete AFTER DELETE ON decision FOR EACH ROW
    EXECUTE FUNCTION decision_signed_frozen();
CREATE TRIGGER plan_item_signed_no_update AFTER UPDATE ON plan_item FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
CREATE TRIGGER plan_item_signed_no_delete AFTER DELETE ON plan_item FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
