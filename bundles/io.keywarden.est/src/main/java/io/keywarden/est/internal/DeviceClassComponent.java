package io.keywarden.est.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.est.internal.policy.DeviceClass;

/** One configured device class, offered to the EST component (a bad configuration keeps it away, logged). */
@Component(
        configurationPid = DeviceClassOptions.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = DeviceClassComponent.class)
@Designate(ocd = DeviceClassConfig.class, factory = true)
public final class DeviceClassComponent {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceClassComponent.class);

    private final DeviceClass deviceClass;

    @Activate
    public DeviceClassComponent(Map<String, Object> properties) {
        try {
            this.deviceClass = DeviceClassOptions.parse(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("EST device class {} rejected: {}", properties.get("service.pid"), e.getMessage());
            throw e;
        }
        LOG.info(
                "EST device class {}: IDevID {}, codes {}",
                deviceClass.getName(),
                deviceClass.acceptsManufacturerCertificates() ? "accepted" : "not accepted",
                deviceClass.acceptsCodes() ? "accepted" : "not accepted");
    }

    DeviceClass get() {
        return deviceClass;
    }
}
