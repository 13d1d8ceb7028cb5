package io.keywarden.acme.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.acme.internal.config.KeyType;
import io.keywarden.acme.internal.schedule.RenewalPlanner;
import io.keywarden.acme.internal.store.StateStore;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.GatewayKeyHolder;
import io.keywarden.support.retry.Backoff;
import io.keywarden.testing.pki.TestCa;
import io.keywarden.testing.sensors.SensorKeys;

/**
 * gateway.key.source=external (Kura): the gateway's TLS identity is the key a {@link GatewayKeyHolder} holds, offered
 * only while it is the key of the gateway's current certificate, always with that certificate's chain.
 */
class GatewayIdentityTest {
    private static final String GATEWAY = "gw.example";

    @TempDir
    Path data;

    private EnrollmentEngine engine;
    private StateStore store;

    /** What Kura's keystore holds under the adapter's alias: set by the test, read on every call. */
    private static final class Holder implements GatewayKeyHolder {
        volatile KeyStore.PrivateKeyEntry entry;

        @Override
        public Optional<KeyStore.PrivateKeyEntry> getGatewayEntry() {
            return Optional.ofNullable(entry);
        }
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private void start() throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("acme.directory.url", "https://fake.example/dir");
        p.put("acme.trust.anchor", TestCa.root("anchor").certificatePem());
        p.put("gateway.dns.name", GATEWAY);
        p.put("gateway.key.source", "external");
        GatewayOptions o = GatewayOptions.parse(p, data);
        store = new StateStore(data);
        engine = new EnrollmentEngine(
                o,
                store,
                new FakeCa(),
                Clock.systemUTC(),
                new RenewalPlanner(o.getRenewalThreshold(), o.getRenewalJitter(), new Random(1)),
                new Backoff(o.getRetryInitial(), o.getRetryMax(), new Random(1)),
                new EnrollmentEngine.Listener() {
                    @Override
                    public void issued(CertificateRecord r, boolean renewal) {}

                    @Override
                    public void failed(String id, DeviceKind kind, EnrollmentException err, boolean willRetry) {}
                });
        engine.start();
    }

    private GatewayIdentity identity(List<GatewayKeyHolder> holders) {
        return new GatewayIdentity(() -> engine.currentOf(GATEWAY), () -> store.loadDeviceKey(GATEWAY), holders);
    }

    private CertificateRecord enrollWithCsr(KeyPair key) throws Exception {
        return engine.enrollGatewayWithCsr(SensorKeys.csrPem(key, List.of(GATEWAY)))
                .get(10, TimeUnit.SECONDS);
    }

    private static KeyStore.PrivateKeyEntry entry(KeyPair key, List<X509Certificate> chain) {
        return new KeyStore.PrivateKeyEntry(key.getPrivate(), chain.toArray(new X509Certificate[0]));
    }

    @Test
    void theHoldersKeyIsTheIdentityOnlyWhileItIsTheCurrentCertificatesKey() throws Exception {
        start();
        Holder kura = new Holder();
        List<GatewayKeyHolder> holders = new CopyOnWriteArrayList<>();
        GatewayIdentity identity = identity(holders);
        KeyPair key = KeyType.EC_P256.generate();
        kura.entry = entry(key, List.of(TestCa.selfSigned(GATEWAY, key)));
        holders.add(kura);
        assertTrue(identity.get().isEmpty(), "no certificate yet: no identity, whatever the holder has");

        CertificateRecord first = enrollWithCsr(key);
        holders.clear();
        assertTrue(
                identity.get().isEmpty(), "the key is not this bundle's and nobody offers it (before the fix: always)");

        // another holder whose key is not the gateway's is passed over
        KeyPair foreign = KeyType.EC_P256.generate();
        Holder other = new Holder();
        other.entry = entry(foreign, List.of(TestCa.selfSigned(GATEWAY, foreign)));
        holders.add(other);
        assertTrue(identity.get().isEmpty(), "a foreign key is never paired with the gateway's certificate");
        holders.add(kura);
        kura.entry = entry(key, first.getChain());
        KeyStore.PrivateKeyEntry offered = identity.get().orElseThrow();
        assertSame(key.getPrivate(), offered.getPrivateKey(), "the holder's key object, as it holds it");
        assertEquals(first.getChain(), Arrays.asList(offered.getCertificateChain()));

        // renewed by the ACME bundle, not yet copied to the holder: same key, so the current chain is offered
        CertificateRecord renewed = engine.renew(GATEWAY).get(10, TimeUnit.SECONDS);
        offered = identity.get().orElseThrow();
        assertSame(key.getPrivate(), offered.getPrivateKey());
        assertEquals(renewed.getChain(), Arrays.asList(offered.getCertificateChain()));

        // rekeyed: the new certificate is issued before the holder stores the new key; the old key is not offered
        KeyPair newKey = KeyType.EC_P256.generate();
        CertificateRecord rekeyed = enrollWithCsr(newKey);
        assertTrue(identity.get().isEmpty(), "the old key with the new key's certificate would fail every handshake");
        kura.entry = entry(newKey, rekeyed.getChain());
        offered = identity.get().orElseThrow();
        assertSame(newKey.getPrivate(), offered.getPrivateKey());
        assertEquals(rekeyed.getCertificate(), offered.getCertificate());
    }

    @Test
    void aFailingHolderIsPassedOver() throws Exception {
        start();
        KeyPair key = KeyType.EC_P256.generate();
        CertificateRecord r = enrollWithCsr(key);
        Holder kura = new Holder();
        kura.entry = entry(key, r.getChain());
        GatewayKeyHolder broken = () -> {
            throw new IllegalStateException("keystore unavailable");
        };
        assertEquals(
                r.getCertificate(),
                identity(List.of(broken, kura)).get().orElseThrow().getCertificate());
        assertTrue(identity(List.of(broken)).get().isEmpty());
    }
}
