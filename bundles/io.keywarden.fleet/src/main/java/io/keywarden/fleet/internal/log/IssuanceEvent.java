package io.keywarden.fleet.internal.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.fleet.internal.inventory.RecordCodec;
import io.keywarden.relyingparty.RejectedNoticeException;

/**
 * One entry of a gateway's issuance log: {@code {"v":1,"type":"event","gateway":id,"seq":n,"prev":hex,"iat":s,
 * "record":{…}}}, {@code seq} counting from 1, {@code prev} the SHA-256 (hex) of the previous entry's payload
 * ({@link #GENESIS} for the first), {@code record} as {@link RecordCodec} writes it. The chain runs over the payload
 * text, not over a signature: a gateway signs an entry again with whatever key it holds when it (re)sends it, and the
 * entry stays the same entry.
 *
 * @param payload the exact JSON text the hash covers
 */
public record IssuanceEvent(long seq, String prev, String hash, CertificateRecord record, String payload) {
    public static final String TYPE = "event";
    public static final String GENESIS = "0".repeat(64);

    /** Builds the next entry after one whose hash is {@code prev}. */
    public static IssuanceEvent create(String gatewayId, long seq, String prev, long iatSeconds, CertificateRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", TYPE);
        m.put("gateway", gatewayId);
        m.put("seq", seq);
        m.put("prev", prev);
        m.put("iat", iatSeconds);
        m.put("record", RecordCodec.toJson(r));
        String payload = JsonUtil.toJson(m);
        return new IssuanceEvent(seq, prev, sha256(payload), r, payload);
    }

    /** Reads an entry from its payload text (verified by the caller, or the gateway's own file). */
    public static IssuanceEvent parse(String payload, String gatewayId) throws RejectedNoticeException {
        Map<String, Object> m;
        try {
            m = JsonUtil.parseJson(payload);
        } catch (JoseException | RuntimeException e) {
            throw new RejectedNoticeException("log entry is not a JSON object");
        }
        return fromJson(m, payload, gatewayId);
    }

    /** Reads an entry from the parsed payload of a verified envelope. */
    public static IssuanceEvent fromJson(Map<String, Object> m, String payload, String gatewayId)
            throws RejectedNoticeException {
        if (!Long.valueOf(1).equals(m.get("v")) || !TYPE.equals(m.get("type"))) {
            throw new RejectedNoticeException("not a version 1 log entry");
        }
        if (!gatewayId.equals(m.get("gateway"))) {
            throw new RejectedNoticeException("log entry of gateway " + m.get("gateway") + ", not of " + gatewayId);
        }
        if (!(m.get("seq") instanceof Long seq) || seq < 1) {
            throw new RejectedNoticeException("log entry seq missing or not a positive integer");
        }
        if (!(m.get("prev") instanceof String prev) || !prev.matches("[0-9a-f]{64}")) {
            throw new RejectedNoticeException("log entry " + seq + ": prev missing or not a SHA-256 in hex");
        }
        if (!(m.get("iat") instanceof Long)) {
            throw new RejectedNoticeException("log entry " + seq + ": iat missing or not an integer");
        }
        return new IssuanceEvent(seq, prev, sha256(payload), RecordCodec.fromJson(m.get("record")), payload);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
