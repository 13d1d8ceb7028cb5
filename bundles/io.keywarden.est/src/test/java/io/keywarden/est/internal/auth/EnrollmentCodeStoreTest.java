package io.keywarden.est.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.est.internal.auth.EnrollmentCodeStore.Verdict;

/** Codes on disk: hash only, single use, expiring, bound to the first key. */
class EnrollmentCodeStoreTest {
    @TempDir
    Path dir;

    private final Instant now = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void onlyASaltedHashIsStoredAndEachDeviceHasItsOwnSalt() throws Exception {
        EnrollmentCodeStore store = new EnrollmentCodeStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        String a = store.create("sensor-1", now.plusSeconds(60));
        String b = store.create("sensor-2", now.plusSeconds(60));
        String fileA = Files.readString(dir.resolve("sensor-1.code"));
        assertFalse(fileA.contains(a), "the code itself is not stored");
        assertFalse(fileA.contains(a.replace("-", "")));
        Properties pa = new Properties();
        Properties pb = new Properties();
        pa.load(Files.newBufferedReader(dir.resolve("sensor-1.code")));
        pb.load(Files.newBufferedReader(dir.resolve("sensor-2.code")));
        assertNotEquals(pa.getProperty("salt"), pb.getProperty("salt"));
        assertNotEquals(a, b);
        assertTrue(a.matches("[A-Z2-9]{5}(-[A-Z2-9]{5}){3}"), a);
    }

    @Test
    void aCodeIsBoundToItsFirstKeyAndSpentOnDelivery() throws Exception {
        EnrollmentCodeStore store = new EnrollmentCodeStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        String code = store.create("sensor-1", now.plusSeconds(60));
        assertEquals(Verdict.WRONG, store.check("sensor-1", code + "X", "k1"));
        assertEquals(Verdict.UNKNOWN, store.check("sensor-2", code, "k1"));
        assertEquals(Verdict.ACCEPTED, store.check("sensor-1", code, "k1"));
        assertEquals(Verdict.ACCEPTED, store.check("sensor-1", code, "k1"), "the same request again (after a 202)");
        assertEquals(Verdict.OTHER_KEY, store.check("sensor-1", code, "k2"));
        store.consume("sensor-1");
        assertEquals(Verdict.USED, store.check("sensor-1", code, "k1"));
    }

    /**
     * Codes created before the hash moved to Bouncy Castle's PBKDF2 were hashed by the JDK's: the bytes are the same, so
     * they still check. The stored hash is replaced here with the JDK's, for the stored salt and iteration count.
     */
    @Test
    void aCodeHashedByTheJdksPbkdf2StillChecks() throws Exception {
        EnrollmentCodeStore store = new EnrollmentCodeStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        String code = store.create("sensor-1", now.plusSeconds(60));
        Path file = dir.resolve("sensor-1.code");
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        byte[] salt = Base64.getDecoder().decode(p.getProperty("salt"));
        int iterations = Integer.parseInt(p.getProperty("iterations"));
        byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(code.toCharArray(), salt, iterations, 256))
                .getEncoded();
        assertEquals(p.getProperty("hash"), Base64.getEncoder().encodeToString(jdk), "the same bytes as the JDK's");
        p.setProperty("hash", Base64.getEncoder().encodeToString(jdk));
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        assertEquals(Verdict.WRONG, store.check("sensor-1", code + "X", "k1"));
        assertEquals(Verdict.ACCEPTED, store.check("sensor-1", code, "k1"));
    }

    @Test
    void anExpiredOrWithdrawnCodeIsRefused() throws Exception {
        EnrollmentCodeStore early = new EnrollmentCodeStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        String code = early.create("sensor-1", now.plus(Duration.ofHours(1)));
        EnrollmentCodeStore later =
                new EnrollmentCodeStore(dir, Clock.fixed(now.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertEquals(Verdict.EXPIRED, later.check("sensor-1", code, "k1"));
        String other = early.create("sensor-2", now.plusSeconds(60));
        assertTrue(early.revoke("sensor-2"));
        assertEquals(Verdict.UNKNOWN, early.check("sensor-2", other, "k1"));
    }

    @Test
    void theListShowsEachCodesStateAndNeverItsValueOrHash() throws Exception {
        EnrollmentCodeStore early = new EnrollmentCodeStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        String unused = early.create("sensor-a", now.plusSeconds(600));
        String inUse = early.create("sensor-b", now.plusSeconds(600));
        String spent = early.create("sensor-c", now.plusSeconds(600));
        early.create("sensor-d", now.plusSeconds(60));
        assertEquals(Verdict.ACCEPTED, early.check("sensor-b", inUse, "k1"));
        assertEquals(Verdict.ACCEPTED, early.check("sensor-c", spent, "k1"));
        early.consume("sensor-c");
        Files.writeString(dir.resolve("not a device.code"), "ignored");

        EnrollmentCodeStore later = new EnrollmentCodeStore(dir, Clock.fixed(now.plusSeconds(60), ZoneOffset.UTC));
        List<EnrollmentCodes.Listed> listed = later.list();
        assertEquals(
                List.of("sensor-a UNUSED", "sensor-b IN_USE", "sensor-c SPENT", "sensor-d EXPIRED"),
                listed.stream().map(l -> l.getDeviceId() + " " + l.getState()).toList());
        assertEquals(now.plusSeconds(600), listed.get(0).getExpiresAt());
        assertFalse(listed.toString().contains(unused));
    }
}
