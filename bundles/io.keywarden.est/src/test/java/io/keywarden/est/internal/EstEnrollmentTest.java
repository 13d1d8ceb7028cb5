package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.est.CSRRequestResponse;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JcaHttpAuthBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.est.EstEvents;
import io.keywarden.est.internal.policy.CsrPolicy;

/**
 * Bouncy Castle's EST client against the EST server, ACME and a real Pebble behind it: every operation, every
 * certificate Valid at the CA and chaining to its root, and recorded as an ordinary SENSOR certificate.
 */
class EstEnrollmentTest {
    @TempDir
    static Path work;

    static EstFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new EstFixture(work, Map.of());
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private ESTService anonymous() throws Exception {
        return EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, null);
    }

    @Test
    void cacertsIsTheChainTheCaIssuesUnder() throws Exception {
        List<X509Certificate> ca =
                EstClients.certificates(anonymous().getCACerts().getCertificateStore());
        assertEquals(f.gateway.getCaCertificates(), ca);
        f.assertChainsToRoot(f.gateway.getCertificate().orElseThrow().getCertificate(), ca);
    }

    @Test
    void csrattrsAsksForP256AndEcdsaSha256() throws Exception {
        CSRRequestResponse r = anonymous().getCSRAttributes();
        assertTrue(r.hasAttributesResponse());
        assertTrue(
                r.getAttributesResponse().getRequirements().stream()
                        .anyMatch(o -> o.toString().equals("1.2.840.10045.4.3.2")),
                "ecdsa-with-SHA256");
    }

    @Test
    void aSensorWithAnIdevidEnrollsAndRenewsWithTheSameKeyAndWithANewOne() throws Exception {
        String id = "sensor-idevid-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        ESTService withIdevid =
                EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, device.key(), device.certificate());
        EnrollmentResponse r = withIdevid.simpleEnroll(
                false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null);
        X509Certificate first = issued(r, key, id);
        CertificateRecord record = f.gateway.getCertificate(id).orElseThrow();
        assertEquals(DeviceKind.SENSOR, record.getKind());
        assertEquals(KeyCustody.DEVICE, record.getKeyCustody());
        assertEquals(first.getSerialNumber().toString(16), record.getSerial());

        // renewal: authenticated by that certificate, same subject and names, same key
        X500Name subject = X500Name.getInstance(first.getSubjectX500Principal().getEncoded());
        ESTService withCurrent = EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, key, first);
        X509Certificate second = issued(
                withCurrent.simpleEnroll(true, EstClients.csr(key, subject, EstFixture.name(id)), null), key, id);
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(
                CertificateStatus.SUPERSEDED,
                f.gateway
                        .getBySerial(first.getSerialNumber().toString(16))
                        .orElseThrow()
                        .getStatus());

        // rekey: a new key, authenticated by the current certificate
        KeyPair newKey = Manufacturer.ec();
        ESTService withSecond = EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, key, second);
        X509Certificate third = issued(
                withSecond.simpleEnroll(true, EstClients.csr(newKey, subject, EstFixture.name(id)), null), newKey, id);
        assertEquals(
                CertificateStatus.SUPERSEDED,
                f.gateway
                        .getBySerial(second.getSerialNumber().toString(16))
                        .orElseThrow()
                        .getStatus());
        assertEquals(
                third.getSerialNumber().toString(16),
                f.gateway.getCertificate(id).orElseThrow().getSerial());
        String audit = f.audit();
        assertTrue(audit.contains("ISSUED op=simpleenroll device=" + id + " auth=idevid"), audit);
        assertTrue(
                audit.contains("ISSUED op=simplereenroll device=" + id + " auth=certificate serial="
                        + second.getSerialNumber().toString(16) + " rekey=false"),
                audit);
        assertTrue(
                audit.contains("ISSUED op=simplereenroll device=" + id + " auth=certificate serial="
                        + third.getSerialNumber().toString(16) + " rekey=true"),
                audit);
        assertTrue(f.events.stream()
                .anyMatch(e -> e.getKey().equals(EstEvents.TOPIC_ISSUED)
                        && Boolean.TRUE.equals(e.getValue().get(EstEvents.PROPERTY_REKEY))));
    }

    @Test
    void aSensorWhoseCertificateTheGatewayRenewedMeanwhileGetsThatOneOrRekeysWithItsPreviousCertificate()
            throws Exception {
        String id = "sensor-autorenewed-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        X509Certificate first = issued(
                EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, device.key(), device.certificate())
                        .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null),
                key,
                id);
        // the gateway's own renewal (its schedule, or an operator): same key, the sensor has not seen it
        CertificateRecord renewed = f.gateway.renew(id).toCompletableFuture().get(60, TimeUnit.SECONDS);
        X500Name subject = X500Name.getInstance(first.getSubjectX500Principal().getEncoded());
        ESTService withFirst = EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, key, first);

        int calls = f.gateway.enrollCalls.get(id);
        X509Certificate same =
                issued(withFirst.simpleEnroll(true, EstClients.csr(key, subject, EstFixture.name(id)), null), key, id);
        assertEquals(renewed.getSerial(), same.getSerialNumber().toString(16), "the gateway's renewal, delivered");
        assertEquals(calls, f.gateway.enrollCalls.get(id), "nothing ordered for it");

        KeyPair newKey = Manufacturer.ec();
        X509Certificate rekeyed = issued(
                withFirst.simpleEnroll(true, EstClients.csr(newKey, subject, EstFixture.name(id)), null), newKey, id);
        assertEquals(
                rekeyed.getSerialNumber().toString(16),
                f.gateway.getCertificate(id).orElseThrow().getSerial());
    }

    @Test
    void aSensorWithAnEnrollmentCodeEnrollsOnceWithIt() throws Exception {
        String id = "sensor-code-1";
        String code = f.est.create(id, null).getCode();
        KeyPair key = Manufacturer.ec();
        EnrollmentResponse r = anonymous()
                .simpleEnroll(
                        false,
                        EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)),
                        new JcaHttpAuthBuilder(id, code.toCharArray()).build());
        issued(r, key, id);
        assertTrue(f.audit().contains("ISSUED op=simpleenroll device=" + id + " auth=code"));
    }

    @Test
    void serverkeygenReturnsAKeyAndItsCertificate() throws Exception {
        String id = "sensor-keygen-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair requestKey = Manufacturer.ec();
        ESTService withIdevid =
                EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, device.key(), device.certificate());
        EnrollmentResponse r = withIdevid.simpleEnrollWithServersideCreation(
                EstClients.csr(requestKey, new X500Name("CN=" + id), EstFixture.name(id)), null);
        assertTrue(r.isCompleted());
        assertNotNull(r.getPrivateKeyInfo(), "the key made for the sensor");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(r.getPrivateKeyInfo().getEncoded()));
        X509Certificate cert = EstClients.certificates(r.getStore()).get(0);
        assertFalse(
                Arrays.equals(
                        requestKey.getPublic().getEncoded(), cert.getPublicKey().getEncoded()),
                "the certificate is for the server-generated key, not the request's");
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig), "the key returned belongs to the certificate");
        f.assertValidAtCa(cert);
        f.assertChainsToRoot(cert, f.gateway.getCaCertificates());
    }

    @Test
    void bodiesAreReadAsBase64WhateverTheirLineBreaksAndContentTransferEncodingSay() throws Exception {
        String id = "sensor-rfc8951-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        String b64 = Base64.getMimeEncoder(40, "\r\n".getBytes())
                .encodeToString(EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id))
                        .getEncoded());
        byte[] body = ("  " + b64.replace("\r\n", " \r\n\t") + "\n").getBytes();
        RawEst raw = new RawEst(f);
        raw.headers.put("Content-Transfer-Encoding", "binary");
        RawEst.Answer a = raw.post(
                "sensors/simpleenroll",
                "application/pkcs10; charset=us-ascii",
                body,
                null,
                device.key(),
                device.certificate());
        assertEquals(200, a.status(), a.body());
        byte[] der = Base64.getMimeDecoder().decode(a.body());
        X509Certificate c = EstClients.certificates(new CMSSignedData(der).getCertificates())
                .get(0);
        assertArrayEquals(key.getPublic().getEncoded(), c.getPublicKey().getEncoded());
        f.assertValidAtCa(c);
    }

    private X509Certificate issued(EnrollmentResponse r, KeyPair key, String id) throws Exception {
        assertTrue(r.isCompleted(), "answered at once");
        List<X509Certificate> certs = EstClients.certificates(r.getStore());
        assertEquals(1, certs.size());
        X509Certificate c = certs.get(0);
        assertArrayEquals(key.getPublic().getEncoded(), c.getPublicKey().getEncoded());
        assertEquals(Set.of(EstFixture.name(id)), CsrPolicy.certificateDnsNames(c));
        f.assertValidAtCa(c);
        f.assertChainsToRoot(c, EstClients.certificates(anonymous().getCACerts().getCertificateStore()));
        return c;
    }
}
