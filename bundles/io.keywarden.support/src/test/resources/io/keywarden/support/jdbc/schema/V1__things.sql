-- portable on H2 2.1.214 and PostgreSQL 15
CREATE TABLE thing (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    body VARCHAR(100000) NOT NULL,
    data BYTEA,
    count BIGINT DEFAULT 0 NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX thing_created ON thing (created_at);
