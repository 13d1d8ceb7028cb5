package io.keywarden.revocation.internal.shell;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import io.keywarden.api.revocation.CertificateRevocation;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationRequestSigner;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.revocation.internal.audit.AuditVerifier;
import io.keywarden.revocation.internal.config.PolicyOptions;
import io.keywarden.support.pem.Pem;
import io.keywarden.support.shell.Table;

/**
 * Gogo commands: {@code keywarden:revoke} signs a request with an operator key and submits it,
 * {@code keywarden:tickets} lists tickets, {@code keywarden:progress} shows each revocation under way (done/total,
 * the CA's failing answers by reason), {@code keywarden:auditverify} checks the audit log's hash chain. Reads
 * the operator id and key file, and the data directory, from the revocation policy's configuration.
 */
@Component(
        service = RevocationCommands.class,
        configurationPid = PolicyOptions.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            "osgi.command.scope=keywarden",
            "osgi.command.function=revoke",
            "osgi.command.function=tickets",
            "osgi.command.function=ticket",
            "osgi.command.function=progress",
            "osgi.command.function=auditverify"
        })
public final class RevocationCommands {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RevocationService service;
    private final RevocationRequestSigner signer;
    private final Map<String, Object> config;
    private final Path defaultDataDir;

    @Activate
    public RevocationCommands(
            @Reference RevocationService service,
            @Reference RevocationRequestSigner signer,
            BundleContext context,
            Map<String, Object> config) {
        this.service = service;
        this.signer = signer;
        this.config = config;
        File area = context == null ? null : context.getDataFile("revocation");
        this.defaultDataDir = area == null ? null : area.toPath();
    }

    /** {@code revoke device:ID | certificate:SERIAL | gateway:ID} as the configured operator, reason unspecified. */
    public String revoke(String target) throws IOException, GeneralSecurityException, InterruptedException {
        return revoke(target, "UNSPECIFIED");
    }

    /** {@code revoke TARGET REASON}: REASON is an RFC 5280 name (key_compromise) or code (1). */
    public String revoke(String target, String reason)
            throws IOException, GeneralSecurityException, InterruptedException {
        String requester = setting(PolicyOptions.KEY_SHELL_OPERATOR_ID)
                .orElseThrow(() -> new IllegalArgumentException("no operator configured ("
                        + PolicyOptions.KEY_SHELL_OPERATOR_ID + "): use revoke TARGET REASON " + "REQUESTER KEYFILE"));
        String keyFile = setting(PolicyOptions.KEY_SHELL_OPERATOR_KEY)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no operator key configured (" + PolicyOptions.KEY_SHELL_OPERATOR_KEY + ")"));
        return revoke(target, reason, requester, keyFile);
    }

    /** {@code revoke TARGET REASON REQUESTER KEYFILE}: signs with the PKCS#8 PEM key in KEYFILE as REQUESTER. */
    public String revoke(String target, String reason, String requester, String keyFile)
            throws IOException, GeneralSecurityException, InterruptedException {
        PrivateKey key = Pem.privateKey(Pem.pemOrFile(keyFile));
        RevocationRequest request = RevocationRequest.builder()
                .target(parseTarget(target))
                .reason(parseReason(reason))
                .requester(requester)
                .nonce(UUID.randomUUID().toString())
                .issuedAt(Instant.now())
                .build();
        RevocationTicket t = service.submit(signer.sign(request, key));
        if (t.getState().isSettled()) {
            return describe(t);
        }
        try {
            return describe(
                    service.whenSettled(t.getId()).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return describe(service.getTicket(t.getId()).orElse(t)) + "\n(still under way: see tickets)";
        }
    }

    public String tickets() {
        Table table = new Table("TICKET", "STATE", "TARGET", "REQUESTER", "SUBMITTED", "CERTIFICATES", "DETAIL");
        for (RevocationTicket t : service.getTickets()) {
            table.add(
                    t.getId(),
                    t.getState().name(),
                    t.getRequest().map(r -> r.getTarget().toString()).orElse("-"),
                    t.getRequest().map(RevocationRequest::getRequester).orElse("-"),
                    t.getSubmittedAt().toString(),
                    String.valueOf(t.getCertificates().size()),
                    t.getRefusalReason().map(r -> r + ": ").orElse("")
                            + t.getDetail().orElse(""));
        }
        return table.toString();
    }

    public String ticket(String id) {
        return service.getTicket(id).map(RevocationCommands::describe).orElse("no ticket " + id);
    }

    /** {@code progress}: every ticket on its way to the CA now. */
    public String progress() {
        List<RevocationProgress> running = service.getProgress();
        if (running.isEmpty()) {
            return "no revocation under way";
        }
        Table table = new Table("TICKET", "STATE", "DONE", "REVOKED", "FAILED", "PENDING", "FAILURES", "THROTTLED");
        for (RevocationProgress p : running) {
            table.add(
                    p.getTicketId(),
                    p.getState().name(),
                    p.getDone() + "/" + p.getTotal(),
                    String.valueOf(p.getRevoked()),
                    String.valueOf(p.getFailed()),
                    String.valueOf(p.getPending()),
                    failures(p),
                    p.getThrottledUntil().map(Instant::toString).orElse("-"));
        }
        return table.toString();
    }

    /** {@code progress TICKET}: one ticket's progress, settled or not. */
    public String progress(String ticketId) {
        return service.getProgress(ticketId)
                .map(p -> "ticket " + p.getTicketId() + ": " + p.getState() + ", " + p.getDone() + "/" + p.getTotal()
                        + " done (revoked " + p.getRevoked() + ", failed " + p.getFailed() + ", pending "
                        + p.getPending() + "), CA failures " + failures(p)
                        + p.getThrottledUntil()
                                .map(u -> ", CA asked to wait until " + u)
                                .orElse(""))
                .orElse("no ticket " + ticketId);
    }

    private static String failures(RevocationProgress p) {
        if (p.getFailures().isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        p.getFailures()
                .forEach((reason, n) -> sb.append(sb.length() == 0 ? "" : ", ")
                        .append(reason)
                        .append('=')
                        .append(n));
        return sb.toString();
    }

    public String auditverify() throws IOException {
        return auditverify(false);
    }

    /** {@code auditverify --recover}: also accepts the one line a crash between append and head update leaves. */
    public String auditverify(String option) throws IOException {
        if (!"--recover".equals(option)) {
            return "usage: auditverify [--recover]";
        }
        return auditverify(true);
    }

    private String auditverify(boolean recovery) throws IOException {
        Path dir = setting(PolicyOptions.KEY_DATA_DIR).map(Path::of).orElse(defaultDataDir);
        if (dir == null) {
            return "no data directory known";
        }
        return AuditVerifier.verify(dir.resolve("audit.log"), recovery).toString();
    }

    static String describe(RevocationTicket t) {
        StringBuilder sb = new StringBuilder();
        sb.append("ticket ").append(t.getId()).append(": ").append(t.getState());
        t.getRefusalReason().ifPresent(r -> sb.append(" (").append(r).append(')'));
        t.getDetail().ifPresent(d -> sb.append(" - ").append(d));
        for (CertificateRevocation c : t.getCertificates()) {
            sb.append("\n  ")
                    .append(c.getSerial())
                    .append(' ')
                    .append(c.getDeviceId())
                    .append(' ')
                    .append(c.getState())
                    .append(c.getRoute().map(r -> " via " + r).orElse(""))
                    .append(c.getCaAnswer().map(a -> " (" + a + ")").orElse(""));
        }
        if (t.isAccountDeactivated()) {
            sb.append("\n  account deactivated");
        }
        return sb.toString();
    }

    static RevocationTarget parseTarget(String s) {
        int colon = s.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("target must be device:ID, certificate:SERIAL or gateway:ID");
        }
        String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = s.substring(colon + 1);
        return switch (kind) {
            case "device" -> RevocationTarget.device(value);
            case "certificate", "cert", "serial" -> RevocationTarget.certificate(value);
            case "gateway", "compromised-gateway" -> RevocationTarget.compromisedGateway(value);
            default -> throw new IllegalArgumentException("unknown target kind '" + kind + "'");
        };
    }

    static RevocationReason parseReason(String s) {
        try {
            int code = Integer.parseInt(s.trim());
            return RevocationReason.fromCode(code)
                    .orElseThrow(() -> new IllegalArgumentException("no RFC 5280 reason code " + code));
        } catch (NumberFormatException e) {
            return RevocationReason.valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private Optional<String> setting(String key) {
        Object v = config == null ? null : config.get(key);
        return v == null || String.valueOf(v).isBlank()
                ? Optional.empty()
                : Optional.of(String.valueOf(v).trim());
    }
}
