package io.keywarden.kura.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.pem.Pem;

/** Key pairs of the types the console offers, and the CSR the ACME service takes for a key held in Kura. */
final class GatewayKeys {

    private GatewayKeys() {}

    static final Set<String> KEY_TYPES = Set.of("EC_P256", "EC_P384", "RSA_2048", "RSA_3072");

    /** The console's keystore.alias and key.type, checked when the configuration arrives rather than at first use. */
    static void checkConfiguration(String alias, String keyType) throws InvalidConfigurationException {
        if (alias == null || alias.isBlank()) {
            throw new InvalidConfigurationException("keystore.alias", "required but missing");
        }
        if (!KEY_TYPES.contains(keyType)) {
            throw new InvalidConfigurationException(
                    "key.type", "unknown key type '" + keyType + "', expected one of " + new TreeSet<>(KEY_TYPES));
        }
    }

    static KeyPair generate(String keyType) throws GeneralSecurityException {
        switch (keyType) {
            case "EC_P256":
                return ec("secp256r1");
            case "EC_P384":
                return ec("secp384r1");
            case "RSA_2048":
                return rsa(2048);
            case "RSA_3072":
                return rsa(3072);
            default:
                throw new GeneralSecurityException("unknown key type " + keyType);
        }
    }

    private static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    /** A PEM PKCS#10 request for exactly {@code dnsName} (CN and the one SAN), signed with the key. */
    static String csr(String dnsName, PublicKey publicKey, PrivateKey privateKey) throws GeneralSecurityException {
        try {
            String name = dnsName.toLowerCase(Locale.ROOT);
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            JcaPKCS10CertificationRequestBuilder builder =
                    new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + name), publicKey);
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            String alg = publicKey instanceof ECPublicKey ec
                            && ec.getParams().getCurve().getField().getFieldSize() > 256
                    ? "SHA384withECDSA"
                    : publicKey instanceof ECPublicKey ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] der = builder.build(new JcaContentSignerBuilder(alg).build(privateKey))
                    .getEncoded();
            return Pem.encode("CERTIFICATE REQUEST", der);
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build the CSR: " + e.getMessage(), e);
        }
    }
}
