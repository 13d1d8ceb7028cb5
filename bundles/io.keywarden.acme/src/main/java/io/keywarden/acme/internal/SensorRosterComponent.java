package io.keywarden.acme.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.SensorConfig;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.support.config.ConfigValues;
import io.keywarden.support.config.ConfigurationErrors;
import io.keywarden.support.config.InvalidConfigurationException;

/**
 * Enrolls a sensor declared in configuration (one factory configuration per sensor), for gateways whose
 * sensors are known in advance. Enrolling an already enrolled sensor with the same request is a no-op,
 * so restarts and re-deliveries of the configuration order nothing new.
 */
@Component(
        configurationPid = SensorConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {})
@Designate(ocd = SensorConfig.class, factory = true)
public final class SensorRosterComponent {
    private static final Logger LOG = LoggerFactory.getLogger(SensorRosterComponent.class);

    private final SensorEnrollmentService enrollment;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public SensorRosterComponent(@Reference SensorEnrollmentService enrollment) {
        this.enrollment = enrollment;
    }

    @Activate
    void activate(Map<String, Object> properties) throws InvalidConfigurationException {
        Object pid = properties.getOrDefault(Constants.SERVICE_PID, SensorConfig.FACTORY_PID);
        SensorEnrollmentRequest request = ConfigurationErrors.parse(
                LOG, eventAdmin, String.valueOf(pid), () -> request(new ConfigValues(properties)));
        String id = request.getDeviceId();
        enrollment.enroll(request).whenComplete((record, error) -> {
            if (error != null) {
                LOG.error("Sensor {} could not be enrolled: {}", id, error.getMessage());
            } else {
                LOG.info("Sensor {} holds certificate {} until {}", id, record.getSerial(), record.getNotAfter());
            }
        });
    }

    private static SensorEnrollmentRequest request(ConfigValues p) throws InvalidConfigurationException {
        String id = p.required(SensorConfig.KEY_DEVICE_ID);
        SensorEnrollmentRequest.Builder b = SensorEnrollmentRequest.builder(id);
        // the type itself is read when a challenge is answered (SensorChallengeTypes); a wrong one fails here first
        Optional<String> type = p.string(SensorConfig.KEY_CHALLENGE_TYPE);
        if (type.isPresent() && ChallengeTypes.parse(type.get()).isEmpty()) {
            throw new InvalidConfigurationException(
                    SensorConfig.KEY_CHALLENGE_TYPE,
                    "unknown challenge type '" + type.get() + "' for sensor " + id + ", expected one of "
                            + ChallengeTypes.ALL);
        }
        p.required(SensorConfig.KEY_DNS_NAMES);
        p.strings(SensorConfig.KEY_DNS_NAMES).forEach(b::dnsName);
        Optional<Path> csrFile = p.path(SensorConfig.KEY_CSR_FILE);
        if (csrFile.isPresent()) {
            try {
                b.csrPem(Files.readString(csrFile.get(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new InvalidConfigurationException(
                        SensorConfig.KEY_CSR_FILE, "cannot read the CSR of sensor " + id + ": " + e);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidConfigurationException(SensorConfig.KEY_DNS_NAMES, e.getMessage());
        }
    }
}
