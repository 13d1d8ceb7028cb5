package io.keywarden.api.enrollment;

/** What kind of device a certificate belongs to. */
public enum DeviceKind {
    /** The gateway Keywarden runs on; it enrolls itself. */
    GATEWAY,
    /** A device attached to the gateway; the gateway enrolls it and is its ACME custodian. */
    SENSOR
}
