package io.keywarden.fleet.internal.config;

import java.nio.file.Path;
import java.util.Map;

import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.jdbc.Dialect;

/**
 * Where the authority keeps the gateways' issuance logs ({@code inventory.collect}): {@code store.url}, a JDBC URL of
 * H2 ({@code jdbc:h2:file:...}, the default: {@code <data dir>/fleet} as an H2 file, {@code WRITE_DELAY=0}) or PostgreSQL
 * ({@code jdbc:postgresql://...}, for several authority instances), {@code store.user} and {@code store.password}.
 *
 * @param password empty for none
 */
public record StoreSettings(String url, String user, String password) {
    public static final String KEY_URL = "store.url";
    public static final String KEY_USER = "store.user";
    public static final String KEY_PASSWORD = "store.password";
    /** Each commit written at once (H2 otherwise delays writes by up to 500 ms): an acknowledged entry is on disk. */
    static final String H2_SETTINGS = ";WRITE_DELAY=0";

    /** @param decoded the configuration with its secrets decoded */
    public static StoreSettings parse(Map<String, ?> decoded, Path dataDir) throws InvalidConfigurationException {
        ConfigValues props = new ConfigValues(decoded);
        String url = props.string(KEY_URL)
                .orElse("jdbc:h2:file:" + dataDir.resolve("fleet").toAbsolutePath() + H2_SETTINGS);
        try {
            Dialect.of(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(KEY_URL, e.getMessage());
        }
        return new StoreSettings(
                url,
                props.string(KEY_USER).orElse(""),
                props.string(KEY_PASSWORD).orElse(""));
    }

    @Override
    public String toString() {
        return "StoreSettings[" + Dialect.redact(url) + (user.isEmpty() ? "" : " as " + user) + "]";
    }
}
