-- The audit of what was executed at the CA, one row per certificate of a ticket settled as revoked, written in the
-- same transaction as the ticket by the instance holding its claim: the primary key records each once, whichever
-- instance (or restart) did it.
CREATE TABLE revocation_execution (
    ticket_id VARCHAR(64) NOT NULL,
    serial VARCHAR(100) NOT NULL,
    instance VARCHAR(200) NOT NULL,
    route VARCHAR(40),
    ca_answer VARCHAR(40),
    executed_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, serial)
);
CREATE INDEX revocation_execution_serial ON revocation_execution (serial);
