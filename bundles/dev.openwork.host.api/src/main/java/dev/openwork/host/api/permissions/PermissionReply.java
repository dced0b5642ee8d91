package dev.openwork.host.api.permissions;

/**
 * An answer to a {@link PermissionPrompt} ({@code POST /v1/permissions/{id}/reply}). It is bound to
 * the exact question: {@code taskId}, {@code callId}, {@code argsHash} and {@code nonce} must be those
 * of the prompt, and it counts only once and only before the prompt expires.
 *
 * @param taskId   the prompt's task
 * @param callId   the prompt's tool call
 * @param argsHash the prompt's hash of the call's arguments
 * @param nonce    the prompt's nonce
 * @param reply    {@link #ONCE}, {@link #ALWAYS} or {@link #REJECT}
 * @param message  optional words for the task's log (why it was rejected, say); at most 500 characters
 */
public record PermissionReply(String taskId, String callId, String argsHash, String nonce, String reply,
        String message) {

    /** Run this call. */
    public static final String ONCE = "once";
    /** Run this call, and from now on calls like it ({@link PermissionPrompt#alwaysAllows()}) for this device in this workspace. */
    public static final String ALWAYS = "always";
    /** Do not run it: the task sees a refusal with the message. */
    public static final String REJECT = "reject";

    /** The reply to {@code prompt}, bound to it. */
    public static PermissionReply to(PermissionPrompt prompt, String reply, String message) {
        return new PermissionReply(prompt.taskId(), prompt.callId(), prompt.argsHash(), prompt.nonce(), reply, message);
    }
}
