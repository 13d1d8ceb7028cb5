-- The revocation component's state (docs/database.md). Portable: H2 2.1.214 and PostgreSQL 15.
-- Tickets: the ticket itself as the JSON document the file journal used to hold; state, settled and the claim as
-- columns, so that claims are conditional UPDATEs and orphans can be found without reading documents.
CREATE TABLE revocation_ticket (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    state VARCHAR(16) NOT NULL,
    settled BOOLEAN NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    owner VARCHAR(200),
    lease_until BIGINT,
    body TEXT NOT NULL
);
CREATE INDEX revocation_ticket_open ON revocation_ticket (settled, lease_until);
-- Replay protection: a nonce is used once per requester on every instance (the primary key decides)
CREATE TABLE revocation_nonce (
    requester VARCHAR(300) NOT NULL,
    nonce VARCHAR(300) NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (requester, nonce)
);
CREATE INDEX revocation_nonce_seen ON revocation_nonce (seen_at);
-- Serials denied locally (lowercase hexadecimal without leading zeros)
CREATE TABLE revocation_denied (
    serial VARCHAR(100) NOT NULL PRIMARY KEY,
    denied_at BIGINT NOT NULL
);
-- Serials an authority's signed release freed, with the time of the release
CREATE TABLE revocation_release (
    serial VARCHAR(100) NOT NULL PRIMARY KEY,
    released_at BIGINT NOT NULL
);
