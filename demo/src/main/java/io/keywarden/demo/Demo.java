package io.keywarden.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import io.keywarden.demo.run.RunCommand;

/**
 * Driver behind {@code ./keywarden}: the demos ({@code demo}, {@code demo-fleet}, {@code demo-servers}) against a
 * local Pebble; {@code run}, the runtime
 * against any ACME CA ({@link RunCommand}, package {@code io.keywarden.demo.run}); {@code help}.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
public final class Demo {
    public static final String USAGE = """
            usage: keywarden <command> [options]

              demo [--timeout S]
                  Local Pebble ACME CA (real http-01), the standalone runtime with its EST server, a gateway enrolled
                  over ACME, and 10 sensors that get their certificates only over EST (Bouncy Castle's EST client),
                  each with a key it makes and keeps: 5 bootstrap with a simulated manufacturer's IDevID, 5 with a
                  one-time code created with est:code at the runtime's Gogo console. Prints how each bootstrapped, its
                  time to certificate and status at the CA, and checks each chain to Pebble's root; sensor-2 renews
                  over EST with its key, sensor-9 with a new key. Then the sensors report to the gateway's monitor
                  over mutual TLS; one turns malicious and is contained: the incident, the time to its next request
                  being refused, and its certificate Revoked at Pebble while the other nine stay Valid and keep
                  working. Work dir: .demo/

              run --directory-url URL --trust-anchor FILE --dns-name NAME
                  [--eab-kid KID --eab-hmac KEY] [--contact EMAIL] [--http01-port N] [--http01-bind ADDR]
                  [--key-type EC_P256|EC_P384|RSA_2048|RSA_3072] [--concurrency N] [--data-dir DIR]
                  [--work-dir DIR] [--sensor ID=NAME[,NAME2...][,csr=FILE]]... [--print-only]
              run --config FILE [same options, they override the file]
                  Runs the runtime in the foreground, with the Gogo console, against any ACME CA. FILE is a
                  .cfg (Java properties) with the properties of PID io.keywarden.acme.gateway. The runtime's
                  etc/ goes to WORK_DIR/etc (default: keywarden-data/ in the repository), its state to
                  --data-dir (default WORK_DIR/data).

              demo-servers
                  Ten sensors send readings to a real Mosquitto (mutual TLS, dynamic security) and to an HTTPS
                  collector built on the relying-party library; sensor-7 is contained at both (docs/servers.md).

              demo-fleet [N] [--ca-parallel P] [--db h2|postgresql] [--authorities A]
                  A gateway with N sensors (default 10; they enroll over EST, half by IDevID, half by one-time
                  code), another gateway and the fleet authority, each a runtime; they share only a local Pebble
                  and a Mosquitto broker. The authority learns the gateway's certificates and escrow
                  deposit over MQTT, then revokes the whole gateway (COMPROMISED_GATEWAY). Reports the time from
                  submit at the authority to all Revoked at Pebble, to all denied at the gateway and at the other
                  gateway, and Pebble's CPU meanwhile. --ca-parallel P: the authority's ca.parallel (revocations in
                  flight per instance, default 8). --db postgresql: the authority on a local PostgreSQL (default
                  H2); --authorities A: A instances on it sharing the work (default 1; more need PostgreSQL).

              help

            The benchmarks (bench-all, bench, bench-est, bench-revoke, bench-contain, bench-channel, bench-servers)
            are in the bench module: ./keywarden help, docs/benchmarks.md.
            """;

    private Demo() {}

    public static void main(String[] args) {
        exitWith(args, Demo::run);
    }

    /** What a driver's command line runs: the arguments and where to print, to an exit code. */
    interface Driver {
        int run(List<String> args, PrintStream out);
    }

    /** Runs {@code driver} on the command line and exits with its code (a {@link DemoException}'s, or 1). */
    static void exitWith(String[] args, Driver driver) {
        int code;
        PrintStream out = System.out;
        try {
            code = driver.run(Arrays.asList(args), out);
        } catch (DemoException e) {
            System.err.println("keywarden: " + e.getMessage());
            code = e.exitCode();
        } catch (RuntimeException e) {
            System.err.println("keywarden: unexpected failure: " + e);
            e.printStackTrace();
            code = 1;
        }
        out.flush();
        System.exit(code);
    }

    static int run(List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            out.print(USAGE);
            return 2;
        }
        Layout layout = Layout.detect();
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "demo":
                return new DemoCommand(layout, out).run(rest);
            case "run":
                return new RunCommand(layout, out).run(rest);
            case "demo-servers":
                return BenchServers.demo(layout, out);
            case "demo-fleet":
                return new DemoFleetCommand(layout, out).run(rest);
            case "help":
            case "--help":
            case "-h":
                out.print(USAGE);
                return 0;
            default:
                throw new DemoException("unknown command '" + args.get(0) + "'\n" + USAGE, 2);
        }
    }
}
