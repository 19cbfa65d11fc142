-- Runs of ops: consecutive accepted ops with the same audience are stored as
-- one change row covering seq..seq_last (the payload is the list of ops), so
-- a group commit of 10,000 ops writes tens of rows, not 10,000. A pull
-- still hands out one change per op, numbered seq, seq + 1, ...
ALTER TABLE changes ADD COLUMN seq_last BIGINT;
-- Where each annotation's ops are (their seqs, comma-terminated), for
-- replaying them to a new audience when the annotation is shared.
ALTER TABLE annotations ADD COLUMN op_seqs TEXT NOT NULL DEFAULT '';
UPDATE annotations SET op_seqs = COALESCE(
    (SELECT string_agg(c.seq::text || ',', '' ORDER BY c.seq) FROM changes c WHERE c.entity_id = annotations.id AND c.kind = 'op'), '');
