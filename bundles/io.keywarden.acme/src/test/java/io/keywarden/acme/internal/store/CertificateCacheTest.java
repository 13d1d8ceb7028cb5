package io.keywarden.acme.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.testing.pki.TestCa;

/** The serial index is the only one the sensor channel has: it must hold every record, also across a racing save. */
class CertificateCacheTest {

    @Test
    void aRecordReadWhileAnotherIsSavedIsStillFoundBySerial() throws Exception {
        KeyPair key = KeyType.EC_P256.generate();
        CertificateRecord s1 = record("s1", "0a1b", key);
        CertificateRecord s2 = record("s2", "0c2d", key);
        CertificateCache[] cache = new CertificateCache[1];
        Map<String, List<CertificateRecord>> disk = Map.of("s1", List.of(s1), "s2", List.of());
        cache[0] = new CertificateCache(
                id -> {
                    if (id.equals("s1")) {
                        // a save on another thread lands while s1's files are read
                        cache[0].saved(s2);
                    }
                    return disk.get(id);
                },
                () -> List.of("s1", "s2"));

        assertEquals(s2, cache[0].bySerial("0C2D").orElseThrow());
        assertEquals(s1, cache[0].bySerial("0a1b").orElseThrow(), "the record read during the save was dropped");
    }

    @Test
    void aSaveDuringTheReadIsNotUndoneByTheOlderCopyOnDisk() throws Exception {
        KeyPair key = KeyType.EC_P256.generate();
        CertificateRecord current = record("s1", "0a1b", key);
        CertificateRecord superseded = current.withStatus(CertificateStatus.SUPERSEDED);
        CertificateCache[] cache = new CertificateCache[1];
        cache[0] = new CertificateCache(
                id -> {
                    cache[0].saved(superseded);
                    return List.of(current);
                },
                () -> List.of("s1"));

        assertEquals(
                CertificateStatus.SUPERSEDED,
                cache[0].bySerial("0a1b").orElseThrow().getStatus());
    }

    private static CertificateRecord record(String device, String serial, KeyPair key) throws Exception {
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
                .issuedAt(Instant.parse("2026-01-01T00:00:01Z"))
                .build();
    }
}
