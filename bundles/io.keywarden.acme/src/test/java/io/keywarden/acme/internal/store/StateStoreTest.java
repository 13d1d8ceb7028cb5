package io.keywarden.acme.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.SensorKeys;

class StateStoreTest {
    private static final URI CA = URI.create("https://ca.example/dir");

    @TempDir
    Path tmp;

    @Test
    void accountKeyIsCreatedOnceAndReadableByTheOwnerOnly() throws Exception {
        StateStore store = new StateStore(tmp.resolve("data"));
        AtomicInteger generated = new AtomicInteger();
        KeyPair first = store.accountKey(CA, () -> {
            generated.incrementAndGet();
            return KeyType.EC_P256.generate();
        });
        KeyPair again = new StateStore(tmp.resolve("data")).accountKey(CA, () -> {
            generated.incrementAndGet();
            return KeyType.EC_P256.generate();
        });
        assertEquals(1, generated.get());
        assertArrayEquals(first.getPrivate().getEncoded(), again.getPrivate().getEncoded());
        assertArrayEquals(first.getPublic().getEncoded(), again.getPublic().getEncoded());
        try (var files = Files.walk(tmp.resolve("data"))) {
            Path keyFile = files.filter(p -> p.getFileName().toString().equals("account-key.pem"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertEquals(
                    "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));
        }
    }

    @Test
    void eachCaGetsItsOwnAccount() throws Exception {
        StateStore store = new StateStore(tmp);
        store.saveAccountUrl(CA, "https://ca.example/acct/1");
        assertEquals("https://ca.example/acct/1", store.accountUrl(CA).orElseThrow());
        assertTrue(store.accountUrl(URI.create("https://other.example/dir")).isEmpty());
    }

    @Test
    void devicesAndCertificatesSurviveARestart() throws Exception {
        StateStore store = new StateStore(tmp);
        KeyPair sensorKey = KeyType.EC_P256.generate();
        String csr = SensorKeys.csrPem(sensorKey, List.of("s1.gw.example"));
        store.saveDevice(new DeviceEntry("s1", DeviceKind.SENSOR, List.of("s1.gw.example"), KeyCustody.DEVICE, csr));
        store.saveDevice(new DeviceEntry("s2", DeviceKind.SENSOR, List.of("s2.gw.example"), KeyCustody.GATEWAY, null));
        KeyPair s2 = store.deviceKey("s2", KeyType.EC_P256::generate);

        CertificateRecord r = CertificateRecord.builder()
                .deviceId("s1")
                .kind(DeviceKind.SENSOR)
                .identifiers(List.of("s1.gw.example"))
                .serial("4a3f")
                .notBefore(Instant.parse("2026-01-01T00:00:00Z"))
                .notAfter(Instant.parse("2026-04-01T00:00:00Z"))
                .chain(List.of(TestCa.selfSigned("s1.gw.example", sensorKey)))
                .accountUrl("https://ca.example/acct/1")
                .certificateUrl("https://ca.example/cert/4a3f")
                .keyCustody(KeyCustody.DEVICE)
                .issuedAt(Instant.parse("2026-01-01T00:00:01Z"))
                .build();
        store.saveCertificate(r);
        store.saveCertificate(r.withStatus(CertificateStatus.SUPERSEDED));

        StateStore reopened = new StateStore(tmp);
        assertEquals(List.of("s1", "s2"), reopened.deviceIds());
        DeviceEntry s1 = reopened.loadDevice("s1").orElseThrow();
        assertEquals(KeyCustody.DEVICE, s1.getCustody());
        assertEquals(csr, s1.getCsrPem().orElseThrow());
        assertArrayEquals(
                s2.getPrivate().getEncoded(),
                reopened.loadDeviceKey("s2").orElseThrow().getPrivate().getEncoded());
        assertFalse(reopened.loadDeviceKey("s1").isPresent(), "a device-held key is never on the gateway");

        List<CertificateRecord> certs = reopened.loadCertificates("s1");
        assertEquals(1, certs.size());
        CertificateRecord back = certs.get(0);
        assertEquals("4a3f", back.getSerial());
        assertEquals(CertificateStatus.SUPERSEDED, back.getStatus());
        assertEquals(r.getNotAfter(), back.getNotAfter());
        assertEquals(r.getCertificate(), back.getCertificate());
        assertEquals("https://ca.example/acct/1", back.getAccountUrl());
        assertEquals("https://ca.example/cert/4a3f", back.getCertificateUrl().orElseThrow());
        try (var stream = Files.list(tmp.resolve("devices/s1/certs"))) {
            assertTrue(stream.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file is left behind");
        }
    }

    @Test
    void certificatesAreReadFromDiskOncePerProcessAndFoundBySerialWithEveryLaterChange() throws Exception {
        StateStore writer = new StateStore(tmp);
        for (String id : List.of("s1", "s2", "s3")) {
            writer.saveDevice(
                    new DeviceEntry(id, DeviceKind.SENSOR, List.of(id + ".gw.example"), KeyCustody.GATEWAY, null));
        }
        KeyPair k1 = KeyType.EC_P256.generate();
        KeyPair k2 = KeyType.EC_P256.generate();
        writer.saveCertificate(record("s1", "0a1b", k1, "2026-01-01T00:00:01Z"));
        writer.saveCertificate(record("s2", "0c2d", k2, "2026-01-01T00:00:02Z"));

        StateStore store = new StateStore(tmp);
        assertEquals("s2", store.certificateBySerial("0C2D").orElseThrow().getDeviceId(), "serials match in any case");
        assertTrue(store.certificateBySerial("ffff").isEmpty());

        // what this process writes is seen at once, by device and by serial
        CertificateRecord renewed = record("s1", "0e3f", k1, "2026-02-01T00:00:00Z");
        store.saveCertificate(store.loadCertificates("s1").get(0).withStatus(CertificateStatus.SUPERSEDED));
        store.saveCertificate(renewed);
        store.saveCertificate(record("s3", "1f00", k2, "2026-02-01T00:00:01Z"));
        assertEquals(
                List.of("0a1b", "0e3f"),
                store.loadCertificates("s1").stream()
                        .map(CertificateRecord::getSerial)
                        .toList());
        assertEquals(
                CertificateStatus.SUPERSEDED,
                store.certificateBySerial("0a1b").orElseThrow().getStatus());
        assertEquals("s3", store.certificateBySerial("1f00").orElseThrow().getDeviceId());

        store.loadDevice("s2");
        // and nothing is read from disk again: the answers stay with the files gone
        try (var files = Files.walk(tmp.resolve("devices"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
        assertEquals(2, store.loadCertificates("s1").size());
        assertEquals("s2", store.certificateBySerial("0c2d").orElseThrow().getDeviceId());
        assertEquals(List.of("s1", "s2", "s3"), store.deviceIds());
        assertEquals(
                List.of("s2.gw.example"), store.loadDevice("s2").orElseThrow().getIdentifiers());
    }

    private static CertificateRecord record(String device, String serial, KeyPair key, String issuedAt)
            throws Exception {
        return CertificateRecord.builder()
                .deviceId(device)
                .kind(DeviceKind.SENSOR)
                .identifiers(List.of(device + ".gw.example"))
                .serial(serial)
                .notBefore(Instant.parse("2026-01-01T00:00:00Z"))
                .notAfter(Instant.parse("2026-04-01T00:00:00Z"))
                .chain(List.of(TestCa.selfSigned(device + ".gw.example", key)))
                .accountUrl("https://ca.example/acct/1")
                .keyCustody(KeyCustody.GATEWAY)
                .issuedAt(Instant.parse(issuedAt))
                .build();
    }

    @Test
    void deviceIdsThatCouldEscapeTheStoreAreRefused() {
        for (String bad : new String[] {"../etc", "a/b", "", ".hidden", "x..y", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> StateStore.checkDeviceId(bad), bad);
        }
        assertEquals("sensor-01.a_b", StateStore.checkDeviceId("sensor-01.a_b"));
    }
}
