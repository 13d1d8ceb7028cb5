package io.keywarden.testing.sensors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Status reports in the channel's schema ({@value #SCHEMA}) and the simulated fleet's baseline: the firmware, tasks
 * and peers a well-behaved sensor reports, and what a compromised one reports instead.
 */
public final class Reports {
    public static final String SCHEMA = "keywarden-sensor-report/1";
    public static final String FIRMWARE_NAME = "thermo-fw";
    public static final String FIRMWARE_VERSION = "2.4.1";
    public static final String FIRMWARE_SHA256 = sha256("keywarden simulated firmware " + FIRMWARE_VERSION);
    public static final String EVIL_FIRMWARE_SHA256 = sha256("keywarden simulated firmware, reflashed");
    public static final String TASK_SAMPLER_SHA256 = sha256("task sampler 1");
    public static final String TASK_UPLINK_SHA256 = sha256("task uplink 1");
    /** The only peer sensors of the simulated class talk to (their MQTT broker). */
    public static final String ALLOWED_PEER_HOST = "broker.sensors.test";

    public static final int ALLOWED_PEER_PORT = 8883;
    public static final String FORBIDDEN_PEER_HOST = "203.0.113.66";
    public static final int FORBIDDEN_PEER_PORT = 4444;

    private Reports() {}

    /** What a well-behaved sensor reports. */
    public static String normal(long sequence, long messages) {
        return report(sequence, FIRMWARE_SHA256, ALLOWED_PEER_HOST, ALLOWED_PEER_PORT, messages);
    }

    public static String unknownFirmware(long sequence) {
        return report(sequence, EVIL_FIRMWARE_SHA256, ALLOWED_PEER_HOST, ALLOWED_PEER_PORT, 3);
    }

    public static String forbiddenPeer(long sequence) {
        return report(sequence, FIRMWARE_SHA256, FORBIDDEN_PEER_HOST, FORBIDDEN_PEER_PORT, 120);
    }

    public static String report(long sequence, String firmwareSha256, String peerHost, int peerPort, long messages) {
        JsonObject firmware = new JsonObject();
        firmware.addProperty("name", FIRMWARE_NAME);
        firmware.addProperty("version", FIRMWARE_VERSION);
        firmware.addProperty("sha256", firmwareSha256);
        JsonArray tasks = new JsonArray();
        tasks.add(named("sampler", TASK_SAMPLER_SHA256));
        tasks.add(named("uplink", TASK_UPLINK_SHA256));
        JsonObject software = new JsonObject();
        software.add("firmware", firmware);
        software.add("tasks", tasks);
        JsonObject peer = new JsonObject();
        peer.addProperty("host", peerHost);
        peer.addProperty("port", peerPort);
        peer.addProperty("protocol", "tcp");
        peer.addProperty("messages", messages);
        peer.addProperty("bytes", messages * 96);
        JsonArray peers = new JsonArray();
        peers.add(peer);
        JsonObject communication = new JsonObject();
        communication.add("peers", peers);
        JsonObject report = new JsonObject();
        report.addProperty("schema", SCHEMA);
        report.addProperty("sequence", sequence);
        report.add("software", software);
        report.add("communication", communication);
        return report.toString();
    }

    private static JsonObject named(String name, String sha256) {
        JsonObject task = new JsonObject();
        task.addProperty("name", name);
        task.addProperty("sha256", sha256);
        return task;
    }

    /** The baseline the simulated fleet's device class should have, as monitor configuration values. */
    public static List<String> baselineFirmware() {
        return List.of(FIRMWARE_SHA256);
    }

    public static List<String> baselineTasks() {
        return List.of(TASK_SAMPLER_SHA256, TASK_UPLINK_SHA256);
    }

    public static List<String> baselinePeers() {
        return List.of(ALLOWED_PEER_HOST + ":" + ALLOWED_PEER_PORT);
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
