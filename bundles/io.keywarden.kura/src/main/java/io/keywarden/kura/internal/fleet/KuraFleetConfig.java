package io.keywarden.kura.internal.fleet;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Console configuration of the fleet's Kura cloud transport. */
@ObjectClassDefinition(
        id = KuraFleetTransport.PID,
        name = "Keywarden fleet cloud transport",
        description =
                "Carries Keywarden's fleet messages over this gateway's Kura cloud connection: revocation notices "
                        + "in through a CloudSubscriber, the gateway's signed issuance log and escrow deposit out through "
                        + "CloudPublishers. Used by the Keywarden fleet component when its transport is kura-cloud (the "
                        + "default there when no MQTT broker URL is set). See docs/fleet-transport.md.")
@interface KuraFleetConfig {

    @AttributeDefinition(
            name = "CloudPublisher target filter",
            description = "The CloudPublisher for the gateway's "
                    + "issuance log, e.g. (kura.service.pid=keywarden-inventory). A raw MQTT publisher: topic "
                    + "keywarden/<fleet id>/log/<gateway id>, QoS 1, retain true.")
    String CloudPublisher_target() default KuraFleetTransport.UNCHOSEN;

    @AttributeDefinition(
            name = "Escrow CloudPublisher target filter",
            description =
                    "The CloudPublisher for the "
                            + "gateway's escrow deposit, e.g. (kura.service.pid=keywarden-escrow). A raw MQTT publisher: topic "
                            + "keywarden/<fleet id>/escrow/<gateway id>, QoS 1, retain true. Without one, deposits wait in the outbox.")
    String EscrowCloudPublisher_target() default KuraFleetTransport.UNCHOSEN;

    @AttributeDefinition(
            name = "CloudSubscriber target filter",
            description = "The CloudSubscriber for revocation "
                    + "notices, e.g. (kura.service.pid=keywarden-notices). A raw MQTT subscriber: topic filter "
                    + "keywarden/<fleet id>/revocation-notices/+, QoS 1.")
    String CloudSubscriber_target() default KuraFleetTransport.UNCHOSEN;

    @AttributeDefinition(
            name = "Log acknowledgement CloudSubscriber target filter",
            description = "The CloudSubscriber for the fleet "
                    + "authority's acknowledgements of the gateway's issuance log, e.g. "
                    + "(kura.service.pid=keywarden-log-ack). A raw MQTT subscriber: topic filter "
                    + "keywarden/<fleet id>/log-ack/<gateway id>, QoS 1. Without one, the gateway sends its whole log "
                    + "again at every reconnection.")
    String AckCloudSubscriber_target() default KuraFleetTransport.UNCHOSEN;
}
