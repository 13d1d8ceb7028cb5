package io.keywarden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every configurable component of every bundle in the .dp, as Kura's console reads it: the metatype at
 * OSGI-INF/metatype/&lt;pid&gt;.xml, OCD id = pid, attribute types from Kura's allowed set, secrets as Password; and
 * every component registered as a ConfigurableComponent carries kura.service.pid = its pid.
 */
class MetatypeIT {
    static final Set<String> KURA_TYPES =
            Set.of("String", "Long", "Double", "Float", "Integer", "Byte", "Char", "Boolean", "Short", "Password");
    /** Bundle entries by name, per bundle symbolic name. */
    static final Map<String, Map<String, byte[]>> CONTENT = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        DeploymentPackageIT.open();
        try (JarFile dp = new JarFile(DeploymentPackageIT.dp.toFile())) {
            for (JarEntry e : java.util.Collections.list(dp.entries())) {
                if (!e.getName().endsWith(".jar")) {
                    continue;
                }
                Map<String, byte[]> files = new HashMap<>();
                try (JarInputStream in = new JarInputStream(
                        new ByteArrayInputStream(dp.getInputStream(e).readAllBytes()))) {
                    for (JarEntry f; (f = in.getNextJarEntry()) != null; ) {
                        files.put(f.getName(), in.readAllBytes());
                    }
                    CONTENT.put(DeploymentPackageIT.bsn(in.getManifest()), files);
                }
            }
        }
    }

    static Document xml(byte[] bytes) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    /** The configuration pids of components that need a configuration (policy require), per bundle. */
    static Map<String, List<Element>> requiredConfigComponents() throws Exception {
        Map<String, List<Element>> out = new HashMap<>();
        for (var bundle : CONTENT.entrySet()) {
            for (var f : bundle.getValue().entrySet()) {
                if (f.getKey().startsWith("OSGI-INF/")
                        && !f.getKey().startsWith("OSGI-INF/metatype/")
                        && f.getKey().endsWith(".xml")) {
                    Element c = (Element) xml(f.getValue())
                            .getElementsByTagName("scr:component")
                            .item(0);
                    if (c != null && "require".equals(c.getAttribute("configuration-policy"))) {
                        out.computeIfAbsent(bundle.getKey(), k -> new ArrayList<>())
                                .add(c);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyRequiredConfigurationHasKuraReadableMetatype() throws Exception {
        Map<String, List<Element>> components = requiredConfigComponents();
        assertTrue(
                components.containsKey("io.keywarden.acme") && components.containsKey("io.keywarden.kura"),
                components.keySet().toString());
        int checked = 0;
        for (var e : components.entrySet()) {
            for (Element c : e.getValue()) {
                String pid = c.getAttribute("configuration-pid").isEmpty()
                        ? c.getAttribute("name")
                        : c.getAttribute("configuration-pid");
                byte[] metatype = CONTENT.get(e.getKey()).get("OSGI-INF/metatype/" + pid + ".xml");
                assertNotNull(metatype, e.getKey() + ": no OSGI-INF/metatype/" + pid + ".xml");
                Document d = xml(metatype);
                Element ocd = (Element) d.getElementsByTagName("OCD").item(0);
                assertEquals(pid, ocd.getAttribute("id"), "OCD id of " + pid);
                Element designate =
                        (Element) d.getElementsByTagName("Designate").item(0);
                assertTrue(
                        pid.equals(designate.getAttribute("pid")) || pid.equals(designate.getAttribute("factoryPid")),
                        "Designate of " + pid);
                checkAttributes(pid, ocd.getElementsByTagName("AD"));
                checked++;
            }
        }
        assertTrue(checked >= 4, "gateway, sensor, Kura enrollment and cloud configurations: " + checked);
    }

    private static void checkAttributes(String pid, NodeList ads) {
        for (int i = 0; i < ads.getLength(); i++) {
            Element ad = (Element) ads.item(i);
            String id = ad.getAttribute("id");
            assertTrue(
                    KURA_TYPES.contains(ad.getAttribute("type")),
                    pid + "/" + id + " has type " + ad.getAttribute("type"));
            boolean secret = id.contains("password") || id.contains("secret") || id.endsWith("hmac.key");
            assertFalse(secret && !"Password".equals(ad.getAttribute("type")), pid + "/" + id + " must be a Password");
        }
    }

    @Test
    void configurableComponentsCarryTheirKuraPid() throws Exception {
        int found = 0;
        for (var e : requiredConfigComponents().entrySet()) {
            for (Element c : e.getValue()) {
                NodeList provides = c.getElementsByTagName("provide");
                boolean configurable = false;
                for (int i = 0; i < provides.getLength(); i++) {
                    configurable |= "org.eclipse.kura.configuration.ConfigurableComponent"
                            .equals(((Element) provides.item(i)).getAttribute("interface"));
                }
                if (!configurable) {
                    continue;
                }
                found++;
                String pid = c.getAttribute("configuration-pid");
                NodeList props = c.getElementsByTagName("property");
                String kuraPid = null;
                for (int i = 0; i < props.getLength(); i++) {
                    Element p = (Element) props.item(i);
                    if ("kura.service.pid".equals(p.getAttribute("name"))) {
                        kuraPid = p.getAttribute("value");
                    }
                }
                assertEquals(pid, kuraPid, c.getAttribute("name"));
                assertEquals("true", c.getAttribute("immediate"), c.getAttribute("name"));
                assertFalse(c.getAttribute("modified").isEmpty(), c.getAttribute("name") + " needs a modified method");
            }
        }
        assertEquals(
                4,
                found,
                "Kura enrollment, cloud events, the fleet cloud transport and the firewall entry register as ConfigurableComponent themselves");
    }

    /**
     * The other bundles must run without Kura, so they cannot register as ConfigurableComponent: every pid of theirs
     * that needs a configuration must be one the adapter registers for the console (ConsoleRegistrations).
     */
    @Test
    void everyOtherRequiredPidIsRegisteredForTheConsoleByTheAdapter() throws Exception {
        for (var m : DeploymentPackageIT.BUNDLES.values()) {
            if (!DeploymentPackageIT.bsn(m).equals("io.keywarden.kura")) {
                assertFalse(
                        String.valueOf(m.getMainAttributes().getValue("Import-Package"))
                                .contains("org.eclipse.kura"),
                        DeploymentPackageIT.bsn(m) + " must run without Kura");
            }
        }
        String bridge = new String(
                CONTENT.get("io.keywarden.kura").get("io/keywarden/kura/internal/ConsoleRegistrations.class"),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        int checked = 0;
        for (var e : requiredConfigComponents().entrySet()) {
            if (e.getKey().equals("io.keywarden.kura")) {
                continue;
            }
            for (Element c : e.getValue()) {
                String pid = c.getAttribute("configuration-pid");
                assertTrue(bridge.contains(pid), pid + " (" + e.getKey() + ") is not registered for the Kura console");
                checked++;
            }
        }
        assertTrue(checked >= 6, "gateway, sensor, revocation policy and authority, monitor, fleet: " + checked);
    }
}
