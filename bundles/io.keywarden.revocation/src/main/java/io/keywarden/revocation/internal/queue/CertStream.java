package io.keywarden.revocation.internal.queue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The certificates the workers take, in the order they become known: all at once for a plain ticket, one by one
 * as the CA lists them for a compromised gateway (so a certificate is revoked only after the CA listed it: Pebble
 * serves no revoked certificate, and one revoked before the listing reached it would be missing from the list).
 * Bounded by the ticket it belongs to.
 */
final class CertStream {
    private static final Optional<Ticket.Cert> END = Optional.empty();
    private final LinkedBlockingQueue<Optional<Ticket.Cert>> queue = new LinkedBlockingQueue<>();

    static CertStream of(List<Ticket.Cert> certs) {
        CertStream s = new CertStream();
        certs.forEach(s::add);
        s.end();
        return s;
    }

    void add(Ticket.Cert c) {
        queue.add(Optional.of(c));
    }

    /** No more certificates: every worker waiting or coming gets null. */
    void end() {
        queue.add(END);
    }

    /** The next certificate, waiting for one while the stream is open; null once it is ended and drained. */
    Ticket.Cert next() throws InterruptedException {
        Optional<Ticket.Cert> c = queue.take();
        if (c.isEmpty()) {
            queue.add(END); // for the other workers
            return null;
        }
        return c.get();
    }
}
