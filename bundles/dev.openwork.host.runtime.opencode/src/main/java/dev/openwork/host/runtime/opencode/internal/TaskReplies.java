package dev.openwork.host.runtime.opencode.internal;

import dev.openwork.host.api.opencode.OpenCodeGateway;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenCode's answer to the request a task made (the assistant message of a prompt or shell command),
 * handed from the task's thread to the compatibility request that submitted the task. Either side
 * may come first; answers nobody collects are dropped after a while.
 */
final class TaskReplies {

    static final Duration KEEP = Duration.ofMinutes(10);

    private record Slot(CompletableFuture<OpenCodeGateway.Reply> reply, long createdAt) {
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    CompletableFuture<OpenCodeGateway.Reply> of(String taskId) {
        long now = System.nanoTime();
        slots.values().removeIf(slot -> slot.reply().isDone() && now - slot.createdAt() > KEEP.toNanos());
        return slots.computeIfAbsent(taskId, id -> new Slot(new CompletableFuture<>(), now)).reply();
    }

    void forget(String taskId) {
        slots.remove(taskId);
    }
}
