package io.keywarden.api.monitor;

import java.time.Instant;
import java.util.Map;

/**
 * What the gateway itself saw of one sensor on the channel, independent of what the sensor reports.
 *
 * @param deviceId the device its certificate belongs to
 * @param serial the certificate it last presented
 * @param lastSource the address its last request came from
 * @param lastSeen when its last request arrived
 * @param requests requests since the monitor started
 * @param requestsLastSecond requests in the last second
 * @param endpoints requests per path
 * @param lastReportAt when its last valid status report arrived, or null
 */
public record SensorActivity(
        String deviceId,
        String serial,
        String lastSource,
        Instant lastSeen,
        long requests,
        int requestsLastSecond,
        Map<String, Long> endpoints,
        Instant lastReportAt) {}
