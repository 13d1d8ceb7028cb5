package io.keywarden.support.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

/**
 * What one peer of a Jetty connector (TLS or plain HTTP) may hold: at most {@code perSource} connections from one address (the next
 * is closed at accept), a first request begun within {@code firstRequest} of the connection opening (handshake and
 * headers included: a half-open or slow-drip connection is closed then), every request answered within
 * {@code perRequest} of its start and, when {@code nextRequest} is set, the next request of a kept-alive connection
 * begun within it of the previous answer (a slow drip of a second request's head falls to it too). Without
 * {@code nextRequest} idle keep-alive connections fall to Jetty's idle timeout. Nothing here holds a thread while it
 * waits. Add it to the connector as a bean; it is both a connection and an HTTP channel listener.
 * <p>
 * With a {@code lateGrace}, a connection is closed only that much after its deadline, and a request whose head
 * arrives in the grace carries the request attribute {@link #LATE}: the server answers it 408, as a client trickling
 * its request expects. Closing a kept-alive connection that sent nothing within {@code nextRequest} is not a refusal
 * and is not reported.
 * <p>
 * Deadlines are fields of each connection, not timer tasks: one sweep every {@link #sweepPeriod} closes the
 * connections past theirs. A task scheduled and cancelled per request cost a tenth of the channel's CPU with 1,000
 * kept-alive sensors (a heap insertion and removal under the timer's lock, and a task object, per request); a
 * deadline is now two field writes, and closes at most one sweep period late. The sweep runs only while a connection
 * is open: an idle gateway's endpoints wake no thread.
 */
public final class ConnectionGuard implements Connection.Listener, HttpChannel.Listener {

    /**
     * @param perSource connections one address may hold open
     * @param firstRequest from accept to the first request's head (handshake included)
     * @param perRequest from a request's head to its answer
     * @param nextRequest from an answer to the next request's head on the same connection; null: idle timeout only
     * @param lateGrace time past a first-request or per-request deadline before the connection is closed
     */
    public record Limits(
            int perSource, Duration firstRequest, Duration perRequest, Duration nextRequest, Duration lateGrace) {}

    /** Told about requests Jetty refused itself (malformed, head too large). */
    @FunctionalInterface
    public interface BadMessages {
        void refused(int status, String reason, String source);
    }

    /** Request attribute (Boolean.TRUE) of a request whose head arrived after its deadline, in the grace. */
    public static final String LATE = "io.keywarden.support.http.late";

    private static final class Tracked {
        final String address;
        final EndPoint endPoint;
        volatile boolean counted;
        /** When the request is overdue (System.nanoTime()); 0: no request under way. */
        volatile long deadlineAt;
        /** When the sweep closes the connection; 0: never (Jetty's idle timeout only). */
        volatile long closeAt;
        /** The close at {@link #closeAt} ends an idle keep-alive connection: not a refusal. */
        volatile boolean idle;

        Tracked(String address, EndPoint endPoint) {
            this.address = address;
            this.endPoint = endPoint;
        }
    }

    private final Limits limits;
    private final RefusalSink refusals;
    private final BadMessages badMessages;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, AtomicInteger> bySource = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Tracked> connections = new ConcurrentHashMap<>();
    private final long sweepMillis;
    /** The sweep's schedule while connections are open; null while there are none. Guarded by {@code this}. */
    private ScheduledFuture<?> sweeping;

    /**
     * @param name names the deadline thread
     */
    public ConnectionGuard(String name, Limits limits, RefusalSink refusals, BadMessages badMessages) {
        this.limits = limits;
        this.refusals = refusals;
        this.badMessages = badMessages;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-deadlines");
            t.setDaemon(true);
            return t;
        });
        this.sweepMillis = sweepPeriod(limits).toMillis();
    }

    /** Starts the sweep unless it runs (after a connection was added). */
    private synchronized void sweepWhileOpen() {
        if (sweeping == null && !timer.isShutdown()) {
            sweeping = timer.scheduleAtFixedRate(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the sweep when no connection is open; a connection added meanwhile starts it again. */
    private synchronized void stopSweepIfNoneOpen() {
        if (connections.isEmpty() && sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
        }
    }

    /** Whether the sweep is scheduled (tests). */
    synchronized boolean isSweeping() {
        return sweeping != null;
    }

    /**
     * A tenth of the shortest deadline, between 10 ms and 250 ms: a deadline of seconds closes within a few percent
     * of its time, and 1,000 connections cost the sweep a few thousand field reads a second.
     */
    static Duration sweepPeriod(Limits limits) {
        Duration shortest = limits.firstRequest();
        for (Duration d : new Duration[] {limits.perRequest(), limits.nextRequest()}) {
            if (d != null && d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        long tenth = shortest.toMillis() / 10;
        return Duration.ofMillis(Math.max(10, Math.min(250, tenth)));
    }

    /** Closes every connection past its deadline. */
    private void sweep() {
        if (connections.isEmpty()) {
            stopSweepIfNoneOpen();
            return;
        }
        long now = System.nanoTime();
        for (Tracked t : connections.values()) {
            long at = t.closeAt;
            if (at != 0 && now - at > 0 && t.endPoint.isOpen()) {
                t.closeAt = 0;
                if (!t.idle) {
                    refusals.refusedConnection(ConnectionRefusal.DEADLINE, t.address);
                }
                t.endPoint.close();
            }
        }
    }

    @Override
    public void onOpened(Connection connection) {
        if (!outermost(connection)) {
            return;
        }
        EndPoint ep = connection.getEndPoint();
        InetSocketAddress remote = ep.getRemoteAddress();
        if (remote == null) {
            ep.close();
            return;
        }
        String address = remote.getAddress().getHostAddress();
        Tracked t = new Tracked(address, ep);
        connections.put(remote, t);
        sweepWhileOpen();
        int n = bySource.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        t.counted = true;
        if (n > limits.perSource()) {
            refusals.refusedConnection(ConnectionRefusal.PER_SOURCE_LIMIT, address);
            ep.close();
            return;
        }
        arm(t, limits.firstRequest(), false);
    }

    @Override
    public void onClosed(Connection connection) {
        if (!outermost(connection)) {
            return;
        }
        InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
        Tracked t = remote == null ? null : connections.remove(remote);
        if (t == null) {
            return;
        }
        cancel(t);
        if (t.counted) {
            bySource.computeIfPresent(t.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    @Override
    public void onRequestBegin(Request request) {
        Tracked t = tracked(request);
        if (t == null) {
            return;
        }
        if (t.deadlineAt != 0 && System.nanoTime() - t.deadlineAt > 0) {
            request.setAttribute(LATE, Boolean.TRUE);
        }
        arm(t, limits.perRequest(), false);
    }

    /** The request's answer is due: true once its per-request deadline has passed (the server answers 408). */
    public boolean overdue(Request request) {
        Tracked t = tracked(request);
        return t != null && t.deadlineAt != 0 && System.nanoTime() - t.deadlineAt > 0;
    }

    @Override
    public void onComplete(Request request) {
        Tracked t = tracked(request);
        if (t == null) {
            return;
        }
        if (limits.nextRequest() != null) {
            arm(t, limits.nextRequest(), true);
        } else {
            cancel(t); // an idle keep-alive connection is Jetty's idle timeout's to close
        }
    }

    /** Jetty refused the request itself (headers too large, malformed HTTP): counted and posted like ours. */
    @Override
    public void onRequestFailure(Request request, Throwable failure) {
        if (failure instanceof BadMessageException bad) {
            InetSocketAddress remote = request.getHttpChannel().getEndPoint().getRemoteAddress();
            badMessages.refused(
                    bad.getCode(),
                    String.valueOf(bad.getReason()),
                    remote == null ? "-" : remote.getAddress().getHostAddress());
        }
    }

    /**
     * The connection on the socket: the TLS connection on a TLS connector (the HTTP connection inside it runs on its
     * decrypted end point and is not counted again), the HTTP connection on a plain one.
     */
    private static boolean outermost(Connection connection) {
        return !(connection.getEndPoint() instanceof SslConnection.DecryptedEndPoint);
    }

    private Tracked tracked(Request request) {
        InetSocketAddress remote = request.getHttpChannel().getEndPoint().getRemoteAddress();
        return remote == null ? null : connections.get(remote);
    }

    private void arm(Tracked t, Duration after, boolean idle) {
        long now = System.nanoTime();
        t.idle = idle;
        t.deadlineAt = idle ? 0 : now + after.toNanos();
        long closeAt = now + (idle ? after : after.plus(limits.lateGrace())).toNanos();
        t.closeAt = closeAt == 0 ? 1 : closeAt;
    }

    private static void cancel(Tracked t) {
        t.closeAt = 0;
        t.deadlineAt = 0;
    }

    /** Connections open now (for status and tests). */
    public int openConnections() {
        return connections.size();
    }

    /** Addresses with at least one connection open now: bounded by the connections themselves. */
    public int sources() {
        return bySource.size();
    }

    public void close() {
        timer.shutdownNow();
    }
}
