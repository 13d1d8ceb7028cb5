package io.keywarden.support.jdbc;

import java.util.Locale;

/** The two databases Keywarden keeps state in, told apart by the JDBC URL. */
public enum Dialect {
    /** Embedded H2 (Kura ships 2.1.214), the default: {@code jdbc:h2:file:...}. */
    H2("jdbc:h2:", "org.h2.Driver"),
    /** PostgreSQL, for a cloud authority shared by several instances: {@code jdbc:postgresql://...}. */
    POSTGRESQL("jdbc:postgresql:", "org.postgresql.Driver");

    private final String prefix;
    private final String driverClass;

    Dialect(String prefix, String driverClass) {
        this.prefix = prefix;
        this.driverClass = driverClass;
    }

    /** The class name of the driver, also the {@code osgi.jdbc.driver.class} property of its DataSourceFactory. */
    public String driverClass() {
        return driverClass;
    }

    /** The dialect of a JDBC URL; any other database is refused rather than half supported. */
    public static Dialect of(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (lower.startsWith(d.prefix)) {
                return d;
            }
        }
        throw new IllegalArgumentException("not an H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) URL: " + redact(url));
    }

    /** The URL without its parameters (which may carry a password), for logs and error messages. */
    public static String redact(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }
}
