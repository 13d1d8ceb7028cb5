package io.keywarden.acme.internal.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;

/** What the gateway must remember about a device to (re-)order its certificate: names, custody, CSR. */
public final class DeviceEntry {
    private final String deviceId;
    private final DeviceKind kind;
    private final List<String> identifiers;
    private final KeyCustody custody;
    private final String csrPem;

    public DeviceEntry(String deviceId, DeviceKind kind, List<String> identifiers, KeyCustody custody, String csrPem) {
        this.deviceId = requireNonNull(deviceId, "deviceId");
        this.kind = requireNonNull(kind, "kind");
        this.identifiers = List.copyOf(identifiers);
        this.custody = requireNonNull(custody, "custody");
        if (custody == KeyCustody.DEVICE && csrPem == null) {
            throw new IllegalArgumentException("a device-held key needs the device's CSR");
        }
        this.csrPem = csrPem;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public DeviceKind getKind() {
        return kind;
    }

    public List<String> getIdentifiers() {
        return identifiers;
    }

    public KeyCustody getCustody() {
        return custody;
    }

    public Optional<String> getCsrPem() {
        return Optional.ofNullable(csrPem);
    }

    /** True when an order for this entry would ask for the same certificate as for {@code other}. */
    public boolean sameRequestAs(DeviceEntry other) {
        return kind == other.kind
                && identifiers.equals(other.identifiers)
                && custody == other.custody
                && getCsrPem().map(String::trim).equals(other.getCsrPem().map(String::trim));
    }
}
