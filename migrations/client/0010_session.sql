-- This device's replica of each meeting's session log, in order. The live
-- state is derived from it; a gap is filled by fetching the log since the
-- last seq held here.
CREATE TABLE session_events (
    meeting_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);

-- The secretariat's narrative per item for the minutes, kept until signed.
CREATE TABLE minutes_narratives (
    meeting_id      TEXT NOT NULL,
    agenda_item_id  TEXT NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (meeting_id, agenda_item_id)
);
