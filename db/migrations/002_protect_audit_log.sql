-- The audit trail is append-only (SECURITY.md, Requirements 1): the store itself refuses UPDATE
-- and DELETE on audit_log with statement triggers, whatever code path issues them.
CREATE TABLE audit_guard (msg VARCHAR);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('audit_log is append-only: UPDATE refused');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH STATEMENT
    INSERT INTO audit_guard SELECT error('audit_log is append-only: DELETE refused');
