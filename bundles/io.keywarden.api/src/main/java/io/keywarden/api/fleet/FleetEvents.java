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

    /**
     * Not posted any more: inventories arrive as issuance logs ({@link #TOPIC_LOG_ACCEPTED}). Kept for compatibility.
     */
    public static final String TOPIC_INVENTORY_ACCEPTED = TOPIC_PREFIX + "INVENTORY_ACCEPTED";
    /**
     * An authority refused a message on a log or escrow topic; {@link #PROPERTY_ERROR} says why. Rate-limited per
     * gateway ({@link #PROPERTY_SUPPRESSED}).
     */
    public static final String TOPIC_INVENTORY_REJECTED = TOPIC_PREFIX + "INVENTORY_REJECTED";
    /** An authority accepted a gateway's signed escrow deposit and handed it to the revocation component. */
    public static final String TOPIC_ESCROW_ACCEPTED = TOPIC_PREFIX + "ESCROW_ACCEPTED";
    /**
     * An authority found a gap, a fork or a rewrite in a gateway's signed issuance log ({@link #PROPERTY_INCIDENT}
     * says which, {@link #PROPERTY_SEQUENCE} where); the entry was not stored and the recorded log is unchanged.
     */
    public static final String TOPIC_LOG_INCIDENT = TOPIC_PREFIX + "LOG_INCIDENT";
    /** An authority appended entries to a gateway's issuance log; {@link #PROPERTY_SEQUENCE} is the new head. */
    public static final String TOPIC_LOG_ACCEPTED = TOPIC_PREFIX + "LOG_ACCEPTED";
    /**
     * An authority froze a gateway's recorded state after an accepted {@code COMPROMISED_GATEWAY} ticket: from now
     * on nothing the gateway signs is believed.
     */
    public static final String TOPIC_GATEWAY_FROZEN = TOPIC_PREFIX + "GATEWAY_FROZEN";
    /** {@code GAP}, {@code FORK} or {@code REWRITE}. */
    public static final String PROPERTY_INCIDENT = "incident";
    /** A Long: the sequence number of a log entry. */
    public static final String PROPERTY_SEQUENCE = "sequence";
    /** A Long: how many refusals (or incidents of this kind) the node has seen since it started. */
    public static final String PROPERTY_COUNT = "count";
    /** A Long: how many like this one were collapsed into this report since the previous one. */
    public static final String PROPERTY_SUPPRESSED = "suppressed";

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
