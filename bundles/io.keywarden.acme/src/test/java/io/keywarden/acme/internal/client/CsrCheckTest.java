package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.sensors.SensorKeys;

class CsrCheckTest {
    private final KeyPair key = KeyType.EC_P256.generate();

    @Test
    void acceptsACsrForExactlyTheEnrolledNames() throws Exception {
        String pem = SensorKeys.csrPem(key, List.of("s1.gw.example", "alt.gw.example"));
        assertTrue(CsrCheck.check(pem, List.of("ALT.gw.example", "s1.gw.example")).length > 0);
    }

    @Test
    void refusesOtherNames() throws Exception {
        String pem = SensorKeys.csrPem(key, List.of("s1.gw.example"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CsrCheck.check(pem, List.of("s2.gw.example")));
        assertTrue(e.getMessage().contains("differ"), e.getMessage());
    }

    @Test
    void refusesGarbageAndTamperedRequests() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> CsrCheck.check("hello", List.of("a.example")));
        String pem = SensorKeys.csrPem(key, List.of("s1.gw.example"));
        // flip one byte inside the signed part: the self-signature must no longer verify
        byte[] der = Pem.decodeOne(pem, "CERTIFICATE REQUEST");
        der[der.length / 3] ^= 0x01;
        String tampered = Pem.encode("CERTIFICATE REQUEST", der);
        assertThrows(IllegalArgumentException.class, () -> CsrCheck.check(tampered, List.of("s1.gw.example")));
    }
}
