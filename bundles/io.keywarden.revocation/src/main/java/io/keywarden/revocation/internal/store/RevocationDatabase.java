package io.keywarden.revocation.internal.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.revocation.internal.config.StoreOptions;
import io.keywarden.revocation.internal.escrow.DepositStore;
import io.keywarden.revocation.internal.escrow.JdbcDepositStore;
import io.keywarden.revocation.internal.queue.JdbcTicketJournal;
import io.keywarden.revocation.internal.queue.NoticeLedger;
import io.keywarden.revocation.internal.queue.TicketJournal;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.JdbcDrivers;
import io.keywarden.support.jdbc.Migrations;

/**
 * The revocation component's database (docs/database.md): opened from the configuration, brought to the current
 * schema, and the stores on it. The instance id (host and data directory) names this instance's claims on tickets.
 */
public final class RevocationDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationDatabase.class);
    /** The schema's scripts, in order (src/main/resources/io/keywarden/revocation/db). */
    public static final Migrations SCHEMA = Migrations.of(
            "revocation",
            RevocationDatabase.class,
            "/io/keywarden/revocation/db/",
            "V1__revocation.sql",
            "V2__executions.sql",
            "V3__escrow.sql",
            "V4__notices.sql",
            "V5__nonce_requests.sql",
            "V6__denied_sequence.sql");

    private final Database db;
    private final String instanceId;
    private final TicketJournal journal;
    private final NonceStore nonces;
    private final DenyListStore denyList;
    private final ReleaseStore releases;
    private final DepositStore deposits;

    private RevocationDatabase(Database db, StoreOptions options, Path dataDir, Duration replayWindow, Clock clock) {
        this.db = db;
        this.instanceId = instanceId(dataDir);
        this.journal = new JdbcTicketJournal(db, instanceId, options.lease(), clock);
        this.nonces = new JdbcNonceStore(db, replayWindow, options.lease());
        this.denyList = new JdbcDenyList(db, clock);
        this.releases = new JdbcReleaseStore(db);
        this.deposits = new JdbcDepositStore(db, clock);
    }

    /**
     * Opens the database and applies the migrations.
     *
     * @param context the bundle's context (the driver as an OSGi service), or null outside OSGi
     * @param dataDir this instance's data directory: with the host name, its id in the tickets' claims
     * @param connections the most connections kept open
     */
    public static RevocationDatabase open(
            BundleContext context,
            StoreOptions options,
            Path dataDir,
            int connections,
            Duration replayWindow,
            Clock clock)
            throws IOException {
        Database db = Database.open(
                options.url(),
                JdbcDrivers.connectionSource(context, options.url(), options.user(), options.password()),
                connections,
                Database.DEFAULT_ATTEMPTS,
                Database.defaultBackoff());
        try {
            long start = System.nanoTime();
            int applied = SCHEMA.apply(db);
            LOG.info(
                    "Revocation state in {} ({} through the {}), schema version {} ({} applied in {} ms)",
                    db.description(),
                    db.dialect(),
                    JdbcDrivers.route(context, db.dialect()),
                    SCHEMA.latest(),
                    applied,
                    (System.nanoTime() - start) / 1_000_000);
            return new RevocationDatabase(db, options, dataDir, replayWindow, clock);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw new IOException("cannot open the revocation database " + db.description() + ": " + e, e);
        }
    }

    public Database database() {
        return db;
    }

    /** This activation's name in the tickets' claims. */
    public String instance() {
        return instanceId;
    }

    /** Which tickets' notices the broker acknowledged (docs/database.md, "Two authority instances"). */
    public NoticeLedger notices(Duration lease, Clock clock) {
        return new NoticeLedger(db, instanceId, lease, clock);
    }

    public TicketJournal journal() {
        return journal;
    }

    public NonceStore nonces() {
        return nonces;
    }

    public DenyListStore denyList() {
        return denyList;
    }

    public ReleaseStore releases() {
        return releases;
    }

    /** The escrow vault's accepted and refused deposits. */
    public DepositStore deposits() {
        return deposits;
    }

    @Override
    public void close() {
        db.close();
    }

    // host and data directory: the same for this instance after a restart (it takes its own tickets back at once,
    // even after a crash), different for any other instance (another host, or another data directory on this one)
    private static String instanceId(Path dataDir) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String id = host + ":" + dataDir.toAbsolutePath();
        return id.length() > 200 ? id.substring(id.length() - 200) : id;
    }
}
