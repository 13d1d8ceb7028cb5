package io.keywarden.demo;

/** {@link FleetRevocationTest} with the authority's state (both components) in embedded H2. */
class FleetRevocationH2Test extends FleetRevocationTest {
    @Override
    AuthorityDatabases.Kind kind() {
        return AuthorityDatabases.Kind.H2;
    }
}
