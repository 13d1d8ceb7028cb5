package io.keywarden.revocation.internal.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.testing.pki.TestKeys;

class RequestCodecTest {
    private static final Instant IAT = Instant.ofEpochSecond(1_764_240_000L);

    private static RevocationRequest request() {
        return RevocationRequest.builder()
                .target(RevocationTarget.device("sensor-1"))
                .reason(RevocationReason.KEY_COMPROMISE)
                .requester("monitor")
                .nonce("n-1")
                .issuedAt(IAT)
                .build();
    }

    @Test
    void signedRequestsRoundTripForEveryKeyTypeWithTheMatchingAlgorithm() throws Exception {
        for (KeyPair kp : new KeyPair[] {TestKeys.ec("secp256r1"), TestKeys.ec("secp384r1"), TestKeys.rsa(2048)}) {
            String jws = RequestCodec.sign(request(), kp.getPrivate());
            RequestCodec.Parsed parsed = RequestCodec.parse(jws);
            RequestCodec.verify(parsed, kp.getPublic());
            assertEquals(request(), parsed.claimed());
            assertEquals(JwsKeys.algorithm(kp.getPublic()), parsed.algorithm());
        }
        assertEquals(
                "ES384",
                RequestCodec.parse(RequestCodec.sign(
                                request(), TestKeys.ec("secp384r1").getPrivate()))
                        .algorithm());
    }

    @Test
    void anotherKeyAnotherAlgorithmOrNoSignatureIsABadSignature() throws Exception {
        KeyPair monitor = TestKeys.ec("secp256r1");
        String byOther = RequestCodec.sign(request(), TestKeys.ec("secp256r1").getPrivate());
        assertThrows(
                BadSignatureException.class,
                () -> RequestCodec.verify(RequestCodec.parse(byOther), monitor.getPublic()));

        String es384 = RequestCodec.sign(request(), TestKeys.ec("secp384r1").getPrivate());
        BadSignatureException wrongAlg = assertThrows(
                BadSignatureException.class, () -> RequestCodec.verify(RequestCodec.parse(es384), monitor.getPublic()));
        assertTrue(wrongAlg.getMessage().contains("ES256"), wrongAlg.getMessage());

        String payload = RequestCodec.sign(request(), monitor.getPrivate()).split("\\.")[1];
        String none = b64("{\"alg\":\"none\"}") + "." + payload + ".";
        assertThrows(
                BadSignatureException.class, () -> RequestCodec.verify(RequestCodec.parse(none), monitor.getPublic()));

        // HMAC keyed with the public key's bytes: the classic confusion, refused before any verification
        JsonWebSignature hs = new JsonWebSignature();
        hs.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        hs.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hs.setKey(new HmacKey(monitor.getPublic().getEncoded()));
        String hmac = hs.getCompactSerialization();
        assertThrows(
                BadSignatureException.class, () -> RequestCodec.verify(RequestCodec.parse(hmac), monitor.getPublic()));
    }

    @Test
    void tamperedPayloadDoesNotVerify() throws Exception {
        KeyPair kp = TestKeys.ec("secp256r1");
        String[] parts = RequestCodec.sign(request(), kp.getPrivate()).split("\\.");
        String other = b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("sensor-1", "sensor-2"));
        String tampered = parts[0] + "." + other + "." + parts[2];
        assertEquals(
                "sensor-2", RequestCodec.parse(tampered).claimed().getTarget().getValue());
        assertThrows(
                BadSignatureException.class, () -> RequestCodec.verify(RequestCodec.parse(tampered), kp.getPublic()));
    }

    @Test
    void malformedRequestsSayWhatIsWrong() {
        assertMalformed("", "empty");
        assertMalformed("not a jws", "compact");
        assertMalformed(b64("{\"alg\":\"ES256\"}") + "." + b64("not json") + ".c2ln", "unreadable");
        assertMalformed(jws("{\"reason\":1,\"requester\":\"m\",\"nonce\":\"n\",\"iat\":1}"), "target");
        assertMalformed(
                jws("{\"target\":{\"kind\":\"PLANET\",\"value\":\"x\"},\"reason\":1,\"requester\":\"m\","
                        + "\"nonce\":\"n\",\"iat\":1}"),
                "kind");
        assertMalformed(
                jws("{\"target\":{\"kind\":\"DEVICE\",\"value\":\"x\"},\"reason\":7,\"requester\":\"m\","
                        + "\"nonce\":\"n\",\"iat\":1}"),
                "reason code 7");
        assertMalformed(
                jws("{\"target\":{\"kind\":\"DEVICE\",\"value\":\"x\"},\"reason\":1,\"requester\":\"m\","
                        + "\"nonce\":\"n\",\"iat\":\"yesterday\"}"),
                "iat");
        assertMalformed(
                jws("{\"target\":{\"kind\":\"DEVICE\",\"value\":\"x\"},\"reason\":1,\"requester\":\"\","
                        + "\"nonce\":\"n\",\"iat\":1}"),
                "requester");
        assertMalformed("a".repeat(20_000), "longer");
    }

    @Test
    void controlCharactersAreRefusedInEveryField() {
        String line = "{\"target\":{\"kind\":\"%s\",\"value\":\"%s\"},\"reason\":1,\"requester\":\"%s\","
                + "\"nonce\":\"%s\",\"iat\":1}";
        assertMalformed(
                jws(String.format(line, "DEVICE", "sensor-1\\n2026 ACCEPTED forged", "m", "n")),
                "'target.value' contains the control character U+000A");
        assertMalformed(jws(String.format(line, "DEVICE\\u0007", "s", "m", "n")), "U+0007");
        assertMalformed(jws(String.format(line, "DEVICE", "s", "monitor\\u001b[2J", "n")), "'requester'");
        assertMalformed(
                jws(String.format(line, "DEVICE", "s", "m", "n\\u202e")),
                "'nonce' contains the control character U+202E");
    }

    private static void assertMalformed(String request, String mention) {
        MalformedRequestException e = assertThrows(MalformedRequestException.class, () -> RequestCodec.parse(request));
        assertTrue(e.getMessage().contains(mention), e.getMessage() + " should mention " + mention);
    }

    private static String jws(String payload) {
        return b64("{\"alg\":\"ES256\"}") + "." + b64(payload) + ".c2ln";
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
