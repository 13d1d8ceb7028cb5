-- A request checked (its nonce recorded) by an instance that died before journaling its ticket must not stay refused
-- as a replay: the nonce row keeps the request's SHA-256 and, written in the same transaction as the ticket, the
-- ticket's id. The same signed request, resent once no ticket came of it, is judged again (docs/database.md).
ALTER TABLE revocation_nonce ADD COLUMN request_sha256 VARCHAR(64);
ALTER TABLE revocation_nonce ADD COLUMN ticket_id VARCHAR(64);
