package io.keywarden.relyingparty.examples;

import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.RevocationTrustManager;

/**
 * docs/servers.md, Tomcat 9/10 (NIO connector, JSSE): a ready SSLContext is handed to the certificate of the
 * {@code SSLHostConfig}; Tomcat then builds none itself.
 */
public final class TomcatExample {
    private TomcatExample() {}

    public static Connector httpsConnector(
            KeyStore issuingCa, KeyManager[] serverKey, DenySet denied, X509Certificate[] serverChain)
            throws Exception {
        // --- docs/servers.md: Tomcat ---
        SSLContext jsse = RevocationTrustManager.pkix(issuingCa, denied).sslContext(serverKey);
        Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setProperty("SSLEnabled", "true");
        SSLHostConfig host = new SSLHostConfig();
        host.setCertificateVerification("required");
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setSslContext(new Ready(jsse, serverChain));
        host.addCertificate(certificate);
        connector.addSslHostConfig(host);
        // --- end ---
        connector.setPort(0);
        return connector;
    }

    /** Tomcat's SSLContext interface over a JSSE context that is already initialised. */
    public static final class Ready implements org.apache.tomcat.util.net.SSLContext {
        private final SSLContext context;
        private final X509Certificate[] chain;

        public Ready(SSLContext context, X509Certificate[] chain) {
            this.context = context;
            this.chain = chain.clone();
        }

        @Override
        public void init(KeyManager[] kms, TrustManager[] tms, SecureRandom sr) throws KeyManagementException {
            // initialised by its builder: the revocation trust manager must stay
        }

        @Override
        public void destroy() {
            // nothing held
        }

        @Override
        public SSLSessionContext getServerSessionContext() {
            return context.getServerSessionContext();
        }

        @Override
        public SSLEngine createSSLEngine() {
            return context.createSSLEngine();
        }

        @Override
        public SSLServerSocketFactory getServerSocketFactory() {
            return context.getServerSocketFactory();
        }

        @Override
        public SSLParameters getSupportedSSLParameters() {
            return context.getSupportedSSLParameters();
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
