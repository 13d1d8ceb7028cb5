package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.fleet.internal.FleetNoticeComponent;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.mqtt.Outbox;
import io.keywarden.fleet.internal.transport.FleetLink;

/**
 * The gateway's side of inventories: signs its certificate inventory and its escrow deposit with its own
 * ACME-issued key and publishes them retained to {@code keywarden/<fleet>/inventory/<gateway>} and
 * {@code keywarden/<fleet>/escrow/<gateway>}. Each is kept in an outbox until the broker acknowledges it, so an
 * outage or a restart loses none; a newer message replaces an older one in the outbox. Runs on one thread.
 */
public final class InventoryPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryPublisher.class);

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

    /** On every (re)connection: the current state when the gateway can sign it, else what the outbox holds. */
    public void connected() {
        lastDeposit = null;
        if (publishInventory()) {
            publishEscrowIfChanged();
        } else {
            flush();
        }
    }

    /**
     * Signs and publishes the whole inventory now (at connect, and after every enrollment or renewal).
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
                                + "offers, or a new key waiting for its certificate): the inventory is signed once it is",
                        gw.get().getDeviceId());
            } else if (!waitingForKey) {
                LOG.debug("Gateway not enrolled yet: its inventory goes out once it is");
            }
            return false;
        }
        waitingForKey = false;
        List<Map<String, Object>> records =
                inv.get().getAll().stream().map(RecordCodec::toJson).toList();
        String jws = GatewayEnvelope.sign(
                GatewayEnvelope.TYPE_INVENTORY,
                gw.get().getDeviceId(),
                nextSequence(),
                Map.of("records", records),
                identity.get());
        send(GatewayEnvelope.TYPE_INVENTORY, gw.get().getDeviceId(), jws);
        return true;
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
                send(e.topicLevel(), gw.get().getDeviceId(), e.compactJws());
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
