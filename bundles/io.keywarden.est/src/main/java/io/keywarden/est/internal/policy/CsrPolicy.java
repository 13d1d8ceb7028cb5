package io.keywarden.est.internal.policy;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import io.keywarden.support.crypto.CsrSignatures;

/**
 * What a sensor's CSR must be: well-formed, signed by the key it names, a key of an allowed type and size, and asking
 * only for names the device may hold (first enrollment) or exactly the subject and names of the certificate it renews
 * (RFC 7030 §4.2.2).
 */
public final class CsrPolicy {
    private final Set<String> curves;
    private final int minRsaBits;

    /**
     * @param curves allowed EC curves by NIST name ({@code P-256}, {@code P-384})
     * @param minRsaBits smallest RSA modulus accepted; 0 refuses RSA
     */
    public CsrPolicy(Collection<String> curves, int minRsaBits) {
        this.curves = Set.copyOf(curves);
        this.minRsaBits = minRsaBits;
    }

    /** Parses and verifies a DER CSR. */
    public ParsedCsr parse(byte[] der) throws Refusal {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw Refusal.badRequest("the body is not a PKCS#10 certification request");
        }
        // the key type and size policy first (only EC and RSA keys pass it), then the signature
        publicKey(csr);
        try {
            if (!CsrSignatures.verify(csr)) {
                throw Refusal.badRequest("the CSR's signature does not verify with its own public key");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            throw Refusal.badRequest("the CSR's signature cannot be checked: " + e.getMessage());
        }
        try {
            return new ParsedCsr(csr, dnsNames(csr));
        } catch (IOException | RuntimeException e) {
            throw Refusal.badRequest("the CSR's attributes are malformed: " + e.getMessage());
        }
    }

    /** A first enrollment: at least one name, every name one the device's class allows it. */
    public void checkNames(ParsedCsr csr, Set<String> allowed, String deviceId) throws Refusal {
        if (csr.getDnsNames().isEmpty()) {
            throw Refusal.forbidden("the CSR names no DNS name (subjectAltName)", deviceId);
        }
        for (String n : csr.getDnsNames()) {
            if (!allowed.contains(n)) {
                throw Refusal.forbidden("name " + n + " is not one " + deviceId + " may hold " + allowed, deviceId);
            }
        }
    }

    /** A re-enrollment: subject and names equal to the certificate being renewed. */
    public void checkSameIdentity(ParsedCsr csr, X509Certificate current, String deviceId) throws Refusal {
        X500Name subject =
                X500Name.getInstance(current.getSubjectX500Principal().getEncoded());
        if (!subject.equals(csr.getSubject())) {
            throw Refusal.forbidden(
                    "the CSR's subject '" + csr.getSubject() + "' differs from the current certificate's '" + subject
                            + "' (RFC 7030 4.2.2)",
                    deviceId);
        }
        Set<String> names = certificateDnsNames(current);
        if (!names.equals(csr.getDnsNames())) {
            throw Refusal.forbidden(
                    "the CSR's names " + csr.getDnsNames() + " differ from the current certificate's " + names
                            + " (RFC 7030 4.2.2)",
                    deviceId);
        }
    }

    private PublicKey publicKey(PKCS10CertificationRequest csr) throws Refusal {
        AlgorithmIdentifier alg = csr.getSubjectPublicKeyInfo().getAlgorithm();
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        try {
            X509EncodedKeySpec spec =
                    new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded());
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
                String curve = curveName(alg);
                if (!curves.contains(curve)) {
                    throw Refusal.badRequest("EC curve " + curve + " is not allowed (allowed: " + curves + ")");
                }
                return KeyFactory.getInstance("EC").generatePublic(spec);
            }
            if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
                PublicKey k = KeyFactory.getInstance("RSA").generatePublic(spec);
                BigInteger modulus = ((RSAPublicKey) k).getModulus();
                if (minRsaBits <= 0 || modulus.bitLength() < minRsaBits) {
                    throw Refusal.badRequest("RSA key of " + modulus.bitLength() + " bits is not allowed"
                            + (minRsaBits > 0 ? " (at least " + minRsaBits + ")" : " (RSA keys are not accepted)"));
                }
                return k;
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw Refusal.badRequest("the CSR's public key is malformed: " + e.getMessage());
        }
        throw Refusal.badRequest("key algorithm " + oid + " is not allowed (EC " + curves + ", RSA)");
    }

    private static String curveName(AlgorithmIdentifier alg) {
        Object params = alg.getParameters();
        if (SECObjectIdentifiers.secp256r1.equals(params)) {
            return "P-256";
        }
        if (SECObjectIdentifiers.secp384r1.equals(params)) {
            return "P-384";
        }
        if (SECObjectIdentifiers.secp521r1.equals(params)) {
            return "P-521";
        }
        return String.valueOf(params);
    }

    private static Set<String> dnsNames(PKCS10CertificationRequest csr) {
        Set<String> out = new TreeSet<>();
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : a.getAttrValues()) {
                GeneralNames gns =
                        GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (gns != null) {
                    for (GeneralName gn : gns.getNames()) {
                        if (gn.getTagNo() == GeneralName.dNSName) {
                            out.add(gn.getName().toString().toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The certificate's subjectAltName dNSNames, lower case. */
    public static Set<String> certificateDnsNames(X509Certificate c) {
        Set<String> out = new TreeSet<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
                        out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate we hold parsed once; no names is the safe answer for a comparison
        }
        return out;
    }
}
