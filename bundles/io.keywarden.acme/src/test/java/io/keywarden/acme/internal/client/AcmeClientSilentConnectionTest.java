package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.testing.pebble.PebbleHarness;
import io.keywarden.testing.pebble.TcpProxy;

/**
 * A connection to the CA that goes silent without being closed (a NAT or middlebox forgetting it) costs one request
 * timeout, not the rest of the process's life: the request that timed out takes its connection with it and the next
 * attempt opens a fresh one. Over one shared HTTP/2 connection every later request timed out on the dead connection
 * as well (seen for 7 minutes while enrolling 1,000 sensors, and once in CI).
 */
class AcmeClientSilentConnectionTest {

    @TempDir
    Path work;

    @Test
    void afterTheOpenConnectionGoesSilentTheNextAttemptGetsItsCertificateOverAFreshConnection() throws Exception {
        try (PebbleHarness pebble = PebbleHarness.builder(work.resolve("pebble"))
                        .nonceRejectPercent(0)
                        .build()
                        .start();
                TcpProxy proxy = TcpProxy.start(pebble.directoryUrl().getPort());
                StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            Map<String, Object> p = new HashMap<>();
            p.put(
                    GatewayOptions.KEY_DIRECTORY_URL,
                    "https://127.0.0.1:" + proxy.port() + pebble.directoryUrl().getPath());
            p.put(GatewayOptions.KEY_TRUST_ANCHOR, pebble.trustAnchorFile().toString());
            p.put(GatewayOptions.KEY_DNS_NAME, "gw.silent.keywarden.test");
            p.put(GatewayOptions.KEY_HTTP01_PORT, pebble.httpPort());
            p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
            p.put(GatewayOptions.KEY_REQUEST_TIMEOUT, 2);
            Path data = work.resolve("data");
            AcmeClient client = new AcmeClient(
                    GatewayOptions.parse(p, data),
                    new StateStore(data),
                    AcmeClientPebbleTest.http01Only(responder),
                    Clock.systemUTC());
            client.order(OrderRequest.withKey(List.of("first.silent.keywarden.test"), KeyType.EC_P256.generate()));

            // each pooled connection costs at most one request timeout before the client lets go of it
            int silent = proxy.silenceOpenConnections();
            assertTrue(silent >= 1, "the client kept no connection open");

            int attempts = 0;
            X509Certificate leaf = null;
            while (leaf == null && attempts < silent + 3) {
                attempts++;
                try {
                    leaf = client.order(OrderRequest.withKey(
                                    List.of("second.silent.keywarden.test"), KeyType.EC_P256.generate()))
                            .getChain()
                            .get(0);
                } catch (EnrollmentException e) {
                    assertTrue(e.isRetryable(), "a request timeout is a network failure: " + e.getMessage());
                }
            }
            assertTrue(
                    leaf != null, "no certificate after " + attempts + " attempts: the silent connection was reused");
            assertTrue(
                    attempts <= silent + 1,
                    "recovered only at attempt " + attempts + " with " + silent
                            + " silent connections: a silent connection was used more than once");
            assertEquals(
                    "Valid",
                    pebble.certStatus(leaf.getSerialNumber().toString(16)).status());
        }
    }
}
