-- PostgreSQL variant of ../007_date_clinical_facts.sql (db/migrate.py): cardinality() for DuckDB's
-- len() and an alias on the derived table; otherwise the same statements.
-- Every clinical observation is dated (clinical safety rule 2). The undated clinical values of
-- mdt_case (ECOG, KPS, Frankel, neurology, pain, expected survival, fitness, weight, ...: the Case
-- fields of core.assessments.ASSESSED_FIELDS) become rows of `assessment`: one value of one field,
-- the date it describes, who recorded it and when. A correction is a new row naming the one it
-- supersedes (with a reason); a retraction is a new row with retracted = TRUE. Nothing is overwritten.
CREATE SEQUENCE seq_assessment START 1;
CREATE TABLE assessment (
    assessment_id BIGINT PRIMARY KEY DEFAULT nextval('seq_assessment'),
    case_id BIGINT NOT NULL,
    field VARCHAR NOT NULL CHECK (length(field) BETWEEN 1 AND 60),
    value VARCHAR CHECK (value IS NULL OR length(value) <= 4000),
    observed_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by_user_id BIGINT,
    recorded_by VARCHAR NOT NULL CHECK (length(recorded_by) BETWEEN 1 AND 200),
    supersedes BIGINT UNIQUE,
    retracted BOOLEAN NOT NULL DEFAULT FALSE,
    reason VARCHAR NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    CHECK (supersedes IS NULL OR length(trim(reason)) > 0),
    CHECK (retracted OR value IS NOT NULL)
);
CREATE INDEX idx_assessment_case ON assessment(case_id, field);

-- Existing values (only those set: not NULL, not FALSE, not empty), dated at the case's referral
-- and recorded when the case was, by 'migration'.
INSERT INTO assessment (case_id, field, value, observed_on, recorded_at, recorded_by)
SELECT case_id, field, value, referral_date, coalesce(created_at, current_timestamp), 'migration' FROM (
    SELECT c.case_id, 'ecog' AS field, CAST(to_json(c.ecog) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.ecog IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'kps' AS field, CAST(to_json(c.kps) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.kps IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'frankel' AS field, CAST(to_json(c.frankel) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.frankel IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'frankel_new' AS field, CAST(to_json(c.frankel_new) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.frankel_new IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'neuro_assessed' AS field, CAST(to_json(c.neuro_assessed) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.neuro_assessed
    UNION ALL
    SELECT c.case_id, 'neuro_signs' AS field, CAST(to_json(c.neuro_signs) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE cardinality(c.neuro_signs) > 0
    UNION ALL
    SELECT c.case_id, 'paraplegia_over_48h' AS field, CAST(to_json(c.paraplegia_over_48h) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.paraplegia_over_48h IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'spinal_pain_signs' AS field, CAST(to_json(c.spinal_pain_signs) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE cardinality(c.spinal_pain_signs) > 0
    UNION ALL
    SELECT c.case_id, 'nrs' AS field, CAST(to_json(c.nrs) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.nrs IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'pain_character' AS field, CAST(to_json(c.pain_character) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.pain_character IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'on_step3_opioid' AS field, CAST(to_json(c.on_step3_opioid) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.on_step3_opioid
    UNION ALL
    SELECT c.case_id, 'expected_survival_weeks' AS field, CAST(to_json(c.expected_survival_weeks) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.expected_survival_weeks IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'fit_for_surgery' AS field, CAST(to_json(c.fit_for_surgery) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.fit_for_surgery IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'weight_kg' AS field, CAST(to_json(trim_scale(c.weight_kg)) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.weight_kg IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'height_cm' AS field, CAST(to_json(c.height_cm) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.height_cm IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'fever' AS field, CAST(to_json(c.fever) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.fever
    UNION ALL
    SELECT c.case_id, 'calcium_symptoms' AS field, CAST(to_json(c.calcium_symptoms) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE cardinality(c.calcium_symptoms) > 0
    UNION ALL
    SELECT c.case_id, 'visceral_mets' AS field, CAST(to_json(c.visceral_mets) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.visceral_mets IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'visceral_treatable' AS field, CAST(to_json(c.visceral_treatable) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.visceral_treatable IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'visceral_removable' AS field, CAST(to_json(c.visceral_removable) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.visceral_removable IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'primary_controlled' AS field, CAST(to_json(c.primary_controlled) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.primary_controlled IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'coagulopathy' AS field, CAST(to_json(c.coagulopathy) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.coagulopathy
    UNION ALL
    SELECT c.case_id, 'infection' AS field, CAST(to_json(c.infection) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.infection
    UNION ALL
    SELECT c.case_id, 'active_bleeding' AS field, CAST(to_json(c.active_bleeding) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.active_bleeding
    UNION ALL
    SELECT c.case_id, 'jaw_or_thigh_symptoms' AS field, CAST(to_json(c.jaw_or_thigh_symptoms) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.jaw_or_thigh_symptoms
    UNION ALL
    SELECT c.case_id, 'dental_clearance' AS field, CAST(to_json(c.dental_clearance) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.dental_clearance IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'surgery_planned' AS field, CAST(to_json(c.surgery_planned) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.surgery_planned IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'lymph_node_max_cm' AS field, CAST(to_json(c.lymph_node_max_cm) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.lymph_node_max_cm IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'prior_chemotherapy' AS field, CAST(to_json(c.prior_chemotherapy) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.prior_chemotherapy IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'prior_mcrpc_lines' AS field, CAST(to_json(c.prior_mcrpc_lines) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.prior_mcrpc_lines IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'ineligible_for_other_treatment' AS field, CAST(to_json(c.ineligible_for_other_treatment) AS VARCHAR) AS value, c.referral_date, c.created_at FROM mdt_case c WHERE c.ineligible_for_other_treatment IS NOT NULL
) AS old_values ORDER BY case_id, field;

-- The undated columns go: the case header keeps the referral, the assessments keep the clinical state.
DROP INDEX idx_case_patient;
ALTER TABLE mdt_case DROP COLUMN ecog;
ALTER TABLE mdt_case DROP COLUMN kps;
ALTER TABLE mdt_case DROP COLUMN frankel;
ALTER TABLE mdt_case DROP COLUMN frankel_new;
ALTER TABLE mdt_case DROP COLUMN neuro_assessed;
ALTER TABLE mdt_case DROP COLUMN neuro_signs;
ALTER TABLE mdt_case DROP COLUMN paraplegia_over_48h;
ALTER TABLE mdt_case DROP COLUMN spinal_pain_signs;
ALTER TABLE mdt_case DROP COLUMN nrs;
ALTER TABLE mdt_case DROP COLUMN pain_character;
ALTER TABLE mdt_case DROP COLUMN on_step3_opioid;
ALTER TABLE mdt_case DROP COLUMN expected_survival_weeks;
ALTER TABLE mdt_case DROP COLUMN fit_for_surgery;
ALTER TABLE mdt_case DROP COLUMN weight_kg;
ALTER TABLE mdt_case DROP COLUMN height_cm;
ALTER TABLE mdt_case DROP COLUMN fever;
ALTER TABLE mdt_case DROP COLUMN calcium_symptoms;
ALTER TABLE mdt_case DROP COLUMN visceral_mets;
ALTER TABLE mdt_case DROP COLUMN visceral_treatable;
ALTER TABLE mdt_case DROP COLUMN visceral_removable;
ALTER TABLE mdt_case DROP COLUMN primary_controlled;
ALTER TABLE mdt_case DROP COLUMN coagulopathy;
ALTER TABLE mdt_case DROP COLUMN infection;
ALTER TABLE mdt_case DROP COLUMN active_bleeding;
ALTER TABLE mdt_case DROP COLUMN jaw_or_thigh_symptoms;
ALTER TABLE mdt_case DROP COLUMN dental_clearance;
ALTER TABLE mdt_case DROP COLUMN surgery_planned;
ALTER TABLE mdt_case DROP COLUMN lymph_node_max_cm;
ALTER TABLE mdt_case DROP COLUMN prior_chemotherapy;
ALTER TABLE mdt_case DROP COLUMN prior_mcrpc_lines;
ALTER TABLE mdt_case DROP COLUMN ineligible_for_other_treatment;
CREATE INDEX idx_case_patient ON mdt_case(patient_id);

-- Clinical facts are versioned the same way. A fact keeps one identity, `root_id` (NULL on the first
-- version: the row's own id), which links (imaging -> lesion, treatment -> lesions, event -> lesion)
-- name. A correction is a new row with the same root naming the row it `supersedes`; the previous
-- row stays, marked `superseded_by`/`superseded_at`. A retraction marks the row retracted with its
-- time and reason. `row_version` counts versions of the fact (optimistic concurrency).
-- DuckDB alters a table only without indexes on it: drop them, alter, recreate them.
DROP INDEX idx_lesion_patient;
-- The surgeon's stability call is dated and signed.
ALTER TABLE lesion ADD COLUMN surgeon_stability_on DATE;
ALTER TABLE lesion ADD COLUMN surgeon_stability_by VARCHAR DEFAULT '';
ALTER TABLE lesion ADD COLUMN root_id BIGINT;
ALTER TABLE lesion ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE lesion ADD COLUMN recorded_by_user_id BIGINT;
ALTER TABLE lesion ADD COLUMN recorded_by VARCHAR;
ALTER TABLE lesion ADD COLUMN supersedes BIGINT;
ALTER TABLE lesion ADD COLUMN superseded_by BIGINT;
ALTER TABLE lesion ADD COLUMN superseded_at TIMESTAMP;
ALTER TABLE lesion ADD COLUMN retracted BOOLEAN DEFAULT FALSE;
ALTER TABLE lesion ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE lesion ADD COLUMN reason VARCHAR DEFAULT '';
UPDATE lesion SET recorded_by = 'migration', retracted = FALSE, reason = '', surgeon_stability_by = '' WHERE recorded_by IS NULL;
CREATE INDEX idx_lesion_patient ON lesion(patient_id);
DROP INDEX idx_study_patient;
ALTER TABLE imaging_study ADD COLUMN root_id BIGINT;
ALTER TABLE imaging_study ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE imaging_study ADD COLUMN recorded_by_user_id BIGINT;
ALTER TABLE imaging_study ADD COLUMN recorded_by VARCHAR;
ALTER TABLE imaging_study ADD COLUMN supersedes BIGINT;
ALTER TABLE imaging_study ADD COLUMN superseded_by BIGINT;
ALTER TABLE imaging_study ADD COLUMN superseded_at TIMESTAMP;
ALTER TABLE imaging_study ADD COLUMN retracted BOOLEAN DEFAULT FALSE;
ALTER TABLE imaging_study ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE imaging_study ADD COLUMN reason VARCHAR DEFAULT '';
ALTER TABLE imaging_study ADD COLUMN row_version INTEGER DEFAULT 1;
UPDATE imaging_study SET recorded_by = 'migration', retracted = FALSE, reason = '' WHERE recorded_by IS NULL;
UPDATE imaging_study SET row_version = 1 WHERE row_version IS NULL;
CREATE INDEX idx_study_patient ON imaging_study(patient_id);
DROP INDEX idx_lab_patient;
DROP INDEX idx_lab_patient_only;
ALTER TABLE lab_result ADD COLUMN root_id BIGINT;
ALTER TABLE lab_result ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE lab_result ADD COLUMN recorded_by_user_id BIGINT;
ALTER TABLE lab_result ADD COLUMN recorded_by VARCHAR;
ALTER TABLE lab_result ADD COLUMN supersedes BIGINT;
ALTER TABLE lab_result ADD COLUMN superseded_by BIGINT;
ALTER TABLE lab_result ADD COLUMN superseded_at TIMESTAMP;
ALTER TABLE lab_result ADD COLUMN retracted BOOLEAN DEFAULT FALSE;
ALTER TABLE lab_result ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE lab_result ADD COLUMN reason VARCHAR DEFAULT '';
ALTER TABLE lab_result ADD COLUMN row_version INTEGER DEFAULT 1;
UPDATE lab_result SET recorded_by = 'migration', retracted = FALSE, reason = '' WHERE recorded_by IS NULL;
UPDATE lab_result SET row_version = 1 WHERE row_version IS NULL;
CREATE INDEX idx_lab_patient ON lab_result(patient_id, analyte, taken_on);
CREATE INDEX idx_lab_patient_only ON lab_result(patient_id);
DROP INDEX idx_treatment_patient;
ALTER TABLE treatment ADD COLUMN root_id BIGINT;
ALTER TABLE treatment ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE treatment ADD COLUMN recorded_by_user_id BIGINT;
ALTER TABLE treatment ADD COLUMN recorded_by VARCHAR;
ALTER TABLE treatment ADD COLUMN supersedes BIGINT;
ALTER TABLE treatment ADD COLUMN superseded_by BIGINT;
ALTER TABLE treatment ADD COLUMN superseded_at TIMESTAMP;
ALTER TABLE treatment ADD COLUMN retracted BOOLEAN DEFAULT FALSE;
ALTER TABLE treatment ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE treatment ADD COLUMN reason VARCHAR DEFAULT '';
ALTER TABLE treatment ADD COLUMN row_version INTEGER DEFAULT 1;
UPDATE treatment SET recorded_by = 'migration', retracted = FALSE, reason = '' WHERE recorded_by IS NULL;
UPDATE treatment SET row_version = 1 WHERE row_version IS NULL;
CREATE INDEX idx_treatment_patient ON treatment(patient_id);
DROP INDEX idx_event_patient;
ALTER TABLE clinical_event ADD COLUMN root_id BIGINT;
ALTER TABLE clinical_event ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE clinical_event ADD COLUMN recorded_by_user_id BIGINT;
ALTER TABLE clinical_event ADD COLUMN recorded_by VARCHAR;
ALTER TABLE clinical_event ADD COLUMN supersedes BIGINT;
ALTER TABLE clinical_event ADD COLUMN superseded_by BIGINT;
ALTER TABLE clinical_event ADD COLUMN superseded_at TIMESTAMP;
ALTER TABLE clinical_event ADD COLUMN retracted BOOLEAN DEFAULT FALSE;
ALTER TABLE clinical_event ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE clinical_event ADD COLUMN reason VARCHAR DEFAULT '';
ALTER TABLE clinical_event ADD COLUMN row_version INTEGER DEFAULT 1;
UPDATE clinical_event SET recorded_by = 'migration', retracted = FALSE, reason = '' WHERE recorded_by IS NULL;
UPDATE clinical_event SET row_version = 1 WHERE row_version IS NULL;
CREATE INDEX idx_event_patient ON clinical_event(patient_id);
