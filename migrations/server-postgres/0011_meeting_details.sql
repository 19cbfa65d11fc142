-- A meeting's kind, place, participants and substitutes (JSON, as the
-- domain's MeetingDetails).
ALTER TABLE meetings ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
