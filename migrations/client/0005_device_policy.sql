-- The organisation's rules for this device (cache expiry and cap), as last
-- received from the server.
CREATE TABLE device_policy (
    singleton  INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    body       TEXT NOT NULL
);
