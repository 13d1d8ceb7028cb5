package io.keywarden.monitor.internal.channel;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * Who each open connection belongs to, as its first request proved it, and how many connections each device holds:
 * at most {@code perDevice}. Entries live exactly as long as their connections (removed when Jetty closes them), so
 * this stays as large as the connections the guard lets in.
 */
final class DeviceConnections implements Connection.Listener {
    private final int perDevice;
    private final Map<InetSocketAddress, ClientIdentity> byConnection = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byDevice = new ConcurrentHashMap<>();

    DeviceConnections(int perDevice) {
        this.perDevice = perDevice;
    }

    /** The identity admitted on this connection, or null before its first request. */
    ClientIdentity identity(InetSocketAddress remote) {
        return byConnection.get(remote);
    }

    /** Attaches an admitted identity to its connection; false (nothing attached) when the device is at its cap. */
    boolean attach(InetSocketAddress remote, ClientIdentity client) {
        AtomicInteger n = byDevice.computeIfAbsent(client.deviceId(), d -> new AtomicInteger());
        if (n.incrementAndGet() > perDevice) {
            byDevice.computeIfPresent(client.deviceId(), (d, c) -> c.decrementAndGet() <= 0 ? null : c);
            return false;
        }
        byConnection.put(remote, client);
        return true;
    }

    @Override
    public void onOpened(Connection connection) {
        // identities attach at the first request
    }

    @Override
    public void onClosed(Connection connection) {
        if (!(connection instanceof SslConnection)) {
            return;
        }
        InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
        ClientIdentity c = remote == null ? null : byConnection.remove(remote);
        if (c != null) {
            byDevice.computeIfPresent(c.deviceId(), (d, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Connections with an admitted identity. */
    int size() {
        return byConnection.size();
    }
}
