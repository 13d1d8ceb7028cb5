package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jose4j.jws.JsonWebSignature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;

/**
 * Delegated revocation against a real Pebble (real http-01): the gateway's monitor revokes a sensor, each route on
 * its own and the fallback after the authorization holder is refused, and a compromised gateway revoked and its
 * account deactivated through the escrowed key.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RevocationIT extends RevocationTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_BLOCKABLE);

    /**
     * Where the revocation bundle gets its JDBC driver (docs/database.md): Felix runs as the standalone runtime and the
     * Karaf feature do, with the osgi.jdbc API, so H2 and pgjdbc register DataSourceFactory services; Equinox runs as
     * Kura does, with H2 and no osgi.jdbc API, so there is no service and the driver class is loaded. Either way the
     * state is in H2 in the data directory.
     */
    @Test
    public void theStateIsInH2ThroughWhicheverDriverRouteThePlatformOffers() throws Exception {
        String gw = "gw-db." + framework() + ".keywarden.example";
        gatewayWithSensors(ca, gw, 1);
        configureRevocation(gw, "CUSTODIAN_ACCOUNT", 60);
        awaitService(DenyList.class);
        String h2 = "(osgi.jdbc.driver.class=org.h2.Driver)";
        String pg = "(osgi.jdbc.driver.class=org.postgresql.Driver)";
        String factory = "org.osgi.service.jdbc.DataSourceFactory";
        if ("felix".equals(framework())) {
            assertTrue("H2's DataSourceFactory", context.getServiceReferences(factory, h2) != null);
            assertTrue("pgjdbc's DataSourceFactory", context.getServiceReferences(factory, pg) != null);
        } else {
            assertEquals("Kura has no osgi.jdbc API", null, context.getServiceReferences(factory, null));
        }
        assertTrue(Files.isRegularFile(revocationData.resolve("revocation.mv.db")));
    }

    @Test
    public void monitorRevokesOneOfItsSensorsAndTheOthersStayValid() throws Exception {
        String gw = "gw-monitor." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 3);
        RevocationService service = configureRevocation(gw, "CUSTODIAN_ACCOUNT", 60);
        DenyList deny = awaitService(DenyList.class);
        String target = certs.get("sensor-2").getSerial();

        String request = sign(MONITOR, RevocationTarget.device("sensor-2"), RevocationReason.KEY_COMPROMISE);
        RevocationTicket accepted = service.submit(request);

        // contained before submit returned: denied, journaled, announced
        assertTrue("accepted or already further: " + accepted, accepted.getState() != TicketState.REFUSED);
        assertTrue("denied at acceptance", deny.isDenied(target));
        // journaled: committed to the H2 database in the data directory (the journal's own tests read it back)
        assertTrue(Files.isRegularFile(revocationData.resolve("revocation.mv.db")));
        Event acceptedEvent = events.await(
                RevocationEvents.TOPIC_ACCEPTED,
                e -> accepted.getId().equals(e.getProperty(RevocationEvents.PROPERTY_TICKET_ID)),
                Duration.ofSeconds(10));
        assertEquals(List.of(target), Arrays.asList((String[])
                acceptedEvent.getProperty(RevocationEvents.PROPERTY_SERIALS)));

        RevocationTicket done = awaitSettled(service, accepted);
        assertEquals(done.toString(), TicketState.REVOKED, done.getState());
        CertificateRevocation c = done.getCertificates().get(0);
        assertEquals(target, c.getSerial());
        assertEquals(RevocationRoute.CUSTODIAN_ACCOUNT, c.getRoute().orElseThrow());
        assertRevokedAt(ca, target, RevocationReason.KEY_COMPROMISE);
        for (String other : List.of(gw, "sensor-1", "sensor-3")) {
            assertEquals(
                    other + " untouched",
                    "Valid",
                    ca.certStatus(certs.get(other).getSerial()));
            assertFalse(deny.isDenied(certs.get(other).getSerial()));
        }
        events.await(
                RevocationEvents.TOPIC_REVOKED,
                e -> accepted.getId().equals(e.getProperty(RevocationEvents.PROPERTY_TICKET_ID)),
                Duration.ofSeconds(10));
        assertAudited("ACCEPTED", accepted.getId());
        assertAudited("REVOKED_AT_CA", target);

        // the inventory records it: REVOKED there and on disk, no current certificate, not re-ordered
        CertificateInventory inventory = awaitService(CertificateInventory.class);
        awaitTrue(
                "sensor-2 REVOKED in the inventory",
                Duration.ofSeconds(10),
                () -> inventory.getBySerial(target).orElseThrow().getStatus() == CertificateStatus.REVOKED);
        assertTrue(Files.readString(deviceDir("sensor-2").resolve("certs").resolve(target + ".properties"))
                .contains("status=REVOKED"));
        SensorEnrollmentService sensors = awaitSensorService();
        assertTrue(sensors.getCertificate("sensor-2").isEmpty());
        assertEquals(EnrollmentState.FAILED, sensors.getStatus("sensor-2").getState());
        assertEquals(1, inventory.getByDevice("sensor-2").size());
        for (String other : List.of("sensor-1", "sensor-3")) {
            assertEquals(
                    CertificateStatus.CURRENT,
                    inventory
                            .getBySerial(certs.get(other).getSerial())
                            .orElseThrow()
                            .getStatus());
        }

        // the same signed request again: a replay, refused, and nothing goes to the CA a second time
        RevocationTicket replay = service.submit(request);
        assertEquals(TicketState.REFUSED, replay.getState());
        assertEquals(RefusalReason.REPLAYED_NONCE, replay.getRefusalReason().orElseThrow());
        assertEquals(1, auditLines("REVOKED_AT_CA", target).size());

        // held: renew refused; the monitor may not release it; the operator's signed release allows one renewal
        try {
            sensors.renew("sensor-2").toCompletableFuture().get(60, TimeUnit.SECONDS);
            fail("a held sensor was renewed");
        } catch (ExecutionException e) {
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("held"));
        }
        RevocationTicket byMonitor = service.submit(release(MONITOR, RevocationTarget.device("sensor-2")));
        assertEquals(RefusalReason.OUT_OF_SCOPE, byMonitor.getRefusalReason().orElseThrow());
        RevocationTicket released = service.submit(release(OPERATOR, RevocationTarget.device("sensor-2")));
        assertEquals(released.toString(), TicketState.RELEASED, released.getState());
        assertTrue(deny.releasedAt(target).isPresent());
        assertAudited("RELEASED", target);
        CertificateRecord renewed =
                sensors.renew("sensor-2").toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertNotEquals(target, renewed.getSerial());
        assertEquals("Valid", ca.certStatus(renewed.getSerial()));
        assertTrue("the released serial stays denied", deny.isDenied(target));
    }

    private String release(String requester, RevocationTarget target) {
        return awaitService(RevocationRequestSigner.class)
                .sign(
                        RevocationRequest.builder()
                                .action(RevocationRequest.Action.RELEASE)
                                .target(target)
                                .requester(requester)
                                .nonce(java.util.UUID.randomUUID().toString())
                                .issuedAt(java.time.Instant.now())
                                .build(),
                        keys.get(requester).getPrivate());
    }

    @Test
    public void eachRouteOnItsOwnAndTheFallbackAfterTheAuthorizationHolderIsRefused() throws Exception {
        String gw = "gw-routes." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 4);
        List<String> table = new ArrayList<>();

        RevocationRoute[] alone = {
            RevocationRoute.CUSTODIAN_ACCOUNT, RevocationRoute.ESCROWED_ACCOUNT_KEY, RevocationRoute.CERTIFICATE_KEY
        };
        for (int i = 0; i < alone.length; i++) {
            String sensor = "sensor-" + (i + 1);
            RevocationService service = configureRevocation(gw, alone[i].name(), 60);
            RevocationTicket t = awaitSettled(
                    service,
                    service.submit(
                            sign(OPERATOR, RevocationTarget.device(sensor), RevocationReason.CESSATION_OF_OPERATION)));
            assertEquals(alone[i] + ": " + t, TicketState.REVOKED, t.getState());
            assertEquals(alone[i], t.getCertificates().get(0).getRoute().orElseThrow());
            assertRevokedAt(ca, certs.get(sensor).getSerial(), RevocationReason.CESSATION_OF_OPERATION);
            table.add(
                    alone[i] + " -> " + t.getCertificates().get(0).getCaAnswer().orElse(""));
        }

        // the authorization holder proves control of sensor-4's name for real, and Pebble still refuses it
        String last = certs.get("sensor-4").getSerial();
        RevocationService holderOnly = configureRevocation(gw, "AUTHORIZATION_HOLDER", 60);
        RevocationTicket refused = awaitSettled(
                holderOnly,
                holderOnly.submit(sign(OPERATOR, RevocationTarget.certificate(last), RevocationReason.KEY_COMPROMISE)));
        assertEquals(refused.toString(), TicketState.FAILED, refused.getState());
        assertEquals(
                "urn:ietf:params:acme:error:unauthorized",
                refused.getCertificates().get(0).getCaAnswer().orElse(""));
        assertEquals("Valid", ca.certStatus(last));
        assertAudited("ROUTE_REFUSED", "AUTHORIZATION_HOLDER");
        table.add("AUTHORIZATION_HOLDER -> "
                + refused.getCertificates().get(0).getCaAnswer().orElse(""));
        assertTrue(
                "the failed ticket keeps its certificate denied",
                awaitService(DenyList.class).isDenied(last));

        // with a fallback: refused on the first route, revoked on the next, both recorded
        RevocationService withFallback = configureRevocation(gw, "AUTHORIZATION_HOLDER,CUSTODIAN_ACCOUNT", 60);
        RevocationTicket fallback = awaitSettled(
                withFallback,
                withFallback.submit(
                        sign(OPERATOR, RevocationTarget.certificate(last), RevocationReason.KEY_COMPROMISE)));
        assertEquals(fallback.toString(), TicketState.REVOKED, fallback.getState());
        assertEquals(
                RevocationRoute.CUSTODIAN_ACCOUNT,
                fallback.getCertificates().get(0).getRoute().orElseThrow());
        assertRevokedAt(ca, last, RevocationReason.KEY_COMPROMISE);
        assertAudited("ROUTE_REFUSED", fallback.getId());
        table.add("AUTHORIZATION_HOLDER,CUSTODIAN_ACCOUNT -> "
                + fallback.getCertificates().get(0).getRoute().get());
        System.out.println("Route x outcome on " + framework() + ": " + table);
    }

    @Test
    public void compromisedGatewayIsRevokedWithItsSensorsAndItsAccountCanOrderNoMore() throws Exception {
        String gw = "gw-compromised." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 2);
        // the authority's own route: the account key the gateway deposited at enrollment
        RevocationService service = configureRevocation(gw, "ESCROWED_ACCOUNT_KEY", 60);

        // a monitor may not declare its gateway compromised
        RevocationTicket byMonitor =
                service.submit(sign(MONITOR, RevocationTarget.compromisedGateway(gw), RevocationReason.KEY_COMPROMISE));
        assertEquals(RefusalReason.OUT_OF_SCOPE, byMonitor.getRefusalReason().orElseThrow());

        RevocationTicket t = awaitSettled(
                service,
                service.submit(sign(FLEET, RevocationTarget.compromisedGateway(gw), RevocationReason.KEY_COMPROMISE)));
        assertEquals(t.toString(), TicketState.REVOKED, t.getState());
        assertEquals(certs.size(), t.getCertificates().size());
        for (CertificateRecord r : certs.values()) {
            assertRevokedAt(ca, r.getSerial(), RevocationReason.KEY_COMPROMISE);
        }
        assertTrue("account deactivated: " + t, t.isAccountDeactivated());
        assertAudited("ACCOUNT_DEACTIVATED", t.getId());

        // whoever holds the gateway now cannot get a certificate with its account
        SensorEnrollmentService sensors = awaitSensorService();
        CompletableFuture<CertificateRecord> attempt = sensors.enroll(SensorEnrollmentRequest.builder("sensor-new")
                        .dnsName("new." + gw)
                        .build())
                .toCompletableFuture();
        EnrollmentStatus refused = await("the new order refused by the CA", ENROLL_TIMEOUT, () -> {
            EnrollmentStatus s = sensors.getStatus("sensor-new");
            return s.getLastError().isPresent() ? s : null;
        });
        assertTrue(
                "CA refused the deactivated account: " + refused,
                refused.getLastError().get().contains("unauthorized")
                        || refused.getLastError().get().contains("deactivated"));
        assertFalse(attempt.isDone() && !attempt.isCompletedExceptionally());
        assertTrue(Set.of(EnrollmentState.RETRYING, EnrollmentState.FAILED).contains(refused.getState()));
    }

    @Test
    public void forgedReplayedStaleOutOfScopeAndMalformedRequestsAreRefusedAuditedAndRevokeNothing() throws Exception {
        String gw = "gw-refusals." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 2);
        RevocationService service = configureRevocation(gw, "CUSTODIAN_ACCOUNT", 60);
        DenyList deny = awaitService(DenyList.class);
        RevocationTarget sensor1 = RevocationTarget.device("sensor-1");
        RevocationTarget sensor2 = RevocationTarget.device("sensor-2");
        Instant now = Instant.now();

        String outOfScope = sign(MONITOR_OF_B, sensor1, RevocationReason.KEY_COMPROMISE);
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("bad signature", new String[] {
            "BAD_SIGNATURE", sign(MONITOR, ecKeyPair(), sensor1, RevocationReason.KEY_COMPROMISE, now)
        });
        cases.put("unsigned (alg none)", new String[] {"BAD_SIGNATURE", unsigned(outOfScope)});
        cases.put("unknown requester", new String[] {
            "UNKNOWN_REQUESTER", sign("intruder", ecKeyPair(), sensor1, RevocationReason.KEY_COMPROMISE, now)
        });
        cases.put("monitor of gateway B", new String[] {"OUT_OF_SCOPE", outOfScope});
        cases.put("replayed nonce", new String[] {"REPLAYED_NONCE", outOfScope});
        cases.put("stale issue time", new String[] {
            "STALE", sign(MONITOR, keys.get(MONITOR), sensor1, RevocationReason.KEY_COMPROMISE, now.minusSeconds(3600))
        });
        cases.put("device revoking another", new String[] {
            "OUT_OF_SCOPE", sign(DEVICE, keys.get(DEVICE), sensor2, RevocationReason.KEY_COMPROMISE, now)
        });
        cases.put("not a JWS", new String[] {"MALFORMED", "revoke sensor-1 please"});
        cases.put("reason code 7", new String[] {"MALFORMED", withReasonSeven(keys.get(MONITOR))});

        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            RevocationTicket t = service.submit(c.getValue()[1]);
            assertEquals(c.getKey() + ": " + t, TicketState.REFUSED, t.getState());
            assertEquals(
                    c.getKey() + ": " + t,
                    c.getValue()[0],
                    t.getRefusalReason().orElseThrow().name());
            assertTrue(
                    c.getKey() + " says why",
                    t.getDetail().isPresent() && !t.getDetail().get().isBlank());
            assertAudited("REFUSED", t.getId());
            events.await(
                    RevocationEvents.TOPIC_REFUSED,
                    e -> t.getId().equals(e.getProperty(RevocationEvents.PROPERTY_TICKET_ID)),
                    Duration.ofSeconds(10));
        }
        for (CertificateRecord r : certs.values()) {
            assertEquals(r.getDeviceId() + " still valid", "Valid", ca.certStatus(r.getSerial()));
            assertFalse(deny.isDenied(r.getSerial()));
        }
        assertTrue(auditLines("ACCEPTED", "").isEmpty());

        // the device itself is the ordinary subscriber case: accepted
        RevocationTicket self =
                awaitSettled(service, service.submit(sign(DEVICE, sensor1, RevocationReason.SUPERSEDED)));
        assertEquals(self.toString(), TicketState.REVOKED, self.getState());
        assertRevokedAt(ca, certs.get("sensor-1").getSerial(), RevocationReason.SUPERSEDED);
    }

    @Test
    public void twentyRequestsAcceptedWhileTheCaIsUnreachableAreAllRevokedOnceWhenItIsBack() throws Exception {
        String gw = "gw-outage." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 20);
        RevocationService service = configureRevocation(gw, "CUSTODIAN_ACCOUNT", 100);
        DenyList deny = awaitService(DenyList.class);
        List<RevocationTicket> tickets = new ArrayList<>();
        ca.block();
        try {
            for (int i = 1; i <= 20; i++) {
                RevocationTicket t = service.submit(
                        sign(MONITOR, RevocationTarget.device("sensor-" + i), RevocationReason.KEY_COMPROMISE));
                assertTrue(t.toString(), t.getState() == TicketState.ACCEPTED || t.getState() == TicketState.RETRYING);
                assertTrue(deny.isDenied(certs.get("sensor-" + i).getSerial()));
                tickets.add(t);
            }
            for (RevocationTicket t : tickets) {
                RevocationTicket retrying = await("ticket retrying while the CA is unreachable", REVOKE_TIMEOUT, () -> {
                    RevocationTicket now = service.getTicket(t.getId()).orElseThrow();
                    // between attempts: the next one is planned (during one it is not)
                    return now.getState() == TicketState.RETRYING
                                    && now.getAttempts() >= 2
                                    && now.getNextAttemptAt().isPresent()
                            ? now
                            : null;
                });
                assertTrue(
                        "says the CA is unreachable: " + retrying,
                        retrying.getDetail().orElse("").contains("unreachable"));
                assertTrue(
                        "next attempt within the 2 s cap: " + retrying,
                        retrying.getNextAttemptAt().get().isBefore(Instant.now().plusSeconds(3)));
            }
        } finally {
            ca.unblock();
        }
        for (RevocationTicket t : tickets) {
            RevocationTicket done = awaitSettled(service, t);
            assertEquals(done.toString(), TicketState.REVOKED, done.getState());
        }
        for (int i = 1; i <= 20; i++) {
            String serial = certs.get("sensor-" + i).getSerial();
            assertRevokedAt(ca, serial, RevocationReason.KEY_COMPROMISE);
            List<String> revoked = auditLines("REVOKED_AT_CA", serial);
            assertEquals("one successful revocation of " + serial + ": " + revoked, 1, revoked.size());
            assertTrue(revoked.get(0), revoked.get(0).contains("\"caAnswer\":\"revoked\""));
        }
        assertEquals("Valid", ca.certStatus(certs.get(gw).getSerial()));
    }

    /** The payload of a signed request under an "alg":"none" header and without a signature. */
    private static String unsigned(String signed) {
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + signed.split("\\.")[1] + ".";
    }

    /** A request correctly signed by the monitor whose reason code (7) RFC 5280 leaves unassigned. */
    private static String withReasonSeven(KeyPair key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"target\":{\"kind\":\"DEVICE\",\"value\":\"sensor-1\"},\"reason\":7," + "\"requester\":\""
                + MONITOR + "\",\"nonce\":\"n-7\",\"iat\":" + Instant.now().getEpochSecond() + "}");
        jws.setAlgorithmHeaderValue("ES256");
        jws.setKey(key.getPrivate());
        return jws.getCompactSerialization();
    }
}
