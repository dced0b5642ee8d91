package dev.openwork.host.api.permissions;

import java.time.Instant;
import java.util.List;

/**
 * A question put to a person about one tool call, as the device and the admin see it (the
 * {@code permission.asked} event, {@code GET /v1/permissions}). An answer must repeat
 * {@code taskId}, {@code callId}, {@code argsHash} and {@code nonce} ({@link PermissionReply}) and
 * arrive before {@code expiresAt}; it is used once.
 *
 * @param id            the question's id ({@code perm_...})
 * @param taskId        the task that waits
 * @param callId        the tool call, unique on this host ({@code call_...})
 * @param deviceId      the task's device, or {@code null} when the local admin started it
 * @param runtime       the task's runtime
 * @param workspace     the task's workspace
 * @param step          the step index (0-based) of the call in its task
 * @param tool          {@code bash}, {@code read}, {@code write}, {@code edit}, ...
 * @param command       the exact command, for {@code bash}; else {@code null}
 * @param path          the file, for file tools; else {@code null}
 * @param summary       one line saying what the call does (the command, or "write .env: 3 lines, new file")
 * @param preview       for writes and edits, a short diff-like preview ({@code -} removed, {@code +} added
 *                      lines); else {@code null}
 * @param argsHash      hex SHA-256 of the call's arguments
 * @param nonce         a random value that exists only for this question
 * @param policy        the policy that asked
 * @param reason        why it asked
 * @param alwaysAllows  what answering {@code always} would allow from then on, in this workspace,
 *                      for this device: one pattern per command of a bash line ({@code curl *}), or
 *                      the file for a file tool
 * @param askedAt       when it was asked
 * @param expiresAt     when an unanswered question is rejected
 */
public record PermissionPrompt(String id, String taskId, String callId, String deviceId, String runtime,
        String workspace, int step, String tool, String command, String path, String summary, String preview,
        String argsHash, String nonce, String policy, String reason, List<String> alwaysAllows, Instant askedAt,
        Instant expiresAt) {

    public PermissionPrompt {
        alwaysAllows = alwaysAllows == null ? List.of() : List.copyOf(alwaysAllows);
    }
}
