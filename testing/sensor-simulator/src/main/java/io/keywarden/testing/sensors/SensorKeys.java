package io.keywarden.testing.sensors;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** What a sensor that holds its own key does before enrollment: make an EC P-256 key and a CSR for its names. */
public final class SensorKeys {
    /** Given to JCA calls as an object, never registered globally. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private SensorKeys() {}

    public static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is missing from this Java platform", e);
        }
    }

    /** A PKCS#10 request in PEM for {@code key}, CN the first name, every name a dNSName subjectAltName. */
    public static String csrPem(KeyPair key, List<String> dnsNames) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a CSR needs at least one DNS name");
        }
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            GeneralName[] names = dnsNames.stream()
                    .map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
                            new X500Principal("CN=" + dnsNames.get(0)), key.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .setProvider(BC)
                            .build(key.getPrivate()));
            return pem(csr);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a CSR: " + e, e);
        }
    }

    /** The private key in PEM (PKCS#8), for a sensor that keeps it in a file. */
    public static String privateKeyPem(KeyPair key) {
        try {
            return pem(key.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A key pair from a PEM text holding a PKCS#8 {@code PRIVATE KEY} and an X.509 {@code PUBLIC KEY} block (how the
     * gateway stores keys it generated for sensors that cannot; such a sensor is provisioned with that file).
     */
    public static KeyPair fromPem(String pem) {
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            return new KeyPair(
                    kf.generatePublic(new X509EncodedKeySpec(block(pem, "PUBLIC KEY"))),
                    kf.generatePrivate(new PKCS8EncodedKeySpec(block(pem, "PRIVATE KEY"))));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC key pair in PEM: " + e.getMessage(), e);
        }
    }

    private static byte[] block(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf("-----END " + type + "-----");
        if (a < 0 || b < a) {
            throw new IllegalArgumentException("no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }
}
