package io.keywarden.revocation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import io.keywarden.api.fleet.FleetEvents;

class FleetAuditTest {

    @Test
    void fleetIncidentsRefusalsAndFreezesAreAuditedWithTheirFacts() {
        List<String> lines = new ArrayList<>();
        FleetAudit audit = new FleetAudit((name, fields) -> lines.add(name + " " + fields));
        audit.handleEvent(new Event(
                FleetEvents.TOPIC_LOG_INCIDENT,
                Map.of(
                        FleetEvents.PROPERTY_GATEWAY_ID, "gw1",
                        FleetEvents.PROPERTY_INCIDENT, "FORK",
                        FleetEvents.PROPERTY_SEQUENCE, 7L,
                        FleetEvents.PROPERTY_ERROR, "entry 7 differs")));
        audit.handleEvent(new Event(
                FleetEvents.TOPIC_INVENTORY_REJECTED,
                Map.of(FleetEvents.PROPERTY_GATEWAY_ID, "gw2", FleetEvents.PROPERTY_ERROR, "frozen")));
        audit.handleEvent(new Event(FleetEvents.TOPIC_GATEWAY_FROZEN, Map.of(FleetEvents.PROPERTY_GATEWAY_ID, "gw1")));
        assertEquals(
                List.of(
                        "FLEET_INCIDENT {gateway.id=gw1, incident=FORK, sequence=7, error=entry 7 differs}",
                        "FLEET_REFUSED {gateway.id=gw2, error=frozen}",
                        "FLEET_FROZEN {gateway.id=gw1}"),
                lines);
    }
}
