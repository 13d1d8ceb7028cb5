package org.eclipse.kura.cloudconnection.message;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.message.KuraPayload;
import org.osgi.annotation.versioning.ProviderType;

/** A payload with the properties a cloud connection needs to route it. */
@ProviderType
public class KuraMessage {
    private final KuraPayload payload;
    private final Map<String, Object> properties;

    public KuraMessage(KuraPayload payload) {
        this(payload, new HashMap<>());
    }

    public KuraMessage(KuraPayload payload, Map<String, Object> properties) {
        this.payload = payload;
        this.properties = properties == null ? new HashMap<>() : properties;
    }

    public Map<String, Object> getProperties() {
        return Collections.unmodifiableMap(properties);
    }

    public KuraPayload getPayload() {
        return payload;
    }
}
