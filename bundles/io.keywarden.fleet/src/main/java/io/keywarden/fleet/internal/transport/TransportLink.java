package io.keywarden.fleet.internal.transport;

import java.util.LinkedHashSet;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.transport.FleetChannel;
import io.keywarden.api.fleet.transport.FleetTransport;
import io.keywarden.api.fleet.transport.FleetTransportListener;

/**
 * Fleet messages through a {@link FleetTransport} service of the given type (on Kura: the adapter's, over Kura's cloud
 * connection). Uses one such service while it is there; without one, publishing waits in the outboxes.
 */
public final class TransportLink implements FleetLink {
    private static final Logger LOG = LoggerFactory.getLogger(TransportLink.class);

    private final BundleContext context;
    private final String type;
    private final FleetTransportListener listener;
    private ServiceTracker<FleetTransport, FleetTransport> tracker;
    private volatile FleetChannel channel;
    private ServiceReference<FleetTransport> used;
    private final Set<String> filters = new LinkedHashSet<>();
    private boolean closed;

    public TransportLink(BundleContext context, String type, FleetTransportListener listener) {
        this.context = context;
        this.type = type;
        this.listener = listener;
    }

    @Override
    public void start() {
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter("(&(objectClass=" + FleetTransport.class.getName() + ")("
                    + FleetTransport.PROPERTY_TYPE + "=" + type + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("fleet transport type " + type, e);
        }
        tracker = new ServiceTracker<>(context, filter, null) {
            @Override
            public FleetTransport addingService(ServiceReference<FleetTransport> reference) {
                FleetTransport t = super.addingService(reference);
                if (t != null) {
                    use(reference, t);
                }
                return t;
            }

            @Override
            public void removedService(ServiceReference<FleetTransport> reference, FleetTransport service) {
                gone(reference);
                super.removedService(reference, service);
            }
        };
        tracker.open();
        if (tracker.isEmpty()) {
            LOG.info(
                    "Fleet messages wait for a {} transport service (on Kura: configure the Keywarden fleet cloud "
                            + "transport component with its CloudPublisher and CloudSubscriber)",
                    type);
        }
    }

    /** Opens a channel on the first transport that arrives; later ones wait until it goes away. */
    private void use(ServiceReference<FleetTransport> reference, FleetTransport transport) {
        synchronized (this) {
            if (used != null || closed) {
                return;
            }
            used = reference;
        }
        // open() may report a connection at once, and the listener then subscribes: the filters are kept here
        FleetChannel opened = transport.open(listener);
        synchronized (this) {
            channel = opened;
            filters.forEach(opened::subscribe);
        }
        LOG.info("Fleet messages go through the {} transport", type);
    }

    private void gone(ServiceReference<FleetTransport> reference) {
        FleetChannel old;
        synchronized (this) {
            if (!reference.equals(used)) {
                return;
            }
            old = channel;
            channel = null;
            used = null;
        }
        if (old != null) {
            old.close();
        }
        LOG.info("The {} fleet transport went away; messages wait in the outboxes", type);
        ServiceReference<FleetTransport> next = tracker.getServiceReference();
        if (next != null && !next.equals(reference)) {
            FleetTransport t = tracker.getService(next);
            if (t != null) {
                use(next, t);
            }
        }
    }

    @Override
    public synchronized void subscribe(String filter) {
        filters.add(filter);
        if (channel != null) {
            channel.subscribe(filter);
        }
    }

    @Override
    public boolean publish(String topic, byte[] payload, Runnable onAcknowledged) {
        FleetChannel c = channel;
        return c != null && c.publish(topic, payload, onAcknowledged);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (tracker != null) {
            tracker.close();
        }
        FleetChannel c;
        synchronized (this) {
            c = channel;
            channel = null;
            used = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
