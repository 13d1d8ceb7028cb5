-- Gateways under an accepted COMPROMISED_GATEWAY ticket: nothing they sign changes the recorded state any more, on
-- every authority instance sharing the database.
CREATE TABLE fleet_frozen_gateway (
    gateway_id VARCHAR(253) NOT NULL PRIMARY KEY,
    frozen_at BIGINT NOT NULL
);
