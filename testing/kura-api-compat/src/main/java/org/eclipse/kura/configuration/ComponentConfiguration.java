package org.eclipse.kura.configuration;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A component's pid and current configuration as Kura's ConfigurationService returns it. Kura's interface also has
 * {@code getDefinition()} (the metatype OCD of org.eclipse.kura.configuration.metatype); the stand-in leaves it and that
 * package out, and the signature test lists it as the one member knowingly missing.
 */
@ProviderType
public interface ComponentConfiguration {

    String getPid();

    Map<String, Object> getConfigurationProperties();
}
