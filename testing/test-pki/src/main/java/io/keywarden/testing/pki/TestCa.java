package io.keywarden.testing.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A throwaway certificate authority: a root ({@link #root}) or an intermediate under another one
 * ({@link #intermediate}), holding its key in memory and issuing leaf certificates ({@link #leaf}, {@link #issue}).
 */
public final class TestCa {
    /** CAs are valid from an hour ago (clock skew) for a year, unless a builder says otherwise. */
    static final Duration BACKDATE = Duration.ofHours(1);

    static final Duration CA_VALIDITY = Duration.ofDays(365);

    private final KeyPair key;
    /** This CA's certificate first, the root last. */
    private final List<X509Certificate> chain;

    private TestCa(KeyPair key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** A self-signed root CA "CN=<cn>" with a fresh EC P-256 key. */
    public static TestCa root(String cn) {
        return root(cn, TestKeys.ec());
    }

    /** A self-signed root CA "CN=<cn>" with this key (EC or RSA). */
    public static TestCa root(String cn, KeyPair key) {
        Instant now = Instant.now();
        return new TestCa(key, List.of(caCertificate(null, key, cn, key, now.minus(BACKDATE), now.plus(CA_VALIDITY))));
    }

    /** An intermediate CA "CN=<cn>" issued by this one, with a fresh EC P-256 key. */
    public TestCa intermediate(String cn) {
        KeyPair k = TestKeys.ec();
        Instant now = Instant.now();
        List<X509Certificate> c = new ArrayList<>();
        c.add(caCertificate(certificate(), key, cn, k, now.minus(BACKDATE), now.plus(CA_VALIDITY)));
        c.addAll(chain);
        return new TestCa(k, c);
    }

    /** A leaf "CN=<cn>" to describe further before {@link LeafBuilder#issue()}. */
    public LeafBuilder leaf(String cn) {
        return new LeafBuilder(this, cn);
    }

    /** A leaf "CN=<cn>" with a fresh EC key, any usage, valid from a minute ago for an hour. */
    public Issued issue(String cn) {
        return leaf(cn).issue();
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** This CA's chain: its own certificate first, the root last. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public KeyPair key() {
        return key;
    }

    public String certificatePem() {
        return Pem.certificate(certificate());
    }

    /**
     * A self-signed end-entity certificate "CN=<cn>" for this key, valid from a minute ago for 30 days: what a device
     * holds before any CA issued it one, or what an unrelated party presents.
     */
    public static X509Certificate selfSigned(String cn, KeyPair key) {
        Instant now = Instant.now();
        return Signing.sign(
                null,
                key,
                new X500Principal("CN=" + cn),
                key.getPublic(),
                Signing.randomSerial(),
                now.minusSeconds(60),
                now.plus(Duration.ofDays(30)),
                (b, u) -> {});
    }

    private static X509Certificate caCertificate(
            X509Certificate issuer, KeyPair issuerKey, String cn, KeyPair key, Instant from, Instant to) {
        Objects.requireNonNull(cn, "cn");
        return Signing.sign(
                issuer,
                issuerKey,
                new X500Principal("CN=" + cn),
                key.getPublic(),
                Signing.randomSerial(),
                from,
                to,
                (b, u) -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                });
    }
}
