package io.keywarden.acme.internal.client;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;

import io.keywarden.support.threads.NamedThreads;

/**
 * Fetches a list of orders and the certificates of the valid ones, several at a time: each is an independent
 * POST-as-GET over the session's nonce pool. The threads live for one listing only (a listing is rare: once per
 * compromised gateway's attempt), so nothing outlives the call.
 */
final class OrderFetches {
    /** Certificates handed over, and valid orders whose certificate the CA no longer serves. */
    record Counts(int listed, int gone) {}

    private OrderFetches() {}

    /** Hands the chain of every valid order's certificate to {@code each} as it arrives; the first failure is thrown. */
    static Counts certificatesOfValid(List<Order> orders, int parallel, Consumer<List<X509Certificate>> each)
            throws AcmeException, InterruptedException {
        if (orders.isEmpty()) {
            return new Counts(0, 0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(parallel, orders.size()), new NamedThreads("keywarden-acme-list"));
        try {
            List<Future<Integer>> fetches = new ArrayList<>();
            for (Order order : orders) {
                fetches.add(pool.submit(() -> fetch(order, each)));
            }
            int listed = 0;
            int gone = 0;
            for (Future<Integer> f : fetches) {
                int r = get(f);
                listed += r > 0 ? 1 : 0;
                gone += r < 0 ? 1 : 0;
            }
            return new Counts(listed, gone);
        } finally {
            pool.shutdownNow();
        }
    }

    /** 1: a certificate handed over; 0: the order is not valid; -1: valid, but its certificate is not served. */
    private static int fetch(Order order, Consumer<List<X509Certificate>> each) {
        if (order.getStatus() != Status.VALID) {
            return 0;
        }
        List<X509Certificate> chain;
        try {
            chain = List.copyOf(order.getCertificate().getCertificateChain());
        } catch (AcmeLazyLoadingException e) {
            if (e.getCause() instanceof CaGoneException) {
                return -1;
            }
            throw e;
        }
        each.accept(chain);
        return 1;
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
