package io.keywarden.fleet.internal.log;

/** {@link JdbcLogStoreTest} on H2. */
class JdbcLogStoreH2Test extends JdbcLogStoreTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.H2;
    }
}
