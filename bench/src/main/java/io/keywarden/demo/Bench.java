package io.keywarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.keywarden.demo.servers.BenchServersCommand;

/**
 * Driver behind {@code ./keywarden bench-all} and the single benchmarks ({@code bench}, {@code bench-est},
 * {@code bench-revoke}, {@code bench-contain}, {@code bench-channel}, {@code bench-servers}). The bench classes share
 * the demo driver's package so they use its stages as a library. Exit codes: 0 success, 1 failure, 2 usage error.
 */
public final class Bench {
    public static final String USAGE = """
            usage: keywarden <bench command> [options]

              bench-all [--only P1,P2,...] [--results DIR] [--p3-parallel 1,4,8,16] [--p7-sensors S]
                        [--p3-db h2,postgresql] [--p3-authorities 1,2] [--p3-repeat R]
                  P1-P7 of docs/benchmarks.md in one run (about 15 minutes on 2 cores), each against its own local
                  Pebble (and Mosquitto): enrollment against lego and certbot, containment, a compromised gateway
                  with 1,000 sensors, the footprint, the monitor with 1,000 sensors, EST against direct. Writes
                  DIR/<date>-<commit>.md (default bench/results) and a PNG chart next to it. Needs lego, certbot
                  and gnuplot (Debian packages) for P1 and the chart. --p3-parallel: P3 once per value of the
                  authority's ca.parallel (revocations in flight) instead of once at its default. --p3-db,
                  --p3-authorities, --p3-repeat: P3 for every database and number of authority instances (several
                  only on PostgreSQL), R rounds, the setups taking turns. P7 is
                  bench-fleet with 1,000 gateways of S sensors each (default 10; the issue's 100 take about half
                  an hour per database).

              bench [N] [--concurrency C] [--csr K] [--timeout S] [--lego P] [--certbot K] [--always-valid]
                  Local Pebble, a gateway, then N sensors at once (default 200; K of them with their own CSR,
                  default 0); enrollment.concurrency C (default 8). Reports times, certificates/s and CPU seconds.
                  --lego P: then N certificates with lego, P processes at a time, same Pebble, same real
                  http-01 validation, and the ratios. --certbot K: then K certificates with certbot, one at a time.
                  --always-valid: Pebble checks no challenge, for all of them.

              bench-est [N] [--concurrency C] [--clients P]
                  Local Pebble, the runtime with its EST server; N simulated sensors bootstrap over EST at once
                  with Bouncy Castle's client (half IDevID, half one-time code; P clients at a time), then N
                  through the direct API in the same run. Reports certificates/s, p50/p99 time to certificate
                  and the EST front's cost per certificate.

              bench-revoke [N] [--lego] [--configured]
                  Local Pebble, a gateway and N sensors (default 20) bootstrapped over EST with IDevIDs
                  (--configured: sensor configurations whose keys the gateway holds), then one signed revocation request per
                  sensor by the gateway's monitor, one at a time. Reports the time from submit to Revoked at
                  Pebble: median, p90, max. --lego: then lego orders N certificates from the same Pebble and
                  revokes them one at a time, and the ratio.

              bench-contain [TRIALS] [--sensors N] [--configured]
                  Local Pebble, the runtime with the monitor and the revocation component, N well-behaved sensors
                  (default 10) reporting over mutual TLS, and TRIALS (default 50) fresh sensors that each turn
                  malicious once; all bootstrap over EST with IDevIDs (--configured: sensor configurations). Reports p50/p99 from the malicious act to (a) refusal on the sensor channel and
                  (b) Revoked at Pebble.

              bench-fleet [G] [--sensors S] [--db h2|postgresql|both] [--window W]
                  G simulated gateways (default 1000), each with its own GATEWAY key and certificate from a
                  throwaway CA the authority trusts, report S sensors each (default 100) as signed issuance log
                  entries through a local Mosquitto to one fleet authority runtime on the gateway JVM flags, its
                  logs in H2 and then in PostgreSQL (default both); at most W gateways report at once (default
                  100). Reports entries/s, the authority's heap after a full GC and the database size.

              bench-servers [N]
                  N devices (default 50) contained one at a time: p50/p99 from the decision to the broker session
                  closed and to the HTTPS collector refusing.

              bench-channel [N] [--seconds S] [--idle T] [--configured] [--kept-alive-only] [--jetty-floor]
                  Local Pebble, the runtime with the monitor, N sensors (default 1000) enrolled; then from this
                  process each reports once a second for S seconds (default 30) over a kept-alive connection, and
                  again with a new connection per report. Reports sensors served, p50/p99 and the runtime's CPU.
                  --idle T: first restarts the runtime and reads its CPU over T seconds with nothing happening;
                  --seconds 0 skips the reports. The sensors bootstrap over EST with IDevIDs (SENSOR records only);
                  --configured: as sensor configurations instead (a configuration and a component each).
                  --kept-alive-only: no run with a new connection per report.
                  --jetty-floor: last, the runtime stopped, the kept-alive run against a Jetty server set up as
                  the channel with a handler that only reads and answers (its own JVM, the runtime's flags).
            """;

    private Bench() {}

    public static void main(String[] args) {
        Demo.exitWith(args, Bench::run);
    }

    static int run(List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            out.print(USAGE);
            return 2;
        }
        Layout layout = Layout.detect();
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "bench-all" -> new BenchAll(layout, out).run(rest);
            case "bench" -> new BenchCommand(layout, out).run(rest);
            case "bench-est" -> new BenchEstCommand(layout, out).run(rest);
            case "bench-fleet" -> fleet(layout, out, rest);
            case "bench-revoke" -> new BenchRevokeCommand(layout, out).run(rest);
            case "bench-contain" -> new BenchContainCommand(layout, out).run(rest);
            case "bench-servers" -> servers(layout, rest, out);
            case "bench-channel" -> new BenchChannelCommand(layout, out).run(rest);
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> throw new DemoException("unknown command '" + args.get(0) + "'\n" + USAGE, 2);
        };
    }

    private static int fleet(Layout layout, PrintStream out, List<String> args) {
        try {
            return new BenchFleetCommand(layout, out).run(args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }

    private static int servers(Layout layout, List<String> args, PrintStream out) {
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
