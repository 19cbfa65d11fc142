-- Offline writes. Devices push signed batches of ops; each accepted op is one
-- row of the change stream (its binary form in `payload`), and each push's
-- answers are kept as one row, so a re-pushed op gets the same answer
-- (accepted with its seq, or rejected) without a row per op.

CREATE TABLE push_batches (
    device_id   UUID NOT NULL REFERENCES devices(id),
    first_seq   BIGINT NOT NULL,
    last_seq    BIGINT NOT NULL,
    -- postcard of [(op id, answer)] for device_seq first_seq..=last_seq
    answers     BYTEA NOT NULL,
    PRIMARY KEY (device_id, first_seq)
);

ALTER TABLE changes ADD COLUMN payload BYTEA;
CREATE INDEX changes_by_entity ON changes(entity_id);

-- The highest device_seq this device has had answered: ops at or below it
-- are replays, answered from the ops table.
ALTER TABLE devices ADD COLUMN pushed_through BIGINT NOT NULL DEFAULT 0;

-- What the server must know of an annotation to route its ops: its
-- document, its author and who it is shared with (a last-writer-wins
-- register, like on the devices). Its content stays sealed.
CREATE TABLE annotations (
    id               UUID PRIMARY KEY NOT NULL,
    organisation_id  UUID NOT NULL REFERENCES organisations(id),
    document_id      UUID NOT NULL,
    document_version BIGINT NOT NULL,
    author           UUID NOT NULL REFERENCES persons(id),
    share            TEXT NOT NULL CHECK (share IN ('private', 'secretariat', 'participants')),
    share_hlc        BIGINT NOT NULL,
    share_device     UUID NOT NULL,
    share_op         UUID NOT NULL
);

-- A change may be limited to one person (their private data): only that
-- person's devices see it, and the secretariat too when audience_secretariat.
ALTER TABLE changes ADD COLUMN audience_person UUID;
ALTER TABLE changes ADD COLUMN audience_secretariat BOOLEAN NOT NULL DEFAULT TRUE;

-- A person's private keys, each wrapped for each of that person's devices.
-- Only the person's devices can open them; the server keeps the envelopes.
CREATE TABLE person_keys (
    key_id     UUID NOT NULL,
    person_id  UUID NOT NULL REFERENCES persons(id),
    device_id  UUID NOT NULL REFERENCES devices(id),
    envelope   TEXT NOT NULL,
    PRIMARY KEY (key_id, device_id)
);
CREATE INDEX person_keys_by_person ON person_keys(person_id);
