package io.keywarden.itests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.monitor.MonitorEvents;
import io.keywarden.api.revocation.RevocationEvents;

/** Inside the framework: records every Keywarden enrollment and revocation event EventAdmin delivers. */
final class EventRecorder implements EventHandler, AutoCloseable {

    private final List<Event> events = new ArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    EventRecorder(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {
            EnrollmentEvents.TOPIC_PREFIX + "*", RevocationEvents.TOPIC_PREFIX + "*", MonitorEvents.TOPIC_PREFIX + "*"
        });
        registration = context.registerService(EventHandler.class, this, props);
    }

    @Override
    public synchronized void handleEvent(Event event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<Event> all() {
        return List.copyOf(events);
    }

    synchronized List<Event> matching(String topic, Predicate<Event> filter) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.getTopic().equals(topic) && filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    List<Event> forDevice(String topic, String deviceId) {
        return matching(topic, e -> deviceId.equals(e.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)));
    }

    synchronized void clear() {
        events.clear();
    }

    /** The first recorded event on {@code topic} matching {@code filter}, waiting at most {@code timeout}. */
    synchronized Event await(String topic, Predicate<Event> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Event> found = matching(topic, filter);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + topic + " event as expected within " + timeout.toSeconds()
                        + " s; events seen: " + describe(events));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    static String describe(List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            StringBuilder b =
                    new StringBuilder(e.getTopic().substring(EnrollmentEvents.TOPIC_PREFIX.length())).append('{');
            for (String key : e.getPropertyNames()) {
                if (!EventConstants.EVENT_TOPIC.equals(key)) {
                    b.append(key).append('=').append(e.getProperty(key)).append(", ");
                }
            }
            out.add(b.append('}').toString());
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // framework stopping
        }
    }
}
