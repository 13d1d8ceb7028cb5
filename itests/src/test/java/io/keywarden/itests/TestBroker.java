package io.keywarden.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.ops4j.pax.exam.Option;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.keywarden.testing.mqtt.MosquittoBroker;

/**
 * Driver side only: one real Mosquitto broker per test JVM, and a loopback endpoint through which tests inside the
 * framework stop and restart it ({@code POST /broker/stop}, {@code POST /broker/start}) to simulate an outage.
 */
final class TestBroker {

    static final String MQTT_URL = "keywarden.it.mqtt.url";
    static final String CONTROL_URL = "keywarden.it.mqtt.control";
    static final String BUNDLE_FLEET = "keywarden.it.bundle.fleet";
    static final String BUNDLE_RELYING_PARTY = "keywarden.it.bundle.relyingparty";

    private static MosquittoBroker broker;
    private static HttpServer control;

    private TestBroker() {}

    /** Starts the broker (once per JVM) and returns the bundles the fleet tests add to the shared ones. */
    static synchronized Option[] options() {
        if (broker == null) {
            broker = MosquittoBroker.start(
                    Path.of(ItProperties.required(ItProperties.WORKDIR)).resolve("mosquitto"));
            try {
                control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            } catch (IOException e) {
                broker.close();
                throw new UncheckedIOException(e);
            }
            control.createContext("/broker/", TestBroker::handle);
            control.start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                control.stop(0);
                                broker.close();
                            },
                            "test-broker-stop"));
            System.setProperty(MQTT_URL, broker.url());
            System.setProperty(
                    CONTROL_URL, "http://127.0.0.1:" + control.getAddress().getPort() + "/broker/");
        }
        return new Option[] {
            // for the tests' own MQTT clients; the fleet bundle carries its Paho privately and does not import it
            mavenBundle("org.eclipse.paho", "org.eclipse.paho.client.mqttv3", "1.2.5"),
            bundle(Path.of(ItProperties.required(BUNDLE_RELYING_PARTY)).toUri().toString()),
            bundle(Path.of(ItProperties.required(BUNDLE_FLEET)).toUri().toString()),
        };
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String action = exchange.getRequestURI().getPath().substring("/broker/".length());
        int status = 200;
        try {
            switch (action) {
                case "stop" -> broker.stop();
                case "start" -> broker.start();
                default -> status = 404;
            }
        } catch (RuntimeException e) {
            status = 500;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
