package org.eclipse.kura.cloudconnection.request;

import java.util.Collections;
import java.util.Map;

import org.eclipse.kura.cloudconnection.publisher.CloudNotificationPublisher;
import org.osgi.annotation.versioning.ProviderType;

/** What a handler gets besides the request: a publisher for notifications and the connection's properties. */
@ProviderType
public class RequestHandlerContext {
    private final CloudNotificationPublisher notificationPublisher;
    private final Map<String, String> contextProperties;

    public RequestHandlerContext(
            CloudNotificationPublisher notificationPublisher, Map<String, String> contextProperties) {
        this.notificationPublisher = notificationPublisher;
        this.contextProperties = contextProperties;
    }

    public CloudNotificationPublisher getNotificationPublisher() {
        return notificationPublisher;
    }

    public Map<String, String> getContextProperties() {
        return Collections.unmodifiableMap(contextProperties);
    }
}
