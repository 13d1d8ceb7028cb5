package io.keywarden.acme.internal.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

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
 * from its journaled tickets when it appears (an event posted while this bundle was stopped is lost).
 */
public final class RevocationRecorder implements EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationRecorder.class);

    private final EnrollmentEngine engine;

    public RevocationRecorder(EnrollmentEngine engine) {
        this.engine = requireNonNull(engine, "engine");
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
        record(list, "ticket " + event.getProperty(RevocationEvents.PROPERTY_TICKET_ID));
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
