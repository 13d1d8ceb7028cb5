package io.keywarden.relyingparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

class NoticeCodecTest {

    private static final String AUTHORITY = "fleet-authority";
    private static final Notice NOTICE = new Notice(
            "t-1", List.of("1f", "a0b1"), List.of("sensor-1"), 1, Instant.ofEpochSecond(1_800_000_000L), AUTHORITY);

    private final KeyPair ec = keyPair("EC", new ECGenParameterSpec("secp256r1"));

    @Test
    void roundTripsWithEcAndRsaKeys() throws Exception {
        assertEquals(
                NOTICE,
                NoticeCodec.verify(bytes(NoticeCodec.sign(NOTICE, ec.getPrivate())), ec.getPublic(), AUTHORITY));
        KeyPair rsa = keyPair("RSA", null);
        assertEquals(
                NOTICE,
                NoticeCodec.verify(bytes(NoticeCodec.sign(NOTICE, rsa.getPrivate())), rsa.getPublic(), AUTHORITY));
    }

    @Test
    void refusesAnotherKeysSignature() {
        KeyPair other = keyPair("EC", new ECGenParameterSpec("secp256r1"));
        String jws = NoticeCodec.sign(NOTICE, other.getPrivate());
        assertRejected("signature", jws, ec);
    }

    @Test
    void refusesAnEditedPayload() {
        String[] parts = NoticeCodec.sign(NOTICE, ec.getPrivate()).split("\\.");
        String edited =
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("a0b1", "a0b2");
        String forged =
                parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(edited)) + "." + parts[2];
        assertRejected("signature", forged, ec);
    }

    @Test
    void refusesAnHmacKeyedWithThePublicKey() throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"v\":1}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(AUTHORITY);
        jws.setKey(new HmacKey(ec.getPublic().getEncoded()));
        jws.setDoKeyValidation(false);
        assertRejected("not a JWS", jws.getCompactSerialization(), ec);
    }

    @Test
    void refusesWrongKidAndIssuer() {
        Notice otherIssuer = new Notice("t", List.of("1"), List.of(), 0, Instant.now(), "intruder");
        // signed by the right key but claiming another issuer: kid and iss must both be the authority
        assertRejected("kid intruder", NoticeCodec.sign(otherIssuer, ec.getPrivate()), ec);
    }

    @Test
    void refusesOversizedAndGarbage() {
        RejectedNoticeException big = assertThrows(
                RejectedNoticeException.class,
                () -> NoticeCodec.verify(new byte[NoticeCodec.MAX_BYTES + 1], ec.getPublic(), AUTHORITY));
        assertTrue(big.getMessage().contains("larger than"));
        assertRejected("not a JWS", "garbage", ec);
    }

    @Test
    void noticeChecksItsFields() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Notice("t", List.of(), List.of(), 1, Instant.now(), AUTHORITY));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Notice("t", List.of("0A"), List.of(), 1, Instant.now(), AUTHORITY));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Notice("t", List.of("01"), List.of(), 1, Instant.now(), AUTHORITY));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Notice("t", List.of("1"), List.of(), 7, Instant.now(), AUTHORITY));
        assertEquals("t-1.ok_", Notice.topicSafe("t-1.ok_"));
        assertEquals(64, Notice.topicSafe("a/b#+").length());
    }

    private static void assertRejected(String expected, String compact, KeyPair keys) {
        RejectedNoticeException e = assertThrows(
                RejectedNoticeException.class, () -> NoticeCodec.verify(bytes(compact), keys.getPublic(), AUTHORITY));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static KeyPair keyPair(String algorithm, ECGenParameterSpec spec) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                g.initialize(spec);
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
