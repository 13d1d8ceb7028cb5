package io.keywarden.support.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of connections at most, opened on demand and kept while they work. No pool library: H2's
 * JdbcConnectionPool would tie every bundle to H2's packages, and HikariCP is no OSGi bundle Kura has. A borrower
 * waits a bounded time for a free connection, then fails like a lost connection (and {@link Database} retries).
 */
final class ConnectionPool {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    static final long BORROW_WAIT_MILLIS = 30_000;

    private final ConnectionSource source;
    private final Semaphore permits;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final String description;
    private boolean closed;

    ConnectionPool(ConnectionSource source, int size, String description) {
        this.source = source;
        this.permits = new Semaphore(size, true);
        this.description = description;
    }

    Connection borrow(long waitMillis) throws SQLException {
        try {
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException(
                        description + ": no free connection within " + waitMillis + " ms", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", "HY008", e);
        }
        try {
            Connection c = takeIdle();
            return c != null ? c : fresh();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    void release(Connection c, boolean broken) {
        try {
            if (broken || !keep(c)) {
                closeQuietly(c);
            }
        } finally {
            permits.release();
        }
    }

    /** After a lost connection the idle ones were most likely lost with it (a database restart): open new ones. */
    void discardIdle() {
        Connection c;
        while ((c = takeIdle()) != null) {
            closeQuietly(c);
        }
    }

    void close() {
        synchronized (idle) {
            closed = true;
        }
        discardIdle();
    }

    private Connection takeIdle() {
        synchronized (idle) {
            return idle.pollFirst();
        }
    }

    private boolean keep(Connection c) {
        synchronized (idle) {
            if (closed) {
                return false;
            }
            idle.addFirst(c);
            return true;
        }
    }

    private Connection fresh() throws SQLException {
        synchronized (idle) {
            if (closed) {
                throw new SQLException(description + " is closed", "55000");
            }
        }
        Connection c = source.open();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        LOG.debug("{}: new connection", description);
        return c;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a connection failed", e);
        }
    }
}
