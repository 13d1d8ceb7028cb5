package io.keywarden.monitor.internal;

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
 * The channel's view of the gateway's certificates and decisions. Serials are looked up in the inventory, which serves
 * them from its own in-memory index (loaded once, kept current by every save): a handshake reads no file, and there is
 * no second copy of the records here to fall out of date or to hold twice the memory.
 */
final class ChannelAdmission implements Admission {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelAdmission.class);
    static final int EVENTS_PER_SECOND = 50;
    private static final long CA_NANOS = 5_000_000_000L;
    /** Reading every record is costly with many sensors; issuers of older certificates change rarely. */
    private static final long INVENTORY_NANOS = 60_000_000_000L;

    private final GatewayEnrollmentService gateway;
    private final CertificateInventory inventory;
    private final List<DenyList> denyLists;
    private final QuarantineStore quarantine;
    private final Containment.EventSink events;
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
     * From the inventory's in-memory index, by serial ({@code CertificateInventory#getBySerial}): no disk read in a
     * handshake, for a known serial or an unknown one. Only certificates that already passed PKIX validation against
     * this gateway's CA get here.
     */
    @Override
    public Optional<CertificateRecord> record(String serial) {
        return inventory.getBySerial(serial);
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
