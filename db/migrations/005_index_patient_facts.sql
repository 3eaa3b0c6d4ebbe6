-- Per-patient reads of the case board scanned lab_result at 50,000 cases (bench/bench_scoring.py:
-- 18.5 ms -> 3.9 ms with a single-column index on a copy of the 50k store).
CREATE INDEX idx_lab_patient_only ON lab_result(patient_id);
CREATE INDEX idx_imaging_lesion_lesion ON imaging_lesion(lesion_id);
CREATE INDEX idx_agenda_case ON agenda_item(case_id);
CREATE INDEX idx_plan_item_decision ON plan_item(decision_id, position);
