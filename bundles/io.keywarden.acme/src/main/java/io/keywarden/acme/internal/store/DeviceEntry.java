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
    /**
     * The CSR's DER once {@code CsrCheck} accepted it for these names in this run, so the order does not verify its
     * signature again; never stored: an entry read from disk is checked when it is ordered.
     */
    private final byte[] checkedCsrDer;

    public DeviceEntry(String deviceId, DeviceKind kind, List<String> identifiers, KeyCustody custody, String csrPem) {
        this(deviceId, kind, identifiers, custody, csrPem, null);
    }

    /** @param checkedCsrDer what {@code CsrCheck.check(csrPem, identifiers)} returned for this very CSR */
    public DeviceEntry(
            String deviceId,
            DeviceKind kind,
            List<String> identifiers,
            KeyCustody custody,
            String csrPem,
            byte[] checkedCsrDer) {
        this.deviceId = requireNonNull(deviceId, "deviceId");
        this.kind = requireNonNull(kind, "kind");
        this.identifiers = List.copyOf(identifiers);
        this.custody = requireNonNull(custody, "custody");
        if (custody == KeyCustody.DEVICE && csrPem == null) {
            throw new IllegalArgumentException("a device-held key needs the device's CSR");
        }
        this.csrPem = csrPem;
        if (checkedCsrDer != null && csrPem == null) {
            throw new IllegalArgumentException("a checked CSR without its PEM");
        }
        this.checkedCsrDer = checkedCsrDer == null ? null : checkedCsrDer.clone();
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

    /** The CSR's DER if it was checked in this run (see the constructor), else empty: check it before use. */
    public Optional<byte[]> getCheckedCsrDer() {
        return Optional.ofNullable(checkedCsrDer).map(byte[]::clone);
    }

    /** True when an order for this entry would ask for the same certificate as for {@code other}. */
    public boolean sameRequestAs(DeviceEntry other) {
        return kind == other.kind
                && identifiers.equals(other.identifiers)
                && custody == other.custody
                && getCsrPem().map(String::trim).equals(other.getCsrPem().map(String::trim));
    }
}
