package dev.openwork.host.api.permissions;

import java.time.Instant;

/**
 * What an {@code always} answer leaves behind: calls of {@code tool} that match {@code pattern},
 * by tasks of {@code deviceId} in {@code workspace} (exactly that directory), run without asking
 * from then on. Denials still apply: a rule only answers questions.
 *
 * @param id        the rule's id ({@code rule_...})
 * @param deviceId  the device, or {@code admin} for tasks of the local admin
 * @param workspace the workspace (real path)
 * @param tool      {@code bash}, {@code read}, {@code write}, {@code edit}, ...
 * @param pattern   for bash, a command pattern ({@code *} any text, {@code ?} one character; a trailing
 *                  {@code " *"} also matches the bare command), which every command of a bash line
 *                  must match; for file tools, the file's path relative to the workspace
 * @param createdAt when it was stored
 * @param createdBy who answered {@code always} (device id, or {@code admin})
 * @param promptId  the question that was answered
 */
public record PermissionRule(String id, String deviceId, String workspace, String tool, String pattern,
        Instant createdAt, String createdBy, String promptId) {
}
