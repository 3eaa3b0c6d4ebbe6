-- PostgreSQL variant of ../002_protect_audit_log.sql (db/migrate.py): the audit trail is
-- append-only (SECURITY.md, Requirements 1); the store refuses UPDATE, DELETE and TRUNCATE on
-- audit_log with statement triggers, whatever code path issues them.
CREATE TABLE audit_guard (msg VARCHAR);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH STATEMENT
    EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH STATEMENT
    EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT
    EXECUTE FUNCTION audit_log_append_only();
