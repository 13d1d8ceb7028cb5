package io.keywarden.monitor.internal;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.testing.pki.Issued;

/** Hand-written stand-ins for the enrollment services and the deny list, with canned data. */
final class FakeServices {

    private FakeServices() {}

    /** The record the gateway keeps of a certificate it ordered for this device. */
    static CertificateRecord record(String deviceId, Issued leaf, DeviceKind kind) {
        X509Certificate c = leaf.certificate();
        return CertificateRecord.builder()
                .deviceId(deviceId)
                .kind(kind)
                .identifiers(List.of(deviceId + ".test"))
                .serial(leaf.serialHex())
                .notBefore(c.getNotBefore().toInstant())
                .notAfter(c.getNotAfter().toInstant())
                .chain(leaf.chain())
                .accountUrl("https://ca.test/acct/1")
                .keyCustody(KeyCustody.DEVICE)
                .issuedAt(c.getNotBefore().toInstant())
                .build();
    }

    static final class Gateway implements GatewayEnrollmentService {
        final String deviceId;
        final Issued leaf;

        Gateway(String deviceId, Issued leaf) {
            this.deviceId = deviceId;
            this.leaf = leaf;
        }

        @Override
        public String getDeviceId() {
            return deviceId;
        }

        @Override
        public EnrollmentStatus getStatus() {
            return new EnrollmentStatus(deviceId, EnrollmentState.ENROLLED, 0, null, null);
        }

        @Override
        public Optional<CertificateRecord> getCertificate() {
            return Optional.of(record(deviceId, leaf, DeviceKind.GATEWAY));
        }

        @Override
        public List<X509Certificate> getCaCertificates() {
            return leaf.chain().subList(1, leaf.chain().size());
        }

        @Override
        public Optional<KeyStore.PrivateKeyEntry> getTlsIdentity() {
            return Optional.of(leaf.entry());
        }

        @Override
        public Optional<String> getAccountUrl() {
            return Optional.of("https://ca.test/acct/1");
        }

        @Override
        public CertificateRecord enroll() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CertificateRecord renew() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CertificateRecord enroll(String csrPem) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Inventory implements CertificateInventory {
        final List<CertificateRecord> records = new ArrayList<>();

        @Override
        public synchronized List<CertificateRecord> getAll() {
            return List.copyOf(records);
        }

        @Override
        public synchronized List<CertificateRecord> getByDevice(String deviceId) {
            return records.stream()
                    .filter(r -> r.getDeviceId().equals(deviceId))
                    .toList();
        }

        @Override
        public synchronized Optional<CertificateRecord> getBySerial(String serial) {
            return records.stream().filter(r -> r.getSerial().equals(serial)).findFirst();
        }
    }

    static final class Deny implements DenyList {
        final Set<String> serials = ConcurrentHashMap.newKeySet();

        @Override
        public boolean isDenied(String serial) {
            return serials.contains(serial);
        }

        @Override
        public Set<String> getDeniedSerials() {
            return Set.copyOf(serials);
        }
    }
}
