package io.keywarden.demo;

/** {@link FleetRevocationTest} with the authority's state (both components) in a real PostgreSQL. */
class FleetRevocationPostgresTest extends FleetRevocationTest {
    @Override
    AuthorityDatabases.Kind kind() {
        return AuthorityDatabases.Kind.POSTGRESQL;
    }
}
