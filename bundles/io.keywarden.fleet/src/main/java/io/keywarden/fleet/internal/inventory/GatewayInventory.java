package io.keywarden.fleet.internal.inventory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.fleet.internal.log.LogStore;

/**
 * A remote gateway's certificates as the authority knows them: the records of the gateway's accepted issuance log, one
 * per entry, never replaced or re-accounted. A view on the {@link LogStore}: each call asks the store, so the heap
 * holds no record of it (a store failure surfaces as an {@link UncheckedIOException} to the caller, who must not take
 * it for an empty inventory).
 */
public final class GatewayInventory implements CertificateInventory {

    private final String gatewayId;
    private final LogStore store;

    GatewayInventory(String gatewayId, LogStore store) {
        this.gatewayId = gatewayId;
        this.store = store;
    }

    public String gatewayId() {
        return gatewayId;
    }

    @Override
    public List<CertificateRecord> getAll() {
        try {
            return store.records(gatewayId);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        try {
            return store.recordsOfDevice(gatewayId, deviceId);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        try {
            return store.record(gatewayId, serial);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private UncheckedIOException unavailable(IOException e) {
        return new UncheckedIOException("the issuance log of " + gatewayId + " cannot be read: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "fleet inventory of " + gatewayId;
    }
}
