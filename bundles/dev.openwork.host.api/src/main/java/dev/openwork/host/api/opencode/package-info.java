/**
 * The OpenCode compatibility gateway: what the REST transport calls to serve the subset of the
 * OpenCode server API that the OpenCode SDK uses (sessions, prompts, shell, events, permissions),
 * for paired devices, through the host's supervised OpenCode. The runtime bundle that supervises
 * OpenCode provides it; the transport authenticates and checks scopes first.
 */
@Version("1.0.0")
package dev.openwork.host.api.opencode;

import org.osgi.annotation.versioning.Version;
