package io.keywarden.relyingparty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.pem.Pem;

/**
 * The one implementation of the notice format, used by the authority that signs, the gateways and every relying
 * party that verifies. Notices travel as JWS compact serializations: header {@code alg} from the authority's key and
 * {@code kid} = the authority id; payload
 * {@code {"v":1,"ticket":..,"serials":[..],"devices":[..],"reason":n,"iat":seconds,"iss":id}}. Verification accepts
 * only the algorithm that matches the configured key, so neither {@code none} nor an HMAC keyed with the public key
 * can pass.
 */
public final class NoticeCodec {
    /** Far above any real notice (a gateway and thousands of sensors), far below what could exhaust memory. */
    public static final int MAX_BYTES = 256 * 1024;

    private NoticeCodec() {}

    /** Signs a notice with the authority's private key (EC or RSA). */
    public static String sign(Notice notice, PrivateKey key) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("v", 1);
        payload.put("ticket", notice.ticketId());
        payload.put("serials", notice.serials());
        payload.put("devices", notice.deviceIds());
        payload.put("reason", notice.reason());
        payload.put("iat", notice.issuedAt().getEpochSecond());
        payload.put("iss", notice.authority());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setKeyIdHeaderValue(notice.authority());
        jws.setKey(key);
        try {
            jws.setAlgorithmHeaderValue(JwsKeys.algorithm(key));
            return jws.getCompactSerialization();
        } catch (JoseException | InvalidKeySpecException e) {
            throw new IllegalStateException("cannot sign a notice: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a notice against the authority's public key and id.
     *
     * @throws RejectedNoticeException with a reason a log reader can act on
     */
    public static Notice verify(byte[] message, PublicKey key, String authorityId) throws RejectedNoticeException {
        if (message.length > MAX_BYTES) {
            throw new RejectedNoticeException("larger than " + MAX_BYTES + " bytes");
        }
        String compact = new String(message, StandardCharsets.US_ASCII).trim();
        JsonWebSignature jws = new JsonWebSignature();
        String payload;
        String kid;
        try {
            jws.setAlgorithmConstraints(JwsKeys.permitOnly(key));
            jws.setCompactSerialization(compact);
            jws.setKey(key);
            if (!jws.verifySignature()) {
                throw new RejectedNoticeException("signature does not verify with the authority's key");
            }
            payload = jws.getPayload();
            kid = jws.getKeyIdHeaderValue();
        } catch (JoseException | InvalidKeySpecException | RuntimeException e) {
            // RuntimeException: jose4j casts header members as it reads them ("alg":["ES256"] is a
            // ClassCastException; NoticeCodecFuzzTest, raw-header-alg-array), which would end the MQTT callback
            throw new RejectedNoticeException("not a JWS the authority's key can verify: " + e.getMessage());
        }
        if (!authorityId.equals(kid)) {
            throw new RejectedNoticeException("kid " + kid + " is not the authority " + authorityId);
        }
        return parse(payload, authorityId);
    }

    /** ES256/ES384/ES512 by curve size, RS256 for RSA: the one algorithm a key signs and verifies notices with. */
    public static String jwsAlgorithm(Key key) {
        try {
            return JwsKeys.algorithm(key);
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The authority's public key from PEM text, or from the PEM file the value names (SPKI or a certificate). */
    public static PublicKey readAuthorityKey(String pemOrPath) throws IOException, GeneralSecurityException {
        return Pem.publicKey(Pem.pemOrFile(pemOrPath));
    }

    private static Notice parse(String payload, String authorityId) throws RejectedNoticeException {
        Map<String, Object> json;
        try {
            json = JsonUtil.parseJson(payload);
        } catch (JoseException | RuntimeException e) {
            throw new RejectedNoticeException("payload is not a JSON object");
        }
        if (!Long.valueOf(1).equals(json.get("v"))) {
            throw new RejectedNoticeException("unknown notice version " + json.get("v"));
        }
        if (!authorityId.equals(json.get("iss"))) {
            throw new RejectedNoticeException("iss " + json.get("iss") + " is not the authority " + authorityId);
        }
        try {
            return new Notice(
                    text(json, "ticket"),
                    texts(json, "serials"),
                    texts(json, "devices"),
                    Math.toIntExact(number(json, "reason")),
                    Instant.ofEpochSecond(number(json, "iat")),
                    authorityId);
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            throw new RejectedNoticeException(e.getMessage());
        }
    }

    private static String text(Map<String, Object> json, String field) throws RejectedNoticeException {
        if (json.get(field) instanceof String s) {
            return s;
        }
        throw new RejectedNoticeException("field " + field + " missing or not a string");
    }

    private static long number(Map<String, Object> json, String field) throws RejectedNoticeException {
        if (json.get(field) instanceof Long n) {
            return n;
        }
        throw new RejectedNoticeException("field " + field + " missing or not an integer");
    }

    private static List<String> texts(Map<String, Object> json, String field) throws RejectedNoticeException {
        if (!(json.get(field) instanceof List<?> list)) {
            throw new RejectedNoticeException("field " + field + " missing or not an array");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new RejectedNoticeException("field " + field + " holds a non-string");
            }
            out.add(s);
        }
        return out;
    }
}
