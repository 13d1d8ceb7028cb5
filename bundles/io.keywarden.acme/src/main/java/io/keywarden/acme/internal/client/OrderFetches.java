package io.keywarden.acme.internal.client;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;

import io.keywarden.support.threads.NamedThreads;

/**
 * Fetches a list of orders and the certificates of the valid ones, several at a time: each is an independent
 * POST-as-GET over the session's nonce pool. The threads live for one listing only (a listing is rare: once per
 * compromised gateway), so nothing outlives the call.
 */
final class OrderFetches {
    private OrderFetches() {}

    /** The chain of every valid order's certificate, in the orders' order; the first failure is thrown. */
    static List<List<X509Certificate>> certificatesOfValid(List<Order> orders, int parallel)
            throws AcmeException, InterruptedException {
        if (orders.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(parallel, orders.size()), new NamedThreads("keywarden-acme-list"));
        try {
            List<Future<List<X509Certificate>>> fetches = new ArrayList<>();
            for (Order order : orders) {
                fetches.add(pool.submit(() -> order.getStatus() == Status.VALID
                        ? List.copyOf(order.getCertificate().getCertificateChain())
                        : null));
            }
            List<List<X509Certificate>> out = new ArrayList<>();
            for (Future<List<X509Certificate>> f : fetches) {
                List<X509Certificate> chain = get(f);
                if (chain != null) {
                    out.add(chain);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T get(Future<T> f) throws AcmeException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AcmeLazyLoadingException lazy) {
                throw Failures.cause(lazy);
            }
            if (cause instanceof RuntimeException r) {
                throw r; // the caller sorts protocol violations
            }
            throw new AcmeException("fetching an order failed: " + cause, cause);
        }
    }
}
