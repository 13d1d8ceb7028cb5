package io.keywarden.testing.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE material from the test PKI: a trust store of a CA, the key managers presenting an {@link Issued} certificate,
 * and TLS contexts made of both, so tests of TLS servers and clients need no key store code of their own.
 */
public final class TestTls {
    /** The in-memory key stores need some password; nothing is ever written to disk. */
    private static final char[] PASSWORD = "test-pki".toCharArray();

    private TestTls() {}

    /** A PKCS#12 trust store holding exactly these anchors. */
    public static KeyStore trustStore(X509Certificate... anchors) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < anchors.length; i++) {
                ks.setCertificateEntry("ca-" + i, anchors[i]);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a trust store", e);
        }
    }

    /** A PKIX key manager factory presenting this certificate, its chain and its key. */
    public static KeyManagerFactory keyManagerFactory(Issued identity) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setEntry("key", identity.entry(), new KeyStore.PasswordProtection(PASSWORD));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(
                    "cannot make key managers for " + identity.certificate().getSubjectX500Principal(), e);
        }
    }

    public static KeyManager[] keyManagers(Issued identity) {
        return keyManagerFactory(identity).getKeyManagers();
    }

    /**
     * A TLS context trusting only {@code trusted}'s root and presenting {@code identity}, or no certificate when
     * {@code identity} is {@code null} (a client of a server that does not ask for one, or an anonymous intruder).
     */
    public static SSLContext context(TestCa trusted, Issued identity) {
        try {
            List<X509Certificate> chain = trusted.chain();
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trustStore(chain.get(chain.size() - 1)));
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(identity == null ? null : keyManagers(identity), tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }
}
