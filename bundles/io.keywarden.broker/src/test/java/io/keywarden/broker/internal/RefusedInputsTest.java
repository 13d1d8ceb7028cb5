package io.keywarden.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.revocation.RevocationEvents;
import io.keywarden.relyingparty.DenySet;
import io.keywarden.relyingparty.Notice;
import io.keywarden.relyingparty.NoticeCodec;
import io.keywarden.relyingparty.NoticeSubscriber;
import io.keywarden.relyingparty.RejectedNoticeException;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestKeys;

/**
 * Test 2 of issue 15: forged, unknown-signer and replayed notices and a revocation refused by policy disable nothing;
 * only an operator's signed command enables an identity again, once.
 */
class RefusedInputsTest extends BrokerTestBase {
    private static final String AUTHORITY = "fleet-authority";

    @Test
    void badNoticesAndRefusedRevocationsDisableNothingAndReplaysChangeNothing() throws Exception {
        KeyPair authority = TestKeys.ec();
        MosquittoContainment c = containment();
        Map<String, String> identities = Map.of(sensor7.serialHex(), cn(sensor7), sensor8.serialHex(), cn(sensor8));
        NoticeSubscriber subscriber =
                new NoticeSubscriber(authority.getPublic(), AUTHORITY, DenySet.open(dir.resolve("deny.properties")));
        // the authority's wiring: a verified, new notice disables the identities of its serials
        subscriber.addListener((notice, serials) -> serials.forEach(serial -> {
            try {
                c.contain(identities.get(serial), notice.ticketId(), "fleet-notice");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        Device observer = device(sensor1);
        observer.subscribe("readings/#");
        Device s7 = device(sensor7);

        byte[] forged = signed(notice("t-7", sensor7.serialHex()), authority);
        forged[forged.length - 5] ^= 1;
        assertThrows(RejectedNoticeException.class, () -> subscriber.accept(forged));
        assertThrows(
                RejectedNoticeException.class,
                () -> subscriber.accept(signed(notice("t-7", sensor7.serialHex()), TestKeys.ec())),
                "unknown signer");
        // the revocation component posts REFUSED for a request its policy refused: the component does nothing
        BrokerComponent component = new BrokerComponent(c, List.of());
        component.handleEvent(new Event(
                RevocationEvents.TOPIC_REFUSED,
                Map.of(RevocationEvents.PROPERTY_TICKET_ID, "t-r", RevocationEvents.PROPERTY_SERIALS, new String[] {
                    sensor7.serialHex()
                })));
        component.handleEvent(
                new Event(FleetEvents.TOPIC_NOTICE_REJECTED, Map.of(FleetEvents.PROPERTY_ERROR, "forged")));

        assertEquals(Set.of(), c.contained());
        assertTrue(delivered(s7, observer, "still-working", 5_000), "nothing was disabled");
        assertFalse(s7.awaitLost(200));
        assertFalse(
                Files.exists(c.auditFile()) && Files.readString(c.auditFile()).contains("\"decided\""));

        // a good notice contains sensor-8; the operator lets it in again; a replay of the notice changes nothing
        byte[] good = signed(notice("t-8", sensor8.serialHex()), authority);
        assertEquals(Set.of(sensor8.serialHex()), subscriber.accept(good));
        assertEquals(Set.of(cn(sensor8)), c.contained());
        awaitAudit(c, "disableClient: ok");
        assertRefusedOnReconnect(sensor8, observer);
        assertEquals(Set.of(), subscriber.accept(good), "replayed notice");
        c.contain(cn(sensor8), "t-8", "fleet-notice");
        assertTrue(Files.readString(c.auditFile()).contains("a replay, nothing sent"));
        assertTrue(delivered(s7, observer, "sensor-7-unaffected", 5_000));
    }

    @Test
    void onlyAnOperatorsSignedCommandEnablesAgainAndOnlyOnce() throws Exception {
        KeyPair operator = TestKeys.ec();
        Map<String, Object> o = new HashMap<>(options());
        o.put(
                BrokerOptions.KEY_OPERATOR_KEY,
                Pem.encode("PUBLIC KEY", operator.getPublic().getEncoded()));
        o.put(BrokerOptions.KEY_OPERATOR_ID, "ops-1");
        containment = new MosquittoContainment(BrokerOptions.parse(o, null), Clock.systemUTC()).start();
        Device observer = device(sensor1);
        observer.subscribe("readings/#");
        containment.contain(cn(sensor7), "t-7", "revocation");
        awaitAudit(containment, "disableClient: ok");
        assertRefusedOnReconnect(sensor7, observer);

        assertThrows(
                RejectedNoticeException.class,
                () -> containment.enable(command(TestKeys.ec(), "ops-1", cn(sensor7), "j1")),
                "another key");
        assertThrows(
                RejectedNoticeException.class,
                () -> containment.enable(command(operator, "ops-2", cn(sensor7), "j2")),
                "another operator id");
        assertEquals(Set.of(cn(sensor7)), containment.contained());

        String ok = command(operator, "ops-1", cn(sensor7), "j3");
        assertEquals(cn(sensor7), containment.enable(ok));
        awaitAudit(containment, "enableClient: ok");
        Device back = device(sensor7);
        assertTrue(delivered(back, observer, "enabled-again", 5_000), "sensor-7 works again");
        assertThrows(RejectedNoticeException.class, () -> containment.enable(ok), "the same command twice");
    }

    static void awaitAudit(MosquittoContainment c, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(c.auditFile()) && Files.readString(c.auditFile()).contains(text)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("audit never said " + text);
    }

    static String command(KeyPair key, String kid, String identity, String jti) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(Map.of(
                "action",
                "enable",
                "identity",
                identity,
                "jti",
                jti,
                "iat",
                Instant.now().getEpochSecond())));
        jws.setAlgorithmHeaderValue(NoticeCodec.jwsAlgorithm(key.getPrivate()));
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(key.getPrivate());
        return jws.getCompactSerialization();
    }

    static Notice notice(String ticket, String serial) {
        return new Notice(ticket, List.of(serial), List.of("sensor"), 1, Instant.now(), AUTHORITY);
    }

    static byte[] signed(Notice n, KeyPair key) {
        return NoticeCodec.sign(n, key.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    }
}
