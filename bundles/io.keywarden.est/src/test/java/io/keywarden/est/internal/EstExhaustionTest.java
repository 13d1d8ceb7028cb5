package io.keywarden.est.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.est.EnrollmentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.support.http.ConnectionRefusal;

/**
 * Hostile peers on other loopback addresses hold far more half-open TCP/TLS connections than the pool has threads,
 * and drip requests byte by byte; a well-behaved sensor from its own address still gets its CA certificates and its
 * certificate. An admitted sensor's 10,000 distinct paths are counted, not remembered. Times are printed, not
 * asserted.
 */
class EstExhaustionTest {
    @TempDir
    Path work;

    EstFixture f;
    final List<Socket> hostile = new ArrayList<>();
    final AtomicBoolean dripping = new AtomicBoolean(true);
    final CountDownLatch drippersClosed = new CountDownLatch(6);

    @BeforeEach
    void start() throws Exception {
        f = new EstFixture(work, Map.of("threads", 8, "connections.per.source", 8, "first.request.deadline.ms", 2000));
    }

    @AfterEach
    void stop() throws Exception {
        dripping.set(false);
        for (Socket s : hostile) {
            s.close();
        }
        if (f != null) {
            f.close();
        }
    }

    @Test
    void halfOpenAndSlowDripConnectionsDoNotKeepAWellBehavedSensorOut() throws Exception {
        InetSocketAddress server = f.est.address();
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 500; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(attacker, 0));
            s.connect(server, 5000);
            hostile.add(s);
        }
        startDrippers(InetAddress.getByName("127.0.0.3"), 6, server);

        long t0 = System.nanoTime();
        var cacerts = EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, null)
                .getCACerts();
        long cacertsMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(cacerts.hasCertificates(), "the CA certificates");

        String id = "sensor-calm-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        long t1 = System.nanoTime();
        EnrollmentResponse r = EstClients.client(
                        f.hostPort(), f.caRoot(), EstFixture.GATEWAY, device.key(), device.certificate())
                .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null);
        long enrollMs = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(r.isCompleted(), "enrolled");
        f.assertValidAtCa(EstClients.certificates(r.getStore()).get(0));
        long refusedAtAccept = f.est.audit().connectionRefusals(ConnectionRefusal.PER_SOURCE_LIMIT);
        assertTrue(refusedAtAccept >= 100, "the hostile address was held to its cap: " + refusedAtAccept + " refused");
        // the drippers never finish their headers: the first-request deadline closes them (an event awaited, not timed)
        assertTrue(drippersClosed.await(30, TimeUnit.SECONDS), "slow-drip connections closed");
        assertTrue(
                f.est.audit().connectionRefusals(ConnectionRefusal.DEADLINE) >= 14,
                "the 8 admitted half-open and the 6 slow-drip connections closed by the deadline");
        System.out.printf(
                "EST under 500 half-open + 6 slow-drip connections: cacerts %d ms, enrollment (ACME order at "
                        + "Pebble included) %d ms; refused at accept %d%n",
                cacertsMs, enrollMs, refusedAtAccept);
    }

    @Test
    void tenThousandDistinctPathsFromAnAdmittedSensorAreNotRemembered() throws Exception {
        String id = "sensor-paths-1";
        Manufacturer.Device device = f.manufacturer.idevid(id);
        KeyPair key = Manufacturer.ec();
        EnrollmentResponse r = EstClients.client(
                        f.hostPort(), f.caRoot(), EstFixture.GATEWAY, device.key(), device.certificate())
                .simpleEnroll(false, EstClients.csr(key, new X500Name("CN=" + id), EstFixture.name(id)), null);
        X509Certificate current = EstClients.certificates(r.getStore()).get(0);
        // the sensor's own certificate in TLS 1.2, whose sessions the server resumes: 10,000 connections (the server
        // closes each after its answer) without 10,000 full handshakes
        SSLSocketFactory sensor = tls(key, current).getSocketFactory();
        long before = usedHeapAfterGc();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<Integer>> notFound = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t * 2500;
            notFound.add(senders.submit(() -> {
                int n = 0;
                for (int i = first; i < first + 2500; i++) {
                    n += status(sensor, "/.well-known/est/probe-" + i) == 404 ? 1 : 0;
                }
                return n;
            }));
        }
        int answered404 = 0;
        for (Future<Integer> n : notFound) {
            answered404 += n.get(10, TimeUnit.MINUTES);
        }
        senders.shutdown();
        assertEquals(10_000, answered404, "every distinct path answered 404");
        assertEquals(10_000, f.est.audit().refusedCount(404), "counted together");
        assertFalse(f.audit().contains("probe-"), "no path remembered in the audit log");
        await().atMost(30, TimeUnit.SECONDS).until(() -> f.est.openConnections() == 0);
        assertEquals(0, f.est.deviceConnections(id));
        System.out.printf(
                "EST after 10,000 distinct paths: heap in use after GC %d KiB before, %d KiB after%n",
                before / 1024, usedHeapAfterGc() / 1024);
        assertTrue(EstClients.client(f.hostPort(), f.caRoot(), EstFixture.GATEWAY, null)
                .getCACerts()
                .hasCertificates());
    }

    private SSLContext tls(KeyPair key, X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", f.caRoot());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("sensor", key.getPrivate(), new char[0], new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One GET over its own connection (the server closes it after the answer); the answer's status. */
    private int status(SSLSocketFactory factory, String path) throws Exception {
        try (SSLSocket s = (SSLSocket) factory.createSocket()) {
            s.connect(f.est.address(), 10_000);
            s.setSoTimeout(30_000);
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + EstFixture.GATEWAY + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** TLS connections that complete the handshake, then send a request one byte at a time. */
    private void startDrippers(InetAddress from, int n, InetSocketAddress server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", f.caRoot());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        byte[] request = ("POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: gw\r\nContent-Type: application/pkcs10"
                        + "\r\nContent-Length: 100000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            Socket plain = new Socket();
            plain.bind(new InetSocketAddress(from, 0));
            plain.connect(server, 5000);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "gw", server.getPort(), true);
            s.startHandshake();
            hostile.add(s);
            Thread t = new Thread(
                    () -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            for (int b = 0; dripping.get(); b = (b + 1) % request.length) {
                                out.write(request[b]);
                                out.flush();
                                Thread.sleep(50);
                            }
                        } catch (Exception closedByServer) {
                            drippersClosed.countDown();
                        }
                    },
                    "drip-" + i);
            t.setDaemon(true);
            t.start();
        }
    }
}
