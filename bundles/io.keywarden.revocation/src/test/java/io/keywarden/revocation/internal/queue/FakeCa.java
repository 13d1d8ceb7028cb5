package io.keywarden.revocation.internal.queue;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keywarden.api.ca.CaOperationException;
import io.keywarden.api.ca.CaOperations;
import io.keywarden.api.ca.RevocationOutcome;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.revocation.RevocationReason;
import io.keywarden.api.revocation.RevocationRoute;

/** A CA with canned behaviour: down or up, routes it refuses, answers it loses, and what it revoked. */
final class FakeCa implements CaOperations {
    volatile boolean down;
    /** After revoking, the answer is lost this many times (as if the connection broke on the way back). */
    volatile int answersToLose;

    final Set<RevocationRoute> refusedRoutes = new HashSet<>();
    final Set<String> revoked = new HashSet<>();
    final List<String> calls = new ArrayList<>();
    final List<String> revokedNow = new ArrayList<>();
    final Set<String> deactivated = new HashSet<>();
    /** Which public key the CA binds to each account; an account not here is unknown to it. */
    final Map<String, PublicKey> accountKeys = new HashMap<>();
    /** The certificates of each account's valid orders. */
    final Map<String, List<List<X509Certificate>>> orders = new HashMap<>();

    @Override
    public synchronized String verifyAccount(String directoryUrl, String accountUrl, KeyPair accountKey)
            throws CaOperationException {
        if (down) {
            throw new CaOperationException("CA unreachable", null, true, null, null);
        }
        if (!accountKey.getPublic().equals(accountKeys.get(accountUrl))) {
            throw new CaOperationException(
                    "JWS verification error", null, false, "urn:ietf:params:acme:error:malformed", null);
        }
        return deactivated.contains(accountUrl) ? "deactivated" : "valid";
    }

    @Override
    public synchronized List<List<X509Certificate>> listCertificates(String accountUrl, KeyPair accountKey)
            throws CaOperationException {
        verifyAccount("", accountUrl, accountKey);
        return orders.getOrDefault(accountUrl, List.of());
    }

    @Override
    public synchronized RevocationOutcome revoke(
            CertificateRecord c, RevocationReason reason, RevocationRoute route, KeyPair escrowedAccountKey)
            throws CaOperationException {
        calls.add(c.getSerial() + "/" + route);
        if (down) {
            throw new CaOperationException("CA unreachable: connection refused", null, true, null, null);
        }
        if (refusedRoutes.contains(route)) {
            throw new CaOperationException(
                    route + " refused", null, false, "urn:ietf:params:acme:error:unauthorized", null);
        }
        if (!revoked.add(c.getSerial())) {
            return RevocationOutcome.ALREADY_REVOKED;
        }
        revokedNow.add(c.getSerial());
        if (answersToLose > 0) {
            answersToLose--;
            throw new CaOperationException("CA unreachable: connection reset", null, true, null, null);
        }
        return RevocationOutcome.REVOKED;
    }

    @Override
    public synchronized boolean deactivateAccount(String accountUrl, KeyPair accountKey) throws CaOperationException {
        if (down) {
            throw new CaOperationException("CA unreachable", null, true, null, null);
        }
        if (accountKeys.containsKey(accountUrl) && !accountKeys.get(accountUrl).equals(accountKey.getPublic())) {
            throw new CaOperationException(
                    "JWS verification error", null, false, "urn:ietf:params:acme:error:malformed", null);
        }
        return deactivated.add(accountUrl);
    }
}
