package io.keywarden.revocation.internal.authority;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.util.List;

/**
 * A configured party allowed to sign revocation requests: its id (the request's {@code requester}), its key, its
 * role and its scope (gateway id, device id or device id patterns, depending on the role). Registered as a service
 * of this bundle by {@link AuthorityComponent}, one per configuration.
 */
public final class Authority {
    private final String id;
    private final PublicKey key;
    private final Role role;
    private final List<String> scope;

    public Authority(String id, PublicKey key, Role role, List<String> scope) {
        this.id = requireNonNull(id, "id");
        this.key = requireNonNull(key, "key");
        this.role = requireNonNull(role, "role");
        this.scope = List.copyOf(scope);
    }

    public String getId() {
        return id;
    }

    public PublicKey getKey() {
        return key;
    }

    public Role getRole() {
        return role;
    }

    /** Gateway id (monitor), own device id (device), device id patterns with {@code *} and {@code ?} (operator). */
    public List<String> getScope() {
        return scope;
    }

    @Override
    public String toString() {
        return id + " (" + role.configName() + (scope.isEmpty() ? "" : " " + String.join(",", scope)) + ")";
    }
}
