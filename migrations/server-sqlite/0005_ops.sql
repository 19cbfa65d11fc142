-- Offline writes. Devices push signed batches of ops; each accepted op joins
-- the change stream, and this table remembers every op's answer so that a
-- re-pushed op gets the same answer (accepted with its seq, or rejected).

CREATE TABLE ops (
    op_id            BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    device_id        BLOB NOT NULL REFERENCES devices(id),
    entity_id        BLOB NOT NULL,
    -- Accepted: the op's change and the clock reading kept.
    seq              BIGINT,
    hlc              BIGINT,
    -- Rejected: why.
    reject_code      TEXT,
    reject_reason    TEXT
);
CREATE INDEX ops_by_entity ON ops(entity_id);

-- The highest device_seq this device has had answered: ops at or below it
-- are replays, answered from the ops table.
ALTER TABLE devices ADD COLUMN pushed_through BIGINT NOT NULL DEFAULT 0;

-- What the server must know of an annotation to route its ops: its
-- document, its author and who it is shared with (a last-writer-wins
-- register, like on the devices). Its content stays sealed.
CREATE TABLE annotations (
    id               BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    document_id      BLOB NOT NULL,
    document_version BIGINT NOT NULL,
    author           BLOB NOT NULL REFERENCES persons(id),
    share            TEXT NOT NULL CHECK (share IN ('private', 'secretariat', 'participants')),
    share_hlc        BIGINT NOT NULL,
    share_device     BLOB NOT NULL,
    share_op         BLOB NOT NULL
);

-- A change may be limited to one person (their private data): only that
-- person's devices see it, and the secretariat too when audience_secretariat.
ALTER TABLE changes ADD COLUMN audience_person BLOB;
ALTER TABLE changes ADD COLUMN audience_secretariat BOOLEAN NOT NULL DEFAULT TRUE;

-- A person's private keys, each wrapped for each of that person's devices.
-- Only the person's devices can open them; the server keeps the envelopes.
CREATE TABLE person_keys (
    key_id     BLOB NOT NULL,
    person_id  BLOB NOT NULL REFERENCES persons(id),
    device_id  BLOB NOT NULL REFERENCES devices(id),
    envelope   TEXT NOT NULL,
    PRIMARY KEY (key_id, device_id)
);
CREATE INDEX person_keys_by_person ON person_keys(person_id);
