/** Keystores managed by Kura (stand-in for Kura's package at its newest version: 1.2 as on Kura 5.6; 5.4/5.5 export 1.1). */
@Version("1.2.0")
@Export
package org.eclipse.kura.security.keystore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
