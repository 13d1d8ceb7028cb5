package io.keywarden.kura.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
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

/**
 * The resource's {@code @RolesAllowed} check run by a real JAX-RS implementation (Jersey 2, as in Kura 5), with the
 * feature Kura's REST service registers (RolesAllowedDynamicFeature) and a security context that grants role
 * {@code x} exactly to identities holding the Kura permission {@code rest.x}, as Kura's authentication does. Not
 * covered here: Kura's own authentication filter and its identity store (Kura's REST stack is not available).
 */
class KeywardenRestResourceTest {
    private final FakeGateway gateway = new FakeGateway();

    private ContainerResponse call(String method, String path, Set<String> permissions, String body) throws Exception {
        KeywardenRestResource resource = new KeywardenRestResource();
        resource.gateway = gateway;
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
