package io.keywarden.est.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keywarden.est.internal.http.ServerLimits;

/** The EST server's configuration, parsed once; a bad value names its property. */
public final class EstOptions {
    public static final String PID = "io.keywarden.est";

    final String bindAddress;
    final int port;
    final Set<String> labels;
    final ServerLimits limits;
    final Duration caWait;
    final int retryAfterSeconds;
    final int maxPending;
    final Duration codeValidity;
    final int codeMaxFailures;
    final Duration codeFailureWindow;
    final List<String> curves;
    final int rsaMinBits;
    final Path dataDir;

    private EstOptions(Map<String, Object> p, Path defaultDataDir) {
        bindAddress = DeviceClassOptions.string(p, "bind.address").isEmpty()
                ? "0.0.0.0"
                : DeviceClassOptions.string(p, "bind.address");
        port = integer(p, "port", 8444, 0);
        labels = Set.copyOf(DeviceClassOptions.strings(p, "ca.labels"));
        limits = new ServerLimits(
                integer(p, "threads", 16, 4),
                integer(p, "queue", 256, 1),
                integer(p, "connections.per.source", 8, 1),
                integer(p, "connections.per.device", 4, 1),
                Duration.ofMillis(integer(p, "first.request.deadline.ms", 5000, 100)),
                Duration.ofMillis(integer(p, "request.deadline.ms", 15000, 100)),
                Duration.ofMillis(integer(p, "idle.timeout.ms", 10000, 100)),
                integer(p, "max.header.bytes", 8192, 1024),
                integer(p, "max.body.bytes", 16384, 1024),
                128);
        caWait = Duration.ofMillis(integer(p, "ca.wait.ms", 3000, 0));
        if (caWait.compareTo(limits.perRequest()) >= 0) {
            // the request deadline would close the connection before the 202 is written
            throw new IllegalArgumentException("ca.wait.ms: must be below request.deadline.ms ("
                    + limits.perRequest().toMillis() + ")");
        }
        retryAfterSeconds = integer(p, "retry.after.seconds", 5, 1);
        maxPending = integer(p, "max.pending", 1000, 1);
        codeValidity = Duration.ofHours(integer(p, "code.validity.hours", 72, 1));
        codeMaxFailures = integer(p, "code.max.failures", 5, 1);
        codeFailureWindow = Duration.ofSeconds(integer(p, "code.failure.window.seconds", 900, 1));
        List<String> c = DeviceClassOptions.strings(p, "key.ec.curves");
        curves = c.isEmpty() ? List.of("P-256", "P-384") : c;
        rsaMinBits = integer(p, "key.rsa.min.bits", 2048, 0);
        String dir = DeviceClassOptions.string(p, "data.dir");
        dataDir = dir.isEmpty() ? defaultDataDir : Path.of(dir);
        if (dataDir == null) {
            throw new IllegalArgumentException("data.dir: required (the framework offers no bundle data area)");
        }
    }

    public static EstOptions parse(Map<String, Object> p, Path defaultDataDir) {
        return new EstOptions(p, defaultDataDir);
    }

    private static int integer(Map<String, Object> p, String key, int def, int min) {
        Object v = p.get(key);
        int n;
        try {
            n = v == null || v.toString().isBlank()
                    ? def
                    : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: " + v);
        }
        if (n < min) {
            throw new IllegalArgumentException(key + ": at least " + min);
        }
        return n;
    }
}
