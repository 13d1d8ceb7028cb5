package io.keywarden.monitor.internal.response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.files.DurableFiles;

/**
 * The monitor's own signing identity for revocation requests: an EC P-256 key it generates once and keeps in its data
 * directory (monitor-key.pem, owner-only), and the public half in monitor-public.pem for the operator to configure as
 * the gateway-monitor authority of the revocation component.
 */
public final class MonitorIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorIdentity.class);
    public static final String KEY_FILE = "monitor-key.pem";
    public static final String PUBLIC_FILE = "monitor-public.pem";

    private final KeyPair keyPair;
    private final Path publicKeyFile;

    private MonitorIdentity(KeyPair keyPair, Path publicKeyFile) {
        this.keyPair = keyPair;
        this.publicKeyFile = publicKeyFile;
    }

    public static MonitorIdentity loadOrCreate(Path dataDir) throws IOException, GeneralSecurityException {
        Path keyFile = dataDir.resolve(KEY_FILE);
        KeyPair kp;
        if (Files.exists(keyFile)) {
            // the key file holds both halves: deriving an EC public key from the private one needs point arithmetic
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            KeyFactory kf = KeyFactory.getInstance("EC");
            kp = new KeyPair(kf.generatePublic(new X509EncodedKeySpec(decode(pem, "PUBLIC KEY"))),
                    kf.generatePrivate(new PKCS8EncodedKeySpec(decode(pem, "PRIVATE KEY"))));
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            kp = g.generateKeyPair();
            String pem = encode("PRIVATE KEY", kp.getPrivate().getEncoded()) + encode("PUBLIC KEY", kp.getPublic().getEncoded());
            DurableFiles.write(keyFile, pem.getBytes(StandardCharsets.US_ASCII), true);
            LOG.info("Created the monitor's revocation signing key in {}", keyFile);
        }
        Path pub = dataDir.resolve(PUBLIC_FILE);
        String pem = encode("PUBLIC KEY", kp.getPublic().getEncoded());
        if (!Files.exists(pub) || !Files.readString(pub, StandardCharsets.US_ASCII).equals(pem)) {
            DurableFiles.write(pub, pem.getBytes(StandardCharsets.US_ASCII), false);
        }
        return new MonitorIdentity(kp, pub);
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    public String publicKeyPem() {
        return encode("PUBLIC KEY", keyPair.getPublic().getEncoded());
    }

    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static byte[] decode(String pem, String type) throws IOException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf(end);
        if (a < 0 || b < a) {
            throw new IOException("no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
    }
}
