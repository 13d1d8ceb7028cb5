/**
 * A throwaway PKI for tests: {@link io.keywarden.testing.pki.TestCa} (a root or an intermediate) issues leaf
 * certificates through {@link io.keywarden.testing.pki.LeafBuilder} (names, usage, serial, validity, key),
 * {@link io.keywarden.testing.pki.TestKeys} makes EC and RSA keys, {@link io.keywarden.testing.pki.Pem} writes PEM,
 * {@link io.keywarden.testing.pki.TestTls} makes trust stores, key managers and TLS contexts of them.
 * Test scope only: nothing here is fit for a real CA (no revocation, no policy, keys in memory).
 */
@Version("1.1.0")
@Export
package io.keywarden.testing.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
