package io.keywarden.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.keywarden.testing.pebble.PebbleHarness;
import io.keywarden.testing.pebble.TcpProxy;

/**
 * A local Pebble plus one runtime, for {@code demo} and {@code bench}: started in a work directory, and stopped
 * on every way out (normal end, failure, Ctrl-C).
 */
final class LocalStage implements AutoCloseable {
    final Path workDir;
    final Path etc;
    final Path dataDir;
    final Path runtimeLog;
    final PebbleHarness pebble;
    private RuntimeProcess runtime;
    private TcpProxy proxy;
    private final Thread hook;
    private boolean closed;

    private LocalStage(Path workDir, PebbleHarness pebble) {
        this.workDir = workDir;
        this.etc = workDir.resolve("etc");
        this.dataDir = workDir.resolve("data");
        this.runtimeLog = workDir.resolve("runtime.log");
        this.pebble = pebble;
        this.hook = new Thread(this::close, "keywarden-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Wipes {@code workDir} and starts Pebble (real http-01 validation) in {@code workDir/pebble}. */
    static LocalStage start(Path workDir) {
        return start(workDir, Map.of());
    }

    /** As {@link #start(Path)}, with more environment variables for Pebble (the bench's switches). */
    static LocalStage start(Path workDir, Map<String, String> pebbleEnvironment) {
        return start(workDir, builder -> pebbleEnvironment.forEach(builder::environment));
    }

    /** As {@link #start(Path)}, with Pebble's builder adjusted first (more environment, a shared mock DNS). */
    static LocalStage start(Path workDir, Consumer<PebbleHarness.Builder> pebbleSettings) {
        Layout.wipe(workDir);
        PebbleHarness.Builder builder = PebbleHarness.builder(workDir.resolve("pebble"));
        pebbleSettings.accept(builder);
        PebbleHarness pebble = builder.build();
        LocalStage stage = new LocalStage(workDir, pebble);
        try {
            pebble.start();
        } catch (RuntimeException e) {
            stage.close();
            throw new DemoException("Pebble did not start: " + e.getMessage());
        }
        return stage;
    }

    /**
     * Puts a TCP proxy in front of Pebble that {@link #blockCa()} can cut off (Pebble keeps its state, unlike a
     * restart); the gateway configuration then points at the proxy. Call before {@link #gatewayConfig}.
     */
    synchronized void blockableCa() {
        if (proxy == null) {
            proxy = TcpProxy.start(pebble.directoryUrl().getPort());
        }
    }

    /** The CA refuses connections from now on (needs {@link #blockableCa()}). */
    synchronized void blockCa() {
        proxy.block();
    }

    synchronized void unblockCa() {
        proxy.unblock();
    }

    private synchronized String directoryUrl() {
        return proxy == null
                ? pebble.directoryUrl().toString()
                : "https://127.0.0.1:" + proxy.port() + pebble.directoryUrl().getPath();
    }

    /** The gateway configuration every local run shares; callers add to it. */
    Map<String, String> gatewayConfig(String dnsName, int concurrency) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ConfigFiles.DIRECTORY_URL, directoryUrl());
        p.put(
                ConfigFiles.TRUST_ANCHOR,
                pebble.trustAnchorFile().toAbsolutePath().toString());
        p.put(ConfigFiles.DNS_NAME, dnsName);
        p.put(ConfigFiles.HTTP01_PORT, Integer.toString(pebble.httpPort()));
        p.put(ConfigFiles.HTTP01_BIND, "127.0.0.1");
        p.put(ConfigFiles.CONCURRENCY, Integer.toString(concurrency));
        p.put(ConfigFiles.RETRY_INITIAL, "1");
        p.put(ConfigFiles.DATA_DIR, dataDir.toAbsolutePath().toString());
        return p;
    }

    synchronized RuntimeProcess startRuntime(Path runtimeJar, List<String> extraSystemProperties) {
        if (closed) {
            throw new DemoException("interrupted");
        }
        runtime = RuntimeProcess.startBackground(runtimeJar, etc, workDir, runtimeLog, extraSystemProperties);
        return runtime;
    }

    /** As {@link #startRuntime}, with the runtime's Gogo console on a pipe ({@link RuntimeProcess#console()}). */
    synchronized RuntimeProcess startRuntimeWithConsole(Path runtimeJar, List<String> extraSystemProperties) {
        if (closed) {
            throw new DemoException("interrupted");
        }
        runtime = RuntimeProcess.startWithConsole(runtimeJar, etc, workDir, runtimeLog, extraSystemProperties);
        return runtime;
    }

    StateDir state() {
        return new StateDir(dataDir);
    }

    /**
     * Polls the data directory until every id in {@code expected} has a CURRENT certificate, the runtime dies or
     * the deadline passes. Returns the ids still missing (empty: all there).
     */
    Set<String> awaitCurrent(Set<String> expected, long timeoutMillis, Consumer<Integer> progress) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int last = -1;
        while (true) {
            Map<String, StateDir.Cert> current = state().current();
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(current.keySet());
            int have = expected.size() - missing.size();
            if (have != last) {
                progress.accept(have);
                last = have;
            }
            if (missing.isEmpty()) {
                return missing;
            }
            RuntimeProcess rt = runtime;
            if (rt != null && !rt.isAlive()) {
                throw new DemoException("the runtime exited (code " + rt.exitValue() + ") before all certificates "
                        + "were issued; missing " + abbreviate(missing) + ". Last lines of " + rt.log() + ":\n"
                        + rt.tail(40));
            }
            if (System.nanoTime() > deadline) {
                return missing;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted");
            }
        }
    }

    static String abbreviate(Set<String> ids) {
        if (ids.size() <= 8) {
            return ids.toString();
        }
        return ids.stream().limit(8).toList() + " and " + (ids.size() - 8) + " more";
    }

    /** Stops the runtime, then Pebble; idempotent, also run by the shutdown hook on Ctrl-C. */
    @Override
    public void close() {
        RuntimeProcess rt;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            rt = runtime;
        }
        try {
            if (rt != null) {
                rt.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            pebble.close();
            if (Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }
}
