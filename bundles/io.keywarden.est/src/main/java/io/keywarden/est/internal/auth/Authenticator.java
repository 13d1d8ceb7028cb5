package io.keywarden.est.internal.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.keywarden.api.enrollment.CertificateInventory;
import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.CertificateStatus;
import io.keywarden.api.enrollment.DeviceKind;
import io.keywarden.est.internal.auth.Requester.Method;
import io.keywarden.est.internal.policy.DeviceClass;
import io.keywarden.est.internal.policy.Refusal;
import io.keywarden.support.verify.CertificateChains;

/**
 * Decides who a request speaks for: a manufacturer certificate or a one-time code for a first enrollment, the
 * certificate this gateway ordered for the device for a re-enrollment. Every failure is a {@link Refusal} with the
 * status RFC 7030 §3.2.3 / HTTP call for (401 asks for credentials, 403 refuses the ones given).
 */
public final class Authenticator {
    private final Supplier<List<DeviceClass>> classes;
    private final EnrollmentCodeStore codes;
    private final SourceAttempts attempts;
    private final CertificateInventory inventory;
    private final Predicate<String> deniedSerial;
    private final Predicate<String> releasedSerial;
    private final Predicate<String> quarantined;
    private final Clock clock;
    private final Supplier<List<X509Certificate>> caChain;

    /** @param caChain the certificates the CA issues under (the gateway's issuers): only what they signed is looked up */
    public Authenticator(
            Supplier<List<DeviceClass>> classes,
            EnrollmentCodeStore codes,
            SourceAttempts attempts,
            CertificateInventory inventory,
            Predicate<String> deniedSerial,
            Predicate<String> releasedSerial,
            Predicate<String> quarantined,
            Clock clock,
            Supplier<List<X509Certificate>> caChain) {
        this.caChain = caChain;
        this.classes = classes;
        this.codes = codes;
        this.attempts = attempts;
        this.inventory = inventory;
        this.deniedSerial = deniedSerial;
        this.releasedSerial = releasedSerial;
        this.quarantined = quarantined;
        this.clock = clock;
    }

    /** A first enrollment: an IDevID in TLS, else a code in an Authorization header, else 401. */
    public Requester bootstrap(X509Certificate[] tlsChain, String authorization, String source, String keyId)
            throws Refusal, IOException {
        boolean hasBasic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (tlsChain != null && tlsChain.length > 0) {
            Optional<Requester> idevid = manufacturerIdentity(tlsChain);
            if (idevid.isPresent()) {
                return idevid.get();
            }
            if (!hasBasic && ours(tlsChain[0]).isEmpty()) {
                throw new Refusal(
                        403,
                        "the client certificate is not from a manufacturer this gateway trusts",
                        "unknown manufacturer certificate " + tlsChain[0].getSubjectX500Principal() + " issued by "
                                + tlsChain[0].getIssuerX500Principal(),
                        null);
            }
        }
        if (!hasBasic) {
            throw new Refusal(
                    401,
                    "credentials required: a manufacturer certificate or an enrollment code",
                    tlsChain != null && tlsChain.length > 0
                            ? "certificate issued by this gateway presented to a first-enrollment operation"
                            : "no credentials",
                    null);
        }
        return code(authorization.substring(6).trim(), source, keyId);
    }

    private Requester code(String credentials, String source, String keyId) throws Refusal, IOException {
        if (!attempts.allowed(source)) {
            throw new Refusal(
                    429,
                    "too many failed attempts from " + source + "; try later",
                    "enrollment code attempts from " + source + " over the limit",
                    null);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), UTF_8);
        } catch (IllegalArgumentException e) {
            attempts.failed(source);
            throw new Refusal(401, "enrollment code not accepted", "malformed Basic credentials", null);
        }
        int colon = decoded.indexOf(':');
        String id = colon < 0 ? decoded : decoded.substring(0, colon);
        String code = colon < 0 ? "" : decoded.substring(colon + 1);
        if (!DeviceClass.DEVICE_ID.matcher(id).matches()) {
            attempts.failed(source);
            throw new Refusal(401, "enrollment code not accepted", "malformed device id in Basic credentials", null);
        }
        Optional<DeviceClass> cls = classes.get().stream()
                .filter(c -> c.acceptsCodes() && c.expects(id))
                .findFirst();
        if (cls.isEmpty()) {
            attempts.failed(source);
            throw new Refusal(
                    401, "enrollment code not accepted", "no device class accepts enrollment codes for " + id, id);
        }
        EnrollmentCodeStore.Verdict v = codes.check(id, code, keyId);
        if (v != EnrollmentCodeStore.Verdict.ACCEPTED) {
            attempts.failed(source);
            throw new Refusal(
                    401,
                    "enrollment code not accepted",
                    "enrollment code " + v.name().toLowerCase().replace('_', ' '),
                    id);
        }
        return new Requester(id, Method.CODE, cls.get(), null);
    }

    private Optional<Requester> manufacturerIdentity(X509Certificate[] chain) throws Refusal {
        for (DeviceClass c : classes.get()) {
            if (c.acceptsManufacturerCertificates() && validates(chain, c)) {
                String id = c.deviceIdOf(chain[0])
                        .orElseThrow(() -> Refusal.forbidden("the manufacturer certificate names no device id", null));
                if (!c.expects(id)) {
                    throw new Refusal(
                            403,
                            "device " + id + " is not expected here",
                            "device " + id + " (manufacturer certificate of class " + c + ") is not on the roster",
                            id);
                }
                return Optional.of(new Requester(id, Method.IDEVID, c, null));
            }
        }
        return Optional.empty();
    }

    private boolean validates(X509Certificate[] chain, DeviceClass c) {
        try {
            // on Bouncy Castle's EC code (CertificateChains): several times faster than the JDK's on a C1-only JVM,
            // and an unauthenticated client can make the gateway run this once per request
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate x : chain) {
                if (c.getManufacturerAnchors().stream()
                        .noneMatch(a -> a.getTrustedCert().equals(x))) {
                    path.add(x);
                }
            }
            CertificateChains.validate(path, c.getManufacturerAnchors(), Date.from(clock.instant()));
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A first enrollment of a device that was contained: a quarantined device gets nothing, and a device whose
     * certificate was revoked on its behalf (REVOKED, or on a deny list) is held: neither the manufacturer certificate
     * it still holds (its key may be the attacker's now) nor an enrollment code brings it back (docs/revocation.md).
     */
    public void checkNotContained(Requester who) throws Refusal {
        String id = who.deviceId();
        if (quarantined.test(id)) {
            throw Refusal.forbidden("the device is quarantined", id);
        }
        checkNotHeld(id);
    }

    private void checkNotHeld(String id) throws Refusal {
        // an authority's signed release (DenyList.releasedAt) of a serial lifts its hold: the next certificate counts
        if (inventory.getByDevice(id).stream()
                .anyMatch(r -> (r.getStatus() == CertificateStatus.REVOKED || deniedSerial.test(r.getSerial()))
                        && !releasedSerial.test(r.getSerial()))) {
            throw Refusal.forbidden(
                    "a certificate of the device was revoked on its behalf: the device is held and gets no new"
                            + " certificate",
                    id);
        }
    }

    /** A re-enrollment: the certificate presented must be this gateway's, for a sensor, valid and not contained. */
    public Requester current(X509Certificate[] tlsChain) throws Refusal {
        if (tlsChain == null || tlsChain.length == 0) {
            throw new Refusal(
                    401,
                    "re-enrollment needs the device's current certificate in TLS",
                    "no client certificate for re-enrollment",
                    null);
        }
        CertificateRecord r = ours(tlsChain[0])
                .orElseThrow(() -> new Refusal(
                        403,
                        "the client certificate was not issued through this gateway",
                        "certificate serial "
                                + tlsChain[0].getSerialNumber().toString(16) + " ("
                                + tlsChain[0].getSubjectX500Principal()
                                + ") is not in this gateway's inventory",
                        null));
        String id = r.getDeviceId();
        if (r.getKind() != DeviceKind.SENSOR) {
            throw Refusal.forbidden("only sensors re-enroll here", id);
        }
        if (r.getStatus() == CertificateStatus.REVOKED || deniedSerial.test(r.getSerial())) {
            throw Refusal.forbidden("the certificate is revoked", id);
        }
        // another, still valid certificate of a device revoked on its behalf does not renew it either
        checkNotHeld(id);
        if (!clock.instant().isBefore(r.getNotAfter()) || clock.instant().isBefore(r.getNotBefore())) {
            throw Refusal.forbidden("the certificate is not valid now (not after " + r.getNotAfter() + ")", id);
        }
        if (quarantined.test(id)) {
            throw Refusal.forbidden("the device is quarantined", id);
        }
        return new Requester(id, Method.CERTIFICATE, null, r);
    }

    /**
     * The inventory's record of a certificate of ours. Only a certificate the CA's issuer signed is looked up: the
     * inventory may read its records from disk, which a stranger's certificate must not make it do.
     */
    private Optional<CertificateRecord> ours(X509Certificate leaf) {
        if (!signedByCa(leaf)) {
            return Optional.empty();
        }
        Optional<CertificateRecord> r =
                inventory.getBySerial(leaf.getSerialNumber().toString(16));
        try {
            byte[] presented = leaf.getEncoded();
            return r.filter(x -> {
                try {
                    return Arrays.equals(x.getCertificate().getEncoded(), presented);
                } catch (CertificateEncodingException e) {
                    return false;
                }
            });
        } catch (CertificateEncodingException e) {
            return Optional.empty();
        }
    }

    private boolean signedByCa(X509Certificate leaf) {
        for (X509Certificate issuer : caChain.get()) {
            if (issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                try {
                    leaf.verify(issuer.getPublicKey());
                    return true;
                } catch (GeneralSecurityException | RuntimeException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
