package io.keywarden.fleet.internal.log;

/** {@link JdbcLogStoreTest} on Postgres. */
class JdbcLogStorePostgresTest extends JdbcLogStoreTest {
    @Override
    TestStores.Kind kind() {
        return TestStores.Kind.POSTGRESQL;
    }
}
