package io.keywarden.revocation.internal;

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
import io.keywarden.revocation.internal.authority.AuthorityComponentAccess;
import io.keywarden.support.config.InvalidConfigurationException;

/** A bad value in either revocation component is reported the way every Keywarden component reports it. */
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
    /** activate() must not touch the framework before the configuration is valid: every call fails the test. */
    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("getDataFile")) {
                    return dir.toFile();
                }
                throw new AssertionError("BundleContext." + method.getName() + " called with a bad configuration");
            });

    @Test
    void aBadPolicyValuePostsConfigInvalidNamingTheProperty() {
        RevocationComponent component = new RevocationComponent();
        component.eventAdmin = events;
        Map<String, Object> p = new HashMap<>(Map.of("routes", "CUSTODIAN_ACCOUNT,TELEPATHY"));
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> component.activate(context, p));
        assertEquals("routes", e.getProperty());
        assertPosted("io.keywarden.revocation", "routes");
    }

    @Test
    void aBadAuthorityValuePostsConfigInvalidNamingTheProperty() {
        Map<String, Object> p = new HashMap<>(Map.of(
                "service.pid",
                "io.keywarden.revocation.authority~ops",
                "authority.id",
                "ops",
                "authority.role",
                "janitor",
                "authority.key",
                "unused"));
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class, () -> AuthorityComponentAccess.activate(events, context, p));
        assertEquals("authority.role", e.getProperty());
        assertPosted("io.keywarden.revocation.authority~ops", "authority.role");
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
