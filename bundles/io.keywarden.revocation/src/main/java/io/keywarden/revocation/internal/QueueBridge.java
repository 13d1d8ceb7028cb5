package io.keywarden.revocation.internal;

import java.io.IOException;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.audit.AuditLog;
import io.keywarden.revocation.internal.escrow.EscrowVault;
import io.keywarden.revocation.internal.queue.AuditEntry;
import io.keywarden.revocation.internal.queue.RevocationQueue;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.request.Inventories;
import io.keywarden.revocation.internal.store.DenyListStore;

/**
 * What the queue and the escrow vault need from the component, and what they report to it: certificates and
 * escrowed keys in, audit entries, events, incidents and further denials out.
 */
final class QueueBridge implements RevocationQueue.Facts, RevocationQueue.Listener, EscrowVault.Incidents {
    private static final Logger LOG = LoggerFactory.getLogger(QueueBridge.class);

    private final AuditLog audit;
    private final DenyListStore denyList;
    private final Supplier<EventAdmin> events;
    private final Supplier<Inventories> inventory;
    private volatile EscrowVault vault;
    private volatile NoticeDuty notices;

    QueueBridge(AuditLog audit, DenyListStore denyList, Supplier<EventAdmin> events, Supplier<Inventories> inventory) {
        this.audit = audit;
        this.denyList = denyList;
        this.events = events;
        this.inventory = inventory;
    }

    void setVault(EscrowVault vault) {
        this.vault = vault;
    }

    void setNoticeDuty(NoticeDuty notices) {
        this.notices = notices;
    }

    // ---- facts ------------------------------------------------------------------------------------------------

    @Override
    public Optional<CertificateRecord> certificate(String serial) {
        return inventory.get().getBySerial(serial);
    }

    @Override
    public Optional<KeyPair> escrowedKey(String accountUrl) {
        EscrowVault v = vault;
        return v == null ? Optional.empty() : v.keyFor(accountUrl);
    }

    @Override
    public Optional<String> pinnedAccount(String gatewayId) {
        EscrowVault v = vault;
        return v == null ? Optional.empty() : v.accountOf(gatewayId);
    }

    @Override
    public void deactivated(String accountUrl) {
        EscrowVault v = vault;
        if (v != null) {
            v.retire(accountUrl);
        }
    }

    // ---- outputs ------------------------------------------------------------------------------------------------

    @Override
    public void audit(String event, Map<String, Object> fields) {
        try {
            audit.append(event, fields);
        } catch (IOException e) {
            LOG.error("Cannot write the audit log {}: {} (entry {} {})", audit.file(), e.toString(), event, fields);
        }
    }

    /** The queue's audit entries of one batch: one forced append for all. */
    @Override
    public void auditAll(List<AuditEntry> entries) {
        try {
            audit.appendAll(
                    entries.stream().map(e -> Map.entry(e.event(), e.fields())).toList());
        } catch (IOException e) {
            LOG.error("Cannot write the audit log {}: {} ({} entries)", audit.file(), e.toString(), entries.size());
        }
    }

    @Override
    public void progress(RevocationProgress p, boolean last) {
        post(RevocationEvents.TOPIC_PROGRESS, TicketEvents.progress(p, last));
    }

    void post(String topic, RevocationTicket t) {
        post(topic, TicketEvents.properties(t));
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = events.get();
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    @Override
    public void settled(RevocationTicket ticket) {
        post(
                ticket.getState() == TicketState.REVOKED
                        ? RevocationEvents.TOPIC_REVOKED
                        : RevocationEvents.TOPIC_FAILED,
                ticket);
    }

    /** The CA named certificates no report did: denied here at once, and the fleet's notice names them too. */
    @Override
    public void extended(Ticket ticket) {
        List<String> serials = ticket.serials();
        try {
            denyList.addAll(serials);
        } catch (IOException e) {
            LOG.error(
                    "Deny list not written ({}): {} denied in memory, and again from the journal at the next start",
                    e,
                    serials);
        }
        audit("EXTENDED", Map.of("ticket", ticket.id(), "serials", serials));
        post(RevocationEvents.TOPIC_EXTENDED, ticket.snapshot());
    }

    @Override
    public void takenOver(Ticket ticket) {
        NoticeDuty n = notices;
        if (n != null) {
            n.takenOver(ticket);
        }
    }

    @Override
    public void incident(String kind, String gatewayId, String detail, List<String> serials, Map<String, Object> more) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("incident", kind);
        fields.put("gateway", gatewayId);
        fields.put("detail", detail);
        if (!serials.isEmpty()) {
            fields.put("serials", serials);
        }
        fields.putAll(more);
        audit("INCIDENT", fields);
        Map<String, Object> p = new HashMap<>();
        p.put(RevocationEvents.PROPERTY_INCIDENT, kind);
        p.put(RevocationEvents.PROPERTY_GATEWAY_ID, gatewayId);
        p.put(RevocationEvents.PROPERTY_DETAIL, detail);
        p.put(RevocationEvents.PROPERTY_SERIALS, serials.toArray(String[]::new));
        post(RevocationEvents.TOPIC_INCIDENT, p);
        LOG.error("Incident {} for gateway {}: {}", kind, gatewayId, detail);
    }

    @Override
    public void raise(String kind, String gatewayId, String detail) {
        incident(kind, gatewayId, detail, List.of(), Map.of());
    }
}
