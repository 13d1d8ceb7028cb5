package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA that does not answer within the server's short wait: the sensor is told 202 with Retry-After, its retries (same
 * CSR) never order again, and once the CA answers a retry gets the certificate, also across a restart of the gateway.
 */
class EstRetryAfterTest {
    @TempDir
    Path work;

    EstFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new EstFixture(work, Map.of("ca.wait.ms", 500));
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private ESTService client(Manufacturer.Device d) throws Exception {
        return EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, d.key(), d.certificate());
    }

    @Test
    void whileTheCaIsUnreachableTheSensorIsToldToComeBackAndItsRetriesOrderNothingNew() throws Exception {
        String id = "sensor-slow-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        f.proxy.block();
        EnrollmentResponse r = client(device)
                .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null);
        assertFalse(r.isCompleted(), "202 while the CA does not answer");
        assertTrue(
                r.getNotBefore() > System.currentTimeMillis() - 200,
                "Retry-After understood: not before " + r.getNotBefore());
        assertFalse(r.canRetry(), "not at once: Retry-After is 1 s");
        r = client(device).simpleEnroll(r);
        assertFalse(r.isCompleted(), "still 202");
        assertEquals(1, f.gateway.enrollCalls.get(id), "the retry joined the pending order");

        f.proxy.unblock();
        r = retryUntilIssued(client(device), r);
        X509Certificate c = EstClients.certificates(r.getStore()).get(0);
        f.assertValidAtCa(c);
        f.assertChainsToRoot(c, f.gateway.getCaCertificates());
        assertEquals(1, f.gateway.enrollCalls.get(id), "one request to the ACME bundle in all");
        assertEquals(1, f.gateway.certificateCount(id), "one certificate");
    }

    @Test
    void aRetryAfterTheGatewayRestartedGetsTheCertificateOfTheOrderMadeBeforeIt() throws Exception {
        String id = "sensor-restart-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        f.proxy.block();
        EnrollmentResponse r = client(device)
                .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null);
        assertFalse(r.isCompleted());

        int port = f.est.address().getPort();
        f.est.close();
        f.gateway.close();
        f.proxy.unblock();
        f.config.put("port", port);
        f.startGateway();
        f.startEst();

        r = retryUntilIssued(client(device), r);
        X509Certificate c = EstClients.certificates(r.getStore()).get(0);
        assertTrue(Arrays.equals(key.getPublic().getEncoded(), c.getPublicKey().getEncoded()));
        f.assertValidAtCa(c);
        // the ACME bundle resumed the stored request at its start; a retry that reached it before the resumed order
        // started joins that order (one order per device in flight, the same stored request), never a second one
        assertTrue(f.gateway.enrollCalls.getOrDefault(id, 0) <= 1, "at most the retry's one request after the restart");
        assertEquals(
                List.of(c.getSerialNumber().toString(16)),
                f.gateway.getByDevice(id).stream().map(x -> x.getSerial()).toList(),
                "exactly one certificate");
    }

    @Test
    void sensorsWaitingForTheCaHoldNoThread() throws Exception {
        // two request threads (four minus Jetty's acceptor and selector), a 3 s wait for the CA, 2 s for a first
        // request: were a waiting request to hold its thread, most of these twelve would be closed unanswered
        f.est.close();
        f.config.put("threads", 4);
        f.config.put("ca.wait.ms", 3000);
        f.config.put("first.request.deadline.ms", 2000);
        f.config.put("connections.per.source", 64);
        f.startEst();
        f.proxy.block();
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try {
            List<Future<EnrollmentResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String id = "sensor-parallel-" + i;
                Manufacturer.Device device = f.manufacturer.idevid(id);
                answers.add(clients.submit(() -> client(device)
                        .simpleEnroll(
                                false,
                                EstClients.csr(Manufacturer.ec(), new X500Name("CN=" + id), EstFixture.name(id)),
                                null)));
            }
            for (var a : answers) {
                assertFalse(a.get(60, TimeUnit.SECONDS).isCompleted(), "202 for every sensor");
            }
        } finally {
            clients.shutdownNow();
            f.proxy.unblock();
        }
    }

    private static EnrollmentResponse retryUntilIssued(ESTService client, EnrollmentResponse r) throws Exception {
        for (int i = 0; i < 60 && !r.isCompleted(); i++) {
            r = client.simpleEnroll(r);
        }
        assertTrue(r.isCompleted(), "issued after retries");
        return r;
    }
}
