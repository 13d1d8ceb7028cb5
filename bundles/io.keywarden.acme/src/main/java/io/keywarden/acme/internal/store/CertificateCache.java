package io.keywarden.acme.internal.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.api.enrollment.CertificateRecord;

/**
 * Certificate records read or written in this process, per device (immutable lists, oldest first) and by lowercase
 * serial. The monitor looks serials up at every handshake and the silence check reads every device's records every
 * few seconds, so the files are read once per device and per process; every save updates the copy.
 */
final class CertificateCache {

    interface Reader {
        List<CertificateRecord> read(String deviceId) throws IOException;
    }

    interface DeviceIds {
        List<String> all() throws IOException;
    }

    private final Reader reader;
    private final DeviceIds deviceIds;
    private final Map<String, List<CertificateRecord>> byDevice = new ConcurrentHashMap<>();
    private final Map<String, CertificateRecord> bySerial = new ConcurrentHashMap<>();
    private long generation;
    private volatile boolean allLoaded;
    private final Object loadingAll = new Object();

    CertificateCache(Reader reader, DeviceIds deviceIds) {
        this.reader = reader;
        this.deviceIds = deviceIds;
    }

    List<CertificateRecord> of(String deviceId) throws IOException {
        List<CertificateRecord> cached = byDevice.get(deviceId);
        if (cached != null) {
            return cached;
        }
        long before;
        synchronized (this) {
            before = generation;
        }
        List<CertificateRecord> read = List.copyOf(reader.read(deviceId));
        synchronized (this) {
            // a record saved while we read from disk may be missing from what we read: serve it, do not cache it
            if (before == generation) {
                byDevice.put(deviceId, read);
                read.forEach(r -> bySerial.put(key(r.getSerial()), r));
            }
        }
        return read;
    }

    Optional<CertificateRecord> bySerial(String serial) throws IOException {
        if (!allLoaded) {
            // once, by one caller: a thousand sensors' first handshakes at once must not each read every record
            synchronized (loadingAll) {
                if (!allLoaded) {
                    for (String id : deviceIds.all()) {
                        of(id);
                    }
                    allLoaded = true;
                }
            }
        }
        return Optional.ofNullable(bySerial.get(key(serial)));
    }

    synchronized void saved(CertificateRecord saved) {
        generation++;
        List<CertificateRecord> before = byDevice.get(saved.getDeviceId());
        if (before != null) {
            List<CertificateRecord> after = new ArrayList<>(before);
            after.removeIf(r -> r.getSerial().equalsIgnoreCase(saved.getSerial()));
            after.add(saved);
            after.sort(Comparator.comparing(CertificateRecord::getIssuedAt));
            byDevice.put(saved.getDeviceId(), List.copyOf(after));
        } else if (allLoaded) {
            byDevice.put(saved.getDeviceId(), List.of(saved));
        }
        bySerial.put(key(saved.getSerial()), saved);
    }

    private static String key(String serial) {
        return serial.toLowerCase(Locale.ROOT);
    }
}
