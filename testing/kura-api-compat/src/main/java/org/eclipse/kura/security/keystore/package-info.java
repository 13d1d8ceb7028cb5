/** Keystores managed by Kura (1.1 as on Kura 5.4/5.5; 5.6 exports 1.2, a superset) (stand-in for Kura's package of the same name and export version). */
@Version("1.1.0")
@Export
package org.eclipse.kura.security.keystore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
