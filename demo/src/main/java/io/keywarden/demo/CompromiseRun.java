package io.keywarden.demo;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import io.keywarden.testing.pebble.CertStatus;

/** A fleet authority asked to treat a gateway as compromised, timed from the request to Revoked at Pebble. */
final class CompromiseRun {
    private CompromiseRun() {}

    /**
     * Where the request goes and what is watched: the inbox of the instance that takes the request, the journal
     * lookup of the ticket's state, and the deny list of another (honest) gateway, if there is one.
     */
    record Watch(RevocationInbox inbox, TicketStates tickets, Supplier<Set<String>> deniedElsewhere) {}

    /** The ticket's journaled state, whichever database holds it. */
    @FunctionalInterface
    interface TicketStates {
        Optional<String> state(String ticketId) throws SQLException;
    }

    /** The single authority of {@code fleet}, its own journal (H2 or PostgreSQL), no other gateway. */
    static CompromiseOutcome run(
            FleetStage fleet, String gatewayId, int reason, Set<String> serials, long timeoutMillis) {
        Jdbc journal = fleet.revocationDb();
        Watch watch = new Watch(
                new RevocationInbox(fleet.authorityInbox),
                id -> RevocationDb.ticketState(journal.url(), journal.user(), journal.password(), id),
                null);
        return run(fleet, gatewayId, reason, serials, timeoutMillis, watch);
    }

    /**
     * Drops the authority's COMPROMISED_GATEWAY request into one instance's inbox; watches the gateway's fleet deny
     * list (and the other gateway's) every 5 ms and the authority's journal of the ticket until the ticket is
     * settled, then asks Pebble about every serial (again, until each is Revoked). The figure is Pebble's own
     * RevokedAt of the last one: the demo asks Pebble only once the authority is done, so its 1,001 status requests
     * do not compete with the revocations for the cores.
     */
    static CompromiseOutcome run(
            FleetStage fleet, String gatewayId, int reason, Set<String> serials, long timeoutMillis, Watch watch) {
        String name = "compromised-" + UUID.randomUUID();
        long pebble = RuntimeProbe.childPid("pebble");
        long pebbleTicks = pebble < 0 ? 0 : RuntimeProbe.cpuTicks(pebble);
        watch.inbox().deliver(name, fleet.signCompromisedGateway(gatewayId, reason));
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        Map<String, Object> ticket;
        while ((ticket = watch.inbox().result(name).orElse(null)) == null) {
            checkTime(deadline, "no answer from the authority's inbox");
        }
        if ("REFUSED".equals(ticket.get("state"))) {
            throw new DemoException("the authority refused the request: " + ticket);
        }
        Instant submitted = Instant.parse(String.valueOf(ticket.get("submittedAt")));
        String ticketId = String.valueOf(ticket.get("ticket"));
        Instant denied = null;
        Instant deniedElsewhere = null;
        boolean settled = false;
        long nextJournalLook = 0;
        while (denied == null || !settled || (watch.deniedElsewhere() != null && deniedElsewhere == null)) {
            if (denied == null && fleet.deniedAtGateway().containsAll(serials)) {
                denied = Instant.now();
            }
            if (deniedElsewhere == null
                    && watch.deniedElsewhere() != null
                    && watch.deniedElsewhere().get().containsAll(serials)) {
                deniedElsewhere = Instant.now();
            }
            if (!settled && System.nanoTime() >= nextJournalLook) { // a database query, not a file read: 10 a second
                settled = settled(watch.tickets(), ticketId);
                nextJournalLook = System.nanoTime() + 100_000_000L;
            }
            checkTime(
                    deadline,
                    "the ticket " + ticketId + " settled at the authority (" + settled
                            + "), all denied at the gateway (" + (denied != null) + ") and at the other gateway ("
                            + (deniedElsewhere != null) + ")");
        }
        long pebbleCpuMillis = pebble < 0 ? -1 : (RuntimeProbe.cpuTicks(pebble) - pebbleTicks) * 10;
        Map<String, CertStatus> revoked = new TreeMap<>();
        while (revoked.size() < serials.size()) {
            for (String s : serials) {
                if (!revoked.containsKey(s)) {
                    CertStatus st = fleet.gateway.pebble.certStatus(s);
                    if (st.isRevoked()) {
                        revoked.put(s, st);
                    }
                }
            }
            checkTime(deadline, "revoked at Pebble " + revoked.keySet() + " of " + serials);
        }
        return new CompromiseOutcome(submitted, revoked, denied, deniedElsewhere, pebbleCpuMillis);
    }

    /** The authority's journal says the ticket is settled (REVOKED or FAILED). */
    private static boolean settled(TicketStates tickets, String ticketId) {
        try {
            String state = tickets.state(ticketId).orElse("");
            return "REVOKED".equals(state) || "FAILED".equals(state);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void checkTime(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new DemoException("timed out: " + what);
        }
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }
}
