package io.keywarden.demo;

/** {@link TrustTheCaTest} with the authority's state (both components) in embedded H2. */
class TrustTheCaH2Test extends TrustTheCaTest {
    @Override
    AuthorityDatabases.Kind kind() {
        return AuthorityDatabases.Kind.H2;
    }
}
