package io.keywarden.testing.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.Test;

/** The contexts complete a real mutual-TLS handshake with certificates of their CA, and only with those. */
class TestTlsTest {

    @Test
    void aClientOfTheCaIsAcceptedAndAStrangerOrAnAnonymousClientIsNot() throws Exception {
        TestCa ca = TestCa.root("tls-ca");
        Issued server = ca.leaf("localhost")
                .dnsNames("localhost")
                .usage(LeafBuilder.Usage.TLS_SERVER)
                .issue();
        Issued client = ca.leaf("sensor-7").usage(LeafBuilder.Usage.TLS_CLIENT).issue();
        TestCa other = TestCa.root("other-ca");
        Issued stranger = other.issue("sensor-7");

        assertEquals("CN=sensor-7", handshake(TestTls.context(ca, server), TestTls.context(ca, client)));
        assertThrows(IOException.class, () -> handshake(TestTls.context(ca, server), TestTls.context(ca, stranger)));
        assertThrows(IOException.class, () -> handshake(TestTls.context(ca, server), TestTls.context(ca, null)));
        assertThrows(
                IOException.class,
                () -> handshake(TestTls.context(ca, server), TestTls.context(other, client)),
                "the client does not trust a server of another CA");
    }

    @Test
    void theTrustStoreHoldsTheAnchorsAndTheKeyManagersTheChain() throws Exception {
        TestCa root = TestCa.root("root");
        Issued leaf = root.intermediate("intermediate").issue("device");
        assertEquals(root.certificate(), TestTls.trustStore(root.certificate()).getCertificate("ca-0"));
        X509KeyManager km = (X509KeyManager) TestTls.keyManagers(leaf)[0];
        assertEquals(leaf.chain(), List.of(km.getCertificateChain(km.getClientAliases("EC", null)[0])));
    }

    /** The client's subject as the server saw it; an IOException when either side refused the handshake. */
    private static String handshake(SSLContext serverContext, SSLContext clientContext) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            Future<String> seen = pool.submit(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    s.getOutputStream().write('!');
                    return s.getSession().getPeerPrincipal().getName();
                } catch (IOException refused) {
                    return null;
                }
            });
            try (SSLSocket c = (SSLSocket) clientContext
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                c.setSoTimeout(10_000);
                c.startHandshake();
                // TLS 1.3 reports a refused client certificate only at the first read
                if (c.getInputStream().read() != '!') {
                    throw new IOException("the server closed the connection");
                }
            }
            String subject = seen.get();
            if (subject == null) {
                throw new IOException("the server refused the handshake");
            }
            return subject;
        } finally {
            pool.shutdownNow();
        }
    }
}
