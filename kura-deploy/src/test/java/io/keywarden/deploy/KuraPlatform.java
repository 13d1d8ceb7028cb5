package io.keywarden.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Version;

/** What one Kura release provides, read from src/test/resources/kura/kura-&lt;release&gt;.txt (format in README.txt). */
final class KuraPlatform {
    final String release;
    final Map<String, Version> packages = new HashMap<>();
    final List<Map<String, Object>> capabilities = new ArrayList<>();
    final List<String> namespaceOfCapability = new ArrayList<>();
    final Set<String> bundles = new HashSet<>();

    private KuraPlatform(String release) {
        this.release = release;
    }

    static KuraPlatform load(String release) throws IOException {
        KuraPlatform p = new KuraPlatform(release);
        try (InputStream in = KuraPlatform.class.getResourceAsStream("/kura/kura-" + release + ".txt")) {
            if (in == null) {
                throw new IOException("no test data for Kura " + release);
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\s+");
                switch (f[0]) {
                    case "package" -> p.packages.put(f[1], Version.parseVersion(f[2]));
                    case "bundle" -> p.bundles.add(f[1]);
                    case "capability" -> {
                        Map<String, Object> attrs = new HashMap<>();
                        for (int i = 2; i < f.length; i++) {
                            String[] kv = f[i].split("=", 2);
                            String value = kv[1];
                            if (value.endsWith(":Version")) {
                                attrs.put(kv[0], Version.parseVersion(value.substring(0, value.length() - 8)));
                            } else {
                                attrs.put(kv[0], value);
                            }
                        }
                        p.capabilities.add(attrs);
                        p.namespaceOfCapability.add(f[1]);
                    }
                    default -> throw new IOException("kura-" + release + ".txt: bad line " + l);
                }
            }
        }
        return p;
    }

    /** The version Kura exports the package at, if it does (a "prefix.*" entry covers every package below it). */
    Version exported(String pkg) {
        Version v = packages.get(pkg);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, Version> e : packages.entrySet()) {
            if (e.getKey().endsWith(".*")
                    && pkg.startsWith(e.getKey().substring(0, e.getKey().length() - 1))) {
                return e.getValue();
            }
        }
        return null;
    }
}
