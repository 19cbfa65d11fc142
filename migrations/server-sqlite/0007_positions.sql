-- Positions before the meeting: one per member per item, last writer wins
-- by (hlc, device, op); and the chair's adoptions without discussion.

CREATE TABLE positions (
    agenda_item_id  BLOB NOT NULL REFERENCES agenda_items(id),
    person_id       BLOB NOT NULL REFERENCES persons(id),
    -- JSON of the stance: no objection, objection with its reason, or speak.
    stance          TEXT NOT NULL,
    hlc             BIGINT NOT NULL,
    device_id       BLOB NOT NULL,
    op_id           BLOB NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (agenda_item_id, person_id)
);

CREATE TABLE item_decisions (
    agenda_item_id  BLOB PRIMARY KEY NOT NULL REFERENCES agenda_items(id),
    body            TEXT NOT NULL
);
