package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

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
        long revocationRows = RevocationDb.count(fleet.revocationDb(), revocationTable);
        long fleetRows = RevocationDb.count(fleet.fleetDb(), fleetTable);
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

    @Override
    public synchronized void close() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
