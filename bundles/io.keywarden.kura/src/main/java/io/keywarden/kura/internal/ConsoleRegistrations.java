package io.keywarden.kura.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Hashtable;
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
 * Makes the ACME bundle's components appear in the Kura console. Kura lists a configuration only while a
 * {@link ConfigurableComponent} service carries its pid; the ACME bundle must run without Kura, so it cannot import
 * that interface, and its gateway component is down whenever its configuration is invalid, which is exactly when the
 * operator needs to see it. Kura finds the metatype by pid in whichever bundle declares it, so markers registered here
 * suffice: one for the gateway pid, one per sensor factory configuration.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class ConsoleRegistrations implements ConfigurationListener {
    static final String GATEWAY_PID = "io.keywarden.acme.gateway";
    static final String SENSOR_FACTORY_PID = "io.keywarden.acme.sensor";
    private static final String KURA_SERVICE_PID = "kura.service.pid";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRegistrations.class);

    /** Kura calls nothing on a configurable component, it only reads the service properties. */
    private static final class Marker implements ConfigurableComponent {
    }

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final Map<String, ServiceRegistration<ConfigurableComponent>> registrations = new HashMap<>();

    @Activate
    public ConsoleRegistrations(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        register(GATEWAY_PID, GATEWAY_PID, null);
        try {
            Configuration[] sensors = configurationAdmin
                    .listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + SENSOR_FACTORY_PID + ")");
            if (sensors != null) {
                for (Configuration c : sensors) {
                    register(c.getPid(), kuraPid(c), SENSOR_FACTORY_PID);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot list the sensor configurations: {}", e.toString());
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!SENSOR_FACTORY_PID.equals(event.getFactoryPid())) {
            return;
        }
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            unregister(event.getPid());
            return;
        }
        try {
            Configuration c = configurationAdmin.getConfiguration(event.getPid(), null);
            register(c.getPid(), kuraPid(c), SENSOR_FACTORY_PID);
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
