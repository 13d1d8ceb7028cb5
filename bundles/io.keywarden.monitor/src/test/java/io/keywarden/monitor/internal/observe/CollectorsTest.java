package io.keywarden.monitor.internal.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keywarden.api.monitor.ProcessInfo;
import io.keywarden.api.monitor.SocketInfo;

class CollectorsTest {

    @Test
    void parsesProcNetLinesForBothAddressFamilies() throws Exception {
        SocketInfo v4 = SocketCollector.parse(
                "tcp",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                        + "00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0",
                Map.of(4242L, 77L));
        assertEquals("127.0.0.1", v4.localAddress());
        assertEquals(8080, v4.localPort());
        assertEquals("LISTEN", v4.state());
        assertEquals(77, v4.pid());
        SocketInfo v6 = SocketCollector.parse(
                "tcp6",
                "   1: 00000000000000000000000001000000:0050 "
                        + "0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000  1000 0 99 1",
                Map.of());
        assertEquals("0:0:0:0:0:0:0:1", v6.localAddress());
        assertEquals("127.0.0.1", v6.remoteAddress(), "an IPv4-mapped address comes out as IPv4");
        assertEquals("ESTABLISHED", v6.state());
        assertEquals(-1, v6.pid());
    }

    @Test
    void seesThisProcessAndTheSocketItListensOn() throws Exception {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc.resolve("self"))) {
            return; // not Linux: nothing to collect from
        }
        long pid = ProcessHandle.current().pid();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProcessInfo me = new ProcessCollector(proc, new Hashes())
                    .collect().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
            assertTrue(me.executable().endsWith("/java"), me.executable());
            assertNotNull(me.sha256());
            assertTrue(me.commandLine().contains("surefire") || me.commandLine().contains("java"), me.commandLine());
            SocketInfo s = new SocketCollector(proc)
                    .collect().stream()
                            .filter(x -> x.localPort() == ss.getLocalPort() && x.isListening())
                            .findFirst()
                            .orElseThrow();
            assertEquals(pid, s.pid());
        }
    }
}
