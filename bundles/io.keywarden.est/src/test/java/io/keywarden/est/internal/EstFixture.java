package io.keywarden.est.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keywarden.est.internal.policy.DeviceClass;
import io.keywarden.testing.pebble.PebbleHarness;
import io.keywarden.testing.pebble.TcpProxy;

/**
 * A real Pebble (real http-01 validation), the ACME engine of a gateway enrolled at it, and the EST server in front,
 * on free loopback ports. Device class "sensors": ids sensor-*, IDevIDs of the manufacturer "Acme Sensors", codes
 * allowed, names {id}.sensors.est.keywarden.test. The CA can be reached through a proxy the test can cut.
 */
final class EstFixture implements AutoCloseable {
    static final String GATEWAY = "gw.est.keywarden.test";
    static final String NAME_SUFFIX = ".sensors.est.keywarden.test";

    final PebbleHarness pebble;
    final TcpProxy proxy;
    final Manufacturer manufacturer;
    final Path work;
    final Map<String, Object> config = new HashMap<>();
    final List<DeviceClass> classes = new CopyOnWriteArrayList<>();
    final Set<String> denied = ConcurrentHashMap.newKeySet();
    /** Serials an authority's signed release freed (DenyList.releasedAt present). */
    final Set<String> released = ConcurrentHashMap.newKeySet();

    final Set<String> quarantined = ConcurrentHashMap.newKeySet();
    final List<Map.Entry<String, Map<String, Object>>> events = new CopyOnWriteArrayList<>();
    /** The EST server's clock: a test moves it to see how certificates and codes age. */
    final ShiftedClock clock = new ShiftedClock();

    AcmeGateway gateway;
    EstRuntime est;

    EstFixture(Path work, Map<String, Object> estConfig) throws Exception {
        this.work = work;
        pebble = PebbleHarness.builder(work.resolve("pebble"))
                .nonceRejectPercent(0)
                .build()
                .start();
        proxy = TcpProxy.start(pebble.directoryUrl().getPort());
        manufacturer = new Manufacturer("Acme Sensors");
        Map<String, Object> cls = new HashMap<>();
        cls.put("name", "sensors");
        cls.put("devices.pattern", "sensor-[0-9a-z-]+");
        cls.put("idevid.anchors", pem(manufacturer.root));
        cls.put("dns.names", "{id}" + NAME_SUFFIX);
        classes.add(DeviceClassOptions.parse(cls));
        config.put("bind.address", "127.0.0.1");
        config.put("port", 0);
        config.put("data.dir", work.resolve("est").toString());
        config.put("ca.wait.ms", 20000);
        config.put("request.deadline.ms", 30000);
        config.put("retry.after.seconds", 1);
        config.put("ca.labels", "sensors");
        config.putAll(estConfig);
        startGateway();
        startEst();
    }

    void startGateway() throws Exception {
        String directory =
                "https://127.0.0.1:" + proxy.port() + pebble.directoryUrl().getPath();
        gateway = new AcmeGateway(
                        directory, pebble.trustAnchorFile(), pebble.httpPort(), GATEWAY, work.resolve("gateway"))
                .enrolled();
    }

    void startEst() throws Exception {
        est = new EstRuntime(
                EstOptions.parse(config, null),
                gateway,
                gateway,
                gateway,
                () -> classes,
                denied::contains,
                released::contains,
                quarantined::contains,
                (topic, props) -> events.add(Map.entry(topic, props)),
                clock);
    }

    /** The system clock moved by an offset a test sets. */
    static final class ShiftedClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Clock.systemUTC().instant().plus(offset);
        }
    }

    String hostPort() {
        return "127.0.0.1:" + est.address().getPort();
    }

    X509Certificate caRoot() {
        return pebble.rootCertificates().get(0);
    }

    static String name(String deviceId) {
        return deviceId + NAME_SUFFIX;
    }

    /** The certificate, followed by the EST server's CA certificates, verifies up to Pebble's current root. */
    void assertChainsToRoot(X509Certificate leaf, List<X509Certificate> caCerts) throws Exception {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        caCerts.stream().filter(c -> !c.equals(caRoot())).forEach(path::add);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(caRoot(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }

    void assertValidAtCa(X509Certificate c) {
        assertTrue(
                pebble.certStatus(c.getSerialNumber().toString(16)).isValid(),
                "serial " + c.getSerialNumber().toString(16) + " Valid at Pebble");
    }

    String audit() throws Exception {
        Path f = est.audit().file();
        return Files.exists(f) ? Files.readString(f) : "";
    }

    static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    @Override
    public void close() {
        if (est != null) {
            est.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        proxy.close();
        pebble.close();
    }
}
