package io.keywarden.est.internal;

import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.GatewayEnrollmentService;
import io.keywarden.api.enrollment.SensorEnrollmentService;
import io.keywarden.api.est.EnrollmentCodes;
import io.keywarden.api.fleet.FleetEvents;
import io.keywarden.api.monitor.DeviceMonitor;
import io.keywarden.api.revocation.DenyList;
import io.keywarden.est.internal.policy.DeviceClass;
import io.keywarden.est.internal.shell.EstCommands;

/**
 * The EST server as an OSGi component: ACME (the enrollment bundle's services) behind it, the deny lists and the
 * monitor's quarantine consulted at every re-enrollment, device classes from their factory configurations.
 */
@Component(
        configurationPid = EstOptions.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = EnrollmentCodes.class)
@Designate(ocd = EstConfig.class)
public final class EstComponent implements EnrollmentCodes {
    private static final Logger LOG = LoggerFactory.getLogger(EstComponent.class);
    /** This node's own inventory, never one the fleet bundle serves for a remote gateway. */
    private static final String LOCAL_INVENTORY =
            "(!(" + FleetEvents.INVENTORY_SOURCE_PROPERTY + "=" + FleetEvents.INVENTORY_SOURCE_FLEET + "))";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<DenyList> denyLists = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile DeviceMonitor monitor;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<DeviceClassComponent> classes = new CopyOnWriteArrayList<>();

    private final GatewayEnrollmentService gateway;
    private final SensorEnrollmentService sensors;
    private final CertificateInventory inventory;
    private EstRuntime runtime;
    private ServiceRegistration<?> commands;

    @Activate
    public EstComponent(
            @Reference GatewayEnrollmentService gateway,
            @Reference SensorEnrollmentService sensors,
            @Reference(target = LOCAL_INVENTORY) CertificateInventory inventory) {
        this.gateway = gateway;
        this.sensors = sensors;
        this.inventory = inventory;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws IOException {
        File area = context.getDataFile("est");
        EstOptions options;
        try {
            options = EstOptions.parse(properties, area == null ? null : area.toPath());
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} rejected, the EST server stays stopped: {}", EstOptions.PID, e.getMessage());
            throw e;
        }
        runtime = new EstRuntime(
                options,
                gateway,
                sensors,
                inventory,
                this::deviceClasses,
                serial -> denyLists.stream().anyMatch(d -> d.isDenied(serial)),
                serial -> denyLists.stream().anyMatch(d -> d.releasedAt(serial).isPresent()),
                id -> {
                    DeviceMonitor m = monitor;
                    return m != null && m.isQuarantined(id);
                },
                this::post,
                Clock.systemUTC());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", EstCommands.SCOPE);
        props.put("osgi.command.function", EstCommands.FUNCTIONS);
        commands = context.registerService(EstCommands.class, new EstCommands(runtime, runtime), props);
    }

    @Deactivate
    void deactivate() {
        if (commands != null) {
            try {
                commands.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private List<DeviceClass> deviceClasses() {
        List<DeviceClass> out = new ArrayList<>();
        classes.forEach(c -> out.add(c.get()));
        return out;
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            try {
                ea.postEvent(new Event(topic, properties));
            } catch (RuntimeException e) {
                LOG.debug("Event {} not posted: {}", topic, e.toString());
            }
        }
    }

    @Override
    public Issued create(String deviceId, Duration validity) {
        return runtime.create(deviceId, validity);
    }

    @Override
    public boolean revoke(String deviceId) {
        return runtime.revoke(deviceId);
    }

    @Override
    public List<Listed> list() {
        return runtime.list();
    }
}
