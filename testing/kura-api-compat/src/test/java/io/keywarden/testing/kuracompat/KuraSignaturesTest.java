package io.keywarden.testing.kuracompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type of the stand-in, compiled, against the real {@code org.eclipse.kura.api} of Kura 5.4, 5.5 and 5.6
 * ({@code javap -public} of Kura's release sources, copied from the shared facts into src/test/resources/kura). The
 * stand-in's classes go through the JDK's own javap, so both sides are printed by the same tool in the same format.
 * A type must exist in every release with the same declaration line; every member it has must be the real one, and
 * every member the real type has must be there, except the few listed in {@link #KNOWINGLY_MISSING}. The stand-in
 * follows the newest release: a member the older ones lack is allowed only if it is in {@link #ADDED_IN}.
 */
class KuraSignaturesTest {
    static final List<String> RELEASES = List.of("5.4", "5.5", "5.6");

    /** Members the newer release added, by release: the stand-in has them, the older releases do not. */
    static final Map<String, Set<String>> ADDED_IN = Map.of(
            "5.6",
            Set.of(
                    "org.eclipse.kura.security.keystore.KeystoreService: public abstract java.util.List<javax.net.ssl.KeyManager>"
                            + " getKeyManagers(java.lang.String, java.lang.String) throws org.eclipse.kura.KuraException;"));

    /** Real members the stand-in leaves out, each with the reason. */
    static final Map<String, String> KNOWINGLY_MISSING = Map.of(
            "org.eclipse.kura.configuration.ComponentConfiguration: public abstract"
                    + " org.eclipse.kura.configuration.metatype.OCD getDefinition();",
            "needs the whole metatype package (OCD, AD, Icon, Option, Scalar); Keywarden reads properties only");

    static Map<String, Map<String, TypeSignature>> real = new TreeMap<>();
    static Map<String, TypeSignature> compat;

    /** One type as javap prints it: the declaration line and the member lines. */
    record TypeSignature(String declaration, Set<String> members) {}

    @BeforeAll
    static void read() throws IOException {
        for (String release : RELEASES) {
            try (InputStream in =
                    KuraSignaturesTest.class.getResourceAsStream("/kura/api-" + release + "-signatures.txt")) {
                real.put(release, parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        compat = parse(javap(compiledTypes()));
    }

    /** Every top-level and member class of the stand-in except package-info. */
    static List<String> compiledTypes() throws IOException {
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes)) {
            return files.map(p -> classes.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".class") && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .toList();
        }
    }

    static String javap(List<String> types) {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new IllegalStateException("no javap"));
        List<String> args = new ArrayList<>(
                List.of("-public", "-cp", Path.of("target", "classes").toString()));
        args.addAll(types);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = javap.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
        assertEquals(0, rc, "javap: " + err);
        return out.toString();
    }

    /** javap output (or a signatures file) as types by name; "Compiled from" and # lines are not part of it. */
    static Map<String, TypeSignature> parse(String text) {
        Map<String, TypeSignature> types = new TreeMap<>();
        String declaration = null;
        Set<String> members = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("Compiled from")) {
                continue;
            }
            if (declaration == null) {
                declaration = line.strip();
                members = new TreeSet<>();
            } else if (line.strip().equals("}")) {
                types.put(typeName(declaration), new TypeSignature(declaration, members));
                declaration = null;
            } else {
                members.add(line.strip());
            }
        }
        return types;
    }

    static String typeName(String declaration) {
        for (String kind : List.of(" class ", " interface ")) {
            int at = (" " + declaration).indexOf(kind);
            if (at >= 0) {
                String rest = (" " + declaration).substring(at + kind.length());
                return rest.split("[ <]", 2)[0];
            }
        }
        throw new IllegalArgumentException("not a type declaration: " + declaration);
    }

    @Test
    void theStandInHasTypes() {
        assertTrue(compat.size() >= 15, "javap saw the stand-in's types: " + compat.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.4", "5.5", "5.6"})
    void everyTypeMatchesTheRealOne(String release) {
        List<String> problems = new ArrayList<>();
        Set<String> additionsUsed = new TreeSet<>();
        for (Map.Entry<String, TypeSignature> e : compat.entrySet()) {
            String type = e.getKey();
            TypeSignature ours = e.getValue();
            TypeSignature theirs = real.get(release).get(type);
            if (theirs == null) {
                problems.add(type + ": not in Kura " + release);
                continue;
            }
            if (!ours.declaration().equals(theirs.declaration())) {
                problems.add(type + ": declared as\n    " + ours.declaration() + "\n  Kura " + release + ":\n    "
                        + theirs.declaration());
            }
            for (String member : ours.members()) {
                if (theirs.members().contains(member)) {
                    continue;
                }
                String key = type + ": " + member;
                if (addedAfter(release, key)) {
                    additionsUsed.add(key);
                } else {
                    problems.add(type + ": not in Kura " + release + ": " + member + closest(member, theirs));
                }
            }
            for (String member : theirs.members()) {
                if (!ours.members().contains(member) && !KNOWINGLY_MISSING.containsKey(type + ": " + member)) {
                    problems.add(type + ": missing (Kura " + release + " has it): " + member);
                }
            }
        }
        assertTrue(problems.isEmpty(), "Kura " + release + ":\n" + String.join("\n", problems));
        assertEquals(expectedAdditions(release), additionsUsed, "members newer than Kura " + release);
    }

    /** The known additions are really in the release that added them and really absent before. */
    @Test
    void theKnownAdditionsAreRealDifferences() {
        for (Map.Entry<String, Set<String>> e : ADDED_IN.entrySet()) {
            for (String key : e.getValue()) {
                String type = key.substring(0, key.indexOf(": "));
                String member = key.substring(key.indexOf(": ") + 2);
                for (String release : RELEASES) {
                    boolean expected = release.compareTo(e.getKey()) >= 0;
                    assertEquals(expected, real.get(release).get(type).members().contains(member), release + " " + key);
                }
            }
        }
    }

    /** The comparison finds a wrong member: the stand-in's old KuraPayload.metricsIterator() would fail. */
    @Test
    void aWrongReturnTypeIsFound() {
        TypeSignature payload = real.get("5.6").get("org.eclipse.kura.message.KuraPayload");
        assertFalse(payload.members().contains("public java.lang.Iterable<java.lang.String> metricsIterator();"));
        assertTrue(payload.members().contains("public java.util.Iterator<java.lang.String> metricsIterator();"));
        assertTrue(compat.get("org.eclipse.kura.message.KuraPayload")
                .members()
                .contains("public java.util.Iterator<java.lang.String> metricsIterator();"));
    }

    static boolean addedAfter(String release, String key) {
        return ADDED_IN.entrySet().stream()
                .anyMatch(e -> e.getKey().compareTo(release) > 0 && e.getValue().contains(key));
    }

    static Set<String> expectedAdditions(String release) {
        Set<String> out = new TreeSet<>();
        ADDED_IN.forEach((added, keys) -> {
            if (added.compareTo(release) > 0) {
                keys.stream()
                        .filter(k -> compat.containsKey(k.substring(0, k.indexOf(": "))))
                        .forEach(out::add);
            }
        });
        return out;
    }

    /** The real member with the same name, to make a mismatch readable. */
    static String closest(String member, TypeSignature theirs) {
        String name = member.contains("(") ? member.substring(0, member.indexOf('(')) : member;
        name = name.substring(name.lastIndexOf(' ') + 1);
        for (String m : theirs.members()) {
            if (m.contains(" " + name + "(") || m.endsWith(" " + name + ";")) {
                return "\n    Kura has: " + m;
            }
        }
        return "";
    }
}
