/**
 * Operations at the CA that revocation needs from the bundle holding the ACME client: revoking a certificate by a
 * chosen RFC 8555 §7.6 route and deactivating an account (§7.3.6). Also the format of the escrow deposit through
 * which a gateway hands its ACME account key, encrypted, to the fleet authority.
 */
@Version("1.2.0")
@Export
package io.keywarden.api.ca;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
