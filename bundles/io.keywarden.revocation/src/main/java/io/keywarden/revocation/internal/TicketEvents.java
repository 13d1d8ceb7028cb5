package io.keywarden.revocation.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationTicket;

/** The properties of the event posted for a ticket (see {@link RevocationEvents}). */
final class TicketEvents {

    private TicketEvents() {}

    /** The properties of a {@link RevocationEvents#TOPIC_PROGRESS} event. */
    static Map<String, Object> progress(RevocationProgress p, boolean last) {
        Map<String, Object> m = new HashMap<>();
        m.put(RevocationEvents.PROPERTY_TICKET_ID, p.getTicketId());
        m.put(RevocationEvents.PROPERTY_TOTAL, p.getTotal());
        m.put(RevocationEvents.PROPERTY_REVOKED, p.getRevoked());
        m.put(RevocationEvents.PROPERTY_FAILED, p.getFailed());
        m.put(RevocationEvents.PROPERTY_PENDING, p.getPending());
        Map<String, Long> failures = p.getFailures();
        m.put(RevocationEvents.PROPERTY_FAILURE_REASONS, failures.keySet().toArray(String[]::new));
        m.put(
                RevocationEvents.PROPERTY_FAILURE_COUNTS,
                failures.values().stream().mapToLong(Long::longValue).toArray());
        m.put(RevocationEvents.PROPERTY_FINAL, last);
        p.getThrottledUntil().ifPresent(u -> m.put(RevocationEvents.PROPERTY_THROTTLED_UNTIL, u.toString()));
        return m;
    }

    static Map<String, Object> properties(RevocationTicket t) {
        Map<String, Object> p = new HashMap<>();
        p.put(RevocationEvents.PROPERTY_TICKET_ID, t.getId());
        t.getRequest().ifPresent(r -> {
            p.put(RevocationEvents.PROPERTY_REQUESTER, r.getRequester());
            p.put(RevocationEvents.PROPERTY_TARGET, r.getTarget().toString());
            p.put(RevocationEvents.PROPERTY_REASON, r.getReason().getCode());
        });
        p.put(
                RevocationEvents.PROPERTY_SERIALS,
                t.getCertificates().stream().map(c -> c.getSerial()).toArray(String[]::new));
        p.put(
                RevocationEvents.PROPERTY_DEVICE_IDS,
                t.getCertificates().stream()
                        .map(c -> c.getDeviceId())
                        .distinct()
                        .toArray(String[]::new));
        t.getRefusalReason().ifPresent(r -> p.put(RevocationEvents.PROPERTY_REFUSAL, r.name()));
        t.getDetail().ifPresent(d -> p.put(RevocationEvents.PROPERTY_DETAIL, d));
        p.put(
                RevocationEvents.PROPERTY_ROUTES,
                t.getCertificates().stream()
                        .map(c -> c.getRoute())
                        .flatMap(Optional::stream)
                        .map(Enum::name)
                        .distinct()
                        .toArray(String[]::new));
        return p;
    }
}
