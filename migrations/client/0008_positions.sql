-- Positions this device may see (its person's own; the secretariat sees all)
-- and the chair's adoptions without discussion.
CREATE TABLE positions (
    agenda_item_id  TEXT NOT NULL,
    person_id       TEXT NOT NULL,
    meeting_id      TEXT NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (agenda_item_id, person_id)
);
CREATE INDEX positions_by_meeting ON positions(meeting_id);

CREATE TABLE item_decisions (
    agenda_item_id  TEXT PRIMARY KEY NOT NULL,
    meeting_id      TEXT NOT NULL,
    body            TEXT NOT NULL
);
