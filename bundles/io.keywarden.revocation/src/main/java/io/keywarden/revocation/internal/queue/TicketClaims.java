package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.revocation.RevocationTicket;

/**
 * The queue's side of sharing tickets with other authority instances through the journal: only the instance holding
 * a ticket's claim works on it, and tickets whose holder stopped (lease expired) are adopted.
 */
final class TicketClaims {
    private static final Logger LOG = LoggerFactory.getLogger(TicketClaims.class);

    private final TicketJournal journal;
    private final Map<String, Ticket> tickets;
    private final BiConsumer<Ticket, Duration> schedule;
    private final Function<String, CompletableFuture<RevocationTicket>> settled;

    TicketClaims(
            TicketJournal journal,
            Map<String, Ticket> tickets,
            BiConsumer<Ticket, Duration> schedule,
            Function<String, CompletableFuture<RevocationTicket>> settled) {
        this.journal = journal;
        this.tickets = tickets;
        this.schedule = schedule;
        this.settled = settled;
    }

    /** True when this instance holds the ticket now (t brought up to date); else it was settled or rescheduled. */
    boolean claim(Ticket t) throws IOException {
        switch (journal.claim(t)) {
            case CLAIMED:
                return true;
            case SETTLED:
                // settled by another instance: forget it here (the journal keeps it) and answer whoever waits
                settled.apply(t.id).complete(t.snapshot());
                tickets.remove(t.id);
                return false;
            default:
                schedule.accept(t, journal.lease());
                return false;
        }
    }

    /** After the workers stopped: other instances may take this one's unsettled tickets at once. */
    void release() {
        try {
            journal.releaseClaims();
        } catch (IOException e) {
            LOG.warn("Claims not released, other instances take the tickets after the lease: {}", e.toString());
        }
    }

    /** A ticket no longer (or never) held by this queue, from the journal. */
    Optional<Ticket> stored(String id) {
        try {
            return journal.load(id);
        } catch (IOException e) {
            LOG.warn("Ticket {}: cannot read it from the journal: {}", id, e.toString());
            return Optional.empty();
        }
    }

    /** A ticket this queue does not hold (any more) that the journal has settled. */
    Optional<RevocationTicket> settledInJournal(String id) {
        if (tickets.containsKey(id)) {
            return Optional.empty();
        }
        return stored(id).filter(t -> t.state().isSettled()).map(Ticket::snapshot);
    }

    /** The journal's tickets, this queue's own object where it has one; only its own when the journal fails. */
    List<Ticket> all() {
        try {
            List<Ticket> out = new ArrayList<>();
            for (Ticket stored : journal.loadAll()) {
                out.add(tickets.getOrDefault(stored.id, stored));
            }
            return out;
        } catch (IOException e) {
            LOG.warn("Cannot list the journal's tickets, only this queue's: {}", e.toString());
            return new ArrayList<>(tickets.values());
        }
    }

    /** Every half lease, adopts the tickets another instance left (its lease expired, or it never claimed them). */
    void watchOrphans(ScheduledExecutorService workers) {
        long every = Math.max(1, journal.lease().toMillis() / 2);
        try {
            workers.scheduleWithFixedDelay(this::adoptOrphans, every, every, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Queue stopped before it resumed");
        }
    }

    private void adoptOrphans() {
        try {
            for (String id : journal.claimable()) {
                if (tickets.containsKey(id)) {
                    continue;
                }
                journal.load(id).ifPresent(t -> {
                    if (tickets.putIfAbsent(t.id, t) == null) {
                        LOG.info("Ticket {} left by another instance: taking it over", t.id);
                        schedule.accept(t, Duration.ZERO);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Looking for tickets left by other instances failed: {}", e.toString());
        }
    }
}
