package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;

/**
 * Writes revocations the revocation component got done at the CA into the inventory: from its REVOKED events, and
 * from its journaled tickets when it appears (an event posted while this bundle was stopped is lost). An event's
 * serials are written on the engine's workers, not on EventAdmin's thread: each is a durable write, a ticket can carry
 * a thousand, EventAdmin calls an event's handlers one after another (Equinox, as in Kura, delivers every asynchronous
 * event on one thread), and Felix EventAdmin denies a handler slower than its timeout (5 s) every later event. A
 * write lost because the engine stopped is made at the next start from the journal ({@link #reconcile}).
 */
public final class RevocationRecorder implements EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationRecorder.class);

    private final EnrollmentEngine engine;
    private final Executor writer;

    public RevocationRecorder(EnrollmentEngine engine) {
        this(engine, engine::execute);
    }

    RevocationRecorder(EnrollmentEngine engine, Executor writer) {
        this.engine = requireNonNull(engine, "engine");
        this.writer = requireNonNull(writer, "writer");
    }

    @Override
    public void handleEvent(Event event) {
        Object serials = event.getProperty(RevocationEvents.PROPERTY_SERIALS);
        List<String> list = new ArrayList<>();
        if (serials instanceof String[]) {
            list.addAll(Arrays.asList((String[]) serials));
        } else if (serials instanceof Collection) {
            ((Collection<?>) serials).forEach(s -> list.add(String.valueOf(s)));
        }
        if (!list.isEmpty()) {
            String source = "ticket " + event.getProperty(RevocationEvents.PROPERTY_TICKET_ID);
            writer.execute(() -> record(list, source));
        }
    }

    /** Marks every certificate the service's tickets say is revoked at the CA. */
    public void reconcile(RevocationService service) {
        List<String> revoked = new ArrayList<>();
        for (RevocationTicket t : service.getTickets()) {
            for (CertificateRevocation c : t.getCertificates()) {
                if (c.getState() == CertificateRevocation.State.REVOKED) {
                    revoked.add(c.getSerial());
                }
            }
        }
        record(revoked, "the revocation journal");
    }

    private void record(List<String> serials, String source) {
        if (serials.isEmpty()) {
            return;
        }
        for (CertificateRecord r : engine.markRevoked(serials)) {
            LOG.info("Certificate {} of {} is REVOKED (from {})", r.getSerial(), r.getDeviceId(), source);
        }
    }
}
