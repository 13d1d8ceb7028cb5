package io.keywarden.itests;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
import org.eclipse.kura.cloudconnection.request.RequestHandler;
import org.eclipse.kura.cloudconnection.request.RequestHandlerRegistry;

/**
 * Hand-written stand-ins for the Kura services the adapter uses, registered as real OSGi services by the tests: a
 * cloud publisher that records what it is given and a request handler registry. The keystore is
 * {@link FakeKuraKeystore}, the crypto service {@link FakeKuraCrypto}.
 */
final class KuraFakes {

    private KuraFakes() {}

    /** Records every message; never connected to anything. */
    static final class Publisher implements CloudPublisher {
        final List<KuraMessage> published = new CopyOnWriteArrayList<>();

        @Override
        public String publish(KuraMessage message) {
            published.add(message);
            return String.valueOf(published.size());
        }

        @Override
        public void registerCloudConnectionListener(CloudConnectionListener l) {}

        @Override
        public void unregisterCloudConnectionListener(CloudConnectionListener l) {}

        @Override
        public void registerCloudDeliveryListener(CloudDeliveryListener l) {}

        @Override
        public void unregisterCloudDeliveryListener(CloudDeliveryListener l) {}
    }

    /** Keeps the handlers registered with it, as a cloud connection's registry would route to them. */
    static final class Registry implements RequestHandlerRegistry {
        final Map<String, RequestHandler> handlers = Collections.synchronizedMap(new HashMap<>());
        final List<String> unregistered = new CopyOnWriteArrayList<>();

        @Override
        public void registerRequestHandler(String id, RequestHandler handler) {
            handlers.put(id, handler);
        }

        @Override
        public void unregister(String id) {
            handlers.remove(id);
            unregistered.add(id);
        }
    }

    static List<String> args(String... segments) {
        return new ArrayList<>(List.of(segments));
    }
}
