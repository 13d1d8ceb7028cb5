package io.keywarden.demo.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.keywarden.demo.Args;
import io.keywarden.demo.ConfigFiles;
import io.keywarden.demo.Demo;
import io.keywarden.demo.DemoException;

/** The command line of {@code run}, parsed: gateway properties given as flags, sensors, the files to use. */
final class RunOptions {
    private static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Gateway properties given as flags; they override the {@code --config} file. */
    final Map<String, String> flags = new LinkedHashMap<>();

    final List<ConfigFiles.Sensor> sensors = new ArrayList<>();
    Path config;
    Path workDir;
    boolean printOnly;

    private RunOptions(Path workDir) {
        this.workDir = workDir;
    }

    static RunOptions parse(List<String> args, Path defaultWorkDir) {
        RunOptions o = new RunOptions(defaultWorkDir);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--config" -> o.config = Path.of(Args.value(args, ++i)).toAbsolutePath();
                case "--directory-url" -> o.flags.put(ConfigFiles.DIRECTORY_URL, Args.value(args, ++i));
                case "--trust-anchor" -> o.flags.put(ConfigFiles.TRUST_ANCHOR, Args.value(args, ++i));
                case "--eab-kid" -> o.flags.put(ConfigFiles.EAB_KID, Args.value(args, ++i));
                case "--eab-hmac" -> o.flags.put(ConfigFiles.EAB_HMAC, Args.value(args, ++i));
                case "--contact" -> o.flags.put(ConfigFiles.CONTACT_EMAIL, Args.value(args, ++i));
                case "--dns-name" -> o.flags.put(ConfigFiles.DNS_NAME, Args.value(args, ++i));
                case "--http01-port" ->
                    o.flags.put(ConfigFiles.HTTP01_PORT, Integer.toString(Args.intValue(args, ++i, 1, 65535)));
                case "--http01-bind" -> o.flags.put(ConfigFiles.HTTP01_BIND, Args.value(args, ++i));
                case "--key-type" -> o.flags.put(ConfigFiles.KEY_TYPE, Args.value(args, ++i));
                case "--concurrency" ->
                    o.flags.put(ConfigFiles.CONCURRENCY, Integer.toString(Args.intValue(args, ++i, 1, 256)));
                case "--data-dir" ->
                    o.flags.put(
                            ConfigFiles.DATA_DIR,
                            Path.of(Args.value(args, ++i)).toAbsolutePath().toString());
                case "--work-dir" -> o.workDir = Path.of(Args.value(args, ++i)).toAbsolutePath();
                case "--sensor" -> o.sensors.add(parseSensor(Args.value(args, ++i)));
                case "--print-only" -> o.printOnly = true;
                default -> throw new DemoException("run: unknown argument " + a + "\n" + Demo.USAGE, 2);
            }
        }
        return o;
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
}
