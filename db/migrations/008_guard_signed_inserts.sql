-- A decision is born a draft and becomes signed only through the signing UPDATE (db/decisions.py
-- sign), which records signer, time, meaning and content hash. The store refuses a row inserted
-- already signed (a forged signature) and any plan item added to a signed decision, whatever
-- code path issues them (issue 12, finding 5). Restore drops and re-creates these triggers
-- around loading a verified backup (db/backup.py).
CREATE TRIGGER decision_no_signed_insert AFTER INSERT ON decision REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a decision is signed only through signing, never inserted signed')
    FROM n WHERE n.status <> 'draft' OR n.signed_by IS NOT NULL OR n.content_hash IS NOT NULL;
CREATE TRIGGER plan_item_signed_no_insert AFTER INSERT ON plan_item REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM n JOIN decision d ON d.decision_id = n.decision_id WHERE d.status = 'signed';
