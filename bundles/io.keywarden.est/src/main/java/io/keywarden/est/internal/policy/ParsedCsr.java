package io.keywarden.est.internal.policy;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** A sensor's PKCS#10 request whose self-signature verified, with what the policy looks at. */
public final class ParsedCsr {
    private final PKCS10CertificationRequest csr;
    private final Set<String> dnsNames;
    private final String keyId;

    ParsedCsr(PKCS10CertificationRequest csr, Set<String> dnsNames) throws IOException {
        this.csr = csr;
        this.dnsNames = Set.copyOf(dnsNames);
        this.keyId = keyId(csr.getSubjectPublicKeyInfo().getEncoded());
    }

    static String keyId(byte[] spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** SHA-256 of the public key (SubjectPublicKeyInfo), hex: the key's identity across requests. */
    public String getKeyId() {
        return keyId;
    }

    public X500Name getSubject() {
        return csr.getSubject();
    }

    /** The subjectAltName dNSNames, lower case. */
    public Set<String> getDnsNames() {
        return dnsNames;
    }

    public PKCS10CertificationRequest getRequest() {
        return csr;
    }

    public byte[] getEncoded() {
        try {
            return csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("a parsed CSR encodes", e);
        }
    }
}
