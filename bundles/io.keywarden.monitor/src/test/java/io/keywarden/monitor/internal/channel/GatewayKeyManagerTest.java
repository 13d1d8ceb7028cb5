package io.keywarden.monitor.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.KeyStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.keywarden.support.http.GatewayKeyManager;
import io.keywarden.testing.pki.TestCa;

/** The channel's server identity across a renewal or rekey that happens in the middle of a handshake. */
class GatewayKeyManagerTest {

    @Test
    void aHandshakeThatStraddlesARefreshGetsTheChainAndKeyOfOneIdentity() throws Exception {
        TestCa pki = TestCa.root("gateway CA");
        KeyStore.PrivateKeyEntry before = pki.issue("gw").entry();
        KeyStore.PrivateKeyEntry after = pki.issue("gw").entry(); // a rekey: another key, another serial
        AtomicReference<KeyStore.PrivateKeyEntry> current = new AtomicReference<>(before);
        GatewayKeyManager km = new GatewayKeyManager(() -> Optional.ofNullable(current.get()), 0);

        String alias = km.chooseServerAlias("EC", null, null);
        current.set(after);
        String next = km.chooseServerAlias("EC", null, null); // another handshake refreshes in between
        assertNotEquals(alias, next);
        assertArrayEquals(before.getCertificateChain(), km.getCertificateChain(alias));
        assertEquals(before.getPrivateKey(), km.getPrivateKey(alias));
        assertArrayEquals(after.getCertificateChain(), km.getCertificateChain(next));
        assertEquals(after.getPrivateKey(), km.getPrivateKey(next));

        current.set(null); // revoked: no identity, and no alias handed out
        assertNull(km.chooseServerAlias("EC", null, null));
        assertNull(km.getPrivateKey("gateway-unknown"));
    }
}
