package io.keywarden.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Hashtable;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerContext;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;
import org.eclipse.kura.message.KuraPayload;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.testing.sensors.EstSensorClient;

/**
 * Enrollment codes from the cloud: the Kura adapter's KEYWARDEN-V1 creates a code through the real EST bundle's
 * EnrollmentCodes service, a sensor bootstraps with it over EST (Bouncy Castle's client) at a real Pebble, the list
 * then shows it SPENT and never its value, and a second device's code is withdrawn.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EstCodesOverKuraIT extends KeywardenTestSupport {
    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.estKuraOptions();
    }

    @Test
    public void aCodeFromKeywardenV1BootstrapsASensorAndIsNeverListedWithItsValue() throws Exception {
        String suffix = "." + framework() + ".codes.keywarden.example";
        String gatewayName = "gw" + suffix;
        applyConfig(gatewayConfig(ca, gatewayName));
        GatewayEnrollmentService gateway = awaitGatewayService();
        awaitGatewayEnrolled(gateway);

        Configuration cls = configAdmin.createFactoryConfiguration("io.keywarden.est.class", "?");
        Configuration est = configAdmin.getConfiguration("io.keywarden.est", "?");
        KuraFakes.Registry registry = new KuraFakes.Registry();
        ServiceRegistration<RequestHandlerRegistry> reg = context.registerService(
                RequestHandlerRegistry.class, registry, new Hashtable<>(Map.of("kura.service.pid", "cloud-codes")));
        try {
            Hashtable<String, Object> c = new Hashtable<>();
            c.put("name", "sensors");
            c.put("devices.pattern", "sensor-[0-9]+");
            c.put("dns.names", new String[] {"{id}" + suffix});
            cls.update(c);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Hashtable<String, Object> e = new Hashtable<>();
            e.put("bind.address", "127.0.0.1");
            e.put("port", port);
            e.put("data.dir", dataDir.resolve("est").toString());
            e.put("ca.wait.ms", 10000);
            est.update(e);
            RequestHandler handler =
                    await("KEYWARDEN-V1 registered", SERVICE_TIMEOUT, () -> registry.handlers.get("KEYWARDEN-V1"));

            KuraMessage created = await("a code for sensor-1 (EST up, the device class bound)", SERVICE_TIMEOUT, () -> {
                try {
                    return handler.doExec(context(), request("code", "sensor-1", "2"));
                } catch (Exception notYet) {
                    return null;
                }
            });
            String code = (String) created.getPayload().getMetric("code");
            assertEquals("sensor-1", created.getPayload().getMetric("device.id"));

            KeyPair key = ec();
            X509Certificate cert = new EstSensorClient("127.0.0.1:" + port, ca.root(), gatewayName)
                    .enrollWithCode("sensor-1", code, key, "sensor-1" + suffix);
            assertArrayEquals(key.getPublic().getEncoded(), cert.getPublicKey().getEncoded());
            assertEquals("Valid", ca.certStatus(cert.getSerialNumber().toString(16)));

            handler.doExec(context(), request("code", "sensor-2"));
            String listed = body(handler.doGet(context(), request("codes")));
            assertTrue(listed, listed.contains("\"device.id\":\"sensor-1\",\"state\":\"SPENT\""));
            assertTrue(listed, listed.contains("\"device.id\":\"sensor-2\",\"state\":\"UNUSED\""));
            assertFalse("a code's value listed: " + listed, listed.contains(code) || listed.contains("\"code\""));

            assertEquals(
                    true,
                    handler.doExec(context(), request("uncode", "sensor-2"))
                            .getPayload()
                            .getMetric("withdrawn"));
            KuraAdapterIT.expectCode(
                    KuraErrorCode.NOT_FOUND, () -> handler.doExec(context(), request("uncode", "sensor-2")));
            KuraAdapterIT.expectCode(
                    KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "other-1")));
            KuraAdapterIT.expectCode(
                    KuraErrorCode.BAD_REQUEST, () -> handler.doExec(context(), request("code", "sensor-3", "0")));
        } finally {
            reg.unregister();
            est.delete();
            cls.delete();
        }
    }

    private static RequestHandlerContext context() {
        return new RequestHandlerContext(null, Map.of());
    }

    private static KuraMessage request(String... args) {
        return new KuraMessage(new KuraPayload(), Map.of("args", KuraFakes.args(args)));
    }

    private static String body(KuraMessage m) {
        return new String(m.getPayload().getBody(), StandardCharsets.UTF_8);
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
