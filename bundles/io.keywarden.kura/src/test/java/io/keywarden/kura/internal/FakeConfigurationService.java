package io.keywarden.kura.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Filter;

/**
 * Kura's ConfigurationService for one or more pids held in memory: {@code updateConfiguration} merges the given
 * properties into the current ones (as Kura does) and records each call; snapshots and factories are not used.
 */
final class FakeConfigurationService implements ConfigurationService {
    /** One updateConfiguration call. */
    record Update(String pid, Map<String, Object> properties, boolean takeSnapshot) {}

    final Map<String, Map<String, Object>> configurations = new HashMap<>();
    final List<Update> updates = new ArrayList<>();

    @Override
    public ComponentConfiguration getComponentConfiguration(String pid) {
        Map<String, Object> props = configurations.get(pid);
        return props == null
                ? null
                : new ComponentConfiguration() {
                    @Override
                    public String getPid() {
                        return pid;
                    }

                    @Override
                    public Map<String, Object> getConfigurationProperties() {
                        return new HashMap<>(props);
                    }
                };
    }

    @Override
    public void updateConfiguration(String pid, Map<String, Object> properties) throws KuraException {
        updateConfiguration(pid, properties, true);
    }

    @Override
    public void updateConfiguration(String pid, Map<String, Object> properties, boolean takeSnapshot)
            throws KuraException {
        Map<String, Object> current = configurations.get(pid);
        if (current == null) {
            throw new KuraException(KuraErrorCode.NOT_FOUND, pid);
        }
        updates.add(new Update(pid, Map.copyOf(properties), takeSnapshot));
        current.putAll(properties);
    }

    private static KuraException unused() {
        return new KuraException(KuraErrorCode.OPERATION_NOT_SUPPORTED, "not used by the adapter");
    }

    @Override
    public Set<String> getFactoryComponentPids() {
        return Set.of();
    }

    @Override
    public void createFactoryConfiguration(String f, String p, Map<String, Object> m, boolean s) throws KuraException {
        throw unused();
    }

    @Override
    public void deleteFactoryConfiguration(String p, boolean s) throws KuraException {
        throw unused();
    }

    @Override
    public Set<String> getConfigurableComponentPids() {
        return configurations.keySet();
    }

    @Override
    public List<ComponentConfiguration> getComponentConfigurations() throws KuraException {
        throw unused();
    }

    @Override
    public List<ComponentConfiguration> getComponentConfigurations(Filter f) throws KuraException {
        throw unused();
    }

    @Override
    public ComponentConfiguration getDefaultComponentConfiguration(String p) throws KuraException {
        throw unused();
    }

    @Override
    public void updateConfigurations(List<ComponentConfiguration> c) throws KuraException {
        throw unused();
    }

    @Override
    public void updateConfigurations(List<ComponentConfiguration> c, boolean s) throws KuraException {
        throw unused();
    }

    @Override
    public Set<Long> getSnapshots() throws KuraException {
        throw unused();
    }

    @Override
    public List<ComponentConfiguration> getSnapshot(long id) throws KuraException {
        throw unused();
    }

    @Override
    public long snapshot() throws KuraException {
        throw unused();
    }

    @Override
    public long rollback() throws KuraException {
        throw unused();
    }

    @Override
    public void rollback(long id) throws KuraException {
        throw unused();
    }
}
