package io.keywarden.est.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.est.internal.policy.CsrPolicy;

/**
 * Runs exactly the curl + openssl commands of the README's EST section against the EST server, with bash; docs/est.md
 * shows the same commands.
 */
class EstDocCommandsTest {
    private static final Path README = Path.of("../../README.md");
    private static final Path DOC = Path.of("../../docs/est.md");

    @TempDir
    static Path work;

    static EstFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new EstFixture(work, Map.of());
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    static String commands(Path file) throws Exception {
        String doc = Files.readString(file, UTF_8);
        int begin = doc.indexOf("<!-- est-commands:begin -->");
        int end = doc.indexOf("<!-- est-commands:end -->");
        assertTrue(begin >= 0 && end > begin, "markers in " + file);
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(begin, end));
        StringBuilder script = new StringBuilder();
        while (m.find()) {
            script.append(m.group(1)).append('\n');
        }
        return script.toString();
    }

    @Test
    void docsEstShowsTheReadmesCommands() throws Exception {
        assertEquals(commands(README), commands(DOC), "the EST commands of " + DOC + " and " + README);
    }

    @Test
    void theReadmesCommandsFetchTheCaCertificatesEnrollWithACodeAndRenew() throws Exception {
        String script = commands(README);
        assertTrue(
                script.contains("/cacerts") && script.contains("/simpleenroll") && script.contains("/simplereenroll"),
                script);
        Path dir = Files.createDirectories(work.resolve("shell"));
        Path root = dir.resolve("ca-root.pem");
        Files.writeString(root, EstFixture.pem(f.caRoot()));
        String device = "sensor-curl-1";
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GATEWAY", EstFixture.GATEWAY);
        env.put("GATEWAY_ADDRESS", "127.0.0.1");
        env.put("EST_PORT", Integer.toString(f.est.address().getPort()));
        env.put("CA_ROOT", root.toString());
        env.put("DEVICE", device);
        env.put("DEVICE_NAME", EstFixture.name(device));
        env.put("CODE", f.est.create(device, null).getCode());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "commands finished");
        assertEquals(0, p.exitValue(), "the commands of " + README + " failed:\n" + output);

        List<X509Certificate> cacerts = read(dir.resolve("cacerts.pem"));
        assertEquals(f.gateway.getCaCertificates(), cacerts);
        X509Certificate enrolled = read(dir.resolve("sensor.pem")).get(0);
        X509Certificate renewed = read(dir.resolve("sensor-renewed.pem")).get(0);
        for (X509Certificate c : List.of(enrolled, renewed)) {
            assertEquals(Set.of(EstFixture.name(device)), CsrPolicy.certificateDnsNames(c));
            f.assertValidAtCa(c);
            f.assertChainsToRoot(c, cacerts);
        }
        assertNotEquals(enrolled.getSerialNumber(), renewed.getSerialNumber());
        assertEquals(enrolled.getPublicKey(), renewed.getPublicKey(), "renewed with the same key");
        assertEquals(
                renewed.getSerialNumber().toString(16),
                f.gateway.getCertificate(device).orElseThrow().getSerial());
    }

    private static List<X509Certificate> read(Path pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }
}
