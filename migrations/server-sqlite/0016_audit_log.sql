-- The audit log: a hash chain of every request that changes state or
-- releases protected data, and of the server's own actions. `audit_head`
-- is the one row every append locks first (the chain has one order).
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    organisation_id BLOB,
    person_id       BLOB,
    device_id       BLOB,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    request_id      TEXT,
    prev_hash       BLOB NOT NULL,
    hash            BLOB NOT NULL
);
CREATE INDEX audit_by_organisation ON audit_log (organisation_id, seq);
CREATE INDEX audit_by_person ON audit_log (person_id, seq);

CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             INTEGER NOT NULL,
    hash            BLOB NOT NULL,
    checkpoint_seq  INTEGER NOT NULL,
    checkpoint_at   TEXT
);
INSERT INTO audit_head (id, seq, hash, checkpoint_seq, checkpoint_at) VALUES (1, 0, zeroblob(32), 0, NULL);

CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL,
    at         TEXT NOT NULL,
    signature  BLOB NOT NULL
);
