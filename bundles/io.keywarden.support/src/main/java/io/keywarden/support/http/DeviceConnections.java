package io.keywarden.support.http;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * Who each open TLS connection belongs to, as a request on it proved it, and how many connections each device holds:
 * at most {@code perDevice}. Entries live exactly as long as their connections (removed when Jetty closes them), so
 * this stays as large as the connections the {@link ConnectionGuard} lets in. Add it to the connector as a bean.
 *
 * @param <T> what a server knows of an authenticated client; {@code deviceOf} names its device
 */
public final class DeviceConnections<T> implements Connection.Listener {
    private final int perDevice;
    private final Function<T, String> deviceOf;
    private final Map<InetSocketAddress, T> byConnection = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byDevice = new ConcurrentHashMap<>();

    public DeviceConnections(int perDevice, Function<T, String> deviceOf) {
        this.perDevice = perDevice;
        this.deviceOf = deviceOf;
    }

    /** The identity attached to this connection, or null before one was. */
    public T identity(EndPoint endPoint) {
        InetSocketAddress remote = endPoint.getRemoteAddress();
        return remote == null ? null : byConnection.get(remote);
    }

    /**
     * Attaches an authenticated client to its connection; false (nothing attached) when its device is at its cap, or
     * when the connection already belongs to another device. Attaching the same device again is a no-op.
     */
    public boolean attach(EndPoint endPoint, T client) {
        InetSocketAddress remote = endPoint.getRemoteAddress();
        if (remote == null) {
            return false;
        }
        String device = deviceOf.apply(client);
        T known = byConnection.get(remote);
        if (known != null) {
            return device.equals(deviceOf.apply(known));
        }
        AtomicInteger n = byDevice.computeIfAbsent(device, d -> new AtomicInteger());
        if (n.incrementAndGet() > perDevice) {
            release(device);
            return false;
        }
        byConnection.put(remote, client);
        if (!endPoint.isOpen()) {
            // closed while it was being authenticated: its onClosed may have run already and would not release it
            detach(remote);
        }
        return true;
    }

    @Override
    public void onOpened(Connection connection) {
        // identities attach at a request
    }

    @Override
    public void onClosed(Connection connection) {
        if (!(connection instanceof SslConnection)) {
            return;
        }
        InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
        if (remote != null) {
            detach(remote);
        }
    }

    /** Removes the connection's identity once, whoever (onClosed or a late attach) gets there first. */
    private void detach(InetSocketAddress remote) {
        T c = byConnection.remove(remote);
        if (c != null) {
            release(deviceOf.apply(c));
        }
    }

    private void release(String device) {
        byDevice.computeIfPresent(device, (d, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** The cap. */
    public int perDevice() {
        return perDevice;
    }

    /** Connections with an attached identity. */
    public int size() {
        return byConnection.size();
    }

    /** Connections the device holds now. */
    public int connections(String device) {
        AtomicInteger n = byDevice.get(device);
        return n == null ? 0 : n.get();
    }
}
