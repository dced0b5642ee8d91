package dev.openwork.host.telemetry.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.tasks.TaskState;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns one host event into counts. Knows the topics and their properties, nothing else; an event
 * with a missing or odd property still counts, under {@code unknown}, so nothing is lost silently.
 */
final class EventRecorder {

    static final String UNKNOWN = "unknown";
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "interrupted");

    private final MetricsStore store;

    EventRecorder(MetricsStore store) {
        this.store = store;
    }

    /** Records the event of {@code topic} whose properties {@code property} reads. */
    void record(String topic, Function<String, Object> property) {
        switch (topic) {
            case HostTopics.TASK_STATE -> {
                String state = word(property.apply(HostEventProperties.NEW_STATUS));
                if (TERMINAL.contains(state)) {
                    store.taskFinished(state, number(property.apply(HostEventProperties.DURATION_MILLIS)));
                }
            }
            case HostTopics.CLIENT_CONNECTED -> store.count(MetricsStore.CONNECTIONS, word(property.apply(HostEventProperties.KIND)));
            case HostTopics.CLIENT_FAILED ->
                    store.count(MetricsStore.CONNECTION_FAILURES, word(property.apply(HostEventProperties.REASON)));
            case HostTopics.PAIRING_WINDOW_OPENED -> store.count(MetricsStore.PAIRING_WINDOWS, null);
            case HostTopics.PAIRING_ATTEMPT -> store.count(MetricsStore.PAIRING, word(property.apply(HostEventProperties.OUTCOME)));
            case HostTopics.PERMISSION_ASKED -> store.count(MetricsStore.PERMISSION_PROMPTS, null);
            case HostTopics.PERMISSION_ANSWERED -> store.count(MetricsStore.PERMISSION_ANSWERS, answer(property));
            case HostTopics.DEVICE_PAIRED -> store.count(MetricsStore.DEVICES_PAIRED, null);
            case HostTopics.DEVICE_REVOKED -> store.count(MetricsStore.DEVICES_REVOKED, null);
            default -> {
                // other topics (host started, health changed, task output) carry nothing to count
            }
        }
    }

    /** The permissions bundle names its answer {@code outcome}; an older one may say {@code answer}. */
    private static String answer(Function<String, Object> property) {
        Object outcome = property.apply(HostEventProperties.OUTCOME);
        return word(outcome != null ? outcome : property.apply("answer"));
    }

    /** A short lower-case word for a label; anything else becomes {@code unknown} (labels stay few and safe). */
    static String word(Object value) {
        if (value == null) {
            return UNKNOWN;
        }
        String text = value instanceof TaskState state ? state.name() : value.toString();
        text = text.strip().toLowerCase(Locale.ROOT);
        return text.matches("[a-z0-9_.-]{1,40}") ? text : UNKNOWN;
    }

    private static Long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return value == null ? null : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
