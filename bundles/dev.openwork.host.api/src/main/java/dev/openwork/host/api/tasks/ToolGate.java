package dev.openwork.host.api.tasks;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The single gate every tool call of every runtime passes before it runs. The permissions bundle
 * provides it (policies, asking the device); a runtime never decides by itself. Calls may block
 * while a person is asked; they return within the permission timeout.
 */
@ConsumerType
public interface ToolGate {

    /** Where and for whom a tool call would run. */
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

    Decision check(ToolRequest request);
}
