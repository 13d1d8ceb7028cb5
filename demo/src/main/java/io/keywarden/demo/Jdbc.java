package io.keywarden.demo;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A database of the authority as the demo and its tests connect to it from outside the runtime: H2 through its
 * automatic server, or PostgreSQL. The password is the test server's or the demo's throwaway one; never logged.
 */
record Jdbc(String url, String user, String password) {
    Jdbc {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public String toString() {
        return url;
    }
}
