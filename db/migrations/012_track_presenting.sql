-- Presenting a meeting (issue 11): who presents each agenda item, the meeting's time budget and
-- the case the chair is presenting now (members' follow views poll it). New tables rather than
-- columns on agenda_item / meeting: both are FK-referenced, which DuckDB restricts (TECH_NOTES.md).
-- Every write is audited in the same transaction (db/presenting.py).
CREATE TABLE agenda_presenter (
    item_id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    set_by BIGINT NOT NULL,
    set_at TIMESTAMP NOT NULL
);

CREATE TABLE meeting_presenting (
    meeting_id BIGINT PRIMARY KEY,
    current_item_id BIGINT,
    moved_by BIGINT,
    moved_at TIMESTAMP,
    minutes_per_case INTEGER NOT NULL DEFAULT 3 CHECK (minutes_per_case BETWEEN 1 AND 30),
    row_version INTEGER NOT NULL DEFAULT 1
);
