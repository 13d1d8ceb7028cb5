package io.keywarden.est.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.support.http.ConnectionRefusal;

/**
 * The per-device connection cap: a device whose requests wait for the CA holds a connection each; beyond
 * {@code connections.per.device} its next one is refused with 429 (counted, posted, audited), another device is not
 * affected, and the device's places come back when its connections close.
 */
class EstDeviceConnectionsTest {
    private static final String CERTS_OR_LATER = "200 or 202";

    @TempDir
    Path work;

    EstFixture f;
    final ExecutorService clients = Executors.newFixedThreadPool(5);

    @BeforeEach
    void start() throws Exception {
        // the CA wait outlasts the test's steps: a waiting request keeps its connection until the CA answers
        f = new EstFixture(
                work,
                Map.of(
                        "connections.per.device", 3,
                        "connections.per.source", 16,
                        "ca.wait.ms", 25000,
                        "request.deadline.ms", 40000));
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        if (f != null) {
            f.proxy.unblock();
            f.close();
        }
    }

    @Test
    void aDeviceHoldsAtMostItsCapOfConnectionsAndAnotherDeviceStillEnrolls() throws Exception {
        Manufacturer.Device a = f.manufacturer.idevid("sensor-greedy");
        Manufacturer.Device b = f.manufacturer.idevid("sensor-other");
        byte[] csrA = csr("sensor-greedy", Manufacturer.ec());
        byte[] csrB = csr("sensor-other", Manufacturer.ec());
        RawEst raw = new RawEst(f);
        f.proxy.block();

        List<Future<RawEst.Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(clients.submit(() -> enroll(raw, a, csrA)));
        }
        await().atMost(60, SECONDS).until(() -> f.est.deviceConnections("sensor-greedy") == 3);

        RawEst.Answer refused = enroll(raw, a, csrA);
        assertEquals(429, refused.status(), refused.body());
        assertTrue(refused.body().contains("already holds as many connections"), refused.body());
        assertEquals("30", refused.retryAfter());
        assertEquals(1, f.est.audit().connectionRefusals(ConnectionRefusal.PER_DEVICE_LIMIT), "counted");
        assertTrue(f.audit().contains("status=429 device=sensor-greedy"), "audited");
        assertTrue(
                f.events.stream()
                        .anyMatch(e -> e.getKey().endsWith("REFUSED")
                                && "per device limit".equals(e.getValue().get("reason"))),
                "posted as a connection refusal");
        assertEquals(3, f.est.deviceConnections("sensor-greedy"), "the refused one took no place");

        // another device is not held to the first one's cap: its request is attached and waits for the CA too
        Future<RawEst.Answer> other = clients.submit(() -> enroll(raw, b, csrB));
        await().atMost(60, SECONDS).until(() -> f.est.deviceConnections("sensor-other") == 1);

        f.proxy.unblock();
        for (Future<RawEst.Answer> w : waiting) {
            int status = w.get(60, SECONDS).status();
            assertTrue(status == 200 || status == 202, CERTS_OR_LATER + ": " + status);
        }
        int otherStatus = other.get(60, SECONDS).status();
        assertTrue(otherStatus == 200 || otherStatus == 202, CERTS_OR_LATER + ": " + otherStatus);
        await().atMost(60, SECONDS).until(() -> enroll(raw, b, csrB).status() == 200);

        // the connections closed with their answers: the device has its places back and gets its certificate
        await().atMost(60, SECONDS).until(() -> f.est.deviceConnections("sensor-greedy") == 0);
        await().atMost(60, SECONDS).until(() -> enroll(raw, a, csrA).status() == 200);
        assertEquals(1, f.gateway.enrollCalls.get("sensor-greedy"), "the waiting requests joined one order");
        assertEquals(1, f.est.audit().connectionRefusals(ConnectionRefusal.PER_DEVICE_LIMIT));
    }

    private static RawEst.Answer enroll(RawEst raw, Manufacturer.Device d, byte[] csr) throws Exception {
        return raw.post("simpleenroll", "application/pkcs10", csr, null, d.key(), d.certificate());
    }

    private static byte[] csr(String id, KeyPair key) throws Exception {
        return RawEst.base64(EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id))
                .getEncoded());
    }
}
