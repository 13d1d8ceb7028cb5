package io.keywarden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The built {@code keywarden_<version>.dp}: Kura's deployment package headers, one section per bundle, no bundle Kura
 * already has, and every mandatory Import-Package and resolve-time Require-Capability of every bundle satisfied by
 * Kura 5.4, 5.5 and 5.6 (test data in src/test/resources/kura) or by another bundle of the package.
 */
class DeploymentPackageIT {
    /** Bundle manifests by entry name, in the order of the .dp. */
    static final Map<String, Manifest> BUNDLES = new java.util.LinkedHashMap<>();

    static Manifest dpManifest;
    static Path dp;

    @BeforeAll
    static void open() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            dp = files.filter(p -> p.getFileName().toString().matches("keywarden_.*\\.dp"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no target/keywarden_*.dp: run mvn verify"));
        }
        try (JarFile jar = new JarFile(dp.toFile())) {
            dpManifest = jar.getManifest();
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                if (e.getName().endsWith(".jar")) {
                    try (JarInputStream in = new JarInputStream(
                            new ByteArrayInputStream(jar.getInputStream(e).readAllBytes()))) {
                        BUNDLES.put(e.getName(), in.getManifest());
                    }
                }
            }
        }
    }

    static String bsn(Manifest m) {
        return m.getMainAttributes()
                .getValue("Bundle-SymbolicName")
                .split(";")[0]
                .trim();
    }

    @Test
    void manifestHasKurasHeadersAndOneSectionPerBundle() {
        Attributes main = dpManifest.getMainAttributes();
        assertEquals("keywarden", main.getValue("DeploymentPackage-SymbolicName"));
        assertNotNull(Version.parseVersion(main.getValue("DeploymentPackage-Version")));
        assertFalse(BUNDLES.isEmpty());
        assertEquals(BUNDLES.keySet(), dpManifest.getEntries().keySet(), "one Name section per bundle entry");
        BUNDLES.forEach((entry, m) -> {
            Attributes section = dpManifest.getAttributes(entry);
            assertEquals(bsn(m), section.getValue("Bundle-SymbolicName"), entry);
            assertEquals(
                    Version.parseVersion(m.getMainAttributes().getValue("Bundle-Version")),
                    Version.parseVersion(section.getValue("Bundle-Version")),
                    entry);
        });
        List<String> names =
                BUNDLES.values().stream().map(DeploymentPackageIT::bsn).toList();
        assertTrue(
                names.containsAll(List.of("io.keywarden.api", "io.keywarden.acme", "io.keywarden.kura")),
                names.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.4", "5.5", "5.6"})
    void containsNoBundleKuraShips(String release) throws IOException {
        KuraPlatform kura = KuraPlatform.load(release);
        for (Manifest m : BUNDLES.values()) {
            String bsn = bsn(m);
            assertFalse(kura.bundles.contains(bsn), bsn + " is shipped by Kura " + release);
            assertFalse(
                    bsn.startsWith("org.bouncycastle")
                            || bsn.startsWith("bc")
                            || bsn.startsWith("slf4j")
                            || bsn.contains("kura-api-compat"),
                    bsn + " must never be in the .dp");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.4", "5.5", "5.6"})
    void everyImportIsSatisfied(String release) throws IOException {
        KuraPlatform kura = KuraPlatform.load(release);
        Map<String, Version> inPackage = new HashMap<>();
        for (Manifest m : BUNDLES.values()) {
            for (Headers.Clause c : Headers.parse(m.getMainAttributes().getValue("Export-Package"))) {
                inPackage.put(c.name(), Version.parseVersion(c.attr("version")));
            }
        }
        List<String> missing = new ArrayList<>();
        BUNDLES.forEach((entry, m) -> {
            for (Headers.Clause c : Headers.parse(m.getMainAttributes().getValue("Import-Package"))) {
                if (c.optional()) {
                    continue;
                }
                VersionRange range = new VersionRange(c.attr("version") == null ? "0.0.0" : c.attr("version"));
                Version own = inPackage.get(c.name());
                Version platform = kura.exported(c.name());
                if (!(own != null && range.includes(own)) && !(platform != null && range.includes(platform))) {
                    missing.add(bsn(m) + " imports " + c.name() + " " + range + " (Kura " + release + ": " + platform
                            + ", in the .dp: " + own + ")");
                }
            }
        });
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    /**
     * The acme bundle imports javax.servlet optionally (so it resolves where there is none); on Kura the whiteboard
     * http-01 mode needs it wired to Kura's javax.servlet 3.1.0, and dns-01 needs dnsjava, which the .dp carries.
     */
    @ParameterizedTest
    @ValueSource(strings = {"5.4", "5.5", "5.6"})
    void kuraSatisfiesTheOptionalServletImportAndThePackageCarriesDnsjava(String release) throws IOException {
        KuraPlatform kura = KuraPlatform.load(release);
        Manifest acme = BUNDLES.values().stream()
                .filter(m -> bsn(m).equals("io.keywarden.acme"))
                .findFirst()
                .orElseThrow();
        List<String> servlet = new ArrayList<>();
        for (Headers.Clause c : Headers.parse(acme.getMainAttributes().getValue("Import-Package"))) {
            if (c.name().startsWith("javax.servlet")) {
                assertTrue(c.optional(), c.name() + " must stay optional: the standalone runtime has no servlet API");
                Version platform = kura.exported(c.name());
                assertNotNull(platform, c.name() + " on Kura " + release);
                assertTrue(
                        new VersionRange(c.attr("version")).includes(platform),
                        c.name() + " " + c.attr("version") + " must accept Kura " + release + "'s " + platform);
                servlet.add(c.name());
            }
        }
        assertEquals(List.of("javax.servlet", "javax.servlet.http"), servlet);
        assertTrue(BUNDLES.values().stream().anyMatch(m -> bsn(m).equals("org.xbill.dns")), "dnsjava is in the .dp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.4", "5.5", "5.6"})
    void everyResolveTimeRequirementIsSatisfied(String release) throws IOException, InvalidSyntaxException {
        KuraPlatform kura = KuraPlatform.load(release);
        List<String> missing = new ArrayList<>();
        for (Manifest m : BUNDLES.values()) {
            for (Headers.Clause c : Headers.parse(m.getMainAttributes().getValue("Require-Capability"))) {
                String effective = c.params().getOrDefault("effective:", "resolve");
                if (c.optional() || !effective.equals("resolve")) {
                    continue; // osgi.service requirements are effective:=active: not checked when resolving
                }
                Filter filter = FrameworkUtil.createFilter(c.params().get("filter:"));
                boolean met = false;
                for (int i = 0; i < kura.capabilities.size(); i++) {
                    met |= kura.namespaceOfCapability.get(i).equals(c.name())
                            && filter.matches(kura.capabilities.get(i));
                }
                if (!met) {
                    missing.add(bsn(m) + " requires " + c.name() + " " + filter);
                }
            }
        }
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    /**
     * Kura exports no Paho (it embeds its own privately in org.eclipse.kura.core), so the fleet bundle carries Paho
     * privately: the classes, Paho's message resources and the ServiceLoader file naming its network modules, and
     * neither imports nor exports any of it.
     */
    @Test
    void fleetCarriesPahoPrivately() throws IOException {
        String entry = BUNDLES.entrySet().stream()
                .filter(e -> bsn(e.getValue()).equals("io.keywarden.fleet"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        Manifest m = BUNDLES.get(entry);
        for (String header : List.of("Import-Package", "Export-Package")) {
            for (Headers.Clause c : Headers.parse(m.getMainAttributes().getValue(header))) {
                assertFalse(c.name().startsWith("org.eclipse.paho"), header + " " + c.name());
            }
        }
        List<String> files = new ArrayList<>();
        try (JarFile jar = new JarFile(dp.toFile());
                JarInputStream in = new JarInputStream(new ByteArrayInputStream(
                        jar.getInputStream(jar.getEntry(entry)).readAllBytes()))) {
            for (JarEntry f; (f = in.getNextJarEntry()) != null; ) {
                files.add(f.getName());
            }
        }
        assertTrue(files.contains("org/eclipse/paho/client/mqttv3/MqttClient.class"), "Paho's client");
        assertTrue(
                files.contains("org/eclipse/paho/client/mqttv3/internal/nls/messages.properties"), "Paho's messages");
        assertTrue(
                files.contains("META-INF/services/org.eclipse.paho.client.mqttv3.spi.NetworkModuleFactory"),
                "Paho's network module factories (tcp://, ssl://)");
    }

    /**
     * Kura's Debian packages still accept Java 8 (shared/kura/README.md). Every Keywarden bundle of the .dp requires JavaSE
     * 17, so on a Kura running Java 8 none of them resolves: said here, where whoever checks the .dp reads it.
     */
    @Test
    void requiresJava17AndSaysSo() throws InvalidSyntaxException {
        Map<String, Object> java8 = Map.of("osgi.ee", "JavaSE", "version", Version.parseVersion("1.8"));
        Map<String, Object> java17 = Map.of("osgi.ee", "JavaSE", "version", Version.parseVersion("17"));
        List<String> needing17 = new ArrayList<>();
        for (Manifest m : BUNDLES.values()) {
            for (Headers.Clause c : Headers.parse(m.getMainAttributes().getValue("Require-Capability"))) {
                if (c.name().equals("osgi.ee")) {
                    Filter filter = FrameworkUtil.createFilter(c.params().get("filter:"));
                    assertTrue(filter.matches(java17), bsn(m) + " " + filter);
                    assertFalse(filter.matches(java8), bsn(m) + " would resolve on Java 8: " + filter);
                    needing17.add(bsn(m));
                }
            }
        }
        List<String> ours = BUNDLES.values().stream()
                .map(DeploymentPackageIT::bsn)
                .filter(b -> b.startsWith("io.keywarden."))
                .toList();
        assertTrue(needing17.containsAll(ours), "every Keywarden bundle states its Java requirement: " + needing17);
        System.out.println("NOTE: every bundle of " + dp.getFileName() + " requires JavaSE 17 (osgi.ee): " + needing17
                + ". Kura's Debian packages also accept Java 8; on a Kura running Java 8 these bundles do not resolve."
                + " Run Kura on Java 17 (or newer).");
    }

    /** The check above is not vacuous: a DS 1.5 bundle (SCR 2.2 annotations) is caught. */
    @Test
    void aDs15RequirementWouldBeCaught() throws Exception {
        KuraPlatform kura = KuraPlatform.load("5.6");
        Filter ds15 =
                FrameworkUtil.createFilter("(&(osgi.extender=osgi.component)(version>=1.5.0)(!(version>=2.0.0)))");
        int extender = kura.namespaceOfCapability.indexOf("osgi.extender");
        assertFalse(ds15.matches(kura.capabilities.get(extender)));
        assertTrue(
                new VersionRange("[1.1,1.2)").includes(kura.exported("org.eclipse.kura.security.keystore")) == false,
                "a provider-style keystore import would miss Kura 5.6's 1.2");
    }
}
