package io.keywarden.fleet.internal.inventory;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Back-pressure between the transport's delivery thread and the collector's thread: at most {@code maxMessages}
 * received gateway messages and {@code maxBytes} of them wait for the collector. When that is full the delivery thread
 * waits, which holds the MQTT acknowledgement of the message and so the broker's in-flight window: the broker stops
 * sending and keeps the rest. It waits at most {@code maxWait} (Paho's reader must not stall past its keep-alive); after
 * that the message is refused with {@link Overloaded}, which the MQTT link lets reach Paho: Paho drops the connection
 * without acknowledging the message, the broker delivers it again after the reconnection, and a gateway whose entries
 * were never stored sends them again from its acknowledged head. Nothing is refused silently.
 */
public final class IngestGate {
    /** Messages waiting for the collector by default: a few seconds of work. */
    public static final int MAX_MESSAGES = 32;
    /** Bytes waiting by default: a handful of full batches, small against a gateway-sized heap. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** Longest wait of the delivery thread by default: well inside the MQTT keep-alive. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(10);

    /** The collector is this far behind: the message is neither stored nor acknowledged. */
    public static final class Overloaded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overloaded(String message) {
            super(message);
        }
    }

    private final Executor collector;
    private final int maxMessages;
    private final int maxBytes;
    private final Duration maxWait;
    private final Semaphore messages;
    private final Semaphore bytes;
    private final AtomicLong refused = new AtomicLong();

    public IngestGate(Executor collector, int maxMessages, int maxBytes, Duration maxWait) {
        this.collector = collector;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxWait = maxWait;
        this.messages = new Semaphore(maxMessages);
        this.bytes = new Semaphore(maxBytes);
    }

    /**
     * Hands {@code work} for a message of {@code size} bytes to the collector's thread, waiting while the queue is
     * full. A message larger than the whole byte budget waits until the queue is empty.
     *
     * @throws Overloaded when the queue is still full after the wait, or the collector is stopping
     */
    public void submit(int size, Runnable work) {
        int cost = Math.max(1, Math.min(size, maxBytes));
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            if (!messages.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw overloaded(size);
            }
            if (!bytes.tryAcquire(cost, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                messages.release();
                throw overloaded(size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw overloaded(size);
        }
        try {
            collector.execute(() -> {
                try {
                    work.run();
                } finally {
                    release(cost);
                }
            });
        } catch (RejectedExecutionException e) {
            release(cost);
            refused.incrementAndGet();
            throw new Overloaded("the collector is stopping");
        }
    }

    private void release(int cost) {
        bytes.release(cost);
        messages.release();
    }

    private Overloaded overloaded(int size) {
        long n = refused.incrementAndGet();
        return new Overloaded("the collector is " + queued() + " messages (" + queuedBytes() + " bytes) behind after "
                + maxWait.toMillis() + " ms: a message of " + size + " bytes is not taken (" + n
                + " refused so far); the broker delivers it again");
    }

    /** Messages waiting or being worked on. */
    public int queued() {
        return maxMessages - messages.availablePermits();
    }

    /** Bytes of the messages waiting or being worked on (a message over the budget counts as the budget). */
    public long queuedBytes() {
        return maxBytes - bytes.availablePermits();
    }

    /** Messages refused because the collector was too far behind. */
    public long refused() {
        return refused.get();
    }
}
