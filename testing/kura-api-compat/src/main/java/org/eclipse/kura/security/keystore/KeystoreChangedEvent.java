package org.eclipse.kura.security.keystore;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.event.Event;

/** Posted by a keystore service after its content changed; carries the keystore's kura.service.pid. */
@ProviderType
public class KeystoreChangedEvent extends Event {
    public static final String EVENT_TOPIC = "org/eclipse/kura/security/keystore/KeystoreChangedEvent/KEYSTORE_CHANGED";
    public static final String SENDER_PID_PROPERTY_KEY = "sender.pid";

    public KeystoreChangedEvent(String senderPid) {
        super(EVENT_TOPIC, Map.of(SENDER_PID_PROPERTY_KEY, senderPid));
    }

    public String getSenderPid() {
        return (String) getProperty(SENDER_PID_PROPERTY_KEY);
    }
}
