package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.jws.JwsKeys;
import io.keywarden.support.verify.CertificateChains;
import io.keywarden.support.verify.EcJwsSignatures;

/**
 * What a gateway publishes about itself (its issuance log entries, its escrow deposit) travels signed with the
 * gateway's own ACME-issued key, the certificate chain in the JWS {@code x5c} header, header {@code alg} from the key.
 * An escrow message's payload is {@code {"v":1,"type":"escrow","gateway":id,"iat":seconds,"seq":n,…}}, {@code seq} the
 * signing time in milliseconds; a log entry's is an {@link io.keywarden.fleet.internal.log.IssuanceEvent}. The
 * authority believes a message only if the chain leads to a CA root it trusts, the end-entity certificate names the
 * gateway of the topic, and the signature verifies with that certificate's key; whether that certificate may speak
 * for the gateway is {@link Speakers}' question.
 */
public final class GatewayEnvelope {
    public static final String TYPE_ESCROW = "escrow";
    /** Room for a gateway with a few thousand sensors, each record carrying its chain. */
    static final int MAX_BYTES = 8 * 1024 * 1024;

    /**
     * A message that passed every check; {@code text} is the payload exactly as signed, {@code chain} the x5c chain
     * that was validated.
     */
    public record Verified(
            String gatewayId,
            X509Certificate signer,
            long sequence,
            Map<String, Object> payload,
            String text,
            List<X509Certificate> chain) {}

    private GatewayEnvelope() {}

    static String sign(
            String type, String gatewayId, long sequence, Map<String, Object> body, KeyStore.PrivateKeyEntry identity) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("v", 1);
        payload.put("type", type);
        payload.put("gateway", gatewayId);
        payload.put("iat", sequence / 1000);
        payload.put("seq", sequence);
        payload.putAll(body);
        return signPayload(JsonUtil.toJson(payload), identity);
    }

    /** Signs a payload text as it is, the certificate chain in {@code x5c}. */
    public static String signPayload(String payload, KeyStore.PrivateKeyEntry identity) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        // from the certificate: a key held in hardware (Kura's keystore may hand out a PKCS#11 handle) need not expose
        // its curve or modulus
        X509Certificate[] chain = Arrays.stream(identity.getCertificateChain())
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        jws.setCertificateChainHeaderValue(chain);
        jws.setKey(identity.getPrivateKey());
        try {
            jws.setAlgorithmHeaderValue(
                    JwsKeys.algorithm(identity.getCertificate().getPublicKey()));
            return jws.getCompactSerialization();
        } catch (JoseException | InvalidKeySpecException e) {
            throw new IllegalStateException("cannot sign a gateway message: " + e.getMessage(), e);
        }
    }

    /**
     * @param topicGatewayId the last level of the topic the message arrived on
     * @throws RejectedNoticeException with the check that failed
     */
    public static Verified verify(
            byte[] message, String type, String topicGatewayId, Set<TrustAnchor> roots, Instant now)
            throws RejectedNoticeException {
        return verify(message, type, topicGatewayId, roots, now, List.of());
    }

    /**
     * As {@link #verify(byte[], String, String, Set, Instant)}, without validating the x5c chain again when it is
     * {@code validated}: a chain validated at {@code now} for an earlier entry of the same message (every entry of a
     * batch carries the same chain, and path validation costs as much as the signature).
     */
    static Verified verify(
            byte[] message,
            String type,
            String topicGatewayId,
            Set<TrustAnchor> roots,
            Instant now,
            List<X509Certificate> validated)
            throws RejectedNoticeException {
        if (message.length > MAX_BYTES) {
            throw new RejectedNoticeException("larger than " + MAX_BYTES + " bytes");
        }
        JsonWebSignature jws = new JsonWebSignature();
        List<X509Certificate> chain;
        try {
            jws.setCompactSerialization(new String(message, StandardCharsets.US_ASCII).trim());
            chain = jws.getCertificateChainHeaderValue();
        } catch (JoseException | RuntimeException e) {
            // RuntimeException: jose4j casts header members as it reads them ("x5c":[1] is a ClassCastException;
            // GatewayEnvelopeFuzzTest, raw-header-x5c-number), which would end the MQTT callback
            throw new RejectedNoticeException("not a JWS with an x5c certificate chain: " + e.getMessage());
        }
        if (chain == null || chain.isEmpty()) {
            throw new RejectedNoticeException("no x5c certificate chain in the header");
        }
        X509Certificate leaf = chain.get(0);
        if (!chain.equals(validated)) {
            checkChain(chain, roots, now);
        }
        if (!dnsNames(leaf).contains(topicGatewayId.toLowerCase(Locale.ROOT))) {
            throw new RejectedNoticeException(
                    "signed by a certificate for " + dnsNames(leaf) + ", not for gateway " + topicGatewayId);
        }
        String payload = verifiedPayload(jws, message, leaf);
        Map<String, Object> json;
        try {
            json = JsonUtil.parseJson(payload);
        } catch (JoseException | RuntimeException e) {
            throw new RejectedNoticeException("payload is not a JSON object");
        }
        if (!Long.valueOf(1).equals(json.get("v")) || !type.equals(json.get("type"))) {
            throw new RejectedNoticeException("not a version 1 " + type + " message");
        }
        if (!topicGatewayId.equals(json.get("gateway"))) {
            throw new RejectedNoticeException(
                    "payload is for gateway " + json.get("gateway") + ", topic for " + topicGatewayId);
        }
        if (!(json.get("seq") instanceof Long seq)) {
            throw new RejectedNoticeException("field seq missing or not an integer");
        }
        return new Verified(topicGatewayId, leaf, seq, json, payload, List.copyOf(chain));
    }

    /**
     * The payload, once the signature verifies with the leaf's key under the one algorithm that key signs with. ECDSA
     * (what gateways' ACME keys are) is checked with Bouncy Castle ({@link EcJwsSignatures}: several times faster than
     * the JDK's on a gateway's JVM, and ingest is bound by these checks); anything else, or a header with critical
     * extensions, by jose4j.
     */
    private static String verifiedPayload(JsonWebSignature jws, byte[] message, X509Certificate leaf)
            throws RejectedNoticeException {
        try {
            String alg = JwsKeys.algorithm(leaf.getPublicKey());
            boolean verified;
            if (EcJwsSignatures.handles(alg) && jws.getHeaders().getObjectHeaderValue("crit") == null) {
                if (!alg.equals(jws.getAlgorithmHeaderValue())) {
                    throw new RejectedNoticeException("signed with " + jws.getAlgorithmHeaderValue()
                            + ", but the x5c certificate's key signs with " + alg);
                }
                verified = EcJwsSignatures.verify(
                        new String(message, StandardCharsets.US_ASCII).trim(), leaf.getPublicKey(), alg);
            } else {
                jws.setAlgorithmConstraints(JwsKeys.permitOnly(leaf.getPublicKey()));
                jws.setKey(leaf.getPublicKey());
                verified = jws.verifySignature();
            }
            if (!verified) {
                throw new RejectedNoticeException("signature does not verify with the key of the x5c certificate");
            }
            return jws.getUnverifiedPayload();
        } catch (JoseException | InvalidKeySpecException | IOException | RuntimeException e) {
            throw new RejectedNoticeException(
                    "signature cannot be verified with the x5c certificate: " + e.getMessage());
        }
    }

    /**
     * PKIX path validation to one of the roots at the given time (revocation checking off: Pebble offers none), by
     * Bouncy Castle ({@link CertificateChains}) for the same reason as the signatures.
     */
    public static void checkChain(List<X509Certificate> chain, Set<TrustAnchor> roots, Instant at)
            throws RejectedNoticeException {
        try {
            CertificateChains.validate(chain, roots, Date.from(at));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new RejectedNoticeException("certificate chain of " + dnsNames(chain.get(0))
                    + " does not lead to a trusted CA root: " + e.getMessage());
        }
    }

    static Set<String> dnsNames(X509Certificate c) {
        try {
            var names = c.getSubjectAlternativeNames();
            if (names == null) {
                return Set.of();
            }
            return names.stream()
                    .filter(n -> Integer.valueOf(2).equals(n.get(0)))
                    .map(n -> String.valueOf(n.get(1)).toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (CertificateParsingException e) {
            return Set.of();
        }
    }
}
