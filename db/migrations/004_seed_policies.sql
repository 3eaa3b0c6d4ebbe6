-- Department policies (clinical/SCORES.md decision 10) with their documented defaults.
INSERT INTO policy (key, value, description) VALUES
 ('dexamethasone_mscc', '10 mg IV then 4 mg every 6 h', 'MSCC with neurological signs (lecture); NICE alternative 16 mg/day'),
 ('dexamethasone_alternative', '16 mg/day (NICE NG234)', 'alternative regimen shown beside the default'),
 ('rt_single_fraction_survival_months', '3', '8 Gy x 1 when expected survival is below this (months)'),
 ('sbrt_min_survival_months', '6', 'SBRT only with expected survival at or above this (months)'),
 ('surgery_min_survival_weeks', '4', 'any surgery: expected survival at least this (weeks)'),
 ('mscc_decompression_min_survival_months', '3', 'MSCC decompression: expected survival at least this (Patchell)'),
 ('follow_up_year1_months', '3', 'clinical review interval in the first year after the decision'),
 ('follow_up_year2_months', '6', 'clinical review interval in the second year (4-6 months)'),
 ('readiness_imaging_max_days', '56', 'imaging older than this is stale for listing (8 weeks)'),
 ('readiness_lab_max_days', '28', 'calcium or creatinine older than this is stale for listing (4 weeks)');
