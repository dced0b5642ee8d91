package dev.openwork.host.runtime.opencode.internal;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolGate;

/**
 * OpenCode asks before its agent runs what its permission setting marks {@code ask}; this policy
 * carries that question into the host's gate, so the task's device is asked there, once. It ranks
 * below every other policy: a host policy that allows or denies the call, or a stored
 * {@code always} rule, decides first, and nobody is asked twice. It abstains on everything else,
 * including the shell commands a device sends itself.
 */
final class OpenCodeQuestionsPolicy implements ToolPolicy {

    static final String NAME = "opencode-asks";
    static final int RANKING = -1000;

    private final PermissionBridge bridge;

    OpenCodeQuestionsPolicy(PermissionBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public PolicyAnswer evaluate(ToolGate.ToolRequest request) {
        if (OpenCodeComponent.NAME.equals(request.runtime()) && bridge.isOpenCodeQuestion(request.taskId(), request.step())) {
            return PolicyAnswer.ask("OpenCode's agent asks before it runs this, and no host policy decides it");
        }
        return PolicyAnswer.abstain();
    }
}
