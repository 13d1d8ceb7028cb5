package io.keywarden.support.http;

import java.util.concurrent.RejectedExecutionException;

import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's pool with a bounded queue: when every thread is busy and the queue is full, the job (a connection's work) is
 * refused, and the refusal is counted and posted instead of vanishing into Jetty's log. With Jetty's NIO selector an
 * idle connection holds no thread, so the pool bounds the requests in progress, not the connections.
 */
public final class BoundedThreadPool extends QueuedThreadPool {
    private final RefusalSink refusals;

    public BoundedThreadPool(String name, int maxThreads, int queue, RefusalSink refusals) {
        super(maxThreads, Math.min(4, maxThreads), 60_000, new BlockingArrayQueue<>(queue, 0, queue));
        this.refusals = refusals;
        setName(name);
        setDaemon(true);
    }

    @Override
    public void execute(Runnable job) {
        try {
            super.execute(job);
        } catch (RejectedExecutionException e) {
            refusals.refusedConnection(ConnectionRefusal.POOL_FULL, "-");
            throw e;
        }
    }
}
