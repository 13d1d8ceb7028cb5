package io.keywarden.revocation.internal.escrow;

import java.nio.file.Path;

import io.keywarden.revocation.internal.store.TestStores;

/** Every test of {@link EscrowVaultTest} with the deposits in PostgreSQL (skipped locally without it, fails in CI). */
class EscrowVaultPostgresTest extends EscrowVaultTest {
    @Override
    TestStores newStores(Path dir) throws Exception {
        return TestStores.postgres();
    }
}
