-- Document versions this device knows of (metadata and signed manifest; the
-- sealed chunks live in the profile's cache folder).
CREATE TABLE documents (
    id              TEXT NOT NULL,
    version         INTEGER NOT NULL,
    agenda_item_id  TEXT NOT NULL,
    meeting_id      TEXT NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX documents_by_meeting ON documents(meeting_id);
