package io.keywarden.revocation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;

/** An inventory holding the records a test gives it. */
public final class FakeInventory implements CertificateInventory {
    private final List<CertificateRecord> records = new ArrayList<>();

    public FakeInventory add(CertificateRecord r) {
        records.add(r);
        return this;
    }

    @Override
    public List<CertificateRecord> getAll() {
        return List.copyOf(records);
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return records.stream().filter(r -> r.getDeviceId().equals(deviceId)).toList();
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        return records.stream().filter(r -> r.getSerial().equals(serial)).findFirst();
    }
}
