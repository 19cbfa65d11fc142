-- Votes as this device last heard of them: motions (with their tally once
-- closed), attendance, and this person's own accepted ballots with receipts.
CREATE TABLE motions (
    id              TEXT PRIMARY KEY NOT NULL,
    meeting_id      TEXT NOT NULL,
    agenda_item_id  TEXT NOT NULL,
    body            TEXT NOT NULL
);
CREATE INDEX motions_by_meeting ON motions(meeting_id);

CREATE TABLE attendance (
    meeting_id  TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE own_ballots (
    motion_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (motion_id, seq)
);
