-- The fleet authority's copy of every gateway's accepted issuance log (docs/database.md).
-- One row per gateway with its head: appends move it with a conditional update, so two writers cannot both extend
-- the same head.
CREATE TABLE fleet_log_head (
    gateway_id VARCHAR(253) NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash CHAR(64) NOT NULL
);
-- One row per accepted entry: the signed message as it arrived, and the fields the authority asks about.
CREATE TABLE fleet_log_entry (
    gateway_id VARCHAR(253) NOT NULL,
    seq BIGINT NOT NULL,
    hash CHAR(64) NOT NULL,
    received_at BIGINT NOT NULL,
    serial VARCHAR(64) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    device_id VARCHAR(1024) NOT NULL,
    account_url VARCHAR(2048) NOT NULL,
    jws VARCHAR(262144) NOT NULL,
    PRIMARY KEY (gateway_id, seq)
);
-- A certificate is recorded once in the whole fleet.
CREATE UNIQUE INDEX fleet_log_entry_serial ON fleet_log_entry (serial);
CREATE INDEX fleet_log_entry_kind ON fleet_log_entry (gateway_id, kind);
CREATE INDEX fleet_log_entry_device ON fleet_log_entry (gateway_id, device_id);
CREATE INDEX fleet_log_entry_account ON fleet_log_entry (account_url);
