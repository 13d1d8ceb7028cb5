package io.keywarden.api.fleet;

/** EventAdmin topics, property keys and service properties of the fleet notice component. */
public final class FleetEvents {
    public static final String TOPIC_PREFIX = "io/keywarden/fleet/";
    /** The broker acknowledged a notice this node signed. */
    public static final String TOPIC_NOTICE_PUBLISHED = TOPIC_PREFIX + "NOTICE_PUBLISHED";
    /** A verified notice denied at least one certificate that was not denied before. */
    public static final String TOPIC_NOTICE_APPLIED = TOPIC_PREFIX + "NOTICE_APPLIED";
    /** A message on the notice topic failed verification; {@link #PROPERTY_ERROR} says why. Nothing was denied. */
    public static final String TOPIC_NOTICE_REJECTED = TOPIC_PREFIX + "NOTICE_REJECTED";

    public static final String PROPERTY_TICKET_ID = "ticket.id";
    /** String[] of serials (lowercase hexadecimal). */
    public static final String PROPERTY_SERIALS = "serials";
    public static final String PROPERTY_AUTHORITY = "authority";
    public static final String PROPERTY_MQTT_TOPIC = "mqtt.topic";
    public static final String PROPERTY_ERROR = "error";

    /** Service property on every {@code DenyList} service saying where its entries come from. */
    public static final String DENY_SOURCE_PROPERTY = "keywarden.deny.source";
    /** {@link #DENY_SOURCE_PROPERTY} of the deny list fed by fleet notices. */
    public static final String DENY_SOURCE_NOTICES = "fleet-notices";

    private FleetEvents() {
    }
}
