package io.keywarden.support.verify;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;

/** Bouncy Castle's PKIX validation, on the chains the fleet authority checks. */
class CertificateChainsTest {

    @Test
    void aChainThroughAnIntermediateToATrustedRootIsValidAnyOtherIsNot() throws Exception {
        TestCa root = TestCa.root("root");
        TestCa intermediate = root.intermediate("intermediate");
        Issued leaf = intermediate.issue("leaf");
        Set<TrustAnchor> anchors = Set.of(new TrustAnchor(root.certificate(), null));
        Date now = Date.from(Instant.now());

        CertificateChains.validate(leaf.chain(), anchors, now);
        CertificateChains.validate(root.issue("direct").chain(), anchors, now);

        Set<TrustAnchor> other = Set.of(new TrustAnchor(TestCa.root("other").certificate(), null));
        assertThrows(GeneralSecurityException.class, () -> CertificateChains.validate(leaf.chain(), other, now));
        assertThrows(
                GeneralSecurityException.class,
                () -> CertificateChains.validate(List.of(leaf.certificate()), anchors, now),
                "the intermediate missing");
        assertThrows(
                GeneralSecurityException.class,
                () -> CertificateChains.validate(
                        leaf.chain(), anchors, Date.from(Instant.now().plusSeconds(10L * 365 * 86400))),
                "expired then");
        // a leaf whose issuer has the intermediate's name but another key
        TestCa impostor = TestCa.root("intermediate");
        Issued forged = impostor.issue("leaf");
        assertThrows(
                GeneralSecurityException.class,
                () -> CertificateChains.validate(
                        List.of(forged.certificate(), intermediate.certificate()), anchors, now),
                "signed by another key");
        // and the anchors, converted once, are not mixed up after another set was used
        CertificateChains.validate(leaf.chain(), anchors, now);
    }
}
