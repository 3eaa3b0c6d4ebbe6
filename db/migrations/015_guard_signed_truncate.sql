-- TRUNCATE must not empty what a signed decision is made of (SECURITY.md, Requirements 2).
-- DuckDB runs TRUNCATE as a DELETE of every row, which the statement triggers of migrations 003,
-- 011 and 014 already refuse for the rows of a signed decision; nothing to add here. PostgreSQL's
-- row triggers do not fire on TRUNCATE: postgresql/015_guard_signed_truncate.sql adds its guards.
SELECT 1;
