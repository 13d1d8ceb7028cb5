package io.keywarden.testing.pebble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Parsing of Pebble's answers, with the exact shapes Pebble 2.4.0 produced. */
class ParsingTest {

    @Test
    void revokedAtInGoTimeStringLayout() {
        assertEquals(
                Optional.of(Instant.parse("2026-11-27T09:17:44.685267579Z")),
                ManagementApi.parseRevokedAt("2026-11-27 09:17:44.685267579 +0000 UTC"));
        assertEquals(
                Optional.of(Instant.parse("2026-11-27T07:17:44Z")),
                ManagementApi.parseRevokedAt("2026-11-27 09:17:44 +0200 CEST"));
        assertEquals(
                Optional.of(Instant.parse("2026-11-27T09:17:44.5Z")),
                ManagementApi.parseRevokedAt("2026-11-27 09:17:44.5 +0000 UTC m=+12.345"));
        assertEquals(
                Optional.of(Instant.parse("2019-07-12T22:13:20.418489956Z")),
                ManagementApi.parseRevokedAt("2019-07-13T00:13:20.418489956+02:00"));
        assertEquals(Optional.empty(), ManagementApi.parseRevokedAt("0001-01-01 00:00:00 +0000 UTC"));
        assertEquals(Optional.empty(), ManagementApi.parseRevokedAt(null));
        assertThrows(IllegalStateException.class, () -> ManagementApi.parseRevokedAt("yesterday"));
    }

    @Test
    void serialNormalization() {
        assertEquals("409eb0c4096d211c", ManagementApi.normalizeSerial("409eb0c4096d211c"));
        assertEquals("9eb0", ManagementApi.normalizeSerial("0x009EB0"));
        assertEquals("9eb0", ManagementApi.normalizeSerial("00:9e:b0"));
        assertEquals("0", ManagementApi.normalizeSerial("000"));
        assertThrows(IllegalArgumentException.class, () -> ManagementApi.normalizeSerial("xyz"));
        assertThrows(IllegalArgumentException.class, () -> ManagementApi.normalizeSerial(""));
    }

    @Test
    void certStatusJson() {
        CertStatus valid = ManagementApi.parseCertStatus(
                "{\n   \"Status\": \"Valid\",\n   \"Serial\": \"409eb0c4096d211c\",\n"
                        + "   \"Certificate\": \"-----BEGIN CERTIFICATE-----\\nMIID\\n-----END CERTIFICATE-----\\n\"\n}");
        assertEquals("Valid", valid.status());
        assertEquals(0, valid.reason());
        assertEquals(Optional.empty(), valid.revokedAt());
        CertStatus revoked = ManagementApi.parseCertStatus(
                "{\"Status\": \"Revoked\", \"Reason\": 1, \"RevokedAt\": \"2026-11-27 09:17:44 +0000 UTC\"}");
        assertEquals(1, revoked.reason());
        assertEquals(Optional.of(Instant.parse("2026-11-27T09:17:44Z")), revoked.revokedAt());
        CertStatus s = new CertStatus("Revoked", 1, Optional.of(Instant.EPOCH));
        assertEquals(true, s.isRevoked());
        assertEquals(false, s.isValid());
    }

    @Test
    void aCertStatusAnswerThatIsNotOneIsAClearError() {
        for (String bad : new String[] {"", "[1]", "{\"Status\": 1}", "{\"Reason\": 1}", "{\"Status\": \"Valid\""}) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> ManagementApi.parseCertStatus(bad));
            assertTrue(e.getMessage().contains("cert-status answer"), e.getMessage());
        }
    }
}
