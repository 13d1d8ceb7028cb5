package io.keywarden.demo;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keywarden.testing.postgres.PostgresServer;

/**
 * The fleet authority of {@code demo-fleet}: one instance on its own embedded H2 (the default), or one or more
 * instances on one PostgreSQL (docs/database.md): the revocation component's tickets, nonces, deny list and escrow
 * vault and the fleet component's issuance logs in the same database, and with two or more instances the gateways'
 * logs and deposits as an MQTT shared subscription ({@code authority.share.group}). The demo looks at the authority's
 * state from outside through the same database.
 */
final class FleetAuthorities implements AutoCloseable {
    /** The share group of the instances on the fleet's broker. */
    static final String SHARE_GROUP = "authorities";

    private final FleetStage fleet;
    private final PostgresServer postgres;
    private final List<AuthorityNode> nodes = new ArrayList<>();

    private FleetAuthorities(FleetStage fleet, PostgresServer postgres) {
        this.fleet = fleet;
        this.postgres = postgres;
    }

    /**
     * Configures {@code count} instances (not started). {@code postgresql} false: one instance, H2 in its data
     * directory; true: PostgreSQL started here on a free port with a throwaway data directory.
     *
     * @param caParallel the revocation policy's {@code ca.parallel} per instance, 0 for its default
     */
    static FleetAuthorities configure(FleetStage fleet, int count, boolean postgresql, int caParallel) {
        if (count < 1 || (count > 1 && !postgresql)) {
            throw new DemoException("several authority instances share one PostgreSQL: add --db postgresql", 2);
        }
        if (postgresql && PostgresServer.unavailable().isPresent()) {
            throw new DemoException(PostgresServer.unavailable().get(), 2);
        }
        FleetAuthorities a = new FleetAuthorities(fleet, postgresql ? PostgresServer.start() : null);
        try {
            Map<String, String> policy = new LinkedHashMap<>();
            Map<String, String> fleetExtra = new LinkedHashMap<>();
            if (caParallel > 0) {
                policy.put("ca.parallel", Integer.toString(caParallel));
            }
            if (postgresql) {
                Map<String, String> store = Map.of(
                        "store.url", a.postgres.jdbcUrl(),
                        "store.user", a.postgres.user(),
                        "store.password", a.postgres.password());
                policy.putAll(store);
                fleetExtra.putAll(store);
            }
            if (count > 1) {
                fleetExtra.put("authority.share.group", SHARE_GROUP);
            }
            fleet.configureAuthority(policy, fleetExtra);
            a.nodes.add(fleet.authority);
            for (int i = 2; i <= count; i++) {
                a.nodes.add(fleet.addAuthority("authority-" + (char) ('a' + i - 1), policy, fleetExtra));
            }
            return a;
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    List<AuthorityNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Starts every instance; returns their processes in order. */
    List<RuntimeProcess> start(Path runtimeJar) {
        List<RuntimeProcess> out = new ArrayList<>();
        for (AuthorityNode n : nodes) {
            out.add(n.start(runtimeJar));
        }
        return out;
    }

    /** The serials the authority's stored issuance log of the gateway records. */
    Set<String> storedSerials(String gatewayId) {
        return postgres == null
                ? fleet.storedSerials(gatewayId)
                : StoredLog.serials(postgres.jdbcUrl(), postgres.user(), postgres.password(), gatewayId);
    }

    /** True once the authority's escrow vault accepted (proved at the CA and recorded) the gateway's deposit. */
    boolean depositAccepted(String gatewayId) {
        try {
            return (postgres == null
                            ? RevocationDb.acceptedDeposit(fleet.authorityRevocation, gatewayId)
                            : RevocationDb.acceptedDeposit(
                                    postgres.jdbcUrl(), postgres.user(), postgres.password(), gatewayId))
                    .isPresent();
        } catch (SQLException notYet) {
            return false; // the schema is created when the component starts
        }
    }

    /** The ticket's journaled state (REVOKED, FAILED, ...), whichever instance journaled it. */
    Optional<String> ticketState(String ticketId) throws SQLException {
        return postgres == null
                ? RevocationDb.ticketState(fleet.authorityRevocation, ticketId)
                : RevocationDb.ticketState(postgres.jdbcUrl(), postgres.user(), postgres.password(), ticketId);
    }

    /** The instance (node name) each certificate of the ticket was recorded as revoked by, counted. */
    Map<String, Long> executionsByInstance() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            List<String> rows = postgres == null
                    ? RevocationDb.executions(fleet.authorityRevocation)
                    : RevocationDb.executions(postgres.jdbcUrl(), postgres.user(), postgres.password());
            for (String row : rows) {
                String instance = row.substring(row.indexOf(' ') + 1);
                out.merge(nodeOf(instance), 1L, Long::sum);
            }
        } catch (SQLException e) {
            out.put("(cannot read: " + e.getMessage() + ")", 0L);
        }
        return out;
    }

    /** The instance id is the host name and the data directory: the node whose revocation directory it names. */
    private String nodeOf(String instance) {
        for (AuthorityNode n : nodes) {
            if (instance.endsWith(":" + n.revocation.toAbsolutePath())) {
                return n.name;
            }
        }
        return instance;
    }

    /** Stops the instances (the stage would too, but after the database they use is gone), then PostgreSQL. */
    @Override
    public void close() {
        try {
            nodes.forEach(AuthorityNode::close);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
