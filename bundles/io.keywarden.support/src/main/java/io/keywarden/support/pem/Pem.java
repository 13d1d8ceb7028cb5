package io.keywarden.support.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM (RFC 7468) keys, certificates and requests with the JDK alone: SubjectPublicKeyInfo, PKCS#8 and X.509 need no
 * provider, so bundles that do not import Bouncy Castle can use it too, and nothing registers a provider globally.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Pem() {}

    /** The text itself when it is PEM, else the content of the file it names. */
    public static String pemOrFile(String value) throws IOException {
        String v = value.trim();
        return v.startsWith("-----BEGIN") ? v : Files.readString(Path.of(v), StandardCharsets.US_ASCII);
    }

    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** The DER content of every block of the given type, in order. */
    public static List<byte[]> decodeAll(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    /** The DER content of the one block of the given type; IllegalArgumentException unless there is exactly one. */
    public static byte[] decodeOne(String pem, String type) {
        List<byte[]> all = decodeAll(pem, type);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one PEM block '" + type + "', found " + all.size());
        }
        return all.get(0);
    }

    /** A PUBLIC KEY block, or the key of the first CERTIFICATE block. */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        List<byte[]> certs = decodeAll(pem, "CERTIFICATE");
        if (!certs.isEmpty()) {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certs.get(0)))
                    .getPublicKey();
        }
        List<byte[]> keys = decodeAll(pem, "PUBLIC KEY");
        if (keys.size() != 1) {
            throw new InvalidKeySpecException("expected one PUBLIC KEY or CERTIFICATE PEM block, found " + keys.size());
        }
        return (PublicKey) decodeKey(keys.get(0), true);
    }

    /** A PKCS#8 PRIVATE KEY block (openssl genpkey's default); other forms convert with {@code openssl pkcs8 -topk8}. */
    public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        List<byte[]> keys = decodeAll(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new InvalidKeySpecException("expected one PKCS#8 PRIVATE KEY PEM block, found " + keys.size()
                    + " (convert other forms with: openssl pkcs8 -topk8 -nocrypt)");
        }
        return (PrivateKey) decodeKey(keys.get(0), false);
    }

    /**
     * A PRIVATE KEY block and its PUBLIC KEY block: both halves are kept because deriving an EC public key from the
     * private one needs point arithmetic the JDK does not offer.
     */
    public static KeyPair decodeKeyPair(String pem) throws GeneralSecurityException {
        return new KeyPair(publicKey(pem), privateKey(pem));
    }

    /** A key pair as a PKCS#8 private key block followed by its SubjectPublicKeyInfo block. */
    public static String encodeKeyPair(KeyPair kp) {
        return encode("PRIVATE KEY", kp.getPrivate().getEncoded())
                + encode("PUBLIC KEY", kp.getPublic().getEncoded());
    }

    public static String encodeCertificates(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(encode("CERTIFICATE", c.getEncoded()));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("certificate cannot be encoded", e);
            }
        }
        return sb.toString();
    }

    /** Every CERTIFICATE block, in order. */
    public static List<X509Certificate> decodeCertificates(String pem) throws CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : decodeAll(pem, "CERTIFICATE")) {
            out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }

    private static Key decodeKey(byte[] der, boolean isPublic) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : new String[] {"EC", "RSA"}) {
            try {
                KeyFactory kf = KeyFactory.getInstance(alg);
                return isPublic
                        ? kf.generatePublic(new X509EncodedKeySpec(der))
                        : kf.generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                last = e;
            }
        }
        throw new InvalidKeySpecException("neither an EC nor an RSA key", last);
    }
}
