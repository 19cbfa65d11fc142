-- The audit log: a hash chain of every request that changes state or
-- releases protected data, and of the server's own actions. `audit_head`
-- is the one row every append locks first (the chain has one order, across
-- every instance).
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    organisation_id UUID,
    person_id       UUID,
    device_id       UUID,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    request_id      TEXT,
    prev_hash       BYTEA NOT NULL,
    hash            BYTEA NOT NULL
);
CREATE INDEX audit_by_organisation ON audit_log (organisation_id, seq);
CREATE INDEX audit_by_person ON audit_log (person_id, seq);

CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             BIGINT NOT NULL,
    hash            BYTEA NOT NULL,
    checkpoint_seq  BIGINT NOT NULL,
    checkpoint_at   TIMESTAMPTZ
);
INSERT INTO audit_head (id, seq, hash, checkpoint_seq, checkpoint_at) VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0, NULL);

CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       BYTEA NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    signature  BYTEA NOT NULL
);
