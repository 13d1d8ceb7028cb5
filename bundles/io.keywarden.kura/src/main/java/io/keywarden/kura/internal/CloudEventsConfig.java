package io.keywarden.kura.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Console configuration of the cloud event publisher. */
@ObjectClassDefinition(
        id = CloudEventPublisher.PID,
        name = "Keywarden cloud events",
        description = "Publishes enrollment, renewal, incident and revocation events through a Kura CloudPublisher, "
                + "as payload metrics.")
@interface CloudEventsConfig {

    @AttributeDefinition(
            name = "CloudPublisher target filter",
            description = "The CloudPublisher to publish through, e.g. (kura.service.pid=keywarden-publisher).")
    String CloudPublisher_target() default "(kura.service.pid=changeme)";

    @AttributeDefinition(name = "Enabled", description = "Publish events.")
    boolean enabled() default true;
}
