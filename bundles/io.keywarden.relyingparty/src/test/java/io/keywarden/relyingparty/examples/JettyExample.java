package io.keywarden.relyingparty.examples;

import java.security.KeyStore;
import javax.net.ssl.KeyManager;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.RevocationTrustManager;

/** docs/servers.md, Jetty 9.4: the wrapped SSLContext goes to SslContextFactory.Server. */
public final class JettyExample {
    private JettyExample() {}

    public static ServerConnector httpsConnector(
            Server server, KeyStore issuingCa, KeyManager[] serverKey, DenySet denied) throws Exception {
        // --- docs/servers.md: Jetty 9.4 ---
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(RevocationTrustManager.pkix(issuingCa, denied).sslContext(serverKey));
        tls.setNeedClientAuth(true);
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(
                server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
        // --- end ---
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        return connector;
    }
}
