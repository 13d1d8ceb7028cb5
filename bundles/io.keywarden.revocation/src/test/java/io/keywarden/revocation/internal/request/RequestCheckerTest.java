package io.keywarden.revocation.internal.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.revocation.internal.FakeInventory;
import io.keywarden.revocation.internal.TestData;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.authority.Role;
import io.keywarden.revocation.internal.store.JdbcNonceStore;
import io.keywarden.revocation.internal.store.NonceStore;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.jdbc.Database;
import io.keywarden.testing.pki.TestKeys;

class RequestCheckerTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final String GW_A = "gw-a.example";
    private static final String OTHER_ACCOUNT = "https://ca.example/acme/acct/2";

    @TempDir
    Path dir;

    private TestStores stores;

    private TestStores stores() throws Exception {
        if (stores == null) {
            stores = TestStores.h2(dir);
        }
        return stores;
    }

    @AfterEach
    void closeStores() {
        if (stores != null) {
            stores.close();
        }
    }

    private final Map<String, Authority> authorities = new HashMap<>();
    private final Map<String, KeyPair> keys = new HashMap<>();
    private java.util.function.Function<String, Optional<String>> pinned = gateway -> Optional.empty();
    private final FakeInventory inventory = new FakeInventory()
            .add(TestData.record(GW_A, DeviceKind.GATEWAY, "a0", TestData.ACCOUNT))
            .add(TestData.record("sensor-1", DeviceKind.SENSOR, "a1", TestData.ACCOUNT))
            .add(TestData.record("sensor-2", DeviceKind.SENSOR, "a2", TestData.ACCOUNT))
            .add(TestData.record("pump-1", DeviceKind.SENSOR, "a3", TestData.ACCOUNT))
            .add(TestData.record("gw-z.example", DeviceKind.GATEWAY, "b0", OTHER_ACCOUNT));

    private RequestChecker checker(int rate) throws Exception {
        authority("monitor-a", Role.GATEWAY_MONITOR, GW_A);
        authority("monitor-b", Role.GATEWAY_MONITOR, "gw-b.example");
        authority("fleet", Role.FLEET_AUTHORITY);
        authority("ops", Role.OPERATOR, "sensor-*");
        authority("sensor-1", Role.DEVICE, "sensor-1");
        return new RequestChecker(
                id -> Optional.ofNullable(authorities.get(id)),
                stores().nonces(Duration.ofMinutes(15)),
                new RateLimiter(rate),
                new TargetResolver(inventory, gateway -> pinned.apply(gateway)),
                () -> GW_A,
                Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void authority(String id, Role role, String... scope) {
        KeyPair kp = TestKeys.ec("secp256r1");
        keys.put(id, kp);
        authorities.put(id, new Authority(id, kp.getPublic(), role, List.of(scope)));
    }

    private String signed(String requester, RevocationTarget target, Instant iat, String nonce) {
        return RequestCodec.sign(
                RevocationRequest.builder()
                        .target(target)
                        .reason(RevocationReason.KEY_COMPROMISE)
                        .requester(requester)
                        .nonce(nonce)
                        .issuedAt(iat)
                        .build(),
                keys.get(requester).getPrivate());
    }

    private static int n;

    private String signed(String requester, RevocationTarget target) {
        return signed(requester, target, NOW, "nonce-" + (++n));
    }

    private static void assertRefused(Decision d, RefusalReason reason) {
        assertEquals(reason, d.refusal(), String.valueOf(d));
        assertTrue(d.detail() != null && !d.detail().isBlank());
    }

    @Test
    void aCompromisedGatewayIsJudgedByItsPinnedAccountNotByTheAccountsItsRecordsClaim() throws Exception {
        String pinnedAccount = "https://ca.example/acme/acct/9";
        pinned = gateway -> GW_A.equals(gateway) || "gw-silent.example".equals(gateway)
                ? Optional.of(pinnedAccount)
                : Optional.empty();
        RequestChecker c = checker(100);
        Decision d = c.check(signed("fleet", RevocationTarget.compromisedGateway(GW_A)));
        assertNull(d.refusal(), String.valueOf(d));
        assertEquals(List.of(pinnedAccount), d.accountsToDeactivate(), "the pinned account, not the claimed one");
        assertEquals(
                List.of("a0", "a1", "a2", "a3"),
                d.certificates().stream().map(r -> r.getSerial()).toList(),
                "what the reports say is kept as the cross-check");
        // a gateway that never reported anything: the CA will be asked with the pinned account
        Decision silent = c.check(signed("fleet", RevocationTarget.compromisedGateway("gw-silent.example")));
        assertNull(silent.refusal(), String.valueOf(silent));
        assertEquals(List.of(pinnedAccount), silent.accountsToDeactivate());
        assertRefused(
                c.check(signed("fleet", RevocationTarget.compromisedGateway("gw-unknown.example"))),
                RefusalReason.UNKNOWN_TARGET);
    }

    @Test
    void scopeFollowsTheRole() throws Exception {
        RequestChecker c = checker(100);
        Decision ok = c.check(signed("monitor-a", RevocationTarget.device("sensor-1")));
        assertNull(ok.refusal(), String.valueOf(ok));
        assertEquals(
                List.of("a1"),
                ok.certificates().stream().map(r -> r.getSerial()).toList());

        assertRefused(c.check(signed("monitor-b", RevocationTarget.device("sensor-1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("monitor-a", RevocationTarget.device(GW_A))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(
                c.check(signed("monitor-a", RevocationTarget.compromisedGateway(GW_A))), RefusalReason.OUT_OF_SCOPE);
        assertNull(
                c.check(signed("sensor-1", RevocationTarget.certificate("a1"))).refusal());
        assertRefused(c.check(signed("sensor-1", RevocationTarget.device("sensor-2"))), RefusalReason.OUT_OF_SCOPE);
        assertNull(c.check(signed("ops", RevocationTarget.device("sensor-2"))).refusal());
        assertRefused(c.check(signed("ops", RevocationTarget.device("pump-1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("ops", RevocationTarget.compromisedGateway(GW_A))), RefusalReason.OUT_OF_SCOPE);

        Decision compromised = c.check(signed("fleet", RevocationTarget.compromisedGateway(GW_A)));
        assertNull(compromised.refusal());
        assertEquals(
                List.of("a0", "a1", "a2", "a3"),
                compromised.certificates().stream().map(r -> r.getSerial()).toList(),
                "everything the gateway's account ordered, nothing of another account");
        assertEquals(List.of(TestData.ACCOUNT), compromised.accountsToDeactivate());
        assertRefused(c.check(signed("fleet", RevocationTarget.device("nobody"))), RefusalReason.UNKNOWN_TARGET);
    }

    @Test
    void forgedStaleReplayedUnknownAndTooFrequentRequestsAreRefused() throws Exception {
        RequestChecker c = checker(3);
        String good = signed("monitor-a", RevocationTarget.device("sensor-1"));
        assertNull(c.check(good).refusal());
        assertRefused(c.check(good), RefusalReason.REPLAYED_NONCE);

        KeyPair intruder = TestKeys.ec("secp256r1");
        String forged = RequestCodec.sign(
                RevocationRequest.builder()
                        .target(RevocationTarget.device("sensor-2"))
                        .requester("monitor-a")
                        .nonce("f-1")
                        .issuedAt(NOW)
                        .build(),
                intruder.getPrivate());
        assertRefused(c.check(forged), RefusalReason.BAD_SIGNATURE);
        keys.put("ghost", intruder);
        assertRefused(c.check(signed("ghost", RevocationTarget.device("sensor-2"))), RefusalReason.UNKNOWN_REQUESTER);
        assertRefused(
                c.check(signed("monitor-a", RevocationTarget.device("sensor-2"), NOW.minusSeconds(301), "old")),
                RefusalReason.STALE);
        assertRefused(
                c.check(signed("monitor-a", RevocationTarget.device("sensor-2"), NOW.plusSeconds(301), "future")),
                RefusalReason.STALE);
        assertNull(c.check(signed("monitor-a", RevocationTarget.device("sensor-2"), NOW.minusSeconds(299), "edge"))
                .refusal());
        assertRefused(c.check("{}"), RefusalReason.MALFORMED);

        assertNull(c.check(signed("monitor-a", RevocationTarget.device("sensor-2")))
                .refusal());
        assertRefused(c.check(signed("monitor-a", RevocationTarget.device("sensor-2"))), RefusalReason.RATE_LIMITED);
        assertNull(
                c.check(signed("fleet", RevocationTarget.device("sensor-2"))).refusal(), "the rate is per requester");
    }

    @Test
    void aNonceSeenBeforeARestartIsStillAReplayAfterIt() throws Exception {
        authority("fleet", Role.FLEET_AUTHORITY);
        String good = signed("fleet", RevocationTarget.device("sensor-1"));
        try (Database firstRun = stores().open()) {
            NonceStore first = new JdbcNonceStore(firstRun, Duration.ofMinutes(15), Duration.ofSeconds(30));
            RequestChecker c = new RequestChecker(
                    id -> Optional.ofNullable(authorities.get(id)),
                    first,
                    new RateLimiter(10),
                    new TargetResolver(inventory, gateway -> pinned.apply(gateway)),
                    () -> GW_A,
                    Duration.ofMinutes(5),
                    Clock.fixed(NOW, ZoneOffset.UTC));
            assertNull(c.check(good).refusal());
        }
        try (Database secondRun = stores().open()) {
            NonceStore second = new JdbcNonceStore(secondRun, Duration.ofMinutes(15), Duration.ofSeconds(30));
            RequestChecker c = new RequestChecker(
                    id -> Optional.ofNullable(authorities.get(id)),
                    second,
                    new RateLimiter(10),
                    new TargetResolver(inventory, gateway -> pinned.apply(gateway)),
                    () -> GW_A,
                    Duration.ofMinutes(5),
                    Clock.fixed(NOW.plusSeconds(20), ZoneOffset.UTC));
            assertRefused(c.check(good), RefusalReason.REPLAYED_NONCE);
            // a lease (30 s here) after it was recorded, with no ticket journaled for it (the first run died before
            // journaling), the same signed request is judged again, once; another request under that nonce is not
            RequestChecker later = new RequestChecker(
                    id -> Optional.ofNullable(authorities.get(id)),
                    second,
                    new RateLimiter(10),
                    new TargetResolver(inventory, gateway -> pinned.apply(gateway)),
                    () -> GW_A,
                    Duration.ofMinutes(5),
                    Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));
            assertNull(later.check(good).refusal());
            assertRefused(later.check(good), RefusalReason.REPLAYED_NONCE);
        }
    }

    @Test
    void remoteGatewaysInventoriesCountAndScopeFollowsTheGatewayEachCertificateBelongsTo() throws Exception {
        String remoteAccount = "https://ca.example/acme/acct/9";
        FakeInventory remote = new FakeInventory()
                .add(TestData.record("gw-b.example", DeviceKind.GATEWAY, "c0", remoteAccount))
                .add(TestData.record("sensor-b1", DeviceKind.SENSOR, "c1", remoteAccount))
                // a remote gateway cannot shadow a local certificate: the local record answers for a1
                .add(TestData.record("spoof", DeviceKind.SENSOR, "a1", remoteAccount));
        Inventories all = new Inventories(inventory);
        all.addRemote(remote, "gw-b.example");
        authority("monitor-a", Role.GATEWAY_MONITOR, GW_A);
        authority("monitor-b", Role.GATEWAY_MONITOR, "gw-b.example");
        authority("fleet", Role.FLEET_AUTHORITY);
        RequestChecker c = new RequestChecker(
                id -> Optional.ofNullable(authorities.get(id)),
                stores().nonces(Duration.ofMinutes(15)),
                new RateLimiter(100),
                new TargetResolver(all),
                () -> GW_A,
                Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));

        Decision byItsMonitor = c.check(signed("monitor-b", RevocationTarget.device("sensor-b1")));
        assertNull(byItsMonitor.refusal(), String.valueOf(byItsMonitor));
        assertEquals(
                List.of("c1"),
                byItsMonitor.certificates().stream().map(r -> r.getSerial()).toList());
        assertRefused(c.check(signed("monitor-a", RevocationTarget.device("sensor-b1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("monitor-b", RevocationTarget.device("sensor-1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("monitor-b", RevocationTarget.certificate("a1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(
                c.check(signed("monitor-b", RevocationTarget.device("gw-b.example"))), RefusalReason.OUT_OF_SCOPE);

        Decision compromised = c.check(signed("fleet", RevocationTarget.compromisedGateway("gw-b.example")));
        assertNull(compromised.refusal(), String.valueOf(compromised));
        assertEquals(
                List.of("c0", "c1"),
                compromised.certificates().stream()
                        .map(r -> r.getSerial())
                        .sorted()
                        .toList());
        assertEquals(List.of(remoteAccount), compromised.accountsToDeactivate());

        all.removeRemote(remote);
        assertRefused(c.check(signed("fleet", RevocationTarget.device("sensor-b1"))), RefusalReason.UNKNOWN_TARGET);
    }

    /**
     * Issue 13, test 5: ids are unique per gateway only. On the authority's node two gateways each have a sensor-1;
     * the device authority of sensor-1@gw1 and an operator of gw1's sensors cannot reach gw2's.
     */
    @Test
    void crossGatewayDeviceAndOperatorRequestsAreOutOfScope() throws Exception {
        FakeInventory own = new FakeInventory().add(TestData.record("authority", DeviceKind.GATEWAY, "f0", "acct-f"));
        FakeInventory gw1 = new FakeInventory()
                .add(TestData.record("gw1", DeviceKind.GATEWAY, "10", "acct-1"))
                .add(TestData.record("sensor-1", DeviceKind.SENSOR, "11", "acct-1"));
        FakeInventory gw2 = new FakeInventory()
                .add(TestData.record("gw2", DeviceKind.GATEWAY, "20", "acct-2"))
                .add(TestData.record("sensor-1", DeviceKind.SENSOR, "21", "acct-2"));
        Inventories all = new Inventories(own);
        all.addRemote(gw1, "gw1");
        all.addRemote(gw2, "gw2");
        authority("dev-1", Role.DEVICE, "sensor-1@gw1");
        authority("dev-local", Role.DEVICE, "sensor-1");
        authority("ops-1", Role.OPERATOR, "sensor-*@gw1");
        authority("ops-all", Role.OPERATOR, "*@gw?");
        RequestChecker c = new RequestChecker(
                id -> Optional.ofNullable(authorities.get(id)),
                stores().nonces(Duration.ofMinutes(15)),
                new RateLimiter(100),
                new TargetResolver(all),
                () -> "authority",
                Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));

        Decision own1 = c.check(signed("dev-1", RevocationTarget.device("sensor-1@gw1")));
        assertNull(own1.refusal(), String.valueOf(own1));
        assertEquals(
                List.of("11"),
                own1.certificates().stream().map(r -> r.getSerial()).toList());
        assertRefused(c.check(signed("dev-1", RevocationTarget.device("sensor-1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("dev-1", RevocationTarget.device("sensor-1@gw2"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("dev-1", RevocationTarget.certificate("21"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(
                c.check(signed("dev-local", RevocationTarget.device("sensor-1@gw1"))),
                RefusalReason.OUT_OF_SCOPE,
                "an unqualified device id is bound to this node's own gateway");

        assertNull(c.check(signed("ops-1", RevocationTarget.certificate("11"))).refusal());
        assertRefused(c.check(signed("ops-1", RevocationTarget.device("sensor-1@gw2"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("ops-1", RevocationTarget.device("sensor-1"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("ops-1", RevocationTarget.certificate("21"))), RefusalReason.OUT_OF_SCOPE);
        assertRefused(c.check(signed("ops-1", RevocationTarget.compromisedGateway("gw2"))), RefusalReason.OUT_OF_SCOPE);
        Decision both = c.check(signed("ops-all", RevocationTarget.device("sensor-1")));
        assertNull(both.refusal(), String.valueOf(both));
        assertEquals(
                List.of("11", "21"),
                both.certificates().stream().map(r -> r.getSerial()).sorted().toList());
        assertNull(c.check(signed("ops-all", RevocationTarget.compromisedGateway("gw2")))
                .refusal());
        assertRefused(c.check(signed("ops-all", RevocationTarget.certificate("f0"))), RefusalReason.OUT_OF_SCOPE);
    }

    private static void assertRefused(Decision d, RefusalReason reason, String why) {
        assertEquals(reason, d.refusal(), why + ": " + d);
    }
}
