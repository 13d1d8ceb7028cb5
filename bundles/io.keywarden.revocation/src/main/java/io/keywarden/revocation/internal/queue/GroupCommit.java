package io.keywarden.revocation.internal.queue;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes what parallel workers settle durable together. Each settled certificate needs its ticket journaled and an
 * audit line, each forced to disk: one by one that is about six fsyncs per certificate, which capped a mass
 * revocation near 55 certificates a second whatever the CA could take. Here a worker that commits while a flush is
 * under way waits for the next one, which takes everything queued meanwhile (group commit): the same guarantee, that
 * a commit returns once its ticket state and audit lines are on disk, for one journal write and one audit append
 * per batch.
 */
final class GroupCommit {

    /** Writes one batch: the tickets' journal files first, then the audit lines. */
    interface Flush {
        void flush(Set<Ticket> tickets, List<AuditEntry> audit) throws IOException;
    }

    private static final class Item {
        final Ticket ticket;
        final List<AuditEntry> audit;
        boolean done;
        IOException error;

        Item(Ticket ticket, List<AuditEntry> audit) {
            this.ticket = ticket;
            this.audit = audit;
        }
    }

    private final Flush flush;
    private final Object lock = new Object();
    private List<Item> queued = new ArrayList<>();
    private boolean flushing;

    GroupCommit(Flush flush) {
        this.flush = requireNonNull(flush, "flush");
    }

    /**
     * Returns once the ticket (when not null) is journaled in a state at least as recent as now and the audit
     * lines are appended; throws when the batch holding them could not be written.
     */
    void commit(Ticket ticket, List<AuditEntry> audit) throws IOException {
        Item mine = new Item(ticket, List.copyOf(audit));
        List<Item> batch;
        synchronized (lock) {
            queued.add(mine);
            while (flushing && !mine.done) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("stopped while waiting for the journal");
                }
            }
            if (mine.done) {
                if (mine.error != null) {
                    throw mine.error;
                }
                return;
            }
            flushing = true;
            batch = queued;
            queued = new ArrayList<>();
        }
        IOException error = write(batch);
        synchronized (lock) {
            for (Item i : batch) {
                i.done = true;
                i.error = error;
            }
            flushing = false;
            lock.notifyAll();
        }
        if (error != null) {
            throw error;
        }
    }

    private IOException write(List<Item> batch) {
        Set<Ticket> tickets = new LinkedHashSet<>();
        List<AuditEntry> audit = new ArrayList<>();
        for (Item i : batch) {
            if (i.ticket != null) {
                tickets.add(i.ticket);
            }
            audit.addAll(i.audit);
        }
        try {
            flush.flush(tickets, audit);
            return null;
        } catch (IOException e) {
            return e;
        } catch (RuntimeException e) {
            return new IOException("journal or audit write failed: " + e, e);
        }
    }
}
