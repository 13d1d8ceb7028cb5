package io.keywarden.kura.internal;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.certificate.enrollment.EnrollmentService;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerContext;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;
import org.eclipse.kura.message.KuraPayload;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;

/**
 * Remote management as {@value #APP_ID}, registered with every cloud connection's {@link RequestHandlerRegistry}.
 * GET status | certificates | incidents | tickets | progress [ticket] | codes; EXEC enroll | renew [device] | revoke | code device [hours] |
 * uncode device. Revocation goes only through
 * {@link RevocationService#submit(String)}, so the request's signature, requester, scope and nonce are checked exactly
 * as for any other caller: being able to reach this handler grants nothing.
 */
@Component(
        immediate = true,
        service = {})
public final class KeywardenRequestHandler implements RequestHandler {
    static final String APP_ID = "KEYWARDEN-V1";
    /** Where Kura puts the request path segments after the method (a List of String). */
    static final String ARGS_KEY = "args";
    /** Alternative to the body for the signed revocation request. */
    static final String METRIC_REQUEST = "request";

    private static final long SENSOR_RENEW_TIMEOUT_SECONDS = 180;
    private static final Logger LOG = LoggerFactory.getLogger(KeywardenRequestHandler.class);

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile GatewayEnrollmentService gateway;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SensorEnrollmentService sensors;
    /** This node's own inventory, never one the fleet bundle serves for a remote gateway. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))")
    private volatile CertificateInventory inventory;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RevocationService revocation;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceMonitor monitor;

    /** The EST server's enrollment codes (bundle io.keywarden.est). */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EnrollmentCodes codes;
    /**
     * Keywarden's own Kura EnrollmentService, when configured: the gateway's key is then Kura's (and the ACME bundle
     * waits for its CSR, gateway.key.source=external), so EXEC enroll/renew of the gateway go through it.
     */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(kura.service.pid=" + KuraEnrollmentComponent.PID + ")")
    private volatile EnrollmentService kuraEnrollment;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRequestHandlerRegistry(RequestHandlerRegistry registry) {
        try {
            registry.registerRequestHandler(APP_ID, this);
        } catch (KuraException e) {
            LOG.warn("Cannot register {} with a cloud connection: {}", APP_ID, e.getMessage());
        }
    }

    void unbindRequestHandlerRegistry(RequestHandlerRegistry registry) {
        try {
            registry.unregister(APP_ID);
        } catch (KuraException e) {
            LOG.warn("Cannot unregister {}: {}", APP_ID, e.getMessage());
        }
    }

    @Override
    public KuraMessage doGet(RequestHandlerContext context, KuraMessage request) throws KuraException {
        List<String> args = args(request);
        switch (args.isEmpty() ? "" : args.get(0)) {
            case "status": {
                Map<String, Object> status = Views.status(need(gateway, "gateway enrollment"));
                return reply(status, status);
            }
            case "certificates":
                return reply(Map.of(), Views.certificates(need(inventory, "certificate inventory")));
            case "tickets":
                return reply(
                        Map.of(),
                        Views.tickets(need(revocation, "revocation service").getTickets()));
            case "progress":
                return progress(args);
            case "incidents":
                return reply(
                        Map.of(),
                        Views.incidents(need(monitor, "device monitor").getIncidents()));
            case "codes": {
                List<Map<String, Object>> listed = EnrollmentCodeRequests.listed(
                        need(codes, "EST enrollment codes").list());
                return reply(Map.of("count", listed.size()), listed);
            }
            default:
                throw new KuraException(
                        KuraErrorCode.NOT_FOUND,
                        "GET " + String.join("/", args)
                                + ": expected status, certificates, tickets, progress, incidents or codes");
        }
    }

    /** {@code GET progress}: every ticket on its way to the CA; {@code GET progress/<ticket>}: that one. */
    private KuraMessage progress(List<String> args) throws KuraException {
        RevocationService service = need(revocation, "revocation service");
        if (args.size() < 2) {
            List<Map<String, Object>> running = Views.progress(service.getProgress());
            return reply(Map.of("count", running.size()), running);
        }
        Map<String, Object> one = Views.progress(service.getProgress(args.get(1))
                .orElseThrow(() -> new KuraException(KuraErrorCode.NOT_FOUND, "no ticket " + args.get(1))));
        return reply(Map.of(), one);
    }

    @Override
    public KuraMessage doExec(RequestHandlerContext context, KuraMessage request) throws KuraException {
        List<String> args = args(request);
        switch (args.isEmpty() ? "" : args.get(0)) {
            case "enroll":
                return certificateReply(enrollGateway());
            case "renew":
                return certificateReply(
                        args.size() > 1
                                        && !args.get(1)
                                                .equals(need(gateway, "gateway enrollment")
                                                        .getDeviceId())
                                ? renewSensor(args.get(1))
                                : renewGateway());
            case "revoke":
                return revoke(request);
            case "code":
                return createCode(args);
            case "uncode":
                return withdrawCode(args);
            default:
                throw new KuraException(
                        KuraErrorCode.NOT_FOUND,
                        "EXEC " + String.join("/", args) + ": expected enroll, renew, revoke, code or uncode");
        }
    }

    private CertificateRecord enrollGateway() throws KuraException {
        EnrollmentService kura = kuraEnrollment;
        if (kura != null) {
            kura.enroll();
            return need(gateway, "gateway enrollment")
                    .getCertificate()
                    .orElseThrow(
                            () -> new KuraException(KuraErrorCode.NOT_FOUND, "no gateway certificate after enroll"));
        }
        try {
            return need(gateway, "gateway enrollment").enroll();
        } catch (EnrollmentException e) {
            throw KuraErrors.of(e);
        }
    }

    private CertificateRecord renewGateway() throws KuraException {
        EnrollmentService kura = kuraEnrollment;
        if (kura != null) {
            kura.renew();
            return need(gateway, "gateway enrollment")
                    .getCertificate()
                    .orElseThrow(
                            () -> new KuraException(KuraErrorCode.NOT_FOUND, "no gateway certificate after renew"));
        }
        try {
            return need(gateway, "gateway enrollment").renew();
        } catch (EnrollmentException e) {
            throw KuraErrors.of(e);
        }
    }

    private CertificateRecord renewSensor(String deviceId) throws KuraException {
        try {
            return need(sensors, "sensor enrollment")
                    .renew(deviceId)
                    .toCompletableFuture()
                    .get(SENSOR_RENEW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof EnrollmentException ee) {
                throw KuraErrors.of(ee);
            }
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e.getCause(), String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            throw new KuraException(KuraErrorCode.TIMED_OUT, e, "renewal of " + deviceId + " still under way");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e, "interrupted");
        }
    }

    /** The signed request is the UTF-8 body, or the metric {@value #METRIC_REQUEST}. A refusal is an error reply. */
    private KuraMessage revoke(KuraMessage request) throws KuraException {
        RevocationService service = need(revocation, "revocation service");
        KuraPayload p = request.getPayload();
        String signed = p == null
                ? null
                : p.getBody() != null && p.getBody().length > 0
                        ? new String(p.getBody(), StandardCharsets.UTF_8)
                        : p.getMetric(METRIC_REQUEST) instanceof String s ? s : null;
        if (signed == null || signed.isBlank()) {
            throw new KuraException(
                    KuraErrorCode.BAD_REQUEST,
                    "EXEC revoke needs the signed revocation request (compact JWS) as body or metric "
                            + METRIC_REQUEST);
        }
        RevocationTicket ticket = service.submit(signed.trim());
        Map<String, Object> view = Views.ticket(ticket);
        if (ticket.getState() == TicketState.REFUSED) {
            throw new KuraException(
                    KuraErrorCode.SECURITY_EXCEPTION,
                    "revocation request refused: "
                            + ticket.getRefusalReason().map(Enum::name).orElse("?") + " "
                            + ticket.getDetail().orElse("")
                            + " (ticket " + ticket.getId() + ")");
        }
        return reply(view, view);
    }

    /** EXEC code/&lt;device-id&gt;[/&lt;hours&gt;]: the code's value is in this reply only. */
    private KuraMessage createCode(List<String> args) throws KuraException {
        EnrollmentCodes service = need(codes, "EST enrollment codes");
        if (args.size() < 2 || args.size() > 3) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, "EXEC code/<device-id>[/<hours>]");
        }
        try {
            Map<String, Object> issued = EnrollmentCodeRequests.issued(
                    service.create(args.get(1), EnrollmentCodeRequests.validity(args.size() > 2 ? args.get(2) : null)));
            return reply(issued, issued);
        } catch (IllegalArgumentException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, "EXEC code: " + e.getMessage());
        }
    }

    /** EXEC uncode/&lt;device-id&gt;: withdraws the device's unused code; NOT_FOUND when it had none. */
    private KuraMessage withdrawCode(List<String> args) throws KuraException {
        EnrollmentCodes service = need(codes, "EST enrollment codes");
        if (args.size() != 2) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, "EXEC uncode/<device-id>");
        }
        boolean withdrawn;
        try {
            withdrawn = service.revoke(args.get(1));
        } catch (IllegalArgumentException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, "EXEC uncode: " + e.getMessage());
        }
        if (!withdrawn) {
            throw new KuraException(KuraErrorCode.NOT_FOUND, args.get(1) + " has no enrollment code");
        }
        Map<String, Object> m = EnrollmentCodeRequests.withdrawn(args.get(1), true);
        return reply(m, m);
    }

    private static KuraMessage certificateReply(CertificateRecord r) {
        Map<String, Object> m = Map.of(
                "device.id",
                r.getDeviceId(),
                "serial",
                r.getSerial(),
                "not.after",
                r.getNotAfter().toString());
        return reply(m, m);
    }

    /** Scalar values as metrics for dashboards, the whole document as JSON in the body. */
    private static KuraMessage reply(Map<String, Object> metrics, Object document) {
        KuraPayload payload = new KuraPayload();
        payload.setTimestamp(new Date());
        metrics.forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                payload.addMetric(k, v);
            }
        });
        payload.setBody(Views.json(document).getBytes(StandardCharsets.UTF_8));
        return new KuraMessage(payload);
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(KuraMessage request) {
        Object a = request.getProperties().get(ARGS_KEY);
        return a instanceof List<?> l ? (List<String>) l : List.of();
    }

    private static <T> T need(T service, String what) throws KuraException {
        if (service == null) {
            throw KuraErrors.unavailable(what);
        }
        return service;
    }
}
