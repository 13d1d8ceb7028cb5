package io.keywarden.testing.sensors;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A sensor's side of the channel: mutual TLS with its own key and certificate, the gateway's certificate checked
 * against the CA the sensor was enrolled under, HTTP/1.1 over one kept-alive connection. Not thread-safe: one client
 * per sensor thread.
 */
public final class ChannelClient implements AutoCloseable {
    private final InetSocketAddress gateway;
    private final SSLContext tls;
    private final int timeoutMillis;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;
    private volatile X509Certificate serverCertificate;

    /**
     * @param key the sensor's private key, or null to connect without a client certificate
     * @param chain its certificate chain, leaf first (ignored without a key)
     * @param trusted the CA certificates the gateway's certificate must chain to
     */
    public ChannelClient(
            InetSocketAddress gateway,
            PrivateKey key,
            List<X509Certificate> chain,
            List<X509Certificate> trusted,
            int timeoutMillis) {
        this.gateway = gateway;
        this.timeoutMillis = timeoutMillis;
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                ts.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            tls = SSLContext.getInstance("TLS");
            KeyManager[] km = key == null
                    ? new KeyManager[0]
                    : new KeyManager[] {new OwnCertificate(key, chain.toArray(new X509Certificate[0]))};
            tls.init(km, tmf.getTrustManagers(), new SecureRandom());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for the sensor: " + e, e);
        }
    }

    /**
     * Offers the sensor's certificate whatever issuers the server asks for: a JDK key manager would send none when
     * the issuer does not match, and a hostile client would send it anyway, so the gateway must see and judge it.
     */
    private static final class OwnCertificate extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OwnCertificate(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "sensor";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "sensor";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"sensor"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** The outcome of one request: an HTTP status and body, or a refusal by TLS (status {@link #TLS_REFUSED}). */
    public record Result(int status, String body, String failure) {

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        /** Refused at the handshake, or answered 403 or 429: the gateway no longer serves this sensor. */
        public boolean isRefused() {
            return status == TLS_REFUSED || status == 403 || status == 429;
        }

        @Override
        public String toString() {
            return status == TLS_REFUSED ? "refused by TLS: " + failure : status + " " + body;
        }
    }

    public static final int TLS_REFUSED = -1;

    /** The certificate the gateway presented at the last completed handshake, if any. */
    public Optional<X509Certificate> serverCertificate() {
        return Optional.ofNullable(serverCertificate);
    }

    public Result post(String path, String json) {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    public Result get(String path) {
        return send("GET", path, null, null);
    }

    /**
     * Sends one request. A kept-alive connection the gateway has closed meanwhile is replaced once; a TLS failure on
     * a fresh connection is the gateway refusing this sensor's certificate.
     */
    public Result send(String method, String path, byte[] body, String contentType) {
        boolean reused = socket != null;
        try {
            return exchange(method, path, body, contentType);
        } catch (SSLException e) {
            close();
            if (reused) {
                return retryFresh(method, path, body, contentType);
            }
            return new Result(TLS_REFUSED, "", e.getMessage());
        } catch (EOFException | SocketException e) {
            close();
            if (reused) {
                return retryFresh(method, path, body, contentType);
            }
            // TLS 1.3: the server checks the client certificate after the client thinks the handshake is done
            return new Result(TLS_REFUSED, "", "connection closed: " + e.getMessage());
        } catch (IOException e) {
            close();
            return new Result(TLS_REFUSED, "", e.toString());
        }
    }

    private Result retryFresh(String method, String path, byte[] body, String contentType) {
        try {
            return exchange(method, path, body, contentType);
        } catch (IOException e) {
            close();
            return new Result(TLS_REFUSED, "", e.getMessage());
        }
    }

    /** Raw bytes as the request, for malformed-input tests; returns the status the gateway answers with. */
    public Result sendRaw(byte[] request) {
        try {
            connect();
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            return new Result(TLS_REFUSED, "", e.toString());
        }
    }

    /**
     * Sends {@code request} in two halves with a pause between them, as a client trickling bytes to hold a gateway
     * worker would; returns what the gateway answers.
     */
    public Result trickle(byte[] request, long pauseMillis) {
        try {
            connect();
            int half = request.length / 2;
            out.write(request, 0, half);
            out.flush();
            Thread.sleep(pauseMillis);
            out.write(request, half, request.length - half);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            return new Result(TLS_REFUSED, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return new Result(TLS_REFUSED, "", "interrupted");
        }
    }

    private Result exchange(String method, String path, byte[] body, String contentType) throws IOException {
        connect();
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(gateway.getHostString()).append("\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        // one write, one TLS record: a second small segment would wait for the server's delayed ACK (Nagle)
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            request.write(body);
        }
        out.write(request.toByteArray());
        out.flush();
        return readResponse();
    }

    private void connect() throws IOException {
        if (socket != null) {
            return;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.setTcpNoDelay(true);
            s.connect(gateway, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        Certificate[] peer = s.getSession().getPeerCertificates();
        serverCertificate = peer.length > 0 && peer[0] instanceof X509Certificate x ? x : null;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    private Result readResponse() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        int length = 0;
        boolean close = false;
        String h;
        while (!(h = line()).isEmpty()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (close) {
            close();
        }
        return new Result(code, new String(body, StandardCharsets.UTF_8), null);
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed by the gateway");
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
