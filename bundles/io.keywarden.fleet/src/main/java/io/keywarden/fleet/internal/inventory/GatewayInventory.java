package io.keywarden.fleet.internal.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;

/** A remote gateway's certificates as its last accepted inventory message listed them; replaced whole on update. */
public final class GatewayInventory implements CertificateInventory {

    /** One accepted inventory: its sequence (signing time in ms) and what it listed. */
    record Snapshot(long sequence, List<CertificateRecord> records) {}

    private final String gatewayId;
    private volatile Snapshot snapshot;

    GatewayInventory(String gatewayId, Snapshot first) {
        this.gatewayId = gatewayId;
        this.snapshot = first;
    }

    public String gatewayId() {
        return gatewayId;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    void replace(Snapshot next) {
        snapshot = next;
    }

    @Override
    public List<CertificateRecord> getAll() {
        return snapshot.records();
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return snapshot.records().stream()
                .filter(r -> r.getDeviceId().equals(deviceId))
                .toList();
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        return snapshot.records().stream()
                .filter(r -> r.getSerial().equals(serial))
                .findFirst();
    }

    @Override
    public String toString() {
        return "fleet inventory of " + gatewayId + " (" + snapshot.records().size() + " certificates, signed "
                + Instant.ofEpochMilli(snapshot.sequence()) + ")";
    }
}
