package io.keywarden.testing.pebble;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/** Client of Pebble's management interface (roots, intermediates, certificate status) over the harness's TLS. */
final class ManagementApi {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Go's {@code time.Time.String()} layout, e.g. {@code 2026-11-27 09:17:44.685267579 +0000 UTC}. */
    private static final Pattern GO_TIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) ([+-]\\d{2})(\\d{2})(?: [A-Za-z0-9+-]+)?(?: m=[+-][0-9.]+)?");

    private final HttpClient http;
    private final URI baseUrl;
    private final BooleanSupplier running;

    /** @param running whether Pebble runs: asked before every request, for a clear error instead of a timeout */
    ManagementApi(HttpClient http, URI baseUrl, BooleanSupplier running) {
        this.http = Objects.requireNonNull(http, "http");
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.running = Objects.requireNonNull(running, "running");
    }

    /** The body of {@code GET path}, which must answer 200. */
    String get(String path) {
        HttpResponse<String> r = send(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        return r.body();
    }

    /**
     * Pebble's status of the serial (see {@link PebbleHarness#certStatus(String)}). A 404 is asked again once: Pebble's handler looks in its revoked store, then in its valid one, each under
     *     its own lock, so a certificate revoked between the two looks is in neither (the 404 that stopped bench-all
     *     P3 while 1,001 certificates were revoked and watched). The revocation moves it in one step, so the second
     *     look finds it.
     */
    CertStatus certStatus(String serialHex) {
        String serial = normalizeSerial(serialHex);
        HttpResponse<String> r = send("cert-status-by-serial/" + serial);
        if (r.statusCode() == 404) {
            r = send("cert-status-by-serial/" + serial);
        }
        if (r.statusCode() == 404) {
            throw new IllegalArgumentException(
                    "Pebble has no certificate with serial " + serial + " (cert-status-by-serial answered HTTP 404)");
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET cert-status-by-serial/" + serial + " answered HTTP " + r.statusCode()
                    + ": " + abbreviate(r.body()));
        }
        return parseCertStatus(r.body());
    }

    /** Pebble's cert-status answer: {@code Status}, and {@code Reason} and {@code RevokedAt} once revoked. */
    static CertStatus parseCertStatus(String body) {
        JsonObject json;
        try {
            json = JsonParser.parseString(body).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalStateException("cert-status answer is not a JSON object: " + abbreviate(body), e);
        }
        if (!(json.get("Status") instanceof JsonPrimitive status) || !status.isString()) {
            throw new IllegalStateException("no Status in cert-status answer: " + abbreviate(body));
        }
        int reason = json.get("Reason") instanceof JsonPrimitive p && p.isNumber() ? p.getAsInt() : 0;
        String revokedAt = json.get("RevokedAt") instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
        return new CertStatus(status.getAsString(), reason, parseRevokedAt(revokedAt));
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    static String normalizeSerial(String serialHex) {
        Objects.requireNonNull(serialHex, "serialHex");
        String s = serialHex.strip().toLowerCase(Locale.ROOT).replace(":", "");
        if (s.startsWith("0x")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a hex serial number: '" + serialHex + "'");
        }
        s = s.replaceFirst("^0+", "");
        return s.isEmpty() ? "0" : s;
    }

    /**
     * Parses Pebble's {@code RevokedAt}: Pebble 2.4.0 prints Go's {@code time.String()} layout (not RFC 3339);
     * RFC 3339 is accepted as well. Absent, empty or Go's zero time means "not revoked".
     */
    static Optional<Instant> parseRevokedAt(Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.strip();
        Matcher m = GO_TIME.matcher(t);
        if (m.matches()) {
            t = m.group(1) + "T" + m.group(2) + m.group(3) + ":" + m.group(4);
        }
        try {
            Instant instant = OffsetDateTime.parse(t).toInstant();
            // Go's zero time.Time (0001-01-01 00:00:00 +0000 UTC) means "not revoked"
            return instant.isBefore(Instant.parse("1971-01-01T00:00:00Z")) ? Optional.empty() : Optional.of(instant);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("cannot parse Pebble's RevokedAt '" + text + "'", e);
        }
    }

    private HttpResponse<String> send(String path) {
        if (!running.getAsBoolean()) {
            throw new IllegalStateException("Pebble is not running");
        }
        URI uri = baseUrl.resolve(path);
        try {
            return http.send(
                    HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + uri, e);
        }
    }
}
