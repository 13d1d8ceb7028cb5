package io.keywarden.revocation.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.keywarden.api.revocation.DenyList;
import io.keywarden.api.revocation.RevocationProgress;
import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;

/** The registered service object: the revocation service and the deny list. */
final class RevocationServices implements RevocationService, DenyList {
    private final RevocationService service;
    private final DenyList deny;
    private final Function<String, Optional<Instant>> releases;

    RevocationServices(RevocationService service, DenyList deny, Function<String, Optional<Instant>> releases) {
        this.service = service;
        this.deny = deny;
        this.releases = releases;
    }

    @Override
    public RevocationTicket submit(String signedRequest) {
        return service.submit(signedRequest);
    }

    @Override
    public Optional<RevocationTicket> getTicket(String ticketId) {
        return service.getTicket(ticketId);
    }

    @Override
    public List<RevocationTicket> getTickets() {
        return service.getTickets();
    }

    @Override
    public CompletionStage<RevocationTicket> whenSettled(String ticketId) {
        return service.whenSettled(ticketId);
    }

    @Override
    public List<RevocationProgress> getProgress() {
        return service.getProgress();
    }

    @Override
    public Optional<RevocationProgress> getProgress(String ticketId) {
        return service.getProgress(ticketId);
    }

    @Override
    public boolean isDenied(String serial) {
        return deny.isDenied(serial);
    }

    @Override
    public Set<String> getDeniedSerials() {
        return deny.getDeniedSerials();
    }

    @Override
    public Optional<Instant> releasedAt(String serial) {
        return releases.apply(serial);
    }
}
