-- The room hub of a meeting in session: the device that orders the session
-- log while the server cannot be reached. It checks in every second; the
-- server orders the log itself only while no hub is named or the named hub's
-- lease (milliseconds since the epoch) has not run out, so the server and the
-- hub never order at the same time.
CREATE TABLE room_hubs (
    meeting_id      BLOB PRIMARY KEY REFERENCES meetings(id),
    device_id       BLOB NOT NULL,
    person_id       BLOB NOT NULL,
    lease_until_ms  BIGINT NOT NULL
);
