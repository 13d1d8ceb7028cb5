package io.keywarden.support.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named after their pool, so a thread dump shows whose they are: {@code name-1}, {@code name-2}, ...,
 * or exactly {@code name} for a pool of one.
 */
public final class NamedThreads implements ThreadFactory {
    private final String name;
    private final boolean numbered;
    private final AtomicInteger count = new AtomicInteger();

    private NamedThreads(String name, boolean numbered) {
        this.name = name;
        this.numbered = numbered;
    }

    /** Threads named {@code name-1}, {@code name-2}, ... */
    public NamedThreads(String name) {
        this(name, true);
    }

    /** Every thread named exactly {@code name}: for a single-thread executor. */
    public static NamedThreads single(String name) {
        return new NamedThreads(name, false);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, numbered ? name + "-" + count.incrementAndGet() : name);
        t.setDaemon(true);
        return t;
    }
}
