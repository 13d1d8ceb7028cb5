package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.ca.EscrowDeposit;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.files.DurableFiles;

/**
 * The fleet authority's side of inventories: verifies what gateways publish about themselves (see
 * {@link GatewayEnvelope}), keeps every accepted inventory on disk ({@code inventories/<gateway>.jws}, replaced
 * atomically) and serves it as a {@code CertificateInventory}; hands accepted escrow deposits to the revocation
 * component by writing them into its deposit directory. A rejected message is logged, posted as an event and changes
 * nothing. Runs on the component's single thread.
 */
public final class InventoryCollector {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);

    /** Makes an accepted gateway's inventory visible as a service; called once per gateway. */
    public interface Registrar {
        void register(GatewayInventory inventory);
    }

    private final Set<TrustAnchor> roots;
    private final Optional<Path> depositDir;
    private final Path inventoryDir;
    private final Path escrowDir;
    private final Clock clock;
    private final BiConsumer<String, Map<String, ?>> events;
    private final Registrar registrar;
    private final Map<String, GatewayInventory> byGateway = new ConcurrentHashMap<>();

    public InventoryCollector(
            FleetOptions options, Clock clock, BiConsumer<String, Map<String, ?>> events, Registrar registrar) {
        this.roots = options.getInventoryRoots();
        this.depositDir = options.getEscrowDepositDir();
        this.inventoryDir = options.getDataDir().resolve("inventories");
        this.escrowDir = options.getDataDir().resolve("escrow-envelopes");
        this.clock = clock;
        this.events = events;
        this.registrar = registrar;
    }

    /** Serves the inventories accepted before a restart (they were verified when they arrived). */
    public void load() throws IOException {
        if (!Files.isDirectory(inventoryDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inventoryDir, "*.jws")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String gatewayId = name.substring(0, name.length() - 4);
                try {
                    GatewayEnvelope.Verified v = GatewayEnvelope.verify(
                            Files.readAllBytes(f), GatewayEnvelope.TYPE_INVENTORY, gatewayId, roots, storedAt(f));
                    accept(gatewayId, new GatewayInventory.Snapshot(v.sequence(), records(v)));
                } catch (RejectedNoticeException e) {
                    LOG.warn("Stored inventory {} no longer verifies, not served: {}", f, e.getMessage());
                }
            }
        }
        LOG.info("Serving {} stored gateway inventories from {}", byGateway.size(), inventoryDir);
    }

    /** The time the stored message was verified at, so a certificate that expired since does not drop it. */
    private static Instant storedAt(Path f) throws IOException {
        return Files.getLastModifiedTime(f).toInstant();
    }

    public void inventory(String topic, String gatewayId, byte[] message) {
        try {
            GatewayEnvelope.Verified v =
                    GatewayEnvelope.verify(message, GatewayEnvelope.TYPE_INVENTORY, gatewayId, roots, clock.instant());
            GatewayInventory known = byGateway.get(gatewayId);
            if (known != null && v.sequence() <= known.snapshot().sequence()) {
                if (v.sequence() < known.snapshot().sequence()) {
                    throw new RejectedNoticeException(
                            "sequence " + v.sequence() + " is older than the stored inventory's ("
                                    + known.snapshot().sequence() + "): a replay");
                }
                return; // the same retained message again, after a reconnect
            }
            List<CertificateRecord> records = records(v);
            checkRecords(gatewayId, v.signer(), records);
            DurableFiles.write(inventoryDir.resolve(gatewayId + ".jws"), message);
            accept(gatewayId, new GatewayInventory.Snapshot(v.sequence(), records));
            LOG.info("Accepted the inventory of {}: {} certificates", gatewayId, records.size());
            events.accept(
                    FleetEvents.TOPIC_INVENTORY_ACCEPTED,
                    Map.of(
                            FleetEvents.PROPERTY_GATEWAY_ID,
                            gatewayId,
                            FleetEvents.PROPERTY_MQTT_TOPIC,
                            topic,
                            FleetEvents.PROPERTY_SERIALS,
                            records.stream().map(CertificateRecord::getSerial).toArray(String[]::new)));
        } catch (RejectedNoticeException e) {
            reject(topic, gatewayId, e.getMessage());
        } catch (IOException e) {
            // nothing served changed; the retained message arrives again on the next connection
            LOG.error("Cannot store the inventory of {}: {}", gatewayId, e.getMessage());
        }
    }

    public void escrow(String topic, String gatewayId, byte[] message) {
        if (depositDir.isEmpty()) {
            return;
        }
        try {
            GatewayEnvelope.Verified v =
                    GatewayEnvelope.verify(message, GatewayEnvelope.TYPE_ESCROW, gatewayId, roots, clock.instant());
            Path envelope = escrowDir.resolve(gatewayId + ".jws");
            if (Files.exists(envelope)) {
                long stored = GatewayEnvelope.verify(
                                Files.readAllBytes(envelope),
                                GatewayEnvelope.TYPE_ESCROW,
                                gatewayId,
                                roots,
                                storedAt(envelope))
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
        } catch (RejectedNoticeException e) {
            reject(topic, gatewayId, e.getMessage());
        } catch (IOException e) {
            LOG.error("Cannot store the escrow deposit of {}: {}", gatewayId, e.getMessage());
        }
    }

    private void reject(String topic, String gatewayId, String why) {
        LOG.warn("Rejected a message on {}: {}", topic, why);
        events.accept(
                FleetEvents.TOPIC_INVENTORY_REJECTED,
                Map.of(
                        FleetEvents.PROPERTY_GATEWAY_ID,
                        gatewayId,
                        FleetEvents.PROPERTY_MQTT_TOPIC,
                        topic,
                        FleetEvents.PROPERTY_ERROR,
                        why));
    }

    private void accept(String gatewayId, GatewayInventory.Snapshot snapshot) {
        GatewayInventory known = byGateway.get(gatewayId);
        if (known != null) {
            known.replace(snapshot);
            return;
        }
        GatewayInventory inventory = new GatewayInventory(gatewayId, snapshot);
        byGateway.put(gatewayId, inventory);
        registrar.register(inventory);
    }

    private static List<CertificateRecord> records(GatewayEnvelope.Verified v) throws RejectedNoticeException {
        if (!(v.payload().get("records") instanceof List<?> list)) {
            throw new RejectedNoticeException("field records missing or not an array");
        }
        List<CertificateRecord> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(RecordCodec.fromJson(o));
        }
        return out;
    }

    /**
     * A gateway may speak only for itself and for the sensors its own account ordered; every record must be a
     * certificate of the fleet's CA with the serial the record claims; and no account or certificate may be claimed by
     * two gateways (otherwise a compromised gateway could list another gateway's account and have it deactivated with
     * its own, or another's certificates and have them denied fleet-wide with its own).
     */
    private void checkRecords(String gatewayId, X509Certificate signer, List<CertificateRecord> records)
            throws RejectedNoticeException {
        Set<String> gatewaySerials = new LinkedHashSet<>();
        Set<String> accounts = new LinkedHashSet<>();
        for (CertificateRecord r : records) {
            if (r.getKind() == DeviceKind.GATEWAY) {
                if (!r.getDeviceId().equals(gatewayId)) {
                    throw new RejectedNoticeException("lists gateway " + r.getDeviceId() + ", not itself");
                }
                gatewaySerials.add(r.getSerial());
                accounts.add(r.getAccountUrl());
            }
        }
        if (!gatewaySerials.contains(signer.getSerialNumber().toString(16))) {
            throw new RejectedNoticeException(
                    "the signing certificate " + signer.getSerialNumber().toString(16)
                            + " is not among the gateway's own certificates in the inventory");
        }
        for (CertificateRecord r : records) {
            if (!accounts.contains(r.getAccountUrl())) {
                throw new RejectedNoticeException(r.getDeviceId() + " (" + r.getSerial() + ") was ordered by "
                        + r.getAccountUrl() + ", not by the gateway's account " + accounts);
            }
            X509Certificate leaf = r.getCertificate();
            if (!leaf.getSerialNumber().toString(16).equals(r.getSerial())) {
                throw new RejectedNoticeException("record " + r.getSerial() + " carries certificate "
                        + leaf.getSerialNumber().toString(16));
            }
            Instant mid = r.getNotBefore()
                    .plus(Duration.between(r.getNotBefore(), r.getNotAfter()).dividedBy(2));
            GatewayEnvelope.checkChain(r.getChain(), roots, mid);
        }
        Set<String> serials = new HashSet<>();
        records.forEach(r -> serials.add(r.getSerial()));
        for (GatewayInventory other : byGateway.values()) {
            if (other.gatewayId().equals(gatewayId)) {
                continue;
            }
            for (CertificateRecord r : other.getAll()) {
                if (r.getKind() == DeviceKind.GATEWAY && accounts.contains(r.getAccountUrl())) {
                    throw new RejectedNoticeException(
                            "account " + r.getAccountUrl() + " belongs to gateway " + other.gatewayId());
                }
                if (serials.contains(r.getSerial())) {
                    throw new RejectedNoticeException(
                            "certificate " + r.getSerial() + " is listed by gateway " + other.gatewayId());
                }
            }
        }
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
