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

    /**
     * An authority's signed release was recorded: the held device may get one new certificate; same properties as
     * {@link #TOPIC_ACCEPTED}. @since 1.2
     */
    public static final String TOPIC_RELEASED = TOPIC_PREFIX + "RELEASED";
    /**
     * An accepted ticket names more certificates than when it was accepted (the CA listed certificates of a
     * compromised gateway's account that no report named); same properties as {@link #TOPIC_ACCEPTED}, with every
     * serial the ticket names now, all of them denied already.
     *
     * @since 1.1
     */
    public static final String TOPIC_EXTENDED = TOPIC_PREFIX + "EXTENDED";
    /**
     * What the authority found does not match what it was told: properties {@link #PROPERTY_INCIDENT},
     * {@link #PROPERTY_GATEWAY_ID}, {@link #PROPERTY_DETAIL}, and {@link #PROPERTY_SERIALS} where certificates are
     * concerned. Kinds: {@code CA_DISCREPANCY} (the CA's list of a gateway account's certificates and the
     * gateway's reports differ), {@code ESCROW_REFUSED} (a deposit refused at import), {@code ESCROW_LOCKED_OUT} (an
     * escrowed key no longer controls its account), {@code CA_LISTING_REFUSED} (the CA refused to list the account's
     * orders to the escrowed key).
     *
     * @since 1.1
     */
    public static final String TOPIC_INCIDENT = TOPIC_PREFIX + "INCIDENT";

    /**
     * A ticket's progress on its way to the CA ({@link RevocationProgress}): at most one a second per ticket while its
     * certificates are being revoked, and a last one with {@link #PROPERTY_FINAL} {@code true} when it is settled.
     * Properties {@link #PROPERTY_TICKET_ID}, {@link #PROPERTY_TOTAL}, {@link #PROPERTY_REVOKED},
     * {@link #PROPERTY_FAILED}, {@link #PROPERTY_PENDING}, {@link #PROPERTY_FAILURE_REASONS} with
     * {@link #PROPERTY_FAILURE_COUNTS}, {@link #PROPERTY_FINAL}, and {@link #PROPERTY_THROTTLED_UNTIL} while the CA
     * asked to be left alone.
     *
     * @since 1.3
     */
    public static final String TOPIC_PROGRESS = TOPIC_PREFIX + "PROGRESS";

    public static final String PROPERTY_TICKET_ID = "ticket.id";
    /** Certificates the ticket names, an Integer. @since 1.3 */
    public static final String PROPERTY_TOTAL = "progress.total";
    /** Revoked at the CA so far, an Integer. @since 1.3 */
    public static final String PROPERTY_REVOKED = "progress.revoked";
    /** Refused at the CA on every route, an Integer. @since 1.3 */
    public static final String PROPERTY_FAILED = "progress.failed";
    /** Neither yet, an Integer. @since 1.3 */
    public static final String PROPERTY_PENDING = "progress.pending";
    /** The reasons of the CA's failing answers, a String[] parallel to {@link #PROPERTY_FAILURE_COUNTS}. @since 1.3 */
    public static final String PROPERTY_FAILURE_REASONS = "failures.reasons";
    /** How often each reason was answered, a long[]. @since 1.3 */
    public static final String PROPERTY_FAILURE_COUNTS = "failures.counts";
    /** The ticket is settled: the last progress event of this ticket, a Boolean. @since 1.3 */
    public static final String PROPERTY_FINAL = "progress.final";
    /** Until when the CA asked to be left alone, ISO-8601, present only while it is. @since 1.3 */
    public static final String PROPERTY_THROTTLED_UNTIL = "throttled.until";

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
    /** The incident kind, see {@link #TOPIC_INCIDENT}. @since 1.1 */
    public static final String PROPERTY_INCIDENT = "incident";
    /** The gateway an incident concerns. @since 1.1 */
    public static final String PROPERTY_GATEWAY_ID = "gateway.id";

    /**
     * Value of the {@code keywarden.deny.source} service property ({@code FleetEvents.DENY_SOURCE_PROPERTY}) on the
     * {@link DenyList} of the revocation component: entries from requests this node accepted.
     */
    public static final String DENY_SOURCE_REVOCATION = "revocation";

    private RevocationEvents() {}
}
