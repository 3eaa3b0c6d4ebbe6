-- A signed decision is never edited, by any code path (SECURITY.md, Requirements 2; 21 CFR 11).
-- Amendments are new decision rows naming their predecessor. Plan items of a signed decision are
-- frozen with it.
CREATE TRIGGER decision_signed_no_update AFTER UPDATE ON decision REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o WHERE o.status = 'signed';
CREATE TRIGGER decision_signed_no_delete AFTER DELETE ON decision REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o WHERE o.status = 'signed';
CREATE TRIGGER plan_item_signed_no_update AFTER UPDATE ON plan_item REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN decision d ON d.decision_id = o.decision_id WHERE d.status = 'signed';
CREATE TRIGGER plan_item_signed_no_delete AFTER DELETE ON plan_item REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN decision d ON d.decision_id = o.decision_id WHERE d.status = 'signed';
