package io.keywarden.api.enrollment;

/** EventAdmin topics and property keys posted by the enrollment component. */
public final class EnrollmentEvents {
    public static final String TOPIC_PREFIX = "io/keywarden/enrollment/";
    /** A device received its first certificate. */
    public static final String TOPIC_ENROLLED = TOPIC_PREFIX + "ENROLLED";
    /** A device received a replacement certificate. */
    public static final String TOPIC_RENEWED = TOPIC_PREFIX + "RENEWED";
    /** An attempt failed; {@link #PROPERTY_RETRYABLE} says whether another follows. */
    public static final String TOPIC_FAILED = TOPIC_PREFIX + "FAILED";
    /** The component's configuration was rejected; {@link #PROPERTY_CONFIG_PROPERTY} names the culprit. */
    public static final String TOPIC_CONFIG_INVALID = TOPIC_PREFIX + "CONFIG_INVALID";
    /**
     * The standalone http-01 responder refused connections or requests ({@link #PROPERTY_REASON},
     * {@link #PROPERTY_SOURCE}, {@link #PROPERTY_COUNT}: how many of that kind since the last such event).
     */
    public static final String TOPIC_HTTP01_REFUSED = TOPIC_PREFIX + "HTTP01_REFUSED";

    public static final String PROPERTY_DEVICE_ID = "device.id";
    public static final String PROPERTY_DEVICE_KIND = "device.kind";
    public static final String PROPERTY_SERIAL = "serial";
    public static final String PROPERTY_NOT_AFTER = "not.after";
    public static final String PROPERTY_ERROR = "error";
    public static final String PROPERTY_RETRYABLE = "retryable";
    public static final String PROPERTY_CONFIG_PROPERTY = "config.property";
    public static final String PROPERTY_CONFIG_PID = "config.pid";
    public static final String PROPERTY_REASON = "reason";
    public static final String PROPERTY_SOURCE = "source";
    public static final String PROPERTY_COUNT = "count";

    private EnrollmentEvents() {}
}
