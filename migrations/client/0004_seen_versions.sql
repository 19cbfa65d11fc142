-- Document versions this device has opened: a newer version not listed here
-- is shown as "revised".
CREATE TABLE seen_versions (
    document_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (document_id, version)
);
