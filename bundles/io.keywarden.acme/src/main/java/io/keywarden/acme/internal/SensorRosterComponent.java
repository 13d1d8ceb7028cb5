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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.config.SensorConfig;
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

    @Activate
    public SensorRosterComponent(@Reference SensorEnrollmentService enrollment) {
        this.enrollment = enrollment;
    }

    @Activate
    void activate(Map<String, Object> properties) throws IOException {
        String id = required(properties, SensorConfig.KEY_DEVICE_ID);
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

    private static String required(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException(SensorConfig.FACTORY_PID + ": " + key + " is required");
        }
        return String.valueOf(v).trim();
    }
}
