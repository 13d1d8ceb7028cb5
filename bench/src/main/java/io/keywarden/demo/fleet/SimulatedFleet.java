package io.keywarden.demo.fleet;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.enrollment.KeyCustody;
import io.keywarden.fleet.internal.inventory.GatewayEnvelope;
import io.keywarden.fleet.internal.inventory.InventoryPublisher;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.testing.pki.Issued;
import io.keywarden.testing.pki.TestCa;

/**
 * The simulated gateways of {@code bench-fleet}, made before the run so that the run measures the authority: each has
 * its own GATEWAY key and certificate from a throwaway CA (the authority is configured to trust that CA's root, as it
 * trusts Pebble's), its own ACME account URL, and {@code sensors} sensor certificates from the same CA ordered by that
 * account. Its issuance log is built with the fleet bundle's own classes ({@link IssuanceEvent}: hash-chained from the
 * genesis, the gateway's own certificate first) and signed entry by entry with the gateway's key
 * ({@link GatewayEnvelope#signPayload}), in messages of {@link InventoryPublisher#MAX_BATCH} entries as a gateway sends
 * them. The sensors share one key pair: the authority never sees a sensor key, and generating 100,000 would measure
 * the simulator.
 */
public final class SimulatedFleet {
    static final String DOMAIN = ".bench-fleet.keywarden.test";

    /** One gateway: its id, how many entries its log has, its head's hash, and the log as the messages it sends. */
    public record Gateway(String id, long entries, String headHash, List<String> messages) {
        /**
         * The messages that carry the entries after {@code acknowledged} (the first may start before it: the authority
         * skips what it holds, as it does for a real gateway's resend).
         */
        List<String> after(long acknowledged) {
            int first = (int) (acknowledged / InventoryPublisher.MAX_BATCH);
            return messages.subList(Math.min(first, messages.size()), messages.size());
        }
    }

    private final TestCa ca;
    private final List<Gateway> gateways;

    private SimulatedFleet(TestCa ca, List<Gateway> gateways) {
        this.ca = ca;
        this.gateways = gateways;
    }

    /** Builds {@code count} gateways with {@code sensors} sensors each on {@code threads} threads. */
    public static SimulatedFleet build(int count, int sensors, int threads) throws InterruptedException {
        TestCa ca = TestCa.root("bench-fleet CA");
        KeyPair sensorKey = ca.issue("sensor key").key();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Gateway>> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                made.add(pool.submit(() -> gateway(ca, n, sensors, sensorKey)));
            }
            List<Gateway> out = new ArrayList<>(count);
            for (Future<Gateway> f : made) {
                out.add(f.get());
            }
            return new SimulatedFleet(ca, out);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot build the simulated fleet: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Gateway gateway(TestCa ca, int n, int sensors, KeyPair sensorKey) {
        String id = String.format("gw-%04d", n) + DOMAIN;
        String account = "https://ca" + DOMAIN + "/acme/acct/" + n;
        Issued own = ca.leaf(id).subject("").dnsNames(id).issue();
        List<CertificateRecord> records = new ArrayList<>(sensors + 1);
        records.add(record(id, DeviceKind.GATEWAY, id, own.chain(), account));
        for (int s = 0; s < sensors; s++) {
            String sensorId = "sensor-" + s;
            String dns = sensorId + "." + id;
            Issued cert =
                    ca.leaf(sensorId).subject("").dnsNames(dns).key(sensorKey).issue();
            records.add(record(sensorId, DeviceKind.SENSOR, dns, cert.chain(), account));
        }
        long iat = Instant.now().getEpochSecond();
        String prev = IssuanceEvent.GENESIS;
        List<String> signed = new ArrayList<>(records.size());
        for (CertificateRecord r : records) {
            IssuanceEvent e = IssuanceEvent.create(id, signed.size() + 1, prev, iat, r);
            signed.add(GatewayEnvelope.signPayload(e.payload(), own.entry()));
            prev = e.hash();
        }
        List<String> messages = new ArrayList<>();
        for (int from = 0; from < signed.size(); from += InventoryPublisher.MAX_BATCH) {
            messages.add(signed.subList(from, Math.min(signed.size(), from + InventoryPublisher.MAX_BATCH)).stream()
                    .collect(Collectors.joining("\n")));
        }
        return new Gateway(id, records.size(), prev, messages);
    }

    private static CertificateRecord record(
            String deviceId, DeviceKind kind, String dns, List<X509Certificate> chain, String account) {
        X509Certificate c = chain.get(0);
        return CertificateRecord.builder()
                .deviceId(deviceId)
                .kind(kind)
                .identifiers(List.of(dns))
                .serial(c.getSerialNumber().toString(16))
                .notBefore(c.getNotBefore().toInstant())
                .notAfter(c.getNotAfter().toInstant())
                .chain(chain)
                .accountUrl(account)
                .keyCustody(KeyCustody.GATEWAY)
                .issuedAt(c.getNotBefore().toInstant())
                .build();
    }

    /** The CA root the authority must trust, as PEM. */
    public String rootPem() {
        return ca.certificatePem();
    }

    public List<Gateway> gateways() {
        return gateways;
    }

    public long entries() {
        return gateways.stream().mapToLong(Gateway::entries).sum();
    }

    public long bytes() {
        return gateways.stream()
                .flatMap(g -> g.messages().stream())
                .mapToLong(String::length)
                .sum();
    }
}
