package io.keywarden.monitor.internal.policy;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.keywarden.api.monitor.ResponseAction;

/**
 * Everything the monitor judges by: the baseline of each device class, which class each device is in, and what to do
 * when each rule fires. Immutable; a configuration or file change builds a new one.
 */
public final class Policy {
    public static final String DEFAULT_CLASS = "default";

    private final Map<String, DeviceClassPolicy> classes;
    private final Map<String, String> deviceClasses;
    private final Map<Rule, ResponseAction> actions;
    private final GatewayBaseline gateway;

    public Policy(
            Map<String, DeviceClassPolicy> classes,
            Map<String, String> deviceClasses,
            Map<Rule, ResponseAction> actions) {
        this(classes, deviceClasses, actions, GatewayBaseline.NONE);
    }

    public Policy(
            Map<String, DeviceClassPolicy> classes,
            Map<String, String> deviceClasses,
            Map<Rule, ResponseAction> actions,
            GatewayBaseline gateway) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.classes = Map.copyOf(classes);
        this.deviceClasses = Map.copyOf(deviceClasses);
        EnumMap<Rule, ResponseAction> a = new EnumMap<>(Rule.class);
        for (Rule r : Rule.values()) {
            a.put(r, r.defaultAction());
        }
        a.putAll(actions);
        for (Rule r : Rule.values()) {
            if (r.aboutGateway()) {
                a.put(r, ResponseAction.ALERT);
            }
        }
        this.actions = a;
        if (!this.classes.containsKey(DEFAULT_CLASS)) {
            throw new IllegalArgumentException("a policy needs the class \"" + DEFAULT_CLASS + "\"");
        }
        for (Map.Entry<String, String> e : this.deviceClasses.entrySet()) {
            if (!this.classes.containsKey(e.getValue())) {
                throw new IllegalArgumentException("device " + e.getKey() + " is in the unknown class " + e.getValue());
            }
        }
    }

    public DeviceClassPolicy classOf(String deviceId) {
        return classes.get(deviceClasses.getOrDefault(requireNonNull(deviceId, "deviceId"), DEFAULT_CLASS));
    }

    public String classNameOf(String deviceId) {
        return deviceClasses.getOrDefault(deviceId, DEFAULT_CLASS);
    }

    public Optional<DeviceClassPolicy> deviceClass(String name) {
        return Optional.ofNullable(classes.get(name));
    }

    public Map<String, DeviceClassPolicy> classes() {
        return classes;
    }

    public Map<String, String> deviceClasses() {
        return deviceClasses;
    }

    public ResponseAction actionFor(Rule rule) {
        return actions.get(rule);
    }

    public GatewayBaseline gateway() {
        return gateway;
    }

    /** This policy with more allowed executables, listeners and bundles for the gateway. */
    public Policy withGateway(GatewayBaseline more) {
        return new Policy(classes, deviceClasses, actions, gateway.plus(more));
    }

    /** This policy with the given classes replaced or added (an approved baseline). */
    public Policy withClasses(Map<String, DeviceClassPolicy> replacements) {
        Map<String, DeviceClassPolicy> c = new HashMap<>(classes);
        c.putAll(replacements);
        return new Policy(c, deviceClasses, actions, gateway);
    }

    /** This policy with the device-to-class assignments and classes of a policy file laid over it. */
    public Policy overlay(Map<String, DeviceClassPolicy> moreClasses, Map<String, String> moreDevices) {
        Map<String, DeviceClassPolicy> c = new HashMap<>(classes);
        c.putAll(moreClasses);
        Map<String, String> d = new HashMap<>(deviceClasses);
        d.putAll(moreDevices);
        return new Policy(c, d, actions, gateway);
    }
}
