package io.keywarden.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.support.config.InvalidConfigurationException;

/** A bad value is reported the way every Keywarden component reports it, and nothing starts. */
class ConfigInvalidEventTest {
    @TempDir
    Path dir;

    private final List<Event> posted = new ArrayList<>();

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

    private MonitorComponent component() {
        MonitorComponent c = new MonitorComponent(
                refuseAll(GatewayEnrollmentService.class, "getDeviceId", "gw-1"),
                refuseAll(CertificateInventory.class, "none", null));
        c.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        };
        return c;
    }

    @Test
    void aBadPortPostsConfigInvalidNamingTheProperty() {
        Map<String, Object> p = new HashMap<>(Map.of("channel.port", "70000"));
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> component().activate(refuseAll(BundleContext.class, "getDataFile", dir.toFile()), p));
        assertEquals("channel.port", e.getProperty());
        assertPosted("channel.port", "70000 is outside 0..65535");
    }

    @Test
    void anUnreadablePolicyFileIsABadValueOfPolicyFile() throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{ not json");
        Map<String, Object> p = new HashMap<>(Map.of("policy.file", policy.toString(), "data.dir", dir.toString()));
        assertThrows(
                InvalidConfigurationException.class,
                () -> component().activate(refuseAll(BundleContext.class, "getDataFile", dir.toFile()), p));
        assertPosted("policy.file", "");
    }

    @Test
    void aResponseThatIsNotAnActionIsNamed() {
        Map<String, Object> p = new HashMap<>(Map.of("rule.unknown.firmware.action", "shrug"));
        assertThrows(
                InvalidConfigurationException.class,
                () -> component().activate(refuseAll(BundleContext.class, "getDataFile", dir.toFile()), p));
        assertPosted("rule.unknown.firmware.action", "QUARANTINE");
    }

    @Test
    void aPortAnotherProcessHoldsIsABadValueOfChannelPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, Object> p = new HashMap<>(Map.of(
                    "channel.bind.address",
                    "127.0.0.1",
                    "channel.port",
                    taken.getLocalPort(),
                    "data.dir",
                    dir.toString(),
                    "gateway.scan.seconds",
                    0));
            InvalidConfigurationException e = assertThrows(
                    InvalidConfigurationException.class,
                    () -> component().activate(refuseAll(BundleContext.class, "getDataFile", dir.toFile()), p));
            assertEquals("channel.port", e.getProperty());
            assertPosted("channel.port", "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    private void assertPosted(String property, String detail) {
        assertEquals(1, posted.size(), posted.toString());
        Event ev = posted.get(0);
        assertEquals(EnrollmentEvents.TOPIC_CONFIG_INVALID, ev.getTopic());
        assertEquals("io.keywarden.monitor", ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID));
        assertEquals(property, ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
        String error = String.valueOf(ev.getProperty(EnrollmentEvents.PROPERTY_ERROR));
        assertTrue(error.startsWith(property + ": ") && error.contains(detail), error);
    }
}
