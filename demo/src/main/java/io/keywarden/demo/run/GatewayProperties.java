package io.keywarden.demo.run;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.demo.ConfigFiles;
import io.keywarden.demo.Demo;
import io.keywarden.demo.DemoException;

/**
 * The properties of {@code io.keywarden.acme.gateway} for {@code run}: the {@code --config} file, overridden by the
 * flags, checked here so a mistake is reported before the runtime starts.
 */
final class GatewayProperties {
    private GatewayProperties() {}

    static Map<String, String> of(RunOptions options) {
        Map<String, String> gateway = new LinkedHashMap<>();
        if (options.config != null) {
            gateway.putAll(fromFile(options.config));
        }
        gateway.putAll(options.flags);
        requirePresent(gateway, options.config);
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
        gateway.putIfAbsent(
                ConfigFiles.DATA_DIR, options.workDir.resolve("data").toString());
        return gateway;
    }

    /** The file's properties; relative paths in it are relative to the file. */
    private static Map<String, String> fromFile(Path config) {
        if (!Files.isRegularFile(config)) {
            throw new DemoException("--config: no such file " + config, 2);
        }
        Map<String, String> gateway = new LinkedHashMap<>(ConfigFiles.read(config));
        for (String key : List.of(ConfigFiles.TRUST_ANCHOR, ConfigFiles.DATA_DIR)) {
            String v = gateway.get(key);
            if (v != null
                    && !v.isBlank()
                    && !v.startsWith("-----BEGIN")
                    && !Path.of(v).isAbsolute()) {
                gateway.put(key, config.getParent().resolve(v).normalize().toString());
            }
        }
        return gateway;
    }

    private static void requirePresent(Map<String, String> gateway, Path config) {
        for (String required : List.of(ConfigFiles.DIRECTORY_URL, ConfigFiles.TRUST_ANCHOR, ConfigFiles.DNS_NAME)) {
            if (gateway.getOrDefault(required, "").isBlank()) {
                throw new DemoException(
                        "run: " + required + " is required (" + flagOf(required)
                                + (config != null ? " or in " + config : "") + ")\n" + Demo.USAGE,
                        2);
            }
        }
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
