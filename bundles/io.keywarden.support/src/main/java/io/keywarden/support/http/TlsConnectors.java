package io.keywarden.support.http;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's HTTPS connector as the gateway's endpoints use it (the sensor channel, the EST server, and the benchmark
 * that measures the channel's floor), so that they cannot drift apart: one acceptor and one selector (a gateway has
 * a core or two), and a buffer pool that keeps a bounded amount of idle buffers (Jetty's default keeps up to a quarter
 * of the heap after a burst).
 */
public final class TlsConnectors {
    private TlsConnectors() {}

    /** An HTTP/1.1-over-TLS connector; {@code pooledBytes}: the most idle buffer bytes kept (heap and direct each). */
    public static ServerConnector https(
            Server server, SslContextFactory.Server ssl, HttpConfiguration http, long pooledBytes) {
        ArrayByteBufferPool buffers = new ArrayByteBufferPool(0, 1024, 64 * 1024, -1, pooledBytes, pooledBytes);
        return new ServerConnector(
                server,
                null,
                null,
                buffers,
                1,
                1,
                new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
    }

    /**
     * The sensor channel's HTTP: answers are short JSON documents on a thousand kept-alive connections, so small
     * response buffers, no per-connection header cache (an 8 KiB trie each; a report has five headers), no Server or
     * Date header, and dispatch at the head, so a chunked or oversized body is refused before any of it is read.
     */
    public static HttpConfiguration reportsHttp(int maxHeaderBytes) {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(maxHeaderBytes);
        http.setOutputBufferSize(4096);
        http.setOutputAggregationSize(1024);
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        http.setHeaderCacheSize(0);
        http.setDelayDispatchUntilContent(false);
        return http;
    }
}
