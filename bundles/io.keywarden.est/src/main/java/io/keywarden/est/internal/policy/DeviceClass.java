package io.keywarden.est.internal.policy;

import static java.util.Objects.requireNonNull;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * One class of sensors the operator expects: which devices belong to it (a roster, a pattern or both), how they may
 * bootstrap (a manufacturer certificate chaining to the class's anchors, a one-time code, or both), and which DNS
 * names a device of the class may hold.
 */
public final class DeviceClass {
    /** Device ids: the rules the enrollment store applies, kept short enough for a DNS label of a name template. */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** Where a manufacturer certificate carries the device id. */
    public enum IdAttribute {
        SERIAL_NUMBER(BCStyle.SERIALNUMBER),
        COMMON_NAME(BCStyle.CN);

        private final ASN1ObjectIdentifier oid;

        IdAttribute(ASN1ObjectIdentifier oid) {
            this.oid = oid;
        }
    }

    private final String name;
    private final Set<String> roster;
    private final Pattern pattern;
    private final Set<TrustAnchor> manufacturerAnchors;
    private final IdAttribute idAttribute;
    private final boolean codesAllowed;
    private final List<String> nameTemplates;

    public DeviceClass(
            String name,
            Set<String> roster,
            Pattern pattern,
            List<X509Certificate> manufacturerAnchors,
            IdAttribute idAttribute,
            boolean codesAllowed,
            List<String> nameTemplates) {
        this.name = requireNonNull(name, "name");
        this.roster = Set.copyOf(roster);
        this.pattern = pattern;
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        manufacturerAnchors.forEach(c -> anchors.add(new TrustAnchor(c, null)));
        this.manufacturerAnchors = Set.copyOf(anchors);
        this.idAttribute = requireNonNull(idAttribute, "idAttribute");
        this.codesAllowed = codesAllowed;
        this.nameTemplates = List.copyOf(nameTemplates);
        if (this.nameTemplates.isEmpty() || this.nameTemplates.stream().anyMatch(t -> !t.contains("{id}"))) {
            throw new IllegalArgumentException("class " + name + ": every name template must contain {id}");
        }
    }

    public String getName() {
        return name;
    }

    /** True when the operator expects this device in this class. */
    public boolean expects(String deviceId) {
        return DEVICE_ID.matcher(deviceId).matches()
                && (roster.contains(deviceId)
                        || (pattern != null && pattern.matcher(deviceId).matches()));
    }

    public boolean acceptsCodes() {
        return codesAllowed;
    }

    public boolean acceptsManufacturerCertificates() {
        return !manufacturerAnchors.isEmpty();
    }

    public Set<TrustAnchor> getManufacturerAnchors() {
        return manufacturerAnchors;
    }

    /** The device id a manufacturer certificate names, by the class's rule. */
    public Optional<String> deviceIdOf(X509Certificate idevid) {
        X500Name subject = X500Name.getInstance(idevid.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(idAttribute.oid)) {
            ASN1Encodable v = rdn.getFirst().getValue();
            if (v instanceof ASN1String s) {
                return Optional.of(s.getString());
            }
        }
        return Optional.empty();
    }

    /** The DNS names a device of this class may hold. */
    public Set<String> allowedNames(String deviceId) {
        Set<String> out = new LinkedHashSet<>();
        nameTemplates.forEach(t -> out.add(t.replace("{id}", deviceId).toLowerCase(Locale.ROOT)));
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
