-- PostgreSQL variant of ../011_record_meeting_decisions.sql (db/migrate.py): the same tables,
-- PostgreSQL's empty-array literal, and the emergency mark frozen with its signed decision by
-- row triggers (signed_child_frozen, migration 003).
CREATE TABLE meeting_start (
    meeting_id BIGINT PRIMARY KEY,
    started_by BIGINT NOT NULL,
    started_on DATE NOT NULL,
    early BOOLEAN NOT NULL,
    missing_core VARCHAR[] NOT NULL DEFAULT '{}',
    reason VARCHAR NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    CHECK ((NOT early AND cardinality(missing_core) = 0) OR length(trim(reason)) > 0)
);

CREATE TABLE agenda_deferral (
    item_id BIGINT PRIMARY KEY,
    reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0 AND length(reason) <= 4000),
    deferred_by BIGINT NOT NULL,
    deferred_at TIMESTAMP NOT NULL
);

CREATE TABLE emergency_decision (
    decision_id BIGINT PRIMARY KEY,
    marked_by BIGINT NOT NULL,
    marked_at TIMESTAMP NOT NULL
);
CREATE TRIGGER emergency_decision_signed_no_delete AFTER DELETE ON emergency_decision FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
CREATE TRIGGER emergency_decision_signed_no_update AFTER UPDATE ON emergency_decision FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
CREATE TRIGGER emergency_decision_signed_no_insert AFTER INSERT ON emergency_decision FOR EACH ROW
    EXECUTE FUNCTION signed_child_frozen();
