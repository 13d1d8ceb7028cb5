package io.keywarden.acme.internal;

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
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.support.config.InvalidConfigurationException;

/** Both acme components report a bad value the way every Keywarden component does, and start nothing. */
class ConfigInvalidEventTest {
    @TempDir
    Path dir;

    private final List<Event> posted = new ArrayList<>();
    private final EventAdmin events = new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            posted.add(event);
        }
    };

    private <T> T refuseAll(Class<T> type, String allowed, Object answer) {
        return type.cast(
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                    if (method.getName().equals(allowed)) {
                        return answer;
                    }
                    throw new AssertionError(
                            type.getSimpleName() + "." + method.getName() + " called with a bad configuration");
                }));
    }

    @Test
    void aDirectoryUrlThatIsNotHttpsPostsConfigInvalidNamingIt() {
        AcmeEnrollmentComponent c = new AcmeEnrollmentComponent();
        c.eventAdmin = events;
        Map<String, Object> p = new HashMap<>(Map.of(
                "acme.directory.url",
                "http://ca.example/dir",
                "acme.trust.anchor",
                "unused",
                "gateway.dns.name",
                "gw.example"));
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> c.activate(refuseAll(BundleContext.class, "getDataFile", dir.toFile()), p));
        assertEquals("acme.directory.url", e.getProperty());
        assertPosted("io.keywarden.acme.gateway", "acme.directory.url");
    }

    @Test
    void aSensorWithoutDnsNamesPostsConfigInvalidNamingTheProperty() {
        SensorRosterComponent c = new SensorRosterComponent(refuseAll(SensorEnrollmentService.class, "none", null));
        c.eventAdmin = events;
        Map<String, Object> p = new HashMap<>(
                Map.of("service.pid", "io.keywarden.acme.sensor~s1", "device.id", "s1", "dns.names", " , "));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> c.activate(p));
        assertEquals("dns.names", e.getProperty());
        assertPosted("io.keywarden.acme.sensor~s1", "dns.names");
    }

    private void assertPosted(String pid, String property) {
        assertEquals(1, posted.size(), posted.toString());
        Event ev = posted.get(0);
        assertEquals(EnrollmentEvents.TOPIC_CONFIG_INVALID, ev.getTopic());
        assertEquals(pid, ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID));
        assertEquals(property, ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
        assertTrue(
                String.valueOf(ev.getProperty(EnrollmentEvents.PROPERTY_ERROR)).startsWith(property + ": "));
    }
}
