package org.eclipse.kura.configuration;

import org.osgi.annotation.versioning.ConsumerType;

/** Marker of a service the Kura console lists and configures (with service.pid, kura.service.pid and metatype). */
@ConsumerType
public interface ConfigurableComponent {}
