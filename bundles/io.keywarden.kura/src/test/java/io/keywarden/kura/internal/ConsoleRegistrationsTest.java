package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/**
 * The console markers follow factory configurations, and every other configuration event passes without an exception:
 * ConfigurationAdmin logs an exception thrown by a listener as an ERROR, so on Kura one would appear on every
 * configuration change of any component (singleton configurations have no factory pid).
 */
class ConsoleRegistrationsTest {
    /** Service pids registered as ConfigurableComponent markers, in order. */
    private final List<String> registered = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(ConsoleRegistrationsTest.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private BundleContext context() {
        return proxy(BundleContext.class, (p, m, args) -> {
            if (m.getName().equals("registerService")) {
                registered.add((String) ((Dictionary<?, ?>) args[2]).get("service.pid"));
                return null;
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static ConfigurationAdmin configurationAdmin() {
        return proxy(ConfigurationAdmin.class, (p, m, args) -> switch (m.getName()) {
            case "listConfigurations" -> null;
            case "getConfiguration" -> configuration((String) args[0]);
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Configuration configuration(String pid) {
        return proxy(Configuration.class, (p, m, args) -> switch (m.getName()) {
            case "getPid" -> pid;
            case "getProperties" -> new Hashtable<>(Map.of("kura.service.pid", "sensor-7"));
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static ConfigurationEvent event(int type, String factoryPid, String pid) {
        ServiceReference<ConfigurationAdmin> ref = proxy(ServiceReference.class, (p, m, args) -> null);
        return new ConfigurationEvent(ref, type, factoryPid, pid);
    }

    @Test
    void nonFactoryEventsPassAndFactoryInstancesGetMarkers() {
        ConsoleRegistrations registrations = new ConsoleRegistrations(context(), configurationAdmin());
        assertEquals(ConsoleRegistrations.SINGLETON_PIDS, registered);

        // a singleton configuration of any component (Kura's own included): no factory pid, nothing to do
        registrations.configurationEvent(
                event(ConfigurationEvent.CM_UPDATED, null, "org.eclipse.kura.clock.ClockService"));
        registrations.configurationEvent(event(ConfigurationEvent.CM_DELETED, null, "io.keywarden.monitor"));
        registrations.configurationEvent(
                event(ConfigurationEvent.CM_UPDATED, "some.other.factory", "some.other.factory.1"));
        assertEquals(ConsoleRegistrations.SINGLETON_PIDS.size(), registered.size());

        registrations.configurationEvent(
                event(ConfigurationEvent.CM_UPDATED, "io.keywarden.acme.sensor", "io.keywarden.acme.sensor.abc"));
        assertEquals("io.keywarden.acme.sensor.abc", registered.get(registered.size() - 1));
    }
}
