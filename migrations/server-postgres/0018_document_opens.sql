-- Read receipts: the first time each device opened each document version.
CREATE TABLE document_opens (
    document_id  UUID NOT NULL,
    version      INTEGER NOT NULL,
    device_id    UUID NOT NULL,
    person_id    UUID NOT NULL,
    opened_at    TIMESTAMPTZ NOT NULL,
    reported_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, version, device_id)
);
