package io.keywarden.api.monitor;

/** EventAdmin topics and property keys posted by the monitor. */
public final class MonitorEvents {
    public static final String TOPIC_PREFIX = "io/keywarden/monitor/";
    /** A rule fired; posted once the response is in force. */
    public static final String TOPIC_INCIDENT = TOPIC_PREFIX + "INCIDENT";
    /** A device is refused on the sensor channel from now on. */
    public static final String TOPIC_QUARANTINED = TOPIC_PREFIX + "QUARANTINED";
    /** An operator lifted a device's quarantine. */
    public static final String TOPIC_RELEASED = TOPIC_PREFIX + "RELEASED";

    /** The sensor channel refused a client at the handshake or a request; {@link #PROPERTY_REASON} says why. */
    public static final String TOPIC_REFUSED = TOPIC_PREFIX + "REFUSED";

    public static final String PROPERTY_INCIDENT_ID = "incident.id";
    public static final String PROPERTY_DEVICE_ID = "device.id";
    public static final String PROPERTY_SERIAL = "serial";
    public static final String PROPERTY_RULE = "rule";
    /** The {@link Severity} name. */
    public static final String PROPERTY_SEVERITY = "severity";
    /** The {@link ResponseAction} name. */
    public static final String PROPERTY_ACTION = "action";
    /** Epoch milliseconds, a Long. */
    public static final String PROPERTY_OBSERVED_AT = "observed.at";
    /** Epoch milliseconds, a Long. */
    public static final String PROPERTY_DECIDED_AT = "decided.at";

    public static final String PROPERTY_REASON = "reason";
    /** Where a refusal happened: {@code handshake} or {@code request}. */
    public static final String PROPERTY_STAGE = "stage";
    /** The client's source address. */
    public static final String PROPERTY_SOURCE = "source";

    public static final String PROPERTY_REVOCATION_TICKET = "revocation.ticket";

    private MonitorEvents() {}
}
