ALTER TABLE thing ADD COLUMN owner VARCHAR(100);
INSERT INTO thing (id, body, created_at) VALUES ('seed', 'a; not the end', CURRENT_TIMESTAMP);
