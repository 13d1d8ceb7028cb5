package io.keywarden.demo;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.keywarden.testing.pebble.CertStatus;

/** A fleet authority asked to treat a gateway as compromised, timed from the request to Revoked at Pebble. */
final class CompromiseRun {
    private CompromiseRun() {}

    /**
     * Drops the authority's COMPROMISED_GATEWAY request into its inbox; watches the gateway's fleet deny list every
     * 5 ms and the authority's journal of the ticket until the ticket is settled, then asks Pebble about every serial
     * (again, until each is Revoked). The figure is Pebble's own RevokedAt of the last one: the demo asks Pebble only
     * once the authority is done, so its 1,001 status requests do not compete with the revocations for the cores.
     */
    static FleetStage.Outcome run(
            FleetStage fleet, String gatewayId, int reason, Set<String> serials, long timeoutMillis) {
        String name = "compromised-" + UUID.randomUUID();
        long pebble = RuntimeProbe.childPid("pebble");
        long pebbleTicks = pebble < 0 ? 0 : RuntimeProbe.cpuTicks(pebble);
        fleet.deliver(name, fleet.signCompromisedGateway(gatewayId, reason));
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        Map<String, Object> ticket;
        while ((ticket = fleet.result(name).orElse(null)) == null) {
            checkTime(deadline, "no answer from the authority's inbox");
        }
        if ("REFUSED".equals(ticket.get("state"))) {
            throw new DemoException("the authority refused the request: " + ticket);
        }
        Instant submitted = Instant.parse(String.valueOf(ticket.get("submittedAt")));
        String ticketId = String.valueOf(ticket.get("ticket"));
        Instant denied = null;
        boolean settled = false;
        long nextJournalLook = 0;
        while (denied == null || !settled) {
            if (denied == null && fleet.deniedAtGateway().containsAll(serials)) {
                denied = Instant.now();
            }
            if (!settled && System.nanoTime() >= nextJournalLook) { // a database query, not a file read: 10 a second
                settled = settled(fleet.revocationDb(), ticketId);
                nextJournalLook = System.nanoTime() + 100_000_000L;
            }
            checkTime(deadline, "the ticket " + ticketId + " settled at the authority, all denied at the gateway");
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
        return new FleetStage.Outcome(submitted, revoked, denied, pebbleCpuMillis);
    }

    /** The authority's journal (its database) says the ticket is settled (REVOKED or FAILED). */
    private static boolean settled(Jdbc journal, String ticketId) {
        try {
            String state = RevocationDb.ticketState(journal.url(), journal.user(), journal.password(), ticketId)
                    .orElse("");
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
