package io.keywarden.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jose4j.json.JsonUtil;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/**
 * The driver's side of a runtime's revocation inbox ({@code inbox.dir}): requests signed here in the documented
 * format (not with the bundle's code) go in, the runtime's answers come out as {@code <name>.result}.
 */
final class RevocationInbox {
    private final Path dir;

    RevocationInbox(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** A request by {@code requester} (signed with its P-256 key), issued now with a fresh nonce. */
    static String sign(PrivateKey key, String requester, String targetKind, String targetValue, int reason) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("kind", targetKind);
        target.put("value", targetValue);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("target", target);
        payload.put("reason", reason);
        payload.put("requester", requester);
        payload.put("nonce", UUID.randomUUID().toString());
        payload.put("iat", Instant.now().getEpochSecond());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(requester);
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops a signed request into the inbox, atomically: the runtime never reads half a file. */
    void deliver(String name, String signedRequest) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.writeString(tmp, signedRequest, StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(name + ".jws"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir, e);
        }
    }

    /** The runtime's answer to a delivered request, once it has processed it. */
    Optional<Map<String, Object>> result(String name) {
        Path f = dir.resolve(name + ".result");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonUtil.parseJson(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException | JoseException e) {
            // written atomically by the runtime; unreadable means not there yet
            return Optional.empty();
        }
    }
}
