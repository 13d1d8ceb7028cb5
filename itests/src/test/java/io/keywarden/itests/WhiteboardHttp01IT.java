package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import io.keywarden.api.enrollment.CertificateRecord;

/**
 * http-01 through the OSGi HTTP Whiteboard ({@code http01.mode=whiteboard}) as on Kura, whose HTTP service is
 * Equinox http.servlet behind Jetty 9.4: on Equinox that same stack (Kura's versions), on Felix the Felix HTTP Jetty
 * bundle. The whiteboard's HTTP port is the one Pebble validates on; the gateway binds no port of its own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardHttp01IT extends KeywardenTestSupport {

    private static final String JETTY = "9.4.53.v20231009";

    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        List<Option> options = KeywardenOptions.platform();
        String port = ItProperties.required(ItProperties.caHttpPort(ItProperties.CA_MAIN));
        options.add(frameworkProperty("org.osgi.service.http.port").value(port));
        if ("equinox".equals(framework())) {
            // Kura 5.4-5.6: javax.servlet 3.1.0, Jetty 9.4.53, equinox.http.servlet 1.6.600 + http.jetty 3.7.400
            options.add(frameworkProperty("org.eclipse.equinox.http.jetty.http.host")
                    .value("127.0.0.1"));
            options.add(mavenBundle("javax.servlet", "javax.servlet-api", "3.1.0"));
            for (String a : new String[] {"util", "io", "http", "server", "security", "servlet", "util-ajax"}) {
                options.add(mavenBundle("org.eclipse.jetty", "jetty-" + a, JETTY));
            }
            options.add(mavenBundle("org.eclipse.platform", "org.eclipse.equinox.http.servlet", "1.6.600"));
            options.add(mavenBundle("org.eclipse.platform", "org.eclipse.equinox.http.jetty", "3.7.400"));
        } else {
            options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
            options.add(mavenBundle("org.apache.felix", "org.apache.felix.http.servlet-api", "1.2.0"));
            options.add(mavenBundle("org.apache.felix", "org.apache.felix.http.jetty", "4.2.10"));
        }
        return KeywardenOptions.withOurBundles(options);
    }

    @Test
    public void theGatewayEnrollsOverHttp01ServedByTheWhiteboardWithNoPortOfItsOwn() throws Exception {
        Bundle acme = bundle(ACME_BUNDLE);
        assertTrue(
                "the optional javax.servlet import is wired",
                wiredPackages(acme).contains("javax.servlet.http"));
        int ownPort = freePort();
        List<String> servletEvents = new ArrayList<>();
        ServiceListener listener = e -> {
            if (e.getServiceReference().getBundle() != null
                    && e.getServiceReference().getBundle().equals(acme)) {
                synchronized (servletEvents) {
                    servletEvents.add(
                            e.getType() == ServiceEvent.REGISTERED
                                    ? "registered"
                                    : e.getType() == ServiceEvent.UNREGISTERING ? "unregistered" : "modified");
                }
            }
        };
        context.addServiceListener(listener, "(objectClass=javax.servlet.Servlet)");
        try {
            String name = "gw-whiteboard." + framework() + ".keywarden.example";
            Hashtable<String, Object> config = gatewayConfig(ca, name);
            config.put("http01.mode", "whiteboard");
            config.put("http01.port", ownPort);
            applyConfig(config);
            CertificateRecord r = awaitGatewayEnrolled(awaitGatewayService());
            assertEquals(List.of(name), r.getIdentifiers());
            assertChainVerifiesTo(r.getChain(), ca.root());
            assertEquals("Valid", ca.certStatus(r.getSerial()));
        } finally {
            context.removeServiceListener(listener);
        }
        synchronized (servletEvents) {
            assertEquals(
                    "the servlet is registered while the challenge is pending, and only then",
                    List.of("registered", "unregistered"),
                    servletEvents);
        }
        assertTrue(
                "no servlet of ours left registered",
                acme.getRegisteredServices() == null
                        || Arrays.stream(acme.getRegisteredServices())
                                .noneMatch(ref -> List.of((String[]) ref.getProperty("objectClass"))
                                        .contains("javax.servlet.Servlet")));
        // the whiteboard's port serves nothing of ours now, and our own port was never bound
        HttpResponse<String> stale = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + ca.httpPort() + "/.well-known/acme-challenge/whatever"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(404, stale.statusCode());
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ownPort));
        } catch (IOException e) {
            fail("port " + ownPort + " is taken although http-01 went through the whiteboard: " + e);
        }
    }

    private static List<String> wiredPackages(Bundle b) {
        List<String> out = new ArrayList<>();
        for (BundleWire w : b.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package")) {
            out.add(String.valueOf(w.getCapability().getAttributes().get("osgi.wiring.package")));
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
