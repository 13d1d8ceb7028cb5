package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.pki.TestKeys;
import io.keywarden.testing.pki.TestTls;

/** Real TLS handshakes against a server whose context is built on {@link RevocationTrustManager}. */
class RevocationTrustManagerTest {
    private static final String AUTHORITY = "fleet-authority";

    @TempDir
    Path dir;

    private TestCa pki;
    private Issued server;
    private Issued sensor7;
    private Issued sensor1;
    private KeyPair authority;

    @BeforeEach
    void setUp() throws Exception {
        pki = TestCa.root("test-ca");
        server = pki.issue("collector.test");
        sensor7 = pki.issue("sensor-7.test");
        sensor1 = pki.issue("sensor-1.test");
        authority = TestKeys.ec();
    }

    @Test
    void refusesTheRevokedSerialFromTheNextHandshakeAndAfterARestartAcceptingTheOthers() throws Exception {
        Path file = dir.resolve("deny.properties");
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(file));
        try (EchoServer echo = new EchoServer(serverContext(subscriber.denySet()))) {
            assertTrue(EchoServer.accepted(TestTls.context(pki, sensor7), echo.port()), "before the notice");
            assertTrue(EchoServer.accepted(TestTls.context(pki, sensor1), echo.port()));

            Set<String> added = subscriber.accept(signed(notice("t-7", sensor7.serialHex()), authority));

            assertEquals(Set.of(sensor7.serialHex()), added);
            assertFalse(
                    EchoServer.accepted(TestTls.context(pki, sensor7), echo.port()),
                    "the first handshake after the notice");
            assertTrue(EchoServer.accepted(TestTls.context(pki, sensor1), echo.port()), "everyone else still accepted");
        }
        // a restart: a new process reads the same file, no message source connected
        DenySet reopened = DenySet.open(file);
        try (EchoServer echo = new EchoServer(serverContext(reopened))) {
            assertFalse(EchoServer.accepted(TestTls.context(pki, sensor7), echo.port()), "after a restart");
            assertTrue(EchoServer.accepted(TestTls.context(pki, sensor1), echo.port()));
        }
    }

    @Test
    void aClientThatResumesASessionOpenedBeforeTheNoticeIsRefusedToo() throws Exception {
        NoticeSubscriber subscriber =
                new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(dir.resolve("r")));
        SSLContext sameClient = TestTls.context(pki, sensor7);
        try (EchoServer echo = new EchoServer(serverContext(subscriber.denySet()))) {
            assertTrue(EchoServer.accepted(sameClient, echo.port()));
            assertTrue(EchoServer.accepted(sameClient, echo.port()), "a resumption before the notice");
            subscriber.accept(signed(notice("t-7", sensor7.serialHex()), authority));
            assertFalse(EchoServer.accepted(sameClient, echo.port()), "no resumption of a pre-notice session");
        }
    }

    @Test
    void forgedUnknownSignerAndReplayedNoticesDenyNothingNew() throws Exception {
        NoticeSubscriber subscriber =
                new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(dir.resolve("d")));
        KeyPair stranger = TestKeys.ec();
        assertThrows(
                RejectedNoticeException.class,
                () -> subscriber.accept(signed(notice("t-1", sensor7.serialHex()), stranger)),
                "unknown signer");
        Notice otherAuthority =
                new Notice("t-2", List.of(sensor7.serialHex()), List.of(), 1, Instant.now(), "someone-else");
        assertThrows(
                RejectedNoticeException.class, () -> subscriber.accept(signed(otherAuthority, authority)), "kid/iss");
        byte[] good = signed(notice("t-3", sensor1.serialHex()), authority);
        byte[] tampered = good.clone();
        tampered[tampered.length / 2] ^= 1;
        assertThrows(RejectedNoticeException.class, () -> subscriber.accept(tampered), "forged");
        assertTrue(subscriber.denySet().getDeniedSerials().isEmpty());

        assertEquals(Set.of(sensor1.serialHex()), subscriber.accept(good));
        assertEquals(Set.of(), subscriber.accept(good), "a replay changes nothing");
        assertEquals(Set.of(sensor1.serialHex()), subscriber.denySet().getDeniedSerials());
    }

    @Test
    void checksServersOnlyWhenAskedAndOnlyForTheNamedIssuers() throws Exception {
        DenySet set = DenySet.open(dir.resolve("s"));
        set.apply(notice("t-s", server.serialHex()));
        RevocationTrustManager clients = RevocationTrustManager.pkix(TestTls.trustStore(pki.certificate()), set);
        clients.checkServerTrusted(chain(server), "ECDHE_ECDSA");
        assertThrows(
                CertificateException.class,
                () -> clients.checkingServers().checkServerTrusted(chain(server), "ECDHE_ECDSA"));
        TestCa other = TestCa.root("other-ca");
        RevocationTrustManager limited = clients.checkingServers()
                .limitedToIssuers(List.of(other.certificate().getSubjectX500Principal()));
        limited.checkServerTrusted(chain(server), "ECDHE_ECDSA");
    }

    private SSLContext serverContext(DenySet set) throws Exception {
        return RevocationTrustManager.pkix(TestTls.trustStore(pki.certificate()), set)
                .sslContext(TestTls.keyManagers(server));
    }

    private static X509Certificate[] chain(Issued leaf) {
        return leaf.chain().toArray(new X509Certificate[0]);
    }

    static Notice notice(String ticket, String serial) {
        return new Notice(ticket, List.of(serial), List.of("sensor"), 1, Instant.now(), AUTHORITY);
    }

    static byte[] signed(Notice notice, KeyPair key) {
        return NoticeCodec.sign(notice, key.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    }
}
