/**
 * The host's cryptographic identity (a P-256 key and its self-signed certificate) and where its
 * TLS listener for the LAN is reachable. Clients pin the SPKI fingerprint.
 */
@Version("1.0.0")
package dev.openwork.host.api.identity;

import org.osgi.annotation.versioning.Version;
