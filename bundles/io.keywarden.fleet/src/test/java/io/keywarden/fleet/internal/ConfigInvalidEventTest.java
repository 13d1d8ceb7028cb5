package io.keywarden.fleet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.support.config.InvalidConfigurationException;

/** A bad value is reported the way every Keywarden component reports it, before anything else happens. */
class ConfigInvalidEventTest {
    @TempDir
    Path dir;

    private final List<Event> posted = new ArrayList<>();

    @Test
    void aBadBrokerUrlPostsConfigInvalidNamingTheProperty() {
        FleetNoticeComponent component = new FleetNoticeComponent();
        component.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        };
        BundleContext context = (BundleContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getDataFile")) {
                        return dir.toFile();
                    }
                    throw new AssertionError("BundleContext." + method.getName() + " called with a bad configuration");
                });
        Map<String, Object> p = new HashMap<>(Map.of("mqtt.broker.url", "http://broker.example", "fleet.id", "f1"));
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> component.activate(context, p));
        assertEquals("mqtt.broker.url", e.getProperty());
        assertEquals(1, posted.size(), posted.toString());
        Event ev = posted.get(0);
        assertEquals(EnrollmentEvents.TOPIC_CONFIG_INVALID, ev.getTopic());
        assertEquals("io.keywarden.fleet", ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID));
        assertEquals("mqtt.broker.url", ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
        assertTrue(
                String.valueOf(ev.getProperty(EnrollmentEvents.PROPERTY_ERROR)).contains("tcp or ssl"));
    }
}
