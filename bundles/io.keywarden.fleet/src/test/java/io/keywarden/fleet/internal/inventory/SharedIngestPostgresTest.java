package io.keywarden.fleet.internal.inventory;

import io.keywarden.fleet.internal.log.TestStores;

/** {@link SharedIngestTest} with the issuance logs in a real PostgreSQL. */
class SharedIngestPostgresTest extends SharedIngestTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.POSTGRESQL;
    }
}
