package io.keywarden.est.internal.http;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lets any client certificate through the handshake (the client still proves it holds the key): which certificates
 * count, and for what, depends on the operation and is decided per request by the authenticator, where a refusal can
 * carry an RFC 7030 status and reason and be audited. A handshake failure could only say "bad certificate".
 * Client certificates are requested, not required: a sensor bootstrapping with a code has none.
 */
final class DeferredClientTrust extends X509ExtendedTrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        requireChain(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        requireChain(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain);
    }

    private static void requireChain(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0 || chain.length > 8) {
            throw new CertificateException("a client certificate chain of 1 to 8 certificates is expected");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the EST server trusts no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the EST server trusts no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the EST server trusts no servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // no certificate_authorities hint: a client picks its IDevID or its operational certificate itself
        return new X509Certificate[0];
    }
}
