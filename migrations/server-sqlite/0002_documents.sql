-- Documents: the server knows each version's public facts and signed
-- manifest; the chunks are sealed files in the blob folder, and the content
-- key exists here only wrapped for each authorised device.

CREATE TABLE documents (
    id               BLOB NOT NULL,
    version          BIGINT NOT NULL,
    organisation_id  BLOB NOT NULL REFERENCES organisations(id),
    agenda_item_id   BLOB NOT NULL REFERENCES agenda_items(id),
    uploaded_by      BLOB NOT NULL REFERENCES devices(id),
    body             TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX documents_by_item ON documents(agenda_item_id);

CREATE TABLE document_keys (
    document_id  BLOB NOT NULL,
    version      BIGINT NOT NULL,
    device_id    BLOB NOT NULL REFERENCES devices(id),
    envelope     TEXT NOT NULL,
    PRIMARY KEY (document_id, version, device_id),
    FOREIGN KEY (document_id, version) REFERENCES documents(id, version)
);
