package io.keywarden.fleet.internal.log;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.jws.JwsKeys;

/**
 * The authority's answer to a gateway's issuance log, retained on {@code keywarden/<fleet>/log-ack/<gateway>}: the
 * head it stored, {@code {"v":1,"type":"log-ack","gateway":id,"seq":n,"hash":hex,"resend":bool}}, {@code resend}
 * asking the gateway to send everything after that head again (after a gap). Signed like a notice with the
 * authority's key when it has one ({@code kid} = authority id); a gateway that knows the authority's key believes only
 * a signed one. An ack only says where to resend from: a forged one costs a resend or a gap incident, never an entry.
 */
public record LogAck(String gatewayId, long seq, String hash, boolean resend) {
    public static final String TYPE = "log-ack";
    static final int MAX_BYTES = 16 * 1024;

    /** Signed with {@code key} when present, else the bare JSON. */
    public String encode(Optional<PrivateKey> key, String authorityId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", TYPE);
        m.put("gateway", gatewayId);
        m.put("seq", seq);
        m.put("hash", hash);
        m.put("resend", resend);
        String json = JsonUtil.toJson(m);
        if (key.isEmpty()) {
            return json;
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(json);
        jws.setKeyIdHeaderValue(authorityId);
        jws.setKey(key.get());
        try {
            jws.setAlgorithmHeaderValue(JwsKeys.algorithm(key.get()));
            return jws.getCompactSerialization();
        } catch (JoseException | InvalidKeySpecException e) {
            throw new IllegalStateException("cannot sign a log acknowledgement: " + e.getMessage(), e);
        }
    }

    /**
     * @param authorityKey when present, only an ack it verifies (with {@code kid} = {@code authorityId}) is believed
     * @throws RejectedNoticeException saying why the message is not an ack for this gateway
     */
    public static LogAck decode(byte[] message, String gatewayId, Optional<PublicKey> authorityKey, String authorityId)
            throws RejectedNoticeException {
        if (message.length > MAX_BYTES) {
            throw new RejectedNoticeException("larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(message, StandardCharsets.US_ASCII).trim();
        String json = authorityKey.isPresent() ? verified(text, authorityKey.get(), authorityId) : text;
        Map<String, Object> m;
        try {
            m = JsonUtil.parseJson(json);
        } catch (JoseException | RuntimeException e) {
            throw new RejectedNoticeException("not a JSON object");
        }
        if (!Long.valueOf(1).equals(m.get("v")) || !TYPE.equals(m.get("type"))) {
            throw new RejectedNoticeException("not a version 1 log acknowledgement");
        }
        if (!gatewayId.equals(m.get("gateway"))) {
            throw new RejectedNoticeException("acknowledges gateway " + m.get("gateway") + ", not " + gatewayId);
        }
        if (!(m.get("seq") instanceof Long seq)
                || !(m.get("hash") instanceof String hash)
                || !(m.get("resend") instanceof Boolean resend)) {
            throw new RejectedNoticeException("seq, hash or resend missing or mistyped");
        }
        return new LogAck(gatewayId, seq, hash, resend);
    }

    private static String verified(String compact, PublicKey key, String authorityId) throws RejectedNoticeException {
        JsonWebSignature jws = new JsonWebSignature();
        try {
            jws.setAlgorithmConstraints(JwsKeys.permitOnly(key));
            jws.setCompactSerialization(compact);
            jws.setKey(key);
            if (!jws.verifySignature()) {
                throw new RejectedNoticeException("signature does not verify with the authority's key");
            }
            if (!authorityId.equals(jws.getKeyIdHeaderValue())) {
                throw new RejectedNoticeException("kid " + jws.getKeyIdHeaderValue() + " is not the authority");
            }
            return jws.getPayload();
        } catch (JoseException | InvalidKeySpecException e) {
            throw new RejectedNoticeException("not a JWS the authority's key can verify: " + e.getMessage());
        }
    }
}
