package io.keywarden.acme.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.SensorKeys;

class KeywardenCommandsTest {
    @TempDir
    Path tmp;

    private final List<CertificateRecord> records = new ArrayList<>();
    private final List<SensorEnrollmentRequest> requests = new ArrayList<>();
    private X509Certificate leaf;

    private CertificateRecord record(String device, DeviceKind kind, String serial, CertificateStatus status)
            throws Exception {
        if (leaf == null) {
            leaf = TestCa.selfSigned("x", KeyType.EC_P256.generate());
        }
        CertificateRecord r = CertificateRecord.builder()
                .deviceId(device)
                .kind(kind)
                .identifiers(List.of(device + ".example"))
                .serial(serial)
                .notBefore(Instant.parse("2026-01-01T00:00:00Z"))
                .notAfter(Instant.parse("2026-04-01T00:00:00Z"))
                .chain(List.of(leaf))
                .accountUrl("https://ca.example/acct/7")
                .keyCustody(KeyCustody.GATEWAY)
                .status(status)
                .issuedAt(Instant.now())
                .build();
        records.add(r);
        return r;
    }

    private Optional<CertificateRecord> current(String device) {
        return records.stream()
                .filter(r -> r.getDeviceId().equals(device) && r.getStatus() == CertificateStatus.CURRENT)
                .findFirst();
    }

    private final GatewayEnrollmentService gateway = new GatewayEnrollmentService() {
        @Override
        public String getDeviceId() {
            return "gw";
        }

        @Override
        public EnrollmentStatus getStatus() {
            return new EnrollmentStatus("gw", EnrollmentState.ENROLLED, 0, null, null);
        }

        @Override
        public Optional<CertificateRecord> getCertificate() {
            return current("gw");
        }

        @Override
        public List<X509Certificate> getCaCertificates() {
            return List.of();
        }

        @Override
        public Optional<KeyStore.PrivateKeyEntry> getTlsIdentity() {
            return Optional.empty();
        }

        @Override
        public Optional<String> getAccountUrl() {
            return Optional.of("https://ca.example/acct/7");
        }

        @Override
        public CertificateRecord enroll() {
            return current("gw").orElseThrow();
        }

        @Override
        public CertificateRecord renew() throws EnrollmentException {
            throw new EnrollmentException("gw: CA unreachable: connection refused", null, true);
        }

        @Override
        public CertificateRecord enroll(String csrPem) {
            return enroll();
        }
    };

    private final SensorEnrollmentService sensors = new SensorEnrollmentService() {
        @Override
        public CompletionStage<CertificateRecord> enroll(SensorEnrollmentRequest request) {
            requests.add(request);
            try {
                return CompletableFuture.completedFuture(
                        record(request.getDeviceId(), DeviceKind.SENSOR, "beef", CertificateStatus.CURRENT));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletionStage<CertificateRecord> renew(String deviceId) {
            return CompletableFuture.failedFuture(new EnrollmentException("unknown device " + deviceId, null, false));
        }

        @Override
        public Optional<CertificateRecord> getCertificate(String deviceId) {
            return current(deviceId);
        }

        @Override
        public EnrollmentStatus getStatus(String deviceId) {
            return new EnrollmentStatus(deviceId, EnrollmentState.RETRYING, 3, "CA unreachable", null);
        }

        @Override
        public List<String> getDeviceIds() {
            return List.of("s1");
        }
    };

    private final CertificateInventory inventory = new CertificateInventory() {
        @Override
        public List<CertificateRecord> getAll() {
            return records;
        }

        @Override
        public List<CertificateRecord> getByDevice(String id) {
            return records.stream().filter(r -> r.getDeviceId().equals(id)).toList();
        }

        @Override
        public Optional<CertificateRecord> getBySerial(String serial) {
            return Optional.empty();
        }
    };

    private final KeywardenCommands commands = new KeywardenCommands(gateway, sensors, inventory);

    @Test
    void devicesShowsStateSerialNotAfterAndTheLastError() throws Exception {
        record("gw", DeviceKind.GATEWAY, "a1b2", CertificateStatus.CURRENT);
        String out = commands.devices();
        String[] lines = out.split("\n");
        assertEquals(3, lines.length, out);
        assertTrue(lines[0].startsWith("DEVICE"), out);
        assertTrue(lines[1].matches("gw\\s+GATEWAY\\s+ENROLLED\\s+a1b2\\s+2026-04-01T00:00:00Z\\s*"), lines[1]);
        assertTrue(lines[2].matches("s1\\s+SENSOR\\s+RETRYING\\s+-\\s+-\\s+CA unreachable"), lines[2]);
    }

    @Test
    void certsListsCurrentAndSupersededPerDevice() throws Exception {
        record("gw", DeviceKind.GATEWAY, "01", CertificateStatus.SUPERSEDED);
        record("gw", DeviceKind.GATEWAY, "02", CertificateStatus.CURRENT);
        record("s1", DeviceKind.SENSOR, "03", CertificateStatus.CURRENT);
        String all = commands.certs();
        assertEquals(4, all.split("\n").length, all);
        String gw = commands.certs("gw");
        assertTrue(gw.contains("01") && gw.contains("SUPERSEDED") && gw.contains("02") && !gw.contains("s1"), gw);
    }

    @Test
    void aRevokedDeviceShowsRevokedInDevicesAndCerts() throws Exception {
        record("gw", DeviceKind.GATEWAY, "a1b2", CertificateStatus.CURRENT);
        record("s1", DeviceKind.SENSOR, "0c", CertificateStatus.SUPERSEDED);
        record("s1", DeviceKind.SENSOR, "0d", CertificateStatus.REVOKED);
        String[] devices = commands.devices().split("\n");
        assertTrue(devices[2].matches("s1\\s+SENSOR\\s+REVOKED\\s+0d\\s+2026-04-01T00:00:00Z.*"), devices[2]);
        String certs = commands.certs("s1");
        assertTrue(certs.lines().anyMatch(l -> l.matches("s1\\s+0d\\s+\\S+\\s+REVOKED\\s.*")), certs);
    }

    @Test
    void enrollBuildsTheRightRequestForBothKeyModes() throws Exception {
        assertTrue(commands.enroll("s2", "s2.example").startsWith("enrolled s2"));
        Path csr = tmp.resolve("s3.csr");
        Files.writeString(csr, SensorKeys.csrPem(KeyType.EC_P256.generate(), List.of("s3.example")));
        commands.enroll("s3", "s3.example", csr.toString());
        assertEquals(KeyCustody.GATEWAY, requests.get(0).getKeyCustody());
        assertEquals(List.of("s2.example"), requests.get(0).getDnsNames());
        assertEquals(KeyCustody.DEVICE, requests.get(1).getKeyCustody());
    }

    @Test
    void failuresReachTheConsoleWithTheirReason() {
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> commands.renew());
        assertTrue(e.getMessage().contains("unreachable"));
        e = assertThrows(EnrollmentException.class, () -> commands.renew("nope"));
        assertTrue(e.getMessage().contains("unknown device nope"), e.getMessage());
    }
}
