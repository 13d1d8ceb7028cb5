package io.keywarden.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Inside the framework: one of the test JVM's Pebble CAs, as the tests see it — its ACME directory, the TLS anchor
 * to configure, the port the http-01 responder must use, and (through the driver's control endpoint) Pebble's root,
 * the status of a certificate, and starting or stopping it.
 */
final class CaControl {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;

    CaControl(String name) {
        this.name = name;
    }

    String directoryUrl() {
        return ItProperties.required(ItProperties.caDirectory(name));
    }

    Path trustAnchorFile() {
        return Path.of(ItProperties.required(ItProperties.caTrustAnchor(name)));
    }

    int httpPort() {
        return Integer.parseInt(ItProperties.required(ItProperties.caHttpPort(name)));
    }

    /** Pebble's current root certificate, from its management endpoint {@code /roots/0}. */
    X509Certificate root() {
        String pem = call("GET", "root", 200);
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new AssertionError("Pebble's /roots/0 is not a certificate: " + pem, e);
        }
    }

    /** Pebble's {@code Status} of the certificate with this serial ({@code Valid} or {@code Revoked}). */
    String certStatus(String serialHex) {
        return call("GET", "status/" + serialHex, 200);
    }

    /** The RFC 5280 reason code Pebble recorded for a revoked certificate. */
    int revocationReason(String serialHex) {
        return Integer.parseInt(call("GET", "reason/" + serialHex, 200).trim());
    }

    /** How many orders this CA accepted since it started (counted in Pebble's log). */
    int orderCount() {
        return Integer.parseInt(call("GET", "orders", 200).trim());
    }

    /** Connections to this CA are refused from now on ({@link ItProperties#CA_BLOCKABLE} only). */
    void block() {
        call("POST", "block", 200);
    }

    void unblock() {
        call("POST", "unblock", 200);
    }

    void start() {
        call("POST", "start", 200);
    }

    void stop() {
        call("POST", "stop", 200);
    }

    private String call(String method, String path, int expected) {
        URI uri = URI.create(ItProperties.required(ItProperties.CONTROL_URL) + name + "/" + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40));
        b = "POST".equals(method) ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != expected) {
                throw new AssertionError(method + " " + uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + method + " " + uri, e);
        }
    }

    @Override
    public String toString() {
        return "CA " + name + " (" + directoryUrl() + ")";
    }
}
