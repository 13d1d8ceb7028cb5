package io.keywarden.broker.internal;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.threads.NamedThreads;

/**
 * Broker containment on the fleet authority: every revocation this node accepts ({@link RevocationEvents#TOPIC_ACCEPTED})
 * and every fleet notice it verified and applied ({@link FleetEvents#TOPIC_NOTICE_APPLIED}) disables the certificates'
 * identities at Mosquitto. Refused requests and rejected notices post other topics and change nothing here. Gogo:
 * {@code keywarden:brokerenable <signed command>}, {@code keywarden:brokercontained}.
 */
@Component(
        configurationPid = BrokerOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = {EventHandler.class, BrokerComponent.class},
        property = {
            EventConstants.EVENT_TOPIC + "=" + RevocationEvents.TOPIC_ACCEPTED,
            EventConstants.EVENT_TOPIC + "=" + FleetEvents.TOPIC_NOTICE_APPLIED,
            "osgi.command.scope=keywarden",
            "osgi.command.function=brokerenable",
            "osgi.command.function=brokercontained"
        })
@Designate(ocd = BrokerConfig.class)
public final class BrokerComponent implements EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerComponent.class);

    /**
     * Events waiting for the decision thread: far more than the tickets of a burst. Beyond that EventAdmin's thread
     * decides itself (back-pressure; nothing is dropped).
     */
    static final int MAX_QUEUED_EVENTS = 1024;
    /** Identities looked up and journaled together. */
    static final int CHUNK = 16;

    private final Collection<CertificateInventory> inventories = new CopyOnWriteArrayList<>();
    /**
     * The decisions of an event are made here, not on EventAdmin's thread: EventAdmin calls an event's handlers one
     * after another, so a compromised gateway's thousand identities journaled there (tens of seconds) held back the
     * fleet's notice of the same ticket, and Felix EventAdmin denies a handler slower than its timeout (5 s) every
     * later event. One thread keeps the decisions in the order of the events.
     */
    private final ThreadPoolExecutor events = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS),
            NamedThreads.single("keywarden-broker-events"),
            new ThreadPoolExecutor.CallerRunsPolicy());

    private MosquittoContainment containment;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInventory(CertificateInventory inventory) {
        inventories.add(inventory);
    }

    void removeInventory(CertificateInventory inventory) {
        inventories.remove(inventory);
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws IOException, GeneralSecurityException {
        File area = context.getDataFile("broker");
        BrokerOptions options;
        try {
            options = BrokerOptions.parse(properties, area == null ? null : area.toPath());
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} rejected, broker containment stays off: {}", BrokerOptions.PID, e.getMessage());
            throw e;
        }
        containment = new MosquittoContainment(options, Clock.systemUTC()).start();
    }

    @Deactivate
    void deactivate() {
        stopEvents();
        if (containment != null) {
            containment.close();
        }
    }

    /** Decides what is queued (a few seconds at most: journaling only), then stops the decision thread. */
    void stopEvents() {
        events.shutdown();
        try {
            if (!events.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.error(
                        "Broker containment stopped with {} revocation events not decided; their tickets are "
                                + "journaled by the revocation component and stay denied there",
                        events.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            events.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public BrokerComponent() {
        // for DS
    }

    /** Outside DS (tests, a plain-Java authority): the containment is given. */
    BrokerComponent(MosquittoContainment containment, Collection<CertificateInventory> known) {
        this.containment = containment;
        inventories.addAll(known);
    }

    /** Takes the event and returns; its decisions follow on the component's own thread. */
    @Override
    public void handleEvent(Event event) {
        String source;
        if (RevocationEvents.TOPIC_ACCEPTED.equals(event.getTopic())) {
            source = "revocation";
        } else if (FleetEvents.TOPIC_NOTICE_APPLIED.equals(event.getTopic())) {
            source = "fleet-notice";
        } else {
            // refused requests, rejected notices: nothing was decided, nothing is disabled
            return;
        }
        try {
            events.execute(() -> decide(event, source));
        } catch (RejectedExecutionException stopping) {
            LOG.error(
                    "Broker containment is stopping: ticket {} not decided here",
                    event.getProperty(RevocationEvents.PROPERTY_TICKET_ID));
        }
    }

    /**
     * Looks the serials up and decides them in chunks of {@link #CHUNK}: each lookup may be a database query (a
     * remote gateway's inventory), and the gateway listed first should not wait for a thousand of them.
     */
    private void decide(Event event, String source) {
        String ticket = String.valueOf(event.getProperty(RevocationEvents.PROPERTY_TICKET_ID));
        List<String> identities = new ArrayList<>();
        for (String serial : strings(event.getProperty(RevocationEvents.PROPERTY_SERIALS))) {
            Optional<String> identity = Identities.bySerial(serial, inventories);
            if (identity.isEmpty()) {
                LOG.error(
                        "Ticket {}: no inventory knows serial {}; its broker identity cannot be disabled",
                        ticket,
                        serial);
            } else {
                identities.add(identity.get());
            }
            if (identities.size() == CHUNK) {
                contain(identities, ticket, source);
                identities.clear();
            }
        }
        contain(identities, ticket, source);
    }

    private void contain(List<String> identities, String ticket, String source) {
        if (identities.isEmpty()) {
            return;
        }
        try {
            containment.containAll(identities, ticket, source);
        } catch (IOException | RuntimeException e) {
            // not journaled: the decisions are lost here unless the event comes again; say so loudly
            LOG.error("Ticket {}: cannot journal the broker decisions for {}: {}", ticket, identities, e.getMessage());
        }
    }

    /** Gogo: enables an identity again on an operator's signed command. */
    public String brokerenable(String signedCommand) {
        try {
            return "enabled " + containment.enable(signedCommand);
        } catch (RejectedNoticeException e) {
            return "refused: " + e.getMessage();
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        }
    }

    /** Gogo: the identities disabled at the broker. */
    public Set<String> brokercontained() {
        return containment.contained();
    }

    static List<String> strings(Object value) {
        if (value instanceof String[] a) {
            return List.of(a);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return value instanceof String s ? List.of(s) : List.of();
    }
}
