package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against a server whose context is built on {@link RevocationTrustManager}. */
class RevocationTrustManagerTest {
    private static final String AUTHORITY = "fleet-authority";

    @TempDir
    Path dir;
    private TestPki pki;
    private TestPki.Leaf server;
    private TestPki.Leaf sensor7;
    private TestPki.Leaf sensor1;
    private KeyPair authority;

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki("test-ca");
        server = pki.issue("collector.test");
        sensor7 = pki.issue("sensor-7.test");
        sensor1 = pki.issue("sensor-1.test");
        authority = TestPki.ecKey();
    }

    @Test
    void refusesTheRevokedSerialFromTheNextHandshakeAndAfterARestartAcceptingTheOthers() throws Exception {
        Path file = dir.resolve("deny.properties");
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(file));
        try (EchoServer echo = new EchoServer(serverContext(subscriber.denySet()))) {
            assertTrue(EchoServer.accepted(pki.clientContext(sensor7), echo.port()), "before the notice");
            assertTrue(EchoServer.accepted(pki.clientContext(sensor1), echo.port()));

            Set<String> added = subscriber.accept(signed(notice("t-7", sensor7.serial()), authority));

            assertEquals(Set.of(sensor7.serial()), added);
            assertFalse(EchoServer.accepted(pki.clientContext(sensor7), echo.port()), "the first handshake after the notice");
            assertTrue(EchoServer.accepted(pki.clientContext(sensor1), echo.port()), "everyone else still accepted");
        }
        // a restart: a new process reads the same file, no message source connected
        DenySet reopened = DenySet.open(file);
        try (EchoServer echo = new EchoServer(serverContext(reopened))) {
            assertFalse(EchoServer.accepted(pki.clientContext(sensor7), echo.port()), "after a restart");
            assertTrue(EchoServer.accepted(pki.clientContext(sensor1), echo.port()));
        }
    }

    @Test
    void aClientThatResumesASessionOpenedBeforeTheNoticeIsRefusedToo() throws Exception {
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(dir.resolve("r")));
        SSLContext sameClient = pki.clientContext(sensor7);
        try (EchoServer echo = new EchoServer(serverContext(subscriber.denySet()))) {
            assertTrue(EchoServer.accepted(sameClient, echo.port()));
            assertTrue(EchoServer.accepted(sameClient, echo.port()), "a resumption before the notice");
            subscriber.accept(signed(notice("t-7", sensor7.serial()), authority));
            assertFalse(EchoServer.accepted(sameClient, echo.port()), "no resumption of a pre-notice session");
        }
    }

    @Test
    void forgedUnknownSignerAndReplayedNoticesDenyNothingNew() throws Exception {
        NoticeSubscriber subscriber = new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(dir.resolve("d")));
        KeyPair stranger = TestPki.ecKey();
        assertThrows(RejectedNoticeException.class,
                () -> subscriber.accept(signed(notice("t-1", sensor7.serial()), stranger)), "unknown signer");
        Notice otherAuthority = new Notice("t-2", List.of(sensor7.serial()), List.of(), 1, Instant.now(), "someone-else");
        assertThrows(RejectedNoticeException.class, () -> subscriber.accept(signed(otherAuthority, authority)), "kid/iss");
        byte[] good = signed(notice("t-3", sensor1.serial()), authority);
        byte[] tampered = good.clone();
        tampered[tampered.length / 2] ^= 1;
        assertThrows(RejectedNoticeException.class, () -> subscriber.accept(tampered), "forged");
        assertTrue(subscriber.denySet().getDeniedSerials().isEmpty());

        assertEquals(Set.of(sensor1.serial()), subscriber.accept(good));
        assertEquals(Set.of(), subscriber.accept(good), "a replay changes nothing");
        assertEquals(Set.of(sensor1.serial()), subscriber.denySet().getDeniedSerials());
    }

    @Test
    void checksServersOnlyWhenAskedAndOnlyForTheNamedIssuers() throws Exception {
        DenySet set = DenySet.open(dir.resolve("s"));
        set.apply(notice("t-s", server.serial()));
        RevocationTrustManager clients = RevocationTrustManager.pkix(pki.trustStore(), set);
        clients.checkServerTrusted(server.chain(), "ECDHE_ECDSA");
        assertThrows(java.security.cert.CertificateException.class,
                () -> clients.checkingServers().checkServerTrusted(server.chain(), "ECDHE_ECDSA"));
        TestPki other = new TestPki("other-ca");
        RevocationTrustManager limited = clients.checkingServers()
                .limitedToIssuers(List.of(other.root.getSubjectX500Principal()));
        limited.checkServerTrusted(server.chain(), "ECDHE_ECDSA");
    }

    private SSLContext serverContext(DenySet set) throws Exception {
        return RevocationTrustManager.pkix(pki.trustStore(), set).sslContext(server.keyManagers());
    }

    static Notice notice(String ticket, String serial) {
        return new Notice(ticket, List.of(serial), List.of("sensor"), 1, Instant.now(), AUTHORITY);
    }

    static byte[] signed(Notice notice, KeyPair key) {
        return NoticeCodec.sign(notice, key.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    }
}
