package dev.openwork.host.api.permissions;

import java.time.Instant;

/**
 * One decision of the permission gate, as appended to the audit log: who or what decided, about
 * what, when and why. Entries are never changed once written.
 *
 * @param seq       position in the log, increasing by one per entry
 * @param at        when the decision was made
 * @param taskId    the task
 * @param deviceId  the task's device, or {@code admin} for the local admin
 * @param runtime   the task's runtime
 * @param workspace the task's workspace
 * @param step      the step index of the call
 * @param tool      the call's tool
 * @param subject   what the call touches: the command (bash) or the path (file tools), cut at 500 characters
 * @param argsHash  hex SHA-256 of the call's arguments
 * @param decision  {@link #ALLOW}, {@link #DENY} or {@link #ASK} (a person is asked; the answer is a later entry)
 * @param decidedBy {@code scope}, {@code policy:<name>}, {@code default}, {@code rule:<id>},
 *                  {@code device:<id>}, {@code admin}, {@code timeout}, {@code cancelled} or {@code gate}
 * @param reason    why, in words
 * @param promptId  the question, for entries of an ask flow; else {@code null}
 */
public record AuditEntry(long seq, Instant at, String taskId, String deviceId, String runtime, String workspace,
        int step, String tool, String subject, String argsHash, String decision, String decidedBy, String reason,
        String promptId) {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String ASK = "ask";
}
