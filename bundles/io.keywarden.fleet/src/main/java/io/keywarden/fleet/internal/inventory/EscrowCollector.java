package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.LogStore;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.files.DurableFiles;

/**
 * Escrow deposits over the fleet: believed only when one of the gateway's own GATEWAY certificates signed them (as
 * its accepted issuance log records them, {@link Speakers}), then written into the revocation component's deposit
 * directory. A deposit that arrives before the gateway's first log entries waits (one per gateway, at most
 * {@link #MAX_PENDING}) and is judged once they are accepted.
 */
final class EscrowCollector {
    private static final Logger LOG = LoggerFactory.getLogger(EscrowCollector.class);
    static final int MAX_PENDING = 256;

    private record Pending(String topic, byte[] message) {}

    private final Set<TrustAnchor> roots;
    private final Optional<Path> depositDir;
    private final Path envelopeDir;
    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final Refusals refusals;
    private final Speakers speakers;
    private final LogStore store;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    EscrowCollector(
            FleetOptions options,
            Clock clock,
            BiConsumer<String, Map<String, ?>> events,
            Refusals refusals,
            Speakers speakers,
            LogStore store) {
        this.roots = options.getInventoryRoots();
        this.depositDir = options.getEscrowDepositDir();
        this.envelopeDir = options.getDataDir().resolve("escrow-envelopes");
        this.clock = clock;
        this.events = events;
        this.refusals = refusals;
        this.speakers = speakers;
        this.store = store;
    }

    void escrow(String topic, String gatewayId, byte[] message) {
        if (depositDir.isEmpty()) {
            return;
        }
        try {
            speakers.notFrozen(gatewayId);
            GatewayEnvelope.Verified v =
                    GatewayEnvelope.verify(message, GatewayEnvelope.TYPE_ESCROW, gatewayId, roots, clock.instant());
            StagedLog own = new StagedLog(store, gatewayId, store.head(gatewayId));
            if (own.head() == 0) {
                // a certificate another log records (a sensor's, say) can never speak for this gateway: no waiting
                speakers.notRecordedElsewhere(gatewayId, v.signer());
                if (pending.size() < MAX_PENDING || pending.containsKey(gatewayId)) {
                    pending.put(gatewayId, new Pending(topic, message));
                    LOG.info("Escrow deposit of {} waits for the gateway's first log entries", gatewayId);
                    return;
                }
                throw new RejectedNoticeException("no log of gateway " + gatewayId + " is known");
            }
            speakers.check(gatewayId, v.signer(), own, Optional.empty());
            store(topic, gatewayId, message, v);
        } catch (RejectedNoticeException e) {
            refusals.refused(topic, gatewayId, e.getMessage());
        } catch (IOException e) {
            // the retained deposit arrives again at the next connection, and the gateway sends it again when it changes
            LOG.error("Cannot judge or store the escrow deposit of {}: {}", gatewayId, e.getMessage());
        }
    }

    /** The gateway's first log entries were accepted: a deposit that waited for them is judged now. */
    void retryPending(String gatewayId) {
        Pending p = pending.remove(gatewayId);
        if (p != null) {
            escrow(p.topic(), gatewayId, p.message());
        }
    }

    private void store(String topic, String gatewayId, byte[] message, GatewayEnvelope.Verified v)
            throws RejectedNoticeException, IOException {
        Path envelope = envelopeDir.resolve(gatewayId + ".jws");
        if (Files.exists(envelope)) {
            long stored = GatewayEnvelope.verify(
                            Files.readAllBytes(envelope),
                            GatewayEnvelope.TYPE_ESCROW,
                            gatewayId,
                            roots,
                            Files.getLastModifiedTime(envelope).toInstant())
                    .sequence();
            if (v.sequence() < stored) {
                throw new RejectedNoticeException("escrow deposit sequence " + v.sequence()
                        + " is older than the stored one's (" + stored + "): a replay");
            }
        }
        String deposit = checkDeposit(v.payload().get("deposit"));
        DurableFiles.write(
                depositDir.get().resolve(gatewayId + EscrowDeposit.FILE_SUFFIX),
                deposit.getBytes(StandardCharsets.US_ASCII));
        DurableFiles.write(envelope, message);
        LOG.info("Accepted the escrow deposit of {} into {}", gatewayId, depositDir.get());
        events.accept(
                FleetEvents.TOPIC_ESCROW_ACCEPTED,
                Map.of(FleetEvents.PROPERTY_GATEWAY_ID, gatewayId, FleetEvents.PROPERTY_MQTT_TOPIC, topic));
    }

    /** A compact JWE encrypted the way {@link EscrowDeposit} says; only the revocation component can open it. */
    private static String checkDeposit(Object value) throws RejectedNoticeException {
        if (!(value instanceof String jwe) || jwe.split("\\.", -1).length != 5) {
            throw new RejectedNoticeException("field deposit missing or not a compact JWE");
        }
        try {
            Map<String, Object> header = JsonUtil.parseJson(new String(
                    Base64.getUrlDecoder().decode(jwe.substring(0, jwe.indexOf('.'))), StandardCharsets.UTF_8));
            Object alg = header.get("alg");
            if (!EscrowDeposit.EC_ALGORITHM.equals(alg) && !EscrowDeposit.RSA_ALGORITHM.equals(alg)
                    || !EscrowDeposit.CONTENT_ENCRYPTION.equals(header.get("enc"))) {
                throw new RejectedNoticeException(
                        "deposit encrypted with " + alg + "/" + header.get("enc") + ", not as an escrow deposit is");
            }
        } catch (JoseException | IllegalArgumentException e) {
            throw new RejectedNoticeException("deposit header unreadable: " + e.getMessage());
        }
        return jwe;
    }
}
