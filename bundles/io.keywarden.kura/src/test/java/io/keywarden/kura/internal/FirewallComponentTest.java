package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The opt-in firewall entry: Kura's ConfigurationService receives exactly the change a console user would make on
 * Firewall > Open Ports, and exactly its removal, with every other entry kept as it was.
 */
class FirewallComponentTest {
    /** Kura's default open ports on a managed device (shape as Kura writes them). */
    static final String DEFAULTS = "22,tcp,,,,,,#;443,tcp,,eth0,,,,#;4443,tcp,,eth0,,,,#;1450,tcp,,eth0,,,,#;"
            + "53,udp,,eth0,,,,#;67,udp,,eth0,,,,#;";

    static final String OURS = "8443,tcp,0.0.0.0/0,eth0,,,,#";

    @TempDir
    Path data;

    private final FakeConfigurationService kura = new FakeConfigurationService();
    private final Map<String, Object> monitor = new HashMap<>(Map.of("channel.port", 8443));

    @BeforeEach
    void kuraManagesTheFirewall() {
        kura.configurations.put(
                FirewallOpenPorts.FIREWALL_PID, new HashMap<>(Map.of(FirewallOpenPorts.PROPERTY, DEFAULTS)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(FirewallComponentTest.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private BundleContext context() {
        return proxy(BundleContext.class, (p, m, a) -> {
            if (m.getName().equals("getDataFile")) {
                return new File(data.toFile(), (String) a[0]);
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private ConfigurationAdmin configurationAdmin() {
        Configuration c = proxy(Configuration.class, (p, m, a) -> {
            if (m.getName().equals("getProperties")) {
                return new Hashtable<>(monitor);
            }
            throw new UnsupportedOperationException(m.getName());
        });
        return proxy(ConfigurationAdmin.class, (p, m, a) -> {
            if (m.getName().equals("getConfiguration") && FirewallComponent.MONITOR_PID.equals(a[0])) {
                return c;
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    static FirewallConfig config(boolean enabled, String iface, int port) {
        return (FirewallConfig) Proxy.newProxyInstance(
                FirewallComponentTest.class.getClassLoader(),
                new Class<?>[] {FirewallConfig.class},
                (p, m, a) -> switch (m.getName()) {
                    case "firewall_open_enabled" -> enabled;
                    case "firewall_interface" -> iface;
                    case "firewall_port" -> port;
                    case "annotationType" -> FirewallConfig.class;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private String openPorts() {
        return (String) kura.configurations.get(FirewallOpenPorts.FIREWALL_PID).get(FirewallOpenPorts.PROPERTY);
    }

    @Test
    void offByDefaultChangesNothing() {
        new FirewallComponent(kura, configurationAdmin(), context(), config(false, "eth0", 0));
        assertEquals(List.of(), kura.updates);
    }

    @Test
    void addsTheMonitorsChannelPortAndRemovesExactlyThatEntry() {
        FirewallComponent c = new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        assertEquals(
                List.of(new FakeConfigurationService.Update(
                        FirewallOpenPorts.FIREWALL_PID,
                        Map.of(FirewallOpenPorts.PROPERTY, DEFAULTS + OURS + ";"),
                        true)),
                kura.updates);

        // a restart with the same configuration adds nothing twice
        new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        assertEquals(1, kura.updates.size());

        // the operator adds an entry of their own meanwhile; switching off removes ours only
        String operators = openPorts() + "9000,tcp,10.0.0.0/8,eth1,,,,#;";
        kura.configurations.get(FirewallOpenPorts.FIREWALL_PID).put(FirewallOpenPorts.PROPERTY, operators);
        c.modified(config(false, "eth0", 0));
        assertEquals(
                new FakeConfigurationService.Update(
                        FirewallOpenPorts.FIREWALL_PID,
                        Map.of(FirewallOpenPorts.PROPERTY, DEFAULTS + "9000,tcp,10.0.0.0/8,eth1,,,,#;"),
                        true),
                kura.updates.get(kura.updates.size() - 1));
        c.modified(config(false, "eth0", 0));
        assertEquals(2, kura.updates.size(), "nothing left to remove");
    }

    @Test
    void anotherPortOrInterfaceMovesTheEntry() {
        FirewallComponent c = new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        c.modified(config(true, "wlan0", 9443));
        assertEquals(DEFAULTS + "9443,tcp,0.0.0.0/0,wlan0,,,,#;", openPorts());
    }

    @Test
    void anEquivalentEntryOfTheOperatorIsNeitherDuplicatedNorRemoved() {
        String withOperators = DEFAULTS + "8443,tcp,,eth0,,,,#;";
        kura.configurations.get(FirewallOpenPorts.FIREWALL_PID).put(FirewallOpenPorts.PROPERTY, withOperators);
        FirewallComponent c = new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        c.modified(config(false, "eth0", 0));
        assertEquals(List.of(), kura.updates);
        assertEquals(withOperators, openPorts());
    }

    @Test
    void noFirewallServiceOrAFreeChannelPortChangesNothing() {
        kura.configurations.clear();
        new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        assertEquals(List.of(), kura.updates);
        kuraManagesTheFirewall();
        monitor.put("channel.port", 0);
        new FirewallComponent(kura, configurationAdmin(), context(), config(true, "eth0", 0));
        assertEquals(List.of(), kura.updates);
        assertFalse(data.resolve("firewall-entry").toFile().exists());
    }

    @Test
    void entriesKeepTheirText() {
        assertEquals("A;" + OURS, FirewallOpenPorts.add("A", OURS));
        assertEquals("A", FirewallOpenPorts.remove("A;" + OURS, OURS));
        assertEquals("", FirewallOpenPorts.remove(OURS + ";", OURS));
        assertEquals("B;", FirewallOpenPorts.remove(OURS + ";B;", OURS));
        assertTrue(FirewallOpenPorts.opens("22,tcp,,,,,,#;8443,tcp,0.0.0.0/0,eth0,,,,#;", OURS));
        assertFalse(FirewallOpenPorts.opens("8443,tcp,10.0.0.0/8,eth0,,,,#;", OURS), "restricted to a network");
        assertFalse(FirewallOpenPorts.opens("8443,udp,,eth0,,,,#;", OURS));
    }
}
