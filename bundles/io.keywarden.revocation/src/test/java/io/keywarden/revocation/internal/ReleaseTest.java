package io.keywarden.revocation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RefusalReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.TicketState;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.authority.Role;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.request.Decision;
import io.keywarden.revocation.internal.request.MalformedRequestException;
import io.keywarden.revocation.internal.request.RateLimiter;
import io.keywarden.revocation.internal.request.RequestChecker;
import io.keywarden.revocation.internal.request.RequestCodec;
import io.keywarden.revocation.internal.request.TargetResolver;
import io.keywarden.revocation.internal.store.DenyListStore;
import io.keywarden.revocation.internal.store.JdbcReleaseStore;
import io.keywarden.revocation.internal.store.ReleaseStore;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.support.jdbc.Database;
import io.keywarden.testing.pki.TestKeys;

/**
 * The release of a held device: a signed request with {@code "action":"release"}, verified like every request, only
 * from the fleet authority or an operator in scope, recorded durably and audited; the released serials stay denied.
 */
class ReleaseTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final String GW_A = "gw-a.example";

    @TempDir
    Path dir;

    private final Map<String, Authority> authorities = new HashMap<>();
    private final Map<String, KeyPair> keys = new HashMap<>();
    private final List<String> audited = new ArrayList<>();
    private final FakeInventory inventory = new FakeInventory()
            .add(TestData.record(GW_A, DeviceKind.GATEWAY, "a0", TestData.ACCOUNT))
            .add(TestData.record("sensor-1", DeviceKind.SENSOR, "a1", TestData.ACCOUNT))
            .add(TestData.record("sensor-2", DeviceKind.SENSOR, "a2", TestData.ACCOUNT))
            .add(TestData.record("pump-1", DeviceKind.SENSOR, "a3", TestData.ACCOUNT));
    private RequestChecker checker;
    private DenyListStore denied;
    private int nonce;

    private TestStores stores;

    @AfterEach
    void closeStores() {
        stores.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        stores = TestStores.h2(dir);
        authority("monitor-a", Role.GATEWAY_MONITOR, GW_A);
        authority("fleet", Role.FLEET_AUTHORITY);
        authority("ops", Role.OPERATOR, "sensor-*");
        authority("sensor-1", Role.DEVICE, "sensor-1");
        checker = new RequestChecker(
                id -> Optional.ofNullable(authorities.get(id)),
                stores.nonces(Duration.ofMinutes(15)),
                new RateLimiter(100),
                new TargetResolver(inventory, gateway -> Optional.empty()),
                () -> GW_A,
                Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
        denied = stores.denyList();
        denied.addAll(List.of("a1", "a2", "a3"));
    }

    private void authority(String id, Role role, String... scope) {
        KeyPair kp = TestKeys.ec("secp256r1");
        keys.put(id, kp);
        authorities.put(id, new Authority(id, kp.getPublic(), role, List.of(scope)));
    }

    private String release(String requester, RevocationTarget target) {
        return RequestCodec.sign(
                RevocationRequest.builder()
                        .action(RevocationRequest.Action.RELEASE)
                        .target(target)
                        .requester(requester)
                        .nonce("nonce-" + (++nonce))
                        .issuedAt(NOW)
                        .build(),
                keys.get(requester).getPrivate());
    }

    private Ticket submit(ReleaseStore store, String signed) {
        Decision d = checker.check(signed);
        if (!d.isAccepted()) {
            return Ticket.refused("t", d.request(), NOW, d.refusal(), d.detail());
        }
        return new Releases(store, denied, (event, fields) -> audited.add(event + " " + fields))
                .release("t-" + nonce, signed, d, NOW);
    }

    @Test
    void theFleetAuthorityReleasesAHeldDeviceDurablyAndAuditedItsSerialsStayDenied() throws Exception {
        ReleaseStore store = stores.releases();
        assertEquals(Optional.empty(), store.releasedAt("a1"));
        Ticket t = submit(store, release("fleet", RevocationTarget.device("sensor-1")));
        assertEquals(TicketState.RELEASED, t.state());
        assertEquals(List.of("a1"), t.serials());
        assertEquals(Optional.of(NOW), store.releasedAt("A1"), "serials are compared normalized");
        assertEquals(Optional.empty(), store.releasedAt("a2"), "only the target is released");
        assertTrue(denied.isDenied("a1"), "a release does not lift the denial");
        assertEquals(1, audited.size());
        assertTrue(audited.get(0).startsWith("RELEASED ") && audited.get(0).contains("a1"), audited.get(0));
        try (Database restarted = stores.open()) {
            assertEquals(
                    Optional.of(NOW),
                    new JdbcReleaseStore(restarted).releasedAt("a1"),
                    "the release survives a restart");
        }
    }

    @Test
    void anOperatorReleasesWithinItsScopeOnlyAndACertificateTargetWorksToo() throws Exception {
        ReleaseStore store = stores.releases();
        assertEquals(
                TicketState.RELEASED,
                submit(store, release("ops", RevocationTarget.certificate("a2")))
                        .state());
        assertEquals(Optional.of(NOW), store.releasedAt("a2"));
        Ticket out = submit(store, release("ops", RevocationTarget.device("pump-1")));
        assertEquals(
                RefusalReason.OUT_OF_SCOPE, out.snapshot().getRefusalReason().orElseThrow());
        assertEquals(Optional.empty(), store.releasedAt("a3"));
    }

    @Test
    void aMonitorTheDeviceItselfOrAnyOtherTargetKindCannotRelease() throws Exception {
        ReleaseStore store = stores.releases();
        for (String requester : List.of("monitor-a", "sensor-1")) {
            Ticket t = submit(store, release(requester, RevocationTarget.device("sensor-1")));
            assertEquals(
                    RefusalReason.OUT_OF_SCOPE, t.snapshot().getRefusalReason().orElseThrow(), requester);
        }
        Ticket gateway = submit(store, release("fleet", RevocationTarget.compromisedGateway(GW_A)));
        assertEquals(
                RefusalReason.OUT_OF_SCOPE,
                gateway.snapshot().getRefusalReason().orElseThrow());
        assertEquals(Optional.empty(), store.releasedAt("a1"));
        assertEquals(List.of(), audited);
        assertEquals(0, stores.rows("revocation_release"));
    }

    @Test
    void aReleaseIsVerifiedLikeEveryRequestAndNothingUnheldIsReleased() throws Exception {
        ReleaseStore store = stores.releases();
        String signed = release("fleet", RevocationTarget.device("sensor-1"));
        assertEquals(TicketState.RELEASED, submit(store, signed).state());
        assertEquals(
                RefusalReason.REPLAYED_NONCE,
                submit(store, signed).snapshot().getRefusalReason().orElseThrow(),
                "a release is used once");
        String[] parts = release("fleet", RevocationTarget.device("sensor-2")).split("\\.");
        String forged = parts[0] + "." + parts[1] + "."
                + release("fleet", RevocationTarget.device("sensor-1")).split("\\.")[2];
        assertEquals(
                RefusalReason.BAD_SIGNATURE,
                submit(store, forged).snapshot().getRefusalReason().orElseThrow());
        Ticket notHeld = submit(store, release("fleet", RevocationTarget.device(GW_A)));
        assertEquals(
                RefusalReason.UNKNOWN_TARGET,
                notHeld.snapshot().getRefusalReason().orElseThrow());
        assertEquals(Optional.empty(), store.releasedAt("a0"));
    }

    @Test
    void theWireFormCarriesTheActionAndRefusesAnUnknownOne() throws Exception {
        String signed = release("fleet", RevocationTarget.device("sensor-1"));
        assertEquals(
                RevocationRequest.Action.RELEASE,
                RequestCodec.parse(signed).claimed().getAction());
        assertNull(checker.check(signed).refusal());
        String payload =
                "{\"action\":\"unrevoke\",\"target\":{\"kind\":\"DEVICE\",\"value\":\"s\"},\"requester\":\"r\","
                        + "\"nonce\":\"n\",\"iat\":1}";
        String compact = "eyJhbGciOiJFUzI1NiJ9."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + ".c2ln";
        MalformedRequestException e = org.junit.jupiter.api.Assertions.assertThrows(
                MalformedRequestException.class, () -> RequestCodec.parse(compact));
        assertTrue(e.getMessage().contains("action"), e.getMessage());
    }
}
