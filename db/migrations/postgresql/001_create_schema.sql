-- PostgreSQL variant of ../001_create_schema.sql (db/migrate.py): the same tables, with PostgreSQL's
-- empty-array literal.
-- BoneMDT store: every table of DESIGN.md's data model.
-- Vocabularies are VARCHAR + CHECK (not ENUM: DuckDB cannot ALTER TYPE to add values), mirroring
-- core/models.py. Foreign keys only where the referenced table is not expected to evolve and its
-- keys are never updated (DuckDB refuses updates of a referenced UNIQUE key): patient and
-- mdt_case are referenced by id without a declared FK so that an MRN can still be corrected.

CREATE SEQUENCE seq_user START 1;
CREATE SEQUENCE seq_patient START 1;
CREATE SEQUENCE seq_case START 1;
CREATE SEQUENCE seq_lesion START 1;
CREATE SEQUENCE seq_study START 1;
CREATE SEQUENCE seq_lab START 1;
CREATE SEQUENCE seq_treatment START 1;
CREATE SEQUENCE seq_event START 1;
CREATE SEQUENCE seq_snapshot START 1;
CREATE SEQUENCE seq_meeting START 1;
CREATE SEQUENCE seq_item START 1;
CREATE SEQUENCE seq_opinion START 1;
CREATE SEQUENCE seq_decision START 1;
CREATE SEQUENCE seq_plan_item START 1;
CREATE SEQUENCE seq_action START 1;
CREATE SEQUENCE seq_delivery START 1;
CREATE SEQUENCE seq_follow_up START 1;

CREATE TABLE app_user (
    user_id BIGINT PRIMARY KEY DEFAULT nextval('seq_user'),
    username VARCHAR NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 40),
    display_name VARCHAR NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role VARCHAR NOT NULL CHECK (role IN ('chair','member','coordinator','analyst','admin')),
    specialty VARCHAR CHECK (specialty IN ('medical_oncology','orthopaedics','spine_surgery',
        'radiotherapy','radiology','pain_medicine','rehabilitation','nursing','interventional',
        'psychology','coordination')),
    password_hash VARCHAR,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE patient (
    patient_id BIGINT PRIMARY KEY DEFAULT nextval('seq_patient'),
    mrn VARCHAR NOT NULL CHECK (length(mrn) BETWEEN 3 AND 20),
    mrn_folded VARCHAR NOT NULL UNIQUE CHECK (mrn_folded = lower(trim(mrn))),
    display_name VARCHAR NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    sex VARCHAR NOT NULL CHECK (sex IN ('male','female')),
    birth_date DATE NOT NULL CHECK (birth_date >= DATE '1900-01-01'),
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE mdt_case (
    case_id BIGINT PRIMARY KEY DEFAULT nextval('seq_case'),
    patient_id BIGINT NOT NULL,
    referral_date DATE NOT NULL,
    referrer VARCHAR NOT NULL CHECK (length(referrer) BETWEEN 1 AND 200),
    referrer_specialty VARCHAR NOT NULL CHECK (referrer_specialty IN ('medical_oncology','orthopaedics','spine_surgery','radiotherapy','radiology','pain_medicine','rehabilitation','nursing','interventional','psychology','coordination')),
    question VARCHAR NOT NULL CHECK (length(question) BETWEEN 1 AND 4000),
    stream VARCHAR NOT NULL DEFAULT 'full' CHECK (stream IN ('full','standard_of_care')),
    priority VARCHAR NOT NULL DEFAULT 'routine' CHECK (priority IN ('routine','urgent','emergency')),
    status VARCHAR NOT NULL DEFAULT 'referred'
        CHECK (status IN ('referred','ready','listed','discussed','closed')),
    primary_tumour VARCHAR NOT NULL CHECK (primary_tumour IN ('breast','prostate','lung_nsclc',
        'lung_sclc','kidney','thyroid','myeloma','lymphoma','colorectal','rectum','stomach','liver',
        'oesophagus','pancreas','bladder','uterus','ovary','melanoma','head_neck','sarcoma',
        'carcinoid','gallbladder','cervix','unknown_primary','other')),
    histology VARCHAR,
    diagnosis_date DATE,
    er VARCHAR CHECK (er IN ('positive','negative','unknown')),
    pr VARCHAR CHECK (pr IN ('positive','negative','unknown')),
    her2 VARCHAR CHECK (her2 IN ('positive','negative','unknown')),
    egfr VARCHAR CHECK (egfr IN ('positive','negative','unknown')),
    alk VARCHAR CHECK (alk IN ('positive','negative','unknown')),
    castration VARCHAR CHECK (castration IN ('sensitive','resistant')),
    postmenopausal BOOLEAN,
    ecog INTEGER CHECK (ecog BETWEEN 0 AND 5),
    kps INTEGER CHECK (kps BETWEEN 0 AND 100 AND kps % 10 = 0),
    frankel VARCHAR CHECK (frankel IN ('A','B','C','D','E')),
    frankel_new BOOLEAN,
    neuro_assessed BOOLEAN NOT NULL DEFAULT FALSE,
    neuro_signs VARCHAR[] NOT NULL DEFAULT '{}',
    spinal_pain_signs VARCHAR[] NOT NULL DEFAULT '{}',
    nrs INTEGER CHECK (nrs BETWEEN 0 AND 10),
    pain_character VARCHAR CHECK (pain_character IN ('nociceptive','neuropathic','mixed')),
    on_step3_opioid BOOLEAN NOT NULL DEFAULT FALSE,
    visceral_mets VARCHAR CHECK (visceral_mets IN ('none','nodular','disseminated')),
    visceral_treatable BOOLEAN,
    visceral_removable BOOLEAN,
    expected_survival_months INTEGER CHECK (expected_survival_months BETWEEN 0 AND 240),
    fit_for_surgery BOOLEAN,
    prior_chemotherapy BOOLEAN,
    prior_mcrpc_lines INTEGER CHECK (prior_mcrpc_lines BETWEEN 0 AND 10),
    weight_kg DECIMAL(6,2) CHECK (weight_kg BETWEEN 30 AND 250),
    height_cm DECIMAL(6,2) CHECK (height_cm BETWEEN 120 AND 230),
    fever BOOLEAN NOT NULL DEFAULT FALSE,
    coagulopathy BOOLEAN NOT NULL DEFAULT FALSE,
    infection BOOLEAN NOT NULL DEFAULT FALSE,
    paraplegia_over_48h BOOLEAN,
    primary_controlled BOOLEAN,
    surgery_planned BOOLEAN,
    lymph_node_max_cm DECIMAL(4,1) CHECK (lymph_node_max_cm BETWEEN 0 AND 30),
    ineligible_for_other_treatment BOOLEAN,
    growth_override VARCHAR CHECK (growth_override IN ('slow','moderate','rapid')),
    calcium_symptoms VARCHAR[] NOT NULL DEFAULT '{}',
    dental_clearance BOOLEAN,
    jaw_or_thigh_symptoms BOOLEAN NOT NULL DEFAULT FALSE,
    active_bleeding BOOLEAN NOT NULL DEFAULT FALSE,
    comorbidities VARCHAR NOT NULL DEFAULT '' CHECK (length(comorbidities) <= 4000),
    patient_wishes VARCHAR NOT NULL DEFAULT '' CHECK (length(patient_wishes) <= 4000),
    key_worker VARCHAR NOT NULL DEFAULT '' CHECK (length(key_worker) <= 200),
    lecture_case INTEGER CHECK (lecture_case BETWEEN 1 AND 7),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK (diagnosis_date IS NULL OR diagnosis_date <= referral_date),
    CHECK (castration IS NULL OR primary_tumour = 'prostate')
);
CREATE INDEX idx_case_patient ON mdt_case(patient_id);

CREATE TABLE lesion (
    lesion_id BIGINT PRIMARY KEY DEFAULT nextval('seq_lesion'),
    patient_id BIGINT NOT NULL,
    bone VARCHAR NOT NULL CHECK (bone IN ('spine','sacrum','pelvis','femur','humerus','tibia',
        'fibula','radius','ulna','rib','skull','scapula','sternum','clavicle')),
    level VARCHAR CHECK (level IN ('Oc','C1','C2','C3','C4','C5','C6','C7','T1','T2','T3','T4',
        'T5','T6','T7','T8','T9','T10','T11','T12','L1','L2','L3','L4','L5','S1','S2','S3','S4','S5')),
    side VARCHAR CHECK (side IN ('left','right','midline')),
    segment VARCHAR CHECK (segment IN ('proximal','shaft','distal','head_neck','peritrochanteric',
        'acetabulum','ilium','ischium_pubis','whole')),
    lesion_type VARCHAR NOT NULL CHECK (lesion_type IN ('lytic','blastic','mixed')),
    size_mm INTEGER CHECK (size_mm BETWEEN 1 AND 400),
    size_fraction VARCHAR CHECK (size_fraction IN ('lt_one_third','one_third_to_two_thirds','gt_two_thirds')),
    limb_pain VARCHAR CHECK (limb_pain IN ('mild','moderate','functional')),
    spinal_pain VARCHAR CHECK (spinal_pain IN ('mechanical','occasional_non_mechanical','pain_free')),
    alignment VARCHAR CHECK (alignment IN ('subluxation_translation','de_novo_deformity','normal')),
    collapse VARCHAR CHECK (collapse IN ('gt_50_collapse','lt_50_collapse','no_collapse_gt_50_involved','none')),
    posterolateral VARCHAR CHECK (posterolateral IN ('bilateral','unilateral','none')),
    bilsky VARCHAR CHECK (bilsky IN ('0','1a','1b','1c','2','3')),
    posterior_wall_intact BOOLEAN,
    surgeon_stability VARCHAR CHECK (surgeon_stability IN ('stable','unstable')),
    pathological_fracture BOOLEAN NOT NULL DEFAULT FALSE,
    fracture_fixed BOOLEAN NOT NULL DEFAULT FALSE,
    painful BOOLEAN NOT NULL DEFAULT FALSE,
    prior_rt_dose_gy DECIMAL(6,2) CHECK (prior_rt_dose_gy > 0 AND prior_rt_dose_gy <= 100),
    prior_rt_date DATE,
    status VARCHAR NOT NULL DEFAULT 'active'
        CHECK (status IN ('active','treated','responding','progressing')),
    detected_date DATE,
    row_version INTEGER NOT NULL DEFAULT 1,
    CHECK ((bone = 'spine') = (bone = 'spine' AND level IS NOT NULL)),
    CHECK (level IS NULL OR bone IN ('spine','sacrum')),
    CHECK (NOT fracture_fixed OR pathological_fracture)
);
CREATE INDEX idx_lesion_patient ON lesion(patient_id);

CREATE TABLE imaging_study (
    study_id BIGINT PRIMARY KEY DEFAULT nextval('seq_study'),
    patient_id BIGINT NOT NULL,
    modality VARCHAR NOT NULL CHECK (modality IN ('xr','ct','mri','bone_scan','pet_ct','psma_pet','spect_ct')),
    study_date DATE NOT NULL,
    region VARCHAR NOT NULL CHECK (length(region) BETWEEN 1 AND 200),
    findings VARCHAR NOT NULL DEFAULT '' CHECK (length(findings) <= 4000),
    impression VARCHAR NOT NULL DEFAULT '' CHECK (length(impression) <= 4000)
);
CREATE INDEX idx_study_patient ON imaging_study(patient_id);

CREATE TABLE imaging_lesion (
    study_id BIGINT NOT NULL REFERENCES imaging_study(study_id),
    lesion_id BIGINT NOT NULL,
    PRIMARY KEY (study_id, lesion_id)
);

CREATE TABLE lab_result (
    lab_id BIGINT PRIMARY KEY DEFAULT nextval('seq_lab'),
    patient_id BIGINT NOT NULL,
    analyte VARCHAR NOT NULL CHECK (analyte IN ('calcium','ionised_calcium','albumin','creatinine',
        'alp','hb','platelets','neutrophils','psa','ca15_3','cea','ca125','crp','ldh','bilirubin',
        'phosphate','magnesium')),
    value DECIMAL(12,4) NOT NULL CHECK (value >= 0),
    unit VARCHAR NOT NULL,
    taken_on DATE NOT NULL,
    CHECK (
        (analyte = 'calcium' AND unit = 'mmol/L' AND value BETWEEN 1.00 AND 5.00) OR
        (analyte = 'ionised_calcium' AND unit = 'mmol/L' AND value BETWEEN 0.50 AND 3.00) OR
        (analyte = 'albumin' AND unit = 'g/L' AND value BETWEEN 10 AND 60) OR
        (analyte = 'creatinine' AND unit = 'µmol/L' AND value BETWEEN 20 AND 1500) OR
        (analyte = 'alp' AND unit = 'U/L' AND value BETWEEN 10 AND 5000) OR
        (analyte = 'hb' AND unit = 'g/L' AND value BETWEEN 30 AND 220) OR
        (analyte = 'platelets' AND unit = '10^9/L' AND value BETWEEN 1 AND 1500) OR
        (analyte = 'neutrophils' AND unit = '10^9/L' AND value BETWEEN 0 AND 100) OR
        (analyte = 'psa' AND unit = 'µg/L' AND value BETWEEN 0 AND 10000) OR
        (analyte = 'ca15_3' AND unit = 'kU/L' AND value BETWEEN 0 AND 10000) OR
        (analyte = 'cea' AND unit = 'µg/L' AND value BETWEEN 0 AND 10000) OR
        (analyte = 'ca125' AND unit = 'kU/L' AND value BETWEEN 0 AND 20000) OR
        (analyte = 'crp' AND unit = 'mg/L' AND value BETWEEN 0 AND 500) OR
        (analyte = 'ldh' AND unit = 'U/L' AND value BETWEEN 50 AND 10000) OR
        (analyte = 'bilirubin' AND unit = 'µmol/L' AND value BETWEEN 1 AND 800) OR
        (analyte = 'phosphate' AND unit = 'mmol/L' AND value BETWEEN 0.1 AND 5.0) OR
        (analyte = 'magnesium' AND unit = 'mmol/L' AND value BETWEEN 0.1 AND 5.0)
    )
);
CREATE INDEX idx_lab_patient ON lab_result(patient_id, analyte, taken_on);

CREATE TABLE treatment (
    treatment_id BIGINT PRIMARY KEY DEFAULT nextval('seq_treatment'),
    patient_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('surgery','radiotherapy','chemotherapy','endocrine',
        'targeted','immunotherapy','bone_modifying_agent','radionuclide','analgesia',
        'vertebral_augmentation','steroid')),
    name VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    start_date DATE NOT NULL,
    end_date DATE,
    dose_text VARCHAR NOT NULL DEFAULT '' CHECK (length(dose_text) <= 200),
    dose_gy DECIMAL(6,2) CHECK (dose_gy > 0 AND dose_gy <= 100),
    fractions INTEGER CHECK (fractions BETWEEN 1 AND 40),
    lesion_id BIGINT,
    ongoing BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_treatment_patient ON treatment(patient_id);

CREATE TABLE clinical_event (
    event_id BIGINT PRIMARY KEY DEFAULT nextval('seq_event'),
    patient_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('diagnosis','pathological_fracture','cord_compression',
        'hypercalcaemia','surgery_to_bone','radiotherapy_to_bone','progression','response','death')),
    event_date DATE NOT NULL,
    lesion_id BIGINT,
    description VARCHAR NOT NULL DEFAULT '' CHECK (length(description) <= 4000)
);
CREATE INDEX idx_event_patient ON clinical_event(patient_id);

CREATE TABLE score_snapshot (
    snapshot_id BIGINT PRIMARY KEY DEFAULT nextval('seq_snapshot'),
    case_id BIGINT NOT NULL,
    lesion_id BIGINT,
    score_id VARCHAR NOT NULL,
    total DECIMAL(12,4),
    band VARCHAR NOT NULL,
    inputs_json VARCHAR NOT NULL,
    inputs_hash VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_snapshot_case ON score_snapshot(case_id, score_id, computed_at);

CREATE TABLE meeting (
    meeting_id BIGINT PRIMARY KEY DEFAULT nextval('seq_meeting'),
    meeting_date DATE NOT NULL,
    start_time VARCHAR NOT NULL DEFAULT '08:00',
    location VARCHAR NOT NULL DEFAULT '',
    status VARCHAR NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','closed')),
    chair_user_id BIGINT,
    attendance_grade INTEGER CHECK (attendance_grade BETWEEN 1 AND 4),
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE agenda_item (
    item_id BIGINT PRIMARY KEY DEFAULT nextval('seq_item'),
    meeting_id BIGINT NOT NULL REFERENCES meeting(meeting_id),
    case_id BIGINT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    urgency VARCHAR NOT NULL DEFAULT 'routine' CHECK (urgency IN ('routine','urgent','emergency')),
    stream VARCHAR NOT NULL DEFAULT 'full' CHECK (stream IN ('full','standard_of_care')),
    status VARCHAR NOT NULL DEFAULT 'listed'
        CHECK (status IN ('listed','discussed','ratified','deferred','not_discussed')),
    discussion_seconds INTEGER NOT NULL DEFAULT 0 CHECK (discussion_seconds BETWEEN 0 AND 21600),
    override_reason VARCHAR NOT NULL DEFAULT '' CHECK (length(override_reason) <= 4000),
    row_version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, case_id)
);

CREATE TABLE attendance (
    meeting_id BIGINT NOT NULL REFERENCES meeting(meeting_id),
    user_id BIGINT NOT NULL,
    specialty VARCHAR NOT NULL CHECK (specialty IN ('medical_oncology','orthopaedics','spine_surgery','radiotherapy','radiology','pain_medicine','rehabilitation','nursing','interventional','psychology','coordination')),
    present BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE specialty_opinion (
    opinion_id BIGINT PRIMARY KEY DEFAULT nextval('seq_opinion'),
    item_id BIGINT NOT NULL REFERENCES agenda_item(item_id),
    specialty VARCHAR NOT NULL CHECK (specialty IN ('medical_oncology','orthopaedics','spine_surgery','radiotherapy','radiology','pain_medicine','rehabilitation','nursing','interventional','psychology','coordination')),
    author_user_id BIGINT NOT NULL,
    text VARCHAR NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE decision (
    decision_id BIGINT PRIMARY KEY DEFAULT nextval('seq_decision'),
    case_id BIGINT NOT NULL,
    item_id BIGINT,
    version INTEGER NOT NULL CHECK (version >= 1),
    predecessor_id BIGINT,
    amendment_reason VARCHAR NOT NULL DEFAULT '' CHECK (length(amendment_reason) <= 4000),
    status VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','signed')),
    outcome VARCHAR NOT NULL CHECK (outcome IN ('decided','deferred','no_decision')),
    summary VARCHAR NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    noms_json VARCHAR NOT NULL DEFAULT '{}',
    dissent VARCHAR NOT NULL DEFAULT '' CHECK (length(dissent) <= 4000),
    contributing VARCHAR[] NOT NULL DEFAULT '{}',
    quorum_state VARCHAR NOT NULL DEFAULT 'quorate'
        CHECK (quorum_state IN ('quorate','provisional','chair_override')),
    quorum_override_reason VARCHAR NOT NULL DEFAULT '',
    decided_on DATE NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    signed_by BIGINT,
    signed_at TIMESTAMP,
    signature_meaning VARCHAR NOT NULL DEFAULT '',
    content_hash VARCHAR,
    row_version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (case_id, version),
    CHECK (version = 1 OR (predecessor_id IS NOT NULL AND length(trim(amendment_reason)) > 0)),
    CHECK (status = 'draft' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL)),
    CHECK (quorum_state <> 'chair_override' OR length(trim(quorum_override_reason)) > 0)
);
CREATE INDEX idx_decision_case ON decision(case_id);

CREATE TABLE plan_item (
    plan_item_id BIGINT PRIMARY KEY DEFAULT nextval('seq_plan_item'),
    decision_id BIGINT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    rule_id VARCHAR,
    kind VARCHAR NOT NULL CHECK (kind IN ('fixation','decompression','radiotherapy','systemic',
        'bone_modifying_agent','analgesia','rehabilitation','investigation','emergency','other')),
    text VARCHAR NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    disposition VARCHAR NOT NULL CHECK (disposition IN ('accepted','modified','rejected','free_text')),
    reason VARCHAR NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    CHECK (disposition NOT IN ('modified','rejected') OR length(trim(reason)) > 0)
);
CREATE INDEX idx_plan_decision ON plan_item(decision_id);

CREATE TABLE action_item (
    action_id BIGINT PRIMARY KEY DEFAULT nextval('seq_action'),
    case_id BIGINT NOT NULL,
    decision_id BIGINT,
    plan_item_id BIGINT,
    description VARCHAR NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    owner_user_id BIGINT,
    specialty VARCHAR NOT NULL CHECK (specialty IN ('medical_oncology','orthopaedics','spine_surgery','radiotherapy','radiology','pain_medicine','rehabilitation','nursing','interventional','psychology','coordination')),
    due_date DATE NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),
    completed_on DATE,
    row_version INTEGER NOT NULL DEFAULT 1,
    CHECK (status <> 'done' OR completed_on IS NOT NULL)
);
CREATE INDEX idx_action_case ON action_item(case_id);

CREATE TABLE delivery (
    delivery_id BIGINT PRIMARY KEY DEFAULT nextval('seq_delivery'),
    plan_item_id BIGINT NOT NULL UNIQUE,
    delivered BOOLEAN NOT NULL,
    delivered_on DATE,
    reason_not VARCHAR CHECK (reason_not IN ('patient_choice','comorbidity','new_information','other')),
    note VARCHAR NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((delivered AND delivered_on IS NOT NULL) OR (NOT delivered AND reason_not IS NOT NULL))
);

CREATE TABLE follow_up (
    follow_up_id BIGINT PRIMARY KEY DEFAULT nextval('seq_follow_up'),
    case_id BIGINT NOT NULL,
    decision_id BIGINT,
    due_date DATE NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('clinical_review','labs','imaging','pre_dose_labs')),
    status VARCHAR NOT NULL DEFAULT 'due' CHECK (status IN ('due','done','missed')),
    done_on DATE
);
CREATE INDEX idx_follow_up_case ON follow_up(case_id);

-- Department policies (clinical/SCORES.md decision 10): settings with documented defaults.
CREATE TABLE policy (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT ''
);

-- Idempotent submits: a form's submission token is recorded in the same transaction as the row
-- it created, so a double click or a retry after a crash returns the first row.
CREATE TABLE submission (
    token VARCHAR PRIMARY KEY,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at_utc TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR,
    patient_id BIGINT,
    before_json VARCHAR,
    after_json VARCHAR,
    reason VARCHAR,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('ok','denied','failed')),
    prev_hash VARCHAR NOT NULL,
    row_hash VARCHAR NOT NULL
);
