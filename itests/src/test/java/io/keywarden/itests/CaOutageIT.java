package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.EnrollmentState;
import io.keywarden.api.enrollment.EnrollmentStatus;
import io.keywarden.api.enrollment.GatewayEnrollmentService;

/** A CA that is down at first: the gateway keeps retrying with backoff and enrolls once the CA is back. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CaOutageIT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_OUTAGE);

    @Test
    public void gatewayRetriesWhileTheCaIsDownAndEnrollsWhenItIsBack() throws Exception {
        ca.stop(); // it is not started by the fixtures; stopping again is harmless

        String gatewayName = "gw-outage." + framework() + ".keywarden.example";
        Hashtable<String, Object> config = gatewayConfig(ca, gatewayName);
        config.put("retry.initial.seconds", 1);
        config.put("retry.max.seconds", 2);
        applyConfig(config);

        // the service is up (the configuration is fine) but the CA cannot be reached: RETRYING, saying why
        GatewayEnrollmentService gateway = awaitGatewayService();
        EnrollmentStatus retrying =
                await("gateway RETRYING after at least 2 failed attempts", Duration.ofSeconds(20), () -> {
                    EnrollmentStatus s = gateway.getStatus();
                    return s.getState() == EnrollmentState.RETRYING && s.getFailedAttempts() >= 2 ? s : null;
                });
        assertTrue(
                "last error says what failed: " + retrying,
                retrying.getLastError().isPresent());
        assertTrue(
                "last error names the unreachable CA: " + retrying,
                retrying.getLastError().get().toLowerCase().contains("unreachable"));
        Instant next = retrying.getNextAction().orElseThrow(() -> new AssertionError("no retry planned: " + retrying));
        assertTrue(
                "next retry within retry.max.seconds: " + next,
                next.isBefore(Instant.now().plusSeconds(3)));
        assertFalse(gateway.getCertificate().isPresent());
        Event failed = events.await(
                EnrollmentEvents.TOPIC_FAILED,
                e -> gatewayName.equals(e.getProperty(EnrollmentEvents.PROPERTY_DEVICE_ID)),
                Duration.ofSeconds(10));
        assertEquals(Boolean.TRUE, failed.getProperty(EnrollmentEvents.PROPERTY_RETRYABLE));

        // the CA comes back; nothing else is done: the next retry enrolls the gateway
        ca.start();
        CertificateRecord record = awaitGatewayEnrolled(gateway);
        assertEquals(gatewayName, record.getDeviceId());
        assertEquals("Valid", ca.certStatus(record.getSerial()));
        assertChainVerifiesTo(record.getChain(), ca.root());
        EnrollmentStatus enrolled = gateway.getStatus();
        assertEquals(0, enrolled.getFailedAttempts());
        assertFalse(
                "no error left once enrolled: " + enrolled,
                enrolled.getLastError().isPresent());
        events.await(
                EnrollmentEvents.TOPIC_ENROLLED,
                e -> record.getSerial().equals(e.getProperty(EnrollmentEvents.PROPERTY_SERIAL)),
                Duration.ofSeconds(10));
    }
}
