package io.keywarden.acme.internal.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** Key algorithms the gateway can generate for itself and for sensors that cannot. */
public enum KeyType {
    EC_P256(SECObjectIdentifiers.secp256r1, 0),
    EC_P384(SECObjectIdentifiers.secp384r1, 0),
    RSA_2048(null, 2048),
    RSA_3072(null, 3072);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ASN1ObjectIdentifier curve;
    private final int rsaBits;

    KeyType(ASN1ObjectIdentifier curve, int rsaBits) {
        this.curve = curve;
        this.rsaBits = rsaBits;
    }

    /** A new key pair as JCA keys (what the store and acme4j take). */
    public KeyPair generate() {
        try {
            if (curve != null) {
                return generateEc();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(rsaBits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate " + this + " keys", e);
        }
    }

    /**
     * EC keys come from Bouncy Castle's generator: with its precomputed multiples of the curve's generator it takes a
     * fraction of the JDK 17 provider's time on a gateway's JVM (C1 only; about 2 ms per P-256 key there), and one key
     * per sensor is made on the enrollment path. The keys are handed over in their standard encodings (named curve).
     */
    private KeyPair generateEc() throws GeneralSecurityException, IOException {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(curve, CustomNamedCurves.getByOID(curve)), RANDOM));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        KeyFactory kf = KeyFactory.getInstance("EC");
        return new KeyPair(
                kf.generatePublic(
                        new X509EncodedKeySpec(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic())
                                .getEncoded())),
                kf.generatePrivate(new PKCS8EncodedKeySpec(PrivateKeyInfoFactory.createPrivateKeyInfo(kp.getPrivate())
                        .getEncoded())));
    }
}
