-- Motions, attendance and ballots. A motion's row is also the lock that
-- orders ballots against its closing: both update it first.

CREATE TABLE motions (
    id               BLOB PRIMARY KEY NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    meeting_id       BLOB NOT NULL REFERENCES meetings(id),
    agenda_item_id   BLOB NOT NULL REFERENCES agenda_items(id),
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    closes_at        TEXT,
    -- The motion as announced (JSON), tally included once closed.
    body             TEXT NOT NULL
);

CREATE TABLE attendance (
    meeting_id  BLOB NOT NULL REFERENCES meetings(id),
    person_id   BLOB NOT NULL REFERENCES persons(id),
    -- JSON of the presence: present, remote, absent (reason), substituted (by).
    presence    TEXT NOT NULL,
    may_vote    BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- Every accepted ballot, superseded ones too: the tally counts each
-- voter's latest; the export carries all, so anyone can recount.
CREATE TABLE ballots (
    seq          BIGINT NOT NULL,
    motion_id    BLOB NOT NULL REFERENCES motions(id),
    voter        BLOB NOT NULL REFERENCES persons(id),
    device_id    BLOB NOT NULL REFERENCES devices(id),
    choice       TEXT NOT NULL,
    cast_at      TEXT NOT NULL,
    nonce        BLOB NOT NULL,
    signature    BLOB NOT NULL,
    accepted_at  TEXT NOT NULL,
    receipt      BLOB NOT NULL,
    PRIMARY KEY (motion_id, seq)
);
