-- Lookups answer from memory (docs/database.md): each instance holds every denied serial and learns of the ones other
-- instances denied by reading the rows above the sequence it last saw. A writer raises the counter and stamps its rows
-- in the same transaction; the counter's row lock makes writers commit in counter order, so every row at or below a
-- committed counter value is committed too. Rows from before this migration have sequence 0.
ALTER TABLE revocation_denied ADD COLUMN seq BIGINT DEFAULT 0 NOT NULL;
CREATE INDEX revocation_denied_seq ON revocation_denied (seq);
CREATE TABLE revocation_denied_counter (
    id INT NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO revocation_denied_counter (id, seq) VALUES (1, 0);
