package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.connector.NonceHolder;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/** The nonce pool that lets one acme4j session sign and send requests in parallel without using a nonce twice. */
class NoncePoolSessionTest {
    private final NoncePoolSession session =
            new NoncePoolSession(URI.create("https://ca.keywarden.test/dir"), new GenericAcmeProvider());

    /** What a request on another thread takes from the pool, answering with {@code answer}; it must not block. */
    private String requestOnAnotherThread(String answer) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try (NonceHolder h = session.lockNonce()) {
                        String taken = h.getNonce();
                        h.setNonce(answer);
                        return taken;
                    }
                })
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void aNonceFetchedInsideARequestIsTheOneTheRequestSignsWith() {
        // acme4j's performRequest: lockNonce, then resetNonce locks again and stores a fresh nonce
        try (NonceHolder outer = session.lockNonce()) {
            assertNull(outer.getNonce());
            try (NonceHolder inner = session.lockNonce()) {
                inner.setNonce("fresh");
            }
            assertEquals("fresh", outer.getNonce());
            assertEquals(0, session.pooled(), "not back in the pool while the request still holds it");
            outer.setNonce("from-the-answer");
        }
        assertEquals(1, session.pooled());
        try (NonceHolder next = session.lockNonce()) {
            assertEquals("from-the-answer", next.getNonce());
        }
    }

    @Test
    void twoRequestsAtOnceNeverHoldTheSameNonceAndNeitherWaitsForTheOther() throws Exception {
        try (NonceHolder first = session.lockNonce()) {
            first.setNonce("a");
            // acme4j's own session would block here until `first` is closed
            assertNull(requestOnAnotherThread("b"), "the pool was empty: the other request fetches a fresh nonce");
        }
        assertEquals(2, session.pooled());
        try (NonceHolder again = session.lockNonce()) {
            assertEquals("a", again.getNonce(), "the most recent nonce first");
            String other = requestOnAnotherThread(null);
            assertEquals("b", other);
            assertNotEquals(again.getNonce(), other);
        }
        assertEquals(1, session.pooled(), "a request whose answer carried no nonce returns none");
    }

    @Test
    void thePoolIsBounded() throws Exception {
        int requests = 40;
        CountDownLatch allInside = new CountDownLatch(requests);
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String answer = "n" + i;
                done.add(threads.submit(() -> {
                    try (NonceHolder h = session.lockNonce()) {
                        h.setNonce(answer);
                        allInside.countDown();
                        allInside.await();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(32, session.pooled());
    }
}
