package io.keywarden.support.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.retry.Backoff;

/**
 * One database a component keeps its state in: a few pooled connections and transactions that survive what a shared
 * database does to its clients. A transaction that fails on a serialization conflict or a deadlock, or because the
 * connection was lost (PostgreSQL restarted: SQLState class 08, 57P01), is rolled back and run again with
 * {@link Backoff}, a bounded number of times, on a fresh connection where the old one broke. Work passed to
 * {@link #inTransaction} may therefore run more than once and must be written so that repeating it is harmless
 * (conditional updates, unique keys): after a lost connection a commit's outcome is unknown.
 */
public final class Database implements AutoCloseable {
    /** Connections kept by default: enough for a component's workers, small enough for PostgreSQL's 100. */
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Attempts of one transaction by default: with the default backoff about 30 s, a PostgreSQL restart's worth. */
    public static final int DEFAULT_ATTEMPTS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Dialect dialect;
    private final String description;
    private final ConnectionPool pool;
    private final int attempts;
    private final Backoff backoff;

    /** Work done inside one transaction; the connection must not be committed, rolled back or closed by it. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work without a result. */
    @FunctionalInterface
    public interface Step {
        void run(Connection c) throws SQLException;
    }

    private Database(String url, ConnectionSource source, int poolSize, int attempts, Backoff backoff) {
        this.dialect = Dialect.of(url);
        this.description = Dialect.redact(url);
        if (poolSize < 1 || attempts < 1) {
            throw new IllegalArgumentException("need poolSize >= 1 and attempts >= 1");
        }
        this.pool = new ConnectionPool(Objects.requireNonNull(source, "source"), poolSize, description);
        this.attempts = attempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** A database with the default pool size and retries (backoff from 100 ms up to 5 s). */
    public static Database open(String url, ConnectionSource source) {
        return open(url, source, DEFAULT_POOL_SIZE, DEFAULT_ATTEMPTS, defaultBackoff());
    }

    /**
     * A database of {@code poolSize} connections at most, each transaction tried {@code attempts} times at most.
     * Nothing is connected yet: the first transaction connects (and retries while the database is not up).
     */
    public static Database open(String url, ConnectionSource source, int poolSize, int attempts, Backoff backoff) {
        return new Database(url, source, poolSize, attempts, backoff);
    }

    /** Backoff from 100 ms, doubling, to 5 s. */
    public static Backoff defaultBackoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom());
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The URL without parameters, safe to log. */
    public String description() {
        return description;
    }

    /** Runs {@code work} in one READ COMMITTED transaction and commits; see the class comment on repetition. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return once(work, ConnectionPool.BORROW_WAIT_MILLIS);
            } catch (SQLException e) {
                if (!SqlStates.isRetryable(e) || attempt == attempts) {
                    throw e;
                }
                last = e;
                Duration wait = backoff.delay(attempt);
                LOG.debug("{}: transaction attempt {} failed ({}), again in {} ms", description, attempt, e, wait);
                if (attempt == 1 || attempt % 5 == 0) {
                    LOG.info("{}: {} (SQLState {}), retrying", description, e.getMessage(), e.getSQLState());
                }
                sleep(wait, e);
            }
        }
        throw last;
    }

    /** {@link #inTransaction(Work)} for work without a result. */
    public void inTransactionDo(Step step) throws SQLException {
        inTransaction(c -> {
            step.run(c);
            return null;
        });
    }

    /**
     * Runs {@code work} in one transaction, tried once, waiting at most {@code wait} for a pooled connection: for a
     * caller that must answer at once (a TLS handshake) and has a safe answer of its own when the database has none.
     * A lost connection is still discarded, so the next call connects again.
     */
    public <T> T inTransactionOnce(Work<T> work, Duration wait) throws SQLException {
        return once(work, wait.toMillis());
    }

    private <T> T once(Work<T> work, long borrowWaitMillis) throws SQLException {
        Connection c = pool.borrow(borrowWaitMillis);
        boolean broken = true;
        try {
            T result;
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
            broken = false;
            return result;
        } catch (SQLException e) {
            broken = SqlStates.isConnectionLost(e);
            if (broken) {
                pool.discardIdle();
            }
            throw e;
        } finally {
            pool.release(c, broken);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void sleep(Duration wait, SQLException cause) throws SQLException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SQLException stop = new SQLException("interrupted while waiting to retry", "HY008", e);
            stop.addSuppressed(cause);
            throw stop;
        }
    }

    /** Closes the idle connections; connections in use are closed when their transaction ends. */
    @Override
    public void close() {
        pool.close();
    }
}
