package dev.openwork.host.api.tasks;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The single gate every tool call of every runtime passes before it runs. The permissions bundle
 * provides it (scopes, policies, asking the device); a runtime never decides by itself. Calls may
 * block while a person is asked; they return within the permission timeout, or sooner when the
 * task is stopped.
 */
@ConsumerType
public interface ToolGate {

    /** Where and for whom a tool call would run. {@code deviceId} is {@code null} for the local admin. */
    record ToolRequest(String taskId, String deviceId, Set<String> deviceScopes, String runtime, String workspace,
            int step, ToolCall call) {
    }

    /** The gate's answer: run it or not, and why (shown to the user when refused). */
    record Decision(boolean allowed, String reason) {
        public static Decision allow(String reason) {
            return new Decision(true, reason);
        }

        public static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    /**
     * The task's side of a question put to a person, provided by the tasks bundle for each check.
     * Each method returns once what it reports is journaled in the task's events, so a client that
     * sees the question can answer it at once, and nothing is streamed that a restart would lose.
     */
    @ProviderType
    interface PromptChannel {

        /** A channel for checks made outside a task: reports go nowhere and nothing stops the wait. */
        PromptChannel NONE = new PromptChannel() {
            @Override
            public void asked(String promptJson) {
            }

            @Override
            public void replied(String outcomeJson) {
            }

            @Override
            public boolean stopRequested() {
                return false;
            }
        };

        /**
         * A person is asked: the task moves to {@link TaskState#WAITING_PERMISSION} and a
         * {@link TaskEvent#PERMISSION_ASKED} event whose text is {@code promptJson} is journaled.
         */
        void asked(String promptJson);

        /**
         * The question was settled (answered, timed out or dropped): a
         * {@link TaskEvent#PERMISSION_REPLIED} event whose text is {@code outcomeJson} is journaled
         * and the task moves back to {@link TaskState#RUNNING}.
         */
        void replied(String outcomeJson);

        /** Whether the task was cancelled or timed out: a gate stops waiting as soon as it sees this. */
        boolean stopRequested();
    }

    /** Decides about a tool call without a way to tell the task that a person is asked. */
    Decision check(ToolRequest request);

    /**
     * Decides about a tool call of a running task; a gate that asks a person reports it through
     * {@code prompts}. The tasks bundle calls this one. The default ignores the channel.
     */
    default Decision check(ToolRequest request, PromptChannel prompts) {
        return check(request);
    }
}
