package io.keywarden.revocation.internal.queue;

import io.keywarden.revocation.internal.store.TestStores;

/** Every test of {@link RevocationQueueTest} with the journal on PostgreSQL (skipped locally without it, fails in CI). */
class RevocationQueuePostgresTest extends RevocationQueueTest {
    @Override
    TestStores newStores() throws Exception {
        return TestStores.postgres();
    }
}
