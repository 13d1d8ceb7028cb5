package io.keywarden.monitor.internal.observe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.api.monitor.SocketInfo;

/**
 * Sockets from /proc/net/tcp, tcp6, udp and udp6, with the process holding each one where /proc/&lt;pid&gt;/fd can be
 * read (the gateway's own processes; others need privileges the gateway may not have).
 */
public final class SocketCollector {
    private static final String[] TCP_STATES = {
        "?",
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
        "NEW_SYN_RECV"
    };

    private final Path proc;

    public SocketCollector(Path proc) {
        this.proc = proc;
    }

    public List<SocketInfo> collect() {
        Map<Long, Long> owners = socketOwners();
        List<SocketInfo> out = new ArrayList<>();
        for (String protocol : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(proc.resolve("net").resolve(protocol));
            } catch (IOException e) {
                continue; // no IPv6 on this kernel, for instance
            }
            for (int i = 1; i < lines.size(); i++) {
                SocketInfo s = parse(protocol, lines.get(i), owners);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** One line of /proc/net/{tcp,udp}[6], or null when it is not one. */
    static SocketInfo parse(String protocol, String line, Map<Long, Long> owners) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        try {
            String[] local = f[1].split(":");
            String[] remote = f[2].split(":");
            int st = Integer.parseInt(f[3], 16);
            long inode = Long.parseLong(f[9]);
            String state;
            if (protocol.startsWith("tcp")) {
                state = st < TCP_STATES.length ? TCP_STATES[st] : "?";
            } else {
                state = st == 1 ? "ESTABLISHED" : "UNCONN";
            }
            return new SocketInfo(
                    protocol,
                    address(local[0]),
                    Integer.parseInt(local[1], 16),
                    address(remote[0]),
                    Integer.parseInt(remote[1], 16),
                    state,
                    inode,
                    owners.getOrDefault(inode, -1L));
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
    static String address(String hex) throws UnknownHostException {
        byte[] b = new byte[hex.length() / 2];
        for (int w = 0; w < b.length / 4; w++) {
            for (int i = 0; i < 4; i++) {
                int at = (w * 4 + i) * 2;
                b[w * 4 + 3 - i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(b).getHostAddress();
    }

    private Map<Long, Long> socketOwners() {
        Map<Long, Long> owners = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(proc)) {
            for (Path p : procs) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            owners.putIfAbsent(Long.parseLong(target.substring(8, target.length() - 1)), pid);
                        }
                    }
                } catch (IOException | SecurityException | NumberFormatException e) {
                    // another user's process, or it ended
                }
            }
        } catch (IOException e) {
            return owners;
        }
        return owners;
    }
}
