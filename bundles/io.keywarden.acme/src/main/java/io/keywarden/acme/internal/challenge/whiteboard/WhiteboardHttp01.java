package io.keywarden.acme.internal.challenge.whiteboard;

import static java.util.Objects.requireNonNull;

import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.acme.internal.challenge.Http01Solver;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.api.enrollment.EnrollmentException;

/**
 * http-01 through the framework's OSGi HTTP Whiteboard ({@code http01.mode=whiteboard}), e.g. Kura's HTTP service
 * with a plain-HTTP port: no port of our own. The servlet is registered only while a challenge is pending, so the
 * path exists only while the CA may look at it.
 *
 * <p>Loading this class needs the javax.servlet API (an optional import): the component creates it only in
 * whiteboard mode and turns a missing API into a configuration error.
 */
public final class WhiteboardHttp01 implements Http01Solver.Tokens, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WhiteboardHttp01.class);
    public static final String PATTERN = "/.well-known/acme-challenge/*";
    static final String RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";

    private final BundleContext context;
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private ServiceRegistration<Servlet> registration;
    private boolean closed;

    private WhiteboardHttp01(BundleContext context) {
        this.context = requireNonNull(context, "context");
    }

    /**
     * The whiteboard responder, or empty when this bundle sees no javax.servlet API (its import is optional, so the
     * bundle resolves where there is none).
     */
    public static Optional<WhiteboardHttp01> create(BundleContext context) {
        try {
            Class.forName("javax.servlet.http.HttpServlet", false, WhiteboardHttp01.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        return Optional.of(new WhiteboardHttp01(context));
    }

    @Override
    public void ready() throws EnrollmentException {
        if (context.getServiceReference(RUNTIME) == null) {
            // Kura's HTTP service may still be starting: worth retrying
            throw new EnrollmentException(
                    GatewayOptions.KEY_HTTP01_MODE + "=whiteboard: no OSGi HTTP Whiteboard " + "runtime (" + RUNTIME
                            + ") is registered",
                    null,
                    true);
        }
    }

    @Override
    public synchronized void add(String token, String keyAuthorization) throws EnrollmentException {
        if (closed) {
            throw new EnrollmentException("http-01 whiteboard servlet closed", null, true);
        }
        pending.put(token, keyAuthorization);
        if (registration == null) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("osgi.http.whiteboard.servlet.pattern", PATTERN);
            props.put("osgi.http.whiteboard.servlet.name", "keywarden-acme-http01");
            registration = context.registerService(Servlet.class, new Http01Servlet(pending), props);
            LOG.debug("http-01 servlet registered on the HTTP Whiteboard at {}", PATTERN);
        }
    }

    @Override
    public synchronized void remove(String token) {
        pending.remove(token);
        if (pending.isEmpty()) {
            unregister();
        }
    }

    /** Whether the servlet is registered now (only while challenges are pending). */
    public synchronized boolean isRegistered() {
        return registration != null;
    }

    private void unregister() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            registration = null;
            LOG.debug("http-01 servlet unregistered");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        pending.clear();
        unregister();
    }
}
