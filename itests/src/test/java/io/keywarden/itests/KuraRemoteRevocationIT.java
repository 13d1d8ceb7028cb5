package io.keywarden.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Hashtable;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerContext;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;
import org.eclipse.kura.message.KuraPayload;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;

/**
 * Revocation from the cloud through KEYWARDEN-V1 (EXEC revoke), with the real revocation bundle and a real Pebble: a
 * request with a bad signature is refused and nothing is revoked; a good one is revoked at the CA.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraRemoteRevocationIT extends RevocationTestSupport {
    private final CaControl ca = new CaControl(ItProperties.CA_MAIN);
    private ServiceRegistration<RequestHandlerRegistry> registration;

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return KeywardenOptions.kuraOptions();
    }

    @After
    public void unregisterRegistry() {
        if (registration != null) {
            registration.unregister();
        }
    }

    @Test
    public void execRevokeNeedsTheAuthoritysSignature() throws Exception {
        String gw = "gw-kura-revoke." + framework() + ".keywarden.example";
        Map<String, CertificateRecord> certs = gatewayWithSensors(ca, gw, 2);
        RevocationService service = configureRevocation(gw, "CUSTODIAN_ACCOUNT", 60);
        KuraFakes.Registry registry = new KuraFakes.Registry();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kura.service.pid", "cloud-1");
        registration = context.registerService(RequestHandlerRegistry.class, registry, props);
        RequestHandler handler =
                await("KEYWARDEN-V1 registered", SERVICE_TIMEOUT, () -> registry.handlers.get("KEYWARDEN-V1"));
        // the handler binds the revocation service dynamically: wait until it answers with it
        await("KEYWARDEN-V1 bound to the revocation service", SERVICE_TIMEOUT, () -> {
            try {
                return handler.doGet(context(), request("tickets"));
            } catch (KuraException e) {
                return null;
            }
        });
        service = awaitService(RevocationService.class);

        // signed by the operator's name with another party's key: refused, the sensor stays valid
        String forged = sign(
                OPERATOR,
                keys.get(DEVICE),
                RevocationTarget.device("sensor-1"),
                RevocationReason.KEY_COMPROMISE,
                Instant.now());
        KuraAdapterIT.expectCode(
                KuraErrorCode.SECURITY_EXCEPTION, () -> handler.doExec(context(), revoke(forged, true)));
        assertEquals("Valid", ca.certStatus(certs.get("sensor-1").getSerial()));
        RevocationTicket refused = service.getTickets().get(0);
        assertEquals(TicketState.REFUSED, refused.getState());

        // the operator's own signature, as a metric this time: accepted, revoked at Pebble
        String good = sign(OPERATOR, RevocationTarget.device("sensor-1"), RevocationReason.KEY_COMPROMISE);
        KuraMessage reply = handler.doExec(context(), revoke(good, false));
        String ticketId = (String) reply.getPayload().getMetric("ticket.id");
        RevocationTicket settled =
                awaitSettled(service, service.getTicket(ticketId).orElseThrow());
        assertEquals(TicketState.REVOKED, settled.getState());
        assertRevokedAt(ca, certs.get("sensor-1").getSerial(), RevocationReason.KEY_COMPROMISE);
        assertEquals("Valid", ca.certStatus(certs.get("sensor-2").getSerial()));

        // GET tickets shows both, the refusal with its reason
        String tickets = new String(
                handler.doGet(context(), request("tickets")).getPayload().getBody(), StandardCharsets.UTF_8);
        assertTrue(tickets, tickets.contains("\"ticket.id\":\"" + ticketId + "\""));
        assertTrue(tickets, tickets.contains("\"refusal\":\"BAD_SIGNATURE\""));

        // GET certificates shows sensor-1's certificate REVOKED, sensor-2's still CURRENT
        String revokedEntry = certs.get("sensor-1").getSerial();
        String certificates = awaitTrueThen("sensor-1 REVOKED in GET certificates", () -> {
            String body = new String(
                    handler.doGet(context(), request("certificates"))
                            .getPayload()
                            .getBody(),
                    StandardCharsets.UTF_8);
            return statusOf(body, revokedEntry).equals("REVOKED") ? body : null;
        });
        assertEquals(
                certificates,
                "CURRENT",
                statusOf(certificates, certs.get("sensor-2").getSerial()));
    }

    /** The status of the certificate with this serial in GET certificates' answer (a JSON array), or "". */
    private static String statusOf(String json, String serial) {
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject record = e.getAsJsonObject();
            if (serial.equals(record.get("serial").getAsString())) {
                return record.get("status").getAsString();
            }
        }
        return "";
    }

    private static String awaitTrueThen(String what, ThrowingSupplier<String> probe) {
        return await(what, Duration.ofSeconds(10), () -> {
            try {
                return probe.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static RequestHandlerContext context() {
        return new RequestHandlerContext(null, Map.of());
    }

    private static KuraMessage request(String... args) {
        return new KuraMessage(new KuraPayload(), Map.of("args", KuraFakes.args(args)));
    }

    private static KuraMessage revoke(String signed, boolean asBody) {
        KuraPayload p = new KuraPayload();
        if (asBody) {
            p.setBody(signed.getBytes(StandardCharsets.UTF_8));
        } else {
            p.addMetric("request", signed);
        }
        return new KuraMessage(p, Map.of("args", KuraFakes.args("revoke")));
    }
}
