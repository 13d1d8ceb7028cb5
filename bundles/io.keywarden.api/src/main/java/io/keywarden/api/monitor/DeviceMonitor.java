package io.keywarden.api.monitor;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's device monitor: incidents raised so far, devices it keeps off the sensor channel, what it sees of
 * each sensor, and what the gateway itself runs.
 */
@ProviderType
public interface DeviceMonitor {

    /** Every incident since the monitor's data directory was created, oldest first. */
    List<Incident> getIncidents();

    /** Devices refused on the sensor channel by the monitor's own decision (the deny list is separate). */
    Set<String> getQuarantinedDevices();

    boolean isQuarantined(String deviceId);

    /**
     * Lets a quarantined device back on the channel. A certificate that is also on the revocation deny list stays
     * refused.
     *
     * @return false when the device was not quarantined
     */
    boolean liftQuarantine(String deviceId, String reason);

    /** What the gateway saw of each sensor on the channel. */
    List<SensorActivity> getSensorActivity();

    /** The address the sensor channel listens on, once it does. */
    Optional<InetSocketAddress> getChannelAddress();

    /** The authority id the monitor signs revocation requests with. */
    String getAuthorityId();

    /** The monitor's public key in PEM, to configure it as the gateway-monitor authority. */
    String getAuthorityPublicKeyPem();

    /** Collects the gateway's processes, sockets and bundles now. */
    GatewaySnapshot observeGateway();
}
