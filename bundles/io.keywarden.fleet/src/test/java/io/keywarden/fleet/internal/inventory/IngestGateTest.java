package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The queue between the delivery thread and the collector stays within its bounds under a flood, refuses (never
 * drops) what does not fit, and takes messages again as soon as the collector catches up. The collector's thread is a
 * queue the test runs by hand, so nothing depends on timing; the gate's wait is zero.
 */
class IngestGateTest {

    /** The collector's thread, stopped until the test runs what waits. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> waiting = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            waiting.add(r);
        }

        int runAll() {
            int n = 0;
            for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
                r.run();
                n++;
            }
            return n;
        }
    }

    @Test
    void aFloodFillsTheQueueToItsBoundAndIsRefusedBeyondItThenFlowsAgain() {
        ManualExecutor collector = new ManualExecutor();
        IngestGate gate = new IngestGate(collector, 8, 1 << 20, Duration.ZERO);
        AtomicInteger worked = new AtomicInteger();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                gate.submit(1000, worked::incrementAndGet);
                accepted++;
            } catch (IngestGate.Overloaded e) {
                refused++;
                assertTrue(e.getMessage().contains("the broker delivers it again"), e.getMessage());
            }
            assertTrue(gate.queued() <= 8, "queued " + gate.queued());
            assertTrue(collector.waiting.size() <= 8, "waiting " + collector.waiting.size());
        }
        assertEquals(8, accepted);
        assertEquals(992, refused);
        assertEquals(992, gate.refused(), "every refusal is counted");

        assertEquals(8, collector.runAll());
        assertEquals(8, worked.get(), "everything accepted is worked on");
        assertEquals(0, gate.queued());
        assertEquals(0, gate.queuedBytes());
        gate.submit(1000, worked::incrementAndGet);
        assertEquals(1, gate.queued(), "taken again once the collector caught up");
    }

    @Test
    void theBytesWaitingAreBoundedAndAMessageOverTheBudgetWaitsForAnEmptyQueue() {
        ManualExecutor collector = new ManualExecutor();
        IngestGate gate = new IngestGate(collector, 100, 10_000, Duration.ZERO);
        gate.submit(4_000, () -> {});
        gate.submit(4_000, () -> {});
        assertThrows(IngestGate.Overloaded.class, () -> gate.submit(4_000, () -> {}));
        assertEquals(8_000, gate.queuedBytes());
        assertThrows(IngestGate.Overloaded.class, () -> gate.submit(50_000, () -> {}));
        collector.runAll();
        gate.submit(50_000, () -> {});
        assertEquals(10_000, gate.queuedBytes(), "counted as the whole budget");
        assertThrows(IngestGate.Overloaded.class, () -> gate.submit(1, () -> {}));
    }

    @Test
    void workThatFailsStillFreesItsPlace() {
        ManualExecutor collector = new ManualExecutor();
        IngestGate gate = new IngestGate(collector, 1, 100, Duration.ZERO);
        gate.submit(10, () -> {
            throw new IllegalStateException("a bug in the collector");
        });
        assertThrows(IllegalStateException.class, collector::runAll);
        assertEquals(0, gate.queued());
        gate.submit(10, () -> {});
    }

    @Test
    void aStoppedCollectorRefusesAndKeepsNothing() {
        IngestGate gate = new IngestGate(
                r -> {
                    throw new java.util.concurrent.RejectedExecutionException("stopped");
                },
                4,
                100,
                Duration.ZERO);
        assertThrows(IngestGate.Overloaded.class, () -> gate.submit(10, () -> {}));
        assertEquals(0, gate.queued());
    }
}
