package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;

/**
 * The engine's device slots and what the store says about each device. Certificates are read under the device's
 * monitor, the same one writers hold, so a reader never sees a new certificate CURRENT beside the old one.
 */
final class DeviceSlots {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSlots.class);

    private final StateStore store;
    private final Map<String, DeviceSlot> slots = new ConcurrentHashMap<>();

    DeviceSlots(StateStore store) {
        this.store = requireNonNull(store, "store");
    }

    /** The device's slot, created on first use. */
    DeviceSlot slot(String id) {
        return slots.computeIfAbsent(id, DeviceSlot::new);
    }

    /** The device's slot if the engine has touched the device since it started. */
    Optional<DeviceSlot> existing(String id) {
        return Optional.ofNullable(slots.get(id));
    }

    Collection<DeviceSlot> all() {
        return slots.values();
    }

    Optional<CertificateRecord> currentOf(String deviceId) {
        try {
            List<CertificateRecord> all = certificatesOrThrow(deviceId);
            CertificateRecord best = null;
            for (CertificateRecord r : all) {
                if (r.getStatus() == CertificateStatus.CURRENT) {
                    best = r;
                }
            }
            return Optional.ofNullable(best);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read certificates of {}: {}", deviceId, e.toString());
            return Optional.empty();
        }
    }

    List<CertificateRecord> certificatesOf(String deviceId) {
        try {
            return certificatesOrThrow(deviceId);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read certificates of {}: {}", deviceId, e.toString());
            return List.of();
        }
    }

    private List<CertificateRecord> certificatesOrThrow(String deviceId) throws IOException {
        StateStore.checkDeviceId(deviceId);
        synchronized (slot(deviceId)) {
            return store.loadCertificates(deviceId);
        }
    }

    Optional<CertificateRecord> certificateBySerial(String serial) {
        try {
            return store.certificateBySerial(serial);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot look up certificate {}: {}", serial, e.toString());
            return Optional.empty();
        }
    }

    List<String> deviceIds() {
        try {
            return store.deviceIds();
        } catch (IOException e) {
            LOG.warn("Cannot list devices in {}: {}", store.getRoot(), e.toString());
            return List.of();
        }
    }

    /** The sensors this gateway enrolls (a gateway configured earlier under another name is not one of them). */
    List<String> sensorIds() {
        List<String> out = new ArrayList<>();
        for (String id : deviceIds()) {
            try {
                if (store.loadDevice(id)
                        .map(e -> e.getKind() == DeviceKind.SENSOR)
                        .orElse(false)) {
                    out.add(id);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot read device {}: {}", id, e.toString());
            }
        }
        return out;
    }
}
