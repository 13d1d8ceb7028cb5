package io.keywarden.relyingparty.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A public key from PEM with the JDK alone: this library must not need Bouncy Castle. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private Pem() {
    }

    public static PublicKey publicKey(String textOrPath) throws IOException, GeneralSecurityException {
        String text = textOrPath.contains("-----BEGIN") ? textOrPath
                : Files.readString(Path.of(textOrPath), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no PEM block found");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        if ("CERTIFICATE".equals(m.group(1))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        }
        if (!"PUBLIC KEY".equals(m.group(1))) {
            throw new IllegalArgumentException("expected a PUBLIC KEY or CERTIFICATE PEM block, found " + m.group(1));
        }
        GeneralSecurityException last = null;
        for (String algorithm : new String[] { "EC", "RSA" }) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
