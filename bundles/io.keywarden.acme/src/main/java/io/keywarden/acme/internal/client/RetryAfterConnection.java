package io.keywarden.acme.internal.client;

import java.net.URL;
import java.security.KeyPair;
import java.time.Instant;
import java.time.ZonedDateTime;

import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.DefaultConnection;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSONBuilder;

/**
 * acme4j's connection, except that an HTTP 429 or 503 answered without a problem document becomes a
 * {@link CaBusyException} carrying the answer's Retry-After (acme4j keeps Retry-After only for a {@code rateLimited}
 * problem), and a bare 404 a {@link CaGoneException}. Problem documents, {@code rateLimited} included, go through
 * unchanged.
 */
final class RetryAfterConnection extends DefaultConnection {
    private static final int NOT_FOUND = 404;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int SERVICE_UNAVAILABLE = 503;

    RetryAfterConnection(HttpConnector connector) {
        super(connector);
    }

    @Override
    public int sendRequest(URL url, Session session, ZonedDateTime ifModifiedSince) throws AcmeException {
        try {
            return super.sendRequest(url, session, ifModifiedSince);
        } catch (AcmeException e) {
            throw busyOr(e);
        }
    }

    @Override
    protected int sendSignedRequest(
            URL url, JSONBuilder claims, Session session, KeyPair keypair, URL accountLocation, String accept)
            throws AcmeException {
        try {
            return super.sendSignedRequest(url, claims, session, keypair, accountLocation, accept);
        } catch (AcmeException e) {
            throw busyOr(e);
        }
    }

    private AcmeException busyOr(AcmeException e) {
        if (e instanceof AcmeServerException || lastResponse == null) {
            return e; // a problem document: acme4j sorted it already
        }
        int status = lastResponse.statusCode();
        if (status == NOT_FOUND) {
            return new CaGoneException(e);
        }
        if (status != TOO_MANY_REQUESTS && status != SERVICE_UNAVAILABLE) {
            return e;
        }
        Instant retryAfter;
        try {
            retryAfter = getRetryAfter().orElse(null);
        } catch (AcmeProtocolException bad) {
            retryAfter = null; // an unreadable Retry-After: the caller's own backoff applies
        }
        return new CaBusyException(status, retryAfter, e);
    }
}
