-- Commands that arrive as ops (the secretariat's work made offline): the
-- answer given to each, so a re-pushed command gets the same answer and is
-- never carried out twice.
CREATE TABLE command_ops (
    op_id     UUID PRIMARY KEY NOT NULL,
    device_id UUID NOT NULL,
    answer    BYTEA NOT NULL
);
