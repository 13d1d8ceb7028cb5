package io.keywarden.fleet.internal.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.files.DurableFiles;

/** The MQTT transport's own settings: the broker URL, and a client id kept stable across restarts. */
final class MqttSettings {

    private MqttSettings() {}

    static String storedClientId(Path dataDir, String fleetId) throws InvalidConfigurationException {
        Path file = dataDir.resolve("mqtt-client-id");
        try {
            if (Files.isRegularFile(file)) {
                String stored =
                        Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            byte[] random = new byte[6];
            new SecureRandom().nextBytes(random);
            String id = "keywarden-" + fleetId + "-" + HexFormat.of().formatHex(random);
            id = id.length() > 64 ? id.substring(id.length() - 64) : id;
            DurableFiles.write(file, id.getBytes(StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    FleetOptions.KEY_DATA_DIR, "cannot keep the MQTT client id in " + file + ": " + e.getMessage());
        }
    }

    static URI brokerUrl(String value) throws InvalidConfigurationException {
        try {
            URI uri = new URI(value);
            if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme())) {
                throw new InvalidConfigurationException(
                        FleetOptions.KEY_BROKER_URL, "scheme must be tcp or ssl: " + value);
            }
            if (uri.getHost() == null) {
                throw new InvalidConfigurationException(FleetOptions.KEY_BROKER_URL, "no host in " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(FleetOptions.KEY_BROKER_URL, "not a URL: " + value);
        }
    }
}
