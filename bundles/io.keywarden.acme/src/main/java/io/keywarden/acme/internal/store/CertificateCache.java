package io.keywarden.acme.internal.store;

import java.io.IOException;
import java.security.cert.X509Certificate;
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
    /** One parsed copy of each issuer: a thousand sensors' chains name the same intermediate (about 4 KiB parsed). */
    private final Map<X509Certificate, X509Certificate> issuers = new ConcurrentHashMap<>();

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
        List<CertificateRecord> read =
                reader.read(deviceId).stream().map(this::sharingIssuers).toList();
        synchronized (this) {
            // a record saved while we read from disk may be missing from what we read: serve the list, do not cache
            // it; the serial index still takes every record read, unless a save already put a newer copy there
            if (before == generation) {
                byDevice.put(deviceId, read);
            }
            read.forEach(r -> bySerial.putIfAbsent(key(r.getSerial()), r));
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

    synchronized void saved(CertificateRecord record) {
        generation++;
        CertificateRecord saved = sharingIssuers(record);
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

    /** The record with its issuers' certificates replaced by the copies already held (equal encodings). */
    private CertificateRecord sharingIssuers(CertificateRecord r) {
        List<X509Certificate> chain = r.getChain();
        List<X509Certificate> shared = new ArrayList<>(chain.size());
        boolean replaced = false;
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            X509Certificate held = i == 0 ? c : issuers.putIfAbsent(c, c);
            replaced |= held != null && held != c;
            shared.add(held == null ? c : held);
        }
        return replaced ? r.toBuilder().chain(shared).build() : r;
    }

    private static String key(String serial) {
        return serial.toLowerCase(Locale.ROOT);
    }
}
