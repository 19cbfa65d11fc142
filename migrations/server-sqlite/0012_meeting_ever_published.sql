-- Whether members have ever been told of a meeting: a draft has not (and a
-- draft cancelled before publication never will be). Meetings before drafts
-- existed were published when created.
ALTER TABLE meetings ADD COLUMN ever_published BOOLEAN NOT NULL DEFAULT TRUE;
