package io.keywarden.fleet.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keywarden.relyingparty.NoticeCodec;

/** PEM keys with the JDK alone (no Bouncy Castle needed for SPKI, X.509 and PKCS#8), and the JWS algorithm per key. */
public final class Keys {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private Keys() {
    }

    /** A public key from PEM text, or from the PEM file the value names: SPKI ("PUBLIC KEY") or a certificate. */
    public static PublicKey publicKey(String textOrPath) throws IOException, GeneralSecurityException {
        String text = textOrPath.contains("-----BEGIN") ? textOrPath
                : Files.readString(Path.of(textOrPath), StandardCharsets.US_ASCII);
        Matcher m = block(text);
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        switch (m.group(1)) {
            case "CERTIFICATE":
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            case "PUBLIC KEY":
                return (PublicKey) decode(der, true);
            default:
                throw new IllegalArgumentException("expected a PUBLIC KEY or CERTIFICATE PEM block, found " + m.group(1));
        }
    }

    /** A PKCS#8 ("PRIVATE KEY") EC or RSA key from a PEM file. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = block(Files.readString(file, StandardCharsets.US_ASCII));
        if (!"PRIVATE KEY".equals(m.group(1))) {
            throw new IllegalArgumentException("expected a PKCS#8 PRIVATE KEY PEM block, found " + m.group(1)
                    + " (convert with `openssl pkcs8 -topk8 -nocrypt`)");
        }
        return (PrivateKey) decode(Base64.getMimeDecoder().decode(m.group(2)), false);
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** ES256/ES384/ES512 by curve size, RS256 for RSA: the notice format's rule, for every fleet envelope. */
    public static String jwsAlgorithm(java.security.Key key) {
        return NoticeCodec.jwsAlgorithm(key);
    }

    private static Matcher block(String text) {
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no PEM block found");
        }
        return m;
    }

    private static java.security.Key decode(byte[] der, boolean isPublic) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] { "EC", "RSA" }) {
            try {
                KeyFactory f = KeyFactory.getInstance(algorithm);
                return isPublic ? f.generatePublic(new X509EncodedKeySpec(der)) : f.generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
