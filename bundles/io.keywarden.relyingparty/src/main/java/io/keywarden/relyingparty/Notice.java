package io.keywarden.relyingparty;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** What a revocation notice says: which certificates the authority revoked, under which ticket, when, and why. */
public record Notice(
        String ticketId, List<String> serials, List<String> deviceIds, int reason, Instant issuedAt, String authority) {

    /** Lowercase hexadecimal without leading zeros, at most 20 octets (RFC 5280 §4.1.2.2). */
    private static final Pattern SERIAL = Pattern.compile("[1-9a-f][0-9a-f]{0,39}|0");

    private static final Pattern SAFE_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Notice {
        requireNonNull(ticketId, "ticketId");
        serials = List.copyOf(serials);
        deviceIds = List.copyOf(deviceIds);
        requireNonNull(issuedAt, "issuedAt");
        requireNonNull(authority, "authority");
        if (ticketId.isBlank()) {
            throw new IllegalArgumentException("a notice needs a ticket id");
        }
        if (serials.isEmpty()) {
            throw new IllegalArgumentException("a notice names at least one serial");
        }
        for (String s : serials) {
            if (!SERIAL.matcher(s).matches()) {
                throw new IllegalArgumentException("not a lowercase hexadecimal serial: " + s);
            }
        }
        if (reason < 0 || reason > 10 || reason == 7) {
            throw new IllegalArgumentException("not an RFC 5280 reason code: " + reason);
        }
    }

    /** Ticket ids become MQTT topic levels: ids outside a safe alphabet are replaced by their SHA-256. */
    public static String topicSafe(String ticketId) {
        if (SAFE_LEVEL.matcher(ticketId).matches()) {
            return ticketId;
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(ticketId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
