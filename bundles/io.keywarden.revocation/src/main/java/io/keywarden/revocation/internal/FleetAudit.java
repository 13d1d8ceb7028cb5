package io.keywarden.revocation.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

import io.keywarden.api.fleet.FleetEvents;

/**
 * Puts what the fleet bundle decides about gateways' reports into this node's audit log, beside the revocation
 * decisions they feed: refused reports and deposits ({@code FLEET_REFUSED}, already rate-limited at the source),
 * log incidents ({@code FLEET_INCIDENT}) and frozen gateways ({@code FLEET_FROZEN}).
 */
final class FleetAudit implements EventHandler {
    static final String[] TOPICS = {
        FleetEvents.TOPIC_INVENTORY_REJECTED, FleetEvents.TOPIC_LOG_INCIDENT, FleetEvents.TOPIC_GATEWAY_FROZEN
    };
    private static final String[] FIELDS = {
        FleetEvents.PROPERTY_GATEWAY_ID,
        FleetEvents.PROPERTY_INCIDENT,
        FleetEvents.PROPERTY_SEQUENCE,
        FleetEvents.PROPERTY_MQTT_TOPIC,
        FleetEvents.PROPERTY_ERROR,
        FleetEvents.PROPERTY_COUNT,
        FleetEvents.PROPERTY_SUPPRESSED
    };

    private final BiConsumer<String, Map<String, Object>> audit;

    FleetAudit(BiConsumer<String, Map<String, Object>> audit) {
        this.audit = audit;
    }

    @Override
    public void handleEvent(Event event) {
        String name = switch (event.getTopic()) {
            case FleetEvents.TOPIC_LOG_INCIDENT -> "FLEET_INCIDENT";
            case FleetEvents.TOPIC_GATEWAY_FROZEN -> "FLEET_FROZEN";
            default -> "FLEET_REFUSED";
        };
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String f : FIELDS) {
            Object v = event.getProperty(f);
            if (v != null) {
                fields.put(f, v instanceof Number ? v : String.valueOf(v));
            }
        }
        audit.accept(name, fields);
    }
}
