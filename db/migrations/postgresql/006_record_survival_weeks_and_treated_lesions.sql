-- PostgreSQL variant of ../006_record_survival_weeks_and_treated_lesions.sql (db/migrate.py):
-- the same change, without DuckDB's index rebuild and with PostgreSQL's array literals.
ALTER TABLE mdt_case ADD COLUMN expected_survival_weeks INTEGER;
UPDATE mdt_case SET expected_survival_weeks = CAST(round(expected_survival_months * 52.0 / 12.0) AS INTEGER)
    WHERE expected_survival_months IS NOT NULL;
ALTER TABLE mdt_case DROP COLUMN expected_survival_months;
UPDATE policy SET key = 'rt_single_fraction_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE PRECISION) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'rt_single_fraction_survival_months';
UPDATE policy SET key = 'sbrt_min_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE PRECISION) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'sbrt_min_survival_months';
UPDATE policy SET key = 'mscc_decompression_min_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE PRECISION) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'mscc_decompression_min_survival_months';
UPDATE policy SET description = '8 Gy x 1 when expected survival is below this (weeks; 13 weeks = 3 months)'
    WHERE key = 'rt_single_fraction_survival_weeks';
UPDATE policy SET description = 'SBRT only with expected survival at or above this (weeks; 26 weeks = 6 months)'
    WHERE key = 'sbrt_min_survival_weeks';
UPDATE policy SET description = 'MSCC decompression: expected survival at least this (weeks; Patchell, 13 weeks = 3 months)'
    WHERE key = 'mscc_decompression_min_survival_weeks';

ALTER TABLE treatment ADD COLUMN lesion_ids BIGINT[];
ALTER TABLE treatment ADD COLUMN procedure VARCHAR;
UPDATE treatment SET lesion_ids = CASE WHEN lesion_id IS NULL THEN ARRAY[]::BIGINT[] ELSE ARRAY[lesion_id] END;
