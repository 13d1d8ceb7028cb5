package io.keywarden.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The revocation side of a local stage: a gateway monitor's key, the revocation policy and authority written as
 * .cfg files for the runtime, and signed requests handed to the runtime through its inbox directory, the way an
 * outside requester with no other channel would. Signs by the documented wire format (docs/revocation.md) with
 * jose4j, independently of the bundle's own signer.
 */
final class RevocationStage {
    static final String POLICY_PID = "io.keywarden.revocation";
    static final String AUTHORITY_FACTORY_PID = "io.keywarden.revocation.authority";
    static final String MONITOR = "monitor";

    final Path dataDir;
    final Path inbox;
    private final KeyPair monitorKey;

    private RevocationStage(Path dataDir, Path inbox, KeyPair monitorKey) {
        this.dataDir = dataDir;
        this.inbox = inbox;
        this.monitorKey = monitorKey;
    }

    /**
     * Writes the policy (custodian route, fast retries capped at {@code retryMaxSeconds}) and a gateway-monitor
     * authority for {@code gateway} into {@code etc}, keeping the monitor's key pair in {@code work}.
     */
    static RevocationStage configure(Path work, Path etc, String gateway, int retryMaxSeconds) {
        try {
            Path keyFile = work.resolve("monitor-key.pem");
            KeyPair kp;
            if (Files.exists(keyFile)) {
                kp = readKeyPair(keyFile);
            } else {
                kp = ecKeyPair();
                Files.createDirectories(work);
                Files.createFile(
                        keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(
                        keyFile,
                        pem("PRIVATE KEY", kp.getPrivate().getEncoded())
                                + pem("PUBLIC KEY", kp.getPublic().getEncoded()));
            }
            Path data = work.resolve("revocation");
            Path inbox = work.resolve("revocation-inbox");
            Map<String, String> policy = new LinkedHashMap<>();
            policy.put("routes", "CUSTODIAN_ACCOUNT");
            policy.put("retry.initial.millis", "200");
            policy.put("retry.max.seconds", Integer.toString(retryMaxSeconds));
            policy.put("rate.per.minute", "100000");
            policy.put("data.dir", data.toAbsolutePath().toString());
            policy.put("store.url", RevocationDb.url(data));
            policy.put("inbox.dir", inbox.toAbsolutePath().toString());
            ConfigFiles.write(
                    etc.resolve(POLICY_PID + ".cfg"), policy, "Keywarden revocation policy (" + POLICY_PID + ")");
            Map<String, String> monitor = new LinkedHashMap<>();
            monitor.put("authority.id", MONITOR);
            monitor.put("authority.role", "gateway-monitor");
            monitor.put("authority.scope", gateway);
            monitor.put("authority.key", pem("PUBLIC KEY", kp.getPublic().getEncoded()));
            ConfigFiles.write(
                    etc.resolve(AUTHORITY_FACTORY_PID + "-" + MONITOR + ".cfg"),
                    monitor,
                    "Keywarden revocation authority (" + AUTHORITY_FACTORY_PID + ")");
            return new RevocationStage(data, inbox, kp);
        } catch (IOException | GeneralSecurityException e) {
            throw new DemoException("cannot prepare the revocation configuration: " + e);
        }
    }

    /** The monitor's request to revoke a device's certificates for key compromise, signed now with a fresh nonce. */
    String signDeviceRevocation(String deviceId) {
        return RevocationInbox.sign(monitorKey.getPrivate(), MONITOR, "DEVICE", deviceId, 1);
    }

    /** Drops a signed request into the inbox. */
    void deliver(String name, String signedRequest) {
        new RevocationInbox(inbox).deliver(name, signedRequest);
    }

    /** The runtime's answer to a delivered request, once it has processed it. */
    Optional<Map<String, Object>> result(String name) {
        return new RevocationInbox(inbox).result(name);
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair readKeyPair(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        KeyFactory kf = KeyFactory.getInstance("EC");
        return new KeyPair(
                kf.generatePublic(new X509EncodedKeySpec(block(text, "PUBLIC KEY"))),
                kf.generatePrivate(new PKCS8EncodedKeySpec(block(text, "PRIVATE KEY"))));
    }

    private static byte[] block(String pem, String type) {
        int start = pem.indexOf("-----BEGIN " + type + "-----");
        int end = pem.indexOf("-----END " + type + "-----");
        String body = pem.substring(start + ("-----BEGIN " + type + "-----").length(), end);
        return Base64.getMimeDecoder().decode(body);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
