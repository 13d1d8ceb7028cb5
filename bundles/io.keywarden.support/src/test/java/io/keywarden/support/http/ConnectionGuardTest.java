package io.keywarden.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deadline sweep runs while a connection is open, and only then: an idle endpoint wakes no thread. */
class ConnectionGuardTest {
    private Server server;
    private ServerConnector connector;
    private ConnectionGuard guard;
    private final RefusalCounter refused = new RefusalCounter(System::currentTimeMillis);

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        guard = new ConnectionGuard(
                "test",
                new ConnectionGuard.Limits(4, Duration.ofMillis(300), Duration.ofSeconds(5), null, Duration.ZERO),
                (kind, source) -> refused.count(kind),
                (status, reason, source) -> {});
        connector.addBean(guard);
        server.addConnector(connector);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        guard.close();
    }

    @Test
    void theSweepRunsOnlyWhileAConnectionIsOpenAndStillClosesASilentOne() throws Exception {
        assertFalse(guard.isSweeping(), "no connection: no sweep");
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 2000);
            awaitTrue(guard::isSweeping, "a connection: the sweep runs");
            silent.setSoTimeout(5000);
            long t0 = System.nanoTime();
            try (InputStream in = silent.getInputStream()) {
                assertEquals(-1, in.read(), "closed by the sweep at its first-request deadline");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(millis < 3000, "closed after " + millis + " ms, deadline 300 ms");
        }
        awaitTrue(() -> !guard.isSweeping(), "the last connection closed: the sweep stops");
        assertTrue(refused.total(ConnectionRefusal.DEADLINE) >= 1);
        try (Socket again = new Socket()) {
            again.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 2000);
            awaitTrue(guard::isSweeping, "a new connection starts it again");
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }
}
