-- The client's local replica: what this device may see, kept for offline use.
-- Rows hold each entity's latest snapshot from the server's change stream.

CREATE TABLE sync_state (
    singleton  INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    cursor     INTEGER NOT NULL,
    last_sync  TEXT
);
INSERT INTO sync_state (singleton, cursor, last_sync) VALUES (1, 0, NULL);

CREATE TABLE organisations (
    id    TEXT PRIMARY KEY NOT NULL,
    body  TEXT NOT NULL
);

CREATE TABLE persons (
    id    TEXT PRIMARY KEY NOT NULL,
    body  TEXT NOT NULL
);

CREATE TABLE meetings (
    id         TEXT PRIMARY KEY NOT NULL,
    starts_at  TEXT NOT NULL,
    body       TEXT NOT NULL
);

CREATE TABLE agenda_items (
    id          TEXT PRIMARY KEY NOT NULL,
    meeting_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX agenda_items_by_meeting ON agenda_items(meeting_id, position);
