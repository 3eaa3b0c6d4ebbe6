-- Live urgency (clinical safety rule 4): a case's urgency follows its current data on every view.
--
-- case_urgency: derived data (like score_snapshot, no audit row): the urgency the rules give a case
-- now, the red flags and emergency rules that set it (EN and ZH), and what it was computed from:
-- the case's data stamp (the last audited write about its patient or a department-wide change,
-- db/board.case_stamps) and the day it was evaluated as of (time passing ages facts out of their
-- freshness windows, so a row of an earlier day is recomputed too).
CREATE TABLE case_urgency (
    case_id BIGINT PRIMARY KEY,
    urgency VARCHAR NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    has_red_flag BOOLEAN NOT NULL,
    reasons_json VARCHAR NOT NULL,
    data_stamp BIGINT NOT NULL,
    as_of DATE NOT NULL,
    computed_at TIMESTAMP NOT NULL
);

-- What an agenda item was when it was listed (agenda_item.urgency and .stream then follow the
-- case's live urgency while the item waits to be discussed), and the chair's clearing of the
-- "was emergency at listing" mark (who, when, why; the clearing itself is audited).
CREATE TABLE agenda_listing (
    item_id BIGINT PRIMARY KEY,
    urgency VARCHAR NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    stream VARCHAR NOT NULL CHECK (stream IN ('full', 'standard_of_care')),
    cleared_by BIGINT,
    cleared_at TIMESTAMP,
    cleared_reason VARCHAR NOT NULL DEFAULT '' CHECK (length(cleared_reason) <= 4000)
);
