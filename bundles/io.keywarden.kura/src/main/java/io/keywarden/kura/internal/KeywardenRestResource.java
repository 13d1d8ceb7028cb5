package io.keywarden.kura.internal;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.api.revocation.TicketState;

/**
 * {@code /services/keywarden/v1} on Kura: Kura's REST service publishes every service whose class carries
 * {@link Path} under {@code /services}, and grants a {@link RolesAllowed} role {@code x} to identities with the
 * permission {@code rest.x}, here {@code rest.keywarden}. The same documents as KEYWARDEN-V1.
 */
@Component(immediate = true, service = KeywardenRestResource.class)
@Path("keywarden/v1")
@RolesAllowed("keywarden")
public final class KeywardenRestResource {

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile GatewayEnrollmentService gateway;
    /** This node's own inventory, never one the fleet bundle serves for a remote gateway. */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))")
    volatile CertificateInventory inventory;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile RevocationService revocation;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DeviceMonitor monitor;

    /** The EST server's enrollment codes (bundle io.keywarden.est). */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EnrollmentCodes codes;

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public String status() {
        return Views.json(Views.status(need(gateway)));
    }

    @GET
    @Path("certificates")
    @Produces(MediaType.APPLICATION_JSON)
    public String certificates() {
        return Views.json(Views.certificates(need(inventory)));
    }

    @GET
    @Path("incidents")
    @Produces(MediaType.APPLICATION_JSON)
    public String incidents() {
        return Views.json(Views.incidents(need(monitor).getIncidents()));
    }

    @GET
    @Path("tickets")
    @Produces(MediaType.APPLICATION_JSON)
    public String tickets() {
        return Views.json(Views.tickets(need(revocation).getTickets()));
    }

    /** Every ticket on its way to the CA now: done/total, the CA's failing answers by reason. */
    @GET
    @Path("progress")
    @Produces(MediaType.APPLICATION_JSON)
    public String progress() {
        return Views.json(Views.progress(need(revocation).getProgress()));
    }

    /** One ticket's progress, settled or not; 404 for an unknown ticket. */
    @GET
    @Path("progress/{ticketId}")
    @Produces(MediaType.APPLICATION_JSON)
    public String progress(@PathParam("ticketId") String ticketId) {
        return Views.json(Views.progress(need(revocation)
                .getProgress(ticketId)
                .orElseThrow(() -> new WebApplicationException(Response.Status.NOT_FOUND))));
    }

    /** Takes a signed revocation request (compact JWS); 403 with the ticket when it is refused. */
    @POST
    @Path("revoke")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(String signedRequest) {
        if (signedRequest == null || signedRequest.isBlank()) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.TEXT_PLAIN)
                    .entity("the body must be the signed revocation request")
                    .build();
        }
        RevocationTicket t = need(revocation).submit(signedRequest.trim());
        return Response.status(
                        t.getState() == TicketState.REFUSED ? Response.Status.FORBIDDEN : Response.Status.ACCEPTED)
                .entity(Views.json(Views.ticket(t)))
                .build();
    }

    // ---- enrollment codes (EST bootstrap): the value is in the creation's answer only -----------------------------

    @GET
    @Path("codes")
    @Produces(MediaType.APPLICATION_JSON)
    public String codes() {
        return Views.json(EnrollmentCodeRequests.listed(need(codes).list()));
    }

    /** A new one-time code for the device (replacing an unused one); {@code hours} optional. 201, never cached. */
    @POST
    @Path("codes/{deviceId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response createCode(@PathParam("deviceId") String deviceId, @QueryParam("hours") String hours) {
        EnrollmentCodes service = need(codes);
        EnrollmentCodes.Issued issued;
        try {
            issued = service.create(deviceId, EnrollmentCodeRequests.validity(hours));
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        return Response.status(Response.Status.CREATED)
                .header("Cache-Control", "no-store")
                .entity(Views.json(EnrollmentCodeRequests.issued(issued)))
                .build();
    }

    /** Withdraws the device's unused code; 404 when it had none. */
    @DELETE
    @Path("codes/{deviceId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response withdrawCode(@PathParam("deviceId") String deviceId) {
        EnrollmentCodes service = need(codes);
        boolean withdrawn;
        try {
            withdrawn = service.revoke(deviceId);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        return Response.status(withdrawn ? Response.Status.OK : Response.Status.NOT_FOUND)
                .entity(Views.json(EnrollmentCodeRequests.withdrawn(deviceId, withdrawn)))
                .build();
    }

    private static Response badRequest(String message) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.TEXT_PLAIN)
                .entity(message)
                .build();
    }

    private static <T> T need(T service) {
        if (service == null) {
            throw new WebApplicationException(Response.Status.SERVICE_UNAVAILABLE);
        }
        return service;
    }
}
