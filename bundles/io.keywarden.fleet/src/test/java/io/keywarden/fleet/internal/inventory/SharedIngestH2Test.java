package io.keywarden.fleet.internal.inventory;

import io.keywarden.fleet.internal.log.TestStores;

/** {@link SharedIngestTest} with the issuance logs in embedded H2. */
class SharedIngestH2Test extends SharedIngestTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.H2;
    }
}
