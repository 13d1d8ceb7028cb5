package io.keywarden.acme.internal.client;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import io.keywarden.support.crypto.CsrSignatures;

/**
 * Checks a sensor's CSR before it goes to the CA: well-formed, self-signature valid (the sensor holds the key)
 * and asking for exactly the names being enrolled, so a bad request fails here with a clear message.
 */
public final class CsrCheck {
    private CsrCheck() {}

    /** The DER form of a valid CSR for exactly {@code names}; IllegalArgumentException naming the problem. */
    public static byte[] check(String csrPem, List<String> names) {
        PKCS10CertificationRequest csr = parse(csrPem);
        byte[] der;
        try {
            der = csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("CSR cannot be encoded: " + e.getMessage(), e);
        }
        try {
            boolean valid = CsrSignatures.handles(csr)
                    ? CsrSignatures.verify(csr)
                    : csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey(csr)));
            if (!valid) {
                throw new IllegalArgumentException("CSR signature does not verify with its own public key");
            }
        } catch (OperatorCreationException | PKCSException | GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("CSR signature cannot be checked: " + e.getMessage(), e);
        }
        Set<String> requested = new TreeSet<>();
        names.forEach(n -> requested.add(n.toLowerCase(Locale.ROOT)));
        Set<String> inCsr = dnsNames(csr);
        if (!inCsr.equals(requested)) {
            throw new IllegalArgumentException("CSR names " + inCsr + " differ from the names enrolled " + requested);
        }
        return der;
    }

    /** Exactly one PEM CERTIFICATE REQUEST block, read with Bouncy Castle's PEMParser (this bundle imports it anyway). */
    private static PKCS10CertificationRequest parse(String csrPem) {
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            Object first = parser.readObject();
            if (!(first instanceof PKCS10CertificationRequest csr)) {
                throw new IllegalArgumentException(
                        first == null
                                ? "no PEM block found"
                                : "found a " + first.getClass().getSimpleName() + " block");
            }
            if (parser.readObject() != null) {
                throw new IllegalArgumentException("more than one PEM block");
            }
            return csr;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("CSR is not a PEM 'CERTIFICATE REQUEST': " + e.getMessage(), e);
        }
    }

    /**
     * The CSR's key as a JCA key. Done by hand because Bouncy Castle's default helper asks the JCA for a key
     * factory by OID, which the JDK's providers do not answer, and no provider is registered globally.
     */
    private static PublicKey publicKey(PKCS10CertificationRequest csr) throws GeneralSecurityException, IOException {
        var algorithm = csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        String name;
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            name = "EC";
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            name = "RSA";
        } else if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            name = "Ed25519";
        } else {
            throw new GeneralSecurityException("unsupported key algorithm " + algorithm);
        }
        return KeyFactory.getInstance(name)
                .generatePublic(
                        new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
    }

    private static Set<String> dnsNames(PKCS10CertificationRequest csr) {
        Set<String> out = new TreeSet<>();
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : a.getAttrValues()) {
                Extensions ext = Extensions.getInstance(value);
                GeneralNames gns = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
                if (gns == null) {
                    continue;
                }
                for (GeneralName gn : gns.getNames()) {
                    if (gn.getTagNo() == GeneralName.dNSName) {
                        out.add(gn.getName().toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }
}
