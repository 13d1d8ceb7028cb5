package io.keywarden.api.est;

/** EventAdmin topics and property keys posted by the EST server. */
public final class EstEvents {
    public static final String TOPIC_PREFIX = "io/keywarden/est/";
    /** A sensor received a certificate over EST (bootstrap or re-enrollment). */
    public static final String TOPIC_ISSUED = TOPIC_PREFIX + "ISSUED";
    /** A request or connection was refused; {@link #PROPERTY_REASON} says why. */
    public static final String TOPIC_REFUSED = TOPIC_PREFIX + "REFUSED";

    public static final String PROPERTY_DEVICE_ID = "device.id";
    public static final String PROPERTY_SERIAL = "serial";
    /** {@code simpleenroll}, {@code simplereenroll}, {@code serverkeygen}, ... or {@code connection}. */
    public static final String PROPERTY_OPERATION = "operation";
    /** {@code idevid}, {@code code} or {@code certificate}. */
    public static final String PROPERTY_AUTHENTICATION = "authentication";
    /** The HTTP status answered (an Integer); absent for refusals at the connection. */
    public static final String PROPERTY_STATUS = "status";

    public static final String PROPERTY_REASON = "reason";
    /** The peer's address. */
    public static final String PROPERTY_SOURCE = "source";
    /** Re-enrollment with a new key (a Boolean). */
    public static final String PROPERTY_REKEY = "rekey";
    /** For refusals at the connection, posted at most once a second per kind: how many since the last event (a Long). */
    public static final String PROPERTY_COUNT = "count";

    private EstEvents() {}
}
