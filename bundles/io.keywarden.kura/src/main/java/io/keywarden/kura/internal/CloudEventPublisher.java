package io.keywarden.kura.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.message.KuraPayload;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards Keywarden's EventAdmin events to the cloud. Each event becomes one message: the metric {@code topic} (the
 * EventAdmin topic), one metric per event property (arrays joined with commas), and the message property
 * {@code event} (the topic's last segment, e.g. ENROLLED) for publishers whose topic contains {@code $event}.
 */
@Component(
        configurationPid = CloudEventPublisher.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {ConfigurableComponent.class, EventHandler.class},
        property = {
            "kura.service.pid=" + CloudEventPublisher.PID,
            EventConstants.EVENT_TOPIC + "=io/keywarden/enrollment/*",
            EventConstants.EVENT_TOPIC + "=io/keywarden/revocation/*",
            EventConstants.EVENT_TOPIC + "=io/keywarden/monitor/*"
        })
@Designate(ocd = CloudEventsConfig.class)
public final class CloudEventPublisher implements ConfigurableComponent, EventHandler {
    static final String PID = "io.keywarden.kura.cloud";
    static final String METRIC_TOPIC = "topic";
    static final String PROPERTY_EVENT = "event";
    private static final Logger LOG = LoggerFactory.getLogger(CloudEventPublisher.class);

    @Reference(
            name = "CloudPublisher",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CloudPublisher publisher;

    private volatile boolean enabled;

    @Activate
    @Modified
    void configure(CloudEventsConfig config) {
        enabled = config.enabled();
    }

    @Override
    public void handleEvent(Event event) {
        CloudPublisher p = publisher;
        if (!enabled || p == null) {
            return;
        }
        try {
            p.publish(toMessage(event));
        } catch (KuraException | RuntimeException e) {
            LOG.warn("Cannot publish {} to the cloud: {}", event.getTopic(), e.getMessage());
        }
    }

    static KuraMessage toMessage(Event event) {
        KuraPayload payload = new KuraPayload();
        payload.setTimestamp(new Date());
        payload.addMetric(METRIC_TOPIC, event.getTopic());
        for (String name : event.getPropertyNames()) {
            if (name.equals(EventConstants.EVENT_TOPIC)) {
                continue;
            }
            Object metric = metricValue(event.getProperty(name));
            if (metric != null) {
                payload.addMetric(name, metric);
            }
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(
                PROPERTY_EVENT, event.getTopic().substring(event.getTopic().lastIndexOf('/') + 1));
        return new KuraMessage(payload, properties);
    }

    /** Kura metrics are scalars: strings, numbers, booleans, byte arrays. */
    private static Object metricValue(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]) {
            return v;
        }
        if (v.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                parts.add(String.valueOf(Array.get(v, i)));
            }
            return String.join(",", parts);
        }
        if (v instanceof Iterable<?> it) {
            List<String> parts = new ArrayList<>();
            it.forEach(x -> parts.add(String.valueOf(x)));
            return String.join(",", parts);
        }
        return v.toString();
    }
}
