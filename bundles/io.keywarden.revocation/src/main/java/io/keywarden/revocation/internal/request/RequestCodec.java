package io.keywarden.revocation.internal.request;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.support.jws.JwsKeys;

/**
 * The wire form of a revocation request: a JWS in compact serialization over a JSON payload
 * <pre>{"target":{"kind":"DEVICE","value":"sensor-1"},"reason":1,"requester":"monitor-gw1","nonce":"…","iat":1764240000}</pre>
 * ({@code iat} in seconds since the epoch). A release of a held device adds {@code "action":"release"} (absent or
 * {@code "revoke"}: a revocation; a release may leave {@code reason} out). Reading happens in two steps: {@link #parse} reads the unverified
 * payload (to learn who claims to have signed it), {@link #verify} then checks the signature with that requester's
 * configured key, accepting only the algorithm that key type signs with.
 */
public final class RequestCodec {
    static final String TARGET = "target";
    static final String KIND = "kind";
    static final String VALUE = "value";
    static final String REASON = "reason";
    static final String REQUESTER = "requester";
    static final String NONCE = "nonce";
    static final String ISSUED_AT = "iat";
    static final String ACTION = "action";
    static final String RELEASE = "release";
    static final String REVOKE = "revoke";
    private static final int MAX_LENGTH = 16 * 1024;

    private RequestCodec() {}

    public static String sign(RevocationRequest request, PrivateKey key) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put(KIND, request.getTarget().getKind().name());
        target.put(VALUE, request.getTarget().getValue());
        Map<String, Object> payload = new LinkedHashMap<>();
        if (request.getAction() == RevocationRequest.Action.RELEASE) {
            payload.put(ACTION, RELEASE);
        }
        payload.put(TARGET, target);
        payload.put(REASON, request.getReason().getCode());
        payload.put(REQUESTER, request.getRequester());
        payload.put(NONCE, request.getNonce());
        payload.put(ISSUED_AT, request.getIssuedAt().getEpochSecond());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setKey(key);
        jws.setKeyIdHeaderValue(request.getRequester());
        try {
            jws.setAlgorithmHeaderValue(JwsKeys.algorithm(key));
            return jws.getCompactSerialization();
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** A request read but not yet verified. */
    public static final class Parsed {
        private final JsonWebSignature jws;
        private final RevocationRequest request;

        private Parsed(JsonWebSignature jws, RevocationRequest request) {
            this.jws = jws;
            this.request = request;
        }

        /** What the payload claims; trust it only after {@link RequestCodec#verify}. */
        public RevocationRequest claimed() {
            return request;
        }

        public String algorithm() {
            return jws.getAlgorithmHeaderValue();
        }
    }

    /** Reads the structure and the payload; every problem is a {@link MalformedRequestException} saying what. */
    public static Parsed parse(String compact) throws MalformedRequestException {
        if (compact == null || compact.isBlank()) {
            throw new MalformedRequestException("empty request");
        }
        if (compact.length() > MAX_LENGTH) {
            throw new MalformedRequestException("request longer than " + MAX_LENGTH + " characters");
        }
        String trimmed = compact.trim();
        if (trimmed.split("\\.", -1).length != 3) {
            throw new MalformedRequestException("not a JWS in compact serialization (header.payload.signature)");
        }
        JsonWebSignature jws = new JsonWebSignature();
        Map<String, Object> payload;
        String algorithm;
        try {
            jws.setCompactSerialization(trimmed);
            payload = JsonUtil.parseJson(jws.getUnverifiedPayload());
            // jose4j casts header members as it reads them: "alg":["ES256"] throws ClassCastException (found by
            // RequestCodecFuzzTest, input raw-header-alg-array)
            algorithm = jws.getAlgorithmHeaderValue();
        } catch (JoseException | RuntimeException e) {
            throw new MalformedRequestException("unreadable JWS or payload: " + e.getMessage());
        }
        if (algorithm == null) {
            throw new MalformedRequestException("the JWS header names no alg");
        }
        return new Parsed(jws, toRequest(payload));
    }

    /**
     * Checks the signature with the requester's key. The algorithm must be the one that key signs with: "none",
     * HMAC with the public key as secret, or another curve's algorithm are refused before any verification.
     */
    public static void verify(Parsed parsed, PublicKey key) throws BadSignatureException {
        String expected;
        try {
            expected = JwsKeys.algorithm(key);
        } catch (GeneralSecurityException e) {
            throw new BadSignatureException("the requester's configured key cannot verify: " + e.getMessage());
        }
        if (!expected.equals(parsed.algorithm())) {
            throw new BadSignatureException(
                    "signed with alg " + parsed.algorithm() + " but the requester's key needs " + expected);
        }
        JsonWebSignature jws = parsed.jws;
        jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, expected));
        jws.setKey(key);
        try {
            if (!jws.verifySignature()) {
                throw new BadSignatureException("the signature does not verify with the requester's key");
            }
        } catch (JoseException | RuntimeException e) {
            throw new BadSignatureException("the signature does not verify: " + e.getMessage());
        }
    }

    private static RevocationRequest toRequest(Map<String, Object> p) throws MalformedRequestException {
        if (!(p.get(TARGET) instanceof Map<?, ?> target)) {
            throw new MalformedRequestException("'" + TARGET + "' must be an object with kind and value");
        }
        RevocationTarget.Kind kind;
        try {
            kind = RevocationTarget.Kind.valueOf(
                    string(target.get(KIND), TARGET + "." + KIND).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedRequestException("unknown target kind '" + target.get(KIND) + "', expected one of "
                    + List.of(RevocationTarget.Kind.values()));
        }
        String value = string(target.get(VALUE), TARGET + "." + VALUE);
        RevocationRequest.Action action = action(p.get(ACTION));
        RevocationReason reason = action == RevocationRequest.Action.RELEASE && !p.containsKey(REASON)
                ? RevocationReason.UNSPECIFIED
                : reason(p.get(REASON));
        if (!(p.get(ISSUED_AT) instanceof Number iat) || iat.doubleValue() != iat.longValue()) {
            throw new MalformedRequestException("'" + ISSUED_AT + "' must be seconds since the epoch (integer)");
        }
        try {
            return RevocationRequest.builder()
                    .action(action)
                    .target(RevocationTarget.of(kind, value))
                    .reason(reason)
                    .requester(string(p.get(REQUESTER), REQUESTER))
                    .nonce(string(p.get(NONCE), NONCE))
                    .issuedAt(Instant.ofEpochSecond(iat.longValue()))
                    .build();
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new MalformedRequestException(e.getMessage());
        }
    }

    private static RevocationRequest.Action action(Object v) throws MalformedRequestException {
        if (v == null || REVOKE.equals(v)) {
            return RevocationRequest.Action.REVOKE;
        }
        if (RELEASE.equals(v)) {
            return RevocationRequest.Action.RELEASE;
        }
        throw new MalformedRequestException("'" + ACTION + "' must be \"" + REVOKE + "\" or \"" + RELEASE + "\"");
    }

    private static RevocationReason reason(Object v) throws MalformedRequestException {
        if (!(v instanceof Number reasonCode) || reasonCode.doubleValue() != reasonCode.longValue()) {
            throw new MalformedRequestException("'" + REASON + "' must be an RFC 5280 reason code (integer)");
        }
        return RevocationReason.fromCode(reasonCode.intValue())
                .orElseThrow(() -> new MalformedRequestException(
                        "reason code " + reasonCode + " is not one of RFC 5280's" + " (0-6, 8-10)"));
    }

    private static String string(Object v, String field) throws MalformedRequestException {
        if (!(v instanceof String s) || s.isBlank()) {
            throw new MalformedRequestException("'" + field + "' must be a non-empty string");
        }
        if (s.length() > 256) {
            throw new MalformedRequestException("'" + field + "' longer than 256 characters");
        }
        // a value ends up in the log, the audit log and events: no line breaks, escapes or bidi overrides in them
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                throw new MalformedRequestException("'" + field + "' contains the control character U+"
                        + String.format(Locale.ROOT, "%04X", (int) c));
            }
        }
        return s;
    }
}
