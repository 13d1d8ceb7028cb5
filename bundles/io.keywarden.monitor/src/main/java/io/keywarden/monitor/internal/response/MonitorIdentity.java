package io.keywarden.monitor.internal.response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.pem.Pem;

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
            kp = Pem.decodeKeyPair(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            kp = g.generateKeyPair();
            DurableFiles.write(keyFile, Pem.encodeKeyPair(kp).getBytes(StandardCharsets.US_ASCII), true);
            LOG.info("Created the monitor's revocation signing key in {}", keyFile);
        }
        Path pub = dataDir.resolve(PUBLIC_FILE);
        String pem = Pem.encode("PUBLIC KEY", kp.getPublic().getEncoded());
        if (!Files.exists(pub)
                || !Files.readString(pub, StandardCharsets.US_ASCII).equals(pem)) {
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
        return Pem.encode("PUBLIC KEY", keyPair.getPublic().getEncoded());
    }
}
