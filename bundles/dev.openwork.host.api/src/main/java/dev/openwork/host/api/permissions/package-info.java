/**
 * Permission gates: the {@link dev.openwork.host.api.permissions.ToolPolicy} whiteboard through
 * which bundles decide about tool calls (allow, deny, ask a person, or abstain), the questions put
 * to a device ({@link dev.openwork.host.api.permissions.PermissionPrompt}) and how they are
 * answered ({@link dev.openwork.host.api.permissions.PermissionReply},
 * {@link dev.openwork.host.api.permissions.PermissionOutcome}), the "always" rules answers leave
 * behind, and the audit log of every decision, all behind the
 * {@link dev.openwork.host.api.permissions.PermissionService}.
 */
@Version("1.0.0")
package dev.openwork.host.api.permissions;

import org.osgi.annotation.versioning.Version;
