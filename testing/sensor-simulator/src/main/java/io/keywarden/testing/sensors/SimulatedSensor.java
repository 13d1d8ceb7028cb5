package io.keywarden.testing.sensors;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import com.google.gson.JsonObject;

/**
 * One simulated sensor: its own key, the certificate the gateway got for it, and a channel client. It reports
 * normally until {@link #actMaliciously} is called with its profile; the containment measurement is then
 * {@link #actAndMeasure}.
 */
public final class SimulatedSensor implements AutoCloseable {
    private final String deviceId;
    private final KeyPair key;
    private final List<X509Certificate> chain;
    private final Profile profile;
    private final ChannelClient client;
    private long sequence;

    public SimulatedSensor(
            String deviceId,
            KeyPair key,
            List<X509Certificate> chain,
            Profile profile,
            InetSocketAddress gateway,
            List<X509Certificate> trusted) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.key = key;
        this.chain = List.copyOf(chain);
        this.profile = Objects.requireNonNull(profile, "profile");
        this.client = new ChannelClient(gateway, key.getPrivate(), chain, trusted, 5000);
    }

    public String deviceId() {
        return deviceId;
    }

    public Profile profile() {
        return profile;
    }

    public KeyPair key() {
        return key;
    }

    /** Its certificate chain, leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public String serial() {
        return chain.get(0).getSerialNumber().toString(16);
    }

    public ChannelClient client() {
        return client;
    }

    /** A well-behaved status report. */
    public ChannelClient.Result report() {
        return client.post("/v1/report", Reports.normal(++sequence, 10));
    }

    /** A reading, as sensors send their data. */
    public ChannelClient.Result sendData(double value) {
        JsonObject reading = new JsonObject();
        reading.addProperty("temperature", value);
        return client.post("/v1/data", reading.toString());
    }

    public ChannelClient.Result status() {
        return client.get("/v1/status");
    }

    /**
     * Does what its profile says, once: the report that shows the compromise, or for {@link Profile#FLOOD} a burst of
     * {@code floodRequests} requests (stopping at the first refusal). {@link Profile#SILENT} and
     * {@link Profile#WELL_BEHAVED} send nothing. Returns the last answer, or null when nothing was sent.
     */
    public ChannelClient.Result actMaliciously(int floodRequests) {
        return switch (profile) {
            case UNKNOWN_FIRMWARE -> client.post("/v1/report", Reports.unknownFirmware(++sequence));
            case FORBIDDEN_PEER -> client.post("/v1/report", Reports.forbiddenPeer(++sequence));
            case FLOOD -> {
                ChannelClient.Result last = null;
                for (int i = 0; i < floodRequests; i++) {
                    last = sendData(i);
                    if (last.isRefused()) {
                        break;
                    }
                }
                yield last;
            }
            case SILENT, WELL_BEHAVED -> null;
        };
    }

    /** Timings of one malicious act, from {@link System#nanoTime()}. */
    public record Containment(
            long actStartedNanos,
            long actAnsweredNanos,
            long refusedNanos,
            ChannelClient.Result actAnswer,
            ChannelClient.Result refusal,
            int requestsAfterAct) {

        public double refusalMillis() {
            return (refusedNanos - actStartedNanos) / 1e6;
        }

        /** How long the gateway took to answer the malicious request itself. */
        public double actMillis() {
            return (actAnsweredNanos - actStartedNanos) / 1e6;
        }
    }

    /**
     * Acts maliciously, then keeps sending requests as a compromised device would, until one is refused or
     * {@code timeoutMillis} pass. The refusal time is when the first refused answer to a request sent after the act
     * arrived.
     */
    public Containment actAndMeasure(int floodRequests, long timeoutMillis) {
        long start = System.nanoTime();
        ChannelClient.Result act = actMaliciously(floodRequests);
        long answered = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        int after = 0;
        while (System.nanoTime() < deadline) {
            ChannelClient.Result r = client.post("/v1/report", Reports.normal(++sequence, 1));
            after++;
            if (r.isRefused()) {
                return new Containment(start, answered, System.nanoTime(), act, r, after);
            }
        }
        return new Containment(start, answered, -1, act, null, after);
    }

    @Override
    public void close() {
        client.close();
    }
}
