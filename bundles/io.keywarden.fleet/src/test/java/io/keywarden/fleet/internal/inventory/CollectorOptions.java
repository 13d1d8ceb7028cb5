package io.keywarden.fleet.internal.inventory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestCa;

/** The fleet configuration of an authority that collects inventories and trusts {@code ca}, under {@code dir}. */
final class CollectorOptions {
    private CollectorOptions() {}

    static Map<String, Object> of(TestCa ca, Path dir) throws Exception {
        Path roots = dir.resolve("roots.pem");
        Files.createDirectories(dir);
        Files.writeString(roots, Pem.encode("CERTIFICATE", ca.certificate().getEncoded()));
        Map<String, Object> p = new HashMap<>();
        p.put("mqtt.broker.url", "tcp://127.0.0.1:1883");
        p.put("fleet.id", "f");
        p.put("notices.apply", "false");
        p.put("inventory.collect", "true");
        p.put("inventory.ca.roots", roots.toString());
        p.put("escrow.deposit.dir", dir.resolve("deposits").toString());
        p.put("data.dir", dir.resolve("data").toString());
        return p;
    }
}
