package io.keywarden.est.internal.http;

import java.util.concurrent.RejectedExecutionException;

import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.est.internal.audit.EstAudit.ConnectionRefusal;

/**
 * Jetty's pool with a bounded queue: when every thread is busy and the queue is full, the job (a connection's work) is
 * refused, and the refusal is counted and posted instead of vanishing into Jetty's log.
 */
final class BoundedThreadPool extends QueuedThreadPool {
    private final EstAudit audit;

    BoundedThreadPool(int maxThreads, int queue, EstAudit audit) {
        super(maxThreads, Math.min(4, maxThreads), 60_000, new BlockingArrayQueue<>(queue, 0, queue));
        this.audit = audit;
        setName("keywarden-est");
        setDaemon(true);
    }

    @Override
    public void execute(Runnable job) {
        try {
            super.execute(job);
        } catch (RejectedExecutionException e) {
            audit.refusedConnection(ConnectionRefusal.POOL_FULL, "-");
            throw e;
        }
    }
}
