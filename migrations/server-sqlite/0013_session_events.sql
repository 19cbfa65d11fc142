-- The meeting in session: each meeting's ordered, hash-chained log of signed
-- live events. (meeting_id, seq) is the order; a second orderer racing for
-- the same position fails on the primary key and retries on the new head.
CREATE TABLE session_events (
    meeting_id  BLOB NOT NULL REFERENCES meetings(id),
    seq         BIGINT NOT NULL,
    event_id    BLOB NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    -- The ordered event (JSON): the device's signed event, the previous
    -- hash, the orderer's time, the hash and the orderer's signature.
    body        TEXT NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);
