package io.keywarden.testing.pebble;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One look at whether Pebble serves its ACME directory yet. */
final class DirectoryProbe {

    private DirectoryProbe() {}

    /** Null when {@code GET /dir} answers with a directory, otherwise what went wrong. */
    static String problem(HttpClient http, URI directory) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(directory)
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("newOrder")) {
                return null;
            }
            return "GET /dir answered HTTP " + r.statusCode();
        } catch (IOException e) {
            return "GET /dir failed: " + e;
        }
    }
}
