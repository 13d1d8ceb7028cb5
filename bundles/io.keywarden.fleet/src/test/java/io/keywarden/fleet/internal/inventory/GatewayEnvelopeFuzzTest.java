package io.keywarden.fleet.internal.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jose4j.json.JsonUtil;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.fleet.internal.Device;
import io.keywarden.fleet.internal.config.FleetOptions;
import io.keywarden.fleet.internal.log.IssuanceEvent;
import io.keywarden.fleet.internal.log.JdbcLogStore;
import io.keywarden.fleet.internal.log.LogAck;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.jdbc.Database;
import io.keywarden.support.jdbc.JdbcDrivers;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

/**
 * What the fleet authority receives from gateways over MQTT, issuance log batches and escrow deposits, through the
 * collector that handles them (envelope verification, log entry and record decoding, the chain, the speaker and record
 * checks, the deposit check). The first byte chooses: bit 0 set, the rest is signed with the gateway's own certificate
 * in {@code x5c} as a gateway would (a log batch line by line, so the fuzzer reaches the decoding behind the
 * signature); clear, the rest is the message itself, which must be refused. Bit 1 chooses escrow over the log; an
 * escrow message arrives after the gateway's first log entry was accepted (else it would only wait). To let hand-written
 * seeds reach the chain and record checks, the signed text's {@code @GWSERIAL@} and {@code @GWCHAIN@} become the
 * gateway certificate's serial and PEM chain (JSON-escaped), {@code @ISSUED@} and {@code @EXPIRES@} its notBefore and notAfter, and {@code @PREV@} the hash of the line before (the
 * genesis for the first). Each input meets a fresh collector (its refusals are not rate-limited away). Nothing may
 * escape the collector (an exception would end the MQTT client's callback). Regression inputs:
 * src/test/resources/io/keywarden/fleet/internal/inventory/GatewayEnvelopeFuzzTestInputs/message/.
 */
class GatewayEnvelopeFuzzTest {
    private static final String GW = "gw-1.fleet.test";
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private static final TestCa CA = TestCa.root("fleet CA");
    private static final Device GATEWAY = Device.issue(CA, GW, GW);
    private static final Path DIR = tempDir();
    private static final Path ROOTS = roots();
    private static final AtomicLong RUN = new AtomicLong();
    private static final String CHAIN_JSON = chainJson();
    private static final String ISSUED =
            GATEWAY.chain().get(0).getNotBefore().toInstant().toString();
    private static final String EXPIRES =
            GATEWAY.chain().get(0).getNotAfter().toInstant().toString();

    @FuzzTest(maxDuration = "30s")
    void message(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        String rest = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        boolean signedByGateway = (input[0] & 1) == 1;
        boolean escrow = (input[0] & 2) == 2;
        Path dir = DIR.resolve(Long.toString(RUN.incrementAndGet()));
        Run run = new Run(dir);
        try (Database db = run.db) {
            if (escrow) {
                run.collector.log("fleet/log/" + GW, GW, batch(introduction()));
                assertEquals(1, run.acks.size(), "the gateway's own first entry is accepted");
                run.events.clear();
                run.collector.escrow("fleet/escrow/" + GW, GW, signedByGateway ? sign(List.of(rest)) : raw(input));
            } else {
                run.collector.log("fleet/log/" + GW, GW, signedByGateway ? batch(rest) : raw(input));
            }
            if (!signedByGateway) {
                assertEquals(List.of(FleetEvents.TOPIC_INVENTORY_REJECTED), run.events, "a message made up");
                assertEquals(escrow ? 1 : 0, run.acks.size(), "a made-up batch is never acknowledged");
            } else {
                assertTrue(
                        run.events.stream().filter(t -> t.endsWith("ACCEPTED")).count() <= 1, "" + run.events);
                assertTrue(run.acks.size() <= (escrow ? 2 : 1), "one acknowledgement per batch: " + run.acks);
                run.acks.forEach(a -> assertFalse(a.seq() < 0, "acknowledged head " + a.seq()));
            }
        } finally {
            delete(dir);
        }
    }

    /** The message exactly as the fuzzer made it (not through a UTF-8 round trip). */
    private static byte[] raw(byte[] input) {
        return Arrays.copyOfRange(input, 1, input.length);
    }

    private static String introduction() {
        return IssuanceEvent.create(
                        GW, 1, IssuanceEvent.GENESIS, 1_700_000_000L, GATEWAY.record(DeviceKind.GATEWAY, ACCOUNT))
                .payload();
    }

    private static byte[] batch(String text) {
        return sign(Arrays.asList(text.split("\n", -1)));
    }

    /** Each line filled in and signed; lines joined by newlines, one compact JWS each, as a gateway sends a batch. */
    private static byte[] sign(List<String> lines) {
        List<String> out = new ArrayList<>();
        String prev = IssuanceEvent.GENESIS;
        for (String line : lines) {
            String payload = line.replace("@GWSERIAL@", GATEWAY.serial())
                    .replace("@GWCHAIN@", CHAIN_JSON)
                    .replace("@PREV@", prev)
                    .replace("@ISSUED@", ISSUED)
                    .replace("@EXPIRES@", EXPIRES);
            prev = IssuanceEvent.sha256(payload);
            out.add(GatewayEnvelope.signPayload(payload, GATEWAY.entry()));
        }
        return String.join("\n", out).getBytes(StandardCharsets.US_ASCII);
    }

    /** One collector, its events and acknowledgements, its log kept in memory (no fsync per input). */
    private static final class Run {
        final List<String> events = new ArrayList<>();
        final List<LogAck> acks = new ArrayList<>();
        final InventoryCollector collector;
        final Database db = memoryDatabase();

        Run(Path dir) {
            Map<String, Object> p = new HashMap<>();
            p.put("mqtt.broker.url", "tcp://127.0.0.1:1883");
            p.put("fleet.id", "f");
            p.put("notices.apply", "false");
            p.put("inventory.collect", "true");
            p.put("inventory.ca.roots", ROOTS.toString());
            p.put("escrow.deposit.dir", dir.resolve("deposits").toString());
            p.put("data.dir", dir.resolve("data").toString());
            try {
                collector = new InventoryCollector(
                        FleetOptions.parse(p, null),
                        new JdbcLogStore(db),
                        Clock.systemUTC(),
                        (topic, props) -> events.add(topic),
                        i -> {},
                        serial -> false,
                        (gatewayId, ack) -> acks.add(ack));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InvalidConfigurationException e) {
                throw new IllegalStateException("cannot set up the collector: " + e, e);
            }
        }
    }

    /** An in-memory H2 database per run: no fsync per input, and the same store as the authority's. */
    private static Database memoryDatabase() {
        // dropped when its last connection closes: Run closes the database after each input
        String url = "jdbc:h2:mem:fuzz" + RUN.get();
        return Database.open(url, JdbcDrivers.connectionSource(url, "sa", ""));
    }

    private static String chainJson() {
        try {
            String pem = Pem.encode("CERTIFICATE", GATEWAY.chain().get(0).getEncoded());
            for (int i = 1; i < GATEWAY.chain().size(); i++) {
                pem += Pem.encode("CERTIFICATE", GATEWAY.chain().get(i).getEncoded());
            }
            String quoted = JsonUtil.toJson(Map.of("c", pem));
            return quoted.substring("{\"c\":\"".length(), quoted.length() - 2);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path roots() {
        try {
            Path roots = DIR.resolve("roots.pem");
            Files.writeString(roots, Pem.encode("CERTIFICATE", CA.certificate().getEncoded()));
            return roots;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("keywarden-fuzz-fleet");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
