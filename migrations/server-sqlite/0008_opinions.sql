-- Written opinions: requests, every received response (late ones and
-- superseded ones too), and which reminders have gone out.

CREATE TABLE opinion_requests (
    id               BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    agenda_item_id   BLOB NOT NULL REFERENCES agenda_items(id),
    deadline         TEXT NOT NULL,
    body             TEXT NOT NULL
);

CREATE TABLE opinion_responses (
    seq         BIGINT NOT NULL,
    request_id  BLOB NOT NULL REFERENCES opinion_requests(id),
    respondent  BLOB NOT NULL REFERENCES persons(id),
    -- The received response as JSON (signature included).
    body        TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE reminders_sent (
    request_id   BLOB NOT NULL REFERENCES opinion_requests(id),
    reminder_at  TEXT NOT NULL,
    PRIMARY KEY (request_id, reminder_at)
);
