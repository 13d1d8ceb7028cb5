package io.keywarden.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Driver side only: the Pax Exam options every test class shares. Which framework runs is decided by the class
 * path (the failsafe execution leaves exactly one framework jar on it); {@value ItProperties#FRAMEWORK} says which
 * one that should be and picks the matching bundle list.
 */
final class KeywardenOptions {

    /** Eclipse Kura 5.5/5.6's own versions (Equinox 3.16 is on the class path). */
    static final String[][] EQUINOX_KURA_BUNDLES = {
        {"org.eclipse.platform", "org.eclipse.osgi.util", "3.5.300"},
        {"org.eclipse.platform", "org.eclipse.osgi.services", "3.9.0"},
        {"org.apache.felix", "org.apache.felix.scr", "2.1.16"},
        {"org.eclipse.platform", "org.eclipse.equinox.cm", "1.4.400"},
        {"org.eclipse.platform", "org.eclipse.equinox.metatype", "1.5.300"},
        {"org.eclipse.platform", "org.eclipse.equinox.event", "1.5.500"},
        // Kura ships H2 2.1.214 but no osgi.jdbc API bundle: H2 registers no DataSourceFactory, the revocation
        // bundle loads the driver class (docs/database.md)
        {"com.h2database", "h2", "2.1.214"},
    };

    /** Current versions (Felix framework 7 is on the class path). */
    static final String[][] FELIX_CURRENT_BUNDLES = {
        {"org.osgi", "org.osgi.util.function", "1.2.0"},
        {"org.osgi", "org.osgi.util.promise", "1.3.0"},
        {"org.osgi", "org.osgi.service.component", "1.5.1"},
        {"org.apache.felix", "org.apache.felix.scr", "2.2.12"},
        {"org.apache.felix", "org.apache.felix.configadmin", "1.9.26"},
        {"org.apache.felix", "org.apache.felix.log", "1.3.0"},
        {"org.apache.felix", "org.apache.felix.metatype", "1.2.4"},
        {"org.apache.felix", "org.apache.felix.eventadmin", "1.6.4"},
        // as the standalone runtime and the Karaf feature: the osgi.jdbc API first, so that H2 and pgjdbc register
        // their DataSourceFactory services and the revocation bundle takes the driver from there
        {"org.osgi", "org.osgi.service.jdbc", "1.1.0"},
        {"com.h2database", "h2", "2.1.214"},
        {"org.postgresql", "postgresql", "42.7.13"},
    };

    /** What the Keywarden bundles import, at the versions Kura 5.5/5.6 has, on both frameworks. */
    static final String[][] COMMON_BUNDLES = {
        {"org.slf4j", "slf4j-api", "1.7.36"},
        {"org.slf4j", "slf4j-simple", "1.7.36"},
        {"org.bouncycastle", "bcprov-jdk18on", "1.78.1"},
        {"org.bouncycastle", "bcutil-jdk18on", "1.78.1"},
        {"org.bouncycastle", "bcpkix-jdk18on", "1.78.1"},
        {"org.bouncycastle", "bctls-jdk18on", "1.78.1"},
        {"org.bitbucket.b_c", "jose4j", "0.9.6"},
        {"com.google.code.gson", "gson", "2.9.0"},
        {"dnsjava", "dnsjava", "3.6.3"},
        // Kura's HTTP stack (Jetty 9.4.53.v20231009, javax.servlet 3.1.0), which the EST server imports
        {"javax.servlet", "javax.servlet-api", "3.1.0"},
        {"org.eclipse.jetty", "jetty-util", "9.4.53.v20231009"},
        {"org.eclipse.jetty", "jetty-io", "9.4.53.v20231009"},
        {"org.eclipse.jetty", "jetty-http", "9.4.53.v20231009"},
        {"org.eclipse.jetty", "jetty-server", "9.4.53.v20231009"},
    };

    /** What Kura 5.4-5.6 has besides its API and the common bundles, and the Kura adapter imports: Gson 2.9.0. */
    static final String[][] KURA_EXTRA_BUNDLES = {
        {"com.google.code.gson", "gson", "2.9.0"},
    };

    private KeywardenOptions() {}

    /** The framework's platform bundles (Kura's versions on Equinox) without any of Keywarden's. */
    static List<Option> platform() {
        return platformWithout();
    }

    /** The platform without some artifacts of {@link #COMMON_BUNDLES} (e.g. those the deployment package brings). */
    static List<Option> platformWithout(String... artifactIds) {
        String framework = ItProperties.required(ItProperties.FRAMEWORK);
        checkFrameworkOnClassPath(framework);
        TestCas.ensureStarted();

        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        // Awaitility for the tests' waits (KeywardenTestSupport.await); it needs Hamcrest 2, beside JUnit's 1.3
        options.add(mavenBundle("org.hamcrest", "hamcrest", "2.2"));
        options.add(mavenBundle("org.awaitility", "awaitility", "4.2.2"));
        options.add(systemTimeout(60_000));
        switch (framework) {
            case "equinox" -> add(options, EQUINOX_KURA_BUNDLES);
            case "felix" -> add(options, FELIX_CURRENT_BUNDLES);
            default ->
                throw new IllegalStateException(ItProperties.FRAMEWORK + " must be equinox or felix: " + framework);
        }
        for (String[] c : COMMON_BUNDLES) {
            if (!List.of(artifactIds).contains(c[1])) {
                options.add(mavenBundle(c[0], c[1], c[2]));
            }
        }
        return options;
    }

    static Option[] options() {
        return withOurBundles(platform());
    }

    /** {@code platform} (e.g. {@link #platform()} plus an HTTP Whiteboard) with Keywarden's bundles after it. */
    static Option[] withOurBundles(List<Option> platform) {
        List<Option> options = new ArrayList<>(platform);
        options.add(ourBundle(ItProperties.BUNDLE_API));
        options.add(ourBundle(ItProperties.BUNDLE_ACME));
        options.add(ourBundle(ItProperties.BUNDLE_REVOCATION));
        options.add(ourBundle(ItProperties.BUNDLE_MONITOR));
        options.add(ourBundle(ItProperties.BUNDLE_SIMULATOR));
        options.add(ourBundle(ItProperties.BUNDLE_TEST_PKI));
        return options.toArray(new Option[0]);
    }

    /** {@code platform} with Keywarden's bundles that need no HTTP stack (all but the monitor). */
    static Option[] withNonHttpBundles(List<Option> platform) {
        List<Option> options = new ArrayList<>(platform);
        options.add(ourBundle(ItProperties.BUNDLE_API));
        options.add(ourBundle(ItProperties.BUNDLE_ACME));
        options.add(ourBundle(ItProperties.BUNDLE_REVOCATION));
        options.add(ourBundle(ItProperties.BUNDLE_SIMULATOR));
        options.add(ourBundle(ItProperties.BUNDLE_TEST_PKI));
        return options.toArray(new Option[0]);
    }

    /** The common options plus Kura's API (the compat bundle) and the Kura adapter. */
    static Option[] kuraOptions() {
        List<Option> options = new ArrayList<>(List.of(options()));
        options.add(ourBundle(ItProperties.BUNDLE_KURA_COMPAT));
        add(options, KURA_EXTRA_BUNDLES);
        options.add(ourBundle(ItProperties.BUNDLE_KURA));
        return options.toArray(new Option[0]);
    }

    /**
     * The platform plus what Kura has besides (its API as the compat bundle), none of Keywarden's bundles: the test
     * installs them. No Paho: Kura embeds its Paho privately and exports none (the fleet bundle carries its own).
     */
    static Option[] kuraPlatformOptions() {
        List<Option> options = platform();
        options.add(ourBundle(ItProperties.BUNDLE_KURA_COMPAT));
        add(options, KURA_EXTRA_BUNDLES);
        return options.toArray(new Option[0]);
    }

    /**
     * Kura's platform as the .dp meets it: no jose4j and no dnsjava (Kura ships neither, the package brings them),
     * Kura's API (the compat bundle), no Paho (Kura exports none), and Kura's Felix DeploymentAdmin 0.9.5 with the
     * dependency manager it needs.
     */
    static Option[] kuraDeploymentAdminOptions() {
        List<Option> options = platformWithout("jose4j", "dnsjava");
        options.add(ourBundle(ItProperties.BUNDLE_KURA_COMPAT));
        add(options, KURA_EXTRA_BUNDLES);
        options.add(mavenBundle("org.apache.felix", "org.apache.felix.dependencymanager", "3.2.0"));
        options.add(mavenBundle("org.apache.felix", "org.apache.felix.deploymentadmin", "0.9.5"));
        return options.toArray(new Option[0]);
    }

    private static void add(List<Option> options, String[][] coordinates) {
        for (String[] c : coordinates) {
            options.add(mavenBundle(c[0], c[1], c[2]));
        }
    }

    /** The common options plus the EST server. */
    static Option[] estOptions() {
        List<Option> options = new ArrayList<>(List.of(options()));
        options.add(ourBundle(ItProperties.BUNDLE_EST));
        return options.toArray(new Option[0]);
    }

    /** The Kura options (compat bundle, adapter) plus the EST bundle: codes from KEYWARDEN-V1 against the real server. */
    static Option[] estKuraOptions() {
        List<Option> options = new ArrayList<>(List.of(kuraOptions()));
        options.add(ourBundle(ItProperties.BUNDLE_EST));
        return options.toArray(new Option[0]);
    }

    private static Option ourBundle(String property) {
        Path jar = Path.of(ItProperties.required(property));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build the bundles first (mvn verify -pl itests -am)");
        }
        return bundle(jar.toUri().toString());
    }

    /** Fails unless exactly the expected framework is on the class path (the failsafe excludes decide that). */
    private static void checkFrameworkOnClassPath(String framework) {
        List<String> factories = new ArrayList<>();
        ServiceLoader.load(FrameworkFactory.class)
                .forEach(f -> factories.add(f.getClass().getName()));
        String expected = "equinox".equals(framework) ? "org.eclipse.osgi" : "org.apache.felix.framework";
        if (factories.size() != 1 || !factories.get(0).startsWith(expected)) {
            throw new IllegalStateException(
                    "expected exactly one " + expected + " FrameworkFactory on the class path for "
                            + ItProperties.FRAMEWORK + "=" + framework + ", found " + factories);
        }
    }
}
