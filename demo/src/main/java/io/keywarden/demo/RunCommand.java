package io.keywarden.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code run}: writes the runtime's etc/ for any ACME CA and runs the runtime in the foreground, its console on
 * this terminal.
 */
final class RunCommand {
    private static final int LAUNCHER_STOPPED = 117;
    private static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Layout layout;
    private final PrintStream out;

    RunCommand(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    int run(List<String> args) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<ConfigFiles.Sensor> sensors = new ArrayList<>();
        Path config = null;
        Path workDir = layout.runDir();
        boolean printOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--config" -> config = Path.of(Args.value(args, ++i)).toAbsolutePath();
                case "--directory-url" -> flags.put(ConfigFiles.DIRECTORY_URL, Args.value(args, ++i));
                case "--trust-anchor" -> flags.put(ConfigFiles.TRUST_ANCHOR, Args.value(args, ++i));
                case "--eab-kid" -> flags.put(ConfigFiles.EAB_KID, Args.value(args, ++i));
                case "--eab-hmac" -> flags.put(ConfigFiles.EAB_HMAC, Args.value(args, ++i));
                case "--contact" -> flags.put(ConfigFiles.CONTACT_EMAIL, Args.value(args, ++i));
                case "--dns-name" -> flags.put(ConfigFiles.DNS_NAME, Args.value(args, ++i));
                case "--http01-port" -> flags.put(ConfigFiles.HTTP01_PORT,
                        Integer.toString(Args.intValue(args, ++i, 1, 65535)));
                case "--http01-bind" -> flags.put(ConfigFiles.HTTP01_BIND, Args.value(args, ++i));
                case "--key-type" -> flags.put(ConfigFiles.KEY_TYPE, Args.value(args, ++i));
                case "--concurrency" -> flags.put(ConfigFiles.CONCURRENCY,
                        Integer.toString(Args.intValue(args, ++i, 1, 256)));
                case "--data-dir" -> flags.put(ConfigFiles.DATA_DIR, Path.of(Args.value(args, ++i)).toAbsolutePath()
                        .toString());
                case "--work-dir" -> workDir = Path.of(Args.value(args, ++i)).toAbsolutePath();
                case "--sensor" -> sensors.add(parseSensor(Args.value(args, ++i)));
                case "--print-only" -> printOnly = true;
                default -> throw new DemoException("run: unknown argument " + a + "\n" + Demo.USAGE, 2);
            }
        }

        Map<String, String> gateway = new LinkedHashMap<>();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new DemoException("--config: no such file " + config, 2);
            }
            gateway.putAll(ConfigFiles.read(config));
            // relative paths in the file are relative to the file
            for (String key : List.of(ConfigFiles.TRUST_ANCHOR, ConfigFiles.DATA_DIR)) {
                String v = gateway.get(key);
                if (v != null && !v.isBlank() && !v.startsWith("-----BEGIN") && !Path.of(v).isAbsolute()) {
                    gateway.put(key, config.getParent().resolve(v).normalize().toString());
                }
            }
        }
        gateway.putAll(flags);
        for (String required : List.of(ConfigFiles.DIRECTORY_URL, ConfigFiles.TRUST_ANCHOR, ConfigFiles.DNS_NAME)) {
            if (gateway.getOrDefault(required, "").isBlank()) {
                throw new DemoException("run: " + required + " is required (" + flagOf(required)
                        + (config != null ? " or in " + config : "") + ")\n" + Demo.USAGE, 2);
            }
        }
        checkDirectoryUrl(gateway.get(ConfigFiles.DIRECTORY_URL));
        String anchor = gateway.get(ConfigFiles.TRUST_ANCHOR);
        if (!anchor.startsWith("-----BEGIN")) {
            Path file = Path.of(anchor).toAbsolutePath();
            if (!Files.isReadable(file)) {
                throw new DemoException("run: trust anchor " + file + " is not a readable file", 2);
            }
            gateway.put(ConfigFiles.TRUST_ANCHOR, file.toString());
        }
        if (gateway.containsKey(ConfigFiles.EAB_KID) != gateway.containsKey(ConfigFiles.EAB_HMAC)) {
            throw new DemoException("run: External Account Binding needs both --eab-kid and --eab-hmac", 2);
        }
        Path etc = workDir.resolve("etc");
        gateway.putIfAbsent(ConfigFiles.DATA_DIR, workDir.resolve("data").toString());

        Path runtimeJar = layout.requireRuntimeJar();
        ConfigFiles.removeKeywardenFiles(etc);
        ConfigFiles.writeGateway(etc, gateway);
        for (ConfigFiles.Sensor s : sensors) {
            if (s.csrFile() != null && !Files.isReadable(s.csrFile())) {
                throw new DemoException("run: CSR of sensor " + s.id() + " is not a readable file: " + s.csrFile(), 2);
            }
            ConfigFiles.writeSensor(etc, s.id(), s);
        }
        List<String> cmd = RuntimeProcess.command(runtimeJar, etc, List.of());
        out.println("Keywarden runtime for " + gateway.get(ConfigFiles.DNS_NAME) + " against "
                + gateway.get(ConfigFiles.DIRECTORY_URL));
        out.println("  config  " + ConfigFiles.gatewayFile(etc) + (sensors.isEmpty() ? ""
                : " and " + sensors.size() + " sensor file(s)"));
        out.println("  data    " + gateway.get(ConfigFiles.DATA_DIR));
        out.println("  command " + String.join(" ", cmd));
        if (printOnly) {
            return 0;
        }
        out.println("Gogo console: keywarden:status, keywarden:devices, keywarden:certs, lb; exit 0 (or Ctrl-D) "
                + "stops the runtime.");
        out.flush();
        return foreground(cmd, workDir);
    }

    private static int foreground(List<String> cmd, Path workDir) {
        Process p;
        try {
            Files.createDirectories(workDir);
            p = new ProcessBuilder(cmd).directory(workDir.toFile()).inheritIO().start();
        } catch (IOException e) {
            throw new DemoException("cannot start the runtime: " + e.getMessage());
        }
        // Ctrl-C reaches both processes; give the runtime a moment, then make sure it is gone
        Thread hook = new Thread(() -> {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }, "keywarden-run-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = p.waitFor();
            // bnd's launcher exits with 117 ("STOPPED") when the framework was stopped on purpose (exit 0, Ctrl-D)
            return code == LAUNCHER_STOPPED ? 0 : code;
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** {@code ID=NAME[,NAME2...][,csr=FILE]}. */
    static ConfigFiles.Sensor parseSensor(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new DemoException("--sensor " + spec + ": expected ID=NAME[,NAME2...][,csr=FILE]", 2);
        }
        String id = spec.substring(0, eq).trim();
        if (!SENSOR_ID.matcher(id).matches() || id.contains("..")) {
            throw new DemoException("--sensor " + spec + ": the id must be letters, digits, '.', '_', '-'", 2);
        }
        List<String> names = new ArrayList<>();
        Path csr = null;
        for (String part : spec.substring(eq + 1).split(",")) {
            String p = part.trim();
            if (p.startsWith("csr=")) {
                csr = Path.of(p.substring(4)).toAbsolutePath();
            } else if (!p.isEmpty()) {
                names.add(p);
            }
        }
        if (names.isEmpty()) {
            throw new DemoException("--sensor " + spec + ": at least one DNS name is needed", 2);
        }
        return new ConfigFiles.Sensor(id, names, csr);
    }

    private static void checkDirectoryUrl(String url) {
        try {
            URI u = new URI(url);
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new DemoException("run: the directory URL must be https://host/...: " + url, 2);
            }
        } catch (URISyntaxException e) {
            throw new DemoException("run: not a URL: " + url, 2);
        }
    }

    private static String flagOf(String property) {
        return switch (property) {
            case ConfigFiles.DIRECTORY_URL -> "--directory-url";
            case ConfigFiles.TRUST_ANCHOR -> "--trust-anchor";
            case ConfigFiles.DNS_NAME -> "--dns-name";
            default -> property;
        };
    }
}
