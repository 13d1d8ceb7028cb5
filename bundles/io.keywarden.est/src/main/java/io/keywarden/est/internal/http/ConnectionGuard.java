package io.keywarden.est.internal.http;

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

import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.est.internal.audit.EstAudit.ConnectionRefusal;

/**
 * What one peer may hold: at most {@code perSource} connections from one address (the next is closed at accept), a
 * first request begun within {@code firstRequest} of the connection opening (handshake and headers included: a
 * half-open or slow-drip connection is closed then), and every request answered within {@code perRequest} of its
 * start. Idle keep-alive connections fall to Jetty's idle timeout. Nothing here holds a thread while it waits.
 */
final class ConnectionGuard implements Connection.Listener, HttpChannel.Listener {

    private static final class Tracked {
        final String address;
        final EndPoint endPoint;
        volatile boolean counted;
        volatile ScheduledFuture<?> deadline;

        Tracked(String address, EndPoint endPoint) {
            this.address = address;
            this.endPoint = endPoint;
        }
    }

    private final int perSource;
    private final Duration firstRequest;
    private final Duration perRequest;
    private final EstAudit audit;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, AtomicInteger> bySource = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Tracked> connections = new ConcurrentHashMap<>();

    ConnectionGuard(int perSource, Duration firstRequest, Duration perRequest, EstAudit audit) {
        this.perSource = perSource;
        this.firstRequest = firstRequest;
        this.perRequest = perRequest;
        this.audit = audit;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "keywarden-est-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof SslConnection)) {
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
        int n = bySource.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        t.counted = true;
        if (n > perSource) {
            audit.refusedConnection(ConnectionRefusal.PER_SOURCE_LIMIT, address);
            ep.close();
            return;
        }
        arm(t, firstRequest);
    }

    @Override
    public void onClosed(Connection connection) {
        if (!(connection instanceof SslConnection)) {
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
        if (t != null) {
            arm(t, perRequest);
        }
    }

    @Override
    public void onComplete(Request request) {
        Tracked t = tracked(request);
        if (t != null) {
            // an idle keep-alive connection is Jetty's idle timeout's to close
            cancel(t);
        }
    }

    /** Jetty refused the request itself (headers too large, malformed HTTP): counted and posted like ours. */
    @Override
    public void onRequestFailure(Request request, Throwable failure) {
        if (failure instanceof BadMessageException bad) {
            InetSocketAddress remote = request.getHttpChannel().getEndPoint().getRemoteAddress();
            audit.refused("-", bad.getCode(), "malformed HTTP request: " + bad.getReason(), null,
                    remote == null ? "-" : remote.getAddress().getHostAddress());
        }
    }

    private Tracked tracked(Request request) {
        InetSocketAddress remote = request.getHttpChannel().getEndPoint().getRemoteAddress();
        return remote == null ? null : connections.get(remote);
    }

    private void arm(Tracked t, Duration after) {
        cancel(t);
        t.deadline = timer.schedule(() -> {
            if (t.endPoint.isOpen()) {
                audit.refusedConnection(ConnectionRefusal.DEADLINE, t.address);
                t.endPoint.close();
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void cancel(Tracked t) {
        ScheduledFuture<?> f = t.deadline;
        if (f != null) {
            f.cancel(false);
            t.deadline = null;
        }
    }

    /** Connections open now (for status and tests). */
    int openConnections() {
        return connections.size();
    }

    void close() {
        timer.shutdownNow();
    }
}
