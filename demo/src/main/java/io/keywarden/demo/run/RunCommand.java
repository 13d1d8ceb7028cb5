package io.keywarden.demo.run;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.keywarden.demo.ConfigFiles;
import io.keywarden.demo.DemoException;
import io.keywarden.demo.Layout;
import io.keywarden.demo.RuntimeProcess;

/**
 * {@code run}: writes the runtime's etc/ for any ACME CA and runs the runtime in the foreground, its console on
 * this terminal.
 */
public final class RunCommand {
    private final Layout layout;
    private final PrintStream out;

    public RunCommand(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    public int run(List<String> args) {
        RunOptions options = RunOptions.parse(args, layout.runDir());
        Map<String, String> gateway = GatewayProperties.of(options);
        Path etc = options.workDir.resolve("etc");
        Path runtimeJar = layout.requireRuntimeJar();
        writeConfiguration(etc, gateway, options.sensors);
        List<String> cmd = RuntimeProcess.command(runtimeJar, etc, List.of());
        out.println("Keywarden runtime for " + gateway.get(ConfigFiles.DNS_NAME) + " against "
                + gateway.get(ConfigFiles.DIRECTORY_URL));
        out.println("  config  " + ConfigFiles.gatewayFile(etc)
                + (options.sensors.isEmpty() ? "" : " and " + options.sensors.size() + " sensor file(s)"));
        out.println("  data    " + gateway.get(ConfigFiles.DATA_DIR));
        out.println("  command " + String.join(" ", cmd));
        if (options.printOnly) {
            return 0;
        }
        out.println("Gogo console: keywarden:status, keywarden:devices, keywarden:certs, lb; exit 0 (or Ctrl-D) "
                + "stops the runtime.");
        out.flush();
        return ForegroundRuntime.run(cmd, options.workDir);
    }

    /** Replaces the Keywarden files of a previous run in etc/ with this run's gateway and sensors. */
    private static void writeConfiguration(Path etc, Map<String, String> gateway, List<ConfigFiles.Sensor> sensors) {
        ConfigFiles.removeKeywardenFiles(etc);
        ConfigFiles.writeGateway(etc, gateway);
        for (ConfigFiles.Sensor s : sensors) {
            if (s.csrFile() != null && !Files.isReadable(s.csrFile())) {
                throw new DemoException("run: CSR of sensor " + s.id() + " is not a readable file: " + s.csrFile(), 2);
            }
            ConfigFiles.writeSensor(etc, s.id(), s);
        }
    }
}
