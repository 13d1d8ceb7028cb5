package io.keywarden.acme.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.InvalidConfigurationException;
import io.keywarden.acme.internal.config.SensorConfig;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;

/**
 * Enrolls a sensor declared in configuration (one factory configuration per sensor), for gateways whose
 * sensors are known in advance. Enrolling an already enrolled sensor with the same request is a no-op,
 * so restarts and re-deliveries of the configuration order nothing new.
 */
@Component(configurationPid = SensorConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = SensorConfig.class, factory = true)
public final class SensorRosterComponent {
    private static final Logger LOG = LoggerFactory.getLogger(SensorRosterComponent.class);

    private final SensorEnrollmentService enrollment;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    @Activate
    public SensorRosterComponent(@Reference SensorEnrollmentService enrollment) {
        this.enrollment = enrollment;
    }

    @Activate
    void activate(Map<String, Object> properties) throws IOException, InvalidConfigurationException {
        String id = required(properties, SensorConfig.KEY_DEVICE_ID);
        checkChallengeType(id, properties.get(SensorConfig.KEY_CHALLENGE_TYPE));
        SensorEnrollmentRequest.Builder b = SensorEnrollmentRequest.builder(id);
        for (String name : required(properties, SensorConfig.KEY_DNS_NAMES).split(",")) {
            if (!name.isBlank()) {
                b.dnsName(name.trim());
            }
        }
        Object csrFile = properties.get(SensorConfig.KEY_CSR_FILE);
        if (csrFile != null && !String.valueOf(csrFile).isBlank()) {
            try {
                b.csrPem(Files.readString(Paths.get(String.valueOf(csrFile).trim()), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IOException(SensorConfig.KEY_CSR_FILE + ": cannot read the CSR of sensor " + id + ": " + e, e);
            }
        }
        enrollment.enroll(b.build()).whenComplete((record, error) -> {
            if (error != null) {
                LOG.error("Sensor {} could not be enrolled: {}", id, error.getMessage());
            } else {
                LOG.info("Sensor {} holds certificate {} until {}", id, record.getSerial(), record.getNotAfter());
            }
        });
    }

    /** The type itself is read when a challenge is answered (SensorChallengeTypes); a wrong one fails here first. */
    private void checkChallengeType(String id, Object type) throws InvalidConfigurationException {
        if (type == null || String.valueOf(type).isBlank() || ChallengeTypes.parse(String.valueOf(type)).isPresent()) {
            return;
        }
        InvalidConfigurationException e = new InvalidConfigurationException(SensorConfig.KEY_CHALLENGE_TYPE,
                "unknown challenge type '" + type + "' for sensor " + id + ", expected one of " + ChallengeTypes.ALL);
        LOG.error("Sensor configuration {} rejected: {}", id, e.getMessage());
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(EnrollmentEvents.TOPIC_CONFIG_INVALID, Map.of(EnrollmentEvents.PROPERTY_CONFIG_PID,
                    SensorConfig.FACTORY_PID, EnrollmentEvents.PROPERTY_CONFIG_PROPERTY, e.getProperty(),
                    EnrollmentEvents.PROPERTY_ERROR, e.getMessage())));
        }
        throw e;
    }

    private static String required(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException(SensorConfig.FACTORY_PID + ": " + key + " is required");
        }
        return String.valueOf(v).trim();
    }
}
