package io.keywarden.kura.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Kura manages the firewall, only Kura's own ports are open (shared/kura/README.md): sensors cannot reach the
 * monitor's channel until an operator opens it. On request (off by default) this adds that one entry to Kura's
 * {@code firewall.open.ports} through Kura's ConfigurationService, as the console's Firewall page would, and removes
 * exactly that entry when switched off. What it added is remembered in the bundle's data area, so an equivalent entry
 * the operator made is never removed, and a restart neither adds twice nor forgets.
 */
@Component(
        configurationPid = FirewallComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true,
        service = ConfigurableComponent.class,
        property = "kura.service.pid=" + FirewallComponent.PID)
@Designate(ocd = FirewallConfig.class)
public final class FirewallComponent implements ConfigurableComponent {
    static final String PID = "io.keywarden.kura.firewall";
    static final String MONITOR_PID = "io.keywarden.monitor";
    static final String MONITOR_PORT = "channel.port";
    private static final Logger LOG = LoggerFactory.getLogger(FirewallComponent.class);

    private final ConfigurationService configurationService;
    private final ConfigurationAdmin configurationAdmin;
    /** The entry this component added and has not removed yet (one line), if any. */
    private final Path added;

    @Activate
    public FirewallComponent(
            @Reference ConfigurationService configurationService,
            @Reference ConfigurationAdmin configurationAdmin,
            BundleContext context,
            FirewallConfig config) {
        this.configurationService = configurationService;
        this.configurationAdmin = configurationAdmin;
        File data = context.getDataFile("firewall-entry");
        this.added = data == null ? null : data.toPath();
        apply(config);
    }

    @Modified
    void modified(FirewallConfig config) {
        apply(config);
    }

    private synchronized void apply(FirewallConfig config) {
        try {
            Optional<String> previous = recorded();
            String wanted = config.firewall_open_enabled()
                    ? FirewallOpenPorts.entry(
                            port(config), config.firewall_interface().trim())
                    : null;
            if (previous.isPresent() && !previous.get().equals(wanted)) {
                update(v -> FirewallOpenPorts.remove(v, previous.get()));
                record(null);
                LOG.info("Firewall entry {} removed from {}", previous.get(), FirewallOpenPorts.PROPERTY);
            }
            if (wanted != null && !wanted.equals(previous.orElse(null))) {
                if (FirewallOpenPorts.opens(current(), wanted)) {
                    LOG.info("Kura's firewall already opens {}; nothing added", wanted);
                    return;
                }
                record(wanted);
                update(v -> FirewallOpenPorts.add(v, wanted));
                LOG.info("Firewall entry {} added to {}", wanted, FirewallOpenPorts.PROPERTY);
            }
        } catch (KuraException | IOException | IllegalArgumentException e) {
            LOG.error(
                    "Cannot change Kura's firewall ({} {}): {}",
                    FirewallOpenPorts.FIREWALL_PID,
                    FirewallOpenPorts.PROPERTY,
                    e.getMessage());
        }
    }

    private int port(FirewallConfig config) throws IOException {
        if (config.firewall_port() > 0) {
            return config.firewall_port();
        }
        Configuration monitor = configurationAdmin.getConfiguration(MONITOR_PID, "?");
        Dictionary<String, Object> p = monitor.getProperties();
        Object port = p == null ? null : p.get(MONITOR_PORT);
        if (port == null) {
            return 8443; // the monitor's default channel port (MonitorConfig)
        }
        int n = port instanceof Number num
                ? num.intValue()
                : Integer.parseInt(port.toString().trim());
        if (n == 0) {
            throw new IllegalArgumentException(MONITOR_PID + " " + MONITOR_PORT
                    + " is 0 (a free port each start): set firewall.port to a fixed port");
        }
        return n;
    }

    private String current() throws KuraException {
        ComponentConfiguration c = configurationService.getComponentConfiguration(FirewallOpenPorts.FIREWALL_PID);
        if (c == null) {
            throw new KuraException(
                    KuraErrorCode.NOT_FOUND,
                    FirewallOpenPorts.FIREWALL_PID
                            + " is not configured here (Kura does not manage this device's firewall)");
        }
        Map<String, Object> props = c.getConfigurationProperties();
        Object v = props == null ? null : props.get(FirewallOpenPorts.PROPERTY);
        return v == null ? "" : v.toString();
    }

    private void update(UnaryOperator<String> change) throws KuraException {
        String before = current();
        String after = change.apply(before);
        if (!after.equals(before)) {
            configurationService.updateConfiguration(
                    FirewallOpenPorts.FIREWALL_PID, Map.of(FirewallOpenPorts.PROPERTY, after), true);
        }
    }

    private Optional<String> recorded() throws IOException {
        if (added == null || !Files.isRegularFile(added)) {
            return Optional.empty();
        }
        String s = Files.readString(added, StandardCharsets.UTF_8).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private void record(String entry) throws IOException {
        if (added == null) {
            return;
        }
        if (entry == null) {
            Files.deleteIfExists(added);
            return;
        }
        Path tmp = added.resolveSibling(added.getFileName() + ".tmp");
        Files.writeString(tmp, entry + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, added, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
