package io.keywarden.api.fleet;

/** EventAdmin topics, property keys and service properties of the fleet component (notices and inventories). */
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

    /** An authority accepted a gateway's signed inventory (and stored it); {@link #PROPERTY_GATEWAY_ID} names it. */
    public static final String TOPIC_INVENTORY_ACCEPTED = TOPIC_PREFIX + "INVENTORY_ACCEPTED";
    /** An authority refused a message on an inventory or escrow topic; {@link #PROPERTY_ERROR} says why. */
    public static final String TOPIC_INVENTORY_REJECTED = TOPIC_PREFIX + "INVENTORY_REJECTED";
    /** An authority accepted a gateway's signed escrow deposit and handed it to the revocation component. */
    public static final String TOPIC_ESCROW_ACCEPTED = TOPIC_PREFIX + "ESCROW_ACCEPTED";
    /** The gateway id a message was published for (the last level of its MQTT topic). */
    public static final String PROPERTY_GATEWAY_ID = "gateway.id";

    /** Service property on every {@code CertificateInventory} an authority serves for a remote gateway. */
    public static final String INVENTORY_SOURCE_PROPERTY = "keywarden.inventory.source";
    /** {@link #INVENTORY_SOURCE_PROPERTY} of the inventories collected over the fleet's MQTT broker. */
    public static final String INVENTORY_SOURCE_FLEET = "fleet";
    /** Service property: the id of the remote gateway whose certificates a fleet inventory holds. */
    public static final String INVENTORY_GATEWAY_PROPERTY = "keywarden.inventory.gateway";

    private FleetEvents() {}
}
