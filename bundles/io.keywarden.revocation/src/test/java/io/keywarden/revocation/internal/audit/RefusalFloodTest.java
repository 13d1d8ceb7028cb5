package io.keywarden.revocation.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRequest;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.revocation.internal.FakeInventory;
import io.keywarden.revocation.internal.TestData;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.authority.Role;
import io.keywarden.revocation.internal.queue.Ticket;
import io.keywarden.revocation.internal.request.Decision;
import io.keywarden.revocation.internal.request.RateLimiter;
import io.keywarden.revocation.internal.request.RequestChecker;
import io.keywarden.revocation.internal.request.RequestCodec;
import io.keywarden.revocation.internal.request.TargetResolver;
import io.keywarden.revocation.internal.store.NonceStore;
import io.keywarden.revocation.internal.store.TestStores;
import io.keywarden.testing.pki.TestKeys;

/**
 * A flood of requests nobody signed costs a bounded number of disk writes, counted through the stores (audit lines
 * and nonce records, each a forced write), and a valid request right after it is accepted. The checker, the nonce
 * store, the audit log and the refusal audit are wired as the revocation component wires them.
 */
class RefusalFloodTest {
    private static final String GW = "gw-a.example";
    private static final int FLOOD = 10_000;

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final KeyPair monitorKey = TestKeys.ec("secp256r1");
    private final KeyPair forgerKey = TestKeys.ec("secp256r1");

    @Test
    void tenThousandUnsignedRequestsCostABoundedNumberOfWritesAndAValidOneIsAcceptedRightAfter() throws Exception {
        TestStores stores = TestStores.h2(dir);
        NonceStore nonces = stores.nonces(Duration.ofMinutes(15));
        RequestChecker checker = new RequestChecker(
                id -> id.equals("monitor-a")
                        ? Optional.of(new Authority(id, monitorKey.getPublic(), Role.GATEWAY_MONITOR, List.of(GW)))
                        : Optional.empty(),
                nonces,
                new RateLimiter(5),
                new TargetResolver(new FakeInventory()
                        .add(TestData.record(GW, DeviceKind.GATEWAY, "a0", TestData.ACCOUNT))
                        .add(TestData.record("sensor-1", DeviceKind.SENSOR, "a1", TestData.ACCOUNT))),
                () -> GW,
                Duration.ofMinutes(5),
                clock);
        try (AuditLog log = new AuditLog(dir.resolve("audit.log"), clock)) {
            RefusalAudit refusals = new RefusalAudit(
                    (event, fields) -> {
                        try {
                            log.append(event, fields);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    clock,
                    Duration.ofMinutes(1),
                    10);
            // signing is the slow part: 300 distinct hostile requests, each sent again and again
            List<String> hostile =
                    IntStream.range(0, 300).mapToObj(this::hostile).toList();
            int events = 0;
            for (int i = 0; i < FLOOD; i++) {
                Decision d = checker.check(hostile.get(i % hostile.size()));
                assertTrue(RefusalAudit.unverified(d.refusal()), i + ": " + d);
                if (refusals.record(refused(d))) {
                    events++;
                }
            }
            assertEquals(10, events, "refusals audited one by one (and posted as events)");
            assertEquals(10, auditLines().size(), "audit lines (each two forced writes) during the flood");
            assertEquals(0, stores.rows("revocation_nonce"), "nonce records written for unsigned requests");

            clock.advance(Duration.ofSeconds(61));
            refusals.flushIfDue();
            List<Map<String, Object>> audit = auditLines();
            assertEquals(11, audit.size());
            Map<String, Object> collapsed = audit.get(10);
            assertEquals(RefusalAudit.REFUSED_UNVERIFIED, collapsed.get("event"));
            assertEquals((long) FLOOD - 10, collapsed.get("count"));
            assertEquals(
                    Map.of("MALFORMED", 3330L, "UNKNOWN_REQUESTER", 3330L, "BAD_SIGNATURE", 3330L),
                    collapsed.get("refusals"));
            refusals.flushIfDue();
            assertEquals(11, auditLines().size(), "nothing counted since: no second line");

            Decision valid = checker.check(signed("monitor-a", monitorKey, "valid-1"));
            assertNull(valid.refusal(), String.valueOf(valid));
            assertEquals(1, stores.rows("revocation_nonce"), "the valid request's nonce is recorded");
        }
        stores.close();
    }

    /** Thirds: not a JWS, a requester nobody configured, the monitor's name with another key. */
    private String hostile(int i) {
        return switch (i % 3) {
            case 0 -> "revoke sensor-1 please " + i;
            case 1 -> signed("intruder", forgerKey, "n-" + i);
            default -> signed("monitor-a", forgerKey, "n-" + i);
        };
    }

    private String signed(String requester, KeyPair key, String nonce) {
        return RequestCodec.sign(
                RevocationRequest.builder()
                        .target(RevocationTarget.device("sensor-1"))
                        .reason(RevocationReason.KEY_COMPROMISE)
                        .requester(requester)
                        .nonce(nonce)
                        .issuedAt(clock.instant())
                        .build(),
                key.getPrivate());
    }

    private RevocationTicket refused(Decision d) {
        return Ticket.refused("t-" + System.nanoTime(), d.request(), clock.instant(), d.refusal(), d.detail())
                .snapshot();
    }

    private List<Map<String, Object>> auditLines() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit.log"), StandardCharsets.UTF_8)) {
            out.add(JsonUtil.parseJson(line));
        }
        return out;
    }

    private static long lines(Path f) throws IOException {
        return Files.exists(f)
                ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count()
                : 0;
    }

    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

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
            return now;
        }
    }
}
