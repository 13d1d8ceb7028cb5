package io.keywarden.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import io.keywarden.demo.run.RunCommand;

/**
 * Driver behind {@code ./keywarden}: {@code demo}, {@code demo-fleet} and the benchmarks ({@code bench},
 * {@code bench-est}, {@code bench-revoke}, {@code bench-contain}) against a local Pebble; {@code run}, the runtime
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

              bench [N] [--concurrency C] [--csr K] [--timeout S] [--lego P] [--always-valid]
                  Local Pebble, a gateway, then N sensors at once (default 200; K of them with their own CSR,
                  default 0); enrollment.concurrency C (default 8). Reports times, certificates/s and CPU seconds.
                  --lego P: then N certificates with lego, P processes at a time, same Pebble, same real
                  http-01 validation, and the ratios. --always-valid: Pebble checks no challenge, for both.

              bench-est [N] [--concurrency C] [--clients P]
                  Local Pebble, the runtime with its EST server; N simulated sensors bootstrap over EST at once
                  with Bouncy Castle's client (half IDevID, half one-time code; P clients at a time), then N
                  through the direct API in the same run. Reports certificates/s, p50/p99 time to certificate
                  and the EST front's cost per certificate.

              bench-revoke [N] [--lego]
                  Local Pebble, a gateway and N sensors (default 20), then one signed revocation request per
                  sensor by the gateway's monitor, one at a time. Reports the time from submit to Revoked at
                  Pebble: median, p90, max. --lego: then lego orders N certificates from the same Pebble and
                  revokes them one at a time, and the ratio.

              bench-contain [TRIALS] [--sensors N]
                  Local Pebble, the runtime with the monitor and the revocation component, N well-behaved sensors
                  (default 10) reporting over mutual TLS, and TRIALS (default 50) fresh sensors that each turn
                  malicious once. Reports p50/p99 from the malicious act to (a) refusal on the sensor channel and
                  (b) Revoked at Pebble.

              demo-servers
                  Ten sensors send readings to a real Mosquitto (mutual TLS, dynamic security) and to an HTTPS
                  collector built on the relying-party library; sensor-7 is contained at both (docs/servers.md).

              bench-servers [N]
                  N devices (default 50) contained one at a time: p50/p99 from the decision to the broker session
                  closed and to the HTTPS collector refusing.

              bench-channel [N] [--seconds S] [--idle T] [--configured]
                  Local Pebble, the runtime with the monitor, N sensors (default 1000) enrolled; then from this
                  process each reports once a second for S seconds (default 30) over a kept-alive connection, and
                  again with a new connection per report. Reports sensors served, p50/p99 and the runtime's CPU.
                  --idle T: first restarts the runtime and reads its CPU over T seconds with nothing happening;
                  --seconds 0 skips the reports. The sensors bootstrap over EST with IDevIDs (SENSOR records only);
                  --configured: as sensor configurations instead (a configuration and a component each).

              demo-fleet [N]
                  A gateway with N sensors (default 10; they enroll over EST, half by IDevID, half by one-time
                  code) and the fleet authority as two runtimes that share only a local Pebble and a Mosquitto
                  broker. The authority learns the gateway's certificates and escrow
                  deposit over MQTT, then revokes the whole gateway (COMPROMISED_GATEWAY). Reports the time from
                  submit at the authority to all Revoked at Pebble and to all denied at the gateway.

              help
            """;

    private Demo() {}

    public static void main(String[] args) {
        int code;
        PrintStream out = System.out;
        try {
            code = run(Arrays.asList(args), out);
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
            case "bench":
                return new BenchCommand(layout, out).run(rest);
            case "bench-est":
                return new BenchEstCommand(layout, out).run(rest);
            case "bench-revoke":
                return new BenchRevokeCommand(layout, out).run(rest);
            case "bench-contain":
                return new BenchContainCommand(layout, out).run(rest);
            case "demo-servers":
                return BenchServers.demo(layout, out);
            case "bench-servers":
                return BenchServers.run(layout, rest, out);
            case "bench-channel":
                return new BenchChannelCommand(layout, out).run(rest);
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
