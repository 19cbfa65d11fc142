-- Read receipts: the first time each device opened each document version.
CREATE TABLE document_opens (
    document_id  BLOB NOT NULL,
    version      INTEGER NOT NULL,
    device_id    BLOB NOT NULL,
    person_id    BLOB NOT NULL,
    opened_at    TEXT NOT NULL,
    reported_at  TEXT NOT NULL,
    PRIMARY KEY (document_id, version, device_id)
);
