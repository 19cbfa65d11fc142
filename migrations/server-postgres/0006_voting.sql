-- Motions, attendance and ballots. A motion's row is also the lock that
-- orders ballots against its closing: both update it first.

CREATE TABLE motions (
    id               UUID PRIMARY KEY NOT NULL,
    organisation_id  UUID NOT NULL REFERENCES organisations(id),
    meeting_id       UUID NOT NULL REFERENCES meetings(id),
    agenda_item_id   UUID NOT NULL REFERENCES agenda_items(id),
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closes_at        TIMESTAMPTZ,
    -- The motion as announced (JSON), tally included once closed.
    body             TEXT NOT NULL
);

CREATE TABLE attendance (
    meeting_id  UUID NOT NULL REFERENCES meetings(id),
    person_id   UUID NOT NULL REFERENCES persons(id),
    -- JSON of the presence: present, remote, absent (reason), substituted (by).
    presence    TEXT NOT NULL,
    may_vote    BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- Every accepted ballot, superseded ones too: the tally counts each
-- voter's latest; the export carries all, so anyone can recount.
CREATE TABLE ballots (
    seq          BIGINT NOT NULL,
    motion_id    UUID NOT NULL REFERENCES motions(id),
    voter        UUID NOT NULL REFERENCES persons(id),
    device_id    UUID NOT NULL REFERENCES devices(id),
    choice       TEXT NOT NULL,
    cast_at      TIMESTAMPTZ NOT NULL,
    nonce        BYTEA NOT NULL,
    signature    BYTEA NOT NULL,
    accepted_at  TIMESTAMPTZ NOT NULL,
    receipt      BYTEA NOT NULL,
    PRIMARY KEY (motion_id, seq)
);
