package io.keywarden.est.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Hand-made EST requests (what a broken or hostile client sends), over TLS that checks the gateway's certificate. */
final class RawEst {
    record Answer(int status, String body, String wwwAuthenticate, String retryAfter) {}

    private final EstFixture f;
    /** Sent with every request of this instance. */
    final Map<String, String> headers = new LinkedHashMap<>();

    RawEst(EstFixture f) {
        this.f = f;
    }

    Answer post(String op, String contentType, byte[] body, String authorization, KeyPair key, X509Certificate... chain)
            throws Exception {
        HttpsURLConnection c = open(op, key, chain);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        if (contentType != null) {
            c.setRequestProperty("Content-Type", contentType);
        }
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        } catch (IOException e) {
            // the server may answer (413) before reading everything
        }
        return answer(c);
    }

    Answer getWithHeader(String op, String name, String value) throws Exception {
        HttpsURLConnection c = open(op, null);
        c.setRequestProperty(name, value);
        return answer(c);
    }

    Answer get(String op) throws Exception {
        HttpsURLConnection c = open(op, null);
        return answer(c);
    }

    private HttpsURLConnection open(String op, KeyPair key, X509Certificate... chain) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", f.caRoot());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (key != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("c", key.getPrivate(), new char[0], chain);
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsURLConnection c =
                (HttpsURLConnection) new URL("https://" + f.hostPort() + "/.well-known/est/" + op).openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setHostnameVerifier((host, session) -> {
            try {
                return ((X509Certificate) session.getPeerCertificates()[0])
                        .getSubjectAlternativeNames().stream().anyMatch(n -> EstFixture.GATEWAY.equals(n.get(1)));
            } catch (Exception e) {
                return false;
            }
        });
        headers.forEach(c::setRequestProperty);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        return c;
    }

    private static Answer answer(HttpsURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), UTF_8);
        return new Answer(status, body, c.getHeaderField("WWW-Authenticate"), c.getHeaderField("Retry-After"));
    }

    /** A POST with Basic credentials from a given local address (HTTP/1.1 written by hand: a test client only). */
    int postFrom(String localAddress, String op, byte[] body, String authorization) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", f.caRoot());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(localAddress, 0));
            plain.connect(f.est.address(), 10_000);
            plain.setSoTimeout(30_000);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory()
                    .createSocket(plain, EstFixture.GATEWAY, f.est.address().getPort(), false)) {
                String head = "POST /.well-known/est/" + op + " HTTP/1.1\r\nHost: " + EstFixture.GATEWAY
                        + "\r\nContent-Type: application/pkcs10\r\nAuthorization: " + authorization
                        + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                s.getOutputStream().write(head.getBytes(UTF_8));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                String status = new String(s.getInputStream().readNBytes(12), UTF_8);
                return Integer.parseInt(status.substring(9, 12));
            }
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    static byte[] base64(byte[] der) {
        return Base64.getMimeEncoder().encode(der);
    }
}
