/**
 * {@code ./keywarden run}: the standalone runtime against any ACME CA, in the foreground with its Gogo console. Not a
 * demo: no local CA, nothing simulated. It writes the runtime's etc/ from flags or a .cfg file and starts the runtime.
 */
package io.keywarden.demo.run;
