package io.keywarden.demo;

/** {@link TrustTheCaTest} with the authority's state (both components) in a real PostgreSQL. */
class TrustTheCaPostgresTest extends TrustTheCaTest {
    @Override
    AuthorityDatabases.Kind kind() {
        return AuthorityDatabases.Kind.POSTGRESQL;
    }
}
