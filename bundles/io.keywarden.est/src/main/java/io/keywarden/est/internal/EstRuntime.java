package io.keywarden.est.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.est.internal.auth.Authenticator;
import io.keywarden.est.internal.auth.EnrollmentCodeStore;
import io.keywarden.est.internal.auth.SourceAttempts;
import io.keywarden.est.internal.enroll.EnrollmentFront;
import io.keywarden.est.internal.http.EstServer;
import io.keywarden.est.internal.http.EstService;
import io.keywarden.est.internal.policy.CsrPolicy;
import io.keywarden.est.internal.policy.DeviceClass;
import io.keywarden.est.internal.shell.EstCommands;
import io.keywarden.support.http.ConnectionRefusal;

/**
 * The EST server with everything behind it, given the services it uses: the component builds one per configuration,
 * tests build one around a real ACME engine.
 */
public final class EstRuntime implements EnrollmentCodes, EstCommands.Status, AutoCloseable {
    private final EstOptions options;
    private final Supplier<List<DeviceClass>> classes;
    private final EnrollmentCodeStore codes;
    private final EstAudit audit;
    private final EnrollmentFront front;
    private final EstServer server;
    private final Clock clock;

    public EstRuntime(
            EstOptions options,
            GatewayEnrollmentService gateway,
            SensorEnrollmentService sensors,
            CertificateInventory inventory,
            Supplier<List<DeviceClass>> classes,
            Predicate<String> deniedSerial,
            Predicate<String> releasedSerial,
            Predicate<String> quarantined,
            BiConsumer<String, Map<String, Object>> events,
            Clock clock)
            throws IOException {
        this.options = options;
        this.classes = classes;
        this.clock = clock;
        this.codes = new EnrollmentCodeStore(options.dataDir.resolve("codes"), clock);
        this.audit = new EstAudit(options.dataDir.resolve("est-audit.log"), 8L << 20, clock, events);
        SourceAttempts attempts = new SourceAttempts(options.codeMaxFailures, options.codeFailureWindow, 10_000, clock);
        Authenticator auth = new Authenticator(
                classes,
                codes,
                attempts,
                inventory,
                deniedSerial,
                releasedSerial,
                quarantined,
                clock,
                gateway::getCaCertificates);
        this.front = new EnrollmentFront(sensors, options.caWait, options.retryAfterSeconds, options.maxPending, clock);
        EstService est = new EstService(
                auth,
                new CsrPolicy(options.curves, options.rsaMinBits),
                front,
                codes,
                audit,
                gateway::getCaCertificates);
        this.server = new EstServer(
                options.bindAddress, options.port, options.limits, gateway::getTlsIdentity, est, audit, options.labels);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Connections open now. */
    public int openConnections() {
        return server.openConnections();
    }

    /** Connections the device holds now (for tests and status). */
    public int deviceConnections(String deviceId) {
        return server.deviceConnections(deviceId);
    }

    public EstAudit audit() {
        return audit;
    }

    @Override
    public Issued create(String deviceId, Duration validity) {
        if (deviceId == null || !DeviceClass.DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("malformed device id: " + deviceId);
        }
        if (validity != null && (validity.isNegative() || validity.isZero())) {
            throw new IllegalArgumentException("the validity of a code must be positive: " + validity);
        }
        if (classes.get().stream().noneMatch(c -> c.acceptsCodes() && c.expects(deviceId))) {
            throw new IllegalArgumentException("no device class expects " + deviceId + " and accepts enrollment codes");
        }
        Instant expires = clock.instant().plus(validity == null ? options.codeValidity : validity);
        try {
            return new Issued(deviceId, codes.create(deviceId, expires), expires);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the code of " + deviceId, e);
        }
    }

    @Override
    public boolean revoke(String deviceId) {
        try {
            return codes.revoke(deviceId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot withdraw the code of " + deviceId, e);
        }
    }

    @Override
    public List<Listed> list() {
        try {
            return codes.list();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the enrollment codes", e);
        }
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("EST on https://")
                .append(address().getHostString())
                .append(':')
                .append(address().getPort())
                .append("/.well-known/est/\n");
        b.append("classes: ").append(classes.get()).append('\n');
        b.append("issued: ")
                .append(audit.issuedCount())
                .append(", pending: ")
                .append(front.pendingCount())
                .append(", open connections: ")
                .append(server.openConnections())
                .append('\n');
        b.append("refused: 400=")
                .append(audit.refusedCount(400))
                .append(" 401=")
                .append(audit.refusedCount(401))
                .append(" 403=")
                .append(audit.refusedCount(403))
                .append(" 413=")
                .append(audit.refusedCount(413))
                .append(" 415=")
                .append(audit.refusedCount(415))
                .append(" 429=")
                .append(audit.refusedCount(429));
        for (ConnectionRefusal r : ConnectionRefusal.values()) {
            b.append(' ').append(r.name().toLowerCase()).append('=').append(audit.connectionRefusals(r));
        }
        return b.append('\n').toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
