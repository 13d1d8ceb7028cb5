package io.keywarden.revocation.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationTicket;

/** The properties of the event posted for a ticket (see {@link RevocationEvents}). */
final class TicketEvents {

    private TicketEvents() {}

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
