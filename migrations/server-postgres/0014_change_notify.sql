-- Every transaction that adds to the change stream tells the other server
-- instances at once (they LISTEN on ecabinet_changes) instead of waiting for
-- their poll. Statement-level, with an empty payload: PostgreSQL delivers
-- identical notifications of one transaction once, so a group commit of
-- thousands of ops is one notification, and it goes out only on commit.
CREATE FUNCTION ecabinet_notify_changes() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('ecabinet_changes', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER changes_notify AFTER INSERT ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION ecabinet_notify_changes();
