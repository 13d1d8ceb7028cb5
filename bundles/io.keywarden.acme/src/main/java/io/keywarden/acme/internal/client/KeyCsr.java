package io.keywarden.acme.internal.client;

import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.exception.AcmeException;

import io.keywarden.api.enrollment.EnrollmentException;

/**
 * The CSR for a key the gateway holds, signed with Bouncy Castle's EC code: acme4j's own builder signs through the
 * JDK's provider, several times slower on a gateway's JVM (C1 only), once per certificate. Same content as acme4j's:
 * the first name as CN, every name as a subjectAltName dNSName.
 */
final class KeyCsr {
    private KeyCsr() {}

    /** The DER CSR, or empty for a key that is not EC (acme4j's builder signs those). */
    static Optional<byte[]> of(List<String> names, KeyPair key) throws IOException {
        AsymmetricKeyParameter priv =
                PrivateKeyFactory.createKey(key.getPrivate().getEncoded());
        if (!(priv instanceof ECPrivateKeyParameters ec)) {
            return Optional.empty();
        }
        GeneralName[] sans =
                names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        PKCS10CertificationRequestBuilder b = new PKCS10CertificationRequestBuilder(
                        new X500NameBuilder(BCStyle.INSTANCE)
                                .addRDN(BCStyle.CN, names.get(0))
                                .build(),
                        SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()))
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder()
                .find(ec.getParameters().getN().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA");
        try {
            return Optional.of(b.build(new BcECContentSignerBuilder(
                                    signature, new DefaultDigestAlgorithmIdentifierFinder().find(signature))
                            .build(ec))
                    .getEncoded());
        } catch (OperatorCreationException e) {
            throw new IOException("cannot sign the CSR: " + e.getMessage(), e);
        }
    }

    /** Finalizes the order with the device's CSR, or for a key the gateway holds, a CSR made for it here. */
    static void finalizeOrder(Order order, OrderRequest request, String what)
            throws AcmeException, EnrollmentException {
        if (request.getCsrDer().isPresent()) {
            order.execute(request.getCsrDer().get());
            return;
        }
        KeyPair key = request.getKey().orElseThrow();
        Optional<byte[]> csr;
        try {
            csr = of(request.getNames(), key);
        } catch (IOException e) {
            throw new EnrollmentException(what + ": no CSR for the key: " + e.getMessage(), e, false);
        }
        if (csr.isPresent()) {
            order.execute(csr.get());
        } else {
            order.execute(key);
        }
    }
}
