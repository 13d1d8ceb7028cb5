package io.keywarden.support.verify;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PKIX path validation (RFC 5280) by Bouncy Castle's validator, on certificates Bouncy Castle decoded, so that each
 * signature on the path is checked with Bouncy Castle's EC code (see {@link EcJwsSignatures} for why). The provider is
 * {@link BcJca}'s, never registered with the JVM. Revocation checking is off: the callers' CAs (Pebble
 * among them) offer none, and Keywarden's deny lists are checked separately.
 */
public final class CertificateChains {
    private static final Provider BC = BcJca.provider();
    /** The trust anchors last converted, with what they were converted from: most callers pass one set always. */
    private static volatile Anchors last = new Anchors(Set.of(), Set.of());

    private record Anchors(Set<TrustAnchor> from, Set<TrustAnchor> decoded) {}

    private CertificateChains() {}

    /**
     * Validates the chain (end entity first, the root not needed) to one of the anchors at the given time.
     *
     * @throws GeneralSecurityException why it does not lead to an anchor
     */
    public static void validate(List<X509Certificate> chain, Set<TrustAnchor> anchors, Date at)
            throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509", BC);
        List<X509Certificate> decoded = new ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            decoded.add(decode(factory, c));
        }
        PKIXParameters params = new PKIXParameters(anchors(factory, anchors));
        params.setRevocationEnabled(false);
        params.setDate(at);
        CertPathValidator.getInstance("PKIX", BC).validate(factory.generateCertPath(decoded), params);
    }

    private static Set<TrustAnchor> anchors(CertificateFactory factory, Set<TrustAnchor> anchors)
            throws GeneralSecurityException {
        Anchors a = last;
        if (a.from().equals(anchors)) {
            return a.decoded();
        }
        Set<TrustAnchor> out = new HashSet<>();
        for (TrustAnchor t : anchors) {
            out.add(
                    t.getTrustedCert() != null
                            ? new TrustAnchor(decode(factory, t.getTrustedCert()), t.getNameConstraints())
                            : t);
        }
        last = new Anchors(Set.copyOf(anchors), Set.copyOf(out));
        return out;
    }

    private static X509Certificate decode(CertificateFactory factory, X509Certificate c)
            throws GeneralSecurityException {
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(c.getEncoded()));
    }
}
