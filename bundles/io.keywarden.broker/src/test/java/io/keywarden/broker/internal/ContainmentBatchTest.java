package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.broker.BrokerAnswer;
import io.keywarden.broker.BrokerContainment;

/**
 * A compromised gateway's identities are decided as one batch: each journaled and sent to the broker once, in
 * order; a replayed event sends nothing; and what was journaled is known as contained after a restart.
 */
class ContainmentBatchTest {
    @TempDir
    Path dir;

    /** Records what it was asked, in order. */
    private static class Recorder implements BrokerContainment {
        final List<String> asked = new ArrayList<>();

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public synchronized BrokerAnswer disable(String identity) {
            asked.add("disable " + identity);
            return new BrokerAnswer(true, "ok");
        }

        @Override
        public synchronized BrokerAnswer enable(String identity) {
            asked.add("enable " + identity);
            return new BrokerAnswer(true, "ok");
        }

        synchronized List<String> asked() {
            return List.copyOf(asked);
        }
    }

    @Test
    void aTicketsIdentitiesAreDecidedOnceEachInOrderAndKnownAfterARestart() throws Exception {
        Recorder broker = new Recorder();
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            identities.add("sensor-" + i + ".gw.test");
        }
        List<String> withRepeats = new ArrayList<>(identities);
        withRepeats.add(identities.get(7)); // a gateway reporting one certificate twice: one decision
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ContainmentService service = new ContainmentService(broker, dir, executor, Clock.systemUTC());
            service.disableAll(withRepeats, "t-1", "revocation");
            assertEquals(Set.copyOf(identities), service.contained());
            service.disableAll(identities.subList(0, 10), "t-1", "revocation"); // the same event again
            drain(executor);
            assertEquals(identities.stream().map(i -> "disable " + i).toList(), broker.asked());
            assertTrue(
                    Files.readString(service.auditFile()).contains("a replay, nothing sent"), "the replay is audited");
        } finally {
            executor.shutdownNow();
        }
        // after a restart: contained from the files, and a replay of the ticket still sends nothing
        Recorder again = new Recorder();
        ScheduledExecutorService next = Executors.newSingleThreadScheduledExecutor();
        try {
            ContainmentService restarted = new ContainmentService(again, dir, next, Clock.systemUTC());
            assertEquals(Set.copyOf(identities), restarted.contained());
            restarted.disableAll(identities, "t-1", "revocation");
            drain(next);
            assertEquals(List.of(), again.asked());
        } finally {
            next.shutdownNow();
        }
    }

    @Test
    void aDecisionJournaledBeforeTheMapsWereWrittenCountsAsTakenAfterARestart() throws Exception {
        // what a crash between the journal and the maps leaves: a pending decision, no map entry
        Journal journal = new Journal(dir.resolve("journal"));
        journal.put(new Decision(
                journal.nextSequence(),
                Decision.Action.DISABLE,
                "gw.test",
                "t-9",
                "revocation",
                java.time.Instant.now()));
        Recorder broker = new Recorder();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ContainmentService service = new ContainmentService(broker, dir, executor, Clock.systemUTC());
            assertEquals(Set.of("gw.test"), service.contained(), "contained: its reconnects are ended");
            service.start();
            service.disable("gw.test", "t-9", "revocation"); // the event again: no second decision
            drain(executor);
            assertEquals(List.of("disable gw.test"), broker.asked());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Takes disables as batches; refuses the identities it is told to, and is unreachable the first time if told. */
    private static final class BatchingRecorder extends Recorder {
        final List<List<String>> batches = new ArrayList<>();
        final Set<String> refuse;
        boolean unreachableOnce;

        BatchingRecorder(Set<String> refuse, boolean unreachableOnce) {
            this.refuse = refuse;
            this.unreachableOnce = unreachableOnce;
        }

        @Override
        public synchronized List<BrokerAnswer> disableAll(List<String> identities) throws java.io.IOException {
            if (unreachableOnce) {
                unreachableOnce = false;
                throw new java.io.IOException("broker down");
            }
            batches.add(List.copyOf(identities));
            identities.forEach(i -> asked.add("disable " + i));
            return identities.stream()
                    .map(i -> refuse.contains(i)
                            ? new BrokerAnswer(false, "no such thing")
                            : new BrokerAnswer(true, "ok"))
                    .toList();
        }
    }

    @Test
    void consecutiveDisablesGoToTheBrokerInBatchesInOrderAndEachAnswerIsAuditedForItsIdentity() throws Exception {
        BatchingRecorder broker = new BatchingRecorder(Set.of("sensor-40.gw.test"), true);
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            identities.add("sensor-" + i + ".gw.test");
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ContainmentService service = new ContainmentService(broker, dir, executor, Clock.systemUTC());
            service.disableAll(identities, "t-2", "revocation");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (broker.asked().size() < identities.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            drain(executor);
            assertEquals(identities.stream().map(i -> "disable " + i).toList(), broker.asked(), "each once, in order");
            assertTrue(broker.batches.stream().allMatch(b -> b.size() <= ContainmentService.DISABLE_BATCH));
            assertTrue(broker.batches.size() < identities.size(), "batched: " + broker.batches.size() + " requests");
            List<String> audit = Files.readAllLines(service.auditFile());
            assertEquals(
                    99,
                    audit.stream()
                            .filter(l -> l.contains("\"event\":\"answered\""))
                            .count());
            assertTrue(audit.stream()
                    .anyMatch(l -> l.contains("\"event\":\"refused\"") && l.contains("\"sensor-40.gw.test\"")));
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"event\":\"unreachable\"")), "the failed try");
            try (var files = Files.list(dir.resolve("journal"))) {
                assertEquals(
                        0, files.filter(f -> f.toString().endsWith(".decision")).count(), "nothing pending");
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Runs what the service queued so far (a single thread: a task queued now runs after them). */
    private static void drain(ScheduledExecutorService executor) throws Exception {
        executor.submit(() -> {}).get(30, TimeUnit.SECONDS);
    }
}
