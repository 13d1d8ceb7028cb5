package io.keywarden.support.threads;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ExecutorStopTest {

    @Test
    void interruptsTheRunningTaskDropsTheQueuedOnesAndWaitsForTheThread() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        executor.execute(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        executor.execute(() -> queuedRan.set(true));
        running.await();

        assertTrue(ExecutorStop.now(executor, Duration.ofSeconds(30)));
        assertTrue(executor.isTerminated());
        assertTrue(interrupted.get(), "the running task was interrupted");
        assertFalse(queuedRan.get(), "the queued task never ran");
    }

    @Test
    void anInterruptedCallerStopsWaitingAndKeepsItsInterrupt() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            // ignores interrupts: only the caller's interrupt can end the wait
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        });
        Thread.currentThread().interrupt();
        try {
            assertFalse(ExecutorStop.now(executor, Duration.ofDays(1)));
            assertTrue(Thread.interrupted(), "the interrupt is kept (and cleared here)");
        } finally {
            Thread.interrupted();
            release.countDown();
        }
    }
}
