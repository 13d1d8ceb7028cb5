package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;

import io.keywarden.demo.servers.ServersDemoCommand;

/** {@code demo-servers} (docs/servers.md); {@code bench-servers} is in the bench module. */
final class BenchServers {
    private BenchServers() {}

    /** {@code demo-servers}: sensor-7 contained at the broker and at an HTTPS collector, the others unaffected. */
    static int demo(Layout layout, PrintStream out) {
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
        Path work = layout.demoDir().resolve("demo-servers");
        Layout.wipe(work);
        try {
            return new ServersDemoCommand(work, out).run();
        } catch (DemoException e) {
            throw e;
        } catch (Exception e) {
            throw new DemoException("demo-servers failed: " + e, 1);
        }
    }
}
