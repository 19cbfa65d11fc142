-- eCabinet server schema, SQLite flavour. Ids are 16-byte UUID blobs,
-- times are RFC 3339 text; compared in Rust, never in SQL.

CREATE TABLE organisations (
    id        BLOB PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    -- The last sequence number given to a change of this organisation.
    -- Bumped inside each writing transaction, so seq order is commit order.
    last_seq  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE server_identity (
    singleton      INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    signing_pkcs8  BLOB NOT NULL
);

CREATE TABLE persons (
    id               BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('secretary', 'member'))
);

CREATE TABLE invites (
    code_hash   BLOB PRIMARY KEY NOT NULL,
    person_id   BLOB NOT NULL REFERENCES persons(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE TABLE devices (
    id                    BLOB PRIMARY KEY NOT NULL,
    person_id             BLOB NOT NULL REFERENCES persons(id),
    name                  TEXT NOT NULL,
    signing_public_key    BLOB NOT NULL,
    agreement_public_key  BLOB NOT NULL,
    enrolled_at           TEXT NOT NULL,
    revoked_at            TEXT
);
CREATE INDEX devices_by_person ON devices(person_id);

CREATE TABLE auth_challenges (
    challenge   BLOB PRIMARY KEY NOT NULL,
    device_id   BLOB NOT NULL REFERENCES devices(id),
    expires_at  TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY NOT NULL,
    device_id   BLOB NOT NULL REFERENCES devices(id),
    expires_at  TEXT NOT NULL
);

CREATE TABLE meetings (
    id               BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    title            TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    status           TEXT NOT NULL,
    created_by       BLOB NOT NULL REFERENCES persons(id)
);

CREATE TABLE agenda_items (
    id          BLOB PRIMARY KEY NOT NULL,
    meeting_id  BLOB NOT NULL REFERENCES meetings(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    UNIQUE (meeting_id, position)
);

CREATE TABLE changes (
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    seq              INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    entity_id        BLOB NOT NULL,
    body             TEXT NOT NULL,
    PRIMARY KEY (organisation_id, seq)
);
