package io.keywarden.testing.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What the builders produce is what a PKIX validator and a TLS stack expect of a CA and its leaves. */
class TestCaTest {

    @Test
    void aLeafChainsToItsRootThroughAnIntermediateAndNotToAnotherRoot() throws Exception {
        TestCa root = TestCa.root("root");
        TestCa intermediate = root.intermediate("intermediate");
        Issued leaf = intermediate.leaf("device-1").dnsNames("device-1.test").issue();
        assertEquals(3, leaf.chain().size());
        assertEquals(root.certificate(), leaf.chain().get(2));
        validate(leaf.chain().subList(0, 2), root.certificate());
        assertTrue(intermediate.certificate().getBasicConstraints() >= 0, "an intermediate is a CA");
        assertEquals(-1, leaf.certificate().getBasicConstraints(), "a leaf is not a CA");
        assertThrows(
                CertPathValidatorException.class,
                () -> validate(leaf.chain().subList(0, 2), TestCa.root("other").certificate()));
    }

    @Test
    void namesUsageSerialAndValidityAreWhatTheTestAskedFor() throws Exception {
        TestCa ca = TestCa.root("ca");
        Instant from = Instant.now().minusSeconds(7200).truncatedTo(ChronoUnit.SECONDS);
        Instant to = from.plusSeconds(3600);
        Issued leaf = ca.leaf("server")
                .dnsNames("localhost")
                .ipAddresses("127.0.0.1")
                .usage(LeafBuilder.Usage.TLS_SERVER)
                .serial(BigInteger.valueOf(0xabc))
                .validity(from, to)
                .issue();
        X509Certificate c = leaf.certificate();
        assertEquals("abc", leaf.serialHex());
        assertEquals(Date.from(from), c.getNotBefore());
        assertEquals(Date.from(to), c.getNotAfter());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage());
        assertEquals(
                List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")), List.copyOf(c.getSubjectAlternativeNames()));
        assertNull(ca.issue("any").certificate().getExtendedKeyUsage(), "ANY: no extended key usage");
        assertEquals(
                List.of("1.3.6.1.5.5.7.3.2"),
                ca.leaf("client")
                        .usage(LeafBuilder.Usage.TLS_CLIENT)
                        .issue()
                        .certificate()
                        .getExtendedKeyUsage());
        assertTrue(!ca.issue("a").serialHex().equals(ca.issue("a").serialHex()), "serials differ by default");
    }

    @Test
    void anEmptySubjectCarriesItsNamesInACriticalExtension() {
        TestCa ca = TestCa.root("ca");
        X509Certificate c =
                ca.leaf("ignored").subject("").dnsNames("gw.test").issue().certificate();
        assertEquals("", c.getSubjectX500Principal().getName());
        assertTrue(
                c.getCriticalExtensionOIDs().contains("2.5.29.17"),
                c.getCriticalExtensionOIDs().toString());
        assertThrows(IllegalStateException.class, () -> ca.leaf("x").subject("").issue());
    }

    @Test
    void rsaAndEcKeysSignAndAreCertified() throws Exception {
        TestCa rsaRoot = TestCa.root("rsa root", TestKeys.rsa(2048));
        Issued leaf = rsaRoot.leaf("rsa leaf").key(TestKeys.rsa(2048)).issue();
        assertEquals("SHA256withRSA", leaf.certificate().getSigAlgName());
        leaf.certificate().verify(rsaRoot.key().getPublic());
        assertEquals("EC", TestKeys.ec("secp384r1").getPublic().getAlgorithm());
        KeyPair csrKey = TestKeys.ec();
        Issued fromCsr = rsaRoot.leaf("csr").publicKey(csrKey.getPublic()).issue();
        assertEquals(csrKey.getPublic(), fromCsr.certificate().getPublicKey());
        assertNull(fromCsr.key(), "the test never held the private key");
    }

    @Test
    void pemRoundTripsAndSelfSignedVerifiesWithItsOwnKey() throws Exception {
        TestCa ca = TestCa.root("ca");
        Issued leaf = ca.issue("device");
        assertEquals(leaf.chain(), Pem.readCertificates(leaf.chainPem()));
        assertTrue(leaf.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"), leaf.keyPem());
        assertArrayEquals(
                leaf.key().getPrivate().getEncoded(),
                Base64.getMimeDecoder().decode(leaf.keyPem().replaceAll("-----[A-Z ]+-----", "")));
        assertEquals(List.of(ca.certificate()), Pem.readCertificates(ca.certificatePem()));
        KeyPair k = TestKeys.ec();
        X509Certificate self = TestCa.selfSigned("alone", k);
        self.verify(k.getPublic());
        assertEquals(self.getSubjectX500Principal(), self.getIssuerX500Principal());
        assertEquals(leaf.key().getPrivate(), leaf.entry().getPrivateKey());
    }

    private static void validate(List<X509Certificate> path, X509Certificate root) throws Exception {
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        p.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), p);
    }
}
