package io.keywarden.kura.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.keywarden.api.est.EnrollmentCodes;

/**
 * EnrollmentCodes as its contract says (the EST bundle's implementation is tested there): malformed device ids and
 * non-positive validities are IllegalArgumentException, device ids it does not expect too; it keeps the codes it
 * made so a test can look for them where they must not be.
 */
final class FakeEnrollmentCodes implements EnrollmentCodes {
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    final Map<String, String> issued = new TreeMap<>();
    final List<Duration> validities = new ArrayList<>();
    int calls;

    @Override
    public Issued create(String deviceId, Duration validity) {
        calls++;
        check(deviceId);
        if (validity != null && (validity.isNegative() || validity.isZero())) {
            throw new IllegalArgumentException("the validity of a code must be positive: " + validity);
        }
        if (!deviceId.startsWith("sensor-")) {
            throw new IllegalArgumentException("no device class expects " + deviceId + " and accepts enrollment codes");
        }
        String code = "CODE-" + deviceId.hashCode() + "-" + issued.size() + "-SECRET";
        issued.put(deviceId, code);
        validities.add(validity);
        return new Issued(deviceId, code, NOW.plus(validity == null ? Duration.ofHours(72) : validity));
    }

    @Override
    public boolean revoke(String deviceId) {
        calls++;
        check(deviceId);
        return issued.remove(deviceId) != null;
    }

    @Override
    public List<Listed> list() {
        calls++;
        List<Listed> out = new ArrayList<>();
        issued.keySet().forEach(id -> out.add(new Listed(id, NOW.plus(Duration.ofHours(72)), State.UNUSED)));
        return out;
    }

    private static void check(String deviceId) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("malformed device id");
        }
    }
}
