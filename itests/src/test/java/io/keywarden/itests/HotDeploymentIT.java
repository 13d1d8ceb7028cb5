package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Hot deployment in one running framework: the bundles of the built .dp are installed and started, the gateway enrolls,
 * the ACME bundle is updated to a new version (state kept: same certificate, no new order), then every bundle is
 * uninstalled, and nothing of Keywarden's is left: no keywarden-* thread, no listening http-01 port, no open file under
 * its data area. This class never touches Keywarden's classes (only service names and reflection), so the test bundle
 * does not wire to the packages it uninstalls.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeploymentIT {
    private static final String GATEWAY_SERVICE = "io.keywarden.api.enrollment.GatewayEnrollmentService";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.kuraPlatformOptions();
    }

    @Test
    public void installUpdateUninstallWithoutRestart() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<Bundle> ours = installDeploymentPackage();
        for (Bundle b : ours) {
            b.start();
        }
        for (Bundle b : ours) {
            assertEquals(b.getSymbolicName() + " ACTIVE", Bundle.ACTIVE, b.getState());
        }

        String name = "gw-hot." + ItProperties.required(ItProperties.FRAMEWORK) + ".keywarden.example";
        Configuration config = configAdmin.getConfiguration("io.keywarden.acme.gateway", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("acme.directory.url", ca.directoryUrl());
        p.put("acme.trust.anchor", ca.trustAnchorFile().toString());
        p.put("gateway.dns.name", name);
        p.put("http01.port", ca.httpPort());
        p.put("http01.bind.address", "127.0.0.1");
        config.update(p); // no data.dir: the ACME bundle's own data area, which must survive an update
        Bundle acme = ours.stream()
                .filter(b -> b.getSymbolicName().equals("io.keywarden.acme"))
                .findFirst()
                .orElseThrow();
        String serial = await("gateway enrolled", () -> gatewaySerial());
        Path dataArea =
                acme.getBundleContext().getDataFile("keywarden").toPath().toRealPath();
        assertEquals("Valid", ca.certStatus(serial));
        // the standalone responder listens only while a challenge is pending: closed again once the order is done
        await("http-01 port " + ca.httpPort() + " closed after the order", () -> !listening(ca.httpPort()));
        assertFalse("keywarden threads running", keywardenThreads().isEmpty());
        long certFiles = certificateFiles(dataArea);

        // update the ACME bundle to a new version in place; its state (account, key, certificate) stays
        long oldServiceId = serviceId();
        Version newVersion = new Version(
                acme.getVersion().getMajor(),
                acme.getVersion().getMinor(),
                acme.getVersion().getMicro() + 1);
        try (InputStream in = withVersion(acme, newVersion)) {
            acme.update(in);
        }
        refresh(List.of(acme));
        assertEquals(newVersion, acme.getVersion());
        assertEquals(Bundle.ACTIVE, acme.getState());
        await("gateway service re-registered", () -> serviceId() != oldServiceId && gatewaySerial() != null);
        assertNotEquals(oldServiceId, serviceId());
        assertEquals("same certificate after the update", serial, gatewaySerial());
        assertEquals("no new order after the update", certFiles, certificateFiles(dataArea));
        assertEquals(
                dataArea,
                acme.getBundleContext().getDataFile("keywarden").toPath().toRealPath());

        // uninstall everything; nothing of ours may be left running or open
        config.delete();
        for (Bundle b : ours) {
            b.uninstall();
        }
        refresh(ours);
        await(
                "no keywarden thread left " + keywardenThreads(),
                () -> keywardenThreads().isEmpty());
        await("http-01 port " + ca.httpPort() + " closed", () -> !listening(ca.httpPort()));
        assertEquals("open files under " + dataArea, List.of(), openFilesUnder(dataArea));
        assertFalse("the framework removed the bundle's data area", Files.exists(dataArea));
        await(
                "threads started by Keywarden gone: " + newThreadsStillAlive(before),
                () -> newThreadsStillAlive(before).isEmpty());
    }

    private List<Bundle> installDeploymentPackage() throws IOException, BundleException {
        Set<String> installed = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            installed.add(b.getSymbolicName() + "_" + b.getVersion());
        }
        List<Bundle> ours = new ArrayList<>();
        try (JarInputStream dp =
                new JarInputStream(Files.newInputStream(Path.of(ItProperties.required(ItProperties.DP))))) {
            for (JarEntry e; (e = dp.getNextJarEntry()) != null; ) {
                Attributes section = dp.getManifest().getAttributes(e.getName());
                if (section == null) {
                    continue;
                }
                String id = section.getValue("Bundle-SymbolicName") + "_"
                        + Version.parseVersion(section.getValue("Bundle-Version"));
                byte[] jar = dp.readAllBytes();
                if (!installed.contains(id)) { // e.g. jose4j, which the test platform already has
                    ours.add(context.installBundle("keywarden-dp:" + e.getName(), new ByteArrayInputStream(jar)));
                }
            }
        }
        assertTrue("Keywarden's bundles installed: " + ours, ours.size() >= 4);
        return ours;
    }

    private void refresh(List<Bundle> bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("refresh finished", done.await(30, TimeUnit.SECONDS));
    }

    /** The same bundle jar with another Bundle-Version: a genuine new version of the code under test. */
    private static InputStream withVersion(Bundle bundle, Version version) throws IOException {
        String location = bundle.getLocation();
        Path dp = Path.of(ItProperties.required(ItProperties.DP));
        try (JarInputStream in = new JarInputStream(Files.newInputStream(dp))) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                if (location.endsWith(e.getName())) {
                    try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
                        Manifest m = jar.getManifest();
                        m.getMainAttributes().putValue("Bundle-Version", version.toString());
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        try (JarOutputStream o = new JarOutputStream(out, m)) {
                            for (JarEntry f; (f = jar.getNextJarEntry()) != null; ) {
                                o.putNextEntry(new JarEntry(f.getName()));
                                jar.transferTo(o);
                                o.closeEntry();
                            }
                        }
                        return new ByteArrayInputStream(out.toByteArray());
                    }
                }
            }
        }
        throw new IOException(location + " not in " + dp);
    }

    private long serviceId() {
        ServiceReference<?> ref = context.getServiceReference(GATEWAY_SERVICE);
        return ref == null ? -1 : (Long) ref.getProperty("service.id");
    }

    /** The gateway's current serial through the service, by reflection (see the class comment). */
    private String gatewaySerial() {
        ServiceReference<?> ref = context.getServiceReference(GATEWAY_SERVICE);
        if (ref == null) {
            return null;
        }
        Object service = context.getService(ref);
        try {
            Optional<?> record =
                    (Optional<?>) service.getClass().getMethod("getCertificate").invoke(service);
            return record.isEmpty()
                    ? null
                    : (String) record.get().getClass().getMethod("getSerial").invoke(record.get());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        } finally {
            context.ungetService(ref);
        }
    }

    private static long certificateFiles(Path dataArea) throws IOException {
        try (Stream<Path> files = Files.walk(dataArea)) {
            return files.filter(f ->
                            f.toString().contains("/certs/") && f.toString().endsWith(".pem"))
                    .count();
        }
    }

    private static Set<String> keywardenThreads() {
        Set<String> out = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().toLowerCase(Locale.ROOT).contains("keywarden")) {
                out.add(t.getName());
            }
        }
        return out;
    }

    /**
     * Threads Keywarden's code started that are still alive: its own (all named keywarden-*, including its HTTP
     * clients' workers) and the selector thread of each JDK HTTP client its ACME sessions built, which ends once the
     * uninstalled client is collected (the test's own client existed before). Threads the platform starts lazily on
     * first use (ConfigAdmin's listener queue, SCR's registry) are the platform's.
     */
    private static Set<String> newThreadsStillAlive(Set<Thread> before) {
        System.gc();
        Set<String> out = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName().toLowerCase(Locale.ROOT);
            if (!before.contains(t) && t.isAlive() && (n.contains("keywarden") || n.endsWith("-selectormanager"))) {
                out.add(t.getName());
            }
        }
        return out;
    }

    /** Whether a socket of this JVM's host is listening on the TCP port (/proc/net/tcp and tcp6, state 0A). */
    private static boolean listening(int port) {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path f = Path.of(table);
            if (!Files.exists(f)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(hexPort) && cols[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Targets of this process's open file descriptors under the directory. */
    private static List<String> openFilesUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir.toString())) {
                        out.add(target);
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return out;
    }

    private static <T> T await(String what, Supplier<T> probe) {
        long start = System.nanoTime();
        try {
            return KeywardenTestSupport.await(what, TIMEOUT, probe);
        } finally {
            System.out.println("waited " + (System.nanoTime() - start) / 1_000_000 + " ms for: " + what);
        }
    }
}
