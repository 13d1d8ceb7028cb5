package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP pass-through on a loopback port in front of a CA, which a test can cut off: while blocked the port refuses
 * connections and open ones are closed, which is exactly "the CA is unreachable" for a client, while the CA behind
 * keeps its state (Pebble forgets everything when it restarts). TLS goes through untouched; Pebble builds its
 * URLs from the Host header, so the client keeps talking to the proxy's port.
 */
public final class TcpProxy implements AutoCloseable {
    private final int port;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Connections that still read but no longer forward: a peer that went silent without closing. */
    private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();

    private ServerSocket server;
    private Thread acceptor;
    private boolean closed;

    public TcpProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    /** A proxy on a free port, forwarding to {@code targetPort} on the loopback address, started. */
    public static TcpProxy start(int targetPort) {
        TcpProxy p = new TcpProxy(FreePorts.find(), targetPort);
        p.unblock();
        return p;
    }

    public int port() {
        return port;
    }

    /** Listens and forwards again; harmless when not blocked. */
    public synchronized void unblock() {
        if (closed || server != null) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            server = s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port + ": " + e, e);
        }
        ServerSocket s = server;
        acceptor = new Thread(() -> accept(s), "tcp-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Stops listening and closes every open connection; harmless when blocked already. */
    public synchronized void block() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        server = null;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        silenced.clear();
    }

    /**
     * Every connection open now goes silent: bytes sent on it in either direction are read and dropped, nothing is
     * closed or reset, as when a NAT or middlebox forgets a connection. New connections are forwarded as before.
     *
     * @return how many client connections went silent
     */
    public synchronized int silenceOpenConnections() {
        silenced.addAll(open);
        return open.size() / 2;
    }

    public synchronized boolean isBlocked() {
        return server == null;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (SocketException e) {
                return; // blocked or closed
            } catch (IOException e) {
                // one connection failed; keep accepting
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            if (silenced.contains(from)) {
                                continue;
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection ended
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                        silenced.remove(from);
                        silenced.remove(to);
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public synchronized void close() {
        block();
        closed = true;
    }
}
