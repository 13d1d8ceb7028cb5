package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.GatewayEnrollmentService;

/** With a CA issuing 40-second certificates, the gateway renews by itself halfway through the lifetime. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RenewalIT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_SHORT);

    @Test
    public void gatewayCertificateIsRenewedBeforeItExpires() throws Exception {
        String gatewayName = "gw-renew." + framework() + ".keywarden.example";
        Hashtable<String, Object> config = gatewayConfig(ca, gatewayName);
        config.put("renewal.threshold", 0.5d);
        config.put("renewal.jitter", 0.0d);
        applyConfig(config);

        GatewayEnrollmentService gateway = awaitGatewayService();
        CertificateRecord first = awaitGatewayEnrolled(gateway);
        Duration lifetime = Duration.between(first.getNotBefore(), first.getNotAfter());
        assertTrue(
                "the CA issues short-lived certificates: " + lifetime,
                lifetime.compareTo(Duration.ofSeconds(ItProperties.SHORT_VALIDITY_SECONDS + 5)) <= 0);

        // renewal is planned when half the lifetime is left (no jitter)
        Instant planned = gateway.getStatus()
                .getNextAction()
                .orElseThrow(() -> new AssertionError("no renewal planned: " + gateway.getStatus()));
        Instant half = first.getNotAfter().minus(lifetime.dividedBy(2));
        assertTrue(
                "renewal planned at " + planned + ", half-life " + half,
                Duration.between(half, planned).abs().compareTo(Duration.ofSeconds(2)) <= 0);

        // nobody calls renew(): wait (bounded by the old certificate's expiry) for a new current certificate
        CertificateRecord second = await(
                "automatic renewal of " + first.getSerial(),
                Duration.between(Instant.now(), first.getNotAfter()).plusSeconds(5),
                () -> gateway.getCertificate()
                        .filter(r -> !r.getSerial().equals(first.getSerial()))
                        .orElse(null));
        Instant renewedAt = Instant.now();

        assertNotEquals(first.getSerial(), second.getSerial());
        assertEquals(CertificateStatus.CURRENT, second.getStatus());
        assertEquals(List.of(gatewayName), second.getIdentifiers());
        assertTrue(
                "renewed before the old certificate expired: renewed " + renewedAt + ", old notAfter "
                        + first.getNotAfter(),
                first.getNotAfter().isAfter(renewedAt));
        assertTrue(
                "renewed no earlier than planned (" + planned + "): " + second.getIssuedAt(),
                !second.getIssuedAt().isBefore(planned.minusSeconds(1)));
        assertTrue("new certificate outlives the old one", second.getNotAfter().isAfter(first.getNotAfter()));
        assertEquals(EnrollmentState.ENROLLED, gateway.getStatus().getState());

        // the old certificate is kept as SUPERSEDED and is still valid at the CA (the engine stores the new record
        // and then marks the old one, so allow it a moment)
        CertificateInventory inventory = awaitService(CertificateInventory.class);
        Map<String, CertificateRecord> bySerial =
                await("old certificate marked SUPERSEDED", Duration.ofSeconds(5), () -> {
                    Map<String, CertificateRecord> m = inventory.getByDevice(gatewayName).stream()
                            .collect(Collectors.toMap(CertificateRecord::getSerial, Function.identity()));
                    CertificateRecord old = m.get(first.getSerial());
                    return old != null && old.getStatus() == CertificateStatus.SUPERSEDED ? m : null;
                });
        assertEquals(CertificateStatus.CURRENT, bySerial.get(second.getSerial()).getStatus());
        assertEquals("the gateway's certificates: the first and its renewal", 2, bySerial.size());
        assertTrue(
                "old certificate still unexpired when it was superseded",
                bySerial.get(first.getSerial()).getNotAfter().isAfter(renewedAt));
        assertEquals("Valid", ca.certStatus(first.getSerial()));
        assertEquals("Valid", ca.certStatus(second.getSerial()));
        assertChainVerifiesTo(second.getChain(), ca.root());

        events.await(
                EnrollmentEvents.TOPIC_RENEWED,
                e -> second.getSerial().equals(e.getProperty(EnrollmentEvents.PROPERTY_SERIAL)),
                Duration.ofSeconds(10));
        // the next renewal is planned for the new certificate
        Instant next = gateway.getStatus().getNextAction().orElseThrow(() -> new AssertionError("no next renewal"));
        assertTrue("next renewal " + next + " after the first planned one " + planned, next.isAfter(planned));
    }
}
