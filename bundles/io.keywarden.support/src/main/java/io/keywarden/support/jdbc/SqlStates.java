package io.keywarden.support.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a failed statement means for the caller: try the transaction again, reconnect first, or give up. */
public final class SqlStates {
    /** SQL standard integrity constraint violation: unique / primary key (H2 and PostgreSQL alike). */
    public static final String UNIQUE_VIOLATION = "23505";

    // 40001 serialization failure (both), 40P01 PostgreSQL deadlock, HYT00 H2 lock timeout, 90131 H2 concurrent update
    private static final Set<String> CONFLICTS = Set.of("40001", "40P01", "HYT00", "90131");
    // 57P01 admin shutdown (PostgreSQL restart), 57P02 crash shutdown, 57P03 cannot connect now (starting up),
    // 90067 H2 connection broken, 90098 H2 database closed (an embedded database closes with its last connection: a
    // pooled connection then finds it closed, and a new connection opens it again)
    private static final Set<String> CONNECTION_LOST = Set.of("57P01", "57P02", "57P03", "90067", "90098");

    private SqlStates() {}

    /** A failure of the connection itself (SQLState class 08, PostgreSQL shutting down or starting): reconnect. */
    public static boolean isConnectionLost(SQLException e) {
        for (SQLException s : chain(e)) {
            String state = s.getSQLState();
            if (s instanceof SQLRecoverableException
                    || s instanceof SQLTransientConnectionException
                    || (state != null && (state.startsWith("08") || CONNECTION_LOST.contains(state)))) {
                return true;
            }
        }
        return false;
    }

    /** Worth running the whole transaction again: a lost connection or a conflict with a concurrent transaction. */
    public static boolean isRetryable(SQLException e) {
        if (isConnectionLost(e)) {
            return true;
        }
        for (SQLException s : chain(e)) {
            if (s instanceof SQLTransactionRollbackException
                    || (s.getSQLState() != null && CONFLICTS.contains(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** A unique or primary key constraint refused the row: e.g. a replayed nonce, a key already present. */
    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException s : chain(e)) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    // a batch failure carries the statement's own exception as the next one (pgjdbc) or as the cause
    private static Iterable<SQLException> chain(SQLException e) {
        List<SQLException> all = new ArrayList<>();
        SQLException s = e;
        while (s != null && all.size() < 16) {
            all.add(s);
            s = s.getNextException();
        }
        Throwable c = e.getCause();
        while (c != null && all.size() < 32) {
            if (c instanceof SQLException) {
                all.add((SQLException) c);
            }
            c = c.getCause();
        }
        return all;
    }
}
