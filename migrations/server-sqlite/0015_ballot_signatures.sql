-- A ballot is found by its signature: a device's own copy of a ballot the
-- room's hub handed back, and a hub's ballot taken twice, are replays.
-- Without this, each ballot pushed scans every ballot of its vote.
CREATE INDEX ballots_by_signature ON ballots (motion_id, signature);
