package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.inject.Inject;

import org.awaitility.Awaitility;
import org.awaitility.pollinterval.IterativePollInterval;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentService;

/**
 * The base of every Keywarden Pax Exam test: one shared set of options (see {@link KeywardenOptions}); the framework
 * is started once per class ({@code @ExamReactorStrategy(PerClass.class)} on each class). Each test gets a fresh
 * data directory and an event recorder; its gateway configuration is deleted afterwards.
 */
public abstract class KeywardenTestSupport {

    protected static final String PID = "io.keywarden.acme.gateway";
    protected static final String ACME_BUNDLE = "io.keywarden.acme";
    protected static final String ACME_GATEWAY_COMPONENT = "io.keywarden.acme.internal.AcmeEnrollmentComponent";
    protected static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(30);
    protected static final Duration ENROLL_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    protected EventRecorder events;
    protected Path dataDir;
    private Configuration configuration;

    /** Runs on the driver side: starts the test CAs (once per JVM) and lists the bundles to install. */
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.options();
    }

    @Before
    public void setUpKeywarden() throws IOException {
        assertRunningOnExpectedFramework();
        Path data = Path.of(ItProperties.required(ItProperties.WORKDIR)).resolve("data");
        Files.createDirectories(data);
        dataDir = Files.createTempDirectory(data, framework() + "-" + getClass().getSimpleName() + "-");
        events = new EventRecorder(context);
    }

    @After
    public void tearDownKeywarden() throws Exception {
        try {
            if (configuration != null) {
                configuration.delete();
                configuration = null;
                awaitTrue(
                        "GatewayEnrollmentService unregistered after its configuration was deleted",
                        SERVICE_TIMEOUT,
                        () -> context.getServiceReference(GatewayEnrollmentService.class) == null);
                // also when the configuration had been refused (nothing was registered): SCR must have taken the
                // deletion
                // in before the next test's configuration of the same pid arrives, or it may ignore that one
                awaitTrue(
                        "the ACME component let go of its deleted configuration",
                        SERVICE_TIMEOUT,
                        () -> componentConfigurations(ACME_BUNDLE, ACME_GATEWAY_COMPONENT) == 0);
            }
        } finally {
            if (events != null) {
                events.close();
            }
        }
    }

    protected static String framework() {
        return ItProperties.required(ItProperties.FRAMEWORK);
    }

    /** The class path decides the framework; make sure it is the one this execution claims, with its SCR. */
    private void assertRunningOnExpectedFramework() {
        boolean equinox = "equinox".equals(framework());
        assertEquals(
                "system bundle",
                equinox ? "org.eclipse.osgi" : "org.apache.felix.framework",
                context.getBundle(0).getSymbolicName());
        Bundle scr = bundle("org.apache.felix.scr");
        Version v = scr.getVersion();
        assertEquals(
                "Felix SCR version on " + framework(),
                equinox ? "2.1.16" : "2.2.12",
                v.getMajor() + "." + v.getMinor() + "." + v.getMicro());
    }

    // ---- configuration -------------------------------------------------------------------------------------------

    /** A complete, valid gateway configuration against {@code ca}, with this test's data directory. */
    protected Hashtable<String, Object> gatewayConfig(CaControl ca, String dnsName) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("acme.directory.url", ca.directoryUrl());
        p.put("acme.trust.anchor", ca.trustAnchorFile().toString());
        p.put("acme.contact.email", "ops@keywarden.example");
        p.put("gateway.dns.name", dnsName);
        p.put("http01.port", ca.httpPort());
        p.put("http01.bind.address", "127.0.0.1");
        p.put("data.dir", dataDir.toString());
        return p;
    }

    /** Creates or updates the gateway configuration through ConfigurationAdmin. */
    /** How many configurations SCR holds for the named component of the bundle (any state). */
    protected int componentConfigurations(String bundleName, String componentName) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            int n = 0;
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(bundleName))) {
                if (componentName.equals(d.name)) {
                    n += scr.getComponentConfigurationDTOs(d).size();
                }
            }
            return n;
        } finally {
            context.ungetService(ref);
        }
    }

    protected void applyConfig(Hashtable<String, Object> properties) throws IOException {
        if (configuration == null) {
            // "?" (multi-location): bound to no bundle in particular, so SCR hands it to io.keywarden.acme
            configuration = configAdmin.getConfiguration(PID, "?");
        }
        configuration.update(properties);
    }

    // ---- services and state --------------------------------------------------------------------------------------

    protected GatewayEnrollmentService awaitGatewayService() {
        return awaitService(GatewayEnrollmentService.class);
    }

    protected SensorEnrollmentService awaitSensorService() {
        return awaitService(SensorEnrollmentService.class);
    }

    protected <T> T awaitService(Class<T> type) {
        return await(type.getSimpleName() + " registered", SERVICE_TIMEOUT, () -> {
            ServiceReference<T> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        });
    }

    protected boolean isRegistered(Class<?> type) {
        return context.getServiceReference(type) != null;
    }

    /**
     * Waits until the gateway is ENROLLED with a current certificate and its renewal planned (the engine plans it
     * just after the state turns ENROLLED), and returns that certificate.
     */
    protected CertificateRecord awaitGatewayEnrolled(GatewayEnrollmentService gateway) {
        return await("gateway " + gateway.getDeviceId() + " ENROLLED with its renewal planned", ENROLL_TIMEOUT, () -> {
            EnrollmentStatus s = gateway.getStatus();
            if (s.getState() == EnrollmentState.FAILED) {
                fail("gateway enrollment FAILED: " + s);
            }
            return s.getState() == EnrollmentState.ENROLLED && s.getNextAction().isPresent()
                    ? gateway.getCertificate().orElse(null)
                    : null;
        });
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " installed");
    }

    private static final Duration MAX_POLL = Duration.ofMillis(250);

    /**
     * Polls {@code probe} with Awaitility (installed in the framework) until it returns non-null (or true), failing
     * after {@code timeout}; every wait of the itests goes through here. The probe runs on the test's own thread:
     * Awaitility's poller thread carries the alias in its name, and tests count threads by name.
     */
    protected static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        return Awaitility.await(what)
                .atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(IterativePollInterval.iterative(
                        d -> d.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : d.multipliedBy(2),
                        Duration.ofMillis(20)))
                .until(probe::get, v -> v != null && !Boolean.FALSE.equals(v));
    }

    protected static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what, timeout, condition);
    }

    // ---- certificates and files ----------------------------------------------------------------------------------

    /** The dNSName entries of the certificate's subjectAltName. */
    protected static Set<String> dnsNames(X509Certificate cert) throws GeneralSecurityException {
        Set<String> out = new TreeSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    out.add(String.valueOf(san.get(1)));
                }
            }
        }
        return out;
    }

    /** PKIX path validation (signatures, validity, CA constraints) of {@code chain} up to {@code root}. */
    protected static void assertChainVerifiesTo(List<X509Certificate> chain, X509Certificate root)
            throws GeneralSecurityException {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!c.equals(root)) {
                path.add(c);
            }
        }
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false); // Pebble publishes no CRL or OCSP
        CertPathValidator.getInstance("PKIX").validate(certPath, params);
        // and the last certificate of the path is signed by exactly this root's key
        path.get(path.size() - 1).verify(root.getPublicKey());
    }

    /** The SubjectPublicKeyInfo in the {@code PUBLIC KEY} block of a key file the gateway wrote. */
    protected static byte[] publicKeyInPem(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----")
                .matcher(pem);
        assertTrue(file + " holds no PUBLIC KEY block", m.find());
        return Base64.getMimeDecoder().decode(m.group(1));
    }

    protected static void assertOwnerOnly(Path file) throws IOException {
        assertTrue(file + " missing", Files.isRegularFile(file));
        assertEquals(
                file + " permissions",
                PosixFilePermissions.toString(OWNER_READ_WRITE),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    protected Path deviceDir(String deviceId) {
        return dataDir.resolve("devices").resolve(deviceId);
    }

    /** Names of the files in the device's certs directory, sorted. */
    protected List<String> certFiles(String deviceId) throws IOException {
        Path dir = deviceDir(deviceId).resolve("certs");
        assertTrue(dir + " missing", Files.isDirectory(dir));
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The {@code account.url} of the single account stored under {@code accounts/}. */
    protected String storedAccountUrl() throws IOException {
        Path accounts = dataDir.resolve("accounts");
        List<Path> files;
        try (Stream<Path> s = Files.walk(accounts)) {
            files = s.filter(p -> p.getFileName().toString().equals("account.properties"))
                    .toList();
        }
        assertEquals("account.properties files under " + accounts, 1, files.size());
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(files.get(0), StandardCharsets.ISO_8859_1)));
        String url = p.getProperty("account.url");
        assertNotNull("account.url in " + files.get(0), url);
        return url;
    }
}
