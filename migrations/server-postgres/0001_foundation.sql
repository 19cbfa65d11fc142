-- eCabinet server schema, PostgreSQL flavour: the same tables and columns as
-- migrations/server-sqlite, in native types.

CREATE TABLE organisations (
    id        UUID PRIMARY KEY,
    name      TEXT NOT NULL,
    last_seq  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE server_identity (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    signing_pkcs8  BYTEA NOT NULL
);

CREATE TABLE persons (
    id               UUID PRIMARY KEY,
    organisation_id  UUID NOT NULL REFERENCES organisations(id),
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('secretary', 'member'))
);

CREATE TABLE invites (
    code_hash   BYTEA PRIMARY KEY,
    person_id   UUID NOT NULL REFERENCES persons(id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);

CREATE TABLE devices (
    id                    UUID PRIMARY KEY,
    person_id             UUID NOT NULL REFERENCES persons(id),
    name                  TEXT NOT NULL,
    signing_public_key    BYTEA NOT NULL,
    agreement_public_key  BYTEA NOT NULL,
    enrolled_at           TIMESTAMPTZ NOT NULL,
    revoked_at            TIMESTAMPTZ
);
CREATE INDEX devices_by_person ON devices(person_id);

CREATE TABLE auth_challenges (
    challenge   BYTEA PRIMARY KEY,
    device_id   UUID NOT NULL REFERENCES devices(id),
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,
    device_id   UUID NOT NULL REFERENCES devices(id),
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE meetings (
    id               UUID PRIMARY KEY,
    organisation_id  UUID NOT NULL REFERENCES organisations(id),
    title            TEXT NOT NULL,
    starts_at        TIMESTAMPTZ NOT NULL,
    status           TEXT NOT NULL,
    created_by       UUID NOT NULL REFERENCES persons(id)
);

CREATE TABLE agenda_items (
    id          UUID PRIMARY KEY,
    meeting_id  UUID NOT NULL REFERENCES meetings(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    UNIQUE (meeting_id, position)
);

CREATE TABLE changes (
    organisation_id  UUID NOT NULL REFERENCES organisations(id),
    seq              BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    entity_id        UUID NOT NULL,
    body             TEXT NOT NULL,
    PRIMARY KEY (organisation_id, seq)
);
