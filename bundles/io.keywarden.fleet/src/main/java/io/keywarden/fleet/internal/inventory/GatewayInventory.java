package io.keywarden.fleet.internal.inventory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.fleet.internal.log.IssuanceEvent;

/**
 * A remote gateway's certificates as the authority knows them: the fold of the gateway's accepted issuance log, one
 * record per entry, never replaced or re-accounted. Read by any thread; grown by the collector's thread only.
 */
public final class GatewayInventory implements CertificateInventory {

    private final String gatewayId;
    private volatile List<CertificateRecord> records = List.of();
    private final List<String> hashes = new ArrayList<>();

    GatewayInventory(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /** A copy to try entries on before they are stored. */
    GatewayInventory copy() {
        GatewayInventory c = new GatewayInventory(gatewayId);
        c.records = records;
        c.hashes.addAll(hashes);
        return c;
    }

    public String gatewayId() {
        return gatewayId;
    }

    /** Sequence number of the last accepted entry, 0 before the first. */
    long head() {
        return hashes.size();
    }

    /** Hash of the accepted entry at {@code seq} ({@link IssuanceEvent#GENESIS} at 0). */
    String hashAt(long seq) {
        return seq == 0 ? IssuanceEvent.GENESIS : hashes.get((int) seq - 1);
    }

    void append(IssuanceEvent e) {
        List<CertificateRecord> next = new ArrayList<>(records);
        next.add(e.record());
        hashes.add(e.hash());
        records = List.copyOf(next);
    }

    /** The serials of the gateway's own (GATEWAY) certificates: the ones that may speak for it. */
    Set<String> gatewaySerials() {
        Set<String> out = new LinkedHashSet<>();
        records.stream().filter(this::own).forEach(r -> out.add(r.getSerial()));
        return out;
    }

    /** The ACME accounts that ordered the gateway's own certificates. */
    Set<String> accounts() {
        Set<String> out = new LinkedHashSet<>();
        records.stream().filter(this::own).forEach(r -> out.add(r.getAccountUrl()));
        return out;
    }

    private boolean own(CertificateRecord r) {
        return r.getKind() == DeviceKind.GATEWAY && r.getDeviceId().equals(gatewayId);
    }

    @Override
    public List<CertificateRecord> getAll() {
        return records;
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return records.stream().filter(r -> r.getDeviceId().equals(deviceId)).toList();
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        return records.stream().filter(r -> r.getSerial().equals(serial)).findFirst();
    }

    @Override
    public String toString() {
        return "fleet inventory of " + gatewayId + " (" + records.size() + " certificates, log head " + head() + ")";
    }
}
