package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LegacyLogFiles;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * The fleet authority's side of gateway reports. A gateway's certificates arrive as its signed, hash-chained
 * issuance log ({@link IssuanceEvent}); each batch is believed only when one of the gateway's own, undenied GATEWAY
 * certificates signed it ({@link Speakers}) and the gateway is not frozen. Entries that continue the chain and pass
 * {@link RecordRules} are stored ({@link LogStore}) and folded into the gateway's {@link GatewayInventory}; the stored
 * head is acknowledged. A gap, a fork or a rewrite is an incident, never stored and never re-accounted. Entries are
 * verified first; the batch is then judged ({@link LogJudge}) and stored in one transaction that holds the gateway's
 * log lock in the database, so instances of a share group judge one gateway's batches one after the other. Entries
 * the store holds already are acknowledged without being verified again ({@link StoredAlready}). Escrow deposits go
 * to {@link EscrowCollector}. Runs on the component's single thread.
 */
public final class InventoryCollector {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);
    public static final String GAP = "GAP";
    public static final String FORK = "FORK";
    public static final String REWRITE = "REWRITE";
    /**
     * In a share group ({@code authority.share.group}) consecutive batches of one gateway may reach two instances at
     * once: a batch that starts beyond the stored head waits for the other instance to store the entries before it,
     * rather than be judged a gap at once, until the stored head has not moved for this long ({@link #SHARED_GAP_MAX}
     * at most).
     */
    static final Duration SHARED_GAP_WAIT = Duration.ofSeconds(3);

    static final Duration SHARED_GAP_MAX = Duration.ofSeconds(30);

    private static final long SHARED_GAP_POLL_MS = 50;
    /** Longest entry the log store holds: a certificate chain with room to spare. */
    static final int MAX_ENTRY_CHARS = 256 * 1024;

    /** Makes an accepted gateway's inventory visible as a service; called once per gateway. */
    public interface Registrar {
        void register(GatewayInventory inventory);
    }

    private final Set<TrustAnchor> roots;
    private final Path logsDir;
    private final LogStore store;
    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final Registrar registrar;
    private final BiConsumer<String, LogAck> acks;
    private final Refusals refusals;
    private final FrozenGateways frozen;
    private final Speakers speakers;
    private final EscrowCollector escrow;
    private final LogJudge judge;
    private final boolean shared;
    /** The gateways whose inventory is registered: one id per gateway, never a record. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

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
        this.logsDir = options.getDataDir().resolve("logs");
        this.store = store;
        this.clock = clock;
        this.events = events;
        this.registrar = registrar;
        this.acks = acks;
        this.refusals = new Refusals(clock, events);
        this.frozen = new FrozenGateways(store, clock, options.getDataDir().resolve("frozen-gateways.txt"));
        this.speakers = new Speakers(frozen, denied, store);
        this.escrow = new EscrowCollector(options, clock, events, refusals, speakers, store);
        this.shared = options.isShared();
        this.judge = new LogJudge(store, speakers, clock);
    }

    /** Serves the logs accepted before a restart (the store is asked; nothing of them is loaded). */
    public void load() throws IOException {
        LegacyImport.run(new LegacyLogFiles(logsDir), store, roots);
        serveNewGateways();
        LOG.info("Serving the issuance logs of {} gateways", registered.size());
    }

    /**
     * Registers the inventory of every gateway the store has a log of and this node does not serve yet: another
     * authority instance sharing the database may have accepted a gateway's first entries.
     */
    public void serveNewGateways() {
        try {
            for (String gatewayId : store.gateways()) {
                if (registered.add(gatewayId)) {
                    registrar.register(new GatewayInventory(gatewayId, store));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the gateways with a log (tried again later): {}", e.getMessage());
        }
    }

    /** A batch of log entries, one compact JWS a line, from the topic of {@code gatewayId}. */
    public void log(String topic, String gatewayId, byte[] message) {
        try {
            speakers.notFrozen(gatewayId);
            List<String> lines = lines(message);
            StoredAlready.Skip skip = StoredAlready.count(store, gatewayId, lines);
            if (skip.count() == lines.size()) {
                LogStore.Head head = skip.head();
                acks.accept(gatewayId, new LogAck(gatewayId, head.seq(), head.hash(), false));
                return;
            }
            List<LogJudge.Line> batch = verifyBatch(lines.subList(skip.count(), lines.size()), gatewayId);
            awaitPredecessors(gatewayId, batch.get(0).event().seq());
            List<LogJudge.Verdict> verdict = new ArrayList<>(1);
            store.judgeAndAppend(gatewayId, stored -> {
                verdict.clear();
                verdict.add(judge.judge(stored, gatewayId, batch));
                return verdict.get(0).admitted();
            });
            report(topic, gatewayId, verdict.get(0));
        } catch (RejectedNoticeException e) {
            refusals.refused(topic, gatewayId, e.getMessage());
        } catch (IOException e) {
            // not stored, not acknowledged: the gateway sends the entries again from its acknowledged head
            LOG.error(
                    "Cannot judge or store the log of {} (nothing of this message is stored): {}",
                    gatewayId,
                    e.getMessage());
        }
    }

    /**
     * In a share group, waits until the shared store holds the entries before the batch's first, which another
     * instance may be storing right now: as long as the stored head keeps moving (at most {@link #SHARED_GAP_MAX}), and
     * {@link #SHARED_GAP_WAIT} once it stands still. A gap that is still there afterwards is judged as always: an
     * incident, and the gateway is asked to send again.
     */
    private void awaitPredecessors(String gatewayId, long first) throws IOException {
        if (!shared) {
            return;
        }
        long head = store.head(gatewayId).seq();
        long start = System.nanoTime();
        long moved = start;
        while (first > head + 1
                && System.nanoTime() - moved < SHARED_GAP_WAIT.toNanos()
                && System.nanoTime() - start < SHARED_GAP_MAX.toNanos()) {
            try {
                Thread.sleep(SHARED_GAP_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = store.head(gatewayId).seq();
            if (now != head) {
                head = now;
                moved = System.nanoTime();
            }
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

    private static List<String> lines(byte[] message) throws RejectedNoticeException {
        if (message.length > GatewayEnvelope.MAX_BYTES) {
            throw new RejectedNoticeException("larger than " + GatewayEnvelope.MAX_BYTES + " bytes");
        }
        String[] lines = new String(message, StandardCharsets.US_ASCII).trim().split("\n");
        if (lines.length > InventoryPublisher.MAX_BATCH) {
            throw new RejectedNoticeException(
                    lines.length + " entries in one message, at most " + InventoryPublisher.MAX_BATCH);
        }
        List<String> out = new ArrayList<>(lines.length);
        for (String line : lines) {
            String jws = line.trim();
            if (jws.length() > MAX_ENTRY_CHARS) {
                throw new RejectedNoticeException(
                        "an entry of " + jws.length() + " characters, at most " + MAX_ENTRY_CHARS);
            }
            out.add(jws);
        }
        return out;
    }

    /**
     * Verifies every entry, and checks each record on its own, before the gateway's log is locked: that is where the
     * time goes.
     */
    private List<LogJudge.Line> verifyBatch(List<String> lines, String gatewayId) throws RejectedNoticeException {
        List<LogJudge.Line> out = new ArrayList<>(lines.size());
        Instant now = clock.instant();
        for (String jws : lines) {
            GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                    jws.getBytes(StandardCharsets.US_ASCII),
                    IssuanceEvent.TYPE,
                    gatewayId,
                    roots,
                    now,
                    out.isEmpty() ? List.of() : out.get(0).verified().chain());
            if (!out.isEmpty() && !out.get(0).verified().signer().equals(v.signer())) {
                throw new RejectedNoticeException("entries of one message signed by different certificates");
            }
            IssuanceEvent event = IssuanceEvent.fromJson(v.payload(), v.text(), gatewayId);
            String invalid = null;
            try {
                RecordRules.checkAlone(gatewayId, event.record(), roots);
            } catch (RejectedNoticeException e) {
                invalid = e.getMessage();
            }
            out.add(new LogJudge.Line(jws, v, event, invalid));
        }
        return out;
    }

    /** Reports what a judgement found, once its transaction has ended, and acknowledges the stored head. */
    private void report(String topic, String gatewayId, LogJudge.Verdict verdict) {
        for (LogJudge.Problem p : verdict.problems()) {
            if (p.kind() == null) {
                refusals.refused(topic, gatewayId, p.text());
            } else {
                refusals.incident(topic, gatewayId, p.kind(), p.seq(), p.text());
            }
        }
        if (verdict.speakerRefused()) {
            return;
        }
        List<LogStore.Entry> admitted = verdict.admitted();
        LogStore.Head before = verdict.stored();
        if (admitted.isEmpty()) {
            acks.accept(gatewayId, new LogAck(gatewayId, before.seq(), before.hash(), verdict.gap()));
            return;
        }
        LogStore.Entry last = admitted.get(admitted.size() - 1);
        List<String> serials =
                admitted.stream().map(e -> e.record().getSerial()).toList();
        if (registered.add(gatewayId)) {
            registrar.register(new GatewayInventory(gatewayId, store));
        }
        LOG.info(
                "Log of {}: entries {} to {} accepted ({} certificates)",
                gatewayId,
                before.seq() + 1,
                last.seq(),
                serials.size());
        events.accept(
                FleetEvents.TOPIC_LOG_ACCEPTED,
                Map.of(
                        FleetEvents.PROPERTY_GATEWAY_ID,
                        gatewayId,
                        FleetEvents.PROPERTY_MQTT_TOPIC,
                        topic,
                        FleetEvents.PROPERTY_SEQUENCE,
                        last.seq(),
                        FleetEvents.PROPERTY_SERIALS,
                        serials.toArray(new String[0])));
        if (before.seq() == 0) {
            escrow.retryPending(gatewayId);
        }
        acks.accept(gatewayId, new LogAck(gatewayId, last.seq(), last.hash(), verdict.gap()));
    }
}
