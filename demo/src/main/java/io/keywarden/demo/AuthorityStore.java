package io.keywarden.demo;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the fleet authority of the demo and its tests keeps its state (docs/database.md). By default embedded H2, one
 * file per component in each instance's own data directories, opened with {@code AUTO_SERVER=TRUE} so that this
 * process can read it while the runtime holds it (a production authority keeps the default, embedded only). Or one
 * PostgreSQL database that both components of every instance use, as a cloud authority does (the fleet tests'
 * PostgreSQL variants). The demo and its tests read the authority's tickets, deposits, frozen gateways and issuance
 * logs through {@link #revocation} and {@link #fleet}: from the database the runtime was configured with, never from
 * another.
 */
final class AuthorityStore {
    private final Jdbc postgresql;

    private AuthorityStore(Jdbc postgresql) {
        this.postgresql = postgresql;
    }

    /** Embedded H2 in each instance's data directories (the components' default location, with AUTO_SERVER). */
    static AuthorityStore h2() {
        return new AuthorityStore(null);
    }

    /** One PostgreSQL database for both components of every instance. */
    static AuthorityStore postgresql(String url, String user, String password) {
        requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url);
        }
        return new AuthorityStore(new Jdbc(url, user, password));
    }

    boolean isPostgresql() {
        return postgresql != null;
    }

    /** {@code h2} or {@code postgresql}. */
    String name() {
        return isPostgresql() ? "postgresql" : "h2";
    }

    /** {@code store.url} (and for PostgreSQL the credentials) of the node's revocation policy. */
    Map<String, String> revocationProperties(AuthorityNode node) {
        return properties(isPostgresql() ? postgresql.url() : RevocationDb.url(node.revocation));
    }

    /** {@code store.url} (and for PostgreSQL the credentials) of the node's fleet component. */
    Map<String, String> fleetProperties(AuthorityNode node) {
        return properties(isPostgresql() ? postgresql.url() : FleetStage.storeUrl(node));
    }

    /** The node's revocation component's database, to read from this process. */
    Jdbc revocation(AuthorityNode node) {
        // IFEXISTS: a read before the runtime created its database finds nothing rather than creating an empty one
        return isPostgresql() ? postgresql : new Jdbc(RevocationDb.url(node.revocation) + ";IFEXISTS=TRUE", "", "");
    }

    /** The node's fleet component's database (the gateways' issuance logs), to read from this process. */
    Jdbc fleet(AuthorityNode node) {
        return isPostgresql() ? postgresql : new Jdbc(FleetStage.storeUrl(node) + ";IFEXISTS=TRUE", "", "");
    }

    private Map<String, String> properties(String url) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("store.url", url);
        if (isPostgresql()) {
            p.put("store.user", postgresql.user());
            p.put("store.password", postgresql.password());
        }
        return p;
    }
}
