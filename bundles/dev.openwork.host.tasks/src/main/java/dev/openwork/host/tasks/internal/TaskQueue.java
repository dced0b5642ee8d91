package dev.openwork.host.tasks.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Queued tasks, fair across devices: devices take turns (round robin) and none may run more than
 * its share at once. Not thread-safe: the coordinator guards it.
 */
final class TaskQueue {

    private final Map<String, Deque<String>> queuedByDevice = new LinkedHashMap<>();
    private final Map<String, Integer> runningByDevice = new HashMap<>();
    private int running;

    /** The owner key of a task: its device, or the local admin. */
    static String owner(String deviceId) {
        return deviceId == null ? "(admin)" : deviceId;
    }

    void enqueue(String owner, String taskId) {
        queuedByDevice.computeIfAbsent(owner, k -> new ArrayDeque<>()).addLast(taskId);
    }

    boolean remove(String owner, String taskId) {
        Deque<String> queue = queuedByDevice.get(owner);
        boolean removed = queue != null && queue.remove(taskId);
        if (queue != null && queue.isEmpty()) {
            queuedByDevice.remove(owner);
        }
        return removed;
    }

    /**
     * The next task to start, or empty when the global or every waiting device's limit is reached.
     * The device served is moved to the back of the turn order.
     */
    Optional<String> next(int maxRunning, int maxRunningPerDevice) {
        return next(maxRunning, maxRunningPerDevice, taskId -> true);
    }

    /**
     * The same, skipping devices whose next task is not {@code ready} (its runtime is away): that
     * task and the device's later ones keep their places, so a device's tasks still start in order.
     */
    Optional<String> next(int maxRunning, int maxRunningPerDevice, Predicate<String> ready) {
        if (running >= maxRunning) {
            return Optional.empty();
        }
        for (String owner : new ArrayList<>(queuedByDevice.keySet())) {
            if (runningByDevice.getOrDefault(owner, 0) >= maxRunningPerDevice
                    || !ready.test(queuedByDevice.get(owner).peekFirst())) {
                continue;
            }
            Deque<String> queue = queuedByDevice.remove(owner);
            String taskId = queue.pollFirst();
            if (!queue.isEmpty()) {
                queuedByDevice.put(owner, queue); // back of the turn order
            }
            running++;
            runningByDevice.merge(owner, 1, Integer::sum);
            return Optional.of(taskId);
        }
        return Optional.empty();
    }

    /**
     * A task that {@link #next} handed out but that could not start (its runtime left in between)
     * goes back to the head of its device's queue and frees its running slot.
     */
    void putBack(String owner, String taskId) {
        finished(owner);
        queuedByDevice.computeIfAbsent(owner, k -> new ArrayDeque<>()).addFirst(taskId);
    }

    void finished(String owner) {
        running--;
        runningByDevice.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
    }

    int queued() {
        return queuedByDevice.values().stream().mapToInt(Deque::size).sum();
    }

    int running() {
        return running;
    }

    List<String> queuedTasks() {
        List<String> all = new ArrayList<>();
        queuedByDevice.values().forEach(all::addAll);
        return all;
    }
}
