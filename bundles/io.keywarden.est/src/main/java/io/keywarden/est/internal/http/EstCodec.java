package io.keywarden.est.internal.http;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.est.AttrOrOID;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;

import io.keywarden.est.internal.policy.Refusal;

/**
 * The bodies of RFC 7030 §4 with the RFC 8951 clarifications: base64 (whatever Content-Transfer-Encoding says, line
 * breaks and other whitespace ignored) of DER; certificates as a PKCS#7 certs-only SignedData.
 */
public final class EstCodec {
    private static final Base64.Encoder LINES = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private EstCodec() {}

    /** The DER inside a base64 body; whitespace anywhere is allowed, anything else not in base64 is refused. */
    public static byte[] decodeBase64(byte[] body) throws Refusal {
        StringBuilder compact = new StringBuilder(body.length);
        for (byte b : body) {
            char c = (char) (b & 0xff);
            if (!Character.isWhitespace(c)) {
                compact.append(c);
            }
        }
        if (compact.length() == 0) {
            throw Refusal.badRequest("empty body: expected base64 (RFC 8951)");
        }
        try {
            return Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            throw Refusal.badRequest("the body is not base64 (RFC 7030 4.2.1, RFC 8951): " + e.getMessage());
        }
    }

    /** Base64 in lines of 64 with LF: what `base64 -d` reads as it is (RFC 8951 lets the client ignore the breaks). */
    public static String encodeBase64(byte[] der) {
        return LINES.encodeToString(der) + "\n";
    }

    /** A certs-only PKCS#7 (CMS SignedData without signers) holding these certificates. */
    public static byte[] certsOnly(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator g = new CMSSignedDataGenerator();
            g.addCertificates(new JcaCertStore(certificates));
            return g.generate(new CMSProcessableByteArray(new byte[0]), false).getEncoded();
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot encode a certs-only PKCS#7: " + e.getMessage(), e);
        }
    }

    /** The CSR attributes (RFC 7030 §4.5.2): OIDs and attributes the client should put into its request. */
    public static byte[] csrAttributes(List<ASN1ObjectIdentifier> oids, List<Attribute> attributes) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        oids.forEach(o -> v.add(new AttrOrOID(o)));
        attributes.forEach(a -> v.add(new AttrOrOID(a)));
        try {
            return CsrAttrs.getInstance(new DERSequence(v)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode CSR attributes", e);
        }
    }

    static Attribute attribute(ASN1ObjectIdentifier type, ASN1ObjectIdentifier value) {
        return new Attribute(type, new DERSet(value));
    }

    /** A PKCS#8 private key (RFC 7030 §4.4.2, unencrypted: the TLS session protects it). */
    public static byte[] pkcs8(PrivateKey key) {
        return key.getEncoded();
    }
}
