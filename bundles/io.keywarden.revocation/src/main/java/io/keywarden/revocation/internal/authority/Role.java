package io.keywarden.revocation.internal.authority;

import java.util.Locale;
import java.util.Optional;

/** What an authority may revoke; its scope is read according to the role. */
public enum Role {
    /** A gateway's monitor: the sensors attached to the gateway named by its scope. */
    GATEWAY_MONITOR("gateway-monitor"),
    /** The fleet authority: every gateway and sensor of the fleet, compromised gateways included. */
    FLEET_AUTHORITY("fleet-authority"),
    /** An operator: the devices whose ids match its scope's patterns. */
    OPERATOR("operator"),
    /** A device: itself only. */
    DEVICE("device");

    private final String configName;

    Role(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<Role> parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Role r : values()) {
            if (r.configName.equals(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
