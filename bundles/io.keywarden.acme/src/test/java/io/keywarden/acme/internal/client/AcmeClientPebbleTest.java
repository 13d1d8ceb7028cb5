package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.challenge.Http01Solver;
import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.testing.pebble.PebbleHarness;
import io.keywarden.testing.pki.TestCa;

/** The ACME client against a real Pebble that requires External Account Binding. */
class AcmeClientPebbleTest {
    private static final String KID = "kid-gw";
    private static final String HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    private static PebbleHarness pebble;

    @TempDir
    static Path work;

    @TempDir
    Path data;

    @BeforeAll
    static void startPebble() {
        pebble = PebbleHarness.builder(work.resolve("pebble"))
                .eabKey(KID, HMAC)
                .eabRequired(true)
                .build()
                .start();
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> p = new HashMap<>();
        p.put(GatewayOptions.KEY_DIRECTORY_URL, pebble.directoryUrl().toString());
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, pebble.trustAnchorFile().toString());
        p.put(GatewayOptions.KEY_DNS_NAME, "gw.eab.keywarden.test");
        p.put(GatewayOptions.KEY_HTTP01_PORT, pebble.httpPort());
        p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
        p.put(GatewayOptions.KEY_ORDER_TIMEOUT, 30);
        return p;
    }

    private AcmeClient client(Map<String, Object> p, StandaloneHttp01 responder) throws Exception {
        return new AcmeClient(
                GatewayOptions.parse(p, data), new StateStore(data), http01Only(responder), Clock.systemUTC());
    }

    /** Every name over http-01, answered by {@code responder}. */
    static ChallengeSolvers http01Only(StandaloneHttp01 responder) {
        Http01Solver.Tokens tokens = responder;
        return new ChallengeSolvers(
                ChallengeSelection.always(ChallengeTypes.HTTP_01),
                Map.of(ChallengeTypes.HTTP_01, new Http01Solver(tokens)),
                id -> Optional.empty());
    }

    @Test
    void withItsEabKeyTheGatewayRegistersAndGetsACertificateOverRealHttp01() throws Exception {
        Map<String, Object> p = config();
        p.put(GatewayOptions.KEY_EAB_KID, KID);
        p.put(GatewayOptions.KEY_EAB_HMAC, HMAC);
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            AcmeClient client = client(p, responder);
            KeyPair key = KeyType.EC_P256.generate();
            IssuedCertificate issued = client.order(OrderRequest.withKey(List.of("gw.eab.keywarden.test"), key));
            X509Certificate leaf = issued.getChain().get(0);
            assertEquals(key.getPublic(), leaf.getPublicKey());
            assertTrue(leaf.getSubjectAlternativeNames().stream()
                    .anyMatch(n -> n.get(1).equals("gw.eab.keywarden.test")));
            assertTrue(pebble.certStatus(leaf.getSerialNumber().toString(16)).isValid());
            assertTrue(client.renewalWindow(leaf).isEmpty(), "Pebble 2.4 offers no ARI: the path must not be taken");

            // a second client over the same store reuses the account instead of registering again
            AcmeClient again = client(p, responder);
            assertEquals(client.login().getAccountLocation(), again.login().getAccountLocation());
        }
    }

    @Test
    void withoutEabTheCaRefusesAndTheRefusalIsPermanent() throws Exception {
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", 0)) {
            EnrollmentException e = assertThrows(
                    EnrollmentException.class, () -> client(config(), responder).login());
            assertFalse(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("externalAccountRequired"), e.getMessage());
        }
    }

    @Test
    void aCaWhoseCertificateDoesNotChainToTheConfiguredAnchorIsNotTrusted() throws Exception {
        Map<String, Object> p = config();
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, TestCa.root("some-other-ca").certificatePem());
        p.put(GatewayOptions.KEY_EAB_KID, KID);
        p.put(GatewayOptions.KEY_EAB_HMAC, HMAC);
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", 0)) {
            EnrollmentException e = assertThrows(
                    EnrollmentException.class, () -> client(p, responder).login());
            assertTrue(e.isRetryable(), "a TLS failure may be a transient misconfiguration of the CA side");
            assertTrue(e.getMessage().contains("CA unreachable"), e.getMessage());
            assertTrue(
                    e.getMessage().toLowerCase().contains("certification path")
                            || e.getMessage().toLowerCase().contains("pkix"),
                    e.getMessage());
        }
    }

    @Test
    void anOrderJournaledBeforeACrashIsResumedAndNoSecondOrderIsPlaced() throws Exception {
        Map<String, Object> p = config();
        p.put(GatewayOptions.KEY_EAB_KID, KID);
        p.put(GatewayOptions.KEY_EAB_HMAC, HMAC);
        List<String> names = List.of("resume.eab.keywarden.test");
        KeyPair key = KeyType.EC_P256.generate();
        List<String> created = new ArrayList<>();
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            AcmeClient client = client(p, responder);
            OrderRequest crashing = OrderRequest.withKey(names, key).journaled(Optional.empty(), url -> {
                created.add(url);
                throw new IllegalStateException("killed right after the order was journaled");
            });
            assertThrows(IllegalStateException.class, () -> client.order(crashing));
            assertEquals(1, created.size());

            AcmeClient restarted = client(p, responder);
            IssuedCertificate issued = restarted.order(
                    OrderRequest.withKey(names, key).journaled(Optional.of(created.get(0)), created::add));
            assertEquals(1, created.size(), "resuming must not create another order");
            X509Certificate leaf = issued.getChain().get(0);
            assertEquals(key.getPublic(), leaf.getPublicKey());
            assertTrue(pebble.certStatus(leaf.getSerialNumber().toString(16)).isValid());
        }
    }

    @Test
    void ordersOfOneClientRunSideBySideEachWithItsOwnNonce() throws Exception {
        Map<String, Object> p = config();
        p.put(GatewayOptions.KEY_EAB_KID, KID);
        p.put(GatewayOptions.KEY_EAB_HMAC, HMAC);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try (StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            AcmeClient client = client(p, responder);
            List<Future<IssuedCertificate>> orders = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                List<String> names = List.of("parallel-" + i + ".eab.keywarden.test");
                orders.add(threads.submit(() -> client.order(OrderRequest.withKey(names, KeyType.EC_P256.generate()))));
            }
            for (Future<IssuedCertificate> f : orders) {
                X509Certificate leaf = f.get().getChain().get(0);
                assertTrue(
                        pebble.certStatus(leaf.getSerialNumber().toString(16)).isValid());
            }
            assertTrue(
                    client.session().getDirectoryExpires() != null,
                    "Pebble sends no caching headers: the directory is kept for a while, not re-read per order");
        } finally {
            threads.shutdownNow();
        }
    }
}
