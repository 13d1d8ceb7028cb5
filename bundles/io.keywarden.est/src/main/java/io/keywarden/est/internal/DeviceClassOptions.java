package io.keywarden.est.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.keywarden.est.internal.policy.DeviceClass;

/** Parses one device-class configuration into a {@link DeviceClass}, naming the property that is wrong. */
public final class DeviceClassOptions {
    public static final String FACTORY_PID = "io.keywarden.est.class";

    private DeviceClassOptions() {}

    public static DeviceClass parse(Map<String, Object> p) {
        String name = string(p, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        Set<String> roster = new LinkedHashSet<>(strings(p, "devices.roster"));
        String patternText = string(p, "devices.pattern");
        Pattern pattern;
        try {
            pattern = patternText.isEmpty() ? null : Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("devices.pattern: " + e.getDescription());
        }
        List<X509Certificate> anchors = anchors(string(p, "idevid.anchors"));
        DeviceClass.IdAttribute attr;
        try {
            attr = DeviceClass.IdAttribute.valueOf(
                    string(p, "idevid.id.attribute").isEmpty() ? "SERIAL_NUMBER" : string(p, "idevid.id.attribute"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("idevid.id.attribute: SERIAL_NUMBER or COMMON_NAME");
        }
        Object codes = p.get("codes.enabled");
        boolean codesEnabled = codes == null || Boolean.parseBoolean(codes.toString());
        List<String> names = strings(p, "dns.names");
        try {
            return new DeviceClass(name, roster, pattern, anchors, attr, codesEnabled, names);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dns.names: " + e.getMessage());
        }
    }

    static List<X509Certificate> anchors(String value) {
        if (value.isBlank()) {
            return List.of();
        }
        try {
            String pem = value.contains("-----BEGIN") ? value : Files.readString(Path.of(value.trim()), UTF_8);
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(UTF_8)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("idevid.anchors: no certificate found");
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("idevid.anchors: " + e.getMessage());
        }
    }

    static String string(Map<String, Object> p, String key) {
        Object v = p.get(key);
        return v == null ? "" : v.toString().trim();
    }

    static List<String> strings(Map<String, Object> p, String key) {
        Object v = p.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            for (String s : a) {
                splitInto(s, out);
            }
        } else if (v instanceof Iterable<?> it) {
            it.forEach(s -> splitInto(String.valueOf(s), out));
        } else if (v != null) {
            splitInto(v.toString(), out);
        }
        return out;
    }

    private static void splitInto(String s, List<String> out) {
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
    }
}
