-- Meeting day for real (issue 11). The meeting and decision tables are referenced (foreign keys,
-- guard triggers), so DuckDB cannot add columns to them: what the meeting workflow now records
-- lives in three small tables keyed by the row it describes.

-- How the chair started a meeting: on its day or early, the core specialties missing from the
-- recorded attendance then, and the typed reason required when it was early or without core
-- quorum (also in the audit row; shown in the minutes).
CREATE TABLE meeting_start (
    meeting_id BIGINT PRIMARY KEY,
    started_by BIGINT NOT NULL,
    started_on DATE NOT NULL,
    early BOOLEAN NOT NULL,
    missing_core VARCHAR[] NOT NULL DEFAULT [],
    reason VARCHAR NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    CHECK ((NOT early AND len(missing_core) = 0) OR length(trim(reason)) > 0)
);

-- Why an agenda item was deferred (the chair's or coordinator's typed reason).
CREATE TABLE agenda_deferral (
    item_id BIGINT PRIMARY KEY,
    reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0 AND length(reason) <= 4000),
    deferred_by BIGINT NOT NULL,
    deferred_at TIMESTAMP NOT NULL
);

-- A decision taken outside a meeting as an emergency (no agenda item). The mark is part of the
-- signed content (core/signing.py): removing it breaks the signature; once signed it is frozen.
CREATE TABLE emergency_decision (
    decision_id BIGINT PRIMARY KEY,
    marked_by BIGINT NOT NULL,
    marked_at TIMESTAMP NOT NULL
);
CREATE TRIGGER emergency_decision_signed_no_delete AFTER DELETE ON emergency_decision REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN decision d ON d.decision_id = o.decision_id WHERE d.status = 'signed';
CREATE TRIGGER emergency_decision_signed_no_update AFTER UPDATE ON emergency_decision REFERENCING OLD TABLE AS o
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM o JOIN decision d ON d.decision_id = o.decision_id WHERE d.status = 'signed';
CREATE TRIGGER emergency_decision_signed_no_insert AFTER INSERT ON emergency_decision REFERENCING NEW TABLE AS n
    FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('a signed decision is immutable: amend it instead')
    FROM n JOIN decision d ON d.decision_id = n.decision_id WHERE d.status = 'signed';
