package io.keywarden.api.enrollment;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Every certificate this gateway ordered, current and superseded, for monitoring and revocation. */
@ProviderType
public interface CertificateInventory {

    List<CertificateRecord> getAll();

    List<CertificateRecord> getByDevice(String deviceId);

    Optional<CertificateRecord> getBySerial(String serial);
}
