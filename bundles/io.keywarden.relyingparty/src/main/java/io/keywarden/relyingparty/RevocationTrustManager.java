package io.keywarden.relyingparty;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * A trust manager that first lets a normal (PKIX) trust manager check the chain, then refuses a chain whose
 * end-entity serial is in the {@link DenySet}: the handshake fails at once, whatever the CA's CRL or OCSP say. Client
 * chains are always checked; server chains only with {@link #checkingServers()}. The deny set is read at every
 * handshake, so a notice applied a moment ago counts for the next handshake. Immutable; the {@code with...} methods
 * return copies.
 *
 * <p>A resumed TLS session skips every trust manager. {@link #sslContext} therefore ends the cached sessions of a
 * certificate the moment it is denied. The JDK's stateless session tickets are not in that cache: start the JVM with
 * {@code -Djdk.tls.server.enableSessionTicketExtension=false} (docs/servers.md), which {@link #sslContext} checks and
 * warns about.
 */
public final class RevocationTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager delegate;
    private final DenySet denySet;
    private final boolean servers;
    private final Set<X500Principal> issuers;

    private RevocationTrustManager(
            X509TrustManager delegate, DenySet denySet, boolean servers, Set<X500Principal> issuers) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.denySet = requireNonNull(denySet, "denySet");
        this.servers = servers;
        this.issuers = Set.copyOf(issuers);
    }

    /** Wraps the trust manager a server already has (use an {@link X509ExtendedTrustManager} to keep its checks). */
    public static RevocationTrustManager wrap(X509TrustManager delegate, DenySet denySet) {
        return new RevocationTrustManager(delegate, denySet, false, Set.of());
    }

    /** The JDK's PKIX trust manager over {@code trustStore} (the issuing CA chain), wrapped. */
    public static RevocationTrustManager pkix(KeyStore trustStore, DenySet denySet) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trustStore);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return wrap(x, denySet);
            }
        }
        throw new GeneralSecurityException("the PKIX trust manager factory made no X509TrustManager");
    }

    /** A copy that also refuses denied server certificates (for clients of a server that may be revoked). */
    public RevocationTrustManager checkingServers() {
        return new RevocationTrustManager(delegate, denySet, true, issuers);
    }

    /**
     * A copy that refuses a denied serial only when the end entity's issuer is one of these: for a trust store that
     * holds other CAs too, whose serials notices do not speak for.
     */
    public RevocationTrustManager limitedToIssuers(Collection<X500Principal> issuerNames) {
        return new RevocationTrustManager(delegate, denySet, servers, Set.copyOf(issuerNames));
    }

    /** A TLS context with these key managers and this trust manager (for Jetty, Tomcat, the JDK's HttpsServer...). */
    public SSLContext sslContext(KeyManager[] keyManagers) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, new TrustManager[] {this}, null);
        SessionGuard.watch(context, denySet, this);
        return context;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
        refuseDenied(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager x) {
            x.checkClientTrusted(chain, authType, socket);
        } else {
            delegate.checkClientTrusted(chain, authType);
        }
        refuseDenied(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager x) {
            x.checkClientTrusted(chain, authType, engine);
        } else {
            delegate.checkClientTrusted(chain, authType);
        }
        refuseDenied(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        if (servers) {
            refuseDenied(chain);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager x) {
            x.checkServerTrusted(chain, authType, socket);
        } else {
            delegate.checkServerTrusted(chain, authType);
        }
        if (servers) {
            refuseDenied(chain);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (delegate instanceof X509ExtendedTrustManager x) {
            x.checkServerTrusted(chain, authType, engine);
        } else {
            delegate.checkServerTrusted(chain, authType);
        }
        if (servers) {
            refuseDenied(chain);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /** True when this end-entity certificate is denied (what a handshake with it would be refused for). */
    public boolean isDenied(X509Certificate endEntity) {
        if (!issuers.isEmpty() && !issuers.contains(endEntity.getIssuerX500Principal())) {
            return false;
        }
        return denySet.isDenied(endEntity.getSerialNumber().toString(16));
    }

    private void refuseDenied(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("empty certificate chain");
        }
        if (isDenied(chain[0])) {
            String serial = chain[0].getSerialNumber().toString(16);
            throw new CertificateException("certificate serial " + serial + " is revoked (ticket "
                    + denySet.ticketOf(serial).orElse("?") + ")");
        }
    }
}
