package io.keywarden.support.threads;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** How a component stops the executor it owns on deactivate or close: interrupt its tasks and wait a bounded time. */
public final class ExecutorStop {
    private ExecutorStop() {}

    /**
     * Interrupts the running tasks, drops the queued ones and waits up to {@code grace} for the threads to end. An
     * interrupt of the caller ends the wait and is kept for the caller to see.
     *
     * @return whether every thread ended within the grace period
     */
    public static boolean now(ExecutorService executor, Duration grace) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
