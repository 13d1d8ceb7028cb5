package io.keywarden.kura.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.monitor.Incident;
import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationTicket;

/**
 * The documents KEYWARDEN-V1 and the REST resource answer with: the same field names on both, written as JSON by
 * Kura's own Gson. Maps keep their order; no HTML escaping (the documents are not embedded in HTML), and a null value
 * is written as null rather than dropped.
 */
final class Views {
    private static final Gson GSON =
            new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Views() {}

    /** A document of maps, lists, strings, numbers and booleans as JSON text. */
    static String json(Object document) {
        return GSON.toJson(document);
    }

    static Map<String, Object> status(GatewayEnrollmentService gateway) {
        Map<String, Object> m = new LinkedHashMap<>();
        EnrollmentStatus s = gateway.getStatus();
        m.put("gateway.id", gateway.getDeviceId());
        m.put("state", s.getState().name());
        m.put("failed.attempts", s.getFailedAttempts());
        s.getLastError().ifPresent(e -> m.put("last.error", e));
        s.getNextAction().ifPresent(t -> m.put("next.action", t.toString()));
        gateway.getAccountUrl().ifPresent(u -> m.put("account.url", u));
        gateway.getCertificate().ifPresent(c -> {
            m.put("serial", c.getSerial());
            m.put("not.after", c.getNotAfter().toString());
        });
        return m;
    }

    static List<Map<String, Object>> certificates(CertificateInventory inventory) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CertificateRecord r : inventory.getAll()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device.id", r.getDeviceId());
            m.put("kind", r.getKind().name());
            m.put("serial", r.getSerial());
            m.put("identifiers", r.getIdentifiers());
            m.put("not.before", r.getNotBefore().toString());
            m.put("not.after", r.getNotAfter().toString());
            m.put("status", r.getStatus().name());
            m.put("key.custody", r.getKeyCustody().name());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> ticket(RevocationTicket t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticket.id", t.getId());
        m.put("state", t.getState().name());
        t.getRefusalReason().ifPresent(r -> m.put("refusal", r.name()));
        t.getDetail().ifPresent(d -> m.put("detail", d));
        m.put("submitted.at", t.getSubmittedAt().toString());
        t.getRequest().ifPresent(r -> {
            m.put("requester", r.getRequester());
            m.put("reason", r.getReason().name());
        });
        m.put(
                "serials",
                t.getCertificates().stream()
                        .map(CertificateRevocation::getSerial)
                        .collect(Collectors.toList()));
        m.put("attempts", t.getAttempts());
        return m;
    }

    static List<Map<String, Object>> tickets(List<RevocationTicket> tickets) {
        return tickets.stream().map(Views::ticket).collect(Collectors.toList());
    }

    /** A ticket's way to the CA: done/total and the CA's failing answers by reason. */
    static Map<String, Object> progress(RevocationProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticket.id", p.getTicketId());
        m.put("state", p.getState().name());
        m.put("total", p.getTotal());
        m.put("done", p.getDone());
        m.put("revoked", p.getRevoked());
        m.put("failed", p.getFailed());
        m.put("pending", p.getPending());
        m.put("failures", p.getFailures());
        m.put("started.at", p.getStartedAt().toString());
        p.getThrottledUntil().ifPresent(u -> m.put("throttled.until", u.toString()));
        return m;
    }

    static List<Map<String, Object>> progress(List<RevocationProgress> running) {
        return running.stream().map(Views::progress).collect(Collectors.toList());
    }

    static List<Map<String, Object>> incidents(List<Incident> incidents) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Incident i : incidents) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("incident.id", i.getId());
            m.put("device.id", i.getDeviceId());
            i.getSerial().ifPresent(s -> m.put("serial", s));
            m.put("rule", i.getRule());
            m.put("severity", i.getSeverity().name());
            m.put("action", i.getAction().name());
            m.put("observed.at", i.getObservedAt().toString());
            m.put("decided.at", i.getDecidedAt().toString());
            m.put("evidence", i.getEvidence());
            i.getRevocationTicketId().ifPresent(t -> m.put("ticket.id", t));
            out.add(m);
        }
        return out;
    }
}
