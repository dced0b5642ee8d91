package dev.openwork.host.api.permissions;

import java.util.Objects;

/**
 * A {@link ToolPolicy}'s answer about one tool call.
 *
 * @param kind   what the policy wants
 * @param reason why, in words a person understands; shown in prompts, refusals and the audit log
 *               ({@code null} only for {@link Kind#ABSTAIN})
 */
public record PolicyAnswer(Kind kind, String reason) {

    /** What a policy can answer. */
    public enum Kind {
        /** Run the call. */
        ALLOW,
        /** Refuse the call; no other policy can overrule this. */
        DENY,
        /** Ask the task's device (or the admin) and wait for the answer. */
        ASK,
        /** No opinion: the next policy decides. */
        ABSTAIN
    }

    private static final PolicyAnswer ABSTAIN = new PolicyAnswer(Kind.ABSTAIN, null);

    public PolicyAnswer {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.ABSTAIN && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a policy answer other than ABSTAIN needs a reason");
        }
    }

    public static PolicyAnswer allow(String reason) {
        return new PolicyAnswer(Kind.ALLOW, reason);
    }

    public static PolicyAnswer deny(String reason) {
        return new PolicyAnswer(Kind.DENY, reason);
    }

    public static PolicyAnswer ask(String reason) {
        return new PolicyAnswer(Kind.ASK, reason);
    }

    public static PolicyAnswer abstain() {
        return ABSTAIN;
    }
}
