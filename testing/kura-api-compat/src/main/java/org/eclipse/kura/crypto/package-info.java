/**
 * Kura's cryptographic functions (stand-in). Kura's API manifest exports this package at 1.2.1 (Kura 3.x) and 1.4.0
 * (6.0 development); the 5.4-5.6 value lies between, so the stand-in says the lowest and importers use [1.1,2) as
 * Kura's own keystore bundle does.
 */
@Version("1.2.1")
@Export
package org.eclipse.kura.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
