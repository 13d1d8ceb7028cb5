package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.testing.pki.TestKeys;

/**
 * What the revocation tests share: a gateway with sensors enrolled at a real Pebble (with escrow of its account key
 * to a fleet authority key made here), the revocation policy and authorities configured through ConfigurationAdmin,
 * and keys to sign requests with.
 */
public abstract class RevocationTestSupport extends KeywardenTestSupport {
    protected static final String POLICY_PID = "io.keywarden.revocation";
    protected static final String AUTHORITY_FACTORY_PID = "io.keywarden.revocation.authority";
    protected static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(60);

    protected static final String MONITOR = "monitor";
    protected static final String MONITOR_OF_B = "monitor-gw-b";
    protected static final String FLEET = "fleet";
    protected static final String OPERATOR = "operator";
    protected static final String DEVICE = "device-sensor-1";

    protected final Map<String, KeyPair> keys = new LinkedHashMap<>();
    protected KeyPair fleetEscrowKey;
    protected Path revocationData;
    private final List<Configuration> revocationConfigs = new ArrayList<>();
    private Configuration policy;

    @After
    public void tearDownRevocation() throws Exception {
        for (Configuration c : revocationConfigs) {
            c.delete();
        }
        revocationConfigs.clear();
        if (policy != null) {
            policy.delete();
            policy = null;
            awaitTrue("RevocationService unregistered", SERVICE_TIMEOUT, () -> !isRegistered(RevocationService.class));
        }
    }

    /** Enrolls a gateway (escrowing its account key) and {@code sensors} sensors with gateway-held keys. */
    protected Map<String, CertificateRecord> gatewayWithSensors(CaControl ca, String gatewayName, int sensors)
            throws Exception {
        fleetEscrowKey = ecKeyPair();
        Path authorityDir = Files.createDirectories(dataDir.resolve("authority"));
        Path escrowPublic = authorityDir.resolve("fleet-escrow-public.pem");
        Files.writeString(
                escrowPublic, pem("PUBLIC KEY", fleetEscrowKey.getPublic().getEncoded()));
        Hashtable<String, Object> config = gatewayConfig(ca, gatewayName);
        config.put("escrow.authority.key", escrowPublic.toString());
        config.put("escrow.deposit.dir", dataDir.resolve("deposits").toString());
        applyConfig(config);
        GatewayEnrollmentService gateway = awaitGatewayService();
        SensorEnrollmentService sensorService = awaitSensorService();
        Map<String, CertificateRecord> out = new LinkedHashMap<>();
        out.put(gatewayName, awaitGatewayEnrolled(gateway));
        Map<String, CompletableFuture<CertificateRecord>> pending = new LinkedHashMap<>();
        for (int i = 1; i <= sensors; i++) {
            String id = "sensor-" + i;
            pending.put(
                    id,
                    sensorService
                            .enroll(SensorEnrollmentRequest.builder(id)
                                    .dnsName("s" + i + "." + gatewayName)
                                    .build())
                            .toCompletableFuture());
        }
        for (Map.Entry<String, CompletableFuture<CertificateRecord>> e : pending.entrySet()) {
            out.put(e.getKey(), e.getValue().get(ENROLL_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        return out;
    }

    /**
     * The policy (routes in order, fast retries) and the five authorities: this gateway's monitor, gateway B's
     * monitor, the fleet authority, an operator granted {@code sensor-*}, and sensor-1 as a device.
     */
    protected RevocationService configureRevocation(String gatewayName, String routes, int ratePerMinute)
            throws Exception {
        if (keys.isEmpty()) {
            for (String id : List.of(MONITOR, MONITOR_OF_B, FLEET, OPERATOR, DEVICE)) {
                keys.put(id, ecKeyPair());
            }
            authority(MONITOR, "gateway-monitor", gatewayName);
            authority(MONITOR_OF_B, "gateway-monitor", "gw-b.keywarden.example");
            authority(FLEET, "fleet-authority", "");
            authority(OPERATOR, "operator", "sensor-*");
            authority(DEVICE, "device", "sensor-1");
        }
        awaitTrue("the 5 authorities registered", SERVICE_TIMEOUT, () -> {
            try {
                ServiceReference<?>[] refs =
                        context.getServiceReferences("io.keywarden.revocation.internal.authority.Authority", null);
                return refs != null && refs.length == keys.size();
            } catch (InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
        Path escrowPrivate = dataDir.resolve("authority").resolve("fleet-escrow-private.pem");
        if (!Files.exists(escrowPrivate)) {
            Files.createFile(
                    escrowPrivate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    escrowPrivate,
                    pem("PRIVATE KEY", fleetEscrowKey.getPrivate().getEncoded()));
        }
        revocationData = dataDir.resolve("revocation");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("routes", routes);
        p.put("retry.initial.millis", 200);
        p.put("retry.max.seconds", 2);
        p.put("rate.per.minute", ratePerMinute);
        p.put("data.dir", revocationData.toString());
        p.put("escrow.private.key", escrowPrivate.toString());
        p.put("escrow.deposit.dir", dataDir.resolve("deposits").toString());
        Long before = serviceId(RevocationService.class);
        if (policy == null) {
            policy = configAdmin.getConfiguration(POLICY_PID, "?");
        }
        policy.update(p);
        // a changed policy re-activates the component: wait for the new registration, not the old one
        return await("RevocationService registered with routes " + routes, SERVICE_TIMEOUT, () -> {
            Long now = serviceId(RevocationService.class);
            if (now == null || now.equals(before)) {
                return null;
            }
            return context.getService(context.getServiceReference(RevocationService.class));
        });
    }

    private Long serviceId(Class<?> type) {
        ServiceReference<?> ref = context.getServiceReference(type);
        return ref == null ? null : (Long) ref.getProperty("service.id");
    }

    private void authority(String id, String role, String scope) throws IOException {
        Configuration c = configAdmin.createFactoryConfiguration(AUTHORITY_FACTORY_PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("authority.id", id);
        p.put("authority.role", role);
        p.put("authority.key", pem("PUBLIC KEY", keys.get(id).getPublic().getEncoded()));
        p.put("authority.scope", scope);
        c.update(p);
        revocationConfigs.add(c);
    }

    protected String sign(String requester, RevocationTarget target, RevocationReason reason) {
        return sign(requester, keys.get(requester), target, reason, Instant.now());
    }

    protected String sign(
            String requester, KeyPair key, RevocationTarget target, RevocationReason reason, Instant issuedAt) {
        RevocationRequestSigner signer = awaitService(RevocationRequestSigner.class);
        return signer.sign(
                RevocationRequest.builder()
                        .target(target)
                        .reason(reason)
                        .requester(requester)
                        .nonce(UUID.randomUUID().toString())
                        .issuedAt(issuedAt)
                        .build(),
                key.getPrivate());
    }

    protected RevocationTicket awaitSettled(RevocationService service, RevocationTicket t) throws Exception {
        return service.whenSettled(t.getId()).toCompletableFuture().get(REVOKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The audit log's entries as raw JSON lines. */
    protected List<String> auditLines() throws IOException {
        return Files.readAllLines(revocationData.resolve("audit.log"), StandardCharsets.UTF_8);
    }

    protected List<String> auditLines(String event, String containing) throws IOException {
        return auditLines().stream()
                .filter(l -> l.contains("\"event\":\"" + event + "\"") && l.contains(containing))
                .toList();
    }

    protected void assertAudited(String event, String containing) throws IOException {
        assertTrue(
                "audit log has a " + event + " entry with " + containing + ":\n" + String.join("\n", auditLines()),
                !auditLines(event, containing).isEmpty());
    }

    protected static void assertRevokedAt(CaControl ca, String serial, RevocationReason reason) {
        assertEquals("Pebble's status of " + serial, "Revoked", ca.certStatus(serial));
        assertEquals("Pebble's reason for " + serial, reason.getCode(), ca.revocationReason(serial));
    }

    protected static KeyPair ecKeyPair() {
        return TestKeys.ec();
    }

    protected static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
