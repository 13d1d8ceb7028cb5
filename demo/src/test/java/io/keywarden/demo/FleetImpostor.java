package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;

/**
 * What a compromised gateway (or one of its sensors) can send the fleet authority with keys it holds: signed
 * issuance log entries and escrow deposits in the fleet's envelope format, published on the broker as the gateway would.
 */
final class FleetImpostor {
    private final FleetStage fleet;

    FleetImpostor(FleetStage fleet) {
        this.fleet = fleet;
    }

    /** The device's key (as the gateway holds it) and chain. */
    record Identity(PrivateKey key, List<X509Certificate> chain) {}

    Identity identity(String deviceId) throws Exception {
        Path dir = fleet.gateway.dataDir.resolve("devices").resolve(deviceId);
        PrivateKey key = privateKey(Files.readString(dir.resolve("key.pem"), StandardCharsets.US_ASCII));
        List<X509Certificate> chain = new ArrayList<>();
        try (var in = Files.newInputStream(
                fleet.gateway.state().current().get(deviceId).chainFile())) {
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .forEach(c -> chain.add((X509Certificate) c));
        }
        return new Identity(key, chain);
    }

    /** The gateway's ACME account key pair, as its ACME bundle stores it. */
    KeyPair accountKey() throws IOException, Exception {
        Path file;
        try (var files = Files.walk(fleet.gateway.dataDir)) {
            file = files.filter(f -> f.getFileName().toString().equals("account-key.pem"))
                    .findFirst()
                    .orElseThrow();
        }
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(block(pem, "PUBLIC KEY")));
        return new KeyPair(pub, privateKey(pem));
    }

    /** The gateway's ACME account URL, as its ACME bundle stores it beside the account key. */
    String accountUrl() throws IOException {
        Path file;
        try (var files = Files.walk(fleet.gateway.dataDir)) {
            file = files.filter(f -> f.getFileName().toString().equals("account.properties"))
                    .findFirst()
                    .orElseThrow();
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p.getProperty("account.url");
    }

    /**
     * Publishes (QoS 1) one entry of the gateway's issuance log on {@code keywarden/<fleet>/log/<gateway>}: the
     * payload signed as is by {@code who}, as the gateway's own publisher signs each entry.
     */
    void publishLogEntry(Identity who, String gatewayId, Map<String, Object> payload) throws Exception {
        send("log", gatewayId, sign(who, payload), false);
    }

    /** Publishes (retained, QoS 1) a fleet message of {@code type} for {@code topicId}, signed by {@code who}. */
    void publish(Identity who, String type, String topicId, Map<String, Object> body) throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("v", 1);
        payload.put("type", type);
        payload.put("gateway", topicId);
        payload.put("iat", Instant.now().getEpochSecond());
        payload.put("seq", Instant.now().toEpochMilli() + 10_000); // newer than anything the gateway sent
        payload.putAll(body);
        send(type, topicId, sign(who, payload), true);
    }

    private static String sign(Identity who, Map<String, Object> payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(payload));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setCertificateChainHeaderValue(who.chain().toArray(new X509Certificate[0]));
        jws.setKey(who.key());
        return jws.getCompactSerialization();
    }

    private void send(String type, String topicId, String message, boolean retained) throws Exception {
        MqttClient client =
                new MqttClient(fleet.broker.url(), "impostor-" + System.nanoTime(), new MemoryPersistence());
        try {
            client.connect();
            client.publish(
                    "keywarden/" + FleetStage.FLEET + "/" + type + "/" + topicId,
                    message.getBytes(StandardCharsets.US_ASCII),
                    1,
                    retained);
            client.disconnect();
        } finally {
            client.close();
        }
    }

    /**
     * An escrow deposit as the ACME bundle writes one, encrypted to the authority: {@code key} deposited for
     * {@code account}, with its proof signed by {@code key} (so only the CA can tell whether the key controls it).
     */
    String deposit(String gatewayId, String directory, String account, KeyPair key) throws Exception {
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("gateway", gatewayId);
        binding.put("directory", directory);
        binding.put("account", account);
        binding.put("createdAt", Instant.now().toString());
        JsonWebSignature proof = new JsonWebSignature();
        proof.setPayload(JsonUtil.toJson(binding));
        proof.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        proof.setKey(key.getPrivate());
        Map<String, Object> plain = new LinkedHashMap<>(binding);
        plain.put(
                "accountKey",
                pem("PRIVATE KEY", key.getPrivate().getEncoded())
                        + pem("PUBLIC KEY", key.getPublic().getEncoded()));
        plain.put("proof", proof.getCompactSerialization());
        PublicKey escrowKey = KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(block(
                        Files.readString(fleet.work.resolve("keys").resolve("escrow-public.pem")), "PUBLIC KEY")));
        JsonWebEncryption jwe = new JsonWebEncryption();
        jwe.setPlaintext(JsonUtil.toJson(plain));
        jwe.setAlgorithmHeaderValue("ECDH-ES+A256KW");
        jwe.setEncryptionMethodHeaderParameter("A256GCM");
        jwe.setKey(escrowKey);
        return jwe.getCompactSerialization();
    }

    private static PrivateKey privateKey(String pem) throws Exception {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(block(pem, "PRIVATE KEY")));
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int from = pem.indexOf(begin) + begin.length();
        return Base64.getMimeDecoder().decode(pem.substring(from, pem.indexOf("-----END " + type + "-----", from)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
