package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.fleet.internal.FleetNoticeComponent;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.GatewayLog;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.transport.FleetLink;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * The gateway's side of reports: keeps its certificates as an append-only, hash-chained issuance log
 * ({@link GatewayLog}) and sends what the authority has not acknowledged to {@code keywarden/<fleet>/log/<gateway>},
 * each entry signed with its own ACME-issued key; a certificate ordered while the broker was away goes out at the
 * next connection. Publishes its escrow deposit, signed the same way, retained to
 * {@code keywarden/<fleet>/escrow/<gateway>} through an outbox, so an outage or a restart loses none. Runs on one
 * thread.
 */
public final class InventoryPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryPublisher.class);
    /** Topic level of issuance log batches ({@code keywarden/<fleet>/log/<gateway>}). */
    public static final String TYPE_LOG = "log";
    /** Topic level of the authority's acknowledgements ({@code keywarden/<fleet>/log-ack/<gateway>}). */
    public static final String TYPE_LOG_ACK = "log-ack";
    /** Entries per message: a few hundred KiB with their certificate chains. */
    public static final int MAX_BATCH = 64;
    /**
     * Sent entries the authority has acknowledged nothing of for this long go out again: an authority that could not
     * store them (its database away, its queue full) does not acknowledge them, and says nothing else.
     */
    static final Duration RESEND_AFTER = Duration.ofSeconds(60);
    /**
     * Each resend without progress doubles the wait, up to this: an authority that is merely behind (a fleet
     * reporting at once) is not sent the same entries again and again, which would put it further behind.
     */
    static final Duration RESEND_MAX = Duration.ofMinutes(30);

    private final FleetOptions options;
    private final Outbox outbox;
    private final FleetLink link;
    private final Clock clock;
    private final Supplier<Optional<GatewayEnrollmentService>> gateway;
    private final Supplier<Optional<CertificateInventory>> inventory;
    private String lastDeposit;
    private boolean warnedNoKey;
    /** An inventory was due while the gateway had a certificate but its key was not reachable yet. */
    private boolean waitingForKey;

    private long lastSequence;
    private GatewayLog log;
    /** When the acknowledged head last moved, or entries went out with none outstanding. */
    private Instant lastProgress = Instant.MIN;

    private Duration resendAfter = RESEND_AFTER;

    public InventoryPublisher(
            FleetOptions options,
            Outbox outbox,
            FleetLink link,
            Clock clock,
            Supplier<Optional<GatewayEnrollmentService>> gateway,
            Supplier<Optional<CertificateInventory>> inventory) {
        this.options = options;
        this.outbox = outbox;
        this.link = link;
        this.clock = clock;
        this.gateway = gateway;
        this.inventory = inventory;
    }

    /** On every (re)connection: the log after the acknowledged head, then the escrow deposit. */
    public void connected() {
        lastDeposit = null;
        if (log != null) {
            log.reconnected();
        }
        if (publishInventory()) {
            publishEscrowIfChanged();
        } else {
            flush();
        }
    }

    /**
     * Appends every certificate not logged yet to the issuance log and sends what the authority has not acknowledged
     * (at connect, and after every enrollment or renewal).
     *
     * @return false when the gateway is not enrolled yet (nothing to sign with)
     */
    public boolean publishInventory() {
        Optional<GatewayEnrollmentService> gw = gateway.get();
        Optional<CertificateInventory> inv = inventory.get();
        Optional<KeyStore.PrivateKeyEntry> identity = gw.flatMap(GatewayEnrollmentService::getTlsIdentity);
        if (gw.isEmpty() || inv.isEmpty() || identity.isEmpty()) {
            waitingForKey = identity.isEmpty()
                    && gw.flatMap(GatewayEnrollmentService::getCertificate).isPresent();
            if (waitingForKey && !warnedNoKey) {
                warnedNoKey = true;
                // on Kura the key reaches the keystore just after its certificate is issued: usually gone at the retry
                LOG.info(
                        "The key of gateway {} is not reachable yet (a caller's CSR whose key no GatewayKeyHolder "
                                + "offers, or a new key waiting for its certificate): the log is signed once it is",
                        gw.get().getDeviceId());
            } else if (!waitingForKey) {
                LOG.debug("Gateway not enrolled yet: its issuance log goes out once it is");
            }
            return false;
        }
        waitingForKey = false;
        try {
            GatewayLog log = log(gw.get().getDeviceId());
            int added = log.appendNew(inv.get().getAll(), clock.instant().getEpochSecond());
            if (added > 0) {
                LOG.info("Issuance log of {}: {} new entries, head {}", gw.get().getDeviceId(), added, log.head());
            }
            sendLog(gw.get().getDeviceId(), log, identity.get());
        } catch (IOException e) {
            // what is on disk goes out at the next change or connection; nothing is sent that is not on disk
            LOG.error("Cannot append to the issuance log: {}", e.getMessage());
        }
        return true;
    }

    /** Sends the entries after the acknowledged head, each signed now with the gateway's current key. */
    private void sendLog(String gatewayId, GatewayLog log, KeyStore.PrivateKeyEntry identity) {
        if (log.outstanding() == 0) {
            lastProgress = clock.instant();
        }
        for (List<IssuanceEvent> batch = log.unsent(MAX_BATCH); !batch.isEmpty(); batch = log.unsent(MAX_BATCH)) {
            String message = batch.stream()
                    .map(e -> GatewayEnvelope.signPayload(e.payload(), identity))
                    .collect(Collectors.joining("\n"));
            String topic = options.gatewayTopic(TYPE_LOG, gatewayId);
            long last = batch.get(batch.size() - 1).seq();
            if (!link.publish(topic, FleetNoticeComponent.ascii(message), () -> {})) {
                LOG.info(
                        "Broker not connected: entries {} to {} of {} wait in its log",
                        batch.get(0).seq(),
                        last,
                        gatewayId);
                return;
            }
            LOG.debug("Sent entries {} to {} of the log of {}", batch.get(0).seq(), last, gatewayId);
            log.markSent(last);
        }
    }

    /** The authority's acknowledgement of this gateway's log ({@link LogAck}). */
    public void acknowledged(byte[] message) {
        Optional<GatewayEnrollmentService> gw = gateway.get();
        if (gw.isEmpty() || message.length == 0) {
            return;
        }
        String gatewayId = gw.get().getDeviceId();
        try {
            LogAck ack = LogAck.decode(message, gatewayId, options.getAuthorityKey(), options.getAuthorityId());
            GatewayLog log = log(gatewayId);
            long before = log.acknowledged();
            if (!log.acknowledged(ack.seq(), ack.hash(), ack.resend())) {
                LOG.error(
                        "The authority acknowledges entry {} ({}) of the log of {}, which this log does not hold "
                                + "(head {}): it has raised an incident",
                        ack.seq(),
                        ack.hash(),
                        gatewayId,
                        log.head());
                return;
            }
            if (ack.seq() != before) {
                lastProgress = clock.instant();
                resendAfter = RESEND_AFTER;
            }
            if (ack.resend()) {
                LOG.warn("The authority asks for the log of {} again after entry {}", gatewayId, ack.seq());
                gw.flatMap(GatewayEnrollmentService::getTlsIdentity).ifPresent(id -> sendLog(gatewayId, log, id));
            }
        } catch (RejectedNoticeException e) {
            LOG.warn("Ignored an acknowledgement of the log of {}: {}", gatewayId, e.getMessage());
        } catch (IOException e) {
            LOG.error("Cannot record the authority's acknowledgement: {}", e.getMessage());
        }
    }

    private GatewayLog log(String gatewayId) throws IOException {
        if (log == null || !log.gatewayId().equals(gatewayId)) {
            if (log != null) {
                log.close();
            }
            log = new GatewayLog(options.getDataDir().resolve("issuance-log"), gatewayId);
        }
        return log;
    }

    /** Closes the log file. */
    public void close() {
        try {
            if (log != null) {
                log.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the issuance log: {}", e.getMessage());
        }
    }

    /**
     * Called every few seconds: entries sent {@link #RESEND_AFTER} ago of which the authority acknowledged nothing go
     * out again from the acknowledged head (the authority skips what it holds).
     */
    public void resendIfUnacknowledged() {
        Optional<GatewayEnrollmentService> gw = gateway.get();
        Optional<KeyStore.PrivateKeyEntry> identity = gw.flatMap(GatewayEnrollmentService::getTlsIdentity);
        if (log == null || log.outstanding() == 0 || identity.isEmpty()) {
            return;
        }
        if (clock.instant().isAfter(lastProgress.plus(resendAfter))) {
            LOG.warn(
                    "The authority acknowledged none of the {} entries of the log of {} sent since {}: sending them again",
                    log.outstanding(),
                    log.gatewayId(),
                    lastProgress);
            log.reconnected();
            sendLog(log.gatewayId(), log, identity.get());
            resendAfter =
                    resendAfter.multipliedBy(2).compareTo(RESEND_MAX) > 0 ? RESEND_MAX : resendAfter.multipliedBy(2);
        }
    }

    /** Called every few seconds: an inventory that could not be signed yet goes out as soon as the key is there. */
    public void retryIfWaiting() {
        if (waitingForKey && publishInventory()) {
            publishEscrowIfChanged();
        }
    }

    /** Publishes the escrow deposit the ACME bundle wrote, when it is new or changed since the last one sent. */
    public void publishEscrowIfChanged() {
        Optional<Path> dir = options.getEscrowDepositDir();
        Optional<GatewayEnrollmentService> gw = gateway.get();
        Optional<KeyStore.PrivateKeyEntry> identity = gw.flatMap(GatewayEnrollmentService::getTlsIdentity);
        if (dir.isEmpty() || gw.isEmpty() || identity.isEmpty()) {
            return;
        }
        Path file = dir.get().resolve(gw.get().getDeviceId() + EscrowDeposit.FILE_SUFFIX);
        String deposit;
        try {
            if (!Files.isRegularFile(file)) {
                return;
            }
            deposit = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            LOG.warn("Cannot read the escrow deposit {}: {}", file, e.getMessage());
            return;
        }
        if (deposit.equals(lastDeposit)) {
            return;
        }
        String jws = GatewayEnvelope.sign(
                GatewayEnvelope.TYPE_ESCROW,
                gw.get().getDeviceId(),
                nextSequence(),
                Map.of("deposit", deposit),
                identity.get());
        send(GatewayEnvelope.TYPE_ESCROW, gw.get().getDeviceId(), jws);
        lastDeposit = deposit;
    }

    /** The signing time in ms, strictly increasing even for two messages within one millisecond. */
    private long nextSequence() {
        lastSequence = Math.max(clock.millis(), lastSequence + 1);
        return lastSequence;
    }

    /** Sends what the broker has not acknowledged; called on every (re)connection. */
    void flush() {
        Optional<GatewayEnrollmentService> gw = gateway.get();
        if (gw.isEmpty()) {
            return;
        }
        try {
            for (Outbox.Entry e : outbox.pending()) {
                if (GatewayEnvelope.TYPE_ESCROW.equals(e.topicLevel())) {
                    send(e.topicLevel(), gw.get().getDeviceId(), e.compactJws());
                } else {
                    // a whole-inventory snapshot of an earlier version: the issuance log replaces it
                    outbox.remove(e.topicLevel());
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot read the inventory outbox: {}", e.getMessage());
        }
    }

    private void send(String type, String gatewayId, String jws) {
        try {
            outbox.put(type, jws);
        } catch (IOException e) {
            LOG.error("Cannot keep the {} message in the outbox ({}); publishing it once anyway", type, e.getMessage());
        }
        String topic = options.gatewayTopic(type, gatewayId);
        boolean sent = link.publish(topic, FleetNoticeComponent.ascii(jws), () -> {
            try {
                outbox.removeIfUnchanged(type, jws);
            } catch (IOException e) {
                LOG.warn(
                        "Cannot clear {} from the outbox ({}); it will be published again, which is harmless",
                        type,
                        e.getMessage());
            }
        });
        LOG.info(
                sent ? "Published the {} of {} to {}" : "Broker not connected: the {} of {} waits in the outbox for {}",
                type,
                gatewayId,
                topic);
    }
}
