-- PostgreSQL variant of ../014_store_plan_item_texts.sql (db/migrate.py): a plan item's text in
-- both languages, frozen with a signed decision like its plan items (row triggers in plpgsql
-- instead of DuckDB's statement triggers over transition tables).
CREATE TABLE plan_item_text (
    plan_item_id BIGINT PRIMARY KEY,
    text_en VARCHAR NOT NULL CHECK (length(text_en) BETWEEN 1 AND 4000),
    text_zh VARCHAR NOT NULL CHECK (length(text_zh) BETWEEN 1 AND 4000)
);
CREATE FUNCTION plan_item_text_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_item BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_item := NEW.plan_item_id;
    ELSE
        row_item := OLD.plan_item_id;
    END IF;
    IF EXISTS (
        SELECT 1 FROM plan_item p JOIN decision d ON d.decision_id = p.decision_id
        WHERE p.plan_item_id = row_item AND d.status = 'signed'
    ) THEN
        RAISE EXCEPTION 'a signed decision is immutable: amend it instead';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER plan_item_text_signed_no_insert AFTER INSERT ON plan_item_text FOR EACH ROW
    EXECUTE FUNCTION plan_item_text_frozen();
CREATE TRIGGER plan_item_text_signed_no_update AFTER UPDATE ON plan_item_text FOR EACH ROW
    EXECUTE FUNCTION plan_item_text_frozen();
CREATE TRIGGER plan_item_text_signed_no_delete AFTER DELETE ON plan_item_text FOR EACH ROW
    EXECUTE FUNCTION plan_item_text_frozen();
