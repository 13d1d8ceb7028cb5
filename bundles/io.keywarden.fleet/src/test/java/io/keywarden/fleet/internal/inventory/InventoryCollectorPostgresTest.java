package io.keywarden.fleet.internal.inventory;

import io.keywarden.fleet.internal.log.TestStores;

/** {@link InventoryCollectorTest} with the issuance logs in a real PostgreSQL. */
class InventoryCollectorPostgresTest extends InventoryCollectorTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.POSTGRESQL;
    }
}
