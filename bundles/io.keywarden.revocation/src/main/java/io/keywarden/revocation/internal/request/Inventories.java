package io.keywarden.revocation.internal.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;

/**
 * Every inventory the revocation component can see, as one: this framework's own (the local gateway's, or the
 * authority node's own identity) first, then one per remote gateway that the fleet bundle collected over MQTT. A
 * serial known to several answers from the first that has it, so a remote gateway cannot shadow a local record.
 */
public final class Inventories implements CertificateInventory {

    private record Remote(CertificateInventory inventory, String gatewayId) {}

    private final CertificateInventory local;
    private final List<Remote> remotes = new CopyOnWriteArrayList<>();

    public Inventories(CertificateInventory local) {
        this.local = local;
    }

    /** A remote gateway's inventory; its records belong to {@code gatewayId} when scope is judged. */
    public void addRemote(CertificateInventory inventory, String gatewayId) {
        remotes.add(new Remote(inventory, gatewayId));
    }

    public void removeRemote(CertificateInventory inventory) {
        remotes.removeIf(r -> r.inventory() == inventory);
    }

    /** The gateway a certificate belongs to: empty for the local inventory, else the remote gateway's id. */
    public Optional<String> remoteGatewayOf(String serial) {
        if (local.getBySerial(serial).isPresent()) {
            return Optional.empty();
        }
        for (Remote r : remotes) {
            if (r.inventory().getBySerial(serial).isPresent()) {
                return Optional.of(r.gatewayId());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CertificateRecord> getAll() {
        return merged(CertificateInventory::getAll);
    }

    @Override
    public List<CertificateRecord> getByDevice(String deviceId) {
        return merged(i -> i.getByDevice(deviceId));
    }

    @Override
    public Optional<CertificateRecord> getBySerial(String serial) {
        Optional<CertificateRecord> r = local.getBySerial(serial);
        for (int i = 0; r.isEmpty() && i < remotes.size(); i++) {
            r = remotes.get(i).inventory().getBySerial(serial);
        }
        return r;
    }

    private List<CertificateRecord> merged(Function<CertificateInventory, List<CertificateRecord>> query) {
        Map<String, CertificateRecord> bySerial = new LinkedHashMap<>();
        query.apply(local).forEach(r -> bySerial.putIfAbsent(r.getSerial(), r));
        for (Remote r : remotes) {
            query.apply(r.inventory()).forEach(c -> bySerial.putIfAbsent(c.getSerial(), c));
        }
        return new ArrayList<>(bySerial.values());
    }
}
