package io.keywarden.revocation.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.store.TestStores;

/** Every test of {@link RevocationQueueTest} with the journal on PostgreSQL (skipped locally without it, fails in CI). */
class RevocationQueuePostgresTest extends RevocationQueueTest {
    @Override
    TestStores newStores() throws Exception {
        return TestStores.postgres();
    }

    @Test
    void postgresRestartingWhileATicketRetriesLosesNothingAndTheQueueReconnectsByItself() throws Exception {
        ca.down = true;
        try (RevocationQueue q = queue(CUSTODIAN)) {
            q.enqueue(ticket("t9", RevocationTarget.device("x"), List.of(), "a1", "a2"));
            Awaitility.await("two attempts journaled")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> q.ticket("t9").get().snapshot().getAttempts() >= 2);
            // every pooled connection is cut (57P01); the next saves reconnect
            TestStores.server().restart();
            ca.down = false;
            RevocationTicket t = settled(q, "t9");
            assertEquals(TicketState.REVOKED, t.getState());
            assertEquals(List.of("a1", "a2"), ca.revokedNow.stream().sorted().toList(), "each revoked once");
        }
        try (RevocationQueue again = queue(CUSTODIAN)) {
            assertEquals(List.of(), again.resume(), "settled in the database");
            assertEquals(TicketState.REVOKED, again.ticket("t9").orElseThrow().state());
        }
    }
}
