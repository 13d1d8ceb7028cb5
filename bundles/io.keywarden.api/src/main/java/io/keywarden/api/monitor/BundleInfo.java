package io.keywarden.api.monitor;

/**
 * An OSGi bundle installed on the gateway.
 *
 * @param id bundle id
 * @param symbolicName Bundle-SymbolicName
 * @param version Bundle-Version
 * @param location where it was installed from
 * @param state {@code ACTIVE}, {@code RESOLVED}, ...
 * @param sha256 lowercase hex SHA-256 of the bundle's content where the location can be read, else null
 */
public record BundleInfo(long id, String symbolicName, String version, String location, String state, String sha256) {}
