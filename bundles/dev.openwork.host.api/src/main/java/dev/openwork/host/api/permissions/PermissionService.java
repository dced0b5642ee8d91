package dev.openwork.host.api.permissions;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The permission gate's questions, rules and audit log, for the REST API and the console.
 * Thread-safe. Refusals are {@code HostException}s with these codes: {@code NOT_FOUND} (no such
 * question or rule, or one the caller may not see), {@code CONFLICT} (already answered, or the reply
 * is bound to another task, call, arguments or nonce), {@code EXPIRED} (nobody answered in time),
 * {@code INVALID_REQUEST} (a malformed reply).
 */
@ProviderType
public interface PermissionService {

    /** Who answers: a device (its id) or the admin (a device with the admin scope, or the local admin with a {@code null} id). */
    record Answerer(String deviceId, boolean admin) {

        /** The local admin (console, loopback API). */
        public static final Answerer LOCAL_ADMIN = new Answerer(null, true);

        /** How the audit log and events name this answerer. */
        public String label() {
            return deviceId == null ? "admin" : deviceId;
        }
    }

    /** Open questions, oldest first: all of them for an admin, else those of the device's own tasks. */
    List<PermissionPrompt> pending(Answerer who);

    /**
     * Answers an open question. The reply must be bound to it (task, call, arguments hash, nonce),
     * come from the task's device or an admin, and arrive before it expires; the first valid reply
     * wins and the question is closed.
     *
     * @return how the question was settled
     */
    PermissionOutcome reply(String promptId, Answerer who, PermissionReply reply);

    /** Stored {@code always} rules: all of them, or one device's ({@code admin} for the local admin's). */
    List<PermissionRule> rules(String deviceId);

    /** Removes a rule; its calls are asked about again. False when there was no such rule. */
    boolean forget(String ruleId);

    /** Reads the audit log. */
    List<AuditEntry> audit(AuditQuery query);
}
