package io.keywarden.monitor.internal;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.monitor.internal.channel.Admission;
import io.keywarden.monitor.internal.response.Containment;
import io.keywarden.monitor.internal.response.QuarantineStore;

/**
 * The channel's view of the gateway's certificates and decisions. Certificate records are kept in an in-memory index
 * by serial (records do not change in what the channel needs: device and certificate), reloaded from the inventory
 * when an unknown serial shows up, at most once a second, so a foreign client cannot make every handshake read the
 * store and a thousand sensors connecting at once cost one read.
 */
final class ChannelAdmission implements Admission {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelAdmission.class);
    static final long REINDEX_NANOS = 1_000_000_000L;
    static final int EVENTS_PER_SECOND = 50;
    private static final long CA_NANOS = 5_000_000_000L;
    /** Reading every record is costly with many sensors; issuers of older certificates change rarely. */
    private static final long INVENTORY_NANOS = 60_000_000_000L;

    private final GatewayEnrollmentService gateway;
    private final CertificateInventory inventory;
    private final List<DenyList> denyLists;
    private final QuarantineStore quarantine;
    private final Containment.EventSink events;
    private final Object reindex = new Object();
    private volatile Map<String, CertificateRecord> index = Map.of();
    private volatile long indexedAt;
    /** Serials that missed since the last clear: a serial's first miss reloads at once (a sensor just enrolled). */
    private final Set<String> missed = new HashSet<>();

    private volatile Set<X509Certificate> issuers = Set.of();
    private volatile Set<X509Certificate> inventoryIssuers = Set.of();
    private volatile long issuersAt;
    private volatile long inventoryAt;
    private long eventSecond;
    private int eventsThisSecond;
    private int suppressed;

    ChannelAdmission(
            GatewayEnrollmentService gateway,
            CertificateInventory inventory,
            List<DenyList> denyLists,
            QuarantineStore quarantine,
            Containment.EventSink events) {
        this.gateway = gateway;
        this.inventory = inventory;
        this.denyLists = denyLists;
        this.quarantine = quarantine;
        this.events = events;
    }

    /**
     * The gateway's current CA chain (looked at every few seconds, so a CA rollover is seen at once) and the issuers
     * of every certificate it ordered (so sensors not yet renewed under a new intermediate are still admitted).
     */
    @Override
    public Set<X509Certificate> issuers() {
        long now = System.nanoTime();
        if (inventoryIssuers.isEmpty() || now - inventoryAt > INVENTORY_NANOS) {
            Set<X509Certificate> s = new HashSet<>();
            for (CertificateRecord r : inventory.getAll()) {
                List<X509Certificate> chain = r.getChain();
                s.addAll(chain.subList(1, chain.size()));
            }
            inventoryIssuers = Set.copyOf(s);
            inventoryAt = now;
            issuersAt = 0;
        }
        if (issuers.isEmpty() || now - issuersAt > CA_NANOS) {
            Set<X509Certificate> s = new HashSet<>(gateway.getCaCertificates());
            s.addAll(inventoryIssuers);
            issuers = Set.copyOf(s);
            issuersAt = now;
        }
        return issuers;
    }

    /**
     * From the in-memory index of the inventory, by serial: no disk read in a handshake for a known sensor. A serial
     * not in it reloads the index (one reader at a time, the others wait for its result): at its first miss, then at
     * most once per {@value #REINDEX_NANOS} ns. Only certificates that already passed PKIX validation against this
     * gateway's CA get here, so each new unknown serial costs its sender a certificate from that CA.
     */
    @Override
    public Optional<CertificateRecord> record(String serial) {
        CertificateRecord r = index.get(serial);
        if (r != null) {
            return Optional.of(r);
        }
        synchronized (reindex) {
            r = index.get(serial);
            boolean firstMiss = missed.add(serial);
            if (missed.size() > 10_000) {
                missed.clear();
            }
            if (r == null && (firstMiss || System.nanoTime() - indexedAt > REINDEX_NANOS)) {
                Map<String, CertificateRecord> m = new HashMap<>();
                for (CertificateRecord c : inventory.getAll()) {
                    m.put(normalized(c.getSerial()), c);
                }
                index = Map.copyOf(m);
                indexedAt = System.nanoTime();
                r = index.get(serial);
            }
        }
        return Optional.ofNullable(r);
    }

    private static String normalized(String hexSerial) {
        try {
            return new BigInteger(hexSerial, 16).toString(16);
        } catch (NumberFormatException e) {
            return hexSerial;
        }
    }

    @Override
    public Optional<String> refusal(CertificateRecord record) {
        if (record.getKind() != DeviceKind.SENSOR) {
            // the gateway's own certificate (or any other kind) never speaks for a sensor on this channel
            return Optional.of("not a sensor certificate (" + record.getKind() + ")");
        }
        if (denyLists.isEmpty()) {
            // without a deny list a revoked sensor would be admitted: refuse everyone until one is there
            return Optional.of("no deny list available (revocation component not running): failing closed");
        }
        for (DenyList deny : denyLists) {
            if (deny.isDenied(record.getSerial())) {
                return Optional.of("certificate revoked (deny list)");
            }
        }
        return quarantine.reason(record.getDeviceId()).map(why -> "device quarantined: " + why);
    }

    /**
     * Posts the refusal, at most {@value #EVENTS_PER_SECOND} a second: a client without a certificate can handshake
     * as often as it likes, and EventAdmin queues what it is given.
     */
    @Override
    public void refused(String stage, String reason, String serial, String source) {
        long second = System.nanoTime() / 1_000_000_000L;
        synchronized (this) {
            if (second != eventSecond) {
                if (suppressed > 0) {
                    LOG.warn("Sensor channel: {} more refusals in one second were not posted as events", suppressed);
                }
                eventSecond = second;
                eventsThisSecond = 0;
                suppressed = 0;
            }
            if (++eventsThisSecond > EVENTS_PER_SECOND) {
                suppressed++;
                return;
            }
        }
        Map<String, Object> p = new HashMap<>();
        p.put(MonitorEvents.PROPERTY_STAGE, stage);
        p.put(MonitorEvents.PROPERTY_REASON, reason);
        p.put(MonitorEvents.PROPERTY_SOURCE, source);
        if (serial != null) {
            p.put(MonitorEvents.PROPERTY_SERIAL, serial);
        }
        events.post(MonitorEvents.TOPIC_REFUSED, p);
    }
}
