package io.keywarden.itests;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.keywarden.testing.dns.BindServer;

/**
 * Driver side only: the test BIND 9 for dns-01. Zone {@value ItProperties#DNS_ZONE} holds A records (127.0.0.1) for
 * the gateways and sensors of the dns-01 tests, and a CNAME delegating {@code _acme-challenge.gw-cname} into
 * {@value ItProperties#DNS_DELEGATED_ZONE}. Each zone lets exactly one key write TXT records in it.
 */
final class TestDns {
    static final List<String> GATEWAYS =
            List.of("gw-dns", "gw-wrongkey", "gw-renew", "gw-cname", "gw-mixed", "gw-whiteboard");

    private TestDns() {}

    static BindServer start(Path dir) {
        List<String> records = new ArrayList<>();
        GATEWAYS.forEach(g -> records.add(g + " A 127.0.0.1"));
        for (int i = 1; i <= ItProperties.DNS_SENSORS; i++) {
            records.add("sensor-" + i + " A 127.0.0.1");
        }
        // txt-only (a sensor) has no A record on purpose: only dns-01 can prove it
        records.add("_acme-challenge.gw-cname CNAME gw-cname." + ItProperties.DNS_DELEGATED_ZONE + ".");
        BindServer bind = BindServer.builder(dir)
                .key(ItProperties.DNS_GATEWAY_KEY)
                .key(ItProperties.DNS_DELEGATE_KEY)
                .zone(ItProperties.DNS_ZONE, records, "grant " + ItProperties.DNS_GATEWAY_KEY + ". zonesub TXT;")
                .zone(
                        ItProperties.DNS_DELEGATED_ZONE,
                        List.of(),
                        "grant " + ItProperties.DNS_DELEGATE_KEY + ". zonesub TXT;")
                .resolving()
                .build()
                .start();
        System.setProperty(ItProperties.BIND_ADDRESS, bind.address());
        for (String key : List.of(ItProperties.DNS_GATEWAY_KEY, ItProperties.DNS_DELEGATE_KEY)) {
            System.setProperty(ItProperties.bindSecret(key), bind.secret(key));
        }
        return bind;
    }
}
