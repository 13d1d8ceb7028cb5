package io.keywarden.kura.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The value of Kura's {@code firewall.open.ports} (PID {@value #FIREWALL_PID}): entries separated by {@code ;}, each
 * {@code port,protocol,permittedNetwork,permittedInterface,unpermittedInterface,permittedMAC,sourcePortRange,#}, as
 * Kura's console writes them (an unrestricted network is {@code 0.0.0.0/0}). Only whole entries are added or removed;
 * every other entry keeps its exact text.
 */
final class FirewallOpenPorts {
    static final String FIREWALL_PID = "org.eclipse.kura.net.admin.FirewallConfigurationService";
    static final String PROPERTY = "firewall.open.ports";
    private static final String ANY_NETWORK = "0.0.0.0/0";

    private FirewallOpenPorts() {}

    /** The entry opening {@code port}/tcp from any network on {@code iface}. */
    static String entry(int port, String iface) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1-65535");
        }
        if (iface == null || !iface.matches("[A-Za-z0-9._-]{1,15}")) {
            throw new IllegalArgumentException("interface name " + iface + " is not a Linux interface name");
        }
        return port + ",tcp," + ANY_NETWORK + "," + iface + ",,,,#";
    }

    /**
     * True if {@code value} already opens the entry's port and protocol on its interface from any network, however
     * it is written (Kura's own defaults leave the network empty).
     */
    static boolean opens(String value, String entry) {
        List<String> wanted = fields(entry);
        return segments(value).stream()
                .map(FirewallOpenPorts::fields)
                .anyMatch(f -> f.size() >= 4
                        && f.get(0).equals(wanted.get(0))
                        && f.get(1).toLowerCase(Locale.ROOT).equals(wanted.get(1))
                        && (f.get(2).isEmpty() || f.get(2).equals(ANY_NETWORK))
                        && f.get(3).equals(wanted.get(3))
                        && (f.size() < 5 || f.get(4).isEmpty())
                        && (f.size() < 6 || f.get(5).isEmpty())
                        && (f.size() < 7 || f.get(6).isEmpty() || f.get(6).equals("#")));
    }

    /** {@code value} with {@code entry} appended. */
    static String add(String value, String entry) {
        String v = value == null ? "" : value;
        if (v.isBlank()) {
            return entry + ";";
        }
        return v.endsWith(";") ? v + entry + ";" : v + ";" + entry;
    }

    /** {@code value} without the first segment that is exactly {@code entry}; unchanged if there is none. */
    static String remove(String value, String entry) {
        if (value == null) {
            return "";
        }
        List<String> parts = new ArrayList<>(Arrays.asList(value.split(";", -1)));
        int at = -1;
        for (int i = 0; i < parts.size() && at < 0; i++) {
            at = parts.get(i).trim().equals(entry) ? i : -1;
        }
        if (at < 0) {
            return value;
        }
        parts.remove(at);
        String joined = String.join(";", parts);
        return joined.equals(";") || joined.isEmpty() ? "" : joined;
    }

    private static List<String> segments(String value) {
        List<String> out = new ArrayList<>();
        for (String s : Objects.toString(value, "").split(";")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static List<String> fields(String entry) {
        return Arrays.asList(entry.split(",", -1));
    }
}
