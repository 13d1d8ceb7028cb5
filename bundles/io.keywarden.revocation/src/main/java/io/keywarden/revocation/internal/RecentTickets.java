package io.keywarden.revocation.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.revocation.internal.queue.Ticket;

/**
 * Tickets settled without reaching the queue (refusals, releases): the newest {@value #KEPT} kept in the heap for
 * lookups; the audit log keeps them all.
 */
final class RecentTickets {
    static final int KEPT = 1000;

    private final Deque<Ticket> newestFirst = new ArrayDeque<>();

    synchronized void keep(Ticket t) {
        newestFirst.addFirst(t);
        while (newestFirst.size() > KEPT) {
            newestFirst.removeLast();
        }
    }

    synchronized Optional<Ticket> find(String id) {
        return newestFirst.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    synchronized List<RevocationTicket> snapshots() {
        return newestFirst.stream().map(Ticket::snapshot).toList();
    }
}
