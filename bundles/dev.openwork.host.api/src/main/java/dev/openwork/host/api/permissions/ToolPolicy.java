package dev.openwork.host.api.permissions;

import dev.openwork.host.api.tasks.ToolGate;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A rule about tool calls, registered as a whiteboard service. The host's permission gate runs
 * every registered policy for every tool call of every runtime, after the device's scopes allowed
 * the call, and combines their answers:
 * <ol>
 * <li>a {@link PolicyAnswer.Kind#DENY DENY} from any policy refuses the call, whatever the others say;</li>
 * <li>otherwise the policy with the highest {@code service.ranking} (then the lowest
 *     {@code service.id}) that does not {@link PolicyAnswer.Kind#ABSTAIN ABSTAIN} decides:
 *     {@link PolicyAnswer.Kind#ALLOW ALLOW} runs the call, {@link PolicyAnswer.Kind#ASK ASK} asks the
 *     task's device (or the admin) and waits for the answer;</li>
 * <li>when every policy abstains, the gate's configured default applies (allow, unless the admin
 *     changed it).</li>
 * </ol>
 * The built-in policies rank 300 (sensitive tools), 200 (workspace jail) and 100 (command rules).
 * A policy that should override their questions with an allow ranks above 300; a policy that only
 * denies may rank anywhere.
 *
 * <p>Installing a bundle with a policy changes the next decision at once; stopping it removes the
 * policy just as fast. Contract: {@link #evaluate} is called on a task's thread, concurrently for
 * different tasks; it must be thread-safe, fast and non-blocking (no I/O that can hang, no person
 * asked: answer {@code ASK} instead), must not keep the request, and should not throw: a policy that
 * throws or returns {@code null} counts as a {@code DENY} naming the policy, so a broken policy can
 * never open the gate.
 */
@ConsumerType
public interface ToolPolicy {

    /** Service property: the policy's name, shown to users with its reasons and in the audit log. */
    String NAME = "tool.policy.name";

    /**
     * Decides about one tool call.
     *
     * @param request the call, its task, runtime and workspace (a real, absolute path), and the
     *                device with its current scopes ({@code deviceId} is {@code null} for the local admin)
     * @return the answer with a reason a person understands (e.g. "curl reaches the network")
     */
    PolicyAnswer evaluate(ToolGate.ToolRequest request);
}
