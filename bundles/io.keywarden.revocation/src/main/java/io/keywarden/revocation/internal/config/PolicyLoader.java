package io.keywarden.revocation.internal.config;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.config.SecretDecoder;
import io.keywarden.support.config.ConfigSecrets;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;

/** The revocation component's configuration as it activates: the database password decoded, then parsed. */
public final class PolicyLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLoader.class);

    private PolicyLoader() {}

    /**
     * The options, or empty while {@code store.password} is encrypted and the platform's decoder is not there yet.
     *
     * @throws InvalidConfigurationException a bad value, reported the usual way (log line and event)
     */
    public static Optional<PolicyOptions> load(
            Map<String, Object> properties, BundleContext context, SecretDecoder decoder, EventAdmin events)
            throws InvalidConfigurationException {
        Optional<Map<String, Object>> decoded = ConfigurationErrors.parse(
                LOG,
                events,
                PolicyOptions.PID,
                () -> ConfigSecrets.decode(properties, List.of(StoreOptions.KEY_PASSWORD), decoder, context));
        if (decoded.isEmpty()) {
            LOG.info(
                    "Configuration {}: the database password waits for the platform's SecretDecoder",
                    PolicyOptions.PID);
            return Optional.empty();
        }
        File area = context.getDataFile("revocation");
        return Optional.of(ConfigurationErrors.parse(
                LOG,
                events,
                PolicyOptions.PID,
                () -> PolicyOptions.parse(decoded.get(), area == null ? null : area.toPath())));
    }
}
