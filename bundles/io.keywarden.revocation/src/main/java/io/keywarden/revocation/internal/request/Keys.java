package io.keywarden.revocation.internal.request;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jose4j.jws.AlgorithmIdentifiers;

/** PEM keys with the JDK alone, and the JWS algorithm each key type signs with. */
public final class Keys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Keys() {
    }

    /** The text itself when it is PEM, else the content of the file it names. */
    public static String pemOrFile(String value) throws IOException {
        String v = value.trim();
        return v.startsWith("-----BEGIN") ? v : Files.readString(Path.of(v), StandardCharsets.US_ASCII);
    }

    /** A PUBLIC KEY block, or the key of the first CERTIFICATE block. */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        List<byte[]> certs = blocks(pem, "CERTIFICATE");
        if (!certs.isEmpty()) {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certs.get(0)))
                    .getPublicKey();
        }
        List<byte[]> keys = blocks(pem, "PUBLIC KEY");
        if (keys.size() != 1) {
            throw new InvalidKeySpecException("expected one PUBLIC KEY or CERTIFICATE PEM block, found " + keys.size());
        }
        return (PublicKey) decode(keys.get(0), true);
    }

    /** A PKCS#8 PRIVATE KEY block (openssl genpkey's default); other forms convert with {@code openssl pkcs8 -topk8}. */
    public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new InvalidKeySpecException("expected one PKCS#8 PRIVATE KEY PEM block, found " + keys.size()
                    + " (convert other forms with: openssl pkcs8 -topk8 -nocrypt)");
        }
        return (PrivateKey) decode(keys.get(0), false);
    }

    /** A PRIVATE KEY block followed by its PUBLIC KEY block (the form the ACME bundle stores keys in). */
    public static KeyPair keyPair(String pem) throws GeneralSecurityException {
        return new KeyPair(publicKey(pem), privateKey(pem));
    }

    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** ES256/ES384/ES512 by curve size, RS256 for RSA; anything else cannot sign requests. */
    public static String jwsAlgorithm(java.security.Key key) throws InvalidKeySpecException {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
                case 384 -> AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384;
                case 521 -> AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512;
                default -> throw new InvalidKeySpecException("unsupported EC curve of " + bits + " bits");
            };
        }
        if (key instanceof RSAKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new InvalidKeySpecException("RSA keys below 2048 bits are not accepted");
            }
            return AlgorithmIdentifiers.RSA_USING_SHA256;
        }
        throw new InvalidKeySpecException("only EC and RSA keys sign revocation requests, not " + key.getAlgorithm());
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    private static java.security.Key decode(byte[] der, boolean isPublic) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : new String[] { "EC", "RSA" }) {
            try {
                KeyFactory kf = KeyFactory.getInstance(alg);
                return isPublic ? kf.generatePublic(new X509EncodedKeySpec(der))
                        : kf.generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                last = e;
            }
        }
        throw new InvalidKeySpecException("neither an EC nor an RSA key", last);
    }
}
