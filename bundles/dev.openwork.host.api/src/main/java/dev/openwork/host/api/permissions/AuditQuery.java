package dev.openwork.host.api.permissions;

/**
 * Which audit entries to read.
 *
 * @param afterSeq entries after this position, oldest first; {@code null} for the newest {@code limit}
 *                 entries (still oldest first)
 * @param taskId   only this task's entries, or {@code null} for all
 * @param limit    at most this many, 1 to 1000
 */
public record AuditQuery(Long afterSeq, String taskId, int limit) {

    /** The most entries one query returns. */
    public static final int MAX_LIMIT = 1000;
}
