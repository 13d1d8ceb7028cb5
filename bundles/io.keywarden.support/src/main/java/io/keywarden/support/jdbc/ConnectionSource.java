package io.keywarden.support.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new physical connection; {@link Database} pools them. See {@link JdbcDrivers} for the usual sources. */
@FunctionalInterface
public interface ConnectionSource {
    Connection open() throws SQLException;
}
