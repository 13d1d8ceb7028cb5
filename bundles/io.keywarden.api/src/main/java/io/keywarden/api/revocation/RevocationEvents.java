package io.keywarden.api.revocation;

/** EventAdmin topics and property keys posted by the revocation component. */
public final class RevocationEvents {
    public static final String TOPIC_PREFIX = "io/keywarden/revocation/";
    /** A request passed every check; its certificates are denied from now on. Posted before submit returns. */
    public static final String TOPIC_ACCEPTED = TOPIC_PREFIX + "ACCEPTED";
    /** A request failed a check. */
    public static final String TOPIC_REFUSED = TOPIC_PREFIX + "REFUSED";
    /** Every certificate of a ticket is revoked at the CA. */
    public static final String TOPIC_REVOKED = TOPIC_PREFIX + "REVOKED";
    /** The CA refused every allowed route for some certificate of a ticket. */
    public static final String TOPIC_FAILED = TOPIC_PREFIX + "FAILED";

    public static final String PROPERTY_TICKET_ID = "ticket.id";
    public static final String PROPERTY_REQUESTER = "requester";
    /** The target as {@code kind:value}. */
    public static final String PROPERTY_TARGET = "target";
    /** The RFC 5280 reason code, an Integer. */
    public static final String PROPERTY_REASON = "reason";
    /** The targeted serials, a String[]. */
    public static final String PROPERTY_SERIALS = "serials";
    /** The targeted device ids, a String[]. */
    public static final String PROPERTY_DEVICE_IDS = "device.ids";
    /** The {@link RefusalReason} name. */
    public static final String PROPERTY_REFUSAL = "refusal";
    /** The routes that worked, a String[] of {@link RevocationRoute} names. */
    public static final String PROPERTY_ROUTES = "routes";

    public static final String PROPERTY_DETAIL = "detail";

    /**
     * Value of the {@code keywarden.deny.source} service property ({@code FleetEvents.DENY_SOURCE_PROPERTY}) on the
     * {@link DenyList} of the revocation component: entries from requests this node accepted.
     */
    public static final String DENY_SOURCE_REVOCATION = "revocation";

    private RevocationEvents() {}
}
