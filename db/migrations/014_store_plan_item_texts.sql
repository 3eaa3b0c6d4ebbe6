-- A plan item's text in both languages when the app knows both (issue 11, "one catalogue"): a
-- rule suggestion taken as suggested stores the rule's own English and Chinese text, and the demo's
-- records carry both, so the minutes and the referrer letter render the item in the reader's
-- language. ``plan_item.text`` stays the text as recorded (and signed); a text the team typed or
-- edited has no row here and is shown as typed. A new table rather than columns: plan_item is
-- FK-referenced, which DuckDB restricts (TECH_NOTES.md). Frozen with a signed decision, like its
-- plan items (migrations 003 and 008).
CREATE TABLE plan_item_text (
    plan_item_id BIGINT PRIMARY KEY,
    text_en VARCHAR NOT NULL CHECK (length(text_en) BETWEEN 1 AND 4000),
    text_zh VARCHAR NOT NULL CHECK (length(text_zh) BETWEEN 1 AND 4000)
);
CREATE TRIGGER plan_item_text_signed_no_insert AFTER INSERT ON plan_item_text REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM n JOIN plan_item p ON p.plan_item_id = n.plan_item_id JOIN decision d ON d.decision_id = p.decision_id
    WHERE d.status = 'signed';
CREATE TRIGGER plan_item_text_signed_no_update AFTER UPDATE ON plan_item_text REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN plan_item p ON p.plan_item_id = o.plan_item_id JOIN decision d ON d.decision_id = p.decision_id
    WHERE d.status = 'signed';
CREATE TRIGGER plan_item_text_signed_no_delete AFTER DELETE ON plan_item_text REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN plan_item p ON p.plan_item_id = o.plan_item_id JOIN decision d ON d.decision_id = p.decision_id
    WHERE d.status = 'signed';
