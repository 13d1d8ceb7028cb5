package io.keywarden.acme.internal.client;

import java.net.URI;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NonceHolder;
import org.shredzone.acme4j.provider.AcmeProvider;

/**
 * A session whose requests run in parallel. acme4j's {@link Session} keeps one nonce and holds one lock around each
 * request's signing and its whole round trip to the CA, so every order of a session takes its turn: on a 2-core
 * gateway with a local CA, one session topped out near 35 certificates/s with the cores half idle.
 *
 * <p>The lock's only job is that a nonce is used once. Here a thread entering a request takes a nonce of its own
 * from a pool (or none, and acme4j fetches a fresh one), and when the request ends the nonce the CA answered with
 * goes back to the pool. No two requests ever hold the same nonce, so that guarantee stands while requests are
 * signed and sent side by side. acme4j re-enters {@link #lockNonce()} within one request (fetching a nonce inside a
 * signed request): the thread's holder is kept until its outermost user closes it.
 *
 * <p>The pool is bounded; a nonce the CA no longer accepts costs one badNonce answer, which carries a fresh nonce
 * that acme4j retries with (RFC 8555 §6.5).
 */
final class NoncePoolSession extends Session {
    /** More than the threads that can be in a request at once (enrollment workers, revocation, renewal info). */
    private static final int MAX_POOLED = 32;

    private final BlockingDeque<String> nonces = new LinkedBlockingDeque<>(MAX_POOLED);
    private final ThreadLocal<Holder> current = new ThreadLocal<>();

    NoncePoolSession(URI serverUri, AcmeProvider provider) {
        super(serverUri, provider);
    }

    @Override
    public NonceHolder lockNonce() {
        Holder h = current.get();
        if (h == null) {
            // the most recent nonce first: the least likely to have expired at the CA
            h = new Holder(nonces.pollFirst());
            current.set(h);
        }
        h.depth++;
        return h;
    }

    /** How many unused nonces the pool holds (for tests). */
    int pooled() {
        return nonces.size();
    }

    /** One thread's nonce for the duration of its (possibly nested) use. */
    private final class Holder implements NonceHolder {
        private String nonce;
        private int depth;

        private Holder(String nonce) {
            this.nonce = nonce;
        }

        @Override
        public String getNonce() {
            return nonce;
        }

        @Override
        public void setNonce(String nonce) {
            this.nonce = nonce;
        }

        @Override
        public void close() {
            if (--depth > 0) {
                return;
            }
            current.remove();
            if (nonce != null) {
                // a full pool drops the nonce: the CA forgets unused nonces on its own
                nonces.offerFirst(nonce);
            }
        }
    }
}
