package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.est.EstEvents;

/**
 * Every way a request is refused: the status, nothing asked of the ACME bundle (so nothing ordered at the CA), a line
 * in the audit log and an event.
 */
class EstRefusalTest {
    @TempDir
    static Path work;

    static EstFixture f;
    static RawEst raw;

    @BeforeAll
    static void start() throws Exception {
        f = new EstFixture(work, Map.of("max.body.bytes", 4096));
        raw = new RawEst(f);
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    @AfterEach
    void clockBack() {
        f.clock.offset = Duration.ZERO;
    }

    private static byte[] csrBody(String id) throws Exception {
        return RawEst.base64(EstClients.csr(Manufacturer.ec(), new X500Name("CN=" + id), EstFixture.name(id))
                .getEncoded());
    }

    private static void assertRefused(RawEst.Answer a, int status, String op, String device, String auditReason)
            throws Exception {
        assertEquals(status, a.status(), a.body());
        if (device != null) {
            assertNull(f.gateway.enrollCalls.get(device), "nothing ordered for " + device);
        }
        String audit = f.audit();
        String line = audit.lines()
                .filter(l -> l.contains("REFUSED op=" + op + " status=" + status)
                        && (device == null || l.contains("device=" + device))
                        && l.contains(auditReason))
                .findFirst()
                .orElse(null);
        assertTrue(line != null, "audited: " + op + " " + status + " " + auditReason + " in\n" + audit);
        assertTrue(f.events.stream()
                .anyMatch(e -> e.getKey().equals(EstEvents.TOPIC_REFUSED)
                        && Integer.valueOf(status).equals(e.getValue().get(EstEvents.PROPERTY_STATUS))));
    }

    @Test
    void noCredentialsIsAskedForThem() throws Exception {
        RawEst.Answer a = raw.post("simpleenroll", "application/pkcs10", csrBody("sensor-r1"), null, null);
        assertEquals("Basic realm=\"keywarden-est\"", a.wwwAuthenticate());
        assertRefused(a, 401, "simpleenroll", null, "no credentials");
    }

    @Test
    void aWrongCodeAnExpiredCodeAndAReusedCodeAreRefused() throws Exception {
        f.est.create("sensor-r2", null);
        assertRefused(
                raw.post(
                        "simpleenroll",
                        "application/pkcs10",
                        csrBody("sensor-r2"),
                        RawEst.basic("sensor-r2", "AAAAA-BBBBB-CCCCC-DDDDD"),
                        null),
                401,
                "simpleenroll",
                "sensor-r2",
                "enrollment code wrong");

        String expiring = f.est.create("sensor-r3", Duration.ofHours(1)).getCode();
        f.clock.offset = Duration.ofHours(2);
        assertRefused(
                raw.post(
                        "simpleenroll",
                        "application/pkcs10",
                        csrBody("sensor-r3"),
                        RawEst.basic("sensor-r3", expiring),
                        null),
                401,
                "simpleenroll",
                "sensor-r3",
                "enrollment code expired");
        f.clock.offset = Duration.ZERO;

        String once = f.est.create("sensor-r4", null).getCode();
        KeyPair key = Manufacturer.ec();
        EnrollmentResponse ok = EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, null)
                .simpleEnroll(
                        false,
                        EstClients.csr(key, new X500Name("CN=sensor-r4"), EstFixture.name("sensor-r4")),
                        new JcaHttpAuthBuilder("sensor-r4", once.toCharArray()).build());
        assertTrue(ok.isCompleted());
        f.gateway.enrollCalls.remove("sensor-r4");
        assertRefused(
                raw.post(
                        "simpleenroll",
                        "application/pkcs10",
                        csrBody("sensor-r4"),
                        RawEst.basic("sensor-r4", once),
                        null),
                401,
                "simpleenroll",
                "sensor-r4",
                "enrollment code used");
    }

    @Test
    void anIdevidFromAnUnknownManufacturerOrOfAnUnexpectedDeviceIsRefused() throws Exception {
        Manufacturer other = new Manufacturer("Unknown Devices");
        Manufacturer.Device d = other.idevid("sensor-r5");
        assertRefused(
                raw.post("simpleenroll", "application/pkcs10", csrBody("sensor-r5"), null, d.key(), d.certificate()),
                403,
                "simpleenroll",
                null,
                "unknown manufacturer certificate");

        Manufacturer.Device stranger = f.manufacturer.idevid("thermostat-9");
        assertRefused(
                raw.post(
                        "simpleenroll",
                        "application/pkcs10",
                        csrBody("thermostat-9"),
                        null,
                        stranger.key(),
                        stranger.certificate()),
                403,
                "simpleenroll",
                "thermostat-9",
                "is not on the roster");
    }

    @Test
    void csrNamesTheDeviceMayNotHoldAreRefused() throws Exception {
        Manufacturer.Device d = f.manufacturer.idevid("sensor-r6");
        byte[] body = RawEst.base64(EstClients.csr(
                        Manufacturer.ec(),
                        new X500Name("CN=sensor-r6"),
                        EstFixture.name("sensor-r6"),
                        "gw.est.keywarden.test")
                .getEncoded());
        assertRefused(
                raw.post("simpleenroll", "application/pkcs10", body, null, d.key(), d.certificate()),
                403,
                "simpleenroll",
                "sensor-r6",
                "name gw.est.keywarden.test is not one sensor-r6 may hold");
    }

    @Test
    void malformedRequestsAreRefusedBeforeAnyoneIsAsked() throws Exception {
        Manufacturer.Device d = f.manufacturer.idevid("sensor-r7");
        byte[] der = EstClients.csr(Manufacturer.ec(), new X500Name("CN=sensor-r7"), EstFixture.name("sensor-r7"))
                .getEncoded();
        der[der.length - 1] ^= 0x01;
        assertRefused(
                raw.post("simpleenroll", "application/pkcs10", RawEst.base64(der), null, d.key(), d.certificate()),
                400,
                "simpleenroll",
                null,
                "signature");
        assertRefused(
                raw.post(
                        "simpleenroll", "application/pkcs10", "not*base64!".getBytes(), null, d.key(), d.certificate()),
                400,
                "simpleenroll",
                null,
                "not base64");
        assertRefused(
                raw.post("simpleenroll", "application/pkcs10", new byte[8192], null, d.key(), d.certificate()),
                413,
                "simpleenroll",
                null,
                "exceeds 4096 bytes");
        assertRefused(
                raw.post("simpleenroll", "application/json", csrBody("sensor-r7"), null, d.key(), d.certificate()),
                415,
                "simpleenroll",
                null,
                "application/pkcs10");
        assertNull(f.gateway.enrollCalls.get("sensor-r7"));
    }

    @Test
    void aRevokedDeviceComesBackNeitherWithItsIdevidNorWithANewCode() throws Exception {
        String id = "sensor-r9";
        Manufacturer.Device d = f.manufacturer.idevid(id);
        X509Certificate cert = EstClients.certificates(EstClients.client(
                                f.hostPort(), f.caRoot(), EstFixture.GATEWAY, d.key(), d.certificate())
                        .simpleEnroll(
                                false,
                                EstClients.csr(Manufacturer.ec(), new X500Name("CN=" + id), EstFixture.name(id)),
                                null)
                        .getStore())
                .get(0);
        f.gateway.enrollCalls.remove(id);
        f.denied.add(cert.getSerialNumber().toString(16));
        try {
            assertRefused(
                    raw.post("simpleenroll", "application/pkcs10", csrBody(id), null, d.key(), d.certificate()),
                    403,
                    "simpleenroll",
                    id,
                    "the device is held");
            f.quarantined.add(id);
            String code = f.est.create(id, null).getCode();
            byte[] request = csrBody(id);
            assertRefused(
                    raw.post("simpleenroll", "application/pkcs10", request, RawEst.basic(id, code), null),
                    403,
                    "simpleenroll",
                    id,
                    "quarantined");
            f.quarantined.remove(id);
            // an operator's enrollment code is not the authority's signed word: the device stays held
            assertRefused(
                    raw.post("simpleenroll", "application/pkcs10", request, RawEst.basic(id, code), null),
                    403,
                    "simpleenroll",
                    id,
                    "the device is held");
            assertNull(f.gateway.enrollCalls.get(id), "nothing asked of the enrollment service");

            // the authority's signed release of the held serial: the device enrolls again, the serial stays denied
            f.released.add(cert.getSerialNumber().toString(16));
            RawEst.Answer released =
                    raw.post("simpleenroll", "application/pkcs10", csrBody(id), null, d.key(), d.certificate());
            assertEquals(200, released.status(), released.body());
            assertNotNull(f.gateway.enrollCalls.get(id), "the released device was enrolled");
            assertTrue(f.denied.contains(cert.getSerialNumber().toString(16)));
        } finally {
            f.denied.remove(cert.getSerialNumber().toString(16));
            f.released.remove(cert.getSerialNumber().toString(16));
            f.quarantined.remove(id);
        }
    }

    @Test
    void aSourceThatGuessedCodesTooOftenIsStoppedEvenWithTheRightOne() throws Exception {
        String code = f.est.create("sensor-r10", null).getCode();
        byte[] body = csrBody("sensor-r10");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401, raw.postFrom("127.0.0.5", "simpleenroll", body, RawEst.basic("sensor-r10", "WRONG-" + i)));
        }
        assertEquals(429, raw.postFrom("127.0.0.5", "simpleenroll", body, RawEst.basic("sensor-r10", code)));
        assertNull(f.gateway.enrollCalls.get("sensor-r10"));
        assertTrue(f.audit().contains("REFUSED op=simpleenroll status=429 device=- source=127.0.0.5"), f.audit());
        // another address is not affected
        assertEquals(200, raw.postFrom("127.0.0.6", "simpleenroll", body, RawEst.basic("sensor-r10", code)));
    }

    @Test
    void headersOverTheLimitAreRefusedByJettyAndAudited() throws Exception {
        RawEst.Answer a = raw.getWithHeader("cacerts", "X-Padding", "x".repeat(10_000));
        assertEquals(431, a.status(), a.body());
        assertTrue(f.audit().lines().anyMatch(l -> l.contains("REFUSED op=- status=431")), f.audit());
    }

    @Test
    void aDeviceWhoseCurrentCertificateIsRevokedDoesNotRenewWithAnOlderOneStillValid() throws Exception {
        String id = "sensor-r11";
        KeyPair key = Manufacturer.ec();
        Manufacturer.Device d = f.manufacturer.idevid(id);
        X509Certificate first = EstClients.certificates(EstClients.client(
                                f.hostPort(), f.caRoot(), EstFixture.GATEWAY, d.key(), d.certificate())
                        .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null)
                        .getStore())
                .get(0);
        X500Name subject = X500Name.getInstance(first.getSubjectX500Principal().getEncoded());
        byte[] renewal =
                RawEst.base64(EstClients.csr(key, subject, EstFixture.name(id)).getEncoded());
        X509Certificate second = EstClients.certificates(
                        EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, key, first)
                                .simpleEnroll(true, EstClients.csr(key, subject, EstFixture.name(id)), null)
                                .getStore())
                .get(0);
        f.gateway.enrollCalls.remove(id);
        String current = second.getSerialNumber().toString(16);
        f.denied.add(current);
        try {
            // the first certificate is superseded but still valid, and not itself revoked
            assertRefused(
                    raw.post("simplereenroll", "application/pkcs10", renewal, null, key, first),
                    403,
                    "simplereenroll",
                    id,
                    "the device is held");
        } finally {
            f.denied.remove(current);
        }
    }

    @Test
    void reenrollmentWithARevokedQuarantinedExpiredOrForeignCertificateIsRefused() throws Exception {
        KeyPair key = Manufacturer.ec();
        Manufacturer.Device d = f.manufacturer.idevid("sensor-r8");
        X509Certificate cert = EstClients.certificates(
                        EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, d.key(), d.certificate())
                                .simpleEnroll(
                                        false,
                                        EstClients.csr(key, new X500Name("CN=sensor-r8"), EstFixture.name("sensor-r8")),
                                        null)
                                .getStore())
                .get(0);
        f.gateway.enrollCalls.remove("sensor-r8");
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        byte[] renewal = RawEst.base64(
                EstClients.csr(key, subject, EstFixture.name("sensor-r8")).getEncoded());
        String serial = cert.getSerialNumber().toString(16);

        f.denied.add(serial);
        assertRefused(
                raw.post("simplereenroll", "application/pkcs10", renewal, null, key, cert),
                403,
                "simplereenroll",
                "sensor-r8",
                "revoked");
        f.denied.remove(serial);

        f.quarantined.add("sensor-r8");
        assertRefused(
                raw.post("simplereenroll", "application/pkcs10", renewal, null, key, cert),
                403,
                "simplereenroll",
                "sensor-r8",
                "quarantined");
        f.quarantined.remove("sensor-r8");

        f.clock.offset =
                Duration.between(Instant.now(), cert.getNotAfter().toInstant()).plusHours(1);
        assertRefused(
                raw.post("simplereenroll", "application/pkcs10", renewal, null, key, cert),
                403,
                "simplereenroll",
                "sensor-r8",
                "not valid now");
        f.clock.offset = Duration.ZERO;

        // a certificate from the same CA, ordered by another gateway
        try (AcmeGateway other = new AcmeGateway(
                        "https://127.0.0.1:" + f.proxy.port()
                                + f.pebble.directoryUrl().getPath(),
                        f.pebble.trustAnchorFile(),
                        f.pebble.httpPort(),
                        "gw-other.est.keywarden.test",
                        work.resolve("other-gateway"),
                        f.gateway.responder)
                .enrolled()) {
            var foreign = other.getTlsIdentity().orElseThrow();
            KeyPair foreignKey = new KeyPair(foreign.getCertificate().getPublicKey(), foreign.getPrivateKey());
            assertRefused(
                    raw.post("simplereenroll", "application/pkcs10", renewal, null, foreignKey, (X509Certificate)
                            foreign.getCertificate()),
                    403,
                    "simplereenroll",
                    null,
                    "is not in this gateway's inventory");
        }
        assertNull(f.gateway.enrollCalls.get("sensor-r8"), "no renewal was ordered");
    }
}
