-- What the secretariat writes about an item besides its title: the presenting
-- ministry, a summary and the recommended action, as one JSON object.
ALTER TABLE agenda_items ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
