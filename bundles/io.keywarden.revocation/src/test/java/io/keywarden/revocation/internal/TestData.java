package io.keywarden.revocation.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;

/** Canned keys and certificate records for the unit tests. */
public final class TestData {
    public static final String ACCOUNT = "https://ca.example/acme/acct/1";

    private TestData() {
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record whose chain holds a placeholder certificate: the code under test never parses it. */
    public static CertificateRecord record(String deviceId, DeviceKind kind, String serial, String account) {
        return CertificateRecord.builder().deviceId(deviceId).kind(kind).identifiers(List.of(deviceId + ".example"))
                .serial(serial).notBefore(Instant.now().minusSeconds(60)).notAfter(Instant.now().plusSeconds(86400))
                .chain(List.of(new Placeholder())).accountUrl(account).keyCustody(KeyCustody.GATEWAY)
                .status(CertificateStatus.CURRENT).issuedAt(Instant.now()).build();
    }

    /** Stands for a certificate in records only; every method the tests never reach fails loudly. */
    @SuppressWarnings("serial")
    private static final class Placeholder extends X509Certificate {
        @Override public void checkValidity() { throw new UnsupportedOperationException(); }
        @Override public void checkValidity(java.util.Date d) { throw new UnsupportedOperationException(); }
        @Override public int getVersion() { return 3; }
        @Override public BigInteger getSerialNumber() { return BigInteger.ONE; }
        @Override public java.security.Principal getIssuerDN() { return null; }
        @Override public java.security.Principal getSubjectDN() { return null; }
        @Override public java.util.Date getNotBefore() { return null; }
        @Override public java.util.Date getNotAfter() { return null; }
        @Override public byte[] getTBSCertificate() { return new byte[0]; }
        @Override public byte[] getSignature() { return new byte[0]; }
        @Override public String getSigAlgName() { return "none"; }
        @Override public String getSigAlgOID() { return "0"; }
        @Override public byte[] getSigAlgParams() { return null; }
        @Override public boolean[] getIssuerUniqueID() { return null; }
        @Override public boolean[] getSubjectUniqueID() { return null; }
        @Override public boolean[] getKeyUsage() { return null; }
        @Override public int getBasicConstraints() { return -1; }
        @Override public byte[] getEncoded() throws java.security.cert.CertificateEncodingException { return new byte[0]; }
        @Override public void verify(java.security.PublicKey key) { throw new UnsupportedOperationException(); }
        @Override public void verify(java.security.PublicKey key, String p) { throw new UnsupportedOperationException(); }
        @Override public String toString() { return "placeholder"; }
        @Override public java.security.PublicKey getPublicKey() { return null; }
        @Override public boolean hasUnsupportedCriticalExtension() { return false; }
        @Override public java.util.Set<String> getCriticalExtensionOIDs() { return null; }
        @Override public java.util.Set<String> getNonCriticalExtensionOIDs() { return null; }
        @Override public byte[] getExtensionValue(String oid) { return null; }
    }
}
