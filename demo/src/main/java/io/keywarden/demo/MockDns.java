package io.keywarden.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;

import io.keywarden.testing.pebble.ChallTestSrv;

/** Records in pebble-challtestsrv's mock DNS, through its management API. */
final class MockDns {
    private MockDns() {}

    /** {@code host} resolves to {@code address} (e.g. another loopback address for a second http-01 responder). */
    static void addA(ChallTestSrv dns, String host, String address) {
        String body = JsonUtil.toJson(Map.of("host", host, "addresses", List.of(address)));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dns.managementPort() + "/add-a"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new DemoException(
                        "the mock DNS refused the A record of " + host + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new DemoException("cannot reach the mock DNS: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted");
        }
    }
}
