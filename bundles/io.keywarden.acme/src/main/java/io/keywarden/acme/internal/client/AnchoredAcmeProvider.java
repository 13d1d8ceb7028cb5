package io.keywarden.acme.internal.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Connection;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;

import io.keywarden.support.threads.NamedThreads;

/**
 * An acme4j provider for any RFC 8555 CA whose HTTPS endpoint is verified against exactly the configured
 * trust anchors (not the JRE's default store, and never not at all). acme4j has no trust-store setting of
 * its own; the HTTP client it builds here is the one connection pool every request of the session shares.
 */
final class AnchoredAcmeProvider extends GenericAcmeProvider implements AutoCloseable {
    /**
     * How long a directory without caching headers is used before it is read again. acme4j reads it again at every
     * lookup of a resource URL (each new order, each fresh nonce) when the CA sends no Expires or max-age, as Pebble
     * does: one extra round trip per order for a document that changes when the CA is reconfigured, if ever.
     */
    static final Duration DIRECTORY_TTL = Duration.ofMinutes(10);

    private final SSLContext sslContext;
    /**
     * The HTTP client's own threads: the JDK's default pool keeps idle workers for a minute and a Java 17 client cannot
     * be closed, so without a pool of ours they would outlive an uninstalled bundle.
     */
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(new NamedThreads("keywarden-acme-http"));

    AnchoredAcmeProvider(List<X509Certificate> anchors) throws GeneralSecurityException {
        this.sslContext = sslContextTrusting(anchors);
    }

    static SSLContext sslContextTrusting(List<X509Certificate> anchors) throws GeneralSecurityException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty trust store", e);
        }
        int i = 0;
        for (X509Certificate anchor : anchors) {
            ks.setCertificateEntry("anchor-" + i++, anchor);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public JSON directory(Session session, URI serverUri) throws AcmeException {
        JSON directory = super.directory(session, serverUri);
        ZonedDateTime expires = session.getDirectoryExpires();
        if (expires == null || !expires.isAfter(ZonedDateTime.now())) {
            // read (or found unmodified) just now, and the CA said nothing about caching or that it is stale already
            session.setDirectoryExpires(ZonedDateTime.now().plus(DIRECTORY_TTL));
        }
        return directory;
    }

    /** acme4j's connection, keeping the Retry-After of an HTTP 429 or 503 without a problem document. */
    @Override
    public Connection connect(URI serverUri, NetworkSettings networkSettings, HttpClient httpClient) {
        return new RetryAfterConnection(createHttpConnector(networkSettings, httpClient));
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        // HTTP/1.1, not HTTP/2: over HTTP/2 every request of the session shares one TCP connection, and when that
        // connection goes silent (a NAT or middlebox dropping it without a reset) each request times out on it again
        // and again, for as long as the process lives. Over HTTP/1.1 a timed-out request takes its connection down
        // with it, and the next request opens a fresh one.
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.getTimeout())
                .proxy(settings.getProxySelector())
                .sslContext(sslContext)
                .executor(httpThreads);
        if (settings.getAuthenticator() != null) {
            b.authenticator(settings.getAuthenticator());
        }
        return b.build();
    }

    @Override
    public void close() {
        httpThreads.shutdownNow();
    }
}
