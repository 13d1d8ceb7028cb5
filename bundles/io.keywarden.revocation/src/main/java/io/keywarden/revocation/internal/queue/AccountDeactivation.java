package io.keywarden.revocation.internal.queue;

import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;

/**
 * The last step of a compromised gateway's ticket: its ACME account deactivated at the CA with the escrowed key
 * (RFC 8555 §7.3.6), so it can neither order nor revoke any more.
 */
final class AccountDeactivation {
    private final CaOperations ca;
    private final RevocationQueue.Facts facts;
    private final CaTruth truth;
    private final TicketJournal journal;
    private final RevocationQueue.Listener listener;

    AccountDeactivation(
            CaOperations ca,
            RevocationQueue.Facts facts,
            CaTruth truth,
            TicketJournal journal,
            RevocationQueue.Listener listener) {
        this.ca = ca;
        this.facts = facts;
        this.truth = truth;
        this.journal = journal;
        this.listener = listener;
    }

    /** A compromised gateway's account, once its certificates are settled: deactivated with the escrowed key. */
    void deactivate(Ticket t) throws CaOperationException, IOException {
        List<String> accounts = truth.accounts(t);
        if (accounts.isEmpty() || t.accountDeactivated) {
            return;
        }
        for (String account : accounts) {
            Optional<KeyPair> key = facts.escrowedKey(account);
            if (key.isEmpty()) {
                synchronized (t) {
                    t.detail = "account " + account + " stays active: no escrow deposit of its key";
                }
                listener.audit(
                        "DEACTIVATION_IMPOSSIBLE",
                        RevocationQueue.fields(t, Map.of("account", account, "detail", t.detail)));
                journal.save(t);
                return;
            }
            try {
                boolean now = ca.deactivateAccount(account, key.get());
                facts.deactivated(account);
                listener.audit(
                        "ACCOUNT_DEACTIVATED",
                        RevocationQueue.fields(
                                t,
                                Map.of("account", account, "caAnswer", now ? "deactivated" : "deactivated already")));
            } catch (CaOperationException e) {
                listener.audit(
                        e.isTransient() ? "CA_UNAVAILABLE" : "DEACTIVATION_REFUSED",
                        RevocationQueue.fields(
                                t, Map.of("account", account, "detail", String.valueOf(e.getMessage()))));
                if (e.isTransient()) {
                    throw e;
                }
                synchronized (t) {
                    t.detail = "deactivation of " + account + " refused: " + e.getMessage();
                }
                journal.save(t);
                return;
            }
        }
        synchronized (t) {
            t.accountDeactivated = true;
        }
        journal.save(t);
    }
}
