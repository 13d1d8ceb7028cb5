package io.keywarden.revocation.internal.request;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.api.revocation.RevocationTarget;
import io.keywarden.revocation.internal.store.DenyListStore;

/**
 * What a target means in certificates, from the inventory: a device's unexpired certificates (current and
 * superseded: a superseded certificate is still valid at the CA), one certificate by serial, or everything a
 * compromised gateway's account ordered. Every inventory counts: the local one and those of remote gateways.
 */
public final class TargetResolver {
    private final Inventories inventory;
    private final Function<String, Optional<String>> pinnedAccount;

    public TargetResolver(CertificateInventory inventory) {
        this(inventory, gateway -> Optional.empty());
    }

    /**
     * @param pinnedAccount the account a proven escrow deposit pins for a gateway: believed over the accounts the
     *     gateway's own records name (a compromised gateway may report a made-up one)
     */
    public TargetResolver(CertificateInventory inventory, Function<String, Optional<String>> pinnedAccount) {
        this.inventory = inventory instanceof Inventories all ? all : new Inventories(inventory);
        this.pinnedAccount = pinnedAccount;
    }

    /** The gateway a certificate belongs to: {@code localGatewayId} unless a remote gateway's inventory holds it. */
    public String gatewayOf(CertificateRecord r, String localGatewayId) {
        return inventory.remoteGatewayOf(r.getSerial()).orElse(localGatewayId);
    }

    /**
     * Empty when nothing unexpired is known for the target. A device target {@code sensor-1@gw1} names the device of
     * one gateway; a bare {@code sensor-1} every device of that id, on whichever gateway (ids are unique per gateway
     * only, which the scope check then holds against the requester).
     */
    public List<CertificateRecord> certificates(RevocationTarget target, Instant now, String localGatewayId) {
        List<CertificateRecord> out = new ArrayList<>();
        switch (target.getKind()) {
            case DEVICE -> {
                String value = target.getValue();
                int at = value.lastIndexOf('@');
                String device = at < 0 ? value : value.substring(0, at);
                inventory.getByDevice(device).stream()
                        .filter(r -> r.getNotAfter().isAfter(now))
                        .filter(r -> at < 0 || gatewayOf(r, localGatewayId).equalsIgnoreCase(value.substring(at + 1)))
                        .forEach(out::add);
            }
            case CERTIFICATE ->
                inventory
                        .getBySerial(DenyListStore.normalize(target.getValue()))
                        .ifPresent(out::add);
            case COMPROMISED_GATEWAY -> {
                // what the gateway reported under any account it claims, and what names the pinned account; the CA
                // is asked for the rest when the ticket runs
                Set<String> accounts = claimedAccounts(target.getValue());
                accounts.addAll(accountsOf(target.getValue()));
                inventory.getAll().stream()
                        .filter(r -> accounts.contains(r.getAccountUrl())
                                || inventory
                                        .remoteGatewayOf(r.getSerial())
                                        .filter(target.getValue()::equals)
                                        .isPresent())
                        .filter(r -> r.getNotAfter().isAfter(now))
                        .forEach(out::add);
            }
            default -> throw new IllegalArgumentException("unknown target kind " + target.getKind());
        }
        return out;
    }

    /**
     * The ACME account of the gateway: the one its proven escrow deposit pins, else those its own GATEWAY records
     * claim (usually one).
     */
    public Set<String> accountsOf(String gatewayId) {
        Optional<String> pinned = pinnedAccount.apply(gatewayId);
        return pinned.<Set<String>>map(a -> new LinkedHashSet<>(Set.of(a))).orElseGet(() -> claimedAccounts(gatewayId));
    }

    /** Whether a proven escrow deposit pins the gateway's account (the CA can then be asked what it holds). */
    public boolean hasPinnedAccount(String gatewayId) {
        return pinnedAccount.apply(gatewayId).isPresent();
    }

    private Set<String> claimedAccounts(String gatewayId) {
        Set<String> accounts = new LinkedHashSet<>();
        for (CertificateRecord r : inventory.getByDevice(gatewayId)) {
            if (r.getKind() == DeviceKind.GATEWAY) {
                accounts.add(r.getAccountUrl());
            }
        }
        return accounts;
    }
}
