package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.junit.jupiter.api.Test;

import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.TicketState;

/**
 * The resource's {@code @RolesAllowed} check run by a real JAX-RS implementation (Jersey 2, as in Kura 5), with the
 * feature Kura's REST service registers (RolesAllowedDynamicFeature) and a security context that grants role
 * {@code x} exactly to identities holding the Kura permission {@code rest.x}, as Kura's authentication does. Not
 * covered here: Kura's own authentication filter and its identity store (Kura's REST stack is not available).
 */
class KeywardenRestResourceTest {
    private final FakeGateway gateway = new FakeGateway();
    private FakeEnrollmentCodes codes = new FakeEnrollmentCodes();
    private RevocationService revocation;

    private ContainerResponse call(String method, String path, Set<String> permissions, String body) throws Exception {
        KeywardenRestResource resource = new KeywardenRestResource();
        resource.gateway = gateway;
        resource.codes = codes;
        resource.revocation = revocation;
        ApplicationHandler app = new ApplicationHandler(
                new ResourceConfig().register(resource).register(RolesAllowedDynamicFeature.class));
        SecurityContext identity = permissions == null ? null : new KuraLikeSecurityContext(permissions);
        ContainerRequest request = new ContainerRequest(
                URI.create("http://gw/services/"),
                URI.create("http://gw/services/" + path),
                method,
                identity,
                new MapPropertiesDelegate(),
                null);
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            request.getHeaders().putSingle("Content-Type", MediaType.TEXT_PLAIN);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return app.apply(request, out).get();
    }

    @Test
    void callerWithoutTheKeywardenPermissionIsRefused() throws Exception {
        assertEquals(
                403,
                call("GET", "keywarden/v1/status", Set.of("rest.assets", "rest.keystores"), null)
                        .getStatus());
        assertEquals(
                403,
                call("POST", "keywarden/v1/revoke", Set.of("rest.assets"), "a.b.c")
                        .getStatus());
        assertEquals(0, gateway.calls, "the resource method must not run for a refused caller");
    }

    @Test
    void anonymousCallerIsRefused() throws Exception {
        assertEquals(403, call("GET", "keywarden/v1/status", null, null).getStatus());
    }

    @Test
    void callerWithRestKeywardenGetsTheStatus() throws Exception {
        ContainerResponse r = call("GET", "keywarden/v1/status", Set.of("rest.keywarden"), null);
        assertEquals(200, r.getStatus());
        assertTrue(String.valueOf(r.getEntity()).contains("\"gateway.id\":\"gw.test\""), String.valueOf(r.getEntity()));
    }

    @Test
    void revokeWithoutRevocationServiceIsUnavailableNotAccepted() throws Exception {
        assertEquals(
                503,
                call("POST", "keywarden/v1/revoke", Set.of("rest.keywarden"), "a.b.c")
                        .getStatus());
    }

    private static final Set<String> OPERATOR = Set.of("rest.keywarden");

    @Test
    void progressShowsEachRevocationUnderWayAndOneTicketByIdOr404() throws Exception {
        RevocationProgress p = new RevocationProgress(
                "t-1",
                TicketState.RETRYING,
                1001,
                640,
                1,
                Map.of("rateLimited", 12L, "unauthorized", 1L),
                Instant.parse("2026-12-06T21:00:00Z"),
                Instant.parse("2026-12-06T21:00:05Z"));
        revocation = (RevocationService) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {RevocationService.class}, (proxy, m, args) -> {
                    if (!m.getName().equals("getProgress")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    return args == null ? List.of(p) : "t-1".equals(args[0]) ? Optional.of(p) : Optional.empty();
                });
        assertEquals(
                403,
                call("GET", "keywarden/v1/progress", Set.of("rest.assets"), null)
                        .getStatus());
        ContainerResponse all = call("GET", "keywarden/v1/progress", OPERATOR, null);
        assertEquals(200, all.getStatus());
        String body = String.valueOf(all.getEntity());
        assertTrue(
                body.startsWith("[{\"ticket.id\":\"t-1\",\"state\":\"RETRYING\",\"total\":1001,\"done\":641,"), body);
        assertTrue(body.contains("\"pending\":360,\"failures\":{\"rateLimited\":12,\"unauthorized\":1}"), body);
        assertTrue(body.contains("\"throttled.until\":\"2026-12-06T21:00:05Z\""), body);
        assertEquals(
                200, call("GET", "keywarden/v1/progress/t-1", OPERATOR, null).getStatus());
        assertEquals(
                404, call("GET", "keywarden/v1/progress/t-2", OPERATOR, null).getStatus());
    }

    @Test
    void enrollmentCodesAreRefusedWithoutTheKeywardenPermission() throws Exception {
        assertEquals(
                403,
                call("GET", "keywarden/v1/codes", Set.of("rest.assets"), null).getStatus());
        assertEquals(
                403,
                call("POST", "keywarden/v1/codes/sensor-1", Set.of("rest.assets"), null)
                        .getStatus());
        assertEquals(
                403, call("POST", "keywarden/v1/codes/sensor-1", null, null).getStatus());
        assertEquals(
                403,
                call("DELETE", "keywarden/v1/codes/sensor-1", Set.of("rest.assets"), null)
                        .getStatus());
        assertEquals(0, codes.calls, "the resource method must not run for a refused caller");
    }

    @Test
    void aCodeIsShownOnceAtCreationListedWithoutItsValueAndWithdrawn() throws Exception {
        ContainerResponse created = call("POST", "keywarden/v1/codes/sensor-1?hours=24", OPERATOR, null);
        assertEquals(201, created.getStatus());
        assertEquals("no-store", created.getHeaderString("Cache-Control"));
        String code = codes.issued.get("sensor-1");
        String body = String.valueOf(created.getEntity());
        assertTrue(body.contains("\"device.id\":\"sensor-1\""), body);
        assertTrue(body.contains("\"code\":\"" + code + "\""), body);
        assertTrue(body.contains("\"expires.at\":\"2026-12-07T12:00:00Z\""), body);
        assertEquals(List.of(Duration.ofHours(24)), codes.validities);

        assertEquals(
                201, call("POST", "keywarden/v1/codes/sensor-2", OPERATOR, null).getStatus());
        assertEquals(null, codes.validities.get(1), "no hours: the EST server's default");

        ContainerResponse listed = call("GET", "keywarden/v1/codes", OPERATOR, null);
        assertEquals(200, listed.getStatus());
        String list = String.valueOf(listed.getEntity());
        assertTrue(list.contains("\"device.id\":\"sensor-1\",\"state\":\"UNUSED\""), list);
        assertTrue(list.contains("sensor-2"), list);
        assertFalse(list.contains(code) || list.contains("SECRET") || list.contains("\"code\""), list);

        assertEquals(
                200,
                call("DELETE", "keywarden/v1/codes/sensor-1", OPERATOR, null).getStatus());
        assertEquals(
                404,
                call("DELETE", "keywarden/v1/codes/sensor-1", OPERATOR, null).getStatus());
        assertFalse(
                String.valueOf(call("GET", "keywarden/v1/codes", OPERATOR, null).getEntity())
                        .contains("sensor-1"));
    }

    @Test
    void badArgumentsForCodesAre400AndNothingIsCreated() throws Exception {
        for (String hours : List.of("0", "-5", "abc", "1.5", "9999999", "99999999999999999999")) {
            ContainerResponse r = call("POST", "keywarden/v1/codes/sensor-1?hours=" + hours, OPERATOR, null);
            assertEquals(400, r.getStatus(), "hours=" + hours);
        }
        assertEquals(
                400, call("POST", "keywarden/v1/codes/-bad", OPERATOR, null).getStatus());
        assertEquals(
                400,
                call("POST", "keywarden/v1/codes/" + "a".repeat(80), OPERATOR, null)
                        .getStatus());
        assertEquals(
                400,
                call("POST", "keywarden/v1/codes/gateway-7", OPERATOR, null).getStatus(),
                "no class");
        assertEquals(
                400, call("DELETE", "keywarden/v1/codes/-bad", OPERATOR, null).getStatus());
        assertTrue(codes.issued.isEmpty());
    }

    @Test
    void codesWithoutTheEstServerAreUnavailable() throws Exception {
        codes = null;
        assertEquals(503, call("GET", "keywarden/v1/codes", OPERATOR, null).getStatus());
        assertEquals(
                503, call("POST", "keywarden/v1/codes/sensor-1", OPERATOR, null).getStatus());
        assertEquals(
                503,
                call("DELETE", "keywarden/v1/codes/sensor-1", OPERATOR, null).getStatus());
    }

    /** Kura maps a role x to the permission rest.x of the authenticated identity. */
    private record KuraLikeSecurityContext(Set<String> permissions) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> "operator";
        }

        @Override
        public boolean isUserInRole(String role) {
            return permissions.contains("rest." + role);
        }

        @Override
        public boolean isSecure() {
            return true;
        }

        @Override
        public String getAuthenticationScheme() {
            return BASIC_AUTH;
        }
    }
}
