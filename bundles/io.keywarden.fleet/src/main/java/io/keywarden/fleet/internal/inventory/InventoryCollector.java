package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * The fleet authority's side of gateway reports. A gateway's certificates arrive as its signed, hash-chained
 * issuance log ({@link IssuanceEvent}); each batch is believed only when one of the gateway's own, undenied GATEWAY
 * certificates signed it ({@link Speakers}) and the gateway is not frozen. Entries that continue the chain and pass
 * {@link RecordRules} are stored ({@link LogStore}) and folded into the gateway's {@link GatewayInventory}; the stored
 * head is acknowledged. A gap, a fork or a rewrite is an incident, never stored and never re-accounted. Escrow
 * deposits go to {@link EscrowCollector}. Runs on the component's single thread.
 */
public final class InventoryCollector {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);
    public static final String GAP = "GAP";
    public static final String FORK = "FORK";
    public static final String REWRITE = "REWRITE";

    /** Makes an accepted gateway's inventory visible as a service; called once per gateway. */
    public interface Registrar {
        void register(GatewayInventory inventory);
    }

    private final Set<TrustAnchor> roots;
    private final LogStore store;
    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final Registrar registrar;
    private final BiConsumer<String, LogAck> acks;
    private final Refusals refusals;
    private final FrozenGateways frozen;
    private final Speakers speakers;
    private final EscrowCollector escrow;
    private final Map<String, GatewayInventory> byGateway = new ConcurrentHashMap<>();

    /**
     * @param denied whether a deny list the node knows names a serial
     * @param acks publishes the acknowledgement of a gateway's log
     */
    public InventoryCollector(
            FleetOptions options,
            LogStore store,
            Clock clock,
            BiConsumer<String, Map<String, ?>> events,
            Registrar registrar,
            Predicate<String> denied,
            BiConsumer<String, LogAck> acks)
            throws IOException {
        this.roots = options.getInventoryRoots();
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.registrar = registrar;
        this.acks = acks;
        this.refusals = new Refusals(clock, events);
        this.frozen = new FrozenGateways(options.getDataDir().resolve("frozen-gateways.txt"));
        this.speakers = new Speakers(frozen, denied);
        this.escrow = new EscrowCollector(options, clock, events, refusals, speakers, byGateway);
    }

    /** Serves the logs accepted before a restart, each entry re-verified at the time it was received. */
    public void load() throws IOException {
        for (String gatewayId : store.gateways()) {
            GatewayInventory own = new GatewayInventory(gatewayId);
            for (LogStore.Stored s : store.read(gatewayId)) {
                try {
                    GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                            s.compactJws().getBytes(StandardCharsets.US_ASCII),
                            IssuanceEvent.TYPE,
                            gatewayId,
                            roots,
                            Instant.ofEpochMilli(s.receivedAtMillis()));
                    IssuanceEvent e = IssuanceEvent.fromJson(v.payload(), v.text(), gatewayId);
                    if (e.seq() != own.head() + 1 || !e.prev().equals(own.hashAt(own.head()))) {
                        throw new RejectedNoticeException("entry " + e.seq() + " does not continue the chain");
                    }
                    own.append(e);
                } catch (RejectedNoticeException e) {
                    LOG.error(
                            "Stored log of {} breaks after entry {} ({}): the entries after it are not served",
                            gatewayId,
                            own.head(),
                            e.getMessage());
                    break;
                }
            }
            if (own.head() > 0) {
                byGateway.put(gatewayId, own);
                registrar.register(own);
            }
        }
        LOG.info("Serving the issuance logs of {} gateways", byGateway.size());
    }

    /** A batch of log entries, one compact JWS a line, from the topic of {@code gatewayId}. */
    public void log(String topic, String gatewayId, byte[] message) {
        try {
            speakers.notFrozen(gatewayId);
            List<Line> batch = verifyBatch(message, gatewayId);
            GatewayInventory own = byGateway.get(gatewayId);
            String signer = batch.get(0).verified().signer().getSerialNumber().toString(16);
            Optional<CertificateRecord> introduction = batch.stream()
                    .map(l -> l.event().record())
                    .filter(r -> r.getSerial().equals(signer))
                    .findFirst();
            speakers.check(gatewayId, batch.get(0).verified().signer(), own, introduction, byGateway.values());
            append(topic, gatewayId, own == null ? new GatewayInventory(gatewayId) : own, batch);
        } catch (RejectedNoticeException e) {
            refusals.refused(topic, gatewayId, e.getMessage());
        }
    }

    public void escrow(String topic, String gatewayId, byte[] message) {
        escrow.escrow(topic, gatewayId, message);
    }

    /** An accepted COMPROMISED_GATEWAY ticket: from now on the gateway's recorded state does not change. */
    public void compromised(String gatewayId) {
        try {
            if (frozen.freeze(gatewayId)) {
                LOG.warn(
                        "Gateway {} is compromised: its recorded state is frozen, later reports are refused",
                        gatewayId);
                events.accept(FleetEvents.TOPIC_GATEWAY_FROZEN, Map.of(FleetEvents.PROPERTY_GATEWAY_ID, gatewayId));
            }
        } catch (IOException e) {
            // the deny lists still refuse its certificates; the freeze is tried again at the next ticket event
            LOG.error("Cannot record that gateway {} is frozen: {}", gatewayId, e.getMessage());
        }
    }

    long count(String kind) {
        return refusals.count(kind);
    }

    private record Line(String compactJws, GatewayEnvelope.Verified verified, IssuanceEvent event) {}

    private List<Line> verifyBatch(byte[] message, String gatewayId) throws RejectedNoticeException {
        if (message.length > GatewayEnvelope.MAX_BYTES) {
            throw new RejectedNoticeException("larger than " + GatewayEnvelope.MAX_BYTES + " bytes");
        }
        String[] lines = new String(message, StandardCharsets.US_ASCII).trim().split("\n");
        if (lines.length > InventoryPublisher.MAX_BATCH) {
            throw new RejectedNoticeException(
                    lines.length + " entries in one message, at most " + InventoryPublisher.MAX_BATCH);
        }
        List<Line> out = new ArrayList<>(lines.length);
        Instant now = clock.instant();
        for (String line : lines) {
            String jws = line.trim();
            GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                    jws.getBytes(StandardCharsets.US_ASCII), IssuanceEvent.TYPE, gatewayId, roots, now);
            if (!out.isEmpty() && !out.get(0).verified().signer().equals(v.signer())) {
                throw new RejectedNoticeException("entries of one message signed by different certificates");
            }
            out.add(new Line(jws, v, IssuanceEvent.fromJson(v.payload(), v.text(), gatewayId)));
        }
        return out;
    }

    private void append(String topic, String gatewayId, GatewayInventory own, List<Line> batch) {
        long before = own.head();
        boolean gap = false;
        // entries are tried on a copy and stored together (one write, one force) before the served fold grows
        GatewayInventory staged = own.copy();
        List<IssuanceEvent> admitted = new ArrayList<>();
        List<LogStore.Stored> toStore = new ArrayList<>();
        for (Line l : batch) {
            Admission a = admit(topic, gatewayId, staged, l);
            if (a == Admission.SKIP) {
                continue;
            }
            if (a != Admission.APPEND) {
                gap = a == Admission.GAP;
                break;
            }
            staged.append(l.event());
            admitted.add(l.event());
            toStore.add(new LogStore.Stored(clock.millis(), l.compactJws()));
        }
        if (!admitted.isEmpty() && !stored(gatewayId, admitted, toStore)) {
            admitted.clear();
            gap = false;
        }
        List<String> serials = new ArrayList<>();
        for (IssuanceEvent e : admitted) {
            own.append(e);
            serials.add(e.record().getSerial());
        }
        if (before == 0 && own.head() > 0) {
            byGateway.put(gatewayId, own);
            registrar.register(own);
        }
        if (own.head() > before) {
            LOG.info("Log of {}: entries {} to {} accepted ({})", gatewayId, before + 1, own.head(), serials);
            events.accept(
                    FleetEvents.TOPIC_LOG_ACCEPTED,
                    Map.of(
                            FleetEvents.PROPERTY_GATEWAY_ID,
                            gatewayId,
                            FleetEvents.PROPERTY_MQTT_TOPIC,
                            topic,
                            FleetEvents.PROPERTY_SEQUENCE,
                            own.head(),
                            FleetEvents.PROPERTY_SERIALS,
                            serials.toArray(new String[0])));
            if (before == 0) {
                escrow.retryPending(gatewayId);
            }
        }
        acks.accept(gatewayId, new LogAck(gatewayId, own.head(), own.hashAt(own.head()), gap));
    }

    /** Stores the admitted entries together; false when they could not be stored (and so are not believed). */
    private boolean stored(String gatewayId, List<IssuanceEvent> admitted, List<LogStore.Stored> toStore) {
        try {
            store.append(gatewayId, toStore);
            return true;
        } catch (IOException x) {
            // not stored, not believed: the gateway sends them again after the acknowledged head
            LOG.error(
                    "Cannot store entries {} to {} of the log of {}: {}",
                    admitted.get(0).seq(),
                    admitted.get(admitted.size() - 1).seq(),
                    gatewayId,
                    x.getMessage());
            return false;
        }
    }

    private enum Admission {
        APPEND,
        SKIP,
        GAP,
        STOP
    }

    /** Judges one entry against the chain so far ({@code own}: the stored one and the entries admitted before). */
    private Admission admit(String topic, String gatewayId, GatewayInventory own, Line l) {
        IssuanceEvent e = l.event();
        long head = own.head();
        if (e.seq() <= head) {
            if (own.hashAt(e.seq()).equals(e.hash())) {
                return Admission.SKIP; // sent again after a reconnection
            }
            refusals.incident(
                    topic,
                    gatewayId,
                    FORK,
                    e.seq(),
                    "entry " + e.seq() + " differs from the one" + " accepted at that sequence (hash " + e.hash()
                            + ", stored " + own.hashAt(e.seq()) + ")");
            return Admission.STOP;
        }
        if (e.seq() > head + 1) {
            refusals.incident(
                    topic,
                    gatewayId,
                    GAP,
                    e.seq(),
                    "entry " + e.seq() + " arrived after entry " + head + ": entries in between are missing");
            return Admission.GAP;
        }
        if (!e.prev().equals(own.hashAt(head))) {
            refusals.incident(
                    topic,
                    gatewayId,
                    REWRITE,
                    e.seq(),
                    "entry " + e.seq() + " chains to " + e.prev() + ", not to the accepted entry " + head + " ("
                            + own.hashAt(head) + ")");
            return Admission.STOP;
        }
        try {
            RecordRules.check(own, e.record(), byGateway.values(), roots);
            return Admission.APPEND;
        } catch (RejectedNoticeException x) {
            refusals.refused(topic, gatewayId, "entry " + e.seq() + ": " + x.getMessage());
            return Admission.STOP;
        }
    }
}
