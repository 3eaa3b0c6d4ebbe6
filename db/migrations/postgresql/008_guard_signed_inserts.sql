-- PostgreSQL variant of ../008_guard_signed_inserts.sql (db/migrate.py): a decision is born a
-- draft and becomes signed only through the signing UPDATE; the store refuses a row inserted
-- already signed (a forged signature) and any plan item added to a signed decision.
CREATE FUNCTION decision_no_signed_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'draft' OR NEW.signed_by IS NOT NULL OR NEW.content_hash IS NOT NULL THEN
        RAISE EXCEPTION 'a decision is signed only through signing, never inserted signed';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER decision_no_signed_insert AFTER INSERT ON decision FOR EACH ROW
    EXECUTE FUNCTION decision_no_signed_insert();
CREATE TRIGGER plan_item_signed_no_insert AFTER INSERT ON plan_item FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
