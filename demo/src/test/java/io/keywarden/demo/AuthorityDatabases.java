package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keywarden.testing.postgres.PostgresServer;

/**
 * The database a fleet test's authority keeps its state in, for the tests that must pass on both (issue 14, test 1):
 * embedded H2 (the default) or a real PostgreSQL (Debian's, one server per test class, started when a test first asks
 * for it; skipped locally when it is not installed, a failure in CI), with a fresh database per test. {@link #close}
 * stops the server.
 */
final class AuthorityDatabases implements AutoCloseable {
    enum Kind {
        H2,
        POSTGRESQL;

        /** For a test's work directory. */
        String dir() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private PostgresServer postgres;

    /** Where the authority of the test {@code name} (a PostgreSQL database name: lower case, digits, '_') keeps it. */
    synchronized AuthorityStore store(Kind kind, String name) {
        if (kind == Kind.H2) {
            return AuthorityStore.h2();
        }
        if (postgres == null) {
            assumeTrue(
                    PostgresServer.availableOrFailInCi(),
                    PostgresServer.unavailable().orElse(""));
            postgres = PostgresServer.start();
        }
        return AuthorityStore.postgresql(postgres.createDatabase(name), postgres.user(), postgres.password());
    }

    /**
     * The authority wrote its state where it was configured to, and nowhere else: the revocation component's
     * {@code revocationTable} and the fleet component's {@code fleetTable} hold rows in the databases the test read,
     * and an H2 file exists in the authority's data directories exactly when the store is H2 (so a PostgreSQL run
     * cannot pass on a runtime that quietly fell back to its embedded default).
     */
    static void assertStateWhereConfigured(FleetStage fleet, String revocationTable, String fleetTable)
            throws SQLException {
        long revocationRows = count(fleet.revocationDb(), revocationTable);
        long fleetRows = count(fleet.fleetDb(), fleetTable);
        assertTrue(revocationRows > 0, revocationTable + " is empty in " + fleet.revocationDb());
        assertTrue(fleetRows > 0, fleetTable + " is empty in " + fleet.fleetDb());
        boolean h2 = !fleet.store().isPostgresql();
        for (Path file : List.of(
                fleet.authority.revocation.resolve("revocation.mv.db"), fleet.authority.fleet.resolve("fleet.mv.db"))) {
            assertEquals(
                    h2,
                    Files.exists(file),
                    file + (h2 ? " missing" : " exists") + " with "
                            + fleet.store().name());
        }
        System.out.printf(
                "authority state in %s: %d rows in %s, %d in %s%n",
                fleet.store().name(), revocationRows, revocationTable, fleetRows, fleetTable);
    }

    /** The authority's journaled tickets, from its revocation database. */
    static List<Map<String, Object>> tickets(FleetStage fleet) throws SQLException {
        Jdbc db = fleet.revocationDb();
        return RevocationDb.tickets(db.url(), db.user(), db.password());
    }

    /** The digest of the gateway's deposit the authority accepted (proven at the CA), from its revocation database. */
    static Optional<String> acceptedDeposit(FleetStage fleet, String gatewayId) throws SQLException {
        Jdbc db = fleet.revocationDb();
        return RevocationDb.acceptedDeposit(db.url(), db.user(), db.password(), gatewayId);
    }

    /** The gateways the authority froze, from its fleet database. */
    static Set<String> frozen(FleetStage fleet) throws SQLException {
        Jdbc db = fleet.fleetDb();
        return StoredLog.frozen(db.url(), db.user(), db.password());
    }

    private static long count(Jdbc db, String table) throws SQLException {
        return RevocationDb.count(db.url(), db.user(), db.password(), table);
    }

    /**
     * The statements the server refused while the authority ran (its log is deleted with the server): the expected
     * ones (a unique key that stops a second writer, say) and any a bundle swallowed that points to a defect. (Not the
     * FATAL lines: the harness's readiness probe connects as the operating system's user and is refused.)
     */
    private static void printErrors(Path log) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> errors =
                    lines.filter(l -> l.contains("ERROR:")).distinct().toList();
            System.out.printf("PostgreSQL refused %d statement(s)%n", errors.size());
            errors.forEach(e -> System.out.println("  " + e));
        } catch (IOException | UncheckedIOException e) {
            System.out.println("PostgreSQL's log unreadable: " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            printErrors(postgres.log());
            postgres.close();
            postgres = null;
        }
    }
}
