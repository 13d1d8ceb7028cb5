package io.keywarden.revocation.internal.authority;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/** Parses one authority configuration; every error names its property. */
public final class AuthorityOptions {
    public static final String FACTORY_PID = "io.keywarden.revocation.authority";
    public static final String KEY_ID = "authority.id";
    public static final String KEY_ROLE = "authority.role";
    public static final String KEY_KEY = "authority.key";
    public static final String KEY_SCOPE = "authority.scope";

    private AuthorityOptions() {}

    public static Authority parse(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigValues p = new ConfigValues(properties);
        String id = p.required(KEY_ID);
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}")) {
            throw new InvalidConfigurationException(KEY_ID, "1-128 letters, digits and . _ @ : - expected: " + id);
        }
        Role role = Role.parse(p.required(KEY_ROLE))
                .orElseThrow(() -> new InvalidConfigurationException(
                        KEY_ROLE,
                        "unknown role '" + properties.get(KEY_ROLE)
                                + "', expected gateway-monitor, fleet-authority, operator or device"));
        PublicKey key;
        try {
            key = Pem.publicKey(Pem.pemOrFile(p.required(KEY_KEY)));
            JwsKeys.algorithm(key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new InvalidConfigurationException(KEY_KEY, "no usable public key: " + e.getMessage());
        }
        List<String> scope = List.copyOf(p.strings(KEY_SCOPE));
        boolean needsOne = role == Role.GATEWAY_MONITOR || role == Role.DEVICE;
        if (needsOne && scope.size() != 1) {
            throw new InvalidConfigurationException(
                    KEY_SCOPE,
                    role.configName() + " needs exactly one "
                            + (role == Role.DEVICE ? "device id (its own)" : "gateway id") + ", got " + scope);
        }
        if (role == Role.OPERATOR && scope.isEmpty()) {
            throw new InvalidConfigurationException(KEY_SCOPE, "an operator needs at least one device id or pattern");
        }
        return new Authority(id, key, role, scope);
    }
}
