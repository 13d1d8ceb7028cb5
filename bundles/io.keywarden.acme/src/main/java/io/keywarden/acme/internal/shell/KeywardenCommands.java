package io.keywarden.acme.internal.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.keywarden.acme.internal.engine.Waits;
import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentRequest;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.support.shell.Table;

/** Gogo commands ({@code keywarden:devices}, ...) to look at and push enrollment from the console. */
@Component(
        service = KeywardenCommands.class,
        property = {
            "osgi.command.scope=keywarden",
            "osgi.command.function=devices",
            "osgi.command.function=certs",
            "osgi.command.function=status",
            "osgi.command.function=enroll",
            "osgi.command.function=renew"
        })
public final class KeywardenCommands {
    /** This node's own inventory, never one the fleet bundle serves for a remote gateway. */
    private static final String LOCAL_INVENTORY =
            "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))";

    private static final Duration WAIT = Duration.ofMinutes(3);

    private final GatewayEnrollmentService gateway;
    private final SensorEnrollmentService sensors;
    private final CertificateInventory inventory;

    @Activate
    public KeywardenCommands(
            @Reference GatewayEnrollmentService gateway,
            @Reference SensorEnrollmentService sensors,
            @Reference(target = LOCAL_INVENTORY) CertificateInventory inventory) {
        this.gateway = gateway;
        this.sensors = sensors;
        this.inventory = inventory;
    }

    /**
     * One line per device: id, kind, enrollment state, current serial, not-after. A device left without a certificate
     * by a revocation shows REVOKED and the revoked serial.
     */
    public String devices() {
        Table t = new Table("DEVICE", "KIND", "STATE", "SERIAL", "NOT AFTER", "LAST ERROR");
        row(t, gateway.getDeviceId(), "GATEWAY", gateway.getStatus(), gateway.getCertificate());
        for (String id : sensors.getDeviceIds()) {
            row(t, id, "SENSOR", sensors.getStatus(id), sensors.getCertificate(id));
        }
        return t.toString();
    }

    private void row(Table t, String id, String kind, EnrollmentStatus s, Optional<CertificateRecord> current) {
        CertificateRecord r = current.orElse(null);
        String state = s.getState().name();
        if (r == null) {
            List<CertificateRecord> all = inventory.getByDevice(id);
            CertificateRecord last = all.isEmpty() ? null : all.get(all.size() - 1);
            if (last != null && last.getStatus() == CertificateStatus.REVOKED) {
                r = last;
                state = CertificateStatus.REVOKED.name();
            }
        }
        t.add(
                id,
                kind,
                state,
                r == null ? "-" : r.getSerial(),
                r == null ? "-" : r.getNotAfter().toString(),
                s.getLastError().orElse(""));
    }

    /** Every certificate this gateway ordered (current, superseded and revoked). */
    public String certs() {
        return certTable(inventory.getAll());
    }

    public String certs(String deviceId) {
        return certTable(inventory.getByDevice(deviceId));
    }

    private static String certTable(List<CertificateRecord> records) {
        Table t = new Table("DEVICE", "SERIAL", "NOT AFTER", "STATUS", "KEY HELD BY", "NAMES");
        for (CertificateRecord r : records) {
            t.add(
                    r.getDeviceId(),
                    r.getSerial(),
                    r.getNotAfter().toString(),
                    r.getStatus().name(),
                    r.getKeyCustody().name(),
                    String.join(",", r.getIdentifiers()));
        }
        return t.toString();
    }

    public String status() {
        return "gateway " + gateway.getStatus() + "\naccount "
                + gateway.getAccountUrl().orElse("(not registered yet)") + "\nsensors "
                + sensors.getDeviceIds().size();
    }

    /** Enrolls the gateway now (no-op when it holds a current certificate). */
    public String enroll() throws EnrollmentException {
        return "enrolled " + gateway.enroll();
    }

    /** Enrolls a sensor: {@code enroll <device-id> <dns-name> [<csr.pem>]}; without a CSR the gateway makes its key. */
    public String enroll(String deviceId, String dnsName) throws EnrollmentException {
        return enrollSensor(
                SensorEnrollmentRequest.builder(deviceId).dnsName(dnsName).build());
    }

    public String enroll(String deviceId, String dnsName, String csrFile) throws EnrollmentException, IOException {
        String pem = Files.readString(Paths.get(csrFile), StandardCharsets.US_ASCII);
        return enrollSensor(SensorEnrollmentRequest.builder(deviceId)
                .dnsName(dnsName)
                .csrPem(pem)
                .build());
    }

    private String enrollSensor(SensorEnrollmentRequest request) throws EnrollmentException {
        return "enrolled "
                + waitFor(request.getDeviceId(), sensors.enroll(request).toCompletableFuture());
    }

    /** Renews the gateway's certificate now. */
    public String renew() throws EnrollmentException {
        return "renewed " + gateway.renew();
    }

    /** Renews a sensor's certificate now. */
    public String renew(String deviceId) throws EnrollmentException {
        if (deviceId.equals(gateway.getDeviceId())) {
            return renew();
        }
        return "renewed " + waitFor(deviceId, sensors.renew(deviceId).toCompletableFuture());
    }

    private CertificateRecord waitFor(String deviceId, CompletableFuture<CertificateRecord> f)
            throws EnrollmentException {
        return Waits.await(deviceId, f, WAIT, () -> sensors.getStatus(deviceId));
    }
}
