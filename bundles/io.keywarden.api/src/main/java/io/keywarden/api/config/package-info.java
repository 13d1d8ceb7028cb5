/**
 * Configuration as the platform delivers it. On Eclipse Kura every {@code Password}-typed property reaches a component
 * encrypted by Kura's ConfigurationService; a {@link SecretDecoder} (registered by the Kura adapter) turns it back into
 * the value the operator typed. Elsewhere (standalone runtime, Karaf) there is none and the values are plain.
 */
@Version("1.0.0")
@Export
package io.keywarden.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
