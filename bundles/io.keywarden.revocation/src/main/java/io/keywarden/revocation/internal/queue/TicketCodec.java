package io.keywarden.revocation.internal.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.TicketState;

/** A ticket as the JSON document the journal stores (the format the file journal used, so nothing changes for it). */
final class TicketCodec {
    private TicketCodec() {}

    static String toJson(Ticket t) {
        synchronized (t) {
            return JsonUtil.toJson(toMap(t));
        }
    }

    static Ticket fromJson(String json) throws JoseException {
        return fromMap(JsonUtil.parseJson(json));
    }

    static Map<String, Object> toMap(Ticket t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id);
        m.put("state", t.state.name());
        m.put("submittedAt", t.submittedAt.toString());
        m.put("signedRequest", t.signedRequest);
        RevocationRequest r = t.request;
        m.put("targetKind", r.getTarget().getKind().name());
        m.put("targetValue", r.getTarget().getValue());
        m.put("reason", r.getReason().getCode());
        m.put("requester", r.getRequester());
        m.put("nonce", r.getNonce());
        m.put("issuedAt", r.getIssuedAt().toString());
        List<Map<String, Object>> certs = new ArrayList<>();
        for (Ticket.Cert c : t.certs) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("serial", c.serial);
            cm.put("deviceId", c.deviceId);
            cm.put("state", c.state.name());
            if (c.fromCa) {
                cm.put("source", "ca");
            }
            if (c.route != null) {
                cm.put("route", c.route.name());
            }
            if (c.caAnswer != null) {
                cm.put("caAnswer", c.caAnswer);
            }
            if (c.revokedAt != null) {
                cm.put("revokedAt", c.revokedAt.toString());
            }
            certs.add(cm);
        }
        m.put("certificates", certs);
        m.put("accountsToDeactivate", t.accountsToDeactivate);
        m.put("accountDeactivated", t.accountDeactivated);
        m.put("caChecked", t.caChecked);
        m.put("attempts", t.attempts);
        if (t.detail != null) {
            m.put("detail", t.detail);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Ticket fromMap(Map<String, Object> m) {
        RevocationRequest request = RevocationRequest.builder()
                .target(RevocationTarget.of(
                        RevocationTarget.Kind.valueOf((String) m.get("targetKind")), (String) m.get("targetValue")))
                .reason(RevocationReason.fromCode(((Number) m.get("reason")).intValue())
                        .orElseThrow())
                .requester((String) m.get("requester"))
                .nonce((String) m.get("nonce"))
                .issuedAt(Instant.parse((String) m.get("issuedAt")))
                .build();
        List<Ticket.Cert> certs = new ArrayList<>();
        for (Map<String, Object> cm : (List<Map<String, Object>>) m.get("certificates")) {
            Ticket.Cert c = new Ticket.Cert(
                    (String) cm.get("serial"), (String) cm.get("deviceId"), "ca".equals(cm.get("source")));
            c.state = CertificateRevocation.State.valueOf((String) cm.get("state"));
            c.route = cm.get("route") == null ? null : RevocationRoute.valueOf((String) cm.get("route"));
            c.caAnswer = (String) cm.get("caAnswer");
            c.revokedAt = cm.get("revokedAt") == null ? null : Instant.parse((String) cm.get("revokedAt"));
            certs.add(c);
        }
        Ticket t = new Ticket(
                (String) m.get("id"),
                (String) m.get("signedRequest"),
                request,
                Instant.parse((String) m.get("submittedAt")),
                certs,
                (List<String>) m.get("accountsToDeactivate"),
                TicketState.valueOf((String) m.get("state")));
        t.accountDeactivated = Boolean.TRUE.equals(m.get("accountDeactivated"));
        t.caChecked = Boolean.TRUE.equals(m.get("caChecked"));
        t.attempts = ((Number) m.get("attempts")).intValue();
        t.detail = (String) m.get("detail");
        return t;
    }
}
