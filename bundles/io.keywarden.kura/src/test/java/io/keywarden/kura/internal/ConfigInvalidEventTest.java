package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.keywarden.api.enrollment.EnrollmentEvents;

/**
 * A bad console value is reported like in every Keywarden component; the component stays registered (Kura edits only
 * registered components) and refuses to create keys until the value is corrected.
 */
class ConfigInvalidEventTest {
    private final List<Event> posted = new ArrayList<>();

    private static KuraEnrollmentConfig config(String alias, String keyType) {
        Map<String, Object> values = Map.of(
                "keystore_alias",
                alias,
                "key_type",
                keyType,
                "KeystoreService_target",
                "(kura.service.pid=SSLKeystore)");
        return (KuraEnrollmentConfig) Proxy.newProxyInstance(
                KuraEnrollmentConfig.class.getClassLoader(),
                new Class<?>[] {KuraEnrollmentConfig.class},
                (proxy, method, args) -> values.get(method.getName()));
    }

    private KuraEnrollmentComponent component(KuraEnrollmentConfig config) {
        KeystoreService noEntries = (KeystoreService) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {KeystoreService.class}, (proxy, method, args) -> null);
        KuraEnrollmentComponent c = new KuraEnrollmentComponent(new FakeGateway(), noEntries, config);
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
    void anUnknownKeyTypePostsConfigInvalidAndRekeyRefuses() {
        KuraEnrollmentComponent c = component(config("keywarden-gateway", "DSA_1024"));
        c.activate();
        assertEquals(1, posted.size(), posted.toString());
        Event ev = posted.get(0);
        assertEquals(EnrollmentEvents.TOPIC_CONFIG_INVALID, ev.getTopic());
        assertEquals("io.keywarden.kura.enrollment", ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID));
        assertEquals("key.type", ev.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
        assertTrue(
                String.valueOf(ev.getProperty(EnrollmentEvents.PROPERTY_ERROR)).contains("EC_P256"));
        KuraException e = assertThrows(KuraException.class, c::rekey);
        assertEquals(KuraErrorCode.CONFIGURATION_ATTRIBUTE_INVALID, e.getCode());
    }

    @Test
    void aCorrectionIsQuietAndABlankAliasIsNamed() {
        KuraEnrollmentComponent c = component(config("keywarden-gateway", "EC_P384"));
        c.activate();
        assertEquals(0, posted.size(), posted.toString());
        c.modified(config(" ", "EC_P256"));
        assertEquals(1, posted.size(), posted.toString());
        assertEquals("keystore.alias", posted.get(0).getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY));
    }
}
