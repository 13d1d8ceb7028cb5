package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.support.files.DurableFiles;

/**
 * Accepted tickets on disk, one JSON file each ({@code tickets/<id>.json}), replaced atomically and forced at every
 * change, so after a crash each ticket is found in its last recorded state and resumed from there.
 */
public final class TicketJournal {
    private static final Logger LOG = LoggerFactory.getLogger(TicketJournal.class);
    private final Path dir;

    public TicketJournal(Path dir) throws IOException {
        this.dir = dir;
        DurableFiles.createPrivateDirectories(dir);
    }

    /**
     * Records the ticket's current state durably; returns once it is on disk. One save at a time: the CA listing and
     * the revocation workers save the same ticket, and each save replaces the file through the same temporary one.
     */
    public synchronized void save(Ticket t) throws IOException {
        String json;
        synchronized (t) {
            json = JsonUtil.toJson(toMap(t));
        }
        DurableFiles.write(dir.resolve(t.id + ".json"), json.getBytes(StandardCharsets.UTF_8));
    }

    public List<Ticket> loadAll() throws IOException {
        List<Ticket> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : ds) {
                try {
                    out.add(fromMap(JsonUtil.parseJson(Files.readString(f, StandardCharsets.UTF_8))));
                } catch (JoseException | RuntimeException e) {
                    // only a file moved into place complete can be here: anything else was tampered with
                    LOG.error("Unreadable ticket {} left aside: {}", f, e.toString());
                }
            }
        }
        out.sort((a, b) -> a.submittedAt.compareTo(b.submittedAt));
        return out;
    }

    private static Map<String, Object> toMap(Ticket t) {
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
    private static Ticket fromMap(Map<String, Object> m) {
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
