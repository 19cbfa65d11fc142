-- Requests for written opinions this device may see, this person's own
-- received responses, and reminders sent to this person.
CREATE TABLE opinion_requests (
    id    TEXT PRIMARY KEY NOT NULL,
    body  TEXT NOT NULL
);

CREATE TABLE opinion_responses (
    request_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE reminders (
    request_id  TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (request_id, sent_at)
);
