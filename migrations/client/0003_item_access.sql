-- Access lists of restricted items this device may know of (the secretariat's
-- devices and the listed persons' devices receive them).
CREATE TABLE item_access (
    agenda_item_id  TEXT PRIMARY KEY NOT NULL,
    body            TEXT NOT NULL
);
