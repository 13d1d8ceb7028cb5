package io.keywarden.broker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.relyingparty.NoticeCodec;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * An operator's signed command to let a contained identity in again: a JWS (compact) signed by the configured
 * operator key, {@code kid} = the operator id, payload {@code {"action":"enable","identity":..,"iat":seconds,"jti":..}}.
 * Accepted once per {@code jti} (kept on disk) and only within {@value #SKEW_SECONDS} s of its {@code iat}.
 */
final class OperatorCommand {
    static final long SKEW_SECONDS = 300;

    record Verified(String identity, String jti, String operator) {}

    private final PublicKey key;
    private final String operatorId;
    private final Path seenFile;
    private final Clock clock;

    OperatorCommand(PublicKey key, String operatorId, Path seenFile, Clock clock) {
        this.key = key;
        this.operatorId = operatorId;
        this.seenFile = seenFile;
        this.clock = clock;
    }

    /** Verifies and records the command's jti (a second use is refused). */
    synchronized Verified verify(String compact) throws RejectedNoticeException, IOException {
        if (compact.length() > 8192) {
            throw new RejectedNoticeException("larger than 8192 characters");
        }
        Map<String, Object> json;
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT, NoticeCodec.jwsAlgorithm(key)));
            jws.setCompactSerialization(compact.trim());
            jws.setKey(key);
            if (!jws.verifySignature()) {
                throw new RejectedNoticeException("signature does not verify with the operator's key");
            }
            if (!operatorId.equals(jws.getKeyIdHeaderValue())) {
                throw new RejectedNoticeException(
                        "kid " + jws.getKeyIdHeaderValue() + " is not the operator " + operatorId);
            }
            json = JsonUtil.parseJson(jws.getPayload());
        } catch (JoseException | RuntimeException e) {
            // RuntimeException: jose4j casts header members as it reads them ("kid":12 is a ClassCastException;
            // OperatorCommandFuzzTest, raw-header-kid-number), which would end the MQTT callback
            throw new RejectedNoticeException("not a JWS the operator's key can verify: " + e.getMessage());
        }
        if (!"enable".equals(json.get("action"))
                || !(json.get("identity") instanceof String identity)
                || identity.isBlank()
                || !(json.get("jti") instanceof String jti)
                || jti.isBlank()
                || !(json.get("iat") instanceof Long iat)) {
            throw new RejectedNoticeException("expected action \"enable\", identity, jti and iat");
        }
        Instant issued;
        try {
            issued = Instant.ofEpochSecond(iat);
        } catch (DateTimeException e) {
            // OperatorCommandFuzzTest, signed-huge-iat
            throw new RejectedNoticeException("iat " + iat + " is not a time");
        }
        if (Duration.between(issued, clock.instant()).abs().getSeconds() > SKEW_SECONDS) {
            throw new RejectedNoticeException("issued at " + issued + ", more than " + SKEW_SECONDS + " s from now");
        }
        Map<String, String> seen = new TreeMap<>(DurableFiles.readMap(seenFile));
        if (seen.containsKey(jti)) {
            throw new RejectedNoticeException("command " + jti + " was used before (replay)");
        }
        seen.put(jti, identity);
        DurableFiles.writeMap(seenFile, seen, "operator commands used: jti=identity");
        return new Verified(identity, jti, operatorId);
    }
}
