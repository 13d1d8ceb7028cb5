package io.keywarden.revocation.internal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.jdbc.Dialect;

/** Where the revocation state lives (docs/database.md): the database URL, its credentials and the ticket lease. */
public final class StoreOptions {
    public static final String KEY_URL = "store.url";
    public static final String KEY_USER = "store.user";
    public static final String KEY_PASSWORD = "store.password";
    public static final String KEY_LEASE = "store.lease.seconds";
    public static final int DEFAULT_LEASE = 60;
    /** H2 writes each commit to the file at once (not 0.5 s later): a killed process loses no accepted ticket. */
    static final String H2_SETTINGS = ";WRITE_DELAY=0";

    private final String url;
    private final String user;
    private final String password;
    private final Duration lease;

    private StoreOptions(String url, String user, String password, Duration lease) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.lease = lease;
    }

    static StoreOptions parse(ConfigValues p, Path dataDir) throws InvalidConfigurationException {
        String url = p.string(KEY_URL).orElse("jdbc:h2:file:" + dataDir.resolve("revocation") + H2_SETTINGS);
        try {
            Dialect.of(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(KEY_URL, e.getMessage());
        }
        int lease = p.integer(KEY_LEASE, DEFAULT_LEASE, 5, 86400);
        return new StoreOptions(url, p.string(KEY_USER, ""), p.string(KEY_PASSWORD, ""), Duration.ofSeconds(lease));
    }

    /** The JDBC URL (may carry parameters: log {@link Dialect#redact} of it). */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** Never logged. */
    public String password() {
        return password;
    }

    /** How long an instance's claim on a ticket holds without progress. */
    public Duration lease() {
        return lease;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreOptions x
                && url.equals(x.url)
                && user.equals(x.user)
                && password.equals(x.password)
                && lease.equals(x.lease);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, user, lease);
    }

    @Override
    public String toString() {
        return Dialect.redact(url) + " as " + (user.isEmpty() ? "(default user)" : user) + ", lease " + lease;
    }
}
