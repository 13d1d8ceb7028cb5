package io.keywarden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * docs/configuration.md against the metatype of every bundle in the .dp: every PID and every property is
 * documented, with the metatype's type and default, and nothing is documented that no bundle has. A user reads the
 * document, not the XML, so a drift between the two is a defect.
 */
class ConfigurationDocIT {
    static final Path DOC = Path.of("..", "docs", "configuration.md");
    /** A section heading naming a PID: {@code ## `io.keywarden.acme.gateway` — ...}. */
    private static final Pattern PID_HEADING = Pattern.compile("^#{2,3} `(io\\.keywarden\\.[a-z0-9.]+)`.*");
    /** A property row: {@code | `id` | type | default | meaning |}. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|([^|]*)\\|([^|]*)\\|.*");

    record Property(String type, String defaultValue) {}

    static Map<String, Map<String, Property>> metatype;
    static Map<String, Map<String, Property>> documented;

    @BeforeAll
    static void read() throws Exception {
        MetatypeIT.read();
        metatype = fromMetatype();
        documented = fromDocument(Files.readAllLines(DOC, StandardCharsets.UTF_8));
    }

    /** PID → property id → type and default, from every OSGI-INF/metatype/*.xml of every bundle. */
    static Map<String, Map<String, Property>> fromMetatype() throws Exception {
        Map<String, Map<String, Property>> out = new TreeMap<>();
        for (var bundle : MetatypeIT.CONTENT.entrySet()) {
            for (var file : bundle.getValue().entrySet()) {
                if (!file.getKey().startsWith("OSGI-INF/metatype/")
                        || !file.getKey().endsWith(".xml")) {
                    continue;
                }
                Element ocd = (Element) MetatypeIT.xml(file.getValue())
                        .getElementsByTagName("OCD")
                        .item(0);
                Map<String, Property> properties = new LinkedHashMap<>();
                NodeList ads = ocd.getElementsByTagName("AD");
                for (int i = 0; i < ads.getLength(); i++) {
                    Element ad = (Element) ads.item(i);
                    properties.put(ad.getAttribute("id"), new Property(type(ad), defaultOf(ad)));
                }
                assertFalse(out.containsKey(ocd.getAttribute("id")), "two metatypes for " + ocd.getAttribute("id"));
                out.put(ocd.getAttribute("id"), properties);
            }
        }
        return out;
    }

    private static String type(Element ad) {
        String cardinality = ad.getAttribute("cardinality");
        boolean list = !cardinality.isEmpty() && Integer.parseInt(cardinality) != 0;
        return ad.getAttribute("type") + (list ? "[]" : "");
    }

    /** The default as a user reads it: null when there is none, metatype's {@code \,} unescaped. */
    private static String defaultOf(Element ad) {
        if (!ad.hasAttribute("default")) {
            return null;
        }
        return ad.getAttribute("default").replace("\\,", ",");
    }

    /** PID → property id → type and default, from the tables under each PID heading of the document. */
    static Map<String, Map<String, Property>> fromDocument(List<String> lines) {
        Map<String, Map<String, Property>> out = new TreeMap<>();
        Map<String, Property> current = null;
        for (String line : lines) {
            Matcher heading = PID_HEADING.matcher(line);
            if (heading.matches()) {
                current = new LinkedHashMap<>();
                if (out.put(heading.group(1), current) != null) {
                    fail("docs/configuration.md has two sections for " + heading.group(1));
                }
                continue;
            }
            if (line.startsWith("#")) {
                current = null;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (current != null && row.matches()) {
                current.put(
                        row.group(1),
                        new Property(
                                row.group(2).trim(),
                                documentedDefault(row.group(3).trim())));
            }
        }
        return out;
    }

    /** {@code —}: no default (required); {@code empty}: the empty string; otherwise the value in backticks. */
    private static String documentedDefault(String cell) {
        if (cell.equals("—")) {
            return null;
        }
        if (cell.equals("empty")) {
            return "";
        }
        if (cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")) {
            return cell.substring(1, cell.length() - 1);
        }
        return "unreadable default cell: " + cell;
    }

    @Test
    void everyBundleConfigurationIsRead() {
        // the gateway, sensor, revocation policy and authority, monitor, fleet, Kura enrollment and cloud PIDs at
        // least:
        // a .dp whose metatype could not be found must not pass as "nothing to document"
        assertTrue(metatype.size() >= 8, metatype.keySet().toString());
        assertTrue(metatype.values().stream().mapToInt(Map::size).sum() >= 80, "properties read: " + metatype);
    }

    @Test
    void everyPidAndPropertyIsDocumentedWithItsTypeAndDefault() {
        List<String> problems = new ArrayList<>();
        metatype.forEach((pid, properties) -> {
            Map<String, Property> doc = documented.get(pid);
            if (doc == null) {
                problems.add(pid + ": no section `## `" + pid + "`` in docs/configuration.md");
                return;
            }
            properties.forEach((id, p) -> {
                Property d = doc.get(id);
                if (d == null) {
                    problems.add(pid + "/" + id + ": not documented");
                } else {
                    if (!p.type().equals(d.type())) {
                        problems.add(pid + "/" + id + ": documented type " + d.type() + ", metatype " + p.type());
                    }
                    if (!Objects.equals(p.defaultValue(), d.defaultValue())) {
                        problems.add(pid + "/" + id + ": documented default " + shown(d.defaultValue()) + ", metatype "
                                + shown(p.defaultValue()));
                    }
                }
            });
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void nothingIsDocumentedThatNoBundleHas() {
        List<String> stale = new ArrayList<>();
        documented.forEach((pid, properties) -> {
            Map<String, Property> real = metatype.get(pid);
            if (real == null) {
                stale.add(pid + ": documented, but no bundle in the .dp has this PID");
            } else {
                properties.keySet().stream()
                        .filter(id -> !real.containsKey(id))
                        .forEach(id -> stale.add(pid + "/" + id + ": documented, but not in the metatype"));
            }
        });
        assertEquals(List.of(), stale);
    }

    private static String shown(String defaultValue) {
        return defaultValue == null ? "none (required)" : "'" + defaultValue + "'";
    }
}
