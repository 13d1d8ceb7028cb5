package io.keywarden.revocation.internal.queue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The certificates the workers take: a queue that an end marker closes, so workers could also take certificates
 * that arrive while they run. Bounded by the ticket it belongs to.
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
