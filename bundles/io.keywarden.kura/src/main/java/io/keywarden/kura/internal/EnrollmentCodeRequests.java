package io.keywarden.kura.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keywarden.api.est.EnrollmentCodes;

/**
 * Enrollment codes over REST and KEYWARDEN-V1: the arguments both take and the documents both answer. The code's value
 * appears only in the answer to its creation; the list shows device, state and expiry. Nothing here logs.
 */
final class EnrollmentCodeRequests {
    /** The longest validity an operator may give a code remotely: a year. */
    static final long MAX_HOURS = 24L * 366;

    private EnrollmentCodeRequests() {}

    /**
     * The validity from its text form, in whole hours; null (the EST server's default) when absent.
     *
     * @throws IllegalArgumentException not a whole number of hours from 1 to {@value #MAX_HOURS}
     */
    static Duration validity(String hours) {
        if (hours == null || hours.isEmpty()) {
            return null;
        }
        long h;
        try {
            h = Long.parseLong(hours.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hours must be a whole number: " + shorten(hours));
        }
        if (h < 1 || h > MAX_HOURS) {
            throw new IllegalArgumentException("hours must be from 1 to " + MAX_HOURS + ": " + h);
        }
        return Duration.ofHours(h);
    }

    /** The answer to a creation: the only place the code's value is ever shown. */
    static Map<String, Object> issued(EnrollmentCodes.Issued issued) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device.id", issued.getDeviceId());
        m.put("code", issued.getCode());
        m.put("expires.at", issued.getExpiresAt().toString());
        return m;
    }

    static List<Map<String, Object>> listed(List<EnrollmentCodes.Listed> codes) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EnrollmentCodes.Listed l : codes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device.id", l.getDeviceId());
            m.put("state", l.getState().name());
            m.put("expires.at", l.getExpiresAt().toString());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> withdrawn(String deviceId, boolean withdrawn) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device.id", deviceId);
        m.put("withdrawn", withdrawn);
        return m;
    }

    /** An argument echoed in an error, cut short (it is the caller's input). */
    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
