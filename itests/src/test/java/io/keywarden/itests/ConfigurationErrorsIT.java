package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentService;

/**
 * A wrong configuration is reported on EventAdmin naming the property, keeps the services away and harms no bundle;
 * correcting it brings enrollment up.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationErrorsIT extends KeywardenTestSupport {

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Test
    public void invalidConfigurationIsReportedAndACorrectionBringsTheServiceUp() throws Exception {
        String gatewayName = "gw-badconfig." + framework() + ".keywarden.example";

        Hashtable<String, Object> notAUrl = gatewayConfig(ca, gatewayName);
        notAUrl.put("acme.directory.url", "not a url");
        applyConfig(notAUrl);
        assertRejectedNaming("acme.directory.url");

        Hashtable<String, Object> noName = gatewayConfig(ca, gatewayName);
        noName.remove("gateway.dns.name");
        applyConfig(noName);
        assertRejectedNaming("gateway.dns.name");

        applyConfig(gatewayConfig(ca, gatewayName));
        GatewayEnrollmentService gateway = awaitGatewayService();
        assertEquals(gatewayName, gateway.getDeviceId());
        awaitGatewayEnrolled(gateway);
        assertAllBundlesActive();
    }

    private void assertRejectedNaming(String property) throws InterruptedException {
        Event invalid = events.await(
                EnrollmentEvents.TOPIC_CONFIG_INVALID,
                e -> property.equals(e.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY)),
                Duration.ofSeconds(20));
        assertEquals(PID, invalid.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PID));
        Object error = invalid.getProperty(EnrollmentEvents.PROPERTY_ERROR);
        assertTrue(
                "error text names " + property + ": " + error,
                String.valueOf(error).contains(property));

        // SCR may register the services for a moment before activate() fails; they must be gone and stay gone
        try {
            awaitTrue(
                    "no GatewayEnrollmentService with the configuration naming " + property,
                    SERVICE_TIMEOUT,
                    () -> !isRegistered(GatewayEnrollmentService.class));
        } catch (AssertionError e) {
            ServiceReference<GatewayEnrollmentService> ref =
                    context.getServiceReference(GatewayEnrollmentService.class);
            Object service = ref == null ? "(gone by now)" : context.getService(ref);
            // no cause: Pax Exam reports the root cause of a failure, which would hide this message
            throw new AssertionError(e.getMessage() + "; the registered service's object is " + service
                    + " (SCR keeps the service of an immediate component whose activate() threw)");
        }
        // for a whole second, none of the services appears
        Awaitility.await()
                .pollInSameThread()
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    assertTrue(
                            "GatewayEnrollmentService registered with an invalid configuration",
                            !isRegistered(GatewayEnrollmentService.class));
                    assertTrue(
                            "SensorEnrollmentService registered with an invalid configuration",
                            !isRegistered(SensorEnrollmentService.class));
                    assertTrue(
                            "CertificateInventory registered with an invalid configuration",
                            !isRegistered(CertificateInventory.class));
                });
        assertAllBundlesActive();
        events.clear();
    }

    private void assertAllBundlesActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState());
            }
        }
        assertEquals("bundles not ACTIVE: " + notActive, List.of(), notActive);
    }
}
