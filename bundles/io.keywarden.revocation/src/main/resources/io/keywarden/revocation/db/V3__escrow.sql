-- The escrow vault (docs/database.md): the deposit accepted per gateway (proven at the CA; its content is the
-- deposit as the gateway sent it, encrypted to the authority's key) and the digest of the last one refused, so the
-- same bytes are neither proven nor reported again, on any instance.
CREATE TABLE escrow_deposit (
    gateway_id VARCHAR(300) NOT NULL PRIMARY KEY,
    account_url VARCHAR(2000) NOT NULL,
    digest VARCHAR(64) NOT NULL,
    content BYTEA NOT NULL,
    accepted_at BIGINT NOT NULL
);
CREATE INDEX escrow_deposit_account ON escrow_deposit (account_url);
CREATE TABLE escrow_refusal (
    gateway_id VARCHAR(300) NOT NULL PRIMARY KEY,
    digest VARCHAR(64) NOT NULL,
    refused_at BIGINT NOT NULL
);
