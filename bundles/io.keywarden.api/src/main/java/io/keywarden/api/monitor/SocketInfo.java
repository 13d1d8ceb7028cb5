package io.keywarden.api.monitor;

/**
 * A socket on the gateway, read from /proc/net/tcp, tcp6, udp or udp6.
 *
 * @param protocol {@code tcp}, {@code tcp6}, {@code udp} or {@code udp6}
 * @param localAddress numeric local address
 * @param localPort local port
 * @param remoteAddress numeric remote address (all zeros while listening)
 * @param remotePort remote port (0 while listening)
 * @param state {@code LISTEN}, {@code ESTABLISHED}, ... for TCP; {@code UNCONN} or {@code ESTABLISHED} for UDP
 * @param inode the socket's inode
 * @param pid the process holding it, or -1 when it cannot be told (another user's process)
 */
public record SocketInfo(
        String protocol,
        String localAddress,
        int localPort,
        String remoteAddress,
        int remotePort,
        String state,
        long inode,
        long pid) {

    public boolean isListening() {
        return "LISTEN".equals(state) || "UNCONN".equals(state);
    }
}
