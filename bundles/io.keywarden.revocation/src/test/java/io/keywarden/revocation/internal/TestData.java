package io.keywarden.revocation.internal;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.testing.pki.TestCa;

/** Canned certificate records for the unit tests; the certificates come from one throwaway CA (test-pki). */
public final class TestData {
    public static final String ACCOUNT = "https://ca.example/acme/acct/1";
    private static final TestCa CA = TestCa.root("revocation test CA");

    private TestData() {}

    /** A CURRENT record whose certificate carries this (hex) serial, as the gateway would have recorded it. */
    public static CertificateRecord record(String deviceId, DeviceKind kind, String serial, String account) {
        String name = deviceId + ".example";
        return CertificateRecord.builder()
                .deviceId(deviceId)
                .kind(kind)
                .identifiers(List.of(name))
                .serial(serial)
                .notBefore(Instant.now().minusSeconds(60))
                .notAfter(Instant.now().plusSeconds(86400))
                .chain(CA.leaf(name)
                        .dnsNames(name)
                        .serial(new BigInteger(serial, 16))
                        .issue()
                        .chain())
                .accountUrl(account)
                .keyCustody(KeyCustody.GATEWAY)
                .status(CertificateStatus.CURRENT)
                .issuedAt(Instant.now())
                .build();
    }
}
