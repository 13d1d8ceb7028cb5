package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.support.threads.ExecutorStop;
import io.keywarden.support.threads.NamedThreads;

/** The CA listing of a compromised gateway's account and the revocation of what it lists, side by side. */
final class ListingOverlap implements AutoCloseable {
    private final CaTruth truth;
    private final CaRevoker revoker;
    /** One CA listing per ticket attempt at most, so as many threads as attempts can run at once. */
    private final ExecutorService listings;

    ListingOverlap(CaTruth truth, CaRevoker revoker, int attempts) {
        this.truth = truth;
        this.revoker = revoker;
        this.listings = Executors.newFixedThreadPool(attempts, new NamedThreads("keywarden-revoke-list"));
    }

    /**
     * Asks the CA what a compromised gateway's account holds ({@link CaTruth}: two requests per order, several orders
     * at a time) while the workers already revoke the reported certificates of the pinned account; then adds what
     * the CA listed besides and compares, once both are done. Without the overlap a gateway of 1,000 sensors waited
     * ~20 s for its listing before the first revocation. Reports naming another account wait for the listing.
     */
    void revokeWhileListing(Ticket t, List<Ticket.Cert> pending, CaRevoker.CertJob job)
            throws CaOperationException, IOException {
        List<Ticket.Cert> reported =
                pending.stream().filter(c -> truth.revocableBeforeListing(t, c)).toList();
        Future<CaTruth.Listing> listing = listings.submit(() -> truth.list(t));
        CaTruth.Listing listed;
        try {
            revoker.revokeAll(t.id, reported, job);
        } finally {
            listed = awaitListing(listing);
        }
        if (listed != null) {
            truth.conclude(t, listed);
        }
    }

    private static <T> T awaitListing(Future<T> listing) throws CaOperationException, IOException {
        try {
            return listing.get();
        } catch (InterruptedException e) {
            listing.cancel(true);
            Thread.currentThread().interrupt();
            throw new CaOperationException("revocation stopping", e, true, null, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CaOperationException ca) {
                throw ca;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("listing failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        ExecutorStop.now(listings, Duration.ofSeconds(5));
    }
}
