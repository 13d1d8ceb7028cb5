package io.keywarden.support.config;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The services a configured component registers itself, from activate() once its configuration is valid (the
 * component is declared with {@code service = {}}: a DS-declared service would stay registered after activate()
 * throws on a bad configuration). Unregistered in reverse order on deactivate.
 */
public final class Registrations {
    private final BundleContext context;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    public Registrations(BundleContext context) {
        this.context = context;
    }

    public synchronized <S> ServiceRegistration<S> register(
            Class<S> type, S service, Dictionary<String, ?> properties) {
        ServiceRegistration<S> r = context.registerService(type, service, properties);
        registrations.add(r);
        return r;
    }

    public synchronized ServiceRegistration<?> register(
            String[] types, Object service, Dictionary<String, ?> properties) {
        ServiceRegistration<?> r = context.registerService(types, service, properties);
        registrations.add(r);
        return r;
    }

    /** Unregisters everything registered so far, newest first; a registration the framework already dropped is skipped. */
    public synchronized void unregisterAll() {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        registrations.clear();
    }
}
