package io.keywarden.acme.internal.store;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM encoding of keys, certificates and CSRs with the JDK alone (no provider registration needed). */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Pem() {
    }

    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
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

    public static byte[] decodeOne(String pem, String type) {
        List<byte[]> all = decodeAll(pem, type);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one PEM block '" + type + "', found " + all.size());
        }
        return all.get(0);
    }

    /** A key pair as a PKCS#8 private key block followed by its SubjectPublicKeyInfo block. */
    public static String encodeKeyPair(KeyPair kp) {
        return encode("PRIVATE KEY", kp.getPrivate().getEncoded()) + encode("PUBLIC KEY", kp.getPublic().getEncoded());
    }

    public static KeyPair decodeKeyPair(String pem) throws GeneralSecurityException {
        byte[] priv = decodeOne(pem, "PRIVATE KEY");
        byte[] pub = decodeOne(pem, "PUBLIC KEY");
        GeneralSecurityException last = null;
        for (String alg : new String[] {"EC", "RSA"}) {
            try {
                KeyFactory kf = KeyFactory.getInstance(alg);
                PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(priv));
                PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(pub));
                return new KeyPair(publicKey, privateKey);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
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

    public static List<X509Certificate> decodeCertificates(String pem) throws CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : decodeAll(pem, "CERTIFICATE")) {
            out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }
}
