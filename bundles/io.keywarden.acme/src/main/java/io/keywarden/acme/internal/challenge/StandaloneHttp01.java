package io.keywarden.acme.internal.challenge;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.support.http.ConnectionRefusal;

/**
 * The embedded http-01 responder on a port of its own ({@code http01.mode=standalone}), on Jetty. It listens only
 * while challenges are pending: the port is bound when the first challenge is added and closed when the last one is
 * removed, so the gateway exposes nothing between orders (and a dns-01 gateway never opens it).
 * <p>
 * <p>
 * Jetty is an optional import of this bundle (a fleet authority needs no HTTP stack): without it the responder
 * reports a configuration error instead of failing to load.
 * <p>
 * Adding and removing are serialized with binding and closing: a challenge added while the last one's removal is
 * closing the server waits for the close and binds again; many orders at once share one listener.
 */
public final class StandaloneHttp01 implements Http01Solver.Tokens, AutoCloseable {
    static final String NO_JETTY = "the standalone http-01 responder needs Jetty 9.4 (org.eclipse.jetty.server) and "
            + "javax.servlet 3.1, which this bundle does not see (install them and refresh the bundle)";

    private final String bindAddress;
    private final int port;
    private final Http01Limits limits;
    private final Http01Refusals refusals;
    /** Read by the server's threads without the lock; changed only under it. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();

    private Http01Server server;
    private boolean closed;

    /** With the default limits; refusals are only logged (tests, tools). */
    public StandaloneHttp01(String bindAddress, int port) {
        this(bindAddress, port, p -> {});
    }

    /** @param post posts one http-01 refusal event's properties (must not block) */
    public StandaloneHttp01(String bindAddress, int port, Consumer<Map<String, Object>> post) {
        this(bindAddress, port, Http01Limits.DEFAULTS, post);
    }

    StandaloneHttp01(String bindAddress, int port, Http01Limits limits, Consumer<Map<String, Object>> post) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.limits = limits;
        this.refusals = new Http01Refusals(post);
    }

    /**
     * Checks now that the address can be bound (at activation, when the configuration picks http-01, and before an
     * order): Jetty's connector binds it and lets it go. Nothing is left listening.
     */
    public synchronized void probe() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (server != null) {
            return; // listening already: the address is fine
        }
        if (!jettyAvailable()) {
            throw new IOException(NO_JETTY);
        }
        Http01Server.checkBindable(bindAddress, port);
    }

    @Override
    public void ready() throws EnrollmentException {
        try {
            probe();
        } catch (IOException e) {
            throw cannotListen(e);
        }
    }

    @Override
    public synchronized void add(String token, String keyAuthorization) throws EnrollmentException {
        if (closed) {
            throw new EnrollmentException("http-01 responder closed", null, true);
        }
        pending.put(token, keyAuthorization);
        if (server == null) {
            if (!jettyAvailable()) {
                pending.remove(token);
                throw cannotListen(new IOException(NO_JETTY));
            }
            try {
                server = new Http01Server(bindAddress, port, limits, pending, refusals);
            } catch (IOException e) {
                pending.remove(token);
                throw cannotListen(e);
            }
        }
    }

    @Override
    public synchronized void remove(String token) {
        pending.remove(token);
        if (pending.isEmpty()) {
            stop();
        }
    }

    /** Whether the port is bound now. */
    public synchronized boolean isOpen() {
        return server != null;
    }

    /** The bound port (of interest when {@code port} was 0), or -1 while nothing is pending. */
    public synchronized int boundPort() {
        return server == null ? -1 : server.port();
    }

    /** Connection refusals of a kind since creation (status, tests). */
    public long refusals(ConnectionRefusal kind) {
        return refusals.total(kind);
    }

    /** Requests Jetty refused itself (head too large, malformed) since creation. */
    public long malformedRequests() {
        return refusals.malformed();
    }

    @Override
    public synchronized void close() {
        closed = true;
        pending.clear();
        stop();
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Whether the optional Jetty import is wired (Kura, the runtime and the gateway feature have it). */
    static boolean jettyAvailable() {
        try {
            Class.forName("org.eclipse.jetty.server.Server", false, StandaloneHttp01.class.getClassLoader());
            Class.forName("javax.servlet.http.HttpServletRequest", false, StandaloneHttp01.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private EnrollmentException cannotListen(IOException e) {
        return new EnrollmentException(
                GatewayOptions.KEY_HTTP01_PORT + ": cannot listen on " + bindAddress + ":" + port + " ("
                        + e.getMessage() + ")",
                e,
                false);
    }
}
