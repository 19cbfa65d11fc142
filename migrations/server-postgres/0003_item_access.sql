-- Per-item access: an item is visible to all participants unless it has an
-- access list; then only the listed persons and the secretariat may read its
-- documents (others see its title only). A change may be limited to one
-- item's audience, so the server never streams a restricted item's
-- documents to an outsider.

ALTER TABLE agenda_items ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE item_access (
    agenda_item_id  UUID NOT NULL REFERENCES agenda_items(id),
    person_id       UUID NOT NULL REFERENCES persons(id),
    PRIMARY KEY (agenda_item_id, person_id)
);
CREATE INDEX item_access_by_person ON item_access(person_id);

-- NULL: the whole organisation; otherwise the agenda item whose audience may see it.
ALTER TABLE changes ADD COLUMN audience UUID;
