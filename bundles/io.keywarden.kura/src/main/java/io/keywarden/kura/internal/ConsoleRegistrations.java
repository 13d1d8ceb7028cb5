package io.keywarden.kura.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the components of the ACME, revocation, monitor, fleet and EST bundles appear in the Kura console. Kura lists a configuration only
 * while a {@link ConfigurableComponent} service carries its pid; those bundles must run without Kura, so they cannot
 * import that interface, and their components are down whenever their configuration is invalid, which is exactly when
 * the operator needs to see them. Kura finds the metatype by pid in whichever bundle declares it, so markers
 * registered here suffice: one per singleton pid, one per factory configuration.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class ConsoleRegistrations implements ConfigurationListener {
    /** Configurations of the Keywarden bundles that cannot register themselves (they must run without Kura). */
    static final List<String> SINGLETON_PIDS = List.of(
            "io.keywarden.acme.gateway",
            "io.keywarden.revocation",
            "io.keywarden.monitor",
            "io.keywarden.fleet",
            "io.keywarden.est");

    static final List<String> FACTORY_PIDS =
            List.of("io.keywarden.acme.sensor", "io.keywarden.revocation.authority", "io.keywarden.est.class");
    private static final String KURA_SERVICE_PID = "kura.service.pid";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRegistrations.class);

    /** Kura calls nothing on a configurable component, it only reads the service properties. */
    private static final class Marker implements ConfigurableComponent {}

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final Map<String, ServiceRegistration<ConfigurableComponent>> registrations = new HashMap<>();

    @Activate
    public ConsoleRegistrations(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        SINGLETON_PIDS.forEach(pid -> register(pid, pid, null));
        for (String factoryPid : FACTORY_PIDS) {
            try {
                Configuration[] instances = configurationAdmin.listConfigurations(
                        "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")");
                if (instances != null) {
                    for (Configuration c : instances) {
                        register(c.getPid(), kuraPid(c), factoryPid);
                    }
                }
            } catch (IOException | InvalidSyntaxException e) {
                LOG.warn("Cannot list the configurations of {}: {}", factoryPid, e.toString());
            }
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        // most events are for singleton configurations (factory pid null), and List.of(...).contains(null) throws:
        // Kura's ConfigurationAdmin would log that as an ERROR on every configuration change of any component
        String factoryPid = event.getFactoryPid();
        if (factoryPid == null || !FACTORY_PIDS.contains(factoryPid)) {
            return;
        }
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            unregister(event.getPid());
            return;
        }
        try {
            Configuration c = configurationAdmin.getConfiguration(event.getPid(), null);
            register(c.getPid(), kuraPid(c), factoryPid);
        } catch (IOException e) {
            LOG.warn("Cannot read configuration {}: {}", event.getPid(), e.toString());
        }
    }

    private static String kuraPid(Configuration c) {
        Object p = c.getProperties() == null ? null : c.getProperties().get(KURA_SERVICE_PID);
        return p instanceof String s ? s : c.getPid();
    }

    private synchronized void register(String servicePid, String kuraPid, String factoryPid) {
        if (registrations.containsKey(servicePid)) {
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, servicePid);
        props.put(KURA_SERVICE_PID, kuraPid);
        if (factoryPid != null) {
            props.put(ConfigurationAdmin.SERVICE_FACTORYPID, factoryPid);
        }
        registrations.put(servicePid, context.registerService(ConfigurableComponent.class, new Marker(), props));
    }

    private synchronized void unregister(String servicePid) {
        ServiceRegistration<ConfigurableComponent> r = registrations.remove(servicePid);
        if (r != null) {
            r.unregister();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        for (ServiceRegistration<ConfigurableComponent> r : registrations.values()) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        registrations.clear();
    }
}
