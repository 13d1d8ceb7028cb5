package io.keywarden.support.config;

import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;

import io.keywarden.api.enrollment.EnrollmentEvents;

/**
 * How every Keywarden component reports a configuration it cannot run with: one ERROR line naming the pid, the
 * property and the reason, and the EventAdmin event {@code io/keywarden/enrollment/CONFIG_INVALID} with
 * {@code config.pid}, {@code config.property} and {@code error} (the topic the acme bundle has always posted, so
 * the Kura adapter forwards it to the cloud with the enrollment events).
 */
public final class ConfigurationErrors {

    private ConfigurationErrors() {}

    /**
     * Logs and posts the rejection, then hands the exception back for the caller to throw.
     *
     * @param eventAdmin may be null (EventAdmin is an optional reference): the log line is written anyway
     */
    public static InvalidConfigurationException report(
            Logger log, EventAdmin eventAdmin, String pid, InvalidConfigurationException e) {
        log.error(
                "Configuration {} rejected, the component stays stopped: property {}: {}",
                pid,
                e.getProperty(),
                e.getProblem());
        if (eventAdmin != null) {
            try {
                eventAdmin.postEvent(new Event(
                        EnrollmentEvents.TOPIC_CONFIG_INVALID,
                        Map.of(
                                EnrollmentEvents.PROPERTY_CONFIG_PID,
                                pid,
                                EnrollmentEvents.PROPERTY_CONFIG_PROPERTY,
                                e.getProperty(),
                                EnrollmentEvents.PROPERTY_ERROR,
                                e.getMessage())));
            } catch (IllegalStateException | SecurityException gone) {
                // EventAdmin is going away: the log line stands
            }
        }
        return e;
    }

    /** Parses a configuration, reporting a rejection as {@link #report} does before throwing it. */
    public static <T> T parse(Logger log, EventAdmin eventAdmin, String pid, Parser<T> parser)
            throws InvalidConfigurationException {
        try {
            return parser.parse();
        } catch (InvalidConfigurationException e) {
            throw report(log, eventAdmin, pid, e);
        }
    }

    /** A configuration parse that names the property at fault. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse() throws InvalidConfigurationException;
    }
}
