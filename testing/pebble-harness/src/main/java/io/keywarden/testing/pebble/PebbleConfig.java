package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

/** Pebble's JSON configuration file, written once when a harness is built. */
final class PebbleConfig {
    private final int acmePort;
    private final int managementPort;
    private final int httpPort;
    private final int tlsPort;
    private final TlsMaterial tls;
    private final boolean eabRequired;
    private final Map<String, String> eabKeys;
    private final Duration certificateValidity;

    /**
     * @param eabKeys             external account binding keys by kid, in the order they are written
     * @param certificateValidity {@code null} for Pebble's default
     */
    PebbleConfig(
            int acmePort,
            int managementPort,
            int httpPort,
            int tlsPort,
            TlsMaterial tls,
            boolean eabRequired,
            Map<String, String> eabKeys,
            Duration certificateValidity) {
        this.acmePort = acmePort;
        this.managementPort = managementPort;
        this.httpPort = httpPort;
        this.tlsPort = tlsPort;
        this.tls = tls;
        this.eabRequired = eabRequired;
        this.eabKeys = eabKeys;
        this.certificateValidity = certificateValidity;
    }

    void writeTo(Path configFile) {
        try {
            Files.writeString(configFile, json(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    String json() {
        JsonObject p = new JsonObject();
        p.addProperty("listenAddress", "127.0.0.1:" + acmePort);
        p.addProperty("managementListenAddress", "127.0.0.1:" + managementPort);
        p.addProperty("certificate", tls.serverCertFile.toString());
        p.addProperty("privateKey", tls.serverKeyFile.toString());
        p.addProperty("httpPort", httpPort);
        p.addProperty("tlsPort", tlsPort);
        p.addProperty("ocspResponderURL", "");
        p.addProperty("externalAccountBindingRequired", eabRequired);
        JsonObject keys = new JsonObject();
        eabKeys.forEach(keys::addProperty);
        p.add("externalAccountMACKeys", keys);
        if (certificateValidity != null) {
            p.addProperty("certificateValidityPeriod", certificateValidity.getSeconds());
        }
        JsonObject root = new JsonObject();
        root.add("pebble", p);
        return new GsonBuilder()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(root) + "\n";
    }
}
