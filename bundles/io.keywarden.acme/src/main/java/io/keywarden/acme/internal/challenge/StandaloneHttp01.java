package io.keywarden.acme.internal.challenge;

import java.io.IOException;

import io.keywarden.acme.internal.client.Http01Responder;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.api.enrollment.EnrollmentException;

/**
 * The embedded http-01 responder on a port of its own ({@code http01.mode=standalone}). It binds only when http-01
 * is needed: a gateway that answers every challenge over dns-01 opens no inbound port at all.
 */
public final class StandaloneHttp01 implements Http01Solver.Tokens, AutoCloseable {
    private final String bindAddress;
    private final int port;
    private Http01Responder responder;
    private boolean closed;

    public StandaloneHttp01(String bindAddress, int port) {
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** Binds the port now (at activation, when the configuration picks http-01), failing as a configuration error. */
    public synchronized void open() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (responder == null) {
            responder = new Http01Responder(bindAddress, port);
        }
    }

    @Override
    public void ready() throws EnrollmentException {
        try {
            open();
        } catch (IOException e) {
            throw new EnrollmentException(
                    GatewayOptions.KEY_HTTP01_PORT + ": cannot listen on " + bindAddress + ":" + port + " ("
                            + e.getMessage() + ")",
                    e,
                    false);
        }
    }

    @Override
    public void add(String token, String keyAuthorization) throws EnrollmentException {
        ready();
        synchronized (this) {
            responder.add(token, keyAuthorization);
        }
    }

    @Override
    public synchronized void remove(String token) {
        if (responder != null) {
            responder.remove(token);
        }
    }

    /** Whether the port is bound. */
    public synchronized boolean isOpen() {
        return responder != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (responder != null) {
            responder.close();
            responder = null;
        }
    }
}
