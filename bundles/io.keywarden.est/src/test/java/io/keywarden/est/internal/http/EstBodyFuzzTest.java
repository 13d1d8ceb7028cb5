package io.keywarden.est.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.est.internal.policy.CsrPolicy;
import io.keywarden.est.internal.policy.ParsedCsr;
import io.keywarden.est.internal.policy.Refusal;

/**
 * The body of an EST simpleenroll/simplereenroll/serverkeygen request as the handler reads it: base64 whatever the
 * Content-Transfer-Encoding header says, then a PKCS#10 CSR checked against the key policy. The first byte chooses:
 * odd, the rest is DER that the test sends as a client would (base64 in lines of 64), which reaches the CSR parser;
 * even, the rest is the body as it arrives. Only {@link Refusal} may come out, and only with 400: a malformed body
 * is the client's fault. Regression inputs:
 * src/test/resources/io/keywarden/est/internal/http/EstBodyFuzzTestInputs/body/.
 */
class EstBodyFuzzTest {
    private static final CsrPolicy POLICY = new CsrPolicy(List.of("P-256", "P-384"), 2048);
    private static final Base64.Encoder CLIENT = Base64.getMimeEncoder(64, new byte[] {'\r', '\n'});

    @FuzzTest(maxDuration = "30s")
    void body(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] body = (input[0] & 1) == 1 ? CLIENT.encode(rest) : rest;
        try {
            ParsedCsr csr = POLICY.parse(EstCodec.decodeBase64(body));
            assertTrue(csr.getKeyId().matches("[0-9a-f]{64}"), "key id is not a SHA-256: " + csr.getKeyId());
        } catch (Refusal r) {
            assertEquals(400, r.getStatus(), "a malformed body answered with " + r.getStatus());
        }
    }
}
