package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import io.keywarden.acme.internal.config.KeyType;

/** Keys made with Bouncy Castle's EC code, and the CSRs made for them, as the JDK and the CSR check see them. */
class KeyCsrTest {
    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    @Test
    void ecKeysAreOrdinaryJdkKeysOnTheirNamedCurve() throws Exception {
        for (KeyType type : List.of(KeyType.EC_P256, KeyType.EC_P384)) {
            KeyPair kp = type.generate();
            int bits = ((ECPublicKey) kp.getPublic())
                    .getParams()
                    .getCurve()
                    .getField()
                    .getFieldSize();
            assertEquals(type == KeyType.EC_P256 ? 256 : 384, bits);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(kp.getPrivate());
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            s.initVerify(kp.getPublic());
            s.update(new byte[] {1, 2, 3});
            assertTrue(s.verify(sig), type + ": the private key belongs to the public key");
        }
    }

    @Test
    void theCsrNamesTheKeyAndEveryNameAndPassesTheCheckBothWays() throws Exception {
        for (KeyType type : List.of(KeyType.EC_P256, KeyType.EC_P384)) {
            KeyPair kp = type.generate();
            List<String> names = List.of("s1.keywarden.test", "alias.keywarden.test");
            byte[] der = KeyCsr.of(names, kp).orElseThrow();
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
            assertArrayEquals(
                    kp.getPublic().getEncoded(), csr.getSubjectPublicKeyInfo().getEncoded());
            assertEquals(new X500Name("CN=s1.keywarden.test"), csr.getSubject());
            // the JDK's provider agrees with Bouncy Castle's code about the signature
            assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(kp.getPublic())));
            assertArrayEquals(der, CsrCheck.check(pem(der), names));
        }
    }

    @Test
    void rsaKeysAreLeftToAcme4j() throws Exception {
        assertTrue(KeyCsr.of(List.of("s1.keywarden.test"), KeyType.RSA_2048.generate())
                .isEmpty());
    }
}
