package io.keywarden.monitor.internal.observe;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.keywarden.api.monitor.BundleInfo;

/**
 * The framework's bundles with the SHA-256 of their content, read from the install location when it is a file
 * (Kura and FileInstall install from files; a {@code reference:file:} location points at the file or folder too).
 */
public final class BundleCollector {
    private final BundleContext context;
    private final Hashes hashes;

    public BundleCollector(BundleContext context, Hashes hashes) {
        this.context = context;
        this.hashes = hashes;
    }

    public List<BundleInfo> collect() {
        List<BundleInfo> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            out.add(new BundleInfo(
                    b.getBundleId(),
                    b.getSymbolicName(),
                    b.getVersion().toString(),
                    b.getLocation(),
                    state(b.getState()),
                    contentHash(b.getLocation()).orElse(null)));
        }
        return out;
    }

    private Optional<String> contentHash(String location) {
        String loc = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        try {
            // other schemes (http:, mvn:, inputstream installs) would mean fetching again what may have changed since
            return loc.startsWith("file:") ? hashes.ofFile(Path.of(URI.create(loc))) : Optional.empty();
        } catch (IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    static String state(int s) {
        return switch (s) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> Integer.toString(s);
        };
    }
}
