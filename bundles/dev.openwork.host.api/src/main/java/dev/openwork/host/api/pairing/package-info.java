/**
 * Pairing: a window an admin opens on the host, an 8-digit code, EC-J-PAKE over two HTTP round
 * trips whose confirmation binds the host key as the client saw it in TLS, and the admin's
 * approval. The records are the wire format; {@link dev.openwork.host.api.pairing.PairingProtocol}
 * fixes the byte-exact transcript both sides MAC.
 */
@Version("1.0.0")
package dev.openwork.host.api.pairing;

import org.osgi.annotation.versioning.Version;
