package io.keywarden.fleet.internal.inventory;

import io.keywarden.fleet.internal.log.TestStores;

/** {@link InventoryCollectorTest} with the issuance logs in embedded H2. */
class InventoryCollectorH2Test extends InventoryCollectorTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.H2;
    }
}
