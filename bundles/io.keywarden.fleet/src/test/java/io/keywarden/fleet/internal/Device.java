package io.keywarden.fleet.internal;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;

/** A device's certificate with a DNS name and an empty subject, as Pebble issues them, and the gateway's record of it. */
public record Device(String deviceId, String dnsName, Issued cert) {

    public static Device issue(TestCa ca, String deviceId, String dnsName) {
        return new Device(
                deviceId,
                dnsName,
                ca.leaf(deviceId).subject("").dnsNames(dnsName).issue());
    }

    public KeyPair key() {
        return cert.key();
    }

    public List<X509Certificate> chain() {
        return cert.chain();
    }

    public KeyStore.PrivateKeyEntry entry() {
        return cert.entry();
    }

    public String serial() {
        return cert.serialHex();
    }

    public CertificateRecord record(DeviceKind kind, String accountUrl) {
        X509Certificate c = cert.certificate();
        return CertificateRecord.builder()
                .deviceId(deviceId)
                .kind(kind)
                .identifiers(List.of(dnsName))
                .serial(serial())
                .notBefore(c.getNotBefore().toInstant())
                .notAfter(c.getNotAfter().toInstant())
                .chain(chain())
                .accountUrl(accountUrl)
                .keyCustody(KeyCustody.GATEWAY)
                .issuedAt(c.getNotBefore().toInstant())
                .build();
    }
}
