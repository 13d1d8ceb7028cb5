package io.keywarden.revocation.internal.queue;

import io.keywarden.revocation.internal.store.TestStores;

/** Every test of {@link CaTruthTest} with the journal on PostgreSQL (skipped locally without it, fails in CI). */
class CaTruthPostgresTest extends CaTruthTest {
    @Override
    TestStores newStores() throws Exception {
        return TestStores.postgres();
    }
}
