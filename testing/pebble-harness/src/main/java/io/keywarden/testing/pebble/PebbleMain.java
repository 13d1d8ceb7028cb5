package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one Pebble for demos and benchmarks.
 *
 * <pre>
 * java -cp ... io.keywarden.testing.pebble.PebbleMain &lt;workDir&gt; [--validity-seconds N] [--http-port N]
 *      [--acme-port N] [--nonce-reject PERCENT] [--no-stdin]
 * </pre>
 *
 * Prints {@code directory=}, {@code trustAnchor=}, {@code httpPort=}, {@code management=} lines (then {@code ready}),
 * and runs until stdin reaches end of file or the process is killed. With {@code --no-stdin} it ignores stdin and
 * runs until killed (use this when started in the background from a script, where stdin is often /dev/null).
 */
public final class PebbleMain {

    private PebbleMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("--")) {
            usage("missing workDir");
        }
        PebbleHarness.Builder b = PebbleHarness.builder(Path.of(args[0]));
        boolean watchStdin = true;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--validity-seconds" -> b.certificateValidity(Duration.ofSeconds(intArg(args, ++i)));
                case "--http-port" -> b.httpPort(intArg(args, ++i));
                case "--acme-port" -> b.acmePort(intArg(args, ++i));
                case "--nonce-reject" -> b.nonceRejectPercent(intArg(args, ++i));
                case "--no-stdin" -> watchStdin = false;
                default -> usage("unknown argument " + args[i]);
            }
        }
        PebbleHarness pebble = b.build();
        Runtime.getRuntime().addShutdownHook(new Thread(pebble::close, "pebble-main-close"));
        pebble.start();
        System.out.println("directory=" + pebble.directoryUrl());
        System.out.println("trustAnchor=" + pebble.trustAnchorFile());
        System.out.println("httpPort=" + pebble.httpPort());
        System.out.println("management=" + pebble.managementUrl());
        System.out.println("ready");
        System.out.flush();
        if (watchStdin) {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException ignored) {
                // stdin gone: same as closed
            }
            pebble.close();
            System.exit(0);
        } else {
            new CountDownLatch(1).await();
        }
    }

    private static int intArg(String[] args, int i) {
        if (i >= args.length) {
            usage("missing value after " + args[i - 1]);
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            usage("not a number: " + args[i]);
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: PebbleMain <workDir> [--validity-seconds N] [--http-port N] [--acme-port N]"
                + " [--nonce-reject PERCENT] [--no-stdin]");
        System.exit(2);
    }
}
