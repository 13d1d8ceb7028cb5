package io.keywarden.testing.pebble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
    PebbleConfig(int acmePort, int managementPort, int httpPort, int tlsPort, TlsMaterial tls, boolean eabRequired,
            Map<String, String> eabKeys, Duration certificateValidity) {
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
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"pebble\": {\n");
        j.append("    \"listenAddress\": ").append(Json.quote("127.0.0.1:" + acmePort)).append(",\n");
        j.append("    \"managementListenAddress\": ").append(Json.quote("127.0.0.1:" + managementPort)).append(",\n");
        j.append("    \"certificate\": ").append(Json.quote(tls.serverCertFile.toString())).append(",\n");
        j.append("    \"privateKey\": ").append(Json.quote(tls.serverKeyFile.toString())).append(",\n");
        j.append("    \"httpPort\": ").append(httpPort).append(",\n");
        j.append("    \"tlsPort\": ").append(tlsPort).append(",\n");
        j.append("    \"ocspResponderURL\": \"\",\n");
        j.append("    \"externalAccountBindingRequired\": ").append(eabRequired).append(",\n");
        j.append("    \"externalAccountMACKeys\": {");
        String sep = "";
        for (Map.Entry<String, String> e : eabKeys.entrySet()) {
            j.append(sep).append("\n      ").append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
            sep = ",";
        }
        j.append(eabKeys.isEmpty() ? "}" : "\n    }");
        if (certificateValidity != null) {
            j.append(",\n    \"certificateValidityPeriod\": ").append(certificateValidity.getSeconds());
        }
        j.append("\n  }\n}\n");
        return j.toString();
    }
}
