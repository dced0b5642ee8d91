package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The {@link EventLog} of a running host: the {@link TaskJournal} in the data directory. */
final class JournalEventLog implements EventLog {

    private final TaskJournal journal;

    private JournalEventLog(TaskJournal journal) {
        this.journal = journal;
    }

    static JournalEventLog open(Path directory) {
        try {
            return new JournalEventLog(TaskJournal.open(directory, Clock.systemUTC(), TaskJournal.DEFAULT_SEGMENT_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("the task journal in " + directory + " cannot be opened", e);
        }
    }

    TaskJournal journal() {
        return journal;
    }

    @Override
    public List<TaskEvent> append(List<TaskEvent> drafts) {
        List<JournalDraft> converted = new ArrayList<>(drafts.size());
        for (TaskEvent d : drafts) {
            converted.add(new JournalDraft(d.taskId(), d.type(), d.state(), d.stream(), d.text(), d.step(), d.exitCode()));
        }
        try {
            return journal.append(converted);
        } catch (IOException e) {
            throw new UncheckedIOException("task events could not be journaled", e);
        }
    }

    @Override
    public List<TaskEvent> events(String taskId, long afterEventId, int limit) {
        return journal.events(taskId, afterEventId, limit);
    }

    @Override
    public List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter) {
        return journal.eventsAfter(afterEventId, limit, taskFilter);
    }

    @Override
    public long lastEventId() {
        return journal.lastEventId();
    }

    @Override
    public Map<String, TaskState> latestStates() {
        return journal.latestStates();
    }

    @Override
    public void close() {
        try {
            journal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
