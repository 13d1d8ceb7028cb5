package io.keywarden.revocation.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.revocation.internal.queue.NoticeLedger;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.store.RevocationDatabase;
import io.keywarden.support.config.Registrations;

/**
 * A revocation notice once per accepted revocation, whichever authority instance accepted it. The accepting
 * instance's ACCEPTED event makes its fleet component publish the notice; the broker's acknowledgement comes back as
 * {@link FleetEvents#TOPIC_NOTICE_PUBLISHED} and is recorded in the shared database. When the accepting instance died
 * first, the instance that takes the ticket over announces it again (the same ACCEPTED event, so its fleet component
 * publishes and its broker containment applies): an unsettled ticket when its claim is taken over, a settled one
 * when the sweep (every half lease) finds its notice unpublished and its holder's lease expired.
 */
final class NoticeDuty implements EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(NoticeDuty.class);

    private final NoticeLedger ledger;
    private final QueueBridge bridge;
    private final Function<String, Optional<Ticket>> tickets;

    private NoticeDuty(NoticeLedger ledger, QueueBridge bridge, Function<String, Optional<Ticket>> tickets) {
        this.ledger = ledger;
        this.bridge = bridge;
        this.tickets = tickets;
    }

    /** Listens for the broker's acknowledgements and sweeps for orphaned notices on {@code scheduler}. */
    static NoticeDuty start(
            RevocationDatabase store,
            Duration lease,
            Clock clock,
            QueueBridge bridge,
            Function<String, Optional<Ticket>> tickets,
            Registrations registrations,
            ScheduledExecutorService scheduler) {
        NoticeDuty duty = new NoticeDuty(store.notices(lease, clock), bridge, tickets);
        bridge.setNoticeDuty(duty);
        registrations.register(
                EventHandler.class,
                duty,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, FleetEvents.TOPIC_NOTICE_PUBLISHED)));
        long every = Math.max(1, lease.toMillis() / 2);
        scheduler.scheduleWithFixedDelay(duty::sweep, every, every, TimeUnit.MILLISECONDS);
        return duty;
    }

    /** The fleet component's report that the broker acknowledged a notice. */
    @Override
    public void handleEvent(org.osgi.service.event.Event event) {
        Object id = event.getProperty(FleetEvents.PROPERTY_TICKET_ID);
        if (id == null) {
            return;
        }
        try {
            ledger.published(id.toString());
        } catch (SQLException e) {
            // not recorded: after this instance's lease another may publish the notice again, which is harmless
            LOG.warn("Cannot record that the notice of ticket {} was published: {}", id, e.toString());
        }
    }

    /** This instance took over an unsettled ticket: its notice goes out from here unless the database has it. */
    void takenOver(Ticket t) {
        try {
            if (!ledger.isPublished(t.id())) {
                announce(t);
            }
        } catch (SQLException e) {
            LOG.warn(
                    "Ticket {}: cannot read whether its notice was published, publishing it: {}", t.id(), e.toString());
            announce(t);
        }
    }

    private void sweep() {
        try {
            for (String id : ledger.adoptOrphans()) {
                tickets.apply(id).ifPresent(this::announce);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Looking for notices other instances left unpublished failed: {}", e.toString());
        }
    }

    private void announce(Ticket t) {
        LOG.info("Ticket {}: accepted by another instance, its notice was never published: publishing it", t.id());
        bridge.post(RevocationEvents.TOPIC_ACCEPTED, t.snapshot());
    }
}
