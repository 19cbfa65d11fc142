-- Every op this device made (its outbox, until the server answers) or
-- received. The op itself is the local change: writing it is saving.
CREATE TABLE ops (
    op_id          BLOB PRIMARY KEY NOT NULL,
    device_id      BLOB NOT NULL,
    device_seq     INTEGER NOT NULL,
    hlc            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    entity_id      BLOB NOT NULL,
    -- The op, binary-encoded: its content stays sealed as it travelled.
    body           BLOB NOT NULL,
    -- pending (in the outbox), accepted, rejected, received (another device's)
    state          TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'received')),
    seq            INTEGER,
    reject_code    TEXT,
    reject_reason  TEXT,
    created_at     TEXT NOT NULL,
    -- The person whose device made the op.
    author         BLOB NOT NULL
);
CREATE INDEX ops_by_state ON ops(state, device_seq);
CREATE INDEX ops_by_entity ON ops(entity_id);

-- This device's hybrid clock and op counter, advanced in the op's own transaction.
CREATE TABLE clock (
    singleton   INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    hlc         INTEGER NOT NULL,
    device_seq  INTEGER NOT NULL
);
INSERT INTO clock (singleton, hlc, device_seq) VALUES (1, 0, 0);

-- Which document each annotation is on (from its creating op, which says so in clear).
CREATE TABLE annotation_index (
    annotation_id  BLOB PRIMARY KEY NOT NULL,
    document_id    BLOB NOT NULL
);
CREATE INDEX annotation_index_by_document ON annotation_index(document_id);

-- This person's keys, wrapped for this device; uploaded = the server has the envelope.
CREATE TABLE person_keys (
    key_id    BLOB PRIMARY KEY NOT NULL,
    envelope  TEXT NOT NULL,
    uploaded  BOOLEAN NOT NULL DEFAULT FALSE
);
