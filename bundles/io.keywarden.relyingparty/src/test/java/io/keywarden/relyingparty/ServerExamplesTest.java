package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBufAllocator;
import jakarta.servlet.http.HttpServlet;

import io.keywarden.relyingparty.examples.JettyExample;
import io.keywarden.relyingparty.examples.NettyExample;
import io.keywarden.relyingparty.examples.TomcatExample;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.pki.TestKeys;
import io.keywarden.testing.pki.TestTls;

/** The examples of docs/servers.md, run: Jetty 9.4 and Tomcat with real handshakes, Netty's context built. */
class ServerExamplesTest {
    @TempDir
    Path dir;

    private TestCa pki;
    private Issued server;
    private Issued sensor7;
    private Issued sensor1;
    private KeyPair authority;
    private NoticeSubscriber subscriber;

    @BeforeEach
    void setUp() throws Exception {
        pki = TestCa.root("test-ca");
        server = pki.leaf("localhost").dnsNames("localhost").issue();
        sensor7 = pki.issue("sensor-7.test");
        sensor1 = pki.issue("sensor-1.test");
        authority = TestKeys.ec();
        subscriber = new NoticeSubscriber(authority.getPublic(), "fleet-authority", DenySet.open(dir.resolve("deny")));
    }

    @Test
    void jettyRefusesTheRevokedDeviceAfterTheNoticeAndServesTheOthers() throws Exception {
        Server jetty = new Server();
        ServerConnector connector = JettyExample.httpsConnector(
                jetty, TestTls.trustStore(pki.certificate()), TestTls.keyManagers(server), subscriber.denySet());
        jetty.addConnector(connector);
        jetty.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.getWriter().print("stored");
                base.setHandled(true);
            }
        });
        jetty.start();
        try {
            int port = connector.getLocalPort();
            assertEquals(200, get(sensor7, port));
            subscriber.accept(RevocationTrustManagerTest.signed(
                    RevocationTrustManagerTest.notice("t-7", sensor7.serialHex()), authority));
            assertEquals(-1, get(sensor7, port), "refused at the handshake");
            assertEquals(200, get(sensor1, port));
        } finally {
            jetty.stop();
        }
    }

    @Test
    void tomcatRefusesTheRevokedDeviceAfterTheNotice() throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ok", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(
                    jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                    throws IOException {
                resp.getWriter().print("stored");
            }
        });
        context.addServletMappingDecoded("/*", "ok");
        Connector connector = TomcatExample.httpsConnector(
                TestTls.trustStore(pki.certificate()),
                TestTls.keyManagers(server),
                subscriber.denySet(),
                server.chain().toArray(new X509Certificate[0]));
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.start();
        try {
            int port = connector.getLocalPort();
            assertEquals(200, get(sensor7, port));
            subscriber.accept(RevocationTrustManagerTest.signed(
                    RevocationTrustManagerTest.notice("t-7", sensor7.serialHex()), authority));
            assertEquals(-1, get(sensor7, port), "refused at the handshake");
            assertEquals(200, get(sensor1, port));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void nettyContextUsesTheWrappedTrustManager() throws Exception {
        KeyManagerFactory kmf = TestTls.keyManagerFactory(server);
        assertNotNull(NettyExample.serverContext(TestTls.trustStore(pki.certificate()), kmf, subscriber.denySet())
                .newEngine(ByteBufAllocator.DEFAULT));
    }

    /** The status code, or -1 when the TLS handshake (or the first read after it) fails. */
    private int get(Issued client, int port) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://localhost:" + port + "/readings").openConnection();
        c.setSSLSocketFactory(TestTls.context(pki, client).getSocketFactory());
        c.setConnectTimeout(5_000);
        c.setReadTimeout(5_000);
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
            return c.getResponseCode();
        } catch (IOException refused) {
            return -1;
        } finally {
            c.disconnect();
        }
    }
}
