package io.keywarden.testing.pebble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

@Timeout(120)
class PebbleHarnessTest {

    @TempDir
    Path workDir;

    @Test
    void startsServesDirectoryRootsAndStatusAndRestartsOnSamePorts() throws Exception {
        try (PebbleHarness pebble = PebbleHarness.builder(workDir)
                .certificateValidity(Duration.ofHours(1))
                .build()) {
            assertFalse(pebble.isRunning());
            pebble.start();
            assertTrue(pebble.isRunning());
            assertEquals("127.0.0.1", pebble.directoryUrl().getHost());
            assertTrue(Files.readString(pebble.trustAnchorFile()).contains("BEGIN CERTIFICATE"));
            assertEquals(pebble.trustAnchorPem(), Files.readString(pebble.trustAnchorFile()));
            assertTrue(Files.readString(workDir.resolve("pebble-config.json"))
                    .contains("\"certificateValidityPeriod\": 3600"));

            JsonObject dir = getDirectory(pebble);
            assertTrue(dir.has("newOrder"), dir.toString());
            assertTrue(dir.has("newAccount"), dir.toString());

            List<X509Certificate> roots = pebble.rootCertificates();
            assertFalse(roots.isEmpty());
            assertTrue(
                    roots.get(0).getSubjectX500Principal().getName().contains("Pebble Root CA"),
                    roots.get(0).getSubjectX500Principal().getName());
            assertTrue(pebble.intermediateCertificatePem().contains("BEGIN CERTIFICATE"));

            IllegalArgumentException notFound =
                    assertThrows(IllegalArgumentException.class, () -> pebble.certStatus("1234abcd"));
            assertTrue(notFound.getMessage().contains("1234abcd"), notFound.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pebble.certStatus("not-hex"));

            String firstRoot = pebble.rootCertificatePem();
            int port = pebble.directoryUrl().getPort();
            pebble.stop();
            assertFalse(pebble.isRunning());
            assertFalse(ChallTestSrv.canConnect(port), "ACME port still open after stop()");
            assertThrows(IllegalStateException.class, pebble::rootCertificatePem);

            pebble.start();
            assertTrue(pebble.isRunning());
            assertEquals(port, pebble.directoryUrl().getPort());
            assertTrue(getDirectory(pebble).has("newOrder"));
            assertNotEquals(firstRoot, pebble.rootCertificatePem(), "Pebble makes a new root on every start");
        }
    }

    @Test
    void trustsOnlyTheGeneratedCa() throws Exception {
        try (PebbleHarness a =
                        PebbleHarness.builder(workDir.resolve("a")).build().start();
                ChallTestSrv dns = ChallTestSrv.start(workDir.resolve("dns"));
                PebbleHarness b = PebbleHarness.builder(workDir.resolve("b"))
                        .sharedDns(dns)
                        .nonceRejectPercent(0)
                        .build()
                        .start()) {
            assertEquals(dns.dnsPort(), b.dnsPort());
            // a client trusting b's CA must not accept a's TLS certificate
            HttpClient client =
                    HttpClient.newBuilder().sslContext(b.sslContext()).build();
            assertThrows(
                    SSLHandshakeException.class,
                    () -> client.send(
                            HttpRequest.newBuilder(a.directoryUrl()).build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(
                    200,
                    client.send(HttpRequest.newBuilder(b.directoryUrl()).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode());
        }
    }

    @Test
    void failsClearlyWhenThePortIsTaken() throws Exception {
        try (PebbleHarness first =
                        PebbleHarness.builder(workDir.resolve("first")).build().start();
                PebbleHarness second = PebbleHarness.builder(workDir.resolve("second"))
                        .acmePort(first.directoryUrl().getPort())
                        .build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
            assertFalse(second.isRunning());
        }
    }

    @Test
    void missingBinaryNamesTheDebianPackage() {
        System.setProperty(
                "keywarden.pebble.binary", workDir.resolve("no-such-pebble").toString());
        try {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> PebbleHarness.builder(workDir).build());
            assertTrue(e.getMessage().contains("apt-get install pebble"), e.getMessage());
        } finally {
            System.clearProperty("keywarden.pebble.binary");
        }
    }

    private static JsonObject getDirectory(PebbleHarness pebble) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().sslContext(pebble.sslContext()).build();
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(pebble.directoryUrl()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
