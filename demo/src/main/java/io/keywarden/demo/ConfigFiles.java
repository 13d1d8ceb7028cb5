package io.keywarden.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The runtime's configuration: Felix FileInstall turns {@code etc/<pid>.cfg} into a configuration and
 * {@code etc/<factory pid>-<name>.cfg} into one factory configuration.
 */
public final class ConfigFiles {
    public static final String GATEWAY_PID = "io.keywarden.acme.gateway";
    public static final String SENSOR_FACTORY_PID = "io.keywarden.acme.sensor";

    // gateway PID properties
    public static final String DIRECTORY_URL = "acme.directory.url";
    public static final String TRUST_ANCHOR = "acme.trust.anchor";
    public static final String CONTACT_EMAIL = "acme.contact.email";
    public static final String EAB_KID = "acme.eab.kid";
    public static final String EAB_HMAC = "acme.eab.hmac.key";
    public static final String DNS_NAME = "gateway.dns.name";
    public static final String KEY_TYPE = "gateway.key.type";
    public static final String HTTP01_PORT = "http01.port";
    public static final String HTTP01_BIND = "http01.bind.address";
    public static final String CONCURRENCY = "enrollment.concurrency";
    public static final String RETRY_INITIAL = "retry.initial.seconds";
    public static final String DATA_DIR = "data.dir";

    // sensor factory PID properties
    public static final String DEVICE_ID = "device.id";
    public static final String DNS_NAMES = "dns.names";
    public static final String CSR_FILE = "csr.file";

    private ConfigFiles() {}

    /** One sensor as declared to the runtime. */
    public record Sensor(String id, List<String> dnsNames, Path csrFile) {
        Map<String, String> properties() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put(DEVICE_ID, id);
            p.put(DNS_NAMES, String.join(",", dnsNames));
            if (csrFile != null) {
                p.put(CSR_FILE, csrFile.toAbsolutePath().toString());
            }
            return p;
        }
    }

    public static Path gatewayFile(Path etc) {
        return etc.resolve(GATEWAY_PID + ".cfg");
    }

    static Path sensorFile(Path etc, String name) {
        return etc.resolve(SENSOR_FACTORY_PID + "-" + name + ".cfg");
    }

    public static void writeGateway(Path etc, Map<String, String> properties) {
        write(gatewayFile(etc), properties, "Keywarden gateway enrollment (" + GATEWAY_PID + ")");
    }

    public static void writeSensor(Path etc, String name, Sensor sensor) {
        write(sensorFile(etc, name), sensor.properties(), "Keywarden sensor (" + SENSOR_FACTORY_PID + ")");
    }

    /** Removes the io.keywarden.acme.* files a previous run wrote; other files in etc/ stay. */
    public static void removeKeywardenFiles(Path etc) {
        if (!Files.isDirectory(etc)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(etc, "io.keywarden.acme.*.cfg")) {
            for (Path f : ds) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + etc, e);
        }
    }

    /**
     * Writes a .cfg atomically (FileInstall must never read half a file): to a name it ignores, then moved.
     */
    static void write(Path file, Map<String, String> properties, String comment) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(comment).append('\n');
        for (Map.Entry<String, String> e : properties.entrySet()) {
            sb.append(e.getKey()).append(" = ").append(escape(e.getValue())).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.ISO_8859_1);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Map<String, String> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException e) {
            throw new DemoException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /** Java properties escaping, which FileInstall's .cfg reader understands. */
    private static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == ' ' && i == 0) {
                        sb.append("\\ ");
                    } else if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
