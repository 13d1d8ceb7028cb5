package io.keywarden.monitor.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CipherPreferenceTest {
    private static final List<String> JDK_ORDER = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

    @Test
    void c1OnlyPutsChaCha20FirstAndKeepsTheRestInOrder() {
        List<String> suites = new ArrayList<>(JDK_ORDER);
        suites.sort(CipherPreference.forArguments(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1")));
        assertEquals(
                List.of(
                        "TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_AES_256_GCM_SHA384",
                        "TLS_AES_128_GCM_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                suites);
    }

    @Test
    void withC2TheJdkOrderStands() {
        assertNull(CipherPreference.forArguments(List.of("-Xmx64m")));
        assertNull(CipherPreference.forArguments(List.of("-XX:TieredStopAtLevel=4")));
        assertNull(CipherPreference.forArguments(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")));
    }
}
