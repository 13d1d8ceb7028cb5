package io.keywarden.revocation.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.request.Decision;
import io.keywarden.revocation.internal.store.ReleaseStore;

/**
 * Records an accepted release (a signed request with {@code "action":"release"}, checked like every request): the
 * target's certificates that hold the device (REVOKED, or denied here) are released, durably and audited, before the
 * answer. They stay denied; the enrollment bundles let the device get one new certificate ({@link DenyList#releasedAt}).
 */
final class Releases {
    private static final Logger LOG = LoggerFactory.getLogger(Releases.class);

    private final ReleaseStore store;
    private final DenyList denied;
    private final BiConsumer<String, Map<String, Object>> audit;

    Releases(ReleaseStore store, DenyList denied, BiConsumer<String, Map<String, Object>> audit) {
        this.store = store;
        this.denied = denied;
        this.audit = audit;
    }

    /** @return a RELEASED ticket, or a REFUSED one when nothing of the target is held or the release is not stored */
    Ticket release(String id, String signedRequest, Decision d, Instant now) {
        List<Ticket.Cert> held = d.certificates().stream()
                .filter(r -> r.getStatus() == CertificateStatus.REVOKED || denied.isDenied(r.getSerial()))
                .map(r -> new Ticket.Cert(r.getSerial(), r.getDeviceId()))
                .toList();
        if (held.isEmpty()) {
            return Ticket.refused(
                    id,
                    d.request(),
                    now,
                    RefusalReason.UNKNOWN_TARGET,
                    "nothing of " + d.request().getTarget() + " is held by a revocation: nothing to release");
        }
        Ticket t = Ticket.released(id, signedRequest, d.request(), now, held);
        try {
            store.release(t.serials(), now);
        } catch (IOException e) {
            LOG.error("Cannot record release {}: {}", id, e.toString());
            return Ticket.refused(
                    id, d.request(), now, RefusalReason.UNAVAILABLE, "cannot record the release durably: " + e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ticket", id);
        fields.put("requester", d.request().getRequester());
        fields.put("target", d.request().getTarget().toString());
        fields.put("serials", t.serials());
        audit.accept("RELEASED", fields);
        LOG.warn(
                "Release {}: {} by {}; the device may get one new certificate, {} stay denied",
                id,
                d.request().getTarget(),
                d.request().getRequester(),
                t.serials());
        return t;
    }
}
