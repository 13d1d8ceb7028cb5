package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where accepted tickets are kept, every change recorded before it is acted on, so after a crash each ticket is
 * found in its last recorded state and resumed from there. Shared by every authority instance of one database: a
 * ticket is worked on only by the instance holding its claim, a lease that each save extends and that another
 * instance may take over once it expired ({@link JdbcTicketJournal}).
 */
public interface TicketJournal {

    /** What {@link #claim} found. */
    enum Claim {
        /** This instance holds the ticket now; the ticket was brought up to date with the stored one. */
        CLAIMED,
        /** Another instance holds an unexpired lease on it: look again after the lease. */
        HELD_ELSEWHERE,
        /** Settled already (by any instance); the ticket was brought up to date with the stored one. */
        SETTLED
    }

    /**
     * Records the ticket's current state durably (a new ticket is inserted); returns once it is committed. Saves of
     * one ticket are serialized: the CA listing and the revocation workers save the same ticket.
     *
     * @throws LostClaimException when another instance took the ticket over: this instance must stop working on it
     */
    void save(Ticket t) throws IOException;

    /** Takes (or renews) this instance's claim on the ticket and refreshes {@code t} from the stored state. */
    Claim claim(Ticket t) throws IOException;

    /** Every ticket not settled yet, oldest first. */
    List<Ticket> loadUnsettled() throws IOException;

    /** Every ticket, oldest first (the shell's and the tests' view; the queue resumes only the unsettled ones). */
    List<Ticket> loadAll() throws IOException;

    /** Ids of unsettled tickets whose lease expired or that nobody claimed for a lease: a stopped instance's. */
    List<String> claimable() throws IOException;

    /** The stored ticket, if any. */
    Optional<Ticket> load(String id) throws IOException;

    /** Gives up this instance's claims on unsettled tickets (a clean stop: others may take them at once). */
    void releaseClaims() throws IOException;

    /** How long a claim holds without a save. */
    Duration lease();

    /** This instance's id, recorded with its claims. */
    String owner();

    /** The instance holding (or last holding) the ticket's claim; empty when none does or the ticket is unknown. */
    Optional<String> holder(String id) throws IOException;

    /** The claim on a ticket was lost to another instance (its lease had expired). */
    final class LostClaimException extends IOException {
        private static final long serialVersionUID = 1L;

        public LostClaimException(String message) {
            super(message);
        }
    }
}
