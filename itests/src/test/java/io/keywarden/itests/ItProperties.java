package io.keywarden.itests;

/**
 * Names of the system properties through which the driver side of the test JVM (Pax Exam's {@code @Configuration},
 * which starts the Pebble CAs) hands URLs, paths and ports to the tests running inside the OSGi framework. The native
 * container runs both in one JVM, so system properties are the one channel both class spaces see.
 *
 * <p>This class must stay free of references to the Pebble harness: it is loaded inside the framework too.
 */
public final class ItProperties {

    /** {@code equinox} or {@code felix}: which bundle list to install; set per failsafe execution. */
    public static final String FRAMEWORK = "keywarden.it.framework";
    /** Path of the io.keywarden.api bundle jar (the reactor's target/*.jar). */
    public static final String BUNDLE_API = "keywarden.it.bundle.api";
    /** Path of the io.keywarden.acme bundle jar (the reactor's target/*.jar). */
    public static final String BUNDLE_ACME = "keywarden.it.bundle.acme";
    /** Path of the io.keywarden.kura bundle jar. */
    public static final String BUNDLE_KURA = "keywarden.it.bundle.kura";
    /** Path of the kura-api-compat bundle jar (Kura's API packages; build and test only). */
    public static final String BUNDLE_KURA_COMPAT = "keywarden.it.bundle.kura.compat";
    /** Path of the io.keywarden.revocation bundle jar (the reactor's target/*.jar). */
    public static final String BUNDLE_REVOCATION = "keywarden.it.bundle.revocation";
    /** Path of the built Kura deployment package (kura-deploy/target/keywarden_*.dp). */
    public static final String DP = "keywarden.it.dp";
    /** Path of the io.keywarden.monitor bundle jar. */
    public static final String BUNDLE_MONITOR = "keywarden.it.bundle.monitor";
    /** Path of the sensor simulator jar (it carries OSGi headers). */
    public static final String BUNDLE_SIMULATOR = "keywarden.it.bundle.simulator";
    /** Path of the test-pki jar (it carries OSGi headers). */
    public static final String BUNDLE_TEST_PKI = "keywarden.it.bundle.testpki";

    /** The EST server bundle. */
    public static final String BUNDLE_EST = "keywarden.it.bundle.est";
    /** Directory for Pebble work dirs and the per-test data dirs. */
    public static final String WORKDIR = "keywarden.it.workdir";
    /** Base URL of the driver's control endpoint ({@link CaControl}). */
    public static final String CONTROL_URL = "keywarden.it.control.url";

    /** The long-lived CA most tests use. */
    public static final String CA_MAIN = "main";
    /** A CA issuing certificates that live {@link #SHORT_VALIDITY_SECONDS} seconds, for renewal. */
    public static final String CA_SHORT = "short";
    /** A CA that is down until a test starts it. */
    public static final String CA_OUTAGE = "outage";

    /**
     * The main CA reached through a TCP proxy that a test can block (connections refused) and unblock, while Pebble
     * behind it keeps its state.
     */
    public static final String CA_BLOCKABLE = "blockable";

    /** A CA that requires External Account Binding with {@link #EAB_KID}; down until a test starts it. */
    public static final String CA_EAB = "eab";

    public static final String EAB_KID = "kw-it-eab";
    /** The HMAC key of {@link #EAB_KID}, base64url as Pebble and the ACME bundle take it (test-only value). */
    public static final String EAB_HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    /** A CA that resolves names through the test BIND 9 (dns-01). */
    public static final String CA_DNS = "dns";
    /** Like {@link #CA_DNS}, issuing certificates that live {@link #SHORT_VALIDITY_SECONDS} seconds. */
    public static final String CA_DNS_SHORT = "dns-short";
    /** {@code 127.0.0.1:<port>} of the test BIND 9. */
    public static final String BIND_ADDRESS = "keywarden.it.bind.address";

    public static final int SHORT_VALIDITY_SECONDS = 40;

    /** The test BIND's zone with the gateways' and sensors' names; {@link #DNS_GATEWAY_KEY} may write TXT in it. */
    public static final String DNS_ZONE = "dns.keywarden.test";
    /** The zone {@code _acme-challenge.gw-cname.<DNS_ZONE>} points into; only {@link #DNS_DELEGATE_KEY} writes here. */
    public static final String DNS_DELEGATED_ZONE = "delegated.keywarden.test";

    public static final String DNS_GATEWAY_KEY = "keywarden-gw";
    public static final String DNS_DELEGATE_KEY = "keywarden-delegate";
    /** Sensors sensor-1 .. sensor-N have A records in {@link #DNS_ZONE}. */
    public static final int DNS_SENSORS = 20;

    /** The base64 secret of one of the test BIND's TSIG keys. */
    public static String bindSecret(String keyName) {
        return "keywarden.it.bind.secret." + keyName;
    }

    private ItProperties() {}

    public static String caDirectory(String ca) {
        return "keywarden.it.ca." + ca + ".directory";
    }

    public static String caTrustAnchor(String ca) {
        return "keywarden.it.ca." + ca + ".anchor";
    }

    public static String caHttpPort(String ca) {
        return "keywarden.it.ca." + ca + ".httpPort";
    }

    public static String required(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: run the tests through Maven "
                    + "(mvn verify -pl itests -am), which sets it");
        }
        return v;
    }
}
