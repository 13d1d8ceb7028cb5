package io.keywarden.acme.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.config.SensorConfig;

/**
 * The challenge type a sensor's own factory configuration declares for its names, read from ConfigurationAdmin when
 * a challenge is answered: always the current configuration, also for orders resumed before the sensor's component
 * has started.
 */
final class SensorChallengeTypes implements ChallengeSolvers.Declared {
    private static final Logger LOG = LoggerFactory.getLogger(SensorChallengeTypes.class);
    private static final String FILTER =
            "(&(service.factoryPid=" + SensorConfig.FACTORY_PID + ")(" + SensorConfig.KEY_CHALLENGE_TYPE + "=*))";

    private final Supplier<ConfigurationAdmin> configAdmin;

    SensorChallengeTypes(Supplier<ConfigurationAdmin> configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public Optional<String> typeOf(String identifier) {
        ConfigurationAdmin ca = configAdmin.get();
        if (ca == null) {
            return Optional.empty();
        }
        try {
            Configuration[] configs = ca.listConfigurations(FILTER);
            if (configs == null) {
                return Optional.empty();
            }
            String name = identifier.toLowerCase(Locale.ROOT);
            for (Configuration c : configs) {
                Object names =
                        c.getProperties() == null ? null : c.getProperties().get(SensorConfig.KEY_DNS_NAMES);
                Object type =
                        c.getProperties() == null ? null : c.getProperties().get(SensorConfig.KEY_CHALLENGE_TYPE);
                if (names != null && type != null && !String.valueOf(type).isBlank() && lists(names, name)) {
                    return Optional.of(String.valueOf(type).trim());
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.debug("Sensor configurations unreadable, using the gateway's challenge choice: {}", e.toString());
        }
        return Optional.empty();
    }

    private static boolean lists(Object names, String name) {
        for (String n : String.valueOf(names).split(",")) {
            if (n.trim().toLowerCase(Locale.ROOT).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
