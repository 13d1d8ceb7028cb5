package org.eclipse.kura.cloudconnection.publisher;

import org.osgi.annotation.versioning.ProviderType;

/** Publishes notifications about a request being served (the progress of a long operation). */
@ProviderType
public interface CloudNotificationPublisher extends CloudPublisher {}
