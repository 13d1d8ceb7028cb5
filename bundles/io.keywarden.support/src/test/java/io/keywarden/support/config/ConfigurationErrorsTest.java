package io.keywarden.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.LoggerFactory;

class ConfigurationErrorsTest {
    private final List<Event> posted = new ArrayList<>();
    private final EventAdmin events = new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            throw new AssertionError("configuration errors are posted, never sent synchronously");
        }
    };

    @Test
    void aRejectionIsPostedNamingPidPropertyAndReason() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> ConfigurationErrors.parse(LoggerFactory.getLogger(getClass()), events, "io.keywarden.x", () -> {
                    throw new InvalidConfigurationException("some.port", "99999 is outside 1..65535");
                }));
        assertEquals(1, posted.size());
        Event ev = posted.get(0);
        assertEquals("io/keywarden/enrollment/CONFIG_INVALID", ev.getTopic());
        assertEquals("io.keywarden.x", ev.getProperty("config.pid"));
        assertEquals("some.port", ev.getProperty("config.property"));
        assertEquals("some.port: 99999 is outside 1..65535", ev.getProperty("error"));
        assertEquals("99999 is outside 1..65535", e.getProblem());
    }

    @Test
    void withoutEventAdminTheRejectionIsStillThrownAndAValidOneReturned() throws Exception {
        InvalidConfigurationException e = new InvalidConfigurationException("p", "bad");
        assertSame(e, ConfigurationErrors.report(LoggerFactory.getLogger(getClass()), null, "pid", e));
        assertEquals("ok", ConfigurationErrors.parse(LoggerFactory.getLogger(getClass()), events, "pid", () -> "ok"));
        assertEquals(0, posted.size());
    }
}
