package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Arrays;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * An operator's command to let a contained identity back into the broker, as it arrives over MQTT. The first byte
 * chooses: odd, the rest is a payload the test signs with the operator's key (reaching the checks behind the
 * signature); even, the rest is the command as it arrives, which must never verify. Only
 * {@link RejectedNoticeException} (and the {@link IOException} of the jti store) may come out. Regression inputs:
 * src/test/resources/io/keywarden/broker/internal/OperatorCommandFuzzTestInputs/command/.
 */
class OperatorCommandFuzzTest {
    private static final String OPERATOR = "ops";
    private static final KeyPair KEY = ecKey();
    private static final OperatorCommand COMMANDS =
            new OperatorCommand(KEY.getPublic(), OPERATOR, tempDir().resolve("seen-jti"), Clock.systemUTC());

    @FuzzTest(maxDuration = "30s")
    void command(byte[] input) throws JoseException, IOException {
        if (input.length == 0) {
            return;
        }
        String rest = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        boolean signedByOperator = (input[0] & 1) == 1;
        try {
            COMMANDS.verify(signedByOperator ? sign(rest) : rest);
            assertTrue(signedByOperator, "a command the fuzzer made up verifies with the operator's key");
        } catch (RejectedNoticeException expected) {
            // refused, with a reason
        }
    }

    private static String sign(String payload) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(KEY.getPrivate());
        jws.setKeyIdHeaderValue(OPERATOR);
        jws.setAlgorithmHeaderValue("ES256");
        return jws.getCompactSerialization();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("keywarden-fuzz-broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
