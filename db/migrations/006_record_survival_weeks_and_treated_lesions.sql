-- Expected survival is recorded in weeks (clinical safety rule 7: cut-offs 4, 13 and 26 weeks);
-- whole months turned 5 weeks into "1 month". Existing values convert at 52/12 weeks a month.
-- DuckDB alters a table only without indexes on it: drop the case index, alter, recreate it.
DROP INDEX idx_case_patient;
-- (DuckDB cannot add a column with a CHECK; the model bounds it to 0..1040 weeks.)
ALTER TABLE mdt_case ADD COLUMN expected_survival_weeks INTEGER;
UPDATE mdt_case SET expected_survival_weeks = CAST(round(expected_survival_months * 52.0 / 12.0) AS INTEGER)
    WHERE expected_survival_months IS NOT NULL;
ALTER TABLE mdt_case DROP COLUMN expected_survival_months;
CREATE INDEX idx_case_patient ON mdt_case(patient_id);
UPDATE policy SET key = 'rt_single_fraction_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'rt_single_fraction_survival_months';
UPDATE policy SET key = 'sbrt_min_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'sbrt_min_survival_months';
UPDATE policy SET key = 'mscc_decompression_min_survival_weeks', value = CAST(CAST(round(CAST(value AS DOUBLE) * 52.0 / 12.0) AS INTEGER) AS VARCHAR)
    WHERE key = 'mscc_decompression_min_survival_months';
UPDATE policy SET description = '8 Gy x 1 when expected survival is below this (weeks; 13 weeks = 3 months)'
    WHERE key = 'rt_single_fraction_survival_weeks';
UPDATE policy SET description = 'SBRT only with expected survival at or above this (weeks; 26 weeks = 6 months)'
    WHERE key = 'sbrt_min_survival_weeks';
UPDATE policy SET description = 'MSCC decompression: expected survival at least this (weeks; Patchell, 13 weeks = 3 months)'
    WHERE key = 'mscc_decompression_min_survival_weeks';

-- Surgery and radiotherapy name the lesions they treated, and surgery what it did (safety rule 3:
-- only a bone or spine operation linked to a lesion counts as fixation or decompression).
DROP INDEX idx_treatment_patient;
ALTER TABLE treatment ADD COLUMN lesion_ids BIGINT[];
ALTER TABLE treatment ADD COLUMN procedure VARCHAR;
UPDATE treatment SET lesion_ids = CASE WHEN lesion_id IS NULL THEN [] ELSE [lesion_id] END;
CREATE INDEX idx_treatment_patient ON treatment(patient_id);
