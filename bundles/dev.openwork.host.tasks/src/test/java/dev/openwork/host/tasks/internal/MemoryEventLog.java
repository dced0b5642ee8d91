package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** An event log in memory, for tests of the task side. */
class MemoryEventLog implements EventLog {

    private final List<TaskEvent> events = new ArrayList<>();

    @Override
    public synchronized List<TaskEvent> append(List<TaskEvent> drafts) {
        List<TaskEvent> stored = new ArrayList<>();
        for (TaskEvent d : drafts) {
            TaskEvent e = new TaskEvent(events.size() + 1, d.taskId(), Instant.now(), d.type(), d.state(), d.stream(), d.text(),
                    d.step(), d.exitCode());
            events.add(e);
            stored.add(e);
        }
        return stored;
    }

    @Override
    public synchronized List<TaskEvent> events(String taskId, long afterEventId, int limit) {
        return events.stream().filter(e -> e.taskId().equals(taskId) && e.id() > afterEventId).limit(limit).toList();
    }

    @Override
    public synchronized List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter) {
        return events.stream().filter(e -> e.id() > afterEventId && taskFilter.test(e.taskId())).limit(limit).toList();
    }

    @Override
    public synchronized long lastEventId() {
        return events.size();
    }

    @Override
    public synchronized Map<String, TaskState> latestStates() {
        Map<String, TaskState> states = new LinkedHashMap<>();
        events.stream().filter(e -> e.state() != null).forEach(e -> states.put(e.taskId(), e.state()));
        return states;
    }

    @Override
    public void close() {
    }
}
