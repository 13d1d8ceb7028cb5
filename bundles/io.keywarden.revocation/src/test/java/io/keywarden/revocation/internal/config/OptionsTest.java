package io.keywarden.revocation.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keywarden.api.revocation.RevocationRoute;
import io.keywarden.revocation.internal.authority.Authority;
import io.keywarden.revocation.internal.authority.AuthorityOptions;
import io.keywarden.revocation.internal.authority.Role;
import io.keywarden.support.config.InvalidConfigurationException;
import io.keywarden.support.pem.Pem;
import io.keywarden.testing.pki.TestKeys;

/** Policy and authority configurations: defaults, and every wrong value named by its property. */
class OptionsTest {

    @TempDir
    Path dir;

    @Test
    void thePolicyHasUsableDefaultsAndNamesAWrongProperty() throws Exception {
        PolicyOptions o = PolicyOptions.parse(Map.of(), dir);
        assertEquals(
                List.of(
                        RevocationRoute.CUSTODIAN_ACCOUNT,
                        RevocationRoute.ESCROWED_ACCOUNT_KEY,
                        RevocationRoute.CERTIFICATE_KEY),
                o.getRoutes());
        assertEquals(dir.toAbsolutePath(), o.getDataDir());
        assertEquals(
                List.of(RevocationRoute.AUTHORIZATION_HOLDER, RevocationRoute.CUSTODIAN_ACCOUNT),
                PolicyOptions.parse(Map.of("routes", " authorization-holder , custodian_account"), dir)
                        .getRoutes());

        assertBad(Map.of("routes", "CUSTODIAN_ACCOUNT,TELEPATHY"), "routes");
        assertBad(Map.of("routes", "CUSTODIAN_ACCOUNT,CUSTODIAN_ACCOUNT"), "routes");
        assertBad(Map.of("routes", " , "), "routes");
        assertBad(Map.of("clock.skew.seconds", 600, "replay.window.seconds", 300), "replay.window.seconds");
        // equal is not enough: a request issued one skew ahead stays fresh for two skews after it first arrived
        assertTrue(assertBad(Map.of("clock.skew.seconds", 300, "replay.window.seconds", 300), "replay.window.seconds")
                .getMessage()
                .contains("at least twice clock.skew.seconds"));
        PolicyOptions.parse(Map.of("clock.skew.seconds", 300, "replay.window.seconds", 600), dir);
        assertBad(Map.of("rate.per.minute", "many"), "rate.per.minute");
        assertBad(Map.of("retry.initial.millis", 5000, "retry.max.seconds", 1), "retry.max.seconds");
        assertBad(Map.of("escrow.deposit.dir", dir.toString()), "escrow.private.key");
        InvalidConfigurationException noArea =
                assertThrows(InvalidConfigurationException.class, () -> PolicyOptions.parse(Map.of(), null));
        assertEquals("data.dir", noArea.getProperty());
    }

    @Test
    void anEscrowKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("authority.pem");
        Files.writeString(
                key,
                Pem.encode("PRIVATE KEY", TestKeys.ec("secp256r1").getPrivate().getEncoded()));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, Object> p = Map.of("escrow.private.key", key.toString(), "escrow.deposit.dir", dir.toString());
        InvalidConfigurationException e = assertBad(p, "escrow.private.key");
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertEquals(
                key.toAbsolutePath(),
                PolicyOptions.parse(p, dir).getEscrowPrivateKey().orElseThrow());
    }

    @Test
    void anAuthorityNeedsAKnownRoleAUsableKeyAndTheScopeItsRoleReads() throws Exception {
        String pem =
                Pem.encode("PUBLIC KEY", TestKeys.ec("secp256r1").getPublic().getEncoded());
        Path file = dir.resolve("monitor.pem");
        Files.writeString(file, pem);
        Authority a = AuthorityOptions.parse(Map.of(
                "authority.id",
                "monitor",
                "authority.role",
                "gateway-monitor",
                "authority.key",
                file.toString(),
                "authority.scope",
                "gw-a.example"));
        assertEquals(Role.GATEWAY_MONITOR, a.getRole());
        assertEquals(List.of("gw-a.example"), a.getScope());
        assertEquals(
                List.of("pump-*", "valve-1"),
                AuthorityOptions.parse(Map.of(
                                "authority.id",
                                "ops",
                                "authority.role",
                                "operator",
                                "authority.key",
                                pem,
                                "authority.scope",
                                "pump-*, valve-1"))
                        .getScope());

        Map<String, Object> base = new HashMap<>(Map.of(
                "authority.id", "x", "authority.role", "device", "authority.key", pem, "authority.scope", "sensor-1"));
        assertAuthorityBad(base, "authority.role", "emperor");
        assertAuthorityBad(base, "authority.key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----");
        assertAuthorityBad(
                base,
                "authority.key",
                Pem.encode("PUBLIC KEY", TestKeys.rsa(1024).getPublic().getEncoded()));
        assertAuthorityBad(base, "authority.key", dir.resolve("missing.pem").toString());
        assertAuthorityBad(base, "authority.scope", "sensor-1,sensor-2");
        assertAuthorityBad(base, "authority.id", "has space");
        base.put("authority.role", "operator");
        assertAuthorityBad(base, "authority.scope", "");
    }

    private static void assertAuthorityBad(Map<String, Object> base, String key, String value) {
        Map<String, Object> p = new HashMap<>(base);
        p.put(key, value);
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> AuthorityOptions.parse(p), key + "=" + value);
        assertEquals(key, e.getProperty(), e.getMessage());
    }

    private InvalidConfigurationException assertBad(Map<String, ?> p, String property) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> PolicyOptions.parse(p, dir), String.valueOf(p));
        assertEquals(property, e.getProperty(), e.getMessage());
        return e;
    }
}
