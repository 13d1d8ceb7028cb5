package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;

/** Finds free local ports by binding port 0 on 127.0.0.1 and releasing it again. */
public final class FreePorts {

    private FreePorts() {}

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    public static int find() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port on 127.0.0.1", e);
        }
    }

    /** A port free for both TCP and UDP on 127.0.0.1 (for the mock DNS server). */
    static int findTcpAndUdp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = find();
            try (DatagramSocket udp =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                return port;
            } catch (SocketException busy) {
                // UDP side taken, try another
            }
        }
        throw new IllegalStateException("cannot find a port free for both TCP and UDP on 127.0.0.1");
    }
}
