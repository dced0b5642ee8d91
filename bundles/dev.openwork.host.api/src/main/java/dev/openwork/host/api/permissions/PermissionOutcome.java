package dev.openwork.host.api.permissions;

import java.time.Instant;

/**
 * How a {@link PermissionPrompt} was settled (the {@code permission.replied} event, and the answer
 * to a reply).
 *
 * @param promptId   the question
 * @param taskId     its task
 * @param callId     its tool call
 * @param decision   {@link #ONCE}, {@link #ALWAYS}, {@link #REJECT}, {@link #TIMEOUT} (nobody answered
 *                   in time) or {@link #CANCELLED} (the task stopped, or the gate did, while it waited)
 * @param allowed    whether the call runs
 * @param answeredBy the device that answered, {@code admin} for the local admin, or {@code null}
 *                   when nobody did
 * @param message    the answer's message, or why it was settled without one
 * @param ruleId     the rule an {@code always} answer stored, else {@code null}
 * @param at         when it was settled
 */
public record PermissionOutcome(String promptId, String taskId, String callId, String decision, boolean allowed,
        String answeredBy, String message, String ruleId, Instant at) {

    public static final String ONCE = PermissionReply.ONCE;
    public static final String ALWAYS = PermissionReply.ALWAYS;
    public static final String REJECT = PermissionReply.REJECT;
    public static final String TIMEOUT = "timeout";
    public static final String CANCELLED = "cancelled";
}
