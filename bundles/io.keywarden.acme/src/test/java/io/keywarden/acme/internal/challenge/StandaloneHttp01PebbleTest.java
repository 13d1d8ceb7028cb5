package io.keywarden.acme.internal.challenge;

import static io.keywarden.acme.internal.challenge.StandaloneHttp01Test.assertRefused;
import static io.keywarden.acme.internal.challenge.StandaloneHttp01Test.connectFrom;
import static io.keywarden.acme.internal.challenge.StandaloneHttp01Test.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.client.AcmeClient;
import io.keywarden.acme.internal.client.OrderRequest;
import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.testing.pebble.PebbleHarness;

/**
 * A real Pebble validates over the standalone responder: the port is refused before and after the order and served
 * while it waits, and hostile clients at the moment the challenge is published (half-open connections far beyond the
 * per-source cap from one address, slow-drip requests, an oversized head, unknown paths) do not stop the validation.
 */
class StandaloneHttp01PebbleTest {
    @TempDir
    Path work;

    /** Runs {@code atPublish} right after a challenge's token is published, before the CA is told to validate. */
    private static final class Watched implements Http01Solver.Tokens {
        private final StandaloneHttp01 responder;
        private final BiConsumer<String, String> atPublish;

        Watched(StandaloneHttp01 responder, BiConsumer<String, String> atPublish) {
            this.responder = responder;
            this.atPublish = atPublish;
        }

        @Override
        public void ready() throws EnrollmentException {
            responder.ready();
        }

        @Override
        public void add(String token, String keyAuthorization) throws EnrollmentException {
            responder.add(token, keyAuthorization);
            atPublish.accept(token, keyAuthorization);
        }

        @Override
        public void remove(String token) {
            responder.remove(token);
        }
    }

    private AcmeClient client(PebbleHarness pebble, Http01Solver.Tokens tokens) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(GatewayOptions.KEY_DIRECTORY_URL, pebble.directoryUrl().toString());
        p.put(GatewayOptions.KEY_TRUST_ANCHOR, pebble.trustAnchorFile().toString());
        p.put(GatewayOptions.KEY_DNS_NAME, "gw.http01.keywarden.test");
        p.put(GatewayOptions.KEY_HTTP01_PORT, pebble.httpPort());
        p.put(GatewayOptions.KEY_HTTP01_BIND, "127.0.0.1");
        p.put(GatewayOptions.KEY_ORDER_TIMEOUT, 30);
        Path data = work.resolve("data");
        return new AcmeClient(
                GatewayOptions.parse(p, data),
                new StateStore(data),
                new ChallengeSolvers(
                        ChallengeSelection.always(ChallengeTypes.HTTP_01),
                        Map.of(ChallengeTypes.HTTP_01, new Http01Solver(tokens)),
                        id -> Optional.empty()),
                Clock.systemUTC());
    }

    @Test
    void theCaValidatesWhileTheOrderWaitsDespiteHostileClientsAndThePortIsClosedBeforeAndAfter() throws Exception {
        List<Socket> hostile = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> drips = new ArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (PebbleHarness pebble =
                        PebbleHarness.builder(work.resolve("pebble")).build().start();
                StandaloneHttp01 responder = new StandaloneHttp01("127.0.0.1", pebble.httpPort())) {
            int port = pebble.httpPort();
            BiConsumer<String, String> attack =
                    (token, keyAuthorization) -> seen.add(attack(port, token, keyAuthorization, hostile, drips, stop));
            AcmeClient client = client(pebble, new Watched(responder, attack));
            assertRefused(port);

            X509Certificate leaf = client.order(
                            OrderRequest.withKey(List.of("a.http01.keywarden.test"), KeyType.EC_P256.generate()))
                    .getChain()
                    .get(0);

            assertEquals(
                    "Valid",
                    pebble.certStatus(leaf.getSerialNumber().toString(16)).status());
            assertEquals(List.of("served while pending"), seen);
            assertFalse(responder.isOpen(), "the port stays bound after the order");
            assertRefused(port);
            assertTrue(
                    responder.refusals(ConnectionRefusal.PER_SOURCE_LIMIT)
                            >= 240 - Http01Limits.DEFAULTS.perSource() - 24,
                    "refused at accept: " + responder.refusals(ConnectionRefusal.PER_SOURCE_LIMIT));
            assertTrue(responder.malformedRequests() >= 1, "the oversized head was not refused by Jetty");
        } finally {
            stop.set(true);
            for (Socket s : hostile) {
                s.close();
            }
            for (Thread t : drips) {
                t.join(5000);
            }
        }
    }

    /**
     * From other loopback addresses than the CA's (127.0.0.1): 240 half-open connections from one, four slow-drip
     * requests, an oversized head and 50 unknown paths. Returns what the gateway's own request for its token got.
     */
    private static String attack(
            int port,
            String token,
            String keyAuthorization,
            List<Socket> hostile,
            List<Thread> drips,
            AtomicBoolean stop) {
        try {
            String own = keyAuthorization.equals(
                            get(port, Http01Server.PREFIX + token).body())
                    ? "served while pending"
                    : "not served while pending";
            for (int i = 0; i < 240; i++) {
                try {
                    hostile.add(connectFrom("127.0.0.2", port));
                } catch (IOException e) {
                    // the backlog is full: that connection never reached the server
                }
            }
            for (int i = 0; i < 4; i++) {
                Socket s = connectFrom("127.0.0.3", port);
                hostile.add(s);
                Thread t = new Thread(() -> drip(s, stop), "slow-drip-" + i);
                t.setDaemon(true);
                t.start();
                drips.add(t);
            }
            String big = StandaloneHttp01Test.raw(
                    port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n");
            for (int i = 0; i < 50; i++) {
                get(port, "/.well-known/acme-challenge/guess" + i);
            }
            return big.startsWith("HTTP/1.1 431")
                    ? own
                    : "oversized head answered: " + big.lines().findFirst();
        } catch (IOException e) {
            return "attack failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void drip(Socket s, AtomicBoolean stop) {
        byte[] head = "GET /.well-known/acme-challenge/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            OutputStream out = s.getOutputStream();
            for (int i = 0; !stop.get(); i = (i + 1) % head.length) {
                out.write(head[i]);
                out.flush();
                Thread.sleep(200);
            }
        } catch (IOException e) {
            // closed by the first-request deadline (or by the test)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
