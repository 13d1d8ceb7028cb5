package io.keywarden.fleet.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Optional;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.jws.JwsKeys;

/**
 * The authority's acknowledgement of a gateway's log as the gateway reads it from the broker ({@link LogAck#decode}).
 * The first byte chooses: bit 0 set, the rest is a payload the test signs with the authority's key ({@code kid} = the
 * authority), reaching the JSON checks behind the signature; clear, the rest is the message as it arrives, which must
 * never be believed while the gateway knows the authority's key. Bit 1 set: the gateway knows no authority key (a bare
 * JSON ack is read). Only {@link RejectedNoticeException} may escape; a decoded ack is for this gateway and encodes
 * back to an equal ack. Regression inputs:
 * src/test/resources/io/keywarden/fleet/internal/log/LogAckFuzzTestInputs/ack/.
 */
class LogAckFuzzTest {
    private static final String GW = "gw-1.fleet.test";
    private static final String AUTHORITY = "authority-1";
    private static final KeyPair KEY = ecKey();

    @FuzzTest(maxDuration = "30s")
    void ack(byte[] input) throws JoseException, InvalidKeySpecException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean signed = (input[0] & 1) == 1;
        boolean keyKnown = (input[0] & 2) == 0;
        byte[] message =
                signed ? sign(new String(rest, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII) : rest;
        LogAck ack;
        try {
            ack = LogAck.decode(message, GW, keyKnown ? Optional.of(KEY.getPublic()) : Optional.empty(), AUTHORITY);
        } catch (RejectedNoticeException expected) {
            return; // the documented refusal
        }
        assertTrue(signed || !keyKnown, "a made-up ack believed: " + ack);
        assertEquals(GW, ack.gatewayId());
        try {
            assertEquals(
                    ack,
                    LogAck.decode(
                            ack.encode(Optional.of(KEY.getPrivate()), AUTHORITY).getBytes(StandardCharsets.US_ASCII),
                            GW,
                            Optional.of(KEY.getPublic()),
                            AUTHORITY),
                    "an ack survives its own encoding");
        } catch (RejectedNoticeException x) {
            throw new AssertionError("an ack the authority wrote does not read back: " + x.getMessage(), x);
        }
    }

    private static String sign(String payload) throws JoseException, InvalidKeySpecException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKeyIdHeaderValue(AUTHORITY);
        jws.setKey(KEY.getPrivate());
        jws.setAlgorithmHeaderValue(JwsKeys.algorithm(KEY.getPrivate()));
        return jws.getCompactSerialization();
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
