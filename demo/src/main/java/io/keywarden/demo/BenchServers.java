package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.keywarden.demo.servers.BenchServersCommand;
import io.keywarden.demo.servers.ServersDemoCommand;

/** {@code bench-servers [N]}: decision to broker session closed and to HTTPS collector refusing (docs/servers.md). */
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

    static int run(Layout layout, List<String> args, PrintStream out) {
        // before any TLS in this JVM: resumption only through the server's session cache, which a denial empties
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
        Path work = layout.demoDir().resolve("bench-servers");
        Layout.wipe(work);
        try {
            return new BenchServersCommand(work, out).run(args);
        } catch (DemoException e) {
            throw e;
        } catch (Exception e) {
            StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
            throw new DemoException("bench-servers failed: " + e + (where == null ? "" : " at " + where), 1);
        }
    }
}
