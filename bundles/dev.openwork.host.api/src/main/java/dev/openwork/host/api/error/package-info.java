/**
 * The typed error model: every error that reaches a client is an {@link
 * dev.openwork.host.api.error.ErrorCode}, a human message and an action. Transports map the code
 * to their own status (HTTP status for the REST API); nobody matches exception text.
 */
@Version("1.1.0")
package dev.openwork.host.api.error;

import org.osgi.annotation.versioning.Version;
