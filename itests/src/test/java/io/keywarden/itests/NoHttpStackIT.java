package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentEvents;
import io.keywarden.api.enrollment.GatewayEnrollmentService;

/**
 * A framework without any HTTP stack (no servlet API, no Jetty), as a fleet authority may be: the ACME bundle resolves
 * (both imports are optional), a gateway on dns-01 enrolls at a real BIND and Pebble, and asking for http-01 is a
 * configuration error naming the property: the whiteboard needs a servlet API, the standalone responder Jetty.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NoHttpStackIT extends KeywardenTestSupport {
    private final CaControl ca = new CaControl(ItProperties.CA_DNS);

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        TestCas.ensureDnsStarted();
        return KeywardenOptions.withNonHttpBundles(KeywardenOptions.platformWithout(
                "javax.servlet-api", "jetty-util", "jetty-io", "jetty-http", "jetty-server"));
    }

    private static String name(String host) {
        return host + "." + ItProperties.DNS_ZONE;
    }

    @Test
    public void theWhiteboardModeWithoutAServletApiIsAConfigurationErrorNamingTheMode() throws Exception {
        assertEquals(Bundle.ACTIVE, bundle(ACME_BUNDLE).getState());
        Hashtable<String, Object> config = gatewayConfig(ca, name("gw-whiteboard"));
        config.put("http01.mode", "whiteboard");
        assertRefused(config, "http01.mode", "javax.servlet");
    }

    @Test
    public void standaloneHttp01WithoutJettyIsAConfigurationErrorNamingThePort() throws Exception {
        assertRefused(gatewayConfig(ca, name("gw-standalone")), "http01.port", "Jetty");
    }

    @Test
    public void aGatewayOnDns01EnrollsWithoutAnyHttpStack() throws Exception {
        String key = ItProperties.DNS_GATEWAY_KEY;
        Hashtable<String, Object> p = gatewayConfig(ca, name("gw-nohttp"));
        p.put("challenge.type", "dns-01");
        p.put("dns01.server", ItProperties.required(ItProperties.BIND_ADDRESS));
        p.put("dns01.tsig.key.name", key);
        p.put("dns01.tsig.secret", ItProperties.required(ItProperties.bindSecret(key)));
        p.put("dns01.propagation.servers", ItProperties.required(ItProperties.BIND_ADDRESS));
        p.put("dns01.propagation.timeout.seconds", 20);
        applyConfig(p);
        CertificateRecord r = awaitGatewayEnrolled(awaitGatewayService());
        assertEquals("Valid", ca.certStatus(r.getSerial()));
    }

    private void assertRefused(Hashtable<String, Object> config, String property, String naming) throws Exception {
        applyConfig(config);
        Event invalid = events.await(
                EnrollmentEvents.TOPIC_CONFIG_INVALID,
                e -> property.equals(e.getProperty(EnrollmentEvents.PROPERTY_CONFIG_PROPERTY)),
                Duration.ofSeconds(20));
        String error = String.valueOf(invalid.getProperty(EnrollmentEvents.PROPERTY_ERROR));
        assertTrue(error, error.contains(naming));
        assertFalse(isRegistered(GatewayEnrollmentService.class));
    }
}
