package io.keywarden.testing.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/** One leaf certificate of a {@link TestCa}; every setting has a default, {@link #issue()} signs it. */
public final class LeafBuilder {

    /** What the certificate may be used for (its extended key usage). */
    public enum Usage {
        /** No extended key usage: any use. */
        ANY,
        TLS_SERVER,
        TLS_CLIENT
    }

    private final TestCa issuer;
    private X500Principal subject;
    private final List<GeneralName> names = new ArrayList<>();
    private Usage usage = Usage.ANY;
    private BigInteger serial;
    private Instant from;
    private Instant to;
    private KeyPair key;
    private PublicKey publicKey;

    LeafBuilder(TestCa issuer, String cn) {
        this.issuer = issuer;
        this.subject = new X500Principal("CN=" + Objects.requireNonNull(cn, "cn"));
    }

    /** The whole subject DN, e.g. "CN=a,O=b"; "" for an empty subject (then the names are a critical extension). */
    public LeafBuilder subject(String dn) {
        subject = new X500Principal(dn);
        return this;
    }

    public LeafBuilder dnsNames(String... dnsNames) {
        for (String n : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, n));
        }
        return this;
    }

    public LeafBuilder ipAddresses(String... addresses) {
        for (String a : addresses) {
            names.add(new GeneralName(GeneralName.iPAddress, a));
        }
        return this;
    }

    public LeafBuilder usage(Usage usage) {
        this.usage = Objects.requireNonNull(usage, "usage");
        return this;
    }

    /** Default: a random positive 64-bit serial. */
    public LeafBuilder serial(BigInteger serial) {
        this.serial = serial;
        return this;
    }

    /** Default: from a minute ago for an hour. */
    public LeafBuilder validity(Instant notBefore, Instant notAfter) {
        this.from = notBefore;
        this.to = notAfter;
        return this;
    }

    /** From a minute ago (clock skew) for this long. */
    public LeafBuilder validFor(Duration duration) {
        Instant now = Instant.now();
        return validity(now.minusSeconds(60), now.plus(duration));
    }

    /** Default: a fresh EC P-256 key. */
    public LeafBuilder key(KeyPair key) {
        this.key = key;
        this.publicKey = null;
        return this;
    }

    /** Certify a key whose private half the test does not hold (e.g. one from a CSR); the result has no key pair. */
    public LeafBuilder publicKey(PublicKey publicKey) {
        this.publicKey = publicKey;
        this.key = null;
        return this;
    }

    public Issued issue() {
        KeyPair k = key == null && publicKey == null ? TestKeys.ec() : key;
        PublicKey pub = k != null ? k.getPublic() : publicKey;
        if (from == null) {
            validFor(Duration.ofHours(1));
        }
        boolean emptySubject = subject.getName().isEmpty();
        if (emptySubject && names.isEmpty()) {
            throw new IllegalStateException("a leaf with an empty subject needs at least one name");
        }
        X509Certificate cert = Signing.sign(
                issuer.certificate(),
                issuer.key(),
                subject,
                pub,
                serial != null ? serial : Signing.randomSerial(),
                from,
                to,
                (b, u) -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    boolean rsa = "RSA".equals(pub.getAlgorithm());
                    b.addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(
                                    rsa
                                            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                                            : KeyUsage.digitalSignature));
                    switch (usage) {
                        case TLS_SERVER ->
                            b.addExtension(
                                    Extension.extendedKeyUsage,
                                    false,
                                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                        case TLS_CLIENT ->
                            b.addExtension(
                                    Extension.extendedKeyUsage,
                                    false,
                                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                        case ANY -> {}
                    }
                    if (!names.isEmpty()) {
                        b.addExtension(
                                Extension.subjectAlternativeName,
                                emptySubject,
                                new GeneralNames(names.toArray(new GeneralName[0])));
                    }
                });
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new Issued(k, chain);
    }
}
